"""Helpers for environment behaviour tests. Arguments go as a dict or as keywords."""

from __future__ import annotations

from typing import Any

from envfactory.environments import Environment


def _args(args: dict[str, Any] | None, kwargs: dict[str, Any]) -> dict[str, Any]:
    return {**(args or {}), **kwargs}


def ok(env: Environment, tool: str, args: dict[str, Any] | None = None, /, **kwargs: Any) -> Any:
    """Call `tool`, assert it succeeded, return its output."""
    result = env.call(tool, _args(args, kwargs))
    assert result.ok, result.error
    return result.output


def refused(env: Environment, tool: str, args: dict[str, Any] | None = None, /, **kwargs: Any) -> str:
    """Call `tool`, assert a business-rule refusal that changed nothing, return the message."""
    before = env.state_hash()
    result = env.call(tool, _args(args, kwargs))
    assert not result.ok and result.error_kind == "tool_error", result.content
    assert env.state_hash() == before, "a refused call must change nothing"
    return result.error or ""


def row(env: Environment, table: str, **key: Any) -> dict[str, Any]:
    """The one row of `table` whose columns equal `key`."""
    return next(r for r in env.export_state()[table] if all(r[k] == v for k, v in key.items()))
