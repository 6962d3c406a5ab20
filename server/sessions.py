"""Live sessions: create, call tools, fork, evaluate, close, and rebuild from the event log.

One `SessionManager` holds the live sessions; their environments run on a host (`hosts.py`:
in-process, worker processes, or containers). A session's calls are serialized by its own lock.
A call that outlives `tool_timeout_s` is answered with a timeout error, and one that crashes its
worker with a crash error; either way the environment is lost, and it is rebuilt from the event
log before the session is used again, so its state is exactly what the acknowledged calls made
it. Sessions not in memory (after a restart) are rebuilt the same way on first use.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import anyio

from envfactory.environments import Environment, Registry, Task
from envfactory.sdk.types import CallOutcome, ToolMessage

from .errors import BadRequest, Conflict, NotFound, TooManySessions
from .hosts import Host, SessionEnv, make_hosts
from .settings import Settings
from .store import Store

log = logging.getLogger("envfactory.sessions")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Principal:
    """Who is calling: `id` owns sessions, `role` is `agent` or `admin`."""

    id: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class Call:
    id: str
    name: str
    arguments: str | dict[str, Any]


@dataclass
class Recorded:
    name: str
    content: str
    ok: bool
    error_kind: str | None


@dataclass
class LiveSession:
    id: str
    env_name: str
    env_cls: type[Environment]
    task: Task | None
    owner: str
    env: SessionEnv | None
    row: dict[str, Any]
    messages: list[dict[str, Any]]
    results: dict[str, Recorded] = field(default_factory=dict)
    seq: int = 0
    batch: int = 0
    last_used: float = field(default_factory=time.monotonic)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class SessionManager:
    def __init__(self, settings: Settings, registry: Registry, store: Store) -> None:
        self.settings = settings
        self.registry = registry
        self.store = store
        self.live: dict[str, LiveSession] = {}
        self._active: dict[str, int] = {}
        self._loading: dict[str, asyncio.Lock] = {}
        self._policies: dict[type[Environment], str] = {}
        self.on_call: list[Callable[[LiveSession, list[CallOutcome]], None]] = []
        self.hosts: dict[str, Host] = make_hosts(settings)

    async def start(self) -> None:
        # A few worker threads, not one per request: tool code holds the GIL, so more threads
        # would only add switching. Most calls never get here (see `_execute`).
        self._workers = anyio.CapacityLimiter(self.settings.worker_threads)
        self._active = await self._run(self.store.active_counts)
        for host in self.hosts.values():
            await host.start()

    async def stop(self) -> None:
        for host in self.hosts.values():
            await host.stop()

    def host_of(self, env_name: str) -> Host:
        if getattr(self.registry.get(env_name), "kind", "native") == "mcp":  # a process per session
            return self.hosts["mcp"]
        return self.hosts[self.settings.host_for(env_name)]

    def _policy(self, env_cls: type[Environment]) -> str:
        policy = self._policies.get(env_cls)
        if policy is None:
            policy = self._policies[env_cls] = env_cls.policy()  # a file read: once per environment
        return policy

    async def _run(self, fn: Any, *args: Any, abandon_on_cancel: bool = False) -> Any:
        return await anyio.to_thread.run_sync(
            fn, *args, limiter=self._workers, abandon_on_cancel=abandon_on_cancel
        )

    # ------------------------------------------------------------------ create / get
    async def create(
        self,
        principal: Principal,
        env: str,
        task_id: str | None,
        seed: int | None,
        state: dict[str, Any] | None,
    ) -> LiveSession:
        env_cls = self.registry.get(env)
        task = self.registry.task(env, task_id) if task_id else None
        if self._active.get(principal.id, 0) >= self.settings.max_sessions_per_key:
            raise TooManySessions(
                f"This key already has {self.settings.max_sessions_per_key} active sessions; close some."
            )
        messages = [{"role": "system", "content": self._policy(env_cls)}]
        if task is not None:
            messages.append({"role": "user", "content": task.instruction})
        row = {
            "id": f"ses_{secrets.token_hex(12)}",
            "env": env,
            "task_id": task_id,
            "seed": seed if seed is not None else (task.seed if task else None),
            "state": state,
            "owner": principal.id,
            "parent_id": None,
            "messages": messages,
            "created_at": _now(),
        }
        instance = await self._start_env(env_cls, task, row)
        await self.store.write(self.store.insert_session(row))
        log.info("session created", extra={"session_id": row["id"], "env": env, "task_id": task_id})
        return self._register(row, env_cls, task, instance, list(messages))

    async def _start_env(
        self, env_cls: type[Environment], task: Task | None, row: dict[str, Any]
    ) -> SessionEnv:
        base = task.initial_state if task is not None else None
        return await self.host_of(env_cls.name).create(env_cls, row["seed"], base, row["state"])

    def _register(
        self,
        row: dict[str, Any],
        env_cls: type[Environment],
        task: Task | None,
        env: Environment,
        messages: list,
    ) -> LiveSession:
        live = LiveSession(row["id"], row["env"], env_cls, task, row["owner"], env, row, messages)
        self.live[live.id] = live
        self._active[live.owner] = self._active.get(live.owner, 0) + 1
        return live

    async def get(self, session_id: str, principal: Principal, *, active: bool = True) -> LiveSession:
        """The live session, rebuilt from the log if needed. Other keys' sessions are 404."""
        live = self.live.get(session_id)
        if live is None:
            lock = self._loading.setdefault(session_id, asyncio.Lock())
            async with lock:
                live = self.live.get(session_id)
                if live is None:
                    live = await self._load(session_id, principal, active)
            self._loading.pop(session_id, None)
        if live.owner != principal.id and not principal.is_admin:
            raise NotFound(f"No session {session_id!r}.")
        live.last_used = time.monotonic()
        return live

    async def _load(self, session_id: str, principal: Principal, active: bool) -> LiveSession:
        row = await self._run(self.store.session_row, session_id)
        if row is None or (row["owner"] != principal.id and not principal.is_admin):
            raise NotFound(f"No session {session_id!r}.")
        if row["closed_at"] is not None:
            raise Conflict(
                f"Session {session_id} was closed ({row['closed_reason']}); its history stays readable."
            )
        env_cls = self.registry.get(row["env"])
        task = self.registry.task(row["env"], row["task_id"]) if row["task_id"] else None
        live = LiveSession(
            row["id"], row["env"], env_cls, task, row["owner"], None, row, list(row["messages"])
        )
        await self._rebuild(live)
        self.live[live.id] = live
        log.info("session recovered", extra={"session_id": live.id, "env": live.env_name, "calls": live.seq})
        return live

    async def _rebuild(self, live: LiveSession) -> None:
        """Replay the logged calls on the starting state: the environment, results and history."""
        env = await self._start_env(live.env_cls, live.task, live.row)
        rows = await self._run(self.store.event_rows, live.id)
        await env.replay(rows)
        live.messages = _messages_from_rows(live.row, rows)
        live.results = {
            r["call_id"]: Recorded(r["name"], r["content"], r["ok"], r["error_kind"]) for r in rows
        }
        live.seq = rows[-1]["seq"] if rows else 0
        live.batch = rows[-1]["batch"] if rows else 0
        live.env = env

    async def _usable(self, live: LiveSession) -> SessionEnv:
        """The session's environment, rebuilt from the log first if its host lost it."""
        if live.env is None or live.env.lost:
            log.info("rebuilding a lost environment", extra={"session_id": live.id, "env": live.env_name})
            kept = live.results, live.messages, live.seq, live.batch
            await self._rebuild(live)
            live.results, live.messages, live.seq, live.batch = kept
        assert live.env is not None
        return live.env

    # ------------------------------------------------------------------ tool calls
    async def call(
        self, session_id: str, principal: Principal, calls: list[Call], content: str | None
    ) -> tuple[list[ToolMessage], list[CallOutcome]]:
        live = await self.get(session_id, principal)
        async with live.lock:
            self._ensure_open(live)
            messages, outcomes, rows, pending = [], [], [], []
            fresh = [c for c in calls if c.id not in live.results]
            if len({c.id for c in fresh}) != len(fresh):
                raise BadRequest("Tool call ids must be unique within a request.")
            batch = live.batch + 1 if fresh else live.batch
            for call in calls:
                known = live.results.get(call.id)
                if known is not None:
                    messages.append(ToolMessage(tool_call_id=call.id, content=known.content))
                    outcomes.append(
                        CallOutcome(
                            tool_call_id=call.id,
                            name=known.name,
                            ok=known.ok,
                            error_kind=known.error_kind,
                            replayed=True,
                        )
                    )
                    continue
                if live.env is None or live.env.lost:
                    if pending:  # what this request ran so far must be in the log the rebuild reads
                        await self.store.write(self.store.insert_events(pending))
                        pending = []
                    await self._usable(live)
                recorded = await self._execute(live, call)
                live.seq += 1
                rows.append(
                    {
                        "session_id": live.id,
                        "seq": live.seq,
                        "batch": batch,
                        "call_id": call.id,
                        "name": call.name,
                        "arguments": _encode_args(call.arguments),
                        "content": recorded.content,
                        "ok": recorded.ok,
                        "error_kind": recorded.error_kind,
                        "assistant": content,
                        "created_at": _now(),
                    }
                )
                pending.append(rows[-1])
                live.results[call.id] = recorded
                messages.append(ToolMessage(tool_call_id=call.id, content=recorded.content))
                outcomes.append(
                    CallOutcome(
                        tool_call_id=call.id, name=call.name, ok=recorded.ok, error_kind=recorded.error_kind
                    )
                )
            if pending:
                await self.store.write(self.store.insert_events(pending))
            if rows:
                live.batch = batch
                live.messages.append(
                    _assistant(content, [_tool_call(r["call_id"], r["name"], r["arguments"]) for r in rows])
                )
                live.messages.extend(
                    m.model_dump() for m in messages if m.tool_call_id in {r["call_id"] for r in rows}
                )
            for hook in self.on_call:
                hook(live, outcomes)
            return messages, outcomes

    async def _execute(self, live: LiveSession, call: Call) -> Recorded:
        assert live.env is not None
        outcome = await live.env.call(call.name, call.arguments, self.settings.tool_timeout_s)
        if outcome.error_kind in ("timeout", "crash"):
            log.warning(
                f"tool call failed: {outcome.error_kind}",
                extra={"session_id": live.id, "env": live.env_name, "tool": call.name},
            )
        return Recorded(call.name, outcome.content, outcome.ok, outcome.error_kind)

    # ------------------------------------------------------------------ fork / evaluate / state / close
    async def fork(self, session_id: str, principal: Principal) -> LiveSession:
        parent = await self.get(session_id, principal)
        async with parent.lock:
            self._ensure_open(parent)
            if self._active.get(principal.id, 0) >= self.settings.max_sessions_per_key:
                raise TooManySessions(
                    f"This key already has {self.settings.max_sessions_per_key} active sessions."
                )
            child_env = await (await self._usable(parent)).fork()
            row = {
                **parent.row,
                "id": f"ses_{secrets.token_hex(12)}",
                "owner": principal.id,
                "parent_id": parent.id,
                "created_at": _now(),
                "closed_at": None,
                "closed_reason": None,
            }
            row = {k: v for k, v in row.items() if k not in ("final_response", "reward")}
            rows = await self._run(self.store.event_rows, parent.id)
            copied = [{**r, "session_id": row["id"]} for r in rows]

            def op(conn: Any) -> None:
                self.store.insert_session(row)(conn)
                self.store.insert_events(copied)(conn)

            await self.store.write(op)
            child = self._register(row, parent.env_cls, parent.task, child_env, list(parent.messages))
            log.info(
                "session forked",
                extra={"session_id": child.id, "parent_id": parent.id, "env": child.env_name},
            )
            child.results, child.seq, child.batch = dict(parent.results), parent.seq, parent.batch
            return child

    async def evaluate(
        self, session_id: str, principal: Principal, final_response: str | None
    ) -> dict[str, Any]:
        live = await self.get(session_id, principal)
        async with live.lock:
            self._ensure_open(live)
            if live.task is None:
                raise Conflict(
                    f"Session {session_id} was not started from a task; there is nothing to grade against."
                )
            result = await (await self._usable(live)).evaluate(live.task, final_response)
            await self.store.write(
                self.store.update_session(live.id, final_response=final_response, reward=result)
            )
            if live.row.get("final_response") is not None:
                live.messages.pop()
            live.row["final_response"], live.row["reward"] = final_response, result
            if final_response is not None:
                live.messages.append({"role": "assistant", "content": final_response})
            return result

    async def state(self, session_id: str, principal: Principal) -> dict[str, Any]:
        live = await self.get(session_id, principal)
        async with live.lock:
            return await (await self._usable(live)).export_state()

    async def close(self, session_id: str, principal: Principal, reason: str = "closed") -> None:
        live = await self.get(session_id, principal)
        async with live.lock:
            if live.id not in self.live:
                return
            await self._close(live, reason)

    async def _close(self, live: LiveSession, reason: str) -> None:
        await self.store.write(self.store.update_session(live.id, closed_at=_now(), closed_reason=reason))
        live.row.update(closed_at=_now(), closed_reason=reason)
        log.info("session closed", extra={"session_id": live.id, "env": live.env_name, "reason": reason})
        self.live.pop(live.id, None)
        self._active[live.owner] = max(0, self._active.get(live.owner, 1) - 1)
        if live.env is not None:
            await live.env.close()
            live.env = None

    async def reap_idle(self) -> int:
        """Close sessions idle for longer than the TTL; returns how many."""
        cutoff = time.monotonic() - self.settings.session_ttl_s
        idle = [s for s in list(self.live.values()) if s.last_used < cutoff and not s.lock.locked()]
        for live in idle:
            async with live.lock:
                if live.id in self.live:
                    await self._close(live, "idle")
        return len(idle)

    async def history(self, session_id: str, principal: Principal) -> dict[str, Any]:
        """Info and messages of a live or closed session."""
        live = self.live.get(session_id)
        if live is not None:
            if live.owner != principal.id and not principal.is_admin:
                raise NotFound(f"No session {session_id!r}.")
            return {**live.row, "messages": live.messages}
        row = await self._run(self.store.session_row, session_id)
        if row is None or (row["owner"] != principal.id and not principal.is_admin):
            raise NotFound(f"No session {session_id!r}.")
        if row["closed_at"] is None:
            live = await self.get(session_id, principal)
            return {**live.row, "messages": live.messages}
        rows = await self._run(self.store.event_rows, session_id)
        return {**row, "messages": _messages_from_rows(row, rows)}

    def _ensure_open(self, live: LiveSession) -> None:
        if live.id not in self.live:
            raise Conflict(f"Session {live.id} is closed.")


def _messages_from_rows(row: dict[str, Any], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    messages = list(row["messages"])
    batch = None
    for r in rows:
        if r["batch"] != batch:
            batch = r["batch"]
            messages.append(_assistant(r["assistant"], []))
        messages[-1 - _tool_tail(messages)]["tool_calls"].append(
            _tool_call(r["call_id"], r["name"], r["arguments"])
        )
        messages.append(ToolMessage(tool_call_id=r["call_id"], content=r["content"]).model_dump())
    if row.get("final_response") is not None:
        messages.append({"role": "assistant", "content": row["final_response"]})
    return messages


def _tool_tail(messages: list[dict[str, Any]]) -> int:
    """How many tool messages end the list (the assistant message with the calls is before them)."""
    n = 0
    for m in reversed(messages):
        if m.get("role") != "tool":
            break
        n += 1
    return n


def _assistant(content: str | None, tool_calls: list[dict[str, Any]]) -> dict[str, Any]:
    return {"role": "assistant", "content": content, "tool_calls": tool_calls}


def _tool_call(call_id: str, name: str, arguments: str) -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def _encode_args(arguments: str | dict[str, Any]) -> str:
    return arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False)
