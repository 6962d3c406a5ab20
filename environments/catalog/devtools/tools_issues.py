"""Tools on issues: list, read, file, comment, close/reopen, label, assign."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import select

from envfactory.environments import ToolError, tool

from . import lookups, views
from .models import Comment, Issue
from .scenarios import ACTING_USER

if TYPE_CHECKING:
    from envfactory.environments import Environment as _Host
else:
    _Host = object

IssueState = Literal["open", "closed", "all"]


class IssueTools(_Host):
    """Tools on issues: list, read, file, comment, close/reopen, label, assign."""

    # ------------------------------------------------------------------ issues
    @tool()
    def list_issues(
        self,
        repo: str,
        state: IssueState = "open",
        label: str | None = None,
        assignee: str | None = None,
        query: str | None = None,
    ) -> list[dict[str, Any]]:
        """List a repository's issues (not pull requests), oldest first.

        Args:
            repo: repository name.
            state: open, closed or all.
            label: only issues with this label.
            assignee: only issues assigned to this username.
            query: only issues whose title contains this text (case-insensitive).
        """
        lookups.repository(self.db, repo)
        stmt = select(Issue).where(Issue.repo == repo).order_by(Issue.number)
        if state != "all":
            stmt = stmt.where(Issue.state == state)
        if assignee is not None:
            stmt = stmt.where(Issue.assignee == assignee)
        issues = [i for i in self.db.scalars(stmt) if query is None or query.lower() in i.title.lower()]
        return [views.issue(i) for i in issues if label is None or label.lower() in views.labels_of(i)]

    @tool()
    def get_issue(self, repo: str, number: int) -> dict[str, Any]:
        """Get an issue with its description and comments.

        Args:
            repo: repository name.
            number: the issue number, e.g. 12 for #12.
        """
        i = lookups.issue(self.db, repo, number)
        return {**views.issue(i), "body": i.body, "comments": lookups.comments(self.db, repo, number)}

    @tool(write=True, trace_ignore=("body",))
    def create_issue(
        self,
        repo: str,
        title: str,
        body: str = "",
        labels: list[str] | None = None,
        assignee: str | None = None,
    ) -> dict[str, Any]:
        """File a new issue.

        Args:
            repo: repository name.
            title: a short summary.
            body: the description.
            labels: names of existing labels of the repository.
            assignee: username to assign; must be an active member.
        """
        lookups.writable_repository(self.db, repo)
        if not title.strip():
            raise ToolError("An issue needs a title.")
        names = lookups.labels(self.db, repo, labels or [])
        if assignee is not None:
            lookups.active_user(self.db, assignee)
        issue = Issue(
            repo=repo,
            number=lookups.next_number(self.db, repo),
            title=title.strip(),
            body=body.strip(),
            author=ACTING_USER,
            state="open",
            state_reason=None,
            labels=",".join(sorted(names)),
            assignee=assignee,
            locked=False,
            created_at=self.now().isoformat(),
            closed_at=None,
        )
        self.db.add(issue)
        return views.issue(issue)

    @tool(write=True, trace_ignore=("body",))
    def comment_on_issue(self, repo: str, number: int, body: str) -> dict[str, Any]:
        """Add a comment to an issue or a pull request.

        Args:
            repo: repository name.
            number: the issue or pull request number.
            body: the comment text.
        """
        lookups.writable_repository(self.db, repo)
        issue = self.db.get(Issue, (repo, number))
        if issue is None:
            lookups.pull_request(self.db, repo, number)
        elif issue.locked:
            raise ToolError(f"The conversation on {repo}#{number} is locked; no new comments can be added.")
        if not body.strip():
            raise ToolError("A comment cannot be empty.")
        comment = Comment(
            id=self.new_id("C", 8),
            repo=repo,
            number=number,
            author=ACTING_USER,
            body=body.strip(),
            created_at=self.now().isoformat(),
        )
        self.db.add(comment)
        return {"repo": repo, "number": number, **views.comment(comment)}

    @tool(write=True)
    def set_issue_state(
        self,
        repo: str,
        number: int,
        state: Literal["open", "closed"],
        reason: Literal["completed", "not_planned"] = "completed",
    ) -> dict[str, Any]:
        """Close or reopen an issue.

        Args:
            repo: repository name.
            number: the issue number.
            state: closed to close the issue, open to reopen it.
            reason: why it is closed: completed (done) or not_planned (won't do); ignored when reopening.
        """
        lookups.writable_repository(self.db, repo)
        issue = lookups.issue(self.db, repo, number)
        if issue.state == state:
            since = f" since {issue.closed_at[:10]}" if issue.closed_at else ""
            raise ToolError(f"Issue {repo}#{number} is already {state}{since}.")
        issue.state = state
        issue.state_reason = reason if state == "closed" else None
        issue.closed_at = self.now().isoformat() if state == "closed" else None
        return views.issue(issue)

    @tool(write=True)
    def label_issue(
        self, repo: str, number: int, add: list[str] | None = None, remove: list[str] | None = None
    ) -> dict[str, Any]:
        """Add labels to and/or remove labels from an issue.

        Args:
            repo: repository name.
            number: the issue number.
            add: label names to add (must exist in the repository).
            remove: label names to remove (must be on the issue).
        """
        lookups.writable_repository(self.db, repo)
        issue = lookups.issue(self.db, repo, number)
        if not add and not remove:
            raise ToolError("Give at least one label to add or remove.")
        current = set(views.labels_of(issue))
        gone = set(lookups.labels(self.db, repo, remove or []))
        missing = sorted(gone - current)
        if missing:
            raise ToolError(
                f"{repo}#{number} does not have label(s) {', '.join(missing)}; "
                f"it has: {', '.join(sorted(current)) or 'none'}."
            )
        issue.labels = ",".join(sorted((current - gone) | set(lookups.labels(self.db, repo, add or []))))
        return views.issue(issue)

    @tool(write=True)
    def assign_issue(self, repo: str, number: int, assignee: str | None) -> dict[str, Any]:
        """Assign an issue to a member, or unassign it.

        Args:
            repo: repository name.
            number: the issue number.
            assignee: username of an active member, or null to unassign.
        """
        lookups.writable_repository(self.db, repo)
        issue = lookups.issue(self.db, repo, number)
        if assignee is not None:
            lookups.active_user(self.db, assignee)
        issue.assignee = assignee
        return views.issue(issue)
