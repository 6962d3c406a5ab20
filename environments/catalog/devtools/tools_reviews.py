"""Tools on pull requests (open, review, merge) and CI pipelines (list, logs, rerun)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import select

from envfactory.environments import ToolError, tool

from . import git, lookups, rules, views
from .models import Pipeline, PullRequest, Review
from .scenarios import ACTING_USER

if TYPE_CHECKING:
    from envfactory.environments import Environment as _Host
else:
    _Host = object

PullState = Literal["open", "merged", "closed", "all"]
PipelineStatus = Literal["running", "passed", "failed", "canceled"]
_VERDICTS = {"approve": "approved", "request_changes": "changes_requested", "comment": "commented"}


class ReviewTools(_Host):
    """Tools on pull requests (open, review, merge) and CI pipelines (list, logs, rerun)."""

    # ------------------------------------------------------------------ pull requests
    @tool()
    def list_pull_requests(
        self, repo: str, state: PullState = "open", author: str | None = None
    ) -> list[dict[str, Any]]:
        """List a repository's pull requests, oldest first.

        Args:
            repo: repository name.
            state: open, merged, closed or all.
            author: only pull requests opened by this username.
        """
        lookups.repository(self.db, repo)
        stmt = select(PullRequest).where(PullRequest.repo == repo).order_by(PullRequest.number)
        if state != "all":
            stmt = stmt.where(PullRequest.state == state)
        if author is not None:
            stmt = stmt.where(PullRequest.author == author)
        return [views.pull_summary(pr) for pr in self.db.scalars(stmt)]

    @tool()
    def get_pull_request(self, repo: str, number: int) -> dict[str, Any]:
        """Get a pull request: reviews, approvals, CI status, changed files and whether it can be merged.

        Args:
            repo: repository name.
            number: the pull request number.
        """
        r = lookups.repository(self.db, repo)
        pr = lookups.pull_request(self.db, repo, number)
        reviews = self.db.scalars(
            select(Review)
            .where(Review.repo == repo, Review.number == number)
            .order_by(Review.submitted_at, Review.id)
        )
        blockers = rules.merge_blockers(self.db, r, pr)
        out = {
            **views.pull_summary(pr),
            "body": pr.body,
            "has_conflicts": pr.has_conflicts,
            "reviews": [views.review(x) for x in reviews],
            "approved_by": rules.approvers(self.db, pr),
            "required_approvals": r.required_approvals,
            "comments": lookups.comments(self.db, repo, number),
        }
        if pr.state == "open":
            changed = git.changed_files(self.db, repo, pr.source_branch, pr.target_branch)
            out |= {
                "ci": rules.ci_state(self.db, pr),
                "changed_files": sorted(changed),
                "mergeable": not blockers,
                "merge_blockers": blockers,
            }
        return out

    @tool(write=True, trace_ignore=("body",))
    def open_pull_request(
        self, repo: str, source_branch: str, title: str, target_branch: str | None = None, body: str = ""
    ) -> dict[str, Any]:
        """Open a pull request to merge one branch into another.

        Args:
            repo: repository name.
            source_branch: the branch with the changes.
            title: a short summary of the change.
            target_branch: the branch to merge into; default: the repository's default branch.
            body: the description.
        """
        r = lookups.writable_repository(self.db, repo)
        target = lookups.branch(self.db, repo, target_branch or r.default_branch).name
        source = lookups.branch(self.db, repo, source_branch).name
        if source == target:
            raise ToolError("Source and target branch are the same; pick a different target.")
        if not git.changed_files(self.db, repo, source, target):
            raise ToolError(f"{source} has no changes compared with {target}; nothing to review.")
        existing = self.db.scalar(
            select(PullRequest.number).where(
                PullRequest.repo == repo,
                PullRequest.source_branch == source,
                PullRequest.target_branch == target,
                PullRequest.state == "open",
            )
        )
        if existing is not None:
            raise ToolError(f"Pull request #{existing} already proposes {source} into {target}.")
        if not title.strip():
            raise ToolError("A pull request needs a title.")
        pr = PullRequest(
            repo=repo,
            number=lookups.next_number(self.db, repo),
            title=title.strip(),
            body=body.strip(),
            author=ACTING_USER,
            source_branch=source,
            target_branch=target,
            state="open",
            has_conflicts=False,
            created_at=self.now().isoformat(),
            merged_at=None,
            merged_by=None,
            merge_sha=None,
        )
        self.db.add(pr)
        return views.pull_summary(pr)

    @tool(write=True, trace_ignore=("body",))
    def review_pull_request(
        self,
        repo: str,
        number: int,
        verdict: Literal["approve", "request_changes", "comment"],
        body: str = "",
    ) -> dict[str, Any]:
        """Submit a review of someone else's open pull request.

        Args:
            repo: repository name.
            number: the pull request number.
            verdict: approve, request_changes or comment.
            body: the review text; required when requesting changes.
        """
        lookups.writable_repository(self.db, repo)
        pr = lookups.pull_request(self.db, repo, number)
        if pr.state != "open":
            raise ToolError(
                f"Pull request {repo}#{number} is {pr.state}; only open pull requests can be reviewed."
            )
        if pr.author == ACTING_USER:
            raise ToolError(
                f"You opened {repo}#{number} yourself; authors cannot review their own pull requests. "
                "Ask a teammate."
            )
        if verdict == "request_changes" and not body.strip():
            raise ToolError("Say what needs to change: a request for changes needs a body.")
        self.db.add(
            Review(
                id=self.new_id("R", 8),
                repo=repo,
                number=number,
                reviewer=ACTING_USER,
                verdict=_VERDICTS[verdict],
                body=body.strip(),
                submitted_at=self.now().isoformat(),
            )
        )
        self.db.flush()
        return {
            "repo": repo,
            "number": number,
            "verdict": _VERDICTS[verdict],
            "approved_by": rules.approvers(self.db, pr),
        }

    @tool(write=True)
    def merge_pull_request(
        self,
        repo: str,
        number: int,
        method: Literal["merge", "squash"] = "merge",
        delete_branch: bool = False,
    ) -> dict[str, Any]:
        """Merge an open pull request into its target branch (this starts a CI pipeline there).

        Args:
            repo: repository name.
            number: the pull request number.
            method: merge (keep a merge commit) or squash (one commit titled after the pull request).
            delete_branch: delete the source branch after merging.
        """
        r = lookups.repository(self.db, repo)
        pr = lookups.pull_request(self.db, repo, number)
        blockers = rules.merge_blockers(self.db, r, pr)
        if blockers:
            raise ToolError(f"Pull request {repo}#{number} cannot be merged: " + "; ".join(blockers) + ".")
        source = lookups.branch(self.db, repo, pr.source_branch)
        if delete_branch and source.protected:
            raise ToolError(
                f"Branch {source.name} is protected and cannot be deleted; merge without delete_branch."
            )
        target = lookups.branch(self.db, repo, pr.target_branch)
        changes = git.changed_files(self.db, repo, source.name, target.name)
        message = (
            f"{pr.title} (#{number})"
            if method == "squash"
            else f"Merge pull request #{number} from {source.name}"
        )
        merged = git.commit(self.db, target, changes, message, ACTING_USER, self.now())
        pr.state, pr.merged_at, pr.merged_by, pr.merge_sha = (
            "merged",
            self.now().isoformat(),
            ACTING_USER,
            merged.sha,
        )
        conflicted = git.mark_conflicts(self.db, pr, set(changes))
        pipeline = git.start_pipeline(self.db, target, "push", self.now())
        if delete_branch:
            git.delete_branch(self.db, source)
        return {
            **views.pull_summary(pr),
            "merge_commit": merged.sha,
            "pipeline_id": pipeline.id,
            "now_conflicting": conflicted,
            "branch_deleted": delete_branch,
        }

    # ------------------------------------------------------------------ CI
    @tool(trace_ignore=("limit",))
    def list_pipelines(
        self, repo: str, branch: str | None = None, status: PipelineStatus | None = None, limit: int = 10
    ) -> list[dict[str, Any]]:
        """List CI pipelines of a repository, newest first.

        Args:
            repo: repository name.
            branch: only pipelines of this branch.
            status: only pipelines with this status.
            limit: maximum number of pipelines to return.
        """
        lookups.repository(self.db, repo)
        stmt = select(Pipeline).where(Pipeline.repo == repo).order_by(Pipeline.id.desc()).limit(limit)
        if branch is not None:
            stmt = stmt.where(Pipeline.branch == branch)
        if status is not None:
            stmt = stmt.where(Pipeline.status == status)
        return [views.pipeline(p) for p in self.db.scalars(stmt)]

    @tool()
    def get_pipeline(self, pipeline_id: int) -> dict[str, Any]:
        """Get a CI pipeline with its jobs and their logs.

        Args:
            pipeline_id: the pipeline number, e.g. 5123.
        """
        p = lookups.pipeline(self.db, pipeline_id)
        return views.pipeline(p, lookups.jobs(self.db, p.id), with_logs=True)

    @tool(write=True)
    def rerun_pipeline(self, pipeline_id: int) -> dict[str, Any]:
        """Retry a failed or canceled pipeline on the same commit; the retry runs to completion.

        Args:
            pipeline_id: the pipeline number.
        """
        p = lookups.pipeline(self.db, pipeline_id)
        lookups.writable_repository(self.db, p.repo)
        if p.status not in ("failed", "canceled"):
            raise ToolError(
                f"Pipeline #{pipeline_id} is {p.status}; only failed or canceled pipelines can be rerun."
            )
        newest = rules.latest_pipeline(self.db, p.repo, p.branch)
        if newest is not None and newest.id != p.id:
            raise ToolError(
                f"Pipeline #{newest.id} is newer on {p.branch}; "
                "only the latest pipeline of a branch can be rerun."
            )
        if p.attempt >= rules.MAX_ATTEMPTS:
            raise ToolError(
                f"Pipeline #{pipeline_id} has already run {p.attempt} times, the limit; "
                "fix the cause and push a new commit."
            )
        new = git.retry_pipeline(self.db, p, self.now())
        self.db.flush()
        return views.pipeline(new, lookups.jobs(self.db, new.id))
