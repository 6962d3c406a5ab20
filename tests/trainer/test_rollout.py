"""Rollouts against a real server: token-exact samples, masks, errors and failures."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from envfactory.environments.catalog.todo import TodoEnv
from envfactory.sdk import AsyncClient
from envfactory.trainer.engines import TransformersEngine
from envfactory.trainer.models import load
from envfactory.trainer.render import PrefixDriftError, Renderer
from envfactory.trainer.rollout import (
    Episode,
    RolloutConfig,
    Sample,
    evaluate_tasks,
    rollout_groups,
    run_episode,
)
from tests.conftest import Server
from tests.trainer.scripted import ScriptedEngine, mixed, solve, tool_call_text

TASKS = {t.id: t for t in TodoEnv.tasks()}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One real server for the module (a server per test would cost more than the tests)."""
    live = Server(database_url=f"sqlite:///{tmp_path_factory.mktemp('rollout') / 'log.sqlite3'}").start()
    yield live
    live.stop()


@pytest.fixture(scope="module")
def policy(tiny_model_dir: Path) -> tuple[Any, Any, Renderer]:
    model, tokenizer = load(tiny_model_dir)
    return model, tokenizer, Renderer(tokenizer)


def play(server, engine, renderer, task_ids, config=None, env="todo") -> list[Any]:
    async def run() -> list[Any]:
        async with AsyncClient(server.url) as client:
            return await rollout_groups(
                client, engine, renderer, env, task_ids, config or RolloutConfig(group_size=1)
            )

    return asyncio.run(run())


def todo_tools(server: Server) -> list[dict[str, Any]]:
    return httpx.get(f"{server.url}/v1/environments/todo").json()["tools"]


def segments(sample: Sample) -> list[tuple[int, int, int]]:
    """(mask value, start, end) runs of the sample's mask."""
    runs, start = [], 0
    for i in range(1, len(sample.mask) + 1):
        if i == len(sample.mask) or sample.mask[i] != sample.mask[start]:
            runs.append((sample.mask[start], start, i))
            start = i
    return runs


def test_the_trained_sequence_is_prompt_then_sampled_then_appended_tokens(server, policy) -> None:
    model, tokenizer, renderer = policy
    engine = ScriptedEngine(model, tokenizer, TASKS.values())
    [group] = play(server, engine, renderer, ["todo-004"])
    [episode] = group.episodes
    assert episode.reward == 1.0 and episode.stop == "answered" and episode.turns == 3
    [sample] = episode.samples
    prompts = [prompt for prompt, _ in engine.calls]
    # Each turn was sampled from exactly the sequence built so far, never from a re-rendering.
    for (prompt, completion), following in zip(engine.calls, [*prompts[1:], None], strict=True):
        assert sample.token_ids[: len(prompt)] == prompt
        end = len(prompt) + len(completion.token_ids)
        assert sample.token_ids[len(prompt) : end] == completion.token_ids
        assert sample.logprobs[len(prompt) : end] == completion.logprobs
        if following is not None:
            assert following[:end] == sample.token_ids[:end]
    last_prompt, last = engine.calls[-1]
    assert sample.token_ids == last_prompt + last.token_ids
    assert prompts[0] == renderer.prompt_ids(episode.messages[:2], todo_tools(server))


def test_mask_is_zero_exactly_on_the_prompt_and_the_appended_tool_turns(server, policy) -> None:
    model, tokenizer, renderer = policy
    engine = ScriptedEngine(model, tokenizer, TASKS.values())
    [group] = play(server, engine, renderer, ["todo-001"])
    [sample] = group.episodes[0].samples
    sampled = {(len(p), len(p) + len(c.token_ids)) for p, c in engine.calls}
    runs = segments(sample)
    assert {(start, end) for value, start, end in runs if value == 1} == sampled
    appended = [(start, end) for value, start, end in runs if value == 0][1:]  # after the prompt
    assert len(appended) == 2  # one tool turn after each of the two tool calls
    for start, end in appended:
        text = tokenizer.decode(sample.token_ids[start:end], skip_special_tokens=False)
        assert text.startswith("\n<|im_start|>user\n<tool_response>\n")
        assert text.endswith("</tool_response><|im_end|>\n<|im_start|>assistant\n")
        assert all(lp == 0.0 for lp in sample.logprobs[start:end])
    assert '"id":"T102"' in tokenizer.decode(sample.token_ids[appended[0][0] : appended[0][1]])


def test_a_malformed_tool_call_goes_back_to_the_model_and_the_episode_goes_on(server, policy) -> None:
    model, tokenizer, renderer = policy
    broken = '<tool_call>\n{"name": "find_items", "arguments": {"query": "tap"}\n</tool_call>'
    engine = ScriptedEngine(model, tokenizer, TASKS.values(), plan=lambda task, n: [broken, *solve(task)])
    [group] = play(server, engine, renderer, ["todo-001"])
    [episode] = group.episodes
    assert episode.failure is None and episode.malformed_calls == 1 and episode.tool_errors == 1
    error = episode.messages[3]
    assert error["role"] == "tool" and error["content"].startswith("Error: tool call is not valid JSON")
    assert episode.messages[2]["content"] == broken and not episode.messages[2]["tool_calls"]
    assert episode.reward == 1.0 and episode.turns == 4


def test_unknown_tools_come_back_from_the_server_as_tool_errors(server, policy) -> None:
    model, tokenizer, renderer = policy
    wrong = tool_call_text("tick_item", {"item_id": "T102"})
    engine = ScriptedEngine(model, tokenizer, TASKS.values(), plan=lambda task, n: [wrong, *solve(task)])
    [group] = play(server, engine, renderer, ["todo-001"])
    [episode] = group.episodes
    assert episode.tool_errors == 1 and episode.malformed_calls == 0
    assert "tick_item" in episode.messages[3]["content"] and episode.messages[3]["content"].startswith(
        "Error"
    )
    assert episode.components["penalties"] > 0 and episode.reward < 1.0


def test_a_prefix_drift_closes_the_sample_and_starts_a_fresh_one(server, policy, monkeypatch) -> None:
    model, tokenizer, renderer = policy
    engine = ScriptedEngine(model, tokenizer, TASKS.values())
    real = renderer.continuation_ids
    calls = []

    def drifting(messages, new_messages, tools=None):
        calls.append(len(messages))
        if len(calls) == 2:
            raise PrefixDriftError("simulated: the template re-rendered an earlier turn")
        return real(messages, new_messages, tools)

    monkeypatch.setattr(renderer, "continuation_ids", drifting)
    [group] = play(server, engine, renderer, ["todo-001"])
    [episode] = group.episodes
    assert episode.prefix_drifts == 1 and len(episode.samples) == 2
    first, second = episode.samples
    last_prompt, last = engine.calls[-1]
    assert second.token_ids == last_prompt + last.token_ids
    assert last_prompt == renderer.prompt_ids(episode.messages[:-1], todo_tools(server))
    assert second.sampled_tokens == len(last.token_ids) and first.sampled_tokens > 0
    assert episode.reward == 1.0


def test_env_failures_mark_the_episode_failed_instead_of_scoring_it(server, policy) -> None:
    model, tokenizer, renderer = policy
    engine = ScriptedEngine(model, tokenizer, TASKS.values())
    groups = play(server, engine, renderer, ["todo-001", "todo-404"], RolloutConfig(group_size=2))
    good, missing = groups
    assert good.failure is None and all(e.reward == 1.0 for e in good.episodes)
    assert missing.failure is not None and "NotFoundError" in missing.failure
    assert all(e.reward is None and e.stop == "failed" for e in missing.episodes)
    hurried = RolloutConfig(group_size=1, env_timeout_s=1e-4)
    [late] = play(server, engine, renderer, ["todo-001"], hurried)
    assert "timed out" in late.failure


def test_engine_failures_fail_the_group(server, policy) -> None:
    model, tokenizer, renderer = policy
    engine = ScriptedEngine(model, tokenizer, TASKS.values(), fail_on=lambda task: task.id == "todo-004")
    ok, broken = play(server, engine, renderer, ["todo-001", "todo-004"], RolloutConfig(group_size=2))
    assert ok.failure is None
    assert broken.failure is not None and "engine failed" in broken.failure


def test_a_turn_cut_off_by_its_token_budget_overflows_but_is_still_graded(server, policy) -> None:
    model, tokenizer, renderer = policy
    engine = TransformersEngine(model, renderer.stop_token_ids, tokenizer.pad_token_id)
    config = RolloutConfig(group_size=1, max_new_tokens=3, max_seq_len=4096)

    async def run() -> Episode:
        async with AsyncClient(server.url) as client:
            return await run_episode(client, engine, renderer, "todo", "todo-001", config)

    episode = asyncio.run(run())
    assert episode.stop == "overflow" and episode.reward is not None
    assert episode.samples[0].sampled_tokens <= 3


def test_groups_are_played_concurrently_and_scored_per_episode(server, policy) -> None:
    model, tokenizer, renderer = policy
    engine = ScriptedEngine(model, tokenizer, TASKS.values(), plan=mixed(2))
    [group] = play(server, engine, renderer, ["todo-004"], RolloutConfig(group_size=4, concurrency=4))
    assert sorted(e.reward for e in group.episodes) == [0.0, 0.0, 1.0, 1.0]


def test_evaluation_reports_success_per_task(server, policy) -> None:
    model, tokenizer, renderer = policy
    engine = ScriptedEngine(model, tokenizer, TASKS.values(), plan=mixed(2))

    async def run() -> Any:
        async with AsyncClient(server.url) as client:
            return await evaluate_tasks(
                client, engine, renderer, "todo", ["todo-001"], RolloutConfig(group_size=2)
            )

    result = asyncio.run(run())
    assert result.success_rate == 0.5 and result.per_task == {"todo-001": 0.5} and result.episodes == 2
