"""Tasks: what a user wants from an environment, and the ground truth to grade it.

One JSON object per line (JSONL); see the README's "Task format" for every field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import TaskFormatError


class SolutionCall(BaseModel):
    """One ground-truth tool call."""

    model_config = ConfigDict(extra="forbid")

    name: str
    arguments: dict[str, Any] = Field(default_factory=dict)


class UserProfile(BaseModel):
    """What a user simulator needs: who the user is and what they know."""

    model_config = ConfigDict(extra="allow")

    persona: str = ""
    knowledge: dict[str, Any] = Field(default_factory=dict)
    instructions: str = ""


class Task(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    env: str = Field(min_length=1)
    instruction: str = Field(min_length=1, description="What the user wants, as a person would say it.")
    user: UserProfile | None = None
    seed: int | None = Field(default=None, description="Seed database to start from (default: the env's).")
    initial_state: dict[str, Any] | None = Field(
        default=None, description="Tables that replace the seeded ones for this task."
    )
    solution: list[SolutionCall] = Field(default_factory=list)
    required_outputs: list[str] = Field(
        default_factory=list, description="Facts the final answer must state."
    )
    ignore_fields: list[str] = Field(
        default_factory=list, description="'table' or 'table.column' left out of the state comparison."
    )
    metadata: dict[str, Any] = Field(default_factory=dict)

    def to_json(self) -> str:
        return self.model_dump_json(exclude_defaults=True)


def parse_tasks(lines: Iterable[str], source: str = "<tasks>", env: str | None = None) -> list[Task]:
    tasks: list[Task] = []
    seen: set[str] = set()
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{source}:{lineno}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise TaskFormatError(f"{where}: not valid JSON ({exc.msg}).") from None
        try:
            task = Task.model_validate(record)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'task'}: {e['msg']}" for e in exc.errors()
            )
            raise TaskFormatError(f"{where}: {problems}.") from None
        if env is not None and task.env != env:
            raise TaskFormatError(f"{where}: task {task.id!r} is for env {task.env!r}, expected {env!r}.")
        if task.id in seen:
            raise TaskFormatError(f"{where}: duplicate task id {task.id!r}.")
        seen.add(task.id)
        tasks.append(task)
    return tasks


def load_tasks(path: str | Path, env: str | None = None) -> list[Task]:
    path = Path(path)
    with path.open(encoding="utf-8") as fh:
        return parse_tasks(fh, source=str(path), env=env)


def dump_tasks(tasks: Iterable[Task], path: str | Path) -> None:
    Path(path).write_text("".join(t.to_json() + "\n" for t in tasks), encoding="utf-8")
