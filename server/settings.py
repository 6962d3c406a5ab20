"""Server settings (pydantic-settings, env prefix `ENVFACTORY_`). `envfactory config` prints them."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

Role = Literal["agent", "admin"]


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
        description="Comma-separated 'module:Class' environments to serve besides the installed ones.",
    )
    log_level: str = "info"
    log_format: str = Field(default="json", pattern="^(json|text)$", description="json: one object per line.")
