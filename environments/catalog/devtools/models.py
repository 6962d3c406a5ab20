"""Tables of the devtools environment: a small organisation's code host.

Files are stored per branch (a branch is a full copy of its tree), commits form a first-parent
chain per branch through `parent_sha`, and issues and pull requests share one number sequence
per repository, like on the hosts people know.
"""

from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    username: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    email: Mapped[str]
    title: Mapped[str]
    active: Mapped[bool] = mapped_column(default=True)


class Repository(Base):
    __tablename__ = "repositories"

    name: Mapped[str] = mapped_column(primary_key=True)
    description: Mapped[str]
    language: Mapped[str]
    default_branch: Mapped[str]
    visibility: Mapped[str]
    archived: Mapped[bool] = mapped_column(default=False)
    required_approvals: Mapped[int]
    created_at: Mapped[str]


class Label(Base):
    __tablename__ = "labels"

    repo: Mapped[str] = mapped_column(ForeignKey("repositories.name"), primary_key=True)
    name: Mapped[str] = mapped_column(primary_key=True)
    color: Mapped[str]
    description: Mapped[str]


class Branch(Base):
    __tablename__ = "branches"

    repo: Mapped[str] = mapped_column(ForeignKey("repositories.name"), primary_key=True)
    name: Mapped[str] = mapped_column(primary_key=True)
    head_sha: Mapped[str]
    protected: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[str]
    created_at: Mapped[str]


class File(Base):
    __tablename__ = "files"

    repo: Mapped[str] = mapped_column(primary_key=True)
    branch: Mapped[str] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(primary_key=True)
    content: Mapped[str]


class Commit(Base):
    __tablename__ = "commits"

    sha: Mapped[str] = mapped_column(primary_key=True)
    repo: Mapped[str] = mapped_column(ForeignKey("repositories.name"))
    branch: Mapped[str]
    parent_sha: Mapped[str | None]
    message: Mapped[str]
    author: Mapped[str]
    authored_at: Mapped[str]
    changed_paths: Mapped[str]


class Issue(Base):
    __tablename__ = "issues"

    repo: Mapped[str] = mapped_column(ForeignKey("repositories.name"), primary_key=True)
    number: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    body: Mapped[str]
    author: Mapped[str]
    state: Mapped[str]
    state_reason: Mapped[str | None]
    labels: Mapped[str]
    assignee: Mapped[str | None]
    locked: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[str]
    closed_at: Mapped[str | None]


class Comment(Base):
    __tablename__ = "comments"

    id: Mapped[str] = mapped_column(primary_key=True)
    repo: Mapped[str]
    number: Mapped[int]
    author: Mapped[str]
    body: Mapped[str]
    created_at: Mapped[str]


class PullRequest(Base):
    __tablename__ = "pull_requests"

    repo: Mapped[str] = mapped_column(ForeignKey("repositories.name"), primary_key=True)
    number: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    body: Mapped[str]
    author: Mapped[str]
    source_branch: Mapped[str]
    target_branch: Mapped[str]
    state: Mapped[str]
    has_conflicts: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[str]
    merged_at: Mapped[str | None]
    merged_by: Mapped[str | None]
    merge_sha: Mapped[str | None]


class Review(Base):
    __tablename__ = "reviews"

    id: Mapped[str] = mapped_column(primary_key=True)
    repo: Mapped[str]
    number: Mapped[int]
    reviewer: Mapped[str]
    verdict: Mapped[str]
    body: Mapped[str]
    submitted_at: Mapped[str]


class Pipeline(Base):
    __tablename__ = "pipelines"

    id: Mapped[int] = mapped_column(primary_key=True)
    repo: Mapped[str] = mapped_column(ForeignKey("repositories.name"))
    branch: Mapped[str]
    commit_sha: Mapped[str]
    status: Mapped[str]
    trigger: Mapped[str]
    attempt: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[str]


class Job(Base):
    __tablename__ = "jobs"

    pipeline_id: Mapped[int] = mapped_column(ForeignKey("pipelines.id"), primary_key=True)
    name: Mapped[str] = mapped_column(primary_key=True)
    status: Mapped[str]
    duration_s: Mapped[int]
    flaky: Mapped[bool] = mapped_column(default=False)
    log: Mapped[str]
