"""Tool calls in model text: parse a completion into an OpenAI-style assistant message.

A parser turns the text a model produced into `{"role": "assistant", "content": ..., "tool_calls":
[...]}` with `arguments` as a JSON string (the OpenAI wire form the SDK and the server take). Malformed
calls raise `ToolCallParseError`, which keeps the raw text: the rollout sends the error back to the
model as a tool message and goes on, it never crashes.

Parsers are pluggable by name (`register_parser`, `get_parser`); `hermes` is the form Qwen2.5/Qwen3
and Hermes models are trained on: `<tool_call>{"name": ..., "arguments": {...}}</tool_call>`.
"""

from __future__ import annotations

import difflib
import json
import secrets
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable


class ToolCallParseError(ValueError):
    """A completion whose tool calls cannot be parsed.

    `raw` is the completion text exactly as sampled; `reason` says what is wrong in words the model
    can act on; `message` is the assistant message to keep in the conversation (the raw text as
    content, no tool calls), so the sampled tokens stay what they were.
    """

    def __init__(self, reason: str, raw: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.raw = raw

    @property
    def message(self) -> dict[str, Any]:
        return {"role": "assistant", "content": self.raw, "tool_calls": []}


@runtime_checkable
class ToolCallParser(Protocol):
    """Turns completion text into an assistant message; raises `ToolCallParseError` on bad calls."""

    name: str

    def parse(self, text: str) -> dict[str, Any]: ...


def new_call_id() -> str:
    """A fresh call id: the server treats a repeated id as a retry, so ids must never repeat."""
    return f"call_{secrets.token_hex(8)}"


def tool_call(name: str, arguments: dict[str, Any] | str, call_id: str | None = None) -> dict[str, Any]:
    """One OpenAI chat-format tool call with `arguments` as a JSON string."""
    if not isinstance(arguments, str):
        arguments = json.dumps(arguments, ensure_ascii=False)
    return {
        "id": call_id or new_call_id(),
        "type": "function",
        "function": {"name": name, "arguments": arguments},
    }


class HermesParser:
    """`<tool_call>{"name": "f", "arguments": {...}}</tool_call>` blocks (Qwen2.5, Qwen3, Hermes).

    The content is the text before the first block, stripped; text between or after blocks is
    ignored when it is only whitespace and is an error otherwise (a model that writes prose between
    calls has lost the format). `arguments` may be an object or a JSON string holding an object.
    """

    name = "hermes"
    open_tag = "<tool_call>"
    close_tag = "</tool_call>"

    def parse(self, text: str) -> dict[str, Any]:
        start = text.find(self.open_tag)
        if start < 0:
            if self.close_tag in text:
                raise ToolCallParseError(f"found {self.close_tag} without a matching {self.open_tag}", text)
            return {"role": "assistant", "content": text.strip(), "tool_calls": []}
        content = text[:start].strip()
        calls = []
        position = start
        while position < len(text):
            rest = text[position:]
            if not rest.strip():
                break
            if not rest.lstrip().startswith(self.open_tag):
                raise ToolCallParseError(
                    f"unexpected text after a tool call: {rest.strip()[:80]!r}; write only "
                    f"{self.open_tag}...{self.close_tag} blocks after the first one",
                    text,
                )
            body_start = position + len(rest) - len(rest.lstrip()) + len(self.open_tag)
            end = text.find(self.close_tag, body_start)
            if end < 0:
                raise ToolCallParseError(f"{self.open_tag} is never closed with {self.close_tag}", text)
            calls.append(self._call(text[body_start:end], text))
            position = end + len(self.close_tag)
        return {"role": "assistant", "content": content or None, "tool_calls": calls}

    def _call(self, body: str, text: str) -> dict[str, Any]:
        try:
            data = json.loads(body)
        except json.JSONDecodeError as exc:
            raise ToolCallParseError(
                f"tool call is not valid JSON ({exc.msg} at char {exc.pos}): {body.strip()[:120]!r}", text
            ) from None
        if not isinstance(data, dict) or not isinstance(data.get("name"), str) or not data["name"]:
            raise ToolCallParseError(
                'a tool call must be a JSON object {"name": <function-name>, "arguments": <object>}, '
                f"got {body.strip()[:120]!r}",
                text,
            )
        arguments = data.get("arguments", {})
        if isinstance(arguments, str):
            try:
                arguments = json.loads(arguments)
            except json.JSONDecodeError:
                raise ToolCallParseError(
                    f"arguments of {data['name']!r} are a string that is not JSON: {arguments[:120]!r}", text
                ) from None
        if not isinstance(arguments, dict):
            raise ToolCallParseError(
                f"arguments of {data['name']!r} must be a JSON object, got {json.dumps(arguments)[:120]}",
                text,
            )
        return tool_call(data["name"], arguments)


_PARSERS: dict[str, Callable[[], ToolCallParser]] = {"hermes": HermesParser}


def register_parser(name: str, factory: Callable[[], ToolCallParser], *, replace: bool = False) -> None:
    """Make a parser available by name (`--parser NAME` in the CLI, `SFTConfig.parser`)."""
    if name in _PARSERS and not replace:
        raise ValueError(f"a tool-call parser named {name!r} is already registered; pass replace=True")
    _PARSERS[name] = factory


def get_parser(name: str) -> ToolCallParser:
    try:
        return _PARSERS[name]()
    except KeyError:
        close = difflib.get_close_matches(name, _PARSERS, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"unknown tool-call parser {name!r}; known: {sorted(_PARSERS)}.{hint}") from None


def parser_names() -> list[str]:
    return sorted(_PARSERS)
