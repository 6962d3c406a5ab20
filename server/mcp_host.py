"""The `mcp` host: sessions of MCP-server environments, one server process per session.

The server speaks to each process with the official `mcp` client over stdio. A process is owned
by one task (the client's anyio scopes must be left by the task that entered them); calls from
request handlers go through its `ClientSession`. A call that runs past the tool timeout kills the
process, and a process that dies fails only its call: either way the session is lost and rebuilt
on next use by replaying its log into a fresh process, as for worker hosts. Grading compares
`save_scenario` of the session with that of a fresh process that ran the task's solution.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
from collections.abc import Mapping, Sequence
from typing import Any

import anyio
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.shared.exceptions import MCPError

from envfactory.environments import CallRecord, RewardConfig, StateError, Task, UnknownToolError
from envfactory.environments.mcp import (
    LOAD_SCENARIO,
    SAVE_SCENARIO,
    McpEnvironment,
    ResetOnlyError,
    launch_argv,
)
from envfactory.environments.rewards import grade, json_diff, reward_json

from .errors import Unavailable
from .hosts import FAILED_KINDS, Host, Outcome, SessionEnv, _timeout_message
from .settings import Settings

log = logging.getLogger("envfactory.hosts")
_GONE = (MCPError, anyio.ClosedResourceError, anyio.BrokenResourceError, anyio.EndOfStream, OSError)


class ServerGone(Unavailable):
    """The MCP server process of a session stopped answering (crashed, killed, timed out)."""


class McpProcess:
    """One MCP server process and the client session to it."""

    def __init__(self, env_cls: type[McpEnvironment], owner: str) -> None:
        self.env_cls = env_cls
        self.owner = owner
        self.session: ClientSession | None = None
        self.dead = False
        self._ready = asyncio.Event()
        self._stop = asyncio.Event()
        self._failure: BaseException | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())
        config = self.env_cls.config
        try:
            await asyncio.wait_for(self._ready.wait(), config.start_timeout_s)
        except TimeoutError:
            await self.close()
            raise ServerGone(f"the MCP server did not start within {config.start_timeout_s:g} s") from None
        if self._failure is not None:
            raise ServerGone(f"the MCP server could not start: {self._failure}")

    async def _run(self) -> None:
        config = self.env_cls.config
        program, *args = launch_argv(config, self.owner)
        params = StdioServerParameters(
            command=program, args=args, env={**os.environ, **config.env}, cwd=config.cwd
        )
        try:
            async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
                await session.initialize()
                self.session = session
                self._ready.set()
                await self._stop.wait()
        except BaseException as exc:
            self._failure = exc
            if isinstance(exc, asyncio.CancelledError):
                raise
        finally:
            self.dead = True
            self._ready.set()

    async def call(self, name: str, arguments: Mapping[str, Any], timeout: float) -> Any:
        if self.dead or self.session is None:
            raise ServerGone("the MCP server is gone")
        try:
            with anyio.fail_after(timeout):
                return await self.session.call_tool(name, dict(arguments))
        except TimeoutError:
            await self.close()
            raise
        except _GONE as exc:
            await self.close()
            raise ServerGone(f"the MCP server stopped ({type(exc).__name__}: {exc})") from None

    async def close(self) -> None:
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(self._task), 10)
            if not self._task.done():
                self._task.cancel()
        self.dead = True


def _text(result: Any) -> str:
    parts = [getattr(block, "text", None) for block in result.content]
    text = "\n".join(p for p in parts if p is not None)
    if not text and result.structured_content is not None:
        text = json.dumps(result.structured_content, ensure_ascii=False)
    return text


class McpSessionEnv(SessionEnv):
    def __init__(self, host: McpHost, env_cls: type[McpEnvironment], process: McpProcess) -> None:
        self.host = host
        self.env_cls = env_cls
        self.process = process
        self.trace: list[CallRecord] = []

    @property
    def lost(self) -> bool:
        return self.process.dead

    async def call(self, name: str, arguments: str | dict[str, Any], timeout: float) -> Outcome:
        spec = self.env_cls.tools.get(name)
        write = spec is not None and spec.write
        outcome, parsed = await self._call(name, arguments, timeout)
        self.trace.append(CallRecord(name, parsed, outcome.ok, outcome.error_kind, write))
        return outcome

    async def _call(
        self, name: str, arguments: str | dict[str, Any], timeout: float
    ) -> tuple[Outcome, dict[str, Any]]:
        if name not in self.env_cls.tools:
            return Outcome(f"Error: {UnknownToolError(name, self.env_cls.tools)}", False, "unknown_tool"), {}
        if isinstance(arguments, str):
            try:
                arguments = json.loads(arguments) if arguments.strip() else {}
            except json.JSONDecodeError as exc:
                why = f"Error: the arguments of {name} are not valid JSON ({exc})."
                return Outcome(why, False, "invalid_arguments"), {}
        if not isinstance(arguments, dict):
            why = f"Error: the arguments of {name} must be a JSON object."
            return Outcome(why, False, "invalid_arguments"), {}
        try:
            result = await self.process.call(name, arguments, timeout)
        except TimeoutError:
            return Outcome(_timeout_message(name, timeout), False, "timeout"), arguments
        except ServerGone as gone:
            why = f"Error: {name} crashed the environment ({gone}); its state is as it was before this call."
            return Outcome(why, False, "crash"), arguments
        if result.is_error:
            return Outcome(_text(result), False, "tool_error"), arguments
        return Outcome(_text(result), True, None), arguments

    async def replay(self, rows: Sequence[dict[str, Any]]) -> None:
        for row in rows:
            if row["error_kind"] in FAILED_KINDS:  # it changed nothing; keep it in the trace only
                spec = self.env_cls.tools.get(row["name"])
                write = spec is not None and spec.write
                self.trace.append(CallRecord(row["name"], {}, False, row["error_kind"], write))
                continue
            await self.call(row["name"], row["arguments"], self.host.admin_timeout_s)

    async def fork(self) -> SessionEnv:
        if not self.env_cls.stateful:
            raise ResetOnlyError(self.env_cls.name, "be forked")
        child = await self.host.launch(self.env_cls, await self.export_state())
        assert isinstance(child, McpSessionEnv)
        child.trace = list(self.trace)
        return child

    async def export_state(self) -> dict[str, Any]:
        if not self.env_cls.stateful:
            raise ResetOnlyError(self.env_cls.name, "export its state")
        return await self.host.save(self.process)

    async def evaluate(self, task: Task, final_response: str | None) -> dict[str, Any]:
        if not self.env_cls.stateful:
            raise ResetOnlyError(self.env_cls.name, "be graded by state")
        expected = await self.host.expected_state(self.env_cls, task)
        actual = await self.export_state()
        reward = grade(
            diff=json_diff(expected, actual, task.ignore_fields),
            trace=self.trace,
            tools=self.env_cls.tools,
            task=task,
            final_response=final_response,
            config=RewardConfig(),
        )
        return reward_json(reward)

    async def close(self) -> None:
        await self.process.close()
        self.host.processes.discard(self.process)


class McpHost(Host):
    name = "mcp"
    admin_timeout_s = 60.0

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.owner = f"{socket.gethostname()}:{os.getpid()}"
        self.processes: set[McpProcess] = set()
        self._expected: dict[tuple[str, str], dict[str, Any]] = {}

    async def create(
        self,
        env_cls: type,
        seed: int | None,
        base_state: dict[str, Any] | None,
        state: dict[str, Any] | None,
    ) -> SessionEnv:
        return await self.launch(env_cls, state if state is not None else base_state)

    async def launch(self, env_cls: type[McpEnvironment], scenario: Any) -> SessionEnv:
        process = McpProcess(env_cls, self.owner)
        self.processes.add(process)
        try:
            await process.start()
            if scenario is not None:
                result = await process.call(
                    LOAD_SCENARIO, env_cls.scenario_arguments(scenario), self.admin_timeout_s
                )
                if result.is_error:
                    raise StateError(f"{env_cls.name}: load_scenario refused the state: {_text(result)}")
        except (ServerGone, TimeoutError) as exc:
            await process.close()
            raise ServerGone(f"{env_cls.name}: {exc or 'load_scenario timed out'}") from None
        except BaseException:
            await process.close()
            raise
        finally:
            if process.dead:
                self.processes.discard(process)
        return McpSessionEnv(self, env_cls, process)

    async def save(self, process: McpProcess) -> dict[str, Any]:
        result = await process.call(SAVE_SCENARIO, {}, self.admin_timeout_s)
        text = _text(result)
        if result.is_error:
            raise ServerGone(f"save_scenario failed: {text}")
        if result.structured_content is not None and not text.strip().startswith(("{", "[")):
            return result.structured_content
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            raise ServerGone(f"save_scenario did not return JSON: {text[:200]!r}") from None

    async def expected_state(self, env_cls: type[McpEnvironment], task: Task) -> dict[str, Any]:
        key = (env_cls.name, task.id)
        if key not in self._expected:
            reference = await self.launch(env_cls, task.initial_state)
            assert isinstance(reference, McpSessionEnv)
            try:
                for call in task.solution:
                    await reference.call(call.name, dict(call.arguments), self.admin_timeout_s)
                self._expected[key] = await reference.export_state()
            finally:
                await reference.close()
        return self._expected[key]

    async def stop(self) -> None:
        for process in list(self.processes):
            await process.close()
        self.processes.clear()
