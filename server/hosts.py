"""Hosts run the environment of each live session. The session manager sees one interface,
`SessionEnv`; which host serves an environment is configuration (`ENVFACTORY_HOSTS`).

- `inprocess` (default, trusted catalog code): the environment lives in the server process. A
  call runs on the event loop within a small budget, else in a worker thread; past the timeout
  the thread is abandoned and the session is rebuilt from its log.
- `process` (untrusted or synthesized code): sessions live in worker processes
  (`envfactory.server.worker`), several per worker, spoken to over a Unix socket; memory and
  file rlimits; a call past its timeout kills its worker; a crash is an error for the calling
  session only. Every session the dead worker held is marked lost and rebuilt by replaying its
  log on a fresh worker the next time it is used.
- `docker`: the same worker inside a container (`network_mode="none"`, CPU and memory limits,
  read-only root), the socket in a mounted directory; a warm pool of started containers (see
  `docker_host.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
import uuid
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio

from envfactory.environments import CallRecord, CallTimeout, Environment, Task, evaluate
from envfactory.environments.deadline import available as deadline_available
from envfactory.environments.rewards import reward_json

from .settings import Settings

log = logging.getLogger("envfactory.hosts")

FAILED_KINDS = frozenset({"timeout", "crash"})  # logged calls that replay as failures, not re-run


@dataclass
class Outcome:
    content: str
    ok: bool
    error_kind: str | None


class SessionEnv(ABC):
    """A live session's environment, wherever it runs."""

    offered: frozenset[str]

    @property
    def lost(self) -> bool:
        """The environment is gone (its worker died): rebuild it from the log before use."""
        return False

    @abstractmethod
    async def call(self, name: str, arguments: str | dict[str, Any], timeout: float) -> Outcome: ...

    @abstractmethod
    async def replay(self, rows: Sequence[dict[str, Any]]) -> None:
        """Re-run logged calls (rows of the event log) on a freshly started environment."""

    @abstractmethod
    async def fork(self) -> SessionEnv: ...

    @abstractmethod
    async def export_state(self) -> dict[str, Any]: ...

    @abstractmethod
    async def evaluate(self, task: Task, final_response: str | None) -> dict[str, Any]: ...

    @abstractmethod
    async def close(self) -> None: ...


def _timeout_message(name: str, timeout: float) -> str:
    return (
        f"Error: {name} did not finish within {timeout:g} s and was stopped; the session's state is as "
        "it was before this call."
    )


# ---------------------------------------------------------------------- in-process
class InProcessEnv(SessionEnv):
    def __init__(self, env: Environment, threads: anyio.CapacityLimiter, inline_budget_s: float) -> None:
        self.env = env
        self.offered = env.offered
        self._threads = threads
        self._budget = inline_budget_s
        self._lost = False

    @property
    def lost(self) -> bool:
        return self._lost

    async def call(self, name: str, arguments: str | dict[str, Any], timeout: float) -> Outcome:
        """Inline on the event loop within a small budget (no thread hop, no GIL hand-offs around
        every SQLite statement); a call that needs longer is interrupted, rolled back and run again
        in a worker thread under the full timeout (safe: calls are deterministic, and a rollback
        leaves no trace)."""
        budget = min(self._budget, timeout)
        if budget > 0 and deadline_available():
            try:
                result = self.env.call(name, arguments, timeout=budget)
            except CallTimeout:
                log.info("call moved off the event loop", extra={"tool": name})
            else:
                return Outcome(result.content, result.ok, result.error_kind)
        try:
            with anyio.fail_after(timeout):
                result = await anyio.to_thread.run_sync(
                    self.env.call, name, arguments, limiter=self._threads, abandon_on_cancel=True
                )
        except TimeoutError:
            self._lost = True  # the abandoned thread may still change it
            return Outcome(_timeout_message(name, timeout), False, "timeout")
        return Outcome(result.content, result.ok, result.error_kind)

    async def replay(self, rows: Sequence[dict[str, Any]]) -> None:
        await anyio.to_thread.run_sync(_replay, self.env, rows, limiter=self._threads)

    async def fork(self) -> SessionEnv:
        return InProcessEnv(self.env.fork(), self._threads, self._budget)

    async def export_state(self) -> dict[str, Any]:
        return self.env.export_state()

    async def evaluate(self, task: Task, final_response: str | None) -> dict[str, Any]:
        return _reward(evaluate(self.env, task, final_response))

    async def close(self) -> None:
        if not self._lost:  # a lost one may still be in use by its abandoned thread
            self.env.close()


def _replay(env: Environment, rows: Sequence[dict[str, Any]]) -> None:
    for row in rows:
        if row["error_kind"] in FAILED_KINDS:
            spec = env.tools.get(row["name"])
            env.trace.append(CallRecord(row["name"], {}, False, row["error_kind"], bool(spec and spec.write)))
        else:
            env.call(row["name"], row["arguments"])


def _reward(reward: Any) -> dict[str, Any]:
    return reward_json(reward)


class Host(ABC):
    name: str

    async def start(self) -> None:  # noqa: B027 (optional hook)
        """Called once when the server starts."""

    async def stop(self) -> None:  # noqa: B027 (optional hook)
        """Called once when the server stops."""

    @abstractmethod
    async def create(
        self,
        env_cls: type[Environment],
        seed: int | None,
        base_state: dict[str, Any] | None,
        state: dict[str, Any] | None,
    ) -> SessionEnv:
        """A fresh environment: the seed database, the task's initial state, then `state`."""


class InProcessHost(Host):
    name = "inprocess"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.threads = anyio.CapacityLimiter(settings.worker_threads)

    def build(
        self,
        env_cls: type[Environment],
        seed: int | None,
        base_state: dict[str, Any] | None,
        state: dict[str, Any] | None,
    ) -> Environment:
        env = env_cls.create(seed=seed, state=base_state)
        if state:
            env.import_state(state)
            env.offered = frozenset(env_cls.offered_tools(state))
        return env

    async def create(
        self,
        env_cls: type[Environment],
        seed: int | None,
        base_state: dict[str, Any] | None,
        state: dict[str, Any] | None,
    ) -> SessionEnv:
        if env_cls.has_template(seed):  # a page copy: cheaper than a thread hop
            env = self.build(env_cls, seed, base_state, state)
        else:
            env = await anyio.to_thread.run_sync(
                self.build, env_cls, seed, base_state, state, limiter=self.threads
            )
        return InProcessEnv(env, self.threads, self.settings.inline_budget_s)


# ---------------------------------------------------------------------- worker processes
class WorkerGone(Exception):
    """The worker process died or was killed; `kind` is "timeout" or "crash"."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


class WorkerError(Exception):
    """The worker could not serve a request (a bad state, an unknown tool set...)."""


class WorkerLink:
    """One worker (a child process, or a container's process) and the socket to it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.sessions: set[str] = set()
        self.dead = False
        self._lock = asyncio.Lock()
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def connect(self, path: Path, wait_s: float) -> None:
        deadline = asyncio.get_running_loop().time() + wait_s
        while True:
            try:
                self._reader, self._writer = await asyncio.open_unix_connection(str(path), limit=1 << 26)
                return
            except (FileNotFoundError, ConnectionRefusedError):
                if asyncio.get_running_loop().time() > deadline or not await self.alive():
                    raise WorkerGone("crash", f"worker {self.name} did not start") from None
                await asyncio.sleep(0.02)

    async def request(self, op: str, timeout: float, **payload: Any) -> Any:
        async with self._lock:
            if self.dead:
                raise WorkerGone("crash", f"worker {self.name} is gone")
            assert self._reader is not None and self._writer is not None
            try:
                self._writer.write(json.dumps({"op": op, **payload}).encode() + b"\n")
                await self._writer.drain()
                line = await asyncio.wait_for(self._reader.readline(), timeout)
            except TimeoutError:
                await self.kill()
                raise WorkerGone("timeout", f"no answer within {timeout:g} s") from None
            except (ConnectionError, OSError):
                line = b""
            if not line:
                self.dead = True
                raise WorkerGone("crash", await self.exit_reason())
        answer = json.loads(line)
        if not answer["ok"]:
            raise WorkerError(answer["error"])
        return answer["result"]

    async def alive(self) -> bool:
        raise NotImplementedError

    async def kill(self) -> None:
        raise NotImplementedError

    async def exit_reason(self) -> str:
        raise NotImplementedError

    def close_socket(self) -> None:
        if self._writer is not None:
            self._writer.close()


class ProcessLink(WorkerLink):
    def __init__(self, name: str, proc: asyncio.subprocess.Process) -> None:
        super().__init__(name)
        self.proc = proc

    async def alive(self) -> bool:
        return self.proc.returncode is None

    async def kill(self) -> None:
        self.dead = True
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()
        await self.proc.wait()
        self.close_socket()

    async def exit_reason(self) -> str:
        code = await self.proc.wait()
        self.close_socket()
        if code < 0:
            return f"the environment process was killed by {signal.Signals(-code).name}"
        return f"the environment process exited with status {code}"


class WorkerEnv(SessionEnv):
    def __init__(self, host: WorkerHost, link: WorkerLink, session: str, offered: Sequence[str]) -> None:
        self.host = host
        self.link = link
        self.session = session
        self.offered = frozenset(offered)

    @property
    def lost(self) -> bool:
        return self.link.dead

    async def _ask(self, op: str, timeout: float | None = None, **payload: Any) -> Any:
        timeout = timeout or self.host.admin_timeout_s
        return await self.link.request(op, timeout, session=self.session, **payload)

    async def call(self, name: str, arguments: str | dict[str, Any], timeout: float) -> Outcome:
        try:
            result = await self._ask("call", timeout, name=name, arguments=arguments)
        except WorkerGone as gone:
            log.warning("worker lost during a call", extra={"tool": name, "reason": gone.detail})
            if gone.kind == "timeout":
                return Outcome(_timeout_message(name, timeout), False, "timeout")
            message = (
                f"Error: {name} crashed the environment ({gone.detail}); the session's state is as it "
                "was before this call."
            )
            return Outcome(message, False, "crash")
        return Outcome(result["content"], result["ok"], result["error_kind"])

    async def replay(self, rows: Sequence[dict[str, Any]]) -> None:
        calls = [
            {
                "name": r["name"],
                "arguments": r["arguments"],
                "failed": r["error_kind"] if r["error_kind"] in FAILED_KINDS else None,
            }
            for r in rows
        ]
        budget = self.host.admin_timeout_s + self.host.settings.tool_timeout_s * len(calls)
        await self._ask("replay", budget, calls=calls)

    async def fork(self) -> SessionEnv:
        child = uuid.uuid4().hex
        await self._ask("fork", child=child)
        self.link.sessions.add(child)
        return WorkerEnv(self.host, self.link, child, self.offered)

    async def export_state(self) -> dict[str, Any]:
        return await self._ask("export")

    async def evaluate(self, task: Task, final_response: str | None) -> dict[str, Any]:
        return await self._ask("evaluate", task=task.model_dump(mode="json"), final_response=final_response)

    async def close(self) -> None:
        self.link.sessions.discard(self.session)
        if not self.link.dead:
            with contextlib.suppress(WorkerGone, WorkerError):
                await self._ask("close")


class WorkerHost(Host):
    """Shared by the process and docker hosts: a fixed number of worker slots, each holding many
    sessions; a new session goes to the least-loaded live worker; dead workers are replaced."""

    admin_timeout_s = 60.0

    def __init__(self, settings: Settings, size: int) -> None:
        self.settings = settings
        self.size = size
        self.links: list[WorkerLink | None] = [None] * size
        self._spawn_lock = asyncio.Lock()
        self._counter = itertools.count()
        self.socket_dir = Path(tempfile.mkdtemp(prefix="envfactory-workers-"))

    @abstractmethod
    async def spawn(self, name: str) -> WorkerLink: ...

    async def replacement(self, name: str) -> WorkerLink:
        """A worker for an empty or dead slot (the docker host hands out a warm spare)."""
        return await self.spawn(name)

    async def _slot(self) -> WorkerLink:
        async with self._spawn_lock:
            for i, link in enumerate(self.links):
                if link is None or link.dead:
                    self.links[i] = await self.replacement(f"{self.name}-{next(self._counter)}")
            return min((link for link in self.links if link is not None), key=lambda link: len(link.sessions))

    async def create(
        self,
        env_cls: type[Environment],
        seed: int | None,
        base_state: dict[str, Any] | None,
        state: dict[str, Any] | None,
    ) -> SessionEnv:
        link = await self._slot()
        session = uuid.uuid4().hex
        try:
            offered = await link.request(
                "start",
                self.admin_timeout_s,
                session=session,
                env=env_cls.name,
                seed=seed,
                base_state=base_state,
                state=state,
            )
        except WorkerError as exc:
            raise _state_error(str(exc)) from None
        link.sessions.add(session)
        return WorkerEnv(self, link, session, offered)

    async def stop(self) -> None:
        for link in self.links:
            if link is not None and not link.dead:
                await link.kill()
        shutil.rmtree(self.socket_dir, ignore_errors=True)


def _state_error(detail: str) -> Exception:
    from envfactory.environments import StateError

    return StateError(detail.partition(": ")[2] or detail)


class ProcessHost(WorkerHost):
    name = "process"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings, settings.process_workers)
        self._warming: asyncio.Task[WorkerLink] | None = None

    async def start(self) -> None:
        """Start the workers in the background, so the first session does not wait for them."""
        self._warming = asyncio.get_running_loop().create_task(self._slot())

    async def stop(self) -> None:
        if self._warming is not None and not self._warming.done():
            self._warming.cancel()
            with contextlib.suppress(asyncio.CancelledError, WorkerGone):
                await self._warming
        await super().stop()

    async def spawn(self, name: str) -> WorkerLink:
        path = self.socket_dir / f"{name}.sock"
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "envfactory.server.worker",
            *worker_args(self.settings, f"unix:{path}"),
            stdin=asyncio.subprocess.DEVNULL,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        )
        link = ProcessLink(name, proc)
        try:
            await link.connect(path, wait_s=30)
        except WorkerGone:  # e.g. an environment module that loops at import: do not leave it spinning
            await link.kill()
            raise
        log.info("worker started", extra={"worker": name, "pid": proc.pid})
        return link


def worker_args(settings: Settings, listen: str) -> list[str]:
    """The worker's command-line arguments (the same for a child process and a container)."""
    return [
        "--listen",
        listen,
        "--extra-envs",
        settings.extra_envs,
        "--memory-mb",
        str(settings.worker_memory_mb),
    ]


def make_hosts(settings: Settings) -> dict[str, Host]:
    """The hosts the configuration uses (in-process always: it is cheap and the default)."""
    from .mcp_host import McpHost

    hosts: dict[str, Host] = {"inprocess": InProcessHost(settings), "mcp": McpHost(settings)}
    names = settings.host_names()
    if "process" in names:
        hosts["process"] = ProcessHost(settings)
    if "docker" in names:
        from .docker_host import DockerHost

        hosts["docker"] = DockerHost(settings)
    return hosts
