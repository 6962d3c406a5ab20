"""Rollouts: G episodes per task against live server sessions, kept token-exact for training.

An episode is a real session on the server (through `envfactory.sdk.AsyncClient`): the model
samples an assistant turn from the token ids of the conversation so far; its tool calls run in the
session; the tool results are appended as token ids (`Renderer.continuation_ids`); and so on until
the model answers without a tool call or runs out of turns. The session then grades itself
(`evaluate`), and the reward and its components come back with the episode.

What is trained is exactly what was sampled. A `Sample` holds the prompt ids (mask 0), every
sampled id (mask 1, with the sampler's logprob) and every appended tool turn (mask 0), in order;
the sampled part is never re-rendered. If the template cannot append a turn without changing
tokens already in the sequence (`PrefixDriftError`), the sample is closed and a new one starts
from a fresh rendering of the conversation: one episode then yields several samples, each
faithful, rather than one drifted sample.

Failures are kept apart from bad behaviour:
- a malformed tool call (text that does not parse) goes back to the model as a tool error, and
  the episode goes on; the server answers unknown tools and bad arguments the same way;
- an infrastructure failure (a server error, an env call past its timeout, an engine error)
  marks the episode, and with it the whole group, as failed: the trainer drops the group rather
  than score it 0;
- an episode cut off by its context budget (a turn that hit `max_new_tokens`, or a sequence that
  reached `max_seq_len`) is marked `overflow`: it is still graded, but the trainer drops it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from envfactory.sdk import AsyncClient, AsyncSession, EnvFactoryError

from .engines import Completion, Engine, EngineError
from .render import PrefixDriftError, Renderer
from .toolcalls import ToolCallParseError

log = logging.getLogger(__name__)
T = TypeVar("T")
StopReason = Literal["answered", "max_turns", "overflow", "failed"]


@dataclass
class RolloutConfig:
    group_size: int = 8  # episodes per task (G)
    max_turns: int = 8  # assistant turns per episode; reaching it keeps the episode's reward
    max_new_tokens: int = 256  # per assistant turn; a turn that hits it makes the episode overflow
    max_seq_len: int = 2048  # tokens per sample; a conversation that outgrows it overflows
    env_timeout_s: float = 30.0  # every server call (create, tool calls, evaluate, close)
    engine_timeout_s: float = 300.0  # every generation
    concurrency: int = 64  # episodes in flight at once
    greedy: bool = False  # evaluation only: most likely token instead of sampling

    def __post_init__(self) -> None:
        for name in ("group_size", "max_turns", "max_new_tokens", "max_seq_len", "concurrency"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}.")
        if self.max_new_tokens >= self.max_seq_len:
            raise ValueError(
                f"max_new_tokens ({self.max_new_tokens}) must be below max_seq_len ({self.max_seq_len})."
            )


@dataclass
class Sample:
    """One training sequence. `mask[i]` is 1 where token i was sampled; `logprobs[i]` is the
    sampler's logprob there (0 elsewhere)."""

    token_ids: list[int] = field(default_factory=list)
    mask: list[int] = field(default_factory=list)
    logprobs: list[float] = field(default_factory=list)

    @classmethod
    def from_prompt(cls, prompt_ids: Sequence[int]) -> Sample:
        sample = cls()
        sample.append(prompt_ids)
        return sample

    def append(self, ids: Sequence[int], logprobs: Sequence[float] | None = None) -> None:
        """Add context tokens (mask 0), or sampled ones when their `logprobs` are given (mask 1)."""
        self.token_ids.extend(ids)
        self.mask.extend([0 if logprobs is None else 1] * len(ids))
        self.logprobs.extend([0.0] * len(ids) if logprobs is None else logprobs)

    @property
    def sampled_tokens(self) -> int:
        return sum(self.mask)

    def __len__(self) -> int:
        return len(self.token_ids)


@dataclass
class Episode:
    task_id: str
    samples: list[Sample] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    reward: float | None = None
    components: dict[str, float] = field(default_factory=dict)
    stop: StopReason = "max_turns"
    failure: str | None = None
    turns: int = 0
    tool_calls: int = 0
    tool_errors: int = 0
    malformed_calls: int = 0
    prefix_drifts: int = 0
    final_response: str | None = None

    @property
    def success(self) -> bool:
        return self.reward is not None and self.reward >= 1.0 - 1e-9

    @property
    def sampled_tokens(self) -> int:
        return sum(s.sampled_tokens for s in self.samples)


@dataclass
class Group:
    """The G episodes of one task."""

    task_id: str
    episodes: list[Episode]

    @property
    def failure(self) -> str | None:
        return next((e.failure for e in self.episodes if e.failure), None)


class InfrastructureError(RuntimeError):
    """An env or engine call failed or timed out: the episode's group is dropped."""


# ---------------------------------------------------------------------- one episode
async def run_episode(
    client: AsyncClient, engine: Engine, renderer: Renderer, env: str, task_id: str, config: RolloutConfig
) -> Episode:
    """Play one episode of `task_id`; never raises for env or engine failures (see `failure`)."""
    episode = Episode(task_id)
    session: AsyncSession | None = None
    try:
        session = await _env(client.create_session(env, task_id), config, "create session")
        await _play(session, engine, renderer, config, episode)
        evaluation = await _env(session.evaluate(episode.final_response), config, "evaluate")
        episode.reward, episode.components = evaluation.reward, dict(evaluation.components)
    except InfrastructureError as exc:
        episode.failure, episode.stop = str(exc), "failed"
        log.warning("episode of %s failed: %s", task_id, exc)
    finally:
        if session is not None:
            await _close(session, config)
    return episode


async def _play(
    session: AsyncSession, engine: Engine, renderer: Renderer, config: RolloutConfig, episode: Episode
) -> None:
    tools = session.tools
    messages = episode.messages
    messages.extend(session.messages)
    sample = Sample.from_prompt(renderer.prompt_ids(messages, tools))
    for _ in range(config.max_turns):
        budget = min(config.max_new_tokens, config.max_seq_len - len(sample))
        if budget < 1:
            episode.stop = "overflow"
            break
        completion = await _generate(engine, sample.token_ids, budget, config)
        sample.append(completion.token_ids, completion.logprobs)
        episode.turns += 1
        if completion.finish_reason == "length":
            episode.stop = "overflow"
            break
        text = renderer.tokenizer.decode(completion.token_ids, skip_special_tokens=False)
        try:
            assistant, error = renderer.parse(text), None
        except ToolCallParseError as exc:
            assistant, error = exc.message, exc.reason
        messages.append(assistant)
        if error is None and not assistant.get("tool_calls"):
            episode.final_response, episode.stop = assistant.get("content"), "answered"
            break
        results = await _tool_results(session, assistant, error, config, episode)
        try:
            sample.append(renderer.continuation_ids(messages, results, tools))
        except PrefixDriftError as exc:
            log.info("prefix drift in %s, starting a new sample: %s", episode.task_id, exc)
            episode.prefix_drifts += 1
            episode.samples.append(sample)
            sample = Sample.from_prompt(renderer.prompt_ids([*messages, *results], tools))
        messages.extend(results)
    episode.samples.append(sample)


async def _tool_results(
    session: AsyncSession,
    assistant: dict[str, Any],
    error: str | None,
    config: RolloutConfig,
    episode: Episode,
) -> list[dict[str, Any]]:
    """The tool messages that answer an assistant turn: the server runs well-formed calls (and
    answers unknown tools or bad arguments with tool errors itself); a turn whose calls do not
    parse gets the parse error back, so the model can correct itself."""
    if error is not None:
        episode.tool_calls += 1
        episode.tool_errors += 1
        episode.malformed_calls += 1
        return [{"role": "tool", "content": f"Error: {error}"}]
    calls = assistant["tool_calls"]
    results = await _env(session.call(calls, assistant.get("content")), config, "tool calls")
    episode.tool_calls += len(calls)
    episode.tool_errors += sum(not outcome.ok for outcome in session.last_outcomes)
    return results


# ---------------------------------------------------------------------- bounded calls
async def _env(call: Awaitable[T], config: RolloutConfig, what: str) -> T:
    try:
        return await asyncio.wait_for(call, config.env_timeout_s)
    except TimeoutError as exc:
        raise InfrastructureError(f"env {what} timed out after {config.env_timeout_s:g} s") from exc
    except EnvFactoryError as exc:
        raise InfrastructureError(f"env {what} failed: {type(exc).__name__}: {exc}") from exc


async def _generate(
    engine: Engine, prompt_ids: Sequence[int], budget: int, config: RolloutConfig
) -> Completion:
    try:
        return await asyncio.wait_for(
            engine.generate(prompt_ids, budget, greedy=config.greedy), config.engine_timeout_s
        )
    except TimeoutError as exc:
        raise InfrastructureError(f"generation timed out after {config.engine_timeout_s:g} s") from exc
    except EngineError as exc:
        raise InfrastructureError(f"engine failed: {exc}") from exc


async def _close(session: AsyncSession, config: RolloutConfig) -> None:
    # The grade is already in hand: a close that fails only leaves the session to the server's reaper.
    with contextlib.suppress(TimeoutError, EnvFactoryError):
        await asyncio.wait_for(session.close(), config.env_timeout_s)


# ---------------------------------------------------------------------- groups
async def rollout_groups(
    client: AsyncClient,
    engine: Engine,
    renderer: Renderer,
    env: str,
    task_ids: Sequence[str],
    config: RolloutConfig,
) -> list[Group]:
    """`config.group_size` episodes of every task, at most `config.concurrency` at once."""
    slots = asyncio.Semaphore(config.concurrency)

    async def one(task_id: str) -> Episode:
        async with slots:
            return await run_episode(client, engine, renderer, env, task_id, config)

    groups = []
    episodes = await asyncio.gather(*(one(t) for t in task_ids for _ in range(config.group_size)))
    for i, task_id in enumerate(task_ids):
        groups.append(Group(task_id, episodes[i * config.group_size : (i + 1) * config.group_size]))
    return groups


@dataclass
class EvalResult:
    """Success rate (reward 1) and mean reward over tasks × samples; per task as well."""

    success_rate: float
    mean_reward: float
    episodes: int
    failed: int
    per_task: dict[str, float]
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "success_rate": round(self.success_rate, 4),
            "mean_reward": round(self.mean_reward, 4),
            "episodes": self.episodes,
            "failed": self.failed,
            "per_task": self.per_task,
            "seconds": round(self.seconds, 2),
        }


async def evaluate_tasks(
    client: AsyncClient,
    engine: Engine,
    renderer: Renderer,
    env: str,
    task_ids: Sequence[str],
    config: RolloutConfig,
) -> EvalResult:
    """Run `config.group_size` episodes per task and score them (overflowing episodes count with
    whatever the server graded; failed ones are left out and counted)."""
    start = time.perf_counter()
    groups = await rollout_groups(client, engine, renderer, env, task_ids, config)
    graded = [e for g in groups for e in g.episodes if e.failure is None]
    per_task = {
        g.task_id: sum(e.success for e in g.episodes if e.failure is None) / max(1, len(g.episodes))
        for g in groups
    }
    return EvalResult(
        success_rate=sum(e.success for e in graded) / max(1, len(graded)),
        mean_reward=sum(e.reward or 0.0 for e in graded) / max(1, len(graded)),
        episodes=len(graded),
        failed=sum(len(g.episodes) for g in groups) - len(graded),
        per_task=per_task,
        seconds=time.perf_counter() - start,
    )


def summarize(groups: Sequence[Group]) -> dict[str, float]:
    """Rollout metrics over the episodes that did not fail."""
    episodes = [e for g in groups for e in g.episodes if e.failure is None]
    calls = sum(e.tool_calls for e in episodes)
    n = max(1, len(episodes))
    return {
        "reward": sum(e.reward or 0.0 for e in episodes) / n,
        "success": sum(e.success for e in episodes) / n,
        "tool_error_rate": sum(e.tool_errors for e in episodes) / max(1, calls),
        "truncation_rate": sum(e.stop == "overflow" for e in episodes) / n,
        "turns": sum(e.turns for e in episodes) / n,
        "failed_groups": float(sum(g.failure is not None for g in groups)),
        "prefix_drifts": float(sum(e.prefix_drifts for e in episodes)),
    }


def episode_record(episode: Episode) -> dict[str, Any]:
    """A JSON-ready record of an episode (for `rollouts.jsonl` and debugging)."""
    return {
        "task_id": episode.task_id,
        "reward": episode.reward,
        "components": episode.components,
        "stop": episode.stop,
        "failure": episode.failure,
        "turns": episode.turns,
        "tool_calls": episode.tool_calls,
        "tool_errors": episode.tool_errors,
        "samples": len(episode.samples),
        "sampled_tokens": episode.sampled_tokens,
        "messages": json.loads(json.dumps(episode.messages, default=str)),
    }
