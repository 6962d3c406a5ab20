"""GRPO: which groups and samples are trained on, the update itself, and a step against a live server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import torch

from envfactory.environments.catalog.todo import TodoEnv
from envfactory.sdk import AsyncClient
from envfactory.trainer.grpo import (
    GRPOConfig,
    GRPOTrainer,
    TrainItem,
    _MicroBatch,
    build_batch,
    policy_update,
)
from envfactory.trainer.losses import token_logprobs
from envfactory.trainer.models import load
from envfactory.trainer.rollout import Episode, Group, Sample
from tests.conftest import Server
from tests.trainer.scripted import ScriptedEngine, give_up, mixed

TASKS = {t.id: t for t in TodoEnv.tasks()}


def episode(
    reward: float | None, stop: str = "answered", failure: str | None = None, tokens: int = 3
) -> Episode:
    sample = Sample.from_prompt([1, 2, 3])
    sample.append(list(range(10, 10 + tokens)), [-1.0] * tokens)
    return Episode("t", samples=[sample], reward=reward, stop=stop, failure=failure)  # type: ignore[arg-type]


def test_batch_keeps_groups_with_signal_and_centres_their_rewards() -> None:
    groups = [
        Group("a", [episode(1.0), episode(0.0), episode(0.5), episode(0.5)]),
        Group("flat", [episode(0.3), episode(0.3)]),
        Group("broken", [episode(1.0), episode(None, "failed", "env tool calls timed out")]),
        Group("cut", [episode(1.0), episode(0.0, "overflow"), episode(0.0)]),
        Group("one-left", [episode(1.0), episode(0.0, "overflow")]),
    ]
    items, stats = build_batch(groups)
    assert [item.advantage for item in items] == pytest.approx([0.5, -0.5, 0.0, 0.0, 0.5, -0.5])
    # usable groups: a, flat, cut, one-left (broken failed); flat and one-left teach nothing
    assert stats["zero_variance_frac"] == 0.5 and stats["trained_groups"] == 2.0 and stats["samples"] == 6.0


def test_batch_of_only_failed_groups_is_empty() -> None:
    items, stats = build_batch([Group("x", [episode(1.0), episode(None, "failed", "boom")])])
    assert items == [] and stats["samples"] == 0.0


@pytest.fixture(scope="module")
def policy(tiny_model_dir: Path) -> tuple[Any, Any]:
    return load(tiny_model_dir)


def item(tokenizer: Any, prompt: str, reply: str, advantage: float, logprob: float = -1.0) -> TrainItem:
    sample = Sample.from_prompt(tokenizer.encode(prompt))
    reply_ids = tokenizer.encode(reply)
    sample.append(reply_ids, [logprob] * len(reply_ids))
    sample.append(tokenizer.encode("\n<|im_start|>user\nok<|im_end|>\n"))
    return TrainItem(sample, advantage)


def test_shared_prefix_batches_give_the_logprobs_of_a_plain_forward(policy) -> None:
    model, tokenizer = policy
    system = "<|im_start|>system\n" + "You help one person manage their to-do lists. " * 4 + "<|im_end|>\n"
    items = [
        item(tokenizer, system + "<|im_start|>user\nTick off the tap.<|im_end|>\n", "Done.", 1.0),
        item(tokenizer, system + "<|im_start|>user\nWhen?<|im_end|>\n", "On the 20th of March.", -1.0),
    ]
    batch = _MicroBatch(items, torch.device("cpu"))
    assert batch.shared >= 16
    with torch.no_grad():
        shared = batch.logprobs(model, tokenizer.pad_token_id)
        for row, it in enumerate(items):
            ids = torch.tensor([it.sample.token_ids])
            plain = token_logprobs(model(input_ids=ids).logits[:, :-1], ids[:, 1:])[0, batch.shared :]
            assert torch.allclose(shared[row, : plain.numel()], plain, atol=1e-5)


def test_an_update_raises_good_samples_lowers_bad_ones_and_ignores_unsampled_tokens(policy) -> None:
    model, tokenizer = policy
    model = type(model)(model.config)  # a private copy: the module fixture stays untouched
    model.load_state_dict(load_state(policy))
    good = item(tokenizer, "<|im_start|>user\nTick off the tap.<|im_end|>\n", "Done: ticked it off.", 1.0)
    bad = item(tokenizer, "<|im_start|>user\nTick off the tap.<|im_end|>\n", "I cannot.", -1.0)
    for it in (good, bad):  # the sampler's logprobs are the model's own: an on-policy step
        it.sample.logprobs = [
            lp if m else 0.0 for lp, m in zip(sampled_logprobs(model, it), it.sample.mask, strict=True)
        ]
    before = [mean_sampled_logprob(model, it) for it in (good, bad)]
    config = GRPOConfig(model="unused", learning_rate=3e-3, micro_batch_size=1)
    optimizer = torch.optim.SGD(model.parameters(), lr=config.learning_rate)
    stats = policy_update(model, optimizer, [good, bad], config, tokenizer.pad_token_id)
    after = [mean_sampled_logprob(model, it) for it in (good, bad)]
    assert after[0] > before[0] and after[1] < before[1]
    assert stats["kl"] == pytest.approx(0.0, abs=1e-6) and stats["clip_frac"] == 0.0

    # Tokens outside the mask do not count: other "sampler logprobs" there change nothing.
    noisy = TrainItem(
        Sample(list(good.sample.token_ids), list(good.sample.mask), list(good.sample.logprobs)), 1.0
    )
    noisy.sample.logprobs = [
        lp if m else -50.0 for lp, m in zip(noisy.sample.logprobs, noisy.sample.mask, strict=True)
    ]
    grads = [gradient(model, it, config, tokenizer.pad_token_id) for it in (good, noisy)]
    assert all(torch.equal(a, b) for a, b in zip(*grads, strict=True))


def load_state(policy) -> dict[str, torch.Tensor]:
    return {k: v.clone() for k, v in policy[0].state_dict().items()}


def sampled_logprobs(model: torch.nn.Module, it: TrainItem) -> list[float]:
    ids = torch.tensor([it.sample.token_ids])
    with torch.no_grad():
        logp = token_logprobs(model(input_ids=ids).logits[:, :-1], ids[:, 1:])[0].tolist()
    return [0.0, *logp]


def mean_sampled_logprob(model: torch.nn.Module, it: TrainItem) -> float:
    values = sampled_logprobs(model, it)
    picked = [v for v, m in zip(values, it.sample.mask, strict=True) if m]
    return sum(picked) / len(picked)


def gradient(model: torch.nn.Module, it: TrainItem, config: GRPOConfig, pad: int) -> list[torch.Tensor]:
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0)
    policy_update(model, optimizer, [it], config, pad)
    return [p.grad.clone() for p in model.parameters()]


def test_config_refuses_settings_that_cannot_work() -> None:
    with pytest.raises(ValueError, match="group_size must be at least 2"):
        GRPOConfig(model="m", group_size=1)
    with pytest.raises(ValueError, match="both trained on and held out"):
        GRPOConfig(model="m", tasks=["a", "b"], eval_tasks=["b"])
    with pytest.raises(ValueError, match="guard_low"):
        GRPOConfig(model="m", guard_low=1.5)


# ---------------------------------------------------------------------- a step on a live server
@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    live = Server(database_url=f"sqlite:///{tmp_path_factory.mktemp('grpo') / 'log.sqlite3'}").start()
    yield live
    live.stop()


def test_a_grpo_step_against_the_server_trains_on_groups_with_signal_only(
    server, tiny_model_dir, tmp_path
) -> None:
    model, tokenizer = load(tiny_model_dir)
    config = GRPOConfig(
        model=str(tiny_model_dir),
        server_url=server.url,
        env="todo",
        output_dir=str(tmp_path),
        group_size=4,
        learning_rate=1e-2,
        micro_batch_size=4,
        engine="transformers",
    )
    trainer = GRPOTrainer(config, model, tokenizer)
    # todo-001: half the episodes solve it (signal); todo-004: every episode gives up (zero
    # variance); todo-404 does not exist (the server answers 404: the group fails).
    plans = {"todo-004": lambda task, n: give_up(task)}
    trainer.engine = ScriptedEngine(
        model, tokenizer, TASKS.values(), plan=lambda task, n: plans.get(task.id, mixed(2))(task, n)
    )
    before = {k: v.clone() for k, v in model.state_dict().items()}

    async def step() -> dict[str, Any]:
        async with AsyncClient(server.url) as client:
            return await trainer.train_step(client, ["todo-001", "todo-004", "todo-404"])

    line = asyncio.run(step())
    assert line["failed_groups"] == 1.0
    assert line["zero_variance_frac"] == 0.5 and line["trained_groups"] == 1.0 and line["samples"] == 4.0
    assert line["reward"] == pytest.approx(0.25) and line["success"] == pytest.approx(0.25)
    assert line["kl"] == pytest.approx(0.0, abs=1e-5) and line["loss"] is not None
    changed = [k for k, v in model.state_dict().items() if not torch.equal(v, before[k])]
    assert changed, "the update left every parameter as it was"
    logged = [json.loads(x) for x in (tmp_path / "metrics.jsonl").read_text().splitlines()]
    assert logged[-1]["step"] == 1 and logged[-1]["phase"] == "grpo" and logged[-1]["failed_groups"] == 1.0
    rollouts = [json.loads(x) for x in (tmp_path / "rollouts.jsonl").read_text().splitlines()]
    assert len(rollouts) == 12 and sum(r["failure"] is not None for r in rollouts) == 4


def test_a_step_with_nothing_to_learn_leaves_the_model_alone(server, tiny_model_dir, tmp_path) -> None:
    model, tokenizer = load(tiny_model_dir)
    config = GRPOConfig(
        model=str(tiny_model_dir), server_url=server.url, output_dir=str(tmp_path), group_size=2
    )
    trainer = GRPOTrainer(config, model, tokenizer)
    trainer.engine = ScriptedEngine(model, tokenizer, TASKS.values(), plan=lambda task, n: give_up(task))
    before = {k: v.clone() for k, v in model.state_dict().items()}

    async def step() -> dict[str, Any]:
        async with AsyncClient(server.url) as client:
            return await trainer.train_step(client, ["todo-001"])

    line = asyncio.run(step())
    assert line["zero_variance_frac"] == 1.0 and line["samples"] == 0.0 and line["loss"] is None
    assert all(torch.equal(v, before[k]) for k, v in model.state_dict().items())


def test_metrics_are_one_json_line_per_step_and_plot_to_png(tmp_path) -> None:
    from envfactory.trainer.metrics import MetricsLog, plot_metrics, read_metrics

    with MetricsLog(tmp_path, phase="grpo") as log:
        log.log(1, reward=0.2, loss=float("nan"), success=0.0)
        log.log(2, reward=0.5, loss=0.1, success=0.25)
    with MetricsLog(tmp_path, phase="sft") as log:
        log.log(1, loss=2.0)
    lines = read_metrics(tmp_path, "grpo")
    assert [line["step"] for line in lines] == [1, 2] and lines[0]["loss"] is None
    assert len(read_metrics(tmp_path / "metrics.jsonl")) == 3
    png = plot_metrics(tmp_path, tmp_path / "grpo.png")
    assert png is not None and png.stat().st_size > 1000
    assert plot_metrics(tmp_path, tmp_path / "none.png", phase="rl") is None
    with pytest.raises(FileNotFoundError, match="training output folder"):
        read_metrics(tmp_path / "missing")
