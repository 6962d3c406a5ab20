"""A small software organisation's code host: repositories with file trees, branches, commits,
issues, pull requests with reviews, and CI pipelines. The agent acts as one developer.

Business rules: protected branches change only through merged pull requests; a pull request
merges only with enough approvals, no unresolved change requests, passing CI on its head commit
and no conflicts; nobody reviews their own pull request; archived repositories are read-only;
locked conversations take no comments; a failed pipeline can be retried up to three attempts.
"""

from __future__ import annotations

from envfactory.environments import Environment

from . import data
from .models import Base
from .tools_code import CodeTools
from .tools_issues import IssueTools
from .tools_reviews import ReviewTools


class DevtoolsEnv(CodeTools, IssueTools, ReviewTools, Environment):
    name = "devtools"
    domain = "devtools"
    description = (
        "Code host of a small software company: repositories, files, branches, issues, pull requests and CI."
    )
    version = "1.0"
    metadata = Base.metadata
    clock_start = "2026-04-14T10:30:00"

    def seed_data(self) -> None:
        self.db.add_all(data.seed(self.rng, self.now()))
