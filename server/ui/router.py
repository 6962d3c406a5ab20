"""Routes of the web console: the page, its static files, and its read-only `/ui/api` backend.

The page is static; what it shows comes from the `/v1` API and from the routes here, which add
what a person browsing needs and an agent does not: session listings with call and error counts
and rewards, a session's call outcomes with its evaluation (or a preview of it while the session
runs), environment extras (which tools write, the policy, the tool graph as a picture), and the
training runs found under `ENVFACTORY_RUNS_DIR`. They are the console's own backend rather than a
stable API, so they stay out of the OpenAPI document. Each authenticates exactly like `/v1` and
sees only the caller's sessions (admins: all); the static files need no key, as they hold no data.
"""

from __future__ import annotations

import functools
import threading
from pathlib import Path
from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, FastAPI, Query, Request, Response
from fastapi.responses import FileResponse, RedirectResponse
from sqlalchemy import func, select
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from envfactory.environments import Environment, Registry, UnknownEnvironmentError, UnknownTaskError

from ..auth import require_admin
from ..errors import Conflict, NotFound, Unavailable
from ..sessions import Principal, SessionManager
from ..store import Store, events, sessions
from . import runs

STATIC = Path(__file__).with_name("static")
SESSION_FIELDS = ("id", "env", "task_id", "parent_id", "created_at", "closed_at", "closed_reason")

router = APIRouter(prefix="/ui", include_in_schema=False)


def install(app: FastAPI) -> None:
    """Serve the console at `/ui` on `app`."""
    app.include_router(router)
    app.mount("/ui/static", _Static(directory=STATIC), name="ui-static")


class _Static(StaticFiles):
    """Static files that the browser revalidates (ETag) on every load, so an upgraded server is
    never shown with yesterday's scripts."""

    def file_response(
        self, full_path: Any, stat_result: Any, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = "no-cache"
        return response


def _caller(request: Request) -> tuple[Principal, SessionManager]:
    principal = request.app.state.keys.authenticate(request.headers.get("authorization"))
    return principal, request.app.state.manager


# ---------------------------------------------------------------------- the page
@router.get("")
async def page_redirect() -> RedirectResponse:
    return RedirectResponse("/ui/", status_code=308)


# The page runs only its own scripts and talks only to this server: whatever a tool result or a
# trajectory file holds is drawn as text, and this policy backs that up should anything slip.
PAGE_HEADERS = {
    "Cache-Control": "no-cache",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' blob:; style-src 'self' 'unsafe-inline'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
}


@router.get("/")
async def page() -> FileResponse:
    return FileResponse(STATIC / "index.html", headers=PAGE_HEADERS)


@router.get("/api/whoami")
async def whoami(request: Request) -> dict[str, Any]:
    who, manager = _caller(request)
    return {
        "auth": request.app.state.keys.enabled,
        "id": who.id,
        "role": who.role,
        "runs_dir": _runs_dir(manager) is not None,
    }


# ---------------------------------------------------------------------- sessions
@router.get("/api/sessions")
async def list_sessions(
    request: Request,
    status: Literal["active", "closed", "all"] = "all",
    env: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[dict[str, Any]]:
    """Newest first, with how many calls each made, how many failed, and its stored reward."""
    who, manager = _caller(request)
    owner = None if who.is_admin else who.id
    rows = await anyio.to_thread.run_sync(_session_rows, manager.store, owner, status, env, limit)
    return [
        {
            **{k: row[k] for k in SESSION_FIELDS},
            "status": "closed" if row["closed_at"] else "active",
            "calls": row["calls"],
            "errors": row["errors"],
            "reward": row["reward"]["reward"] if row["reward"] else None,
            "components": row["reward"]["components"] if row["reward"] else None,
        }
        for row in rows
    ]


def _session_rows(store: Store, owner: str | None, status: str, env: str | None, limit: int) -> list[dict]:
    # Correlated counts use the events primary key (session_id, seq): cheap per listed session,
    # where a join and GROUP BY would aggregate the whole log before the LIMIT.
    of_session = events.c.session_id == sessions.c.id
    calls = select(func.count()).where(of_session).scalar_subquery()
    errors = select(func.count()).where(of_session, events.c.ok.is_(False)).scalar_subquery()
    query = (
        select(
            *(sessions.c[k] for k in SESSION_FIELDS),
            sessions.c.reward,
            calls.label("calls"),
            errors.label("errors"),
        )
        .order_by(sessions.c.created_at.desc())
        .limit(limit)
    )
    if owner is not None:
        query = query.where(sessions.c.owner == owner)
    if env:
        query = query.where(sessions.c.env == env)
    if status != "all":
        closed = sessions.c.closed_at.is_not(None)
        query = query.where(closed if status == "closed" else ~closed)
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


@router.get("/api/sessions/{session_id}")
async def session_detail(session_id: str, request: Request) -> dict[str, Any]:
    """History, the outcome of every call, the task, and the evaluation: the stored one, or for an
    active session that was not evaluated yet a preview (graded now, without a final answer, and
    not saved: the agent's own evaluation stays the one on record)."""
    who, manager = _caller(request)
    data = await manager.history(session_id, who)
    rows = await anyio.to_thread.run_sync(manager.store.event_rows, session_id)
    evaluation, preview = data.get("reward"), False
    if evaluation is None and data.get("closed_at") is None and data.get("task_id"):
        evaluation, preview = await _preview(manager, session_id), True
    return {
        "session": {
            **{k: data.get(k) for k in SESSION_FIELDS},
            "status": "closed" if data.get("closed_at") else "active",
            "final_response": data.get("final_response"),
        },
        "messages": data["messages"],
        "calls": {
            r["call_id"]: {k: r[k] for k in ("seq", "name", "ok", "error_kind", "created_at")} for r in rows
        },
        "evaluation": evaluation and {**evaluation, "preview": preview},
        "task": _task_view(manager.registry, data["env"], data.get("task_id"), who),
    }


async def _preview(manager: SessionManager, session_id: str) -> dict[str, Any] | None:
    # Read from the live table rather than `manager.get`: watching a session must not count as
    # using it, or an open console would keep abandoned sessions from being reaped.
    live = manager.live.get(session_id)
    if live is None or live.task is None:
        return None
    async with live.lock:
        if live.env is None or live.env.lost or live.id not in manager.live:
            return None
        return await live.env.evaluate(live.task, None)


def _task_view(registry: Registry, env: str, task_id: str | None, who: Principal) -> dict[str, Any] | None:
    """The session's task (solution for admins only, as on `/v1`); None if the catalog lost it."""
    if not task_id:
        return None
    try:
        task = registry.task(env, task_id)
    except (UnknownEnvironmentError, UnknownTaskError):
        return None
    exclude = {"initial_state"} if who.is_admin else {"initial_state", "solution"}
    return task.model_dump(mode="json", exclude=exclude)


# ---------------------------------------------------------------------- environments
@router.get("/api/environments/{env}")
async def environment_extras(env: str, request: Request) -> dict[str, Any]:
    """What `/v1/environments/{env}` does not carry: which tools write, and the policy text."""
    _, manager = _caller(request)
    cls = manager.registry.get(env)
    return {
        "name": cls.name,
        "write_tools": sorted(name for name, spec in cls.tools.items() if spec.write),
        "policy": _policy(cls),
    }


@functools.cache
def _policy(cls: type[Environment]) -> str:
    return cls.policy()  # a file read: once per environment


@router.get("/api/environments/{env}/graph.png")
async def environment_graph(env: str, request: Request) -> Response:
    """The tool graph (envfactory.factory.graph) drawn as a PNG, once per environment.

    Building the graph runs the environment's code (a seeded session, and tool calls that observe
    which outputs feed which inputs), so it is drawn only for environments whose sessions run
    in-process anyway: for one that `ENVFACTORY_HOSTS` isolates (or an MCP server, which runs as a
    process per session), that code must not run here.
    """
    _, manager = _caller(request)
    cls = manager.registry.get(env)
    host = manager.host_of(cls.name).name
    if host != "inprocess":
        raise Conflict(
            f"{cls.name} runs on the {host} host, so its code does not run in the server and neither does "
            f"drawing its graph; draw it where the code may run: envfactory.factory.graph.build_graph([cls])."
        )
    png = await anyio.to_thread.run_sync(_graph_png, cls)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


_drawing = threading.Lock()  # matplotlib's state is global: one drawing at a time


@functools.lru_cache(maxsize=64)
def _graph_png(cls: type[Environment]) -> bytes:
    try:
        from envfactory.factory.graph import build_graph
    except ImportError as exc:
        raise Unavailable(
            f"The tool graph needs the factory extra (pip install 'envfactory[factory]'): {exc}"
        ) from None
    with _drawing:
        return build_graph([cls]).png_bytes()


# ---------------------------------------------------------------------- training runs
def _runs_dir(manager: SessionManager) -> Path | None:
    configured = getattr(manager.settings, "runs_dir", None)
    return Path(configured) if configured else None


@router.get("/api/runs")
async def list_runs(request: Request) -> dict[str, Any]:
    who, manager = _caller(request)
    require_admin(who, "Training runs")
    root = _runs_dir(manager)
    if root is None:
        return {"root": None, "runs": []}
    return {"root": str(root), "runs": await anyio.to_thread.run_sync(runs.find_runs, root)}


@router.get("/api/runs/file")
async def run_file(path: str, request: Request) -> FileResponse:
    """A metrics, trajectory, report or plot file of a run (`path` as `/ui/api/runs` lists it)."""
    who, manager = _caller(request)
    require_admin(who, "Training runs")
    root = _runs_dir(manager)
    if root is None:
        raise NotFound("No runs directory is configured; set ENVFACTORY_RUNS_DIR and restart the server.")
    found = runs.resolve(root, path)
    return FileResponse(
        found, media_type=runs.MEDIA_TYPES[found.suffix], headers={"Cache-Control": "no-cache"}
    )
