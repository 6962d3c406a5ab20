"""`Client` / `AsyncClient` and their `Session` objects.

    with Client("http://127.0.0.1:8000") as client:
        with client.create_session("todo", task_id="todo-001") as session:
            reply = llm.chat.completions.create(model=..., messages=session.messages, tools=session.tools)
            session.call(reply.choices[0].message)        # runs its tool calls, appends the results
            print(session.evaluate("Done.").reward)

Both clients send what the shared core (`_core.py`) builds and retry what it says is safe to
retry; the async twin differs only in `await`.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Mapping
from typing import Any, Self

import httpx

from ._core import Core, Request, normalize_tool_calls
from .errors import ConflictError
from .types import CallOutcome, Evaluation, ToolCallsResponse


class _SessionData:
    """What both session kinds hold, and how a tool-call answer updates the conversation."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.id: str = data["id"]
        self.env: str = data["env"]
        self.task_id: str | None = data.get("task_id")
        self.parent_id: str | None = data.get("parent_id")
        #: Tools in OpenAI form: pass straight to `chat.completions.create(tools=...)`.
        self.tools: list[dict[str, Any]] = data["tools"]
        #: The conversation so far (policy, instruction, and every turn `call`/`append` added).
        self.messages: list[dict[str, Any]] = list(data["messages"])
        self.closed = data.get("status") == "closed"
        #: How each call of the latest `call` went (ok, error kind, replayed from a retry).
        self.last_outcomes: list[CallOutcome] = []

    def append(self, message: Mapping[str, Any]) -> None:
        """Add a turn that does not go through the server (a user reply, the final answer)."""
        self.messages.append(dict(message))

    def _prepare(self, tool_calls: Any, content: str | None) -> tuple[list[dict[str, Any]], str | None]:
        calls, message_content = normalize_tool_calls(tool_calls)
        return calls, content if content is not None else message_content

    def _record(
        self, calls: list[dict[str, Any]], content: str | None, answer: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        result = ToolCallsResponse.model_validate(answer)
        self.last_outcomes = result.outcomes
        tool_messages = [m.model_dump() for m in result.messages]
        self.messages.append({"role": "assistant", "content": content, "tool_calls": calls})
        self.messages.extend(tool_messages)
        return tool_messages

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id} env={self.env} task={self.task_id}>"


class Session(_SessionData):
    def __init__(self, client: Client, data: Mapping[str, Any]) -> None:
        super().__init__(data)
        self._client = client

    def call(self, tool_calls: Any, content: str | None = None) -> list[dict[str, Any]]:
        """Run tool calls in order; returns their `role: "tool"` messages (also appended to
        `.messages`, after the assistant turn that made them). Accepts an assistant message
        (`openai` object or dict), a list of tool calls, or one."""
        calls, content = self._prepare(tool_calls, content)
        answer = self._client._send(self._client._core.tool_calls(self.id, calls, content))
        return self._record(calls, content, answer)

    def evaluate(self, final_response: str | None = None) -> Evaluation:
        return Evaluation.model_validate(self._client._send(Core.evaluate(self.id, final_response)))

    def fork(self) -> Session:
        """An independent copy of this session (state and history) under a new id."""
        return Session(self._client, self._client._send(Core.fork(self.id)))

    def state(self) -> dict[str, Any]:
        """The exported state (needs an admin key when auth is on)."""
        return self._client._send(Core.session_get(self.id, "/state"))

    def history(self) -> dict[str, Any]:
        """The server's record: info and messages, also after close."""
        return self._client._send(Core.session_get(self.id))

    def close(self) -> None:
        if not self.closed:
            self._client._close(self.id)
            self.closed = True

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncSession(_SessionData):
    def __init__(self, client: AsyncClient, data: Mapping[str, Any]) -> None:
        super().__init__(data)
        self._client = client

    async def call(self, tool_calls: Any, content: str | None = None) -> list[dict[str, Any]]:
        """See `Session.call`."""
        calls, content = self._prepare(tool_calls, content)
        answer = await self._client._send(self._client._core.tool_calls(self.id, calls, content))
        return self._record(calls, content, answer)

    async def evaluate(self, final_response: str | None = None) -> Evaluation:
        return Evaluation.model_validate(await self._client._send(Core.evaluate(self.id, final_response)))

    async def fork(self) -> AsyncSession:
        return AsyncSession(self._client, await self._client._send(Core.fork(self.id)))

    async def state(self) -> dict[str, Any]:
        return await self._client._send(Core.session_get(self.id, "/state"))

    async def history(self) -> dict[str, Any]:
        return await self._client._send(Core.session_get(self.id))

    async def close(self) -> None:
        if not self.closed:
            await self._client._close(self.id)
            self.closed = True

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


class Client:
    """Synchronous client. `base_url` defaults to `ENVFACTORY_URL` (else http://127.0.0.1:8000),
    `api_key` to `ENVFACTORY_API_KEY`; `timeout` is per request, `max_retries` bounds the retries
    of connection errors, 429 and 503 (with exponential backoff)."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        api_key: str | None = None,
        timeout: float = 60.0,
        max_retries: int = 4,
        http_client: httpx.Client | None = None,
    ) -> None:
        self._core = Core(base_url, api_key, timeout, max_retries)
        self._http = http_client or httpx.Client(**self._core.client_options())

    @property
    def base_url(self) -> str:
        return str(self._core.base_url)

    def environments(self) -> list[dict[str, Any]]:
        return self._send(Core.get("/v1/environments"))

    def environment(self, env: str) -> dict[str, Any]:
        return self._send(Core.get(f"/v1/environments/{env}"))

    def tasks(self, env: str, include_solutions: bool = False) -> list[dict[str, Any]]:
        return self._send(
            Core.get(f"/v1/environments/{env}/tasks", include_solutions=include_solutions or None)
        )

    def create_session(
        self,
        env: str,
        task_id: str | None = None,
        *,
        seed: int | None = None,
        state: Mapping[str, Any] | None = None,
    ) -> Session:
        return Session(self, self._send(Core.create_session(env, task_id, seed, state)))

    def session(self, session_id: str) -> Session:
        """A handle on an existing session (its history as the conversation so far)."""
        return Session(self, self._send(Core.session_get(session_id)))

    def sessions(self, active: bool = True, limit: int = 100) -> list[dict[str, Any]]:
        return self._send(Core.get("/v1/sessions", active=active, limit=limit))

    def trajectory(self, session_id: str) -> dict[str, Any]:
        return self._send(Core.session_get(session_id, "/trajectory"))

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _close(self, session_id: str) -> None:
        with contextlib.suppress(ConflictError):  # already closed (say, by a retried DELETE)
            self._send(Core.close(session_id))

    def _send(self, request: Request) -> Any:
        attempt = 0
        while True:
            response, error = None, None
            try:
                response = self._http.request(
                    request.method, request.path, json=request.json, params=request.params
                )
            except httpx.TransportError as exc:
                error = exc
            delay = self._core.retry_delay(request, attempt, response, error)
            if delay is None:
                if error is not None:
                    raise self._core.transport_error(error) from error
                return self._core.result(response)
            attempt += 1
            time.sleep(delay)


class AsyncClient:
    """The asynchronous twin of `Client` (same arguments, `await` on every call)."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        api_key: str | None = None,
        timeout: float = 60.0,
        max_retries: int = 4,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        self._core = Core(base_url, api_key, timeout, max_retries)
        self._http = http_client or httpx.AsyncClient(**self._core.client_options())

    @property
    def base_url(self) -> str:
        return str(self._core.base_url)

    async def environments(self) -> list[dict[str, Any]]:
        return await self._send(Core.get("/v1/environments"))

    async def environment(self, env: str) -> dict[str, Any]:
        return await self._send(Core.get(f"/v1/environments/{env}"))

    async def tasks(self, env: str, include_solutions: bool = False) -> list[dict[str, Any]]:
        return await self._send(
            Core.get(f"/v1/environments/{env}/tasks", include_solutions=include_solutions or None)
        )

    async def create_session(
        self,
        env: str,
        task_id: str | None = None,
        *,
        seed: int | None = None,
        state: Mapping[str, Any] | None = None,
    ) -> AsyncSession:
        return AsyncSession(self, await self._send(Core.create_session(env, task_id, seed, state)))

    async def session(self, session_id: str) -> AsyncSession:
        return AsyncSession(self, await self._send(Core.session_get(session_id)))

    async def sessions(self, active: bool = True, limit: int = 100) -> list[dict[str, Any]]:
        return await self._send(Core.get("/v1/sessions", active=active, limit=limit))

    async def trajectory(self, session_id: str) -> dict[str, Any]:
        return await self._send(Core.session_get(session_id, "/trajectory"))

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def _close(self, session_id: str) -> None:
        with contextlib.suppress(ConflictError):  # already closed (say, by a retried DELETE)
            await self._send(Core.close(session_id))

    async def _send(self, request: Request) -> Any:
        attempt = 0
        while True:
            response, error = None, None
            try:
                response = await self._http.request(
                    request.method, request.path, json=request.json, params=request.params
                )
            except httpx.TransportError as exc:
                error = exc
            delay = self._core.retry_delay(request, attempt, response, error)
            if delay is None:
                if error is not None:
                    raise self._core.transport_error(error) from error
                return self._core.result(response)
            attempt += 1
            await asyncio.sleep(delay)
