"""BFCL's GorillaFileSystem: a small Unix-like file tree with a current working directory.

Files and directories are rows keyed by absolute path (`/dana/notes.txt`); the virtual root "/"
has no row. As the API documents, every tool works on names local to the current directory
(only `cd` moves, one level at a time, and `find` takes a path). The state shape is BFCL's
`initial_config` (`{"root": {name: node}}`) plus `current_working_directory`; see README.md.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Row, delete, func, insert, select, update

from envfactory.environments import Environment, StateError, ToolError, tool

from ..api import BfclApi, BfclApiEnv
from . import data
from .models import FsBase, FsCwd, FsNode
from .responses import (
    DiffResult,
    DiskUsage,
    EchoResult,
    Empty,
    FileContent,
    FindResult,
    GrepResult,
    Listing,
    OperationResult,
    SortResult,
    TailResult,
    WordCount,
    WorkingDirectory,
)

ROOT = "/"
NO_FILE = "None"  # the documented default of echo's file_name and find's name
CWD_KEY = "current_working_directory"
_NODES = FsNode.__table__
_CWD = FsCwd.__table__
_WC_MODES = {"l": "lines", "w": "words", "c": "characters"}


class GorillaFileSystemTools:
    """The file system's tools; mixed into an `Environment` (see `GorillaFileSystemEnv`)."""

    # ----------------------------------------------------------------- navigation
    @tool()
    def pwd(self) -> WorkingDirectory:
        """Show the absolute path of the current working directory."""
        return {"current_working_directory": self._fs_cwd()}

    @tool(write=True)
    def cd(self, folder: str) -> WorkingDirectory:
        """Move into a folder of the current directory, or up one level with "..".

        Args:
            folder: a directory in the current directory, or ".." for the parent; one level per call.
        """
        cwd = self._fs_cwd()
        if folder == "..":
            if cwd == ROOT:
                raise ToolError("cd: ..: already at the root directory /.")
            target = _parent(cwd)
        elif folder == ".":
            target = cwd
        else:
            target = self._fs_local(folder, "cd", kind="directory").path
        self.db.execute(update(_CWD).where(_CWD.c.id == 1).values(path=target))
        return {"current_working_directory": target}

    @tool()
    def ls(self, a: bool = False) -> Listing:
        """List the names in the current directory, sorted; hidden names (starting with ".") only on request.

        Args:
            a: also show hidden files and directories.
        """
        names = [row.name for row in self._fs_children(self._fs_cwd())]
        return {"current_directory_content": [n for n in names if a or not n.startswith(".")]}

    @tool()
    def find(self, path: str = ".", name: str = NO_FILE) -> FindResult:
        """Search a directory and all its subdirectories for files and folders whose name contains a string.

        Args:
            path: the directory to search, relative to the current directory or absolute; "." is here.
            name: text the name must contain (case-sensitive); "None" returns every entry.
        """
        start = self._fs_resolve(path)
        shown = path.rstrip("/") if path.strip("/") else ("" if path else ".")
        rows = sorted(self._fs_subtree(start, include_self=False), key=lambda r: r.path.split("/"))
        skip = len(start.rstrip("/")) + 1
        return {"matches": [f"{shown}/{r.path[skip:]}" for r in rows if name == NO_FILE or name in r.name]}

    @tool()
    def du(self, human_readable: bool = False) -> DiskUsage:
        """Total size of the files in the current directory and below, in bytes of content.

        Args:
            human_readable: give the size in B, KB, MB or GB instead of bytes.
        """
        size = sum(
            len((row.content or "").encode())
            for row in self._fs_subtree(self._fs_cwd(), include_self=False)
            if row.type == "file"
        )
        return {"disk_usage": _human(size) if human_readable else f"{size} bytes"}

    # ----------------------------------------------------------------- creating and writing
    @tool(write=True)
    def mkdir(self, dir_name: str) -> Empty:
        """Create an empty directory in the current directory.

        Args:
            dir_name: the new directory's name (no path).
        """
        path = self._fs_new_name(dir_name, "mkdir")
        self._fs_insert(path, "directory", None)
        return {}

    @tool(write=True)
    def touch(self, file_name: str) -> Empty:
        """Create an empty file in the current directory; an existing file or folder is left as it is.

        Args:
            file_name: the new file's name (no path).
        """
        _check_name(file_name, "touch")
        path = _join(self._fs_cwd(), file_name)
        if self._fs_node(path) is None:
            self._fs_insert(path, "file", "")
        return {}

    @tool(write=True)
    def echo(self, content: str, file_name: str = NO_FILE) -> EchoResult:
        """Print text, or write it to a file here (the file is created, or its content replaced).

        Args:
            content: the text to print or write.
            file_name: the file to write to; "None" prints the text instead.
        """
        if file_name == NO_FILE:
            return {"terminal_output": content}
        _check_name(file_name, "echo")
        path = _join(self._fs_cwd(), file_name)
        node = self._fs_node(path)
        if node is None:
            self._fs_insert(path, "file", content)
        elif node.type == "directory":
            raise ToolError(f"echo: {file_name}: Is a directory.")
        else:
            self.db.execute(update(_NODES).where(_NODES.c.path == path).values(content=content))
        return {"terminal_output": None}

    # ----------------------------------------------------------------- reading files
    @tool()
    def cat(self, file_name: str) -> FileContent:
        """Show the whole content of a file in the current directory.

        Args:
            file_name: a file in the current directory (no path).
        """
        return {"file_content": self._fs_local(file_name, "cat", kind="file").content or ""}

    @tool()
    def tail(self, file_name: str, lines: int = 10) -> TailResult:
        """Show the last lines of a file in the current directory.

        Args:
            file_name: a file in the current directory (no path).
            lines: how many lines to show from the end.
        """
        if lines < 0:
            raise ToolError(f"tail: invalid number of lines: {lines} (use 0 or more).")
        text = self._fs_local(file_name, "tail", kind="file").content or ""
        return {"last_lines": "\n".join(text.splitlines()[-lines:] if lines else [])}

    @tool()
    def grep(self, file_name: str, pattern: str) -> GrepResult:
        """Lines of a file in the current directory that contain a text (plain, case-sensitive match).

        Args:
            file_name: a file in the current directory (no path).
            pattern: the text to look for.
        """
        text = self._fs_local(file_name, "grep", kind="file").content or ""
        return {"matching_lines": [line for line in text.splitlines() if pattern in line]}

    @tool()
    def wc(self, file_name: str, mode: str = "l") -> WordCount:
        """Count the lines, words or characters of a file in the current directory.

        Args:
            file_name: a file in the current directory (no path).
            mode: "l" for lines, "w" for words, "c" for characters.
        """
        if mode not in _WC_MODES:
            raise ToolError(f"wc: invalid mode {mode!r}; use 'l' (lines), 'w' (words) or 'c' (characters).")
        text = self._fs_local(file_name, "wc", kind="file").content or ""
        count = {"l": len(text.splitlines()), "w": len(text.split()), "c": len(text)}[mode]
        return {"count": count, "type": _WC_MODES[mode]}

    @tool()
    def sort(self, file_name: str) -> SortResult:
        """The lines of a file in the current directory in sorted order (the file is not changed).

        Args:
            file_name: a file in the current directory (no path).
        """
        text = self._fs_local(file_name, "sort", kind="file").content or ""
        return {"sorted_content": "\n".join(sorted(text.splitlines()))}

    @tool()
    def diff(self, file_name1: str, file_name2: str) -> DiffResult:
        """Compare two files of the current directory line by line (unified diff; empty when equal).

        Args:
            file_name1: the first file, in the current directory.
            file_name2: the second file, in the current directory.
        """
        first = self._fs_local(file_name1, "diff", kind="file").content or ""
        second = self._fs_local(file_name2, "diff", kind="file").content or ""
        lines = difflib.unified_diff(
            first.splitlines(), second.splitlines(), fromfile=file_name1, tofile=file_name2, lineterm=""
        )
        return {"diff_lines": "\n".join(lines)}

    # ----------------------------------------------------------------- copying, moving, removing
    @tool(write=True)
    def cp(self, source: str, destination: str) -> OperationResult:
        """Copy a file or directory of the current directory, into a folder here or under a new name here.

        Args:
            source: the file or directory to copy, in the current directory.
            destination: an existing directory here to copy into, or a new name here (no path).
        """
        node, target, shown = self._fs_transfer(source, destination, "cp")
        rows = self._fs_subtree(node.path, include_self=True)
        self._fs_insert_moved(rows, node.path, target)
        return {"result": f"Copied '{source}' to '{shown}'."}

    @tool(write=True)
    def mv(self, source: str, destination: str) -> OperationResult:
        """Move a file or directory of the current directory into a folder here, or rename it.

        Args:
            source: the file or directory to move, in the current directory.
            destination: an existing directory here to move into, or the new name (no path).
        """
        node, target, shown = self._fs_transfer(source, destination, "mv")
        rows = self._fs_subtree(node.path, include_self=True)
        self._fs_delete(node.path)
        self._fs_insert_moved(rows, node.path, target)
        return {"result": f"Moved '{source}' to '{shown}'."}

    @tool(write=True)
    def rm(self, file_name: str) -> OperationResult:
        """Delete a file, or a directory with everything in it, from the current directory.

        Args:
            file_name: the file or directory to delete, in the current directory.
        """
        node = self._fs_local(file_name, "rm")
        self._fs_delete(node.path)
        return {"result": f"Removed '{file_name}'."}

    @tool(write=True)
    def rmdir(self, dir_name: str) -> OperationResult:
        """Delete an empty directory of the current directory.

        Args:
            dir_name: the directory to delete; it must be empty.
        """
        node = self._fs_local(dir_name, "rmdir", kind="directory")
        if self._fs_children(node.path):
            raise ToolError(f"rmdir: failed to remove '{dir_name}': Directory not empty (use rm).")
        self._fs_delete(node.path)
        return {"result": f"Removed directory '{dir_name}'."}

    # ----------------------------------------------------------------- helpers
    def _fs_cwd(self) -> str:
        return self.db.execute(select(_CWD.c.path).where(_CWD.c.id == 1)).scalar_one()

    def _fs_node(self, path: str) -> Row[Any] | None:
        return self.db.execute(select(_NODES).where(_NODES.c.path == path)).first()

    def _fs_children(self, path: str) -> list[Row[Any]]:
        return list(self.db.execute(select(_NODES).where(_NODES.c.parent == path).order_by(_NODES.c.name)))

    def _fs_subtree(self, path: str, *, include_self: bool) -> list[Row[Any]]:
        below = func.substr(_NODES.c.path, 1, len(path.rstrip("/")) + 1) == path.rstrip("/") + "/"
        cond = (below | (_NODES.c.path == path)) if include_self else below
        return list(self.db.execute(select(_NODES).where(cond).order_by(_NODES.c.path)))

    def _fs_local(self, name: str, command: str, kind: str | None = None) -> Row[Any]:
        """The entry `name` of the current directory, optionally of one kind."""
        _check_name(name, command)
        node = self._fs_node(_join(self._fs_cwd(), name))
        if node is None:
            raise ToolError(f"{command}: {name}: No such file or directory in {self._fs_cwd()}.")
        if kind == "file" and node.type != "file":
            raise ToolError(f"{command}: {name}: Is a directory.")
        if kind == "directory" and node.type != "directory":
            raise ToolError(f"{command}: {name}: Not a directory.")
        return node

    def _fs_new_name(self, name: str, command: str) -> str:
        _check_name(name, command)
        path = _join(self._fs_cwd(), name)
        if self._fs_node(path) is not None:
            raise ToolError(f"{command}: cannot create '{name}': it already exists.")
        return path

    def _fs_resolve(self, path: str) -> str:
        """An absolute directory path from a path relative to the current directory."""
        parts = [] if path.startswith("/") else [p for p in self._fs_cwd().split("/") if p]
        for part in path.split("/"):
            if part == "..":
                if parts:
                    parts.pop()
            elif part not in ("", "."):
                parts.append(part)
        resolved = "/" + "/".join(parts)
        node = None if resolved == ROOT else self._fs_node(resolved)
        if resolved != ROOT and node is None:
            raise ToolError(f"find: '{path}': No such file or directory.")
        if node is not None and node.type != "directory":
            raise ToolError(f"find: '{path}': Not a directory.")
        return resolved

    def _fs_transfer(self, source: str, destination: str, command: str) -> tuple[Row[Any], str, str]:
        """The source entry, its target path and how to show the target, for cp and mv."""
        node = self._fs_local(source, command)
        _check_name(destination, command)
        dest = self._fs_node(_join(self._fs_cwd(), destination))
        if dest is not None and dest.type == "directory":
            if dest.path == node.path:
                raise ToolError(f"{command}: cannot put '{source}' inside itself.")
            target, shown = _join(dest.path, node.name), f"{destination}/{node.name}"
        elif dest is not None:
            raise ToolError(f"{command}: '{destination}' already exists; remove it or choose another name.")
        else:
            target, shown = _join(self._fs_cwd(), destination), destination
        if self._fs_node(target) is not None:
            raise ToolError(f"{command}: '{shown}' already exists.")
        return node, target, shown

    def _fs_insert(self, path: str, kind: str, content: str | None) -> None:
        self.db.execute(
            insert(_NODES).values(
                path=path, parent=_parent(path), name=path.rsplit("/", 1)[1], type=kind, content=content
            )
        )

    def _fs_insert_moved(self, rows: list[Row[Any]], old: str, new: str) -> None:
        moved = []
        for row in rows:
            path = new + row.path[len(old) :]
            moved.append(
                {
                    "path": path,
                    "parent": _parent(path),
                    "name": path.rsplit("/", 1)[1],
                    "type": row.type,
                    "content": row.content,
                }
            )
        self.db.execute(insert(_NODES), moved)

    def _fs_delete(self, path: str) -> None:
        ids = [row.path for row in self._fs_subtree(path, include_self=True)]
        self.db.execute(delete(_NODES).where(_NODES.c.path.in_(ids)))


def _join(parent: str, name: str) -> str:
    return f"{parent.rstrip('/')}/{name}"


def _parent(path: str) -> str:
    return path.rsplit("/", 1)[0] or ROOT


def _check_name(name: str, command: str) -> None:
    if "/" in name:
        raise ToolError(
            f"{command}: '{name}' is a path; only names in the current directory are allowed "
            "(use cd to move, one folder at a time)."
        )
    if name in ("", ".", ".."):
        raise ToolError(f"{command}: '{name}' is not a valid file or directory name.")


def _human(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB"):
        if value < 1024:
            return f"{size} B" if unit == "B" else f"{value:.2f} {unit}"
        value /= 1024
    return f"{value:.2f} GB"


# ----------------------------------------------------------------- state shape
def seed(env: Environment) -> None:
    """Fill the seed rows: Dana's home directory (see data.py)."""
    for table, rows in tables_from_config(data.DEFAULT_CONFIG).items():
        if rows:
            env.db.execute(insert(FsBase.metadata.tables[table]), rows)


def tables_from_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """A GorillaFileSystem `initial_config` → rows. Missing keys fall back to the seed tree; the
    working directory defaults to the tree's only top-level directory (else "/")."""
    if not isinstance(config, Mapping):
        raise StateError("The GorillaFileSystem state must be an object like {'root': {...}}.")
    unknown = set(config) - {"root", CWD_KEY}
    if unknown:
        raise StateError(
            f"Unknown GorillaFileSystem state keys {sorted(unknown)}; "
            f"expected 'root' and optionally {CWD_KEY!r}."
        )
    root = config.get("root", data.DEFAULT_CONFIG["root"])
    if not isinstance(root, Mapping):
        raise StateError("'root' must map names to nodes like {'type': 'directory', 'contents': {...}}.")
    rows: list[dict[str, Any]] = []
    _walk(root, ROOT, rows)
    dirs = {r["path"] for r in rows if r["type"] == "directory"}
    if CWD_KEY in config:
        cwd = config[CWD_KEY]
        if cwd != ROOT and cwd not in dirs:
            raise StateError(f"{CWD_KEY} {cwd!r} is not a directory of the tree.")
    else:
        top = [r["path"] for r in rows if r["parent"] == ROOT]
        cwd = top[0] if len(top) == 1 and top[0] in dirs else ROOT
    return {"fs_nodes": rows, "fs_cwd": [{"id": 1, "path": cwd}]}


def _walk(entries: Mapping[str, Any], parent: str, rows: list[dict[str, Any]]) -> None:
    for name, node in entries.items():
        where = _join(parent, name)
        if not isinstance(name, str) or name in ("", ".", "..") or "/" in name:
            raise StateError(f"Invalid file or directory name {name!r} under {parent}.")
        if not isinstance(node, Mapping) or node.get("type") not in ("file", "directory"):
            raise StateError(f"{where}: a node needs 'type': 'file' or 'directory'.")
        if node["type"] == "file":
            if set(node) - {"type", "content"} or not isinstance(node.get("content", ""), str):
                raise StateError(f"{where}: a file has only 'type' and a string 'content'.")
            rows.append(
                {
                    "path": where,
                    "parent": parent,
                    "name": name,
                    "type": "file",
                    "content": node.get("content", ""),
                }
            )
            continue
        contents = node.get("contents", {})
        if set(node) - {"type", "contents"} or not isinstance(contents, Mapping):
            raise StateError(f"{where}: a directory has only 'type' and a 'contents' object.")
        rows.append({"path": where, "parent": parent, "name": name, "type": "directory", "content": None})
        _walk(contents, where, rows)


def config_from_tables(tables: Mapping[str, Any]) -> dict[str, Any]:
    """Rows → the `initial_config` shape, with the working directory."""
    children: dict[str, list[Mapping[str, Any]]] = {}
    for row in tables.get("fs_nodes", []):
        children.setdefault(row["parent"], []).append(row)

    def build(path: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for row in sorted(children.get(path, []), key=lambda r: r["name"]):
            if row["type"] == "file":
                out[row["name"]] = {"type": "file", "content": row["content"] or ""}
            else:
                out[row["name"]] = {"type": "directory", "contents": build(row["path"])}
        return out

    cwd_rows = tables.get("fs_cwd", [])
    return {"root": build(ROOT), CWD_KEY: cwd_rows[0]["path"] if cwd_rows else ROOT}


class GorillaFileSystemEnv(GorillaFileSystemTools, BfclApiEnv):
    name = "bfcl_file_system"
    description = (
        "BFCL GorillaFileSystem: a Unix-like file tree with a current directory "
        "(ls, cd, cat, grep, cp, mv, rm, ...)."
    )
    metadata = FsBase.metadata
    api = BfclApi("GorillaFileSystem", seed, tables_from_config, config_from_tables)
