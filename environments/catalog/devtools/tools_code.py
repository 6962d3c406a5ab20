"""Tools on repositories, files, branches and commits, and the member directory.

A mixin: `DevtoolsEnv` collects the tools of its bases (the core scans the whole MRO)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select

from envfactory.environments import ToolError, tool

from . import git, lookups, views
from .models import Branch, Commit, Repository, User
from .scenarios import ACTING_USER

if TYPE_CHECKING:
    from envfactory.environments import Environment as _Host
else:
    _Host = object

_BRANCH_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9._-]+)*$")


class CodeTools(_Host):
    """Tools on repositories, files, branches and commits, and the member directory."""

    # ------------------------------------------------------------------ repositories and code
    @tool()
    def list_repositories(self, include_archived: bool = True) -> list[dict[str, Any]]:
        """List the organisation's repositories with their open issue and pull request counts.

        Args:
            include_archived: also list archived (read-only) repositories.
        """
        stmt = select(Repository).order_by(Repository.name)
        if not include_archived:
            stmt = stmt.where(Repository.archived.is_(False))
        return [lookups.repository_summary(self.db, r) for r in self.db.scalars(stmt)]

    @tool()
    def list_branches(self, repo: str) -> list[dict[str, Any]]:
        """List a repository's branches with their head commit and whether they are protected.

        Args:
            repo: repository name, e.g. billing-api.
        """
        lookups.repository(self.db, repo)
        return [
            views.branch(b)
            for b in self.db.scalars(select(Branch).where(Branch.repo == repo).order_by(Branch.name))
        ]

    @tool()
    def list_directory(self, repo: str, path: str = "", branch: str | None = None) -> dict[str, Any]:
        """List the files and folders directly inside a folder of a branch.

        Args:
            repo: repository name.
            path: folder path relative to the repository root; empty for the root.
            branch: branch name; default: the repository's default branch.
        """
        br = lookups.branch_or_default(self.db, repo, branch)
        prefix = path.strip("/") + "/" if path.strip("/") else ""
        entries: dict[str, dict[str, Any]] = {}
        for p, f in lookups.tree(self.db, repo, br.name).items():
            if p.startswith(prefix):
                head, sep, _ = p[len(prefix) :].partition("/")
                entries[head] = (
                    {"name": head, "type": "dir"}
                    if sep
                    else {"name": head, "type": "file", "size": len(f.content)}
                )
        if not entries:
            raise ToolError(
                f"No folder {path!r} on {repo}@{br.name}; list the root (path '') to see what exists."
            )
        return {
            "repo": repo,
            "branch": br.name,
            "path": prefix.rstrip("/"),
            "entries": sorted(entries.values(), key=lambda e: (e["type"], e["name"])),
        }

    @tool()
    def read_file(self, repo: str, path: str, branch: str | None = None) -> dict[str, Any]:
        """Read a file's full text on a branch.

        Args:
            repo: repository name.
            path: file path relative to the repository root, e.g. billing/tax.py.
            branch: branch name; default: the repository's default branch.
        """
        br = lookups.branch_or_default(self.db, repo, branch)
        found = lookups.tree(self.db, repo, br.name).get(path.strip("/"))
        if found is None:
            raise ToolError(f"No file {path!r} on {repo}@{br.name}.")
        return {"repo": repo, "branch": br.name, "path": found.path, "content": found.content}

    @tool(trace_ignore=("limit",))
    def search_code(self, query: str, repo: str | None = None, limit: int = 20) -> dict[str, Any]:
        """Search the default branches for lines containing a text (case-insensitive substring).

        Args:
            query: text to look for, at least 3 characters.
            repo: only search this repository; default: all repositories.
            limit: maximum number of matching lines to return.
        """
        if len(query.strip()) < 3:
            raise ToolError("Search text must be at least 3 characters long.")
        repos = (
            [lookups.repository(self.db, repo)]
            if repo
            else list(self.db.scalars(select(Repository).order_by(Repository.name)))
        )
        needle, matches = query.strip().lower(), []
        for r in repos:
            for path, f in lookups.tree(self.db, r.name, r.default_branch).items():
                matches += [
                    {"repo": r.name, "path": path, "line": n, "text": line.strip()}
                    for n, line in enumerate(f.content.splitlines(), 1)
                    if needle in line.lower()
                ]
        return {"total": len(matches), "matches": matches[:limit]}

    @tool(trace_ignore=("limit",))
    def list_commits(
        self,
        repo: str,
        branch: str | None = None,
        path: str | None = None,
        author: str | None = None,
        limit: int = 20,
    ) -> list[dict[str, Any]]:
        """List the history of a branch, newest first (first-parent chain from the head).

        Args:
            repo: repository name.
            branch: branch name; default: the repository's default branch.
            path: only commits that changed this file.
            author: only commits by this username.
            limit: maximum number of commits to return.
        """
        br = lookups.branch_or_default(self.db, repo, branch)
        commits = {c.sha: c for c in self.db.scalars(select(Commit).where(Commit.repo == repo))}
        out, sha = [], br.head_sha
        while sha in commits and len(out) < limit:
            c = commits[sha]
            if (path is None or path in c.changed_paths.split(",")) and (
                author is None or c.author == author
            ):
                out.append(views.commit(c))
            sha = c.parent_sha
        return out

    @tool(write=True)
    def create_branch(self, repo: str, name: str, from_branch: str | None = None) -> dict[str, Any]:
        """Create a branch from the head of another branch.

        Args:
            repo: repository name.
            name: new branch name, e.g. fix/vat-typo (letters, digits, '.', '_', '-', '/').
            from_branch: branch to start from; default: the repository's default branch.
        """
        r = lookups.writable_repository(self.db, repo)
        if not _BRANCH_NAME.match(name) or ".." in name:
            raise ToolError(
                f"{name!r} is not a valid branch name: use letters, digits, '.', '_', '-' and '/' separators."
            )
        if self.db.get(Branch, (repo, name)) is not None:
            raise ToolError(f"Branch {name} already exists in {repo}.")
        source = lookups.branch(self.db, repo, from_branch or r.default_branch)
        return views.branch(git.copy_branch(self.db, source, name, ACTING_USER, self.now()))

    @tool(write=True, trace_ignore=("message",))
    def commit_file(self, repo: str, branch: str, path: str, content: str, message: str) -> dict[str, Any]:
        """Create or overwrite one file on a branch as a new commit (this starts a CI pipeline).

        Args:
            repo: repository name.
            branch: an existing, unprotected branch.
            path: file path relative to the repository root.
            content: the complete new text of the file.
            message: the commit message.
        """
        lookups.writable_repository(self.db, repo)
        br = lookups.branch(self.db, repo, branch)
        if br.protected:
            raise ToolError(
                f"Branch {branch} of {repo} is protected: changes reach it only through a reviewed "
                "pull request. "
                "Commit to a new branch and open a pull request instead."
            )
        clean = path.strip().strip("/")
        if not clean or ".." in clean.split("/") or "//" in clean:
            raise ToolError(f"{path!r} is not a valid file path (relative, no '..').")
        if not message.strip():
            raise ToolError("A commit needs a message.")
        current = lookups.tree(self.db, repo, branch).get(clean)
        if current is not None and current.content == content:
            raise ToolError(f"{clean} on {branch} already has exactly this content; nothing to commit.")
        new = git.commit(self.db, br, {clean: content}, message, ACTING_USER, self.now())
        pipeline = git.start_pipeline(self.db, br, "push", self.now())
        return {"commit": views.commit(new), "branch": branch, "pipeline_id": pipeline.id}

    # ------------------------------------------------------------------ people
    @tool()
    def list_members(self, query: str | None = None) -> list[dict[str, Any]]:
        """List the organisation's members (username, name, email, title, whether still active).

        Args:
            query: only members whose name, username or email contains this text (case-insensitive).
        """
        stmt = select(User).order_by(User.username)
        if query:
            like = f"%{query.lower()}%"
            stmt = stmt.where(
                or_(
                    func.lower(User.name).like(like),
                    func.lower(User.username).like(like),
                    func.lower(User.email).like(like),
                )
            )
        return [
            {"username": u.username, "name": u.name, "email": u.email, "title": u.title, "active": u.active}
            for u in self.db.scalars(stmt)
        ]
