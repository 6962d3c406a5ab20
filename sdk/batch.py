"""Many episodes at once: `run_batch` / `arun_batch`.

Episodes run concurrently up to a limit, each in its own session (closed afterwards). Every
finished trajectory is appended to the output JSONL as soon as it is graded, so a long run can be
stopped at any point; run it again with the same output and the episodes already there are
skipped. Episodes that fail (model endpoint or server unreachable after retries) are written to
`<output>.errors.jsonl` and are retried by the next run.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .agent import ChatModel, Trajectory, arun_episode
from .client import AsyncClient
from .users import LLMUser, SingleInstruction, UserSimulator

UserChoice = str | Callable[[Mapping[str, Any]], UserSimulator]


@dataclass(frozen=True)
class Episode:
    env: str
    task_id: str
    sample: int = 0

    @property
    def key(self) -> str:
        return f"{self.env}/{self.task_id}#{self.sample}"


Job = Episode | tuple[str, str] | Mapping[str, Any]


def episodes(jobs: Iterable[Job], samples: int = 1) -> list[Episode]:
    """Normalise jobs: `Episode`s, `(env, task_id)` pairs or task dicts, each `samples` times."""
    out = []
    for job in jobs:
        if isinstance(job, Episode):
            out.append(job)
            continue
        env, task_id = (job["env"], job["id"]) if isinstance(job, Mapping) else job
        out.extend(Episode(env, task_id, k) for k in range(samples))
    return out


def finished_keys(output: Path) -> set[str]:
    """Episodes already in an output file (a torn last line from a killed run is ignored)."""
    keys = set()
    if output.exists():
        for line in output.read_text(encoding="utf-8").splitlines():
            with contextlib.suppress(json.JSONDecodeError, KeyError, TypeError):
                keys.add(json.loads(line)["metadata"]["key"])
    return keys


def read_rows(output: Path) -> Iterator[dict[str, Any]]:
    for line in output.read_text(encoding="utf-8").splitlines():
        with contextlib.suppress(json.JSONDecodeError):
            yield json.loads(line)


async def arun_batch(
    client: AsyncClient,
    model: ChatModel,
    jobs: Iterable[Job],
    *,
    output: str | Path | None = None,
    samples: int = 1,
    concurrency: int = 8,
    user: UserChoice = "instruction",
    user_model: ChatModel | None = None,
    max_turns: int = 30,
    token_budget: int | None = None,
    progress: bool = True,
) -> list[Trajectory]:
    """Run every job's episode (skipping those already in `output`); returns the new trajectories.

    `user`: "instruction" (the task's instruction is all the user says), "llm" (an `LLMUser`
    playing the task's persona with `user_model`, default `model`), or a factory taking the task."""
    todo = episodes(jobs, samples)
    path = Path(output) if output is not None else None
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        _end_torn_line(path)
        done = finished_keys(path)
        todo = [e for e in todo if e.key not in done]
    tasks: dict[str, dict[str, dict[str, Any]]] = {}
    write_lock = asyncio.Lock()
    gate = asyncio.Semaphore(concurrency)
    results: list[Trajectory] = []
    bar = _Progress(len(todo), enabled=progress)

    async def simulator(episode: Episode) -> UserSimulator:
        if user == "instruction":
            return SingleInstruction()
        if episode.env not in tasks:
            tasks[episode.env] = {t["id"]: t for t in await client.tasks(episode.env)}
        task = tasks[episode.env][episode.task_id]
        if user == "llm":
            return LLMUser.for_task(user_model or model, task)
        if callable(user):
            return user(task)
        raise ValueError(f"user must be 'instruction', 'llm' or a factory, not {user!r}")

    async def one(episode: Episode) -> None:
        async with gate:
            try:
                session = await client.create_session(episode.env, episode.task_id)
                try:
                    trajectory = await arun_episode(
                        model,
                        session,
                        user=await simulator(episode),
                        max_turns=max_turns,
                        token_budget=token_budget,
                    )
                finally:
                    await session.close()
            except Exception as exc:  # one failed episode must not end the batch; it is reported
                await _append(path, write_lock, _error_row(episode, exc), suffix=".errors.jsonl")
                bar.advance(None)
                return
            results.append(trajectory)
            await _append(path, write_lock, trajectory.to_row(key=episode.key, sample=episode.sample))
            bar.advance(trajectory.success)

    with bar:
        await asyncio.gather(*(one(e) for e in todo))
    return results


def run_batch(
    model: ChatModel,
    jobs: Iterable[Job],
    *,
    base_url: str | None = None,
    api_key: str | None = None,
    **options: Any,
) -> list[Trajectory]:
    """Synchronous `arun_batch` with its own client (`base_url`/`api_key` as for `Client`)."""

    async def main() -> list[Trajectory]:
        async with AsyncClient(base_url, api_key=api_key) as client:
            return await arun_batch(client, model, jobs, **options)

    return asyncio.run(main())


async def _append(path: Path | None, lock: asyncio.Lock, row: dict[str, Any], suffix: str = "") -> None:
    if path is None:
        return
    target = path.with_name(path.name + suffix) if suffix else path
    line = json.dumps(row, ensure_ascii=False) + "\n"
    async with lock:
        with target.open("a", encoding="utf-8") as f:
            f.write(line)


def _end_torn_line(path: Path) -> None:
    """A run killed mid-write leaves a last line without its newline: close it off, so the next
    row starts on a line of its own (the torn one is skipped when reading)."""
    if path.exists() and path.stat().st_size:
        with path.open("rb+") as f:
            f.seek(-1, 2)
            if f.read(1) != b"\n":
                f.write(b"\n")


def _error_row(episode: Episode, exc: Exception) -> dict[str, Any]:
    error = f"{type(exc).__name__}: {exc}"
    return {"key": episode.key, "env": episode.env, "task_id": episode.task_id, "error": error}


class _Progress:
    """A rich progress bar with the running success rate (nothing when rich is missing or off)."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.done, self.ok, self.failed = total, 0, 0, 0
        self._bar = None
        if enabled:
            with contextlib.suppress(ImportError):
                from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

                self._bar = Progress(
                    "[progress.description]{task.description}",
                    BarColumn(),
                    MofNCompleteColumn(),
                    TimeRemainingColumn(),
                )
                self._task = self._bar.add_task("episodes", total=total)

    def __enter__(self) -> _Progress:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def advance(self, success: bool | None) -> None:
        self.done += 1
        self.ok += bool(success)
        self.failed += success is None
        if self._bar is not None:
            graded = max(1, self.done - self.failed)
            description = f"episodes · success {self.ok / graded:.0%}" + (
                f" · {self.failed} failed" if self.failed else ""
            )
            self._bar.update(self._task, advance=1, description=description)
