"""MCP-server environments: any MCP server started as a command (stdio) is an environment.

Each session runs its own server process, because many such servers keep their state in module
globals. A server that has the tools `load_scenario(scenario)` and `save_scenario()` (the convention
of the EnvFactory paper's generated environments: `save_scenario` returns the whole state as JSON,
`load_scenario` restores it) is *stateful*: those two give the initial state, export/import, fork
and evaluation, and are hidden from the agent. Without them the environment is *reset-only*: a
session starts from whatever the server starts with, and asking for its state, a fork or a
state-based grade is refused with a clear error.

A configuration file lists the servers, in the `mcpServers` form MCP clients use, with a few
fields of ours (all optional but `command`)::

    {"mcpServers": {"notes": {"command": "python", "args": ["notes_server.py"],
                              "env": {"NOTES_SEED": "3"}, "cwd": "/srv/notes",
                              "python": "/opt/venvs/notes/bin/python", "host": "process",
                              "domain": "productivity", "description": "...", "policy": "...",
                              "tasks": "notes_tasks.jsonl"}}}

`python` replaces a leading `python`/`python3` of the command, so a server can need packages the
EnvFactory server does not have; `host` is `process` (a child process) or `docker` (the command
runs in a container with no network; `image` names it). Relative paths (`cwd`, `tasks`) are
relative to the configuration file. This module describes the environments; the server's `mcp`
host runs their sessions.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
import threading
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .environment import Environment
from .errors import DefinitionError, StateError
from .tasks import Task, load_tasks

LOAD_SCENARIO = "load_scenario"
SAVE_SCENARIO = "save_scenario"
HIDDEN_TOOLS = frozenset({LOAD_SCENARIO, SAVE_SCENARIO})
_PYTHONS = {"python", "python3", f"python3.{sys.version_info.minor}"}


class ResetOnlyError(StateError):
    """The environment has no `save_scenario`/`load_scenario`, so it cannot do what was asked."""

    def __init__(self, env: str, action: str) -> None:
        super().__init__(
            f"{env} is a reset-only MCP environment (its server has no load_scenario/save_scenario "
            f"tools), so it cannot {action}."
        )


class McpServerConfig(BaseModel):
    """One MCP server of the configuration file."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    command: list[str] = Field(min_length=1, description="The program and its first arguments.")
    args: list[str] = Field(default_factory=list)
    env: dict[str, str] = Field(default_factory=dict, description="Added to the server's environment.")
    cwd: str | None = None
    python: str | None = Field(default=None, description="Interpreter replacing a leading python/python3.")
    host: Literal["process", "docker"] = "process"
    image: str = Field(default="envfactory/worker:latest", description="Image of the docker host.")
    memory_mb: int = Field(default=1024, gt=0, description="Memory limit of a docker-hosted server.")
    domain: str = "mcp"
    description: str = ""
    policy: str | None = Field(default=None, description="System message (default: the description).")
    tasks: str | None = Field(default=None, description="Tasks JSONL file.")
    start_timeout_s: float = Field(default=30.0, gt=0)

    @model_validator(mode="before")
    @classmethod
    def _split_command(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("command"), str):
            data = {**data, "command": shlex.split(data["command"])}
        return data

    def argv(self) -> list[str]:
        """The command line, with the configured interpreter in place of a leading `python`."""
        program, *rest = self.command
        if self.python and Path(program).name in _PYTHONS:
            program = self.python
        elif Path(program).name in _PYTHONS and self.host == "process":
            program = sys.executable  # the server's own interpreter, not whatever PATH finds
        return [program, *rest, *self.args]


def load_mcp_config(path: str | Path) -> list[McpServerConfig]:
    """The servers listed in a JSON or TOML file (`mcpServers` mapping, or a `servers` list)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DefinitionError(f"cannot read the MCP configuration {str(path)!r}: {exc.strerror}") from None
    try:
        data = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        kind = "TOML" if path.suffix == ".toml" else "JSON"
        raise DefinitionError(f"{path} is not valid {kind}: {exc}") from None
    if isinstance(data, dict) and isinstance(data.get("mcpServers"), dict):
        entries = [{"name": name, **spec} for name, spec in data["mcpServers"].items()]
    elif isinstance(data, dict) and isinstance(data.get("servers"), list):
        entries = data["servers"]
    else:
        raise DefinitionError(f"{path}: expected an object with 'mcpServers' (name -> server) or 'servers'.")
    configs = []
    for entry in entries:
        try:
            config = McpServerConfig.model_validate(entry)
        except ValidationError as exc:
            name = entry.get("name", "?") if isinstance(entry, dict) else "?"
            raise DefinitionError(f"{path}: server {name!r}: {exc}") from None
        configs.append(_resolve_paths(config, path.parent))
    return configs


def _resolve_paths(config: McpServerConfig, base: Path) -> McpServerConfig:
    updates: dict[str, Any] = {}
    for key in ("cwd", "tasks"):
        value = getattr(config, key)
        if value is not None and not Path(value).is_absolute():
            updates[key] = str((base / value).resolve())
    if config.cwd is None:
        updates["cwd"] = str(base.resolve())
    return config.model_copy(update=updates)


@dataclass(frozen=True)
class McpToolSpec:
    """A tool of an MCP server, as the evaluator and the protocol adapters see it."""

    name: str
    description: str
    parameters: dict[str, Any]
    write: bool = True  # unless the server marks it readOnlyHint
    trace_ignore: frozenset[str] = field(default_factory=frozenset)

    def openai(self) -> dict[str, Any]:
        return {
            "type": "function",
            "function": {"name": self.name, "description": self.description, "parameters": self.parameters},
        }

    def normalize(self, arguments: Mapping[str, Any]) -> dict[str, Any]:
        """Arguments with the schema's defaults filled in, so omitted defaults compare equal."""
        properties = self.parameters.get("properties", {})
        filled = {k: spec["default"] for k, spec in properties.items() if "default" in spec}
        return {**filled, **arguments}


class McpEnvironment:
    """The class-level face of an MCP-server environment: the same attributes the server reads
    from native `Environment` classes (name, tools, policy, tasks, …). Made by `mcp_environment`."""

    kind: ClassVar[str] = "mcp"
    name: ClassVar[str]
    domain: ClassVar[str]
    description: ClassVar[str]
    version: ClassVar[str] = "mcp"
    config: ClassVar[McpServerConfig]
    tools: ClassVar[dict[str, McpToolSpec]]
    stateful: ClassVar[bool]
    scenario_argument: ClassVar[str | None]  # the parameter name of load_scenario

    @classmethod
    def policy(cls) -> str:
        return cls.config.policy or cls.description

    @classmethod
    def tasks(cls) -> list[Task]:
        return load_tasks(Path(cls.config.tasks), env=cls.name) if cls.config.tasks else []

    # Both read only `cls.tools`: the same code as for native environments.
    openai_tools = classmethod(Environment.openai_tools.__func__)
    offered_tools = classmethod(Environment.offered_tools.__func__)

    @classmethod
    def scenario_arguments(cls, scenario: Any) -> dict[str, Any]:
        """The arguments of `load_scenario` for a state (a JSON string when its schema says string)."""
        if not cls.stateful or cls.scenario_argument is None:
            raise ResetOnlyError(cls.name, "start from a given state")
        return {cls.scenario_argument: scenario}


def mcp_environment(config: McpServerConfig, listed: list[dict[str, Any]]) -> type[McpEnvironment]:
    """An environment class for `config`, from its server's `tools/list` answer (`listed`: tools as
    `{"name", "description", "inputSchema", "annotations"}`)."""
    names = {tool["name"] for tool in listed}
    stateful = names >= HIDDEN_TOOLS
    scenario_argument = None
    specs: dict[str, McpToolSpec] = {}
    for tool in listed:
        schema = tool.get("inputSchema") or {"type": "object", "properties": {}}
        if tool["name"] == LOAD_SCENARIO:
            scenario_argument = next(iter(schema.get("properties", {})), None)
        if tool["name"] in HIDDEN_TOOLS and stateful:
            continue
        read_only = bool((tool.get("annotations") or {}).get("readOnlyHint"))
        specs[tool["name"]] = McpToolSpec(
            tool["name"], tool.get("description") or "", schema, write=not read_only
        )
    if stateful and scenario_argument is None:
        raise DefinitionError(f"MCP server {config.name}: load_scenario takes no argument for the scenario.")
    description = config.description or f"The MCP server `{' '.join(config.command)}`."
    return type(
        f"Mcp_{config.name}",
        (McpEnvironment,),
        {
            "name": config.name,
            "domain": config.domain,
            "description": description,
            "config": config,
            "tools": specs,
            "stateful": stateful,
            "scenario_argument": scenario_argument,
        },
    )


def discover(config: McpServerConfig) -> type[McpEnvironment]:
    """Start the server once, list its tools, stop it; the environment class for it."""
    result: dict[str, Any] = {}

    def run() -> None:
        import anyio

        try:
            result["tools"] = anyio.run(_list_tools, config)
        except BaseException as exc:  # reported to the caller's thread below
            result["error"] = exc

    thread = threading.Thread(target=run, name=f"mcp-discover-{config.name}")
    thread.start()  # a thread of its own: the caller may be inside an event loop
    thread.join()
    if "error" in result:
        error = result["error"]
        while isinstance(error, BaseExceptionGroup) and len(error.exceptions) == 1:
            error = error.exceptions[0]  # anyio's task groups wrap the one real failure
        raise DefinitionError(
            f"MCP server {config.name!r} could not be started and listed: {error}"
        ) from None
    return mcp_environment(config, result["tools"])


async def _list_tools(config: McpServerConfig) -> list[dict[str, Any]]:
    import anyio
    from mcp import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    program, *args = launch_argv(config, owner=f"discover-{os.getpid()}")
    params = StdioServerParameters(
        command=program, args=args, env={**os.environ, **config.env}, cwd=config.cwd
    )
    with anyio.fail_after(config.start_timeout_s):
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            listed = await session.list_tools()
    return [tool.model_dump(mode="json", by_alias=True, exclude_none=True) for tool in listed.tools]


def launch_argv(config: McpServerConfig, owner: str) -> list[str]:
    """The command that runs the server: itself, or inside a container with no network (stdio
    passes through `docker run -i`; the container is removed when the server exits)."""
    argv = config.argv()
    if config.host == "process":
        return argv
    env_flags = [flag for key, value in config.env.items() for flag in ("--env", f"{key}={value}")]
    return [
        "docker",
        "run",
        "--rm",
        "-i",
        "--network=none",
        f"--memory={config.memory_mb}m",
        f"--memory-swap={config.memory_mb}m",
        "--pids-limit=256",
        "--read-only",
        "--tmpfs=/tmp:rw,size=64m",
        "--cap-drop=ALL",
        "--security-opt=no-new-privileges",
        f"--label=org.envfactory.mcp={config.name}",
        f"--label=org.envfactory.owner={owner}",
        *env_flags,
        "--entrypoint",
        argv[0],
        config.image,
        *argv[1:],
    ]
