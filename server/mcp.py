"""MCP endpoint (Streamable HTTP, official `mcp` SDK) over the same session core as REST.

- `/v1/sessions/{id}/mcp` attaches to an existing session: the session is named in the path, so
  it works with every protocol revision, including the stateless 2026-07-28 one.
- `/mcp/{env}?task=ID` gives each MCP session its own environment session, created on the first
  tool request and keyed by the `Mcp-Session-Id` header. That needs a protocol revision with MCP
  sessions (the `initialize` handshake, ≤ 2025-11-25); a stateless request there is refused with
  a message pointing at the attach endpoint.

Tool failures come back as results with `isError: true`; unknown sessions and bad keys are MCP
errors.
"""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

import mcp_types as types
from mcp.server.lowlevel.server import Server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.shared.exceptions import MCPError
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from envfactory.environments import EnvFactoryError, Environment, Registry

from .errors import ServerError
from .sessions import Call, Principal

if TYPE_CHECKING:
    from .sessions import SessionManager

INVALID_PARAMS = -32602
_ATTACH = re.compile(r"/v1/sessions/(?P<sid>[^/]+)/mcp/?$")
_ENV = re.compile(r"/mcp/(?P<env>[^/]+)/?$")


class McpEndpoint:
    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.by_mcp_session: dict[str, str] = {}
        server = Server(
            "envfactory",
            version="0.1.0",
            instructions="Stateful tool environment; each tool call changes or reads the session's state.",
            on_list_tools=self._list_tools,
            on_call_tool=self._call_tool,
        )
        self.manager = StreamableHTTPSessionManager(server, json_response=True, session_idle_timeout=3600)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.manager.handle_request(scope, receive, send)

    # ------------------------------------------------------------------ handlers
    async def _list_tools(self, ctx: Any, params: Any) -> types.ListToolsResult:
        request = self._request(ctx)
        env_name = await self._env_name(request)
        cls = self.registry.get(env_name)
        offered = set(cls.offered_tools(await self._start_state(request, cls)))
        return types.ListToolsResult(
            tools=[
                types.Tool(name=spec.name, description=spec.description, input_schema=spec.parameters)
                for spec in cls.tools.values()
                if offered is None or spec.name in offered
            ]
        )

    async def _call_tool(self, ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        request = self._request(ctx)
        sessions, who = _sessions(request), _principal(request)
        session_id = await self._session_id(request, sessions, who)
        call = Call(f"mcp_{uuid.uuid4().hex}", params.name, params.arguments or {})
        try:
            messages, outcomes = await sessions.call(session_id, who, [call], None)
        except (ServerError, EnvFactoryError) as exc:
            raise MCPError(INVALID_PARAMS, str(exc)) from None
        return types.CallToolResult(
            content=[types.TextContent(text=messages[0].content)], is_error=not outcomes[0].ok
        )

    # ------------------------------------------------------------------ resolution
    def _request(self, ctx: Any) -> Request:
        request = ctx.request
        if not isinstance(request, Request):
            raise MCPError(INVALID_PARAMS, "MCP is served over HTTP only.")
        return request

    async def _env_name(self, request: Request) -> str:
        match = _ENV.search(request.url.path)
        if match:
            return _known_env(self.registry, match["env"])
        attach = _ATTACH.search(request.url.path)
        if attach is None:
            raise MCPError(INVALID_PARAMS, f"No MCP endpoint at {request.url.path}.")
        try:
            history = await _sessions(request).history(attach["sid"], _principal(request))
        except ServerError as exc:
            raise MCPError(INVALID_PARAMS, exc.detail) from None
        return history["env"]

    async def _start_state(self, request: Request, cls: type[Environment]) -> dict[str, Any] | None:
        """The state a session of this endpoint starts from, which decides the tools it offers."""
        attach = _ATTACH.search(request.url.path)
        if attach is not None:
            history = await _sessions(request).history(attach["sid"], _principal(request))
            state, task_id = history.get("state"), history.get("task_id")
        else:
            state, task_id = None, request.query_params.get("task")
        if state is None and task_id:
            state = self.registry.task(cls.name, task_id).initial_state
        return state

    async def _session_id(self, request: Request, sessions: SessionManager, who: Principal) -> str:
        attach = _ATTACH.search(request.url.path)
        if attach is not None:
            return attach["sid"]
        match = _ENV.search(request.url.path)
        if match is None:
            raise MCPError(INVALID_PARAMS, f"No MCP endpoint at {request.url.path}.")
        mcp_session = request.headers.get("mcp-session-id")
        if not mcp_session:
            raise MCPError(
                INVALID_PARAMS,
                "This endpoint keeps one environment session per MCP session, which needs the initialize "
                "handshake (protocol 2025-11-25 or earlier). Stateless clients: create a session with "
                "POST /v1/sessions and use /v1/sessions/{id}/mcp.",
            )
        session_id = self.by_mcp_session.get(mcp_session)
        if session_id is None:
            env = _known_env(self.registry, match["env"])
            task = request.query_params.get("task")
            try:
                live = await sessions.create(who, env, task, None, None)
            except (ServerError, EnvFactoryError) as exc:
                raise MCPError(INVALID_PARAMS, str(exc)) from None
            session_id = self.by_mcp_session[mcp_session] = live.id
        return session_id


def _known_env(registry: Registry, name: str) -> str:
    try:
        registry.get(name)
    except EnvFactoryError as exc:
        raise MCPError(INVALID_PARAMS, str(exc)) from None
    return name


def _sessions(request: Request) -> SessionManager:
    return request.app.state.manager


def _principal(request: Request) -> Principal:
    try:
        return request.app.state.keys.authenticate(request.headers.get("authorization"))
    except ServerError as exc:
        raise MCPError(INVALID_PARAMS, exc.detail) from None
