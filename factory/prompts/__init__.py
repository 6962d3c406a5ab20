"""Prompts of LLM environment synthesis, as text files beside this module (`author.md`: the
system message with the authoring guide; `repair.md`: the repair request), and the functions that
assemble chat messages from them.

The worked example in the prompt is the catalog's reference environment, `todo`, read from its
package at run time: the model learns from code that really runs under the current API, and the
prompt can never drift from it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

_HERE = Path(__file__).parent
_EXAMPLE_FILES = ("models.py", "data.py", "environment.py", "policy.md")


@cache
def load(name: str) -> str:
    """The prompt text file `name` (e.g. "author.md")."""
    return (_HERE / name).read_text(encoding="utf-8")


@cache
def reference_example() -> str:
    """The `todo` environment's files, as one block of the prompt."""
    from envfactory.environments.catalog.todo import TodoEnv

    folder = TodoEnv.package_dir()
    parts = [
        "# Reference environment\n\nThe catalog's `todo` environment. In the catalog it is split over "
        "several files; you write everything (tables, seed data, class) in one module."
    ]
    for file in _EXAMPLE_FILES:
        fence = "python" if file.endswith(".py") else "markdown"
        parts.append(f"## {file}\n\n```{fence}\n{(folder / file).read_text(encoding='utf-8').strip()}\n```")
    tasks = (folder / "tasks.jsonl").read_text(encoding="utf-8").splitlines()[:3]
    parts.append("## tasks.jsonl (first lines)\n\n```json\n" + "\n".join(tasks) + "\n```")
    return "\n\n".join(parts)


_ASK = {
    "mcp": (
        "this MCP server's tool manifest (its tools/list result)",
        "Implement every tool with exactly the manifest's tool names, parameter names, types and required "
        "parameters.",
    ),
    "docs": (
        "this API documentation",
        "Implement every documented operation as a tool named after it (snake_case), with its parameters.",
    ),
}


def author_messages(name: str, kind: str, source: str) -> list[dict[str, Any]]:
    """The first request: guide + example as the system message, the interface as the user's. The
    interface goes in a four-backtick fence, so fences inside documentation stay inside it."""
    what, how = _ASK[kind]
    user = (
        f"Write the environment `{name}` (set `name = {name!r}`) simulating the service described by {what}. "
        f"{how}\n\n````{'json' if kind == 'mcp' else 'markdown'}\n{source.strip()}\n````"
    )
    return [
        {"role": "system", "content": load("author.md") + "\n\n" + reference_example()},
        {"role": "user", "content": user},
    ]


def repair_messages(
    first: list[dict[str, Any]], answer: str, passed: int, total: int, failures: str
) -> list[dict[str, Any]]:
    """The repair request: the first request, the latest answer, and the evidence. Earlier rounds
    are left out: the latest code is what gets fixed, and the context stays bounded."""
    request = load("repair.md").format(passed=passed, total=total, failures=failures)
    return [*first, {"role": "assistant", "content": answer}, {"role": "user", "content": request}]
