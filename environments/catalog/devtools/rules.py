"""The merge rules of the code host: approvals, CI and conflicts. Both `get_pull_request` (to
show the mergeable state) and `merge_pull_request` (to refuse) read them from here."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import lookups
from .models import Pipeline, PullRequest, Repository, Review

MAX_ATTEMPTS = 3


def latest_reviews(db: Session, pr: PullRequest) -> dict[str, Review]:
    """Each reviewer's latest approving or change-requesting review (plain comments do not count)."""
    reviews = db.scalars(
        select(Review)
        .where(Review.repo == pr.repo, Review.number == pr.number, Review.verdict != "commented")
        .order_by(Review.submitted_at, Review.id)
    )
    return {r.reviewer: r for r in reviews}


def approvers(db: Session, pr: PullRequest) -> list[str]:
    return sorted(
        r for r, rev in latest_reviews(db, pr).items() if rev.verdict == "approved" and r != pr.author
    )


def latest_pipeline(db: Session, repo: str, branch: str) -> Pipeline | None:
    return db.scalar(
        select(Pipeline)
        .where(Pipeline.repo == repo, Pipeline.branch == branch)
        .order_by(Pipeline.id.desc())
        .limit(1)
    )


def ci_state(db: Session, pr: PullRequest) -> dict[str, object]:
    """CI of the pull request's head commit: the latest pipeline of the source branch."""
    branch = lookups.branch(db, pr.repo, pr.source_branch) if pr.state == "open" else None
    pipeline = latest_pipeline(db, pr.repo, pr.source_branch)
    if pipeline is None or (branch is not None and pipeline.commit_sha != branch.head_sha):
        return {"status": "missing", "pipeline_id": None}
    return {"status": pipeline.status, "pipeline_id": pipeline.id}


def merge_blockers(db: Session, repo: Repository, pr: PullRequest) -> list[str]:
    """Why the pull request cannot be merged now; empty when it can."""
    if pr.state != "open":
        return [f"it is already {pr.state}"]
    blockers = []
    if repo.archived:
        blockers.append(f"repository {repo.name} is archived")
    if pr.has_conflicts:
        blockers.append(
            f"{pr.source_branch} has merge conflicts with {pr.target_branch}; the author must rebase"
        )
    requested = sorted(r for r, rev in latest_reviews(db, pr).items() if rev.verdict == "changes_requested")
    if requested:
        blockers.append(f"changes requested by {', '.join(requested)} are not resolved")
    approved = approvers(db, pr)
    if len(approved) < repo.required_approvals:
        blockers.append(f"{len(approved)} of {repo.required_approvals} required approvals")
    ci = ci_state(db, pr)
    if ci["status"] != "passed":
        where = f" (pipeline #{ci['pipeline_id']})" if ci["pipeline_id"] else " on the head commit"
        blockers.append(f"CI is {ci['status']}{where}; it must pass")
    return blockers
