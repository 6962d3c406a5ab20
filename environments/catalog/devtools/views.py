"""What the tools return: compact, JSON-friendly views of rows."""

from __future__ import annotations

from typing import Any

from .models import Branch, Comment, Commit, Issue, Job, Pipeline, PullRequest, Review


def labels_of(issue: Issue) -> list[str]:
    return [x for x in issue.labels.split(",") if x]


def branch(b: Branch) -> dict[str, Any]:
    return {"name": b.name, "head": b.head_sha, "protected": b.protected, "created_by": b.created_by}


def commit(c: Commit) -> dict[str, Any]:
    return {
        "sha": c.sha,
        "message": c.message,
        "author": c.author,
        "date": c.authored_at,
        "changed_paths": c.changed_paths.split(",") if c.changed_paths else [],
    }


def issue(i: Issue) -> dict[str, Any]:
    return {
        "repo": i.repo,
        "number": i.number,
        "title": i.title,
        "state": i.state,
        "state_reason": i.state_reason,
        "labels": labels_of(i),
        "assignee": i.assignee,
        "author": i.author,
        "locked": i.locked,
        "created_at": i.created_at,
        "closed_at": i.closed_at,
    }


def comment(c: Comment) -> dict[str, Any]:
    return {"id": c.id, "author": c.author, "body": c.body, "created_at": c.created_at}


def pull_summary(pr: PullRequest) -> dict[str, Any]:
    return {
        "repo": pr.repo,
        "number": pr.number,
        "title": pr.title,
        "author": pr.author,
        "source_branch": pr.source_branch,
        "target_branch": pr.target_branch,
        "state": pr.state,
        "created_at": pr.created_at,
        "merged_at": pr.merged_at,
        "merged_by": pr.merged_by,
    }


def review(r: Review) -> dict[str, Any]:
    return {"reviewer": r.reviewer, "verdict": r.verdict, "body": r.body, "submitted_at": r.submitted_at}


def pipeline(p: Pipeline, jobs: list[Job] | None = None, with_logs: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": p.id,
        "repo": p.repo,
        "branch": p.branch,
        "commit": p.commit_sha,
        "status": p.status,
        "trigger": p.trigger,
        "attempt": p.attempt,
        "created_at": p.created_at,
    }
    if jobs is not None:
        out["jobs"] = [job(j, with_logs) for j in jobs]
    return out


def job(j: Job, with_log: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"name": j.name, "status": j.status, "duration_s": j.duration_s}
    if with_log:
        out["log"] = j.log
    return out
