"""Finding rows by the names agents use, with refusals that say what exists instead."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from envfactory.environments import ToolError
from envfactory.environments.errors import did_you_mean

from . import views
from .models import Branch, Comment, File, Issue, Job, Label, Pipeline, PullRequest, Repository, User


def repository(db: Session, name: str) -> Repository:
    repo = db.get(Repository, name)
    if repo is None:
        names = list(db.scalars(select(Repository.name).order_by(Repository.name)))
        raise ToolError(
            f"No repository named {name!r}.{did_you_mean(name, names)} Repositories: {', '.join(names)}."
        )
    return repo


def writable_repository(db: Session, name: str) -> Repository:
    repo = repository(db, name)
    if repo.archived:
        raise ToolError(
            f"Repository {name} is archived and read-only: nothing can be pushed, merged, filed or "
            "commented there. Unarchiving needs an organisation owner."
        )
    return repo


def branch(db: Session, repo: str, name: str) -> Branch:
    found = db.get(Branch, (repo, name))
    if found is None:
        names = list(db.scalars(select(Branch.name).where(Branch.repo == repo).order_by(Branch.name)))
        raise ToolError(
            f"Repository {repo} has no branch {name!r}.{did_you_mean(name, names)} "
            f"Branches: {', '.join(names)}."
        )
    return found


def tree(db: Session, repo: str, branch_name: str) -> dict[str, File]:
    files = db.scalars(select(File).where(File.repo == repo, File.branch == branch_name).order_by(File.path))
    return {f.path: f for f in files}


def issue(db: Session, repo: str, number: int) -> Issue:
    found = db.get(Issue, (repo, number))
    if found is None:
        if db.get(PullRequest, (repo, number)) is not None:
            raise ToolError(
                f"#{number} in {repo} is a pull request, not an issue; use the pull request tools."
            )
        raise ToolError(f"Repository {repo} has no issue #{number}.")
    return found


def pull_request(db: Session, repo: str, number: int) -> PullRequest:
    found = db.get(PullRequest, (repo, number))
    if found is None:
        if db.get(Issue, (repo, number)) is not None:
            raise ToolError(f"#{number} in {repo} is an issue, not a pull request.")
        raise ToolError(f"Repository {repo} has no pull request #{number}.")
    return found


def active_user(db: Session, username: str) -> User:
    user = db.get(User, username)
    if user is None:
        names = list(db.scalars(select(User.username).order_by(User.username)))
        raise ToolError(f"No member with username {username!r}.{did_you_mean(username, names)}")
    if not user.active:
        raise ToolError(f"{user.name} ({username}) has left the organisation and cannot be assigned.")
    return user


def pipeline(db: Session, pipeline_id: int) -> Pipeline:
    found = db.get(Pipeline, pipeline_id)
    if found is None:
        raise ToolError(f"No pipeline #{pipeline_id}.")
    return found


def next_number(db: Session, repo: str) -> int:
    """Issues and pull requests share one number sequence per repository."""
    issues = db.scalar(select(Issue.number).where(Issue.repo == repo).order_by(Issue.number.desc()).limit(1))
    pulls = db.scalar(
        select(PullRequest.number)
        .where(PullRequest.repo == repo)
        .order_by(PullRequest.number.desc())
        .limit(1)
    )
    return max(issues or 0, pulls or 0) + 1


def branch_or_default(db: Session, repo: str, name: str | None) -> Branch:
    return branch(db, repo, name or repository(db, repo).default_branch)


def repository_summary(db: Session, r: Repository) -> dict[str, Any]:
    def count_open(model: type[Issue] | type[PullRequest]) -> int:
        stmt = select(func.count()).select_from(model).where(model.repo == r.name, model.state == "open")
        return db.scalar(stmt) or 0

    return {
        "name": r.name,
        "description": r.description,
        "language": r.language,
        "default_branch": r.default_branch,
        "visibility": r.visibility,
        "archived": r.archived,
        "required_approvals": r.required_approvals,
        "open_issues": count_open(Issue),
        "open_pull_requests": count_open(PullRequest),
    }


def labels(db: Session, repo: str, names: list[str]) -> list[str]:
    """The repository's spelling of each label name; refuses names the repository does not have."""
    known = {n.lower(): n for n in db.scalars(select(Label.name).where(Label.repo == repo))}
    unknown = [n for n in names if n.lower() not in known]
    if unknown:
        raise ToolError(
            f"{repo} has no label(s) {', '.join(map(repr, unknown))}. "
            f"Labels: {', '.join(sorted(known.values()))}."
        )
    return [known[n.lower()] for n in names]


def comments(db: Session, repo: str, number: int) -> list[dict[str, Any]]:
    stmt = (
        select(Comment)
        .where(Comment.repo == repo, Comment.number == number)
        .order_by(Comment.created_at, Comment.id)
    )
    return [views.comment(c) for c in db.scalars(stmt)]


def jobs(db: Session, pipeline_id: int) -> list[Job]:
    return list(db.scalars(select(Job).where(Job.pipeline_id == pipeline_id).order_by(Job.name)))
