"""The no-I/O core that `Client` and `AsyncClient` share: settings, request building, response
parsing, the retry policy and tool-call normalisation. The two clients only send what this builds.
"""

from __future__ import annotations

import json
import os
import random
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from .errors import EnvFactoryError, connection_error, status_error

DEFAULT_URL = "http://127.0.0.1:8000"
RETRY_STATUSES = frozenset({429, 503})


class ToolCallFormatError(EnvFactoryError, ValueError):
    """A tool call the SDK cannot send (no function name, or not a tool call at all)."""


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    json: Any = None
    params: Mapping[str, Any] | None = None
    #: Safe to send again after the connection dropped mid-request (the server may have run it).
    idempotent: bool = False


@dataclass
class Core:
    base_url: str | None = None
    api_key: str | None = None
    timeout: float = 60.0
    max_retries: int = 4
    backoff_s: float = 0.25
    max_backoff_s: float = 8.0
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.base_url = (self.base_url or os.environ.get("ENVFACTORY_URL") or DEFAULT_URL).rstrip("/")
        self.api_key = self.api_key or os.environ.get("ENVFACTORY_API_KEY") or None

    def client_options(self) -> dict[str, Any]:
        headers = {"user-agent": "envfactory-sdk", **self.headers}
        if self.api_key:
            headers["authorization"] = f"Bearer {self.api_key}"
        return {"base_url": self.base_url, "headers": headers, "timeout": self.timeout}

    # ------------------------------------------------------------------ retries
    def retry_delay(
        self, request: Request, attempt: int, response: httpx.Response | None, error: Exception | None
    ) -> float | None:
        """Seconds to wait before sending `request` again, or None to give up.

        Retried: connections that never reached the server (always safe), dropped connections
        and timeouts when the request is idempotent (tool calls are: the server replays a known
        call id instead of running it twice), and 429/503 answers (the server did nothing)."""
        if attempt >= self.max_retries:
            return None
        if response is not None:
            if response.status_code not in RETRY_STATUSES:
                return None
            after = response.headers.get("retry-after", "")
            if after.isdigit():
                return min(float(after), self.max_backoff_s)
        elif error is not None:
            never_sent = isinstance(error, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
            if not (never_sent or request.idempotent):
                return None
        delay = min(self.max_backoff_s, self.backoff_s * 2**attempt)
        return delay * random.uniform(0.5, 1.0)

    @staticmethod
    def result(response: httpx.Response) -> Any:
        if response.status_code >= 400:
            raise status_error(response)
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    @staticmethod
    def transport_error(error: httpx.TransportError) -> EnvFactoryError:
        return connection_error(error)

    # ------------------------------------------------------------------ requests
    @staticmethod
    def create_session(
        env: str, task_id: str | None, seed: int | None, state: Mapping[str, Any] | None
    ) -> Request:
        body = {"env": env, "task_id": task_id, "seed": seed, "state": state}
        return Request("POST", "/v1/sessions", {k: v for k, v in body.items() if v is not None})

    @staticmethod
    def tool_calls(session_id: str, calls: list[dict[str, Any]], content: str | None) -> Request:
        body: dict[str, Any] = {"tool_calls": calls}
        if content:
            body["content"] = content
        return Request("POST", f"/v1/sessions/{session_id}/tool_calls", body, idempotent=True)

    @staticmethod
    def evaluate(session_id: str, final_response: str | None) -> Request:
        return Request(
            "POST", f"/v1/sessions/{session_id}/evaluate", {"final_response": final_response}, idempotent=True
        )

    @staticmethod
    def session_get(session_id: str, what: str = "") -> Request:
        return Request("GET", f"/v1/sessions/{session_id}{what}", idempotent=True)

    @staticmethod
    def fork(session_id: str) -> Request:
        return Request("POST", f"/v1/sessions/{session_id}/fork")

    @staticmethod
    def close(session_id: str) -> Request:
        return Request("DELETE", f"/v1/sessions/{session_id}", idempotent=True)

    @staticmethod
    def get(path: str, **params: Any) -> Request:
        present = {k: v for k, v in params.items() if v is not None}
        return Request("GET", path, params=present, idempotent=True)


# ---------------------------------------------------------------------- tool calls
def as_dict(obj: Any) -> Any:
    """Plain data from an `openai` SDK object (pydantic), or the object itself."""
    dump = getattr(obj, "model_dump", None)
    return dump(exclude_none=True) if callable(dump) else obj


def normalize_tool_calls(calls: Any) -> tuple[list[dict[str, Any]], str | None]:
    """Tool calls in the server's chat format, and the assistant text that came with them.

    Accepts a list of chat-completions tool calls (dicts or `openai` objects), one such call, a
    whole assistant message (dict or `ChatCompletionMessage`, its `content` is kept), or
    Responses-API `function_call` items. Calls without an id get a fresh one; arguments that are
    neither a JSON string nor an object are sent as JSON text, so the server answers the agent with
    a tool error instead of refusing the whole request."""
    calls = as_dict(calls)
    content = None
    if isinstance(calls, Mapping) and ("tool_calls" in calls or calls.get("role") == "assistant"):
        content = calls.get("content")
        calls = calls.get("tool_calls") or []
    if isinstance(calls, Mapping):
        calls = [calls]
    if not isinstance(calls, list | tuple):
        raise ToolCallFormatError(f"Expected tool calls, got {type(calls).__name__}.")
    return [_one_call(as_dict(c)) for c in calls], content


def _one_call(call: Any) -> dict[str, Any]:
    if not isinstance(call, Mapping):
        raise ToolCallFormatError(f"A tool call must be an object, got {type(call).__name__}.")
    if call.get("type") == "function_call":  # Responses API item
        name, arguments, call_id = call.get("name"), call.get("arguments", "{}"), call.get("call_id")
    else:
        function = call.get("function") or {}
        if not isinstance(function, Mapping):
            raise ToolCallFormatError("A tool call's `function` must be an object with a name.")
        name, arguments, call_id = function.get("name"), function.get("arguments", "{}"), call.get("id")
    if not name or not isinstance(name, str):
        raise ToolCallFormatError(f"Tool call {call_id or '?'} has no function name.")
    if arguments is None:
        arguments = "{}"
    elif not isinstance(arguments, str | Mapping):
        arguments = json.dumps(arguments)
    return {
        "id": str(call_id) if call_id else f"call_{uuid.uuid4().hex[:24]}",
        "type": "function",
        "function": {"name": name, "arguments": arguments},
    }
