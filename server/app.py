"""The FastAPI application: REST tool-call API over one session core (DESIGN §3)."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import logging
from collections.abc import AsyncIterator
from typing import Annotated, Any, TypeVar

import anyio
from fastapi import FastAPI, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from sqlalchemy import text
from starlette.routing import Route
from starlette.types import ASGIApp

from envfactory.environments import Registry
from envfactory.environments import registry as default_registry
from envfactory.environments.mcp import discover, load_mcp_config
from envfactory.sdk.types import (
    CreateSession,
    EnvironmentInfo,
    EvaluateRequest,
    Evaluation,
    FunctionCallOutput,
    ResponsesRequest,
    ResponsesResponse,
    Session,
    ToolCallsRequest,
    ToolCallsResponse,
)

from .auth import KeyRing, require_admin
from .errors import Unavailable, install_error_handlers
from .hotpath import Handler, HotPath
from .limits import BodySizeLimit
from .mcp import McpEndpoint
from .metrics import Metrics, MetricsMiddleware
from .sessions import Call, Principal, SessionManager
from .settings import Settings
from .store import Store
from .ui import install as install_console

log = logging.getLogger("envfactory.server")


def _caller(request: Request) -> tuple[Principal, SessionManager]:
    """Who is calling, and the session core. A plain call rather than FastAPI dependencies: those
    cost more per request than a cheap tool call."""
    return request.app.state.keys.authenticate(
        request.headers.get("authorization")
    ), request.app.state.manager


def create_app(settings: Settings | None = None, registry: Registry | None = None) -> FastAPI:
    settings = settings or Settings()
    registry = registry or default_registry
    for target in filter(None, (t.strip() for t in settings.extra_envs.split(","))):
        registry.add_target(target)
    if settings.mcp_config:
        for config in load_mcp_config(settings.mcp_config):
            registry.register(discover(config), replace=True)
    keys = KeyRing(settings)
    metrics = Metrics()
    mcp_endpoint = McpEndpoint(registry)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            store = await anyio.to_thread.run_sync(Store, settings.database_url)
            stack.callback(store.close)
            manager = SessionManager(settings, registry, store)
            manager.on_call.append(lambda live, outcomes: metrics.record_calls(live.env_name, outcomes))
            metrics.live_sessions.set_function(lambda: len(manager.live))
            await manager.start()
            stack.push_async_callback(manager.stop)
            app.state.store, app.state.manager = store, manager
            reaper = asyncio.create_task(_reap(manager, settings.reap_interval_s))
            stack.callback(reaper.cancel)
            await stack.enter_async_context(mcp_endpoint.manager.run())
            log.info(
                "auth %s; event log at %s",
                "on" if keys.enabled else "OFF (local only)",
                settings.database_url,
            )
            # Everything loaded so far (catalog, schemas, SQLAlchemy metadata) lives as long as the
            # server: move it out of the collector's view, so a full collection scans only what
            # requests create (a full scan of the start-up heap is a 50-100 ms pause under load).
            gc.collect()
            gc.freeze()
            yield

    app = _App(
        title="EnvFactory",
        version="0.1.0",
        description="Stateful tool environments behind an OpenAI-compatible tool-call API.",
        lifespan=lifespan,
        # FastAPI's own OpenTelemetry hooks cost a check per request; /metrics is Prometheus.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.hot_path = {"metrics": metrics, "max_bytes": settings.max_body_bytes}
    app.state.keys = keys
    app.state.auth_enabled = keys.enabled
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    install_error_handlers(app)

    @app.get("/healthz", tags=["ops"])
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["ops"])
    async def readyz(request: Request) -> dict[str, str]:
        store: Store = request.app.state.store

        def ping() -> None:
            with store.engine.connect() as conn:
                conn.execute(text("SELECT 1"))

        try:
            await anyio.to_thread.run_sync(ping)
        except Exception as exc:  # any database failure means not ready
            raise Unavailable(f"event log unavailable: {type(exc).__name__}") from None
        return {"status": "ready"}

    @app.get("/metrics", tags=["ops"], include_in_schema=False)
    async def prometheus() -> Response:
        return metrics.response()

    # ------------------------------------------------------------------ environments
    @functools.cache
    def _tools(env: str, names: tuple[str, ...]) -> list[dict[str, Any]]:
        # Derived once per environment and tool set; responses are serialized copies, so sharing is safe.
        return registry.get(env).openai_tools(names)

    def tools_of(env: str, state: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """The tools of a session of `env` started from `state` (all of the environment's by default)."""
        return _tools(env, tuple(registry.get(env).offered_tools(state)))

    def session_tools(data: dict[str, Any]) -> list[dict[str, Any]]:
        """A session's tools: set by its explicit state, else by its task's initial state."""
        state = data.get("state")
        if state is None and data.get("task_id"):
            state = registry.task(data["env"], data["task_id"]).initial_state
        return tools_of(data["env"], state)

    def env_info(name: str) -> EnvironmentInfo:
        cls = registry.get(name)
        return EnvironmentInfo(
            name=cls.name,
            domain=cls.domain,
            description=cls.description,
            version=cls.version,
            kind=getattr(cls, "kind", "native"),
            tools=tools_of(name),
            tasks=len(registry.tasks(name)),
        )

    @app.get("/v1/environments", tags=["environments"])
    async def list_environments(request: Request) -> list[EnvironmentInfo]:
        _caller(request)  # authenticates
        classes, broken = registry.load_all()
        for name, why in broken.items():
            log.warning("environment %s is not available: %s", name, why)
        return [env_info(cls.name) for cls in classes]

    @app.get("/v1/environments/{env}", tags=["environments"])
    async def get_environment(env: str, request: Request) -> EnvironmentInfo:
        _caller(request)  # authenticates
        return env_info(env)

    @app.get("/v1/environments/{env}/tasks", tags=["environments"])
    async def list_tasks(env: str, request: Request, include_solutions: bool = False) -> list[dict[str, Any]]:
        who, _ = _caller(request)
        if include_solutions:
            require_admin(who, "Task solutions")
        exclude = None if include_solutions else {"solution"}
        return [t.model_dump(mode="json", exclude=exclude) for t in registry.tasks(env).values()]

    # ------------------------------------------------------------------ sessions
    def session_view(data: dict[str, Any]) -> Session:
        return Session(
            id=data["id"],
            env=data["env"],
            task_id=data["task_id"],
            status="closed" if data.get("closed_at") else "active",
            parent_id=data.get("parent_id"),
            tools=session_tools(data),
            messages=data["messages"],
            created_at=data["created_at"],
            closed_at=data.get("closed_at"),
            closed_reason=data.get("closed_reason"),
        )

    # Session-lifecycle routes return their JSON already serialized (`_json`): FastAPI would
    # otherwise validate and serialize the response model again, which costs about as much as
    # creating the session. The declared `response_model` keeps the OpenAPI document exact.
    @app.post("/v1/sessions", status_code=201, tags=["sessions"], response_model=Session)
    async def create_session(body: CreateSession, request: Request) -> Response:
        who, sessions = _caller(request)
        if body.state is not None:
            require_admin(who, "Starting from an explicit state")
        live = await sessions.create(who, body.env, body.task_id, body.seed, body.state)
        return _json(session_view({**live.row, "messages": live.messages}), 201)

    @app.get("/v1/sessions", tags=["sessions"])
    async def list_sessions(
        request: Request, active: bool = True, limit: Annotated[int, Query(ge=1, le=1000)] = 100
    ) -> list[dict[str, Any]]:
        who, _ = _caller(request)
        store: Store = request.app.state.store
        owner = None if who.is_admin else who.id
        rows = await anyio.to_thread.run_sync(store.list_sessions, owner, active, limit)
        keep = ("id", "env", "task_id", "parent_id", "created_at", "closed_at", "closed_reason")
        return [{k: r[k] for k in keep} for r in rows]

    @app.get("/v1/sessions/{session_id}", tags=["sessions"], response_model=Session)
    async def get_session(session_id: str, request: Request) -> Response:
        who, sessions = _caller(request)
        return _json(session_view(await sessions.history(session_id, who)))

    # The two hot routes: FastAPI documents them and serves them when called through it, but under
    # load `HotPath` (outermost ASGI layer, see hotpath.py) answers them with the same handlers.
    @app.post(
        "/v1/sessions/{session_id}/tool_calls",
        tags=["sessions"],
        response_model=ToolCallsResponse,
        openapi_extra=_json_body(ToolCallsRequest),
    )
    async def tool_calls(session_id: str, request: Request) -> Response:
        who, sessions = _caller(request)
        payload = await HOT_HANDLERS["tool_calls"](sessions, who, session_id, await request.body())
        return Response(payload, media_type="application/json")

    @app.post(
        "/v1/sessions/{session_id}/responses",
        tags=["sessions"],
        response_model=ResponsesResponse,
        openapi_extra=_json_body(ResponsesRequest),
    )
    async def responses(session_id: str, request: Request) -> Response:
        who, sessions = _caller(request)
        payload = await HOT_HANDLERS["responses"](sessions, who, session_id, await request.body())
        return Response(payload, media_type="application/json")

    @app.post("/v1/sessions/{session_id}/fork", status_code=201, tags=["sessions"], response_model=Session)
    async def fork_session(session_id: str, request: Request) -> Response:
        who, sessions = _caller(request)
        child = await sessions.fork(session_id, who)
        return _json(session_view({**child.row, "messages": child.messages}), 201)

    @app.get("/v1/sessions/{session_id}/state", tags=["sessions"])
    async def session_state(session_id: str, request: Request) -> dict[str, Any]:
        who, sessions = _caller(request)
        require_admin(who, "Raw session state")
        return await sessions.state(session_id, who)

    @app.post("/v1/sessions/{session_id}/evaluate", tags=["sessions"], response_model=Evaluation)
    async def evaluate_session(
        session_id: str, request: Request, body: EvaluateRequest | None = None
    ) -> Response:
        who, sessions = _caller(request)
        result = await sessions.evaluate(session_id, who, body.final_response if body else None)
        return _json(Evaluation(**result))

    @app.delete("/v1/sessions/{session_id}", status_code=204, tags=["sessions"])
    async def close_session(session_id: str, request: Request) -> Response:
        who, sessions = _caller(request)
        await sessions.close(session_id, who)
        return Response(status_code=204)

    @app.get("/v1/sessions/{session_id}/trajectory", tags=["sessions"])
    async def trajectory(session_id: str, request: Request) -> dict[str, Any]:
        who, sessions = _caller(request)
        data = await sessions.history(session_id, who)
        return {
            "messages": data["messages"],
            "tools": session_tools(data),
            "reward": data.get("reward"),
            "metadata": {
                k: data.get(k) for k in ("id", "env", "task_id", "parent_id", "created_at", "closed_at")
            },
        }

    _document_bearer_auth(app)
    install_console(app)
    app.mount("/mcp", mcp_endpoint)
    app.router.routes.append(
        Route("/v1/sessions/{session_id}/mcp", mcp_endpoint, methods=["GET", "POST", "DELETE"])
    )
    return app


Body = TypeVar("Body", bound=BaseModel)


def _parse(raw: bytes, model: type[Body]) -> Body:
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        ) from None


async def _tool_calls(manager: SessionManager, who: Principal, session_id: str, raw: bytes) -> bytes:
    body = _parse(raw, ToolCallsRequest)
    calls = [Call(c.id, c.function.name, c.function.arguments) for c in body.tool_calls]
    messages, outcomes = await manager.call(session_id, who, calls, body.content)
    return ToolCallsResponse(messages=messages, outcomes=outcomes).model_dump_json().encode()


async def _responses(manager: SessionManager, who: Principal, session_id: str, raw: bytes) -> bytes:
    body = _parse(raw, ResponsesRequest)
    calls = [Call(item.call_id, item.name, item.arguments) for item in body.input]
    messages, _ = await manager.call(session_id, who, calls, None)
    output = [FunctionCallOutput(call_id=m.tool_call_id, output=m.content) for m in messages]
    return ResponsesResponse(output=output).model_dump_json().encode()


def _json(model: BaseModel, status: int = 200) -> Response:
    return Response(model.model_dump_json(), status_code=status, media_type="application/json")


HOT_HANDLERS: dict[str, Handler] = {"tool_calls": _tool_calls, "responses": _responses}


class _App(FastAPI):
    """FastAPI with `HotPath` as the outermost layer of its middleware stack."""

    hot_path: dict[str, Any]

    def build_middleware_stack(self) -> ASGIApp:
        return HotPath(super().build_middleware_stack(), self.state, HOT_HANDLERS, **self.hot_path)


def _json_body(model: type[BaseModel]) -> dict[str, Any]:
    """OpenAPI `requestBody` for a route that parses its body itself."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    defs = schema.pop("$defs", {})
    return {
        "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}},
        "x-components": defs,
    }


def _document_bearer_auth(app: FastAPI) -> None:
    """Keys are checked in `_caller`, not by a FastAPI dependency; say so in the OpenAPI document."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            schema.setdefault("components", {})["securitySchemes"] = {
                "bearer": {"type": "http", "scheme": "bearer", "description": "API key (ENVFACTORY_API_KEYS)"}
            }
            schema["security"] = [{"bearer": []}]
            for path in schema["paths"].values():
                for operation in path.values():
                    schema["components"].setdefault("schemas", {}).update(operation.pop("x-components", {}))
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


async def _reap(manager: SessionManager, interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        closed = await manager.reap_idle()
        if closed:
            log.info("closed %d idle sessions", closed)
