"""Seed data: the hand-written scenarios of `scenarios.py` plus generated history around them
(commits on the default branches, merged pull requests, issues, comments, CI pipelines).
Everything random comes from the environment's seeded RNG."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from . import backlog
from .models import (
    Branch,
    Comment,
    Commit,
    File,
    Issue,
    Job,
    Label,
    Pipeline,
    PullRequest,
    Repository,
    Review,
    User,
)
from .scenarios import FEATURES, LABELS, REPOS, TEAMS, USERS, Edit, Feature, PullSpec
from .sources import TREES

FIRST_PIPELINE_ID = 5100


@dataclass
class _Build:
    rng: random.Random
    now: datetime
    rows: list[object] = field(default_factory=list)
    numbered: dict[str, list[Issue | PullRequest]] = field(default_factory=dict)
    pipelines: list[tuple[Pipeline, list[Job]]] = field(default_factory=list)
    reviews: int = 0
    comments: int = 0
    reviews_of: list[tuple[PullRequest, Review]] = field(default_factory=list)

    def at(self, days_ago: float) -> str:
        minutes = self.rng.randint(0, 8 * 60)
        when = self.now - timedelta(days=days_ago) + timedelta(minutes=minutes - 4 * 60)
        return when.replace(microsecond=0).isoformat()

    def sha(self) -> str:
        return f"{self.rng.getrandbits(48):012x}"


def seed(rng: random.Random, now: datetime) -> list[object]:
    build = _Build(rng, now)
    build.rows += [
        User(
            username=u,
            name=n,
            email=_email(n),
            title=t,
            active=a,
        )
        for u, n, t, a in USERS
    ]
    for spec in REPOS:
        _repository(build, *spec)
    for feature in FEATURES:
        _feature(build, feature)
    for repo in TREES:
        _issues(build, repo)
    _number_items(build)
    _number_pipelines(build)
    return build.rows


def _email(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return ascii_name.lower().replace(" ", ".") + "@larkspur.dev"


def _repository(
    b: _Build,
    name: str,
    description: str,
    language: str,
    visibility: str,
    archived: bool,
    approvals: int,
    release: str | None,
) -> None:
    b.rows.append(
        Repository(
            name=name,
            description=description,
            language=language,
            default_branch="main",
            visibility=visibility,
            archived=archived,
            required_approvals=approvals,
            created_at=b.at(400),
        )
    )
    b.rows += [Label(repo=name, name=n, color=c, description=d) for n, c, d in LABELS]
    history = _history(b, name)
    head = history[-1]
    b.rows.append(
        Branch(
            repo=name,
            name="main",
            head_sha=head.sha,
            protected=True,
            created_by=TEAMS[name][0],
            created_at=history[0].authored_at,
        )
    )
    b.rows += [File(repo=name, branch="main", path=p, content=c) for p, c in TREES[name].items()]
    if release is not None:
        cut = history[-4]
        b.rows.append(
            Branch(
                repo=name,
                name=release,
                head_sha=cut.sha,
                protected=True,
                created_by=TEAMS[name][0],
                created_at=cut.authored_at,
            )
        )
        b.rows += [File(repo=name, branch=release, path=p, content=c) for p, c in TREES[name].items()]
    _merged_pulls(b, name, history)
    _main_pipelines(b, name, history)


def _history(b: _Build, repo: str) -> list[Commit]:
    paths = sorted(TREES[repo])
    count = b.rng.randint(12, 20)
    ages = sorted((b.rng.uniform(10, 160) for _ in range(count - 1)), reverse=True)
    commits = [
        Commit(
            sha=b.sha(),
            repo=repo,
            branch="main",
            parent_sha=None,
            message="Initial commit",
            author=TEAMS[repo][0],
            authored_at=b.at(170),
            changed_paths=",".join(paths),
        )
    ]
    for age in ages:
        changed = sorted(b.rng.sample(paths, b.rng.randint(1, 2)))
        commits.append(
            Commit(
                sha=b.sha(),
                repo=repo,
                branch="main",
                parent_sha=commits[-1].sha,
                message=b.rng.choice(backlog.COMMIT_MESSAGES),
                author=b.rng.choice(TEAMS[repo]),
                authored_at=b.at(age),
                changed_paths=",".join(changed),
            )
        )
    b.rows += commits
    return commits


def _merged_pulls(b: _Build, repo: str, history: list[Commit]) -> None:
    for commit in b.rng.sample(history[1:-3], 3):
        slug = commit.message.lower().replace(" ", "-")[:30]
        pr = PullRequest(
            repo=repo,
            title=commit.message,
            body="",
            author=commit.author,
            source_branch=f"chore/{slug}",
            target_branch="main",
            state="merged",
            has_conflicts=False,
            created_at=commit.authored_at,
            merged_at=commit.authored_at,
            merged_by=b.rng.choice(TEAMS[repo]),
            merge_sha=commit.sha,
        )
        b.numbered.setdefault(repo, []).append(pr)


def _main_pipelines(b: _Build, repo: str, history: list[Commit]) -> None:
    for i, commit in enumerate(history[-5:]):
        fails = i < 4 and b.rng.random() < 0.2
        job = "build" if repo not in backlog.JOBS else backlog.JOBS[repo][0]
        _pipeline(
            b,
            repo,
            "main",
            commit.sha,
            commit.authored_at,
            "push",
            failed_job=job if fails else None,
            flaky=True,
            log=backlog.RUNNER_LOST,
        )
    if repo == "data-pipeline":
        nightly = b.now.replace(hour=2, minute=0, second=0).isoformat()
        _pipeline(
            b,
            repo,
            "main",
            history[-1].sha,
            nightly,
            "schedule",
            failed_job="test",
            flaky=False,
            log=backlog.NIGHTLY_FAILURE,
        )


def _pipeline(
    b: _Build,
    repo: str,
    branch: str,
    sha: str,
    created_at: str,
    trigger: str,
    *,
    failed_job: str | None,
    flaky: bool,
    log: str,
    attempt: int = 1,
) -> None:
    pipeline = Pipeline(
        id=0,
        repo=repo,
        branch=branch,
        commit_sha=sha,
        trigger=trigger,
        status="failed" if failed_job else "passed",
        attempt=attempt,
        created_at=created_at,
    )
    jobs = []
    for name in backlog.JOBS.get(repo, backlog.DEFAULT_JOBS):
        failed = name == failed_job
        text = (
            log
            if failed
            else backlog.PASSED_LOG[name].format(n=b.rng.randint(20, 240), s=b.rng.randint(3, 90))
        )
        jobs.append(
            Job(
                pipeline_id=0,
                name=name,
                status="failed" if failed else "passed",
                duration_s=b.rng.randint(20, 600),
                flaky=failed and flaky,
                log=text,
            )
        )
    b.pipelines.append((pipeline, jobs))


def _feature(b: _Build, f: Feature) -> None:
    when = b.at(f.days_ago)
    main = [r for r in b.rows if isinstance(r, Commit) and r.repo == f.repo and r.branch == "main"]
    parent = max((c for c in main if c.authored_at < when), key=lambda c: c.authored_at)
    tree = dict(TREES[f.repo])
    for edit in f.edits:
        tree[edit.path] = _apply(tree.get(edit.path), edit)
    commit = Commit(
        sha=b.sha(),
        repo=f.repo,
        branch=f.branch,
        parent_sha=parent.sha,
        message=f.message,
        author=f.author,
        authored_at=when,
        changed_paths=",".join(sorted({e.path for e in f.edits})),
    )
    b.rows += [
        commit,
        Branch(
            repo=f.repo,
            name=f.branch,
            head_sha=commit.sha,
            protected=False,
            created_by=f.author,
            created_at=when,
        ),
        *(File(repo=f.repo, branch=f.branch, path=p, content=c) for p, c in tree.items()),
    ]
    spec = f.pull or PullSpec(title="", body="")
    if spec.ci is not None:
        _pipeline(
            b,
            f.repo,
            f.branch,
            commit.sha,
            when,
            "push",
            failed_job=spec.failing_job if spec.ci == "failed" else None,
            flaky=spec.flaky,
            log=spec.log,
            attempt=spec.attempt,
        )
    if f.pull is not None:
        _pull(b, f, when)


def _pull(b: _Build, f: Feature, when: str) -> None:
    spec = f.pull
    assert spec is not None
    opened = datetime.fromisoformat(when) + timedelta(minutes=b.rng.randint(5, 90))
    pr = PullRequest(
        repo=f.repo,
        title=spec.title,
        body=spec.body,
        author=f.author,
        source_branch=f.branch,
        target_branch="main",
        state="open",
        has_conflicts=spec.conflicts,
        created_at=opened.isoformat(),
        merged_at=None,
        merged_by=None,
        merge_sha=None,
    )
    b.numbered.setdefault(f.repo, []).append(pr)
    for reviewer, verdict, body in spec.reviews:
        opened += timedelta(hours=b.rng.randint(1, 20))
        b.reviews += 1
        review = Review(
            id=f"R{b.reviews:05d}",
            repo=f.repo,
            number=0,
            reviewer=reviewer,
            verdict=verdict,
            body=body,
            submitted_at=opened.isoformat(),
        )
        b.reviews_of.append((pr, review))


def _apply(content: str | None, edit: Edit) -> str:
    if edit.old is None:
        return (content or "") + edit.new
    if edit.old not in (content or ""):
        raise ValueError(f"seed edit of {edit.path}: {edit.old!r} not found")
    return (content or "").replace(edit.old, edit.new, 1)


def _issues(b: _Build, repo: str) -> None:
    team = TEAMS[repo]
    for title, label in backlog.ISSUES[repo]:
        age = b.rng.uniform(3, 150)
        closed = b.rng.random() < 0.35
        created = b.at(age)
        issue = Issue(
            repo=repo,
            title=title,
            author=b.rng.choice(team),
            body=b.rng.choice(backlog.ISSUE_BODY).format(who=b.rng.choice(team), when=created[:10]),
            state="closed" if closed else "open",
            state_reason="completed" if closed else None,
            labels=label,
            assignee=b.rng.choice(team) if b.rng.random() < 0.6 else None,
            locked=closed and b.rng.random() < 0.3,
            created_at=created,
            closed_at=b.at(age * 0.4) if closed else None,
        )
        b.numbered.setdefault(repo, []).append(issue)


def _number_items(b: _Build) -> None:
    for items in b.numbered.values():
        for number, item in enumerate(sorted(items, key=lambda i: i.created_at), 1):
            item.number = number
            b.rows.append(item)
            if isinstance(item, Issue):
                _comments(b, item)
    for pr, review in b.reviews_of:
        review.number = pr.number
        b.rows.append(review)


def _comments(b: _Build, issue: Issue) -> None:
    opened = datetime.fromisoformat(issue.created_at)
    for _ in range(b.rng.choice((0, 0, 1, 1, 2, 3))):
        b.comments += 1
        when = min(opened + timedelta(hours=b.rng.randint(2, 96)), b.now - timedelta(hours=1))
        b.rows.append(
            Comment(
                id=f"C{b.comments:05d}",
                repo=issue.repo,
                number=issue.number,
                author=b.rng.choice(TEAMS[issue.repo]),
                body=b.rng.choice(backlog.COMMENTS),
                created_at=when.replace(microsecond=0).isoformat(),
            )
        )


def _number_pipelines(b: _Build) -> None:
    ordered = sorted(b.pipelines, key=lambda pj: (pj[0].created_at, pj[0].repo, pj[0].branch))
    for n, (pipeline, jobs) in enumerate(ordered, FIRST_PIPELINE_ID):
        pipeline.id = n
        for job in jobs:
            job.pipeline_id = n
        b.rows += [pipeline, *jobs]
