"""Write operations on the repository model: commits, merges, pipelines.

Commit hashes are derived from what the commit contains (parent, branch, paths and contents,
time), not from the message, so two agents that make the same change with different wording
reach the same state apart from `commits.message`."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from . import lookups
from .backlog import DEFAULT_JOBS, JOBS, PASSED_LOG
from .models import Branch, Commit, File, Job, Pipeline, PullRequest


def commit(
    db: Session, br: Branch, changes: dict[str, str], message: str, author: str, when: datetime
) -> Commit:
    """Write `changes` (path -> content) to the branch as one commit and move the branch head."""
    files = lookups.tree(db, br.repo, br.name)
    for path, content in changes.items():
        if path in files:
            files[path].content = content
        else:
            db.add(File(repo=br.repo, branch=br.name, path=path, content=content))
    digest = "|".join(
        [br.head_sha, br.repo, br.name, when.isoformat(), *(f"{p}\0{c}" for p, c in sorted(changes.items()))]
    )
    new = Commit(
        sha=hashlib.sha1(digest.encode()).hexdigest()[:12],
        repo=br.repo,
        branch=br.name,
        parent_sha=br.head_sha,
        message=message.strip(),
        author=author,
        authored_at=when.isoformat(),
        changed_paths=",".join(sorted(changes)),
    )
    db.add(new)
    br.head_sha = new.sha
    return new


def changed_files(db: Session, repo: str, source: str, target: str) -> dict[str, str]:
    """Files changed by the commits of `source` that `target` does not have (path -> content in
    `source`), leaving out paths where both branches already agree."""
    commits = {c.sha: c for c in db.scalars(select(Commit).where(Commit.repo == repo))}
    theirs = lookups.tree(db, repo, target)
    known = set(_first_parents(commits, lookups.branch(db, repo, target).head_sha))
    paths: set[str] = set()
    for sha in _first_parents(commits, lookups.branch(db, repo, source).head_sha):
        if sha in known:
            break
        paths.update(p for p in commits[sha].changed_paths.split(",") if p)
    ours = lookups.tree(db, repo, source)
    return {
        p: ours[p].content
        for p in sorted(paths)
        if p in ours and (p not in theirs or theirs[p].content != ours[p].content)
    }


def _first_parents(commits: dict[str, Commit], head: str | None) -> list[str]:
    chain = []
    while head is not None and head in commits:
        chain.append(head)
        head = commits[head].parent_sha
    return chain


def copy_branch(db: Session, source: Branch, name: str, author: str, when: datetime) -> Branch:
    new = Branch(
        repo=source.repo,
        name=name,
        head_sha=source.head_sha,
        protected=False,
        created_by=author,
        created_at=when.isoformat(),
    )
    db.add(new)
    db.add_all(
        File(repo=f.repo, branch=name, path=f.path, content=f.content)
        for f in lookups.tree(db, source.repo, source.name).values()
    )
    return new


def delete_branch(db: Session, br: Branch) -> None:
    db.execute(delete(File).where(File.repo == br.repo, File.branch == br.name))
    db.delete(br)


def mark_conflicts(db: Session, merged: PullRequest, paths: set[str]) -> list[int]:
    """Open pull requests into the same branch that touch a path just merged now conflict."""
    hit = []
    others = db.scalars(
        select(PullRequest).where(
            PullRequest.repo == merged.repo,
            PullRequest.target_branch == merged.target_branch,
            PullRequest.state == "open",
            PullRequest.number != merged.number,
        )
    )
    for pr in others:
        if not pr.has_conflicts and paths & set(
            changed_files(db, pr.repo, pr.source_branch, pr.target_branch)
        ):
            pr.has_conflicts = True
            hit.append(pr.number)
    return hit


def start_pipeline(db: Session, br: Branch, trigger: str, when: datetime) -> Pipeline:
    """A push starts CI; it reports `running` until the runners finish (outside this session)."""
    pipeline = Pipeline(
        id=_next_pipeline_id(db),
        repo=br.repo,
        branch=br.name,
        commit_sha=br.head_sha,
        status="running",
        trigger=trigger,
        attempt=1,
        created_at=when.isoformat(),
    )
    db.add(pipeline)
    db.add_all(
        Job(pipeline_id=pipeline.id, name=name, status="running", duration_s=0, flaky=False, log="")
        for name in JOBS.get(br.repo, DEFAULT_JOBS)
    )
    return pipeline


def retry_pipeline(db: Session, old: Pipeline, when: datetime) -> Pipeline:
    """Run the failed jobs again: flaky failures (infrastructure) pass, real failures fail again."""
    new = Pipeline(
        id=_next_pipeline_id(db),
        repo=old.repo,
        branch=old.branch,
        commit_sha=old.commit_sha,
        status="passed",
        trigger="retry",
        attempt=old.attempt + 1,
        created_at=when.isoformat(),
    )
    db.add(new)
    for job in db.scalars(select(Job).where(Job.pipeline_id == old.id).order_by(Job.name)):
        fails = job.status != "passed" and not job.flaky
        log = job.log if fails else PASSED_LOG[job.name].format(n=48, s=job.duration_s % 90 + 3)
        db.add(
            Job(
                pipeline_id=new.id,
                name=job.name,
                status="failed" if fails else "passed",
                duration_s=job.duration_s,
                flaky=False,
                log=log,
            )
        )
        if fails:
            new.status = "failed"
    return new


def _next_pipeline_id(db: Session) -> int:
    return (db.scalar(select(Pipeline.id).order_by(Pipeline.id.desc()).limit(1)) or 0) + 1
