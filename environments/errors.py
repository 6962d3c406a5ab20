"""Errors of the environment layer.

    EnvFactoryError
    ├── DefinitionError        an environment class is malformed (raised at class creation)
    ├── UnknownEnvironmentError
    ├── UnknownTaskError
    ├── TaskFormatError        a task file or task record does not follow the task format
    ├── StateError             export/import of state got data that does not fit the tables
    ├── CallTimeout            a call given a timeout ran past it and was rolled back
    └── ToolCallError          a single tool call failed; becomes a tool message, never an HTTP error
        ├── ToolError          a business rule refused the call (raised by tool code)
        ├── ToolArgumentError  the arguments do not match the tool's schema
        ├── UnknownToolError   no tool of that name
        └── ToolCrashError     the tool's own code raised something unexpected

Names that a user typed wrong carry "did you mean" suggestions (difflib).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(name: str, choices: Iterable[str], n: int = 3) -> str:
    """Return ` Did you mean: a, b?` for the closest choices, or an empty string."""
    close = difflib.get_close_matches(name, list(choices), n=n, cutoff=0.5)
    return f" Did you mean: {', '.join(repr(c) for c in close)}?" if close else ""


class EnvFactoryError(Exception):
    """Base of every error raised by envfactory.environments."""


class DefinitionError(EnvFactoryError, TypeError):
    """An environment or tool definition is wrong; raised when the class is created."""


class UnknownEnvironmentError(EnvFactoryError, LookupError):
    def __init__(self, name: str, known: Iterable[str]) -> None:
        known = sorted(known)
        super().__init__(
            f"Environment {name!r} doesn't exist.{did_you_mean(name, known)}"
            f" Known environments: {', '.join(known) or 'none'}."
        )
        self.name = name


class UnknownTaskError(EnvFactoryError, LookupError):
    def __init__(self, env: str, task_id: str, known: Iterable[str]) -> None:
        super().__init__(f"Environment {env!r} has no task {task_id!r}.{did_you_mean(task_id, known)}")
        self.env = env
        self.task_id = task_id


class TaskFormatError(EnvFactoryError, ValueError):
    """A task record does not follow the task format."""


class StateError(EnvFactoryError, ValueError):
    """State given to import_state does not fit the environment's tables."""


class CallTimeout(EnvFactoryError, TimeoutError):
    """A call with a `timeout` ran past it; it was interrupted and rolled back, leaving no trace."""


class ToolCallError(EnvFactoryError):
    """A tool call failed. `kind` is a stable machine-readable label."""

    kind = "tool_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ToolError(ToolCallError):
    """Raised by tool code when a business rule refuses the call.

    The message goes to the agent verbatim, so write it for the agent: say what is wrong and,
    where it helps, what would be allowed.
    """

    kind = "tool_error"


class ToolArgumentError(ToolCallError):
    kind = "invalid_arguments"


class UnknownToolError(ToolCallError):
    kind = "unknown_tool"

    def __init__(self, name: str, known: Iterable[str]) -> None:
        known = sorted(known)
        super().__init__(
            f"Unknown tool {name!r}.{did_you_mean(name, known)} Available tools: {', '.join(known)}."
        )


class ToolCrashError(ToolCallError):
    kind = "internal_error"
