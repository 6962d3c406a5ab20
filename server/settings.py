"""Server settings (pydantic-settings, env prefix `ENVFACTORY_`). `envfactory config` prints them."""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

Role = Literal["agent", "admin"]
HostName = Literal["inprocess", "process", "docker"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ENVFACTORY_", extra="ignore")

    host: str = Field(
        default="127.0.0.1", description="Bind address (forced to 127.0.0.1 while auth is off)."
    )
    port: int = 8000
    database_url: str = Field(
        default="sqlite:///envfactory.sqlite3",
        description="SQLAlchemy URL of the event log (SQLite or PostgreSQL).",
    )
    api_keys: str = Field(default="", description="Comma-separated KEY:ROLE pairs (roles: agent, admin).")
    keys_file: Path | None = Field(default=None, description="File with one KEY ROLE pair per line.")
    max_body_bytes: int = Field(default=1 << 20, description="Largest accepted request body (413 above).")
    tool_timeout_s: float = Field(
        default=10.0, gt=0, description="Per tool call; the call fails, the session recovers."
    )
    max_sessions_per_key: int = Field(
        default=10_000, gt=0, description="Active sessions per key (429 above)."
    )
    session_ttl_s: float = Field(
        default=3600.0, gt=0, description="Idle sessions are closed after this long."
    )
    reap_interval_s: float = Field(default=30.0, gt=0)
    inline_budget_s: float = Field(
        default=0.02,
        ge=0,
        description="Calls run on the event loop up to this long, then move to a thread (0: never).",
    )
    worker_threads: int = Field(default=4, gt=0, description="Threads that run tool code and database reads.")
    extra_envs: str = Field(
        default="",
        description="Comma-separated environments to serve besides the installed ones: 'module:Class', "
        "'path/to/file.py:Class', or a directory of environment folders (as `envfactory synth env` writes).",
    )
    runs_dir: Path | None = Field(
        default=None,
        description="Folder of training runs (output folders holding a metrics.jsonl) that the web console "
        "lists to admin keys.",
    )
    default_host: HostName = Field(
        default="inprocess", description="Host of environments ENVFACTORY_HOSTS does not name."
    )
    hosts: str = Field(
        default="",
        description="Comma-separated PATTERN=HOST pairs (fnmatch on env names), e.g. 'bfcl_*=process'.",
    )
    process_workers: int = Field(default=2, gt=0, description="Worker processes of the process host.")
    worker_memory_mb: int = Field(default=2048, gt=0, description="Address-space limit of a worker process.")
    docker_image: str = Field(default="envfactory/worker:latest", description="Image of docker workers.")
    docker_workers: int = Field(default=2, gt=0, description="Containers of the docker host (kept warm).")
    docker_memory_mb: int = Field(default=1024, gt=0, description="Memory limit of a worker container.")
    docker_cpus: float = Field(default=1.0, gt=0, description="CPU limit of a worker container.")
    docker_pythonpath: str = Field(
        default="", description="Host directories mounted read-only on docker workers' Python path."
    )
    mcp_config: str = Field(
        default="", description="A JSON/TOML file of MCP servers to serve as environments (see README)."
    )
    log_level: str = "info"
    log_format: str = Field(default="json", pattern="^(json|text)$", description="json: one object per line.")

    def host_for(self, env: str) -> str:
        """The host that runs sessions of `env`: the first matching ENVFACTORY_HOSTS pattern."""
        for pattern, host in self._host_rules():
            if fnmatch.fnmatchcase(env, pattern):
                return host
        return self.default_host

    def host_names(self) -> set[str]:
        return {self.default_host} | {host for _, host in self._host_rules()}

    def _host_rules(self) -> list[tuple[str, str]]:
        rules = []
        for item in filter(None, (part.strip() for part in self.hosts.split(","))):
            pattern, _, host = item.partition("=")
            if host.strip() not in ("inprocess", "process", "docker"):
                raise ValueError(
                    f"ENVFACTORY_HOSTS entry {item!r}: the host must be inprocess, process or docker"
                )
            rules.append((pattern.strip(), host.strip()))
        return rules
