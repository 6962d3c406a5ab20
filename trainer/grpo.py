"""GRPO against the live server: `train_grpo(GRPOConfig(...))`.

Each step: pick `tasks_per_step` training tasks; play `group_size` episodes of each against real
server sessions (`rollout.py`); turn rewards into group-relative advantages; take one (or
`updates_per_step`) optimizer steps on the clipped token-level objective (`losses.py`) over the
sampled tokens only; push the new weights to the rollout engine; log a metrics line.

What is dropped before the loss, and why:
- groups with an infrastructure failure (env or engine): their rewards say nothing about the model;
- episodes that overflowed their context budget: cut off, not wrong, so neither reward nor
  punish them (episodes that used up `max_turns` keep their reward: that is learnable);
- groups left with under two episodes or with equal rewards (zero variance: every advantage is 0);
- samples the sequence guard rejects (the trainer's and sampler's logprobs disagree too much).
When nothing is left the step is logged and skipped, never taken on an empty batch.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import random
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import torch

from envfactory.sdk import AsyncClient

from .engines import Engine, EngineKind, TransformersEngine, make_engine
from .losses import clipped_token_loss, group_advantages, has_signal, kl_k3, sequence_guard, token_logprobs
from .metrics import MetricsLog, plot_metrics
from .prefix import MIN_SHARED, common_prefix_length, forward_rest
from .render import Renderer
from .rollout import (
    EvalResult,
    Group,
    RolloutConfig,
    Sample,
    episode_record,
    evaluate_tasks,
    rollout_groups,
    summarize,
)

log = logging.getLogger(__name__)


@dataclass
class GRPOConfig:
    # --- what to train, against what
    model: str  # folder of a transformers checkpoint with its tokenizer (SFT output, or any HF model)
    server_url: str = "http://127.0.0.1:8000"  # a running `envfactory serve`
    env: str = "todo"  # environment whose tasks are trained on
    tasks: list[str] | None = None  # training task ids (default: every task not in eval_tasks)
    eval_tasks: list[str] = field(default_factory=list)  # held out: evaluated, never trained on
    output_dir: str = "runs/grpo"  # metrics.jsonl, plots, rollouts.jsonl, checkpoints, final/
    api_key: str | None = None  # server key (default: ENVFACTORY_API_KEY)
    # --- rollouts
    steps: int = 50  # optimizer steps (x updates_per_step)
    tasks_per_step: int = 8  # groups per step
    group_size: int = 8  # episodes per task (G); 8-16 gives usable baselines
    max_turns: int = 8  # assistant turns per episode
    max_new_tokens: int = 256  # per assistant turn
    max_seq_len: int = 2048  # per sample (prompt + turns)
    concurrency: int = 64  # episodes in flight
    env_timeout_s: float = 30.0  # per server call
    engine_timeout_s: float = 300.0  # per generation
    # --- objective
    learning_rate: float = 1e-6  # full fine-tune of a pretrained model; tiny models take ~1e-4
    weight_decay: float = 0.0
    warmup_steps: int = 0  # linear warm-up, then constant
    max_grad_norm: float = 1.0
    clip_low: float = 0.2  # ratio clipped at 1 - clip_low ...
    clip_high: float = 0.28  # ... and 1 + clip_high (clip-higher)
    guard_low: float = 0.5  # drop a sample whose exp(mean log-ratio) leaves [guard_low, guard_high]
    guard_high: float = 2.0
    kl_beta: float = 0.0  # weight of a k3 KL penalty to the initial model (0: no reference kept)
    scale_adv_by_std: bool = False  # divide advantages by the group's std (original GRPO)
    updates_per_step: int = 1  # optimizer steps per rollout batch (later ones are off-policy)
    micro_batch_size: int = 8  # samples per forward/backward (gradient accumulation)
    # --- engine and bookkeeping
    engine: EngineKind = "auto"  # vLLM when importable with a GPU, else transformers
    vllm_url: str | None = None  # generate through this vLLM server instead
    vllm_weight_sync: Literal["nccl", "none"] = "nccl"  # how the server gets new weights
    eval_every: int = 0  # evaluate eval_tasks every N steps (0: only before and after)
    eval_samples: int = 1  # episodes per held-out task
    eval_greedy: bool = True  # evaluate the most likely behaviour rather than a sample of it
    save_every: int = 0  # checkpoint every N steps (0: only the final model)
    seed: int = 0
    device: str = "auto"  # cuda when available

    def __post_init__(self) -> None:
        if self.group_size < 2:
            raise ValueError(f"group_size must be at least 2 to compare episodes, got {self.group_size}.")
        if not 0 <= self.clip_low < 1 or self.clip_high <= 0:
            raise ValueError(
                f"clip_low must be in [0, 1) and clip_high > 0, got {self.clip_low}, {self.clip_high}."
            )
        if not 0 < self.guard_low < 1 < self.guard_high:
            raise ValueError(f"need 0 < guard_low < 1 < guard_high, got {self.guard_low}, {self.guard_high}.")
        overlap = set(self.tasks or ()) & set(self.eval_tasks)
        if overlap:
            raise ValueError(f"Tasks both trained on and held out: {sorted(overlap)}.")

    def rollout(self, greedy: bool = False, group_size: int | None = None) -> RolloutConfig:
        return RolloutConfig(
            group_size=group_size or self.group_size,
            max_turns=self.max_turns,
            max_new_tokens=self.max_new_tokens,
            max_seq_len=self.max_seq_len,
            env_timeout_s=self.env_timeout_s,
            engine_timeout_s=self.engine_timeout_s,
            concurrency=self.concurrency,
            greedy=greedy,
        )


@dataclass
class GRPOResult:
    output_dir: Path
    final_model: Path
    steps: int
    metrics: list[dict[str, Any]]
    eval_before: EvalResult | None
    eval_after: EvalResult | None


@dataclass
class TrainItem:
    sample: Sample
    advantage: float


# ---------------------------------------------------------------------- batch building
def build_batch(
    groups: Sequence[Group], scale_by_std: bool = False
) -> tuple[list[TrainItem], dict[str, float]]:
    """Training items from the groups worth learning from, and what was dropped."""
    items: list[TrainItem] = []
    usable = zero_variance = 0
    for group in groups:
        if group.failure is not None:
            continue
        usable += 1
        kept = [e for e in group.episodes if e.stop != "overflow" and e.reward is not None]
        rewards = torch.tensor([e.reward for e in kept], dtype=torch.float64)
        if len(kept) < 2 or not has_signal(rewards):
            zero_variance += 1
            continue
        for episode, advantage in zip(kept, group_advantages(rewards, scale_by_std).tolist(), strict=True):
            items.extend(TrainItem(s, advantage) for s in episode.samples if s.sampled_tokens)
    stats = {
        "zero_variance_frac": zero_variance / usable if usable else math.nan,
        "trained_groups": float(usable - zero_variance),
        "samples": float(len(items)),
    }
    return items, stats


# ---------------------------------------------------------------------- the update
def policy_update(
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    items: Sequence[TrainItem],
    config: GRPOConfig,
    pad_token_id: int,
    reference: torch.nn.Module | None = None,
) -> dict[str, float]:
    """One optimizer step over `items`: loss = Σ token losses / N, N = sampled tokens in the batch."""
    total = sum(item.sample.sampled_tokens for item in items)
    sums = {"loss": 0.0, "clipped": 0.0, "kl": 0.0, "ref_kl": 0.0, "guarded": 0.0}
    model.train()
    optimizer.zero_grad(set_to_none=True)
    ordered = sorted(items, key=lambda item: len(item.sample))  # similar lengths pad less
    for start in range(0, len(ordered), config.micro_batch_size):
        batch = _MicroBatch(ordered[start : start + config.micro_batch_size], next(model.parameters()).device)
        logp = batch.logprobs(model, pad_token_id)
        keep = sequence_guard(logp.detach(), batch.sampler, batch.mask, config.guard_low, config.guard_high)
        trained = batch.mask * keep.unsqueeze(-1)
        losses, bound = clipped_token_loss(
            logp, batch.sampler, batch.advantages, trained, config.clip_low, config.clip_high
        )
        loss = losses.sum() / total
        if reference is not None and config.kl_beta > 0:
            with torch.no_grad():
                ref_logp = batch.logprobs(reference, pad_token_id)
            ref_kl = (kl_k3(logp, ref_logp) * trained).sum() / total
            loss = loss + config.kl_beta * ref_kl
            sums["ref_kl"] += float(ref_kl.detach())
        loss.backward()
        sums["loss"] += float(loss.detach())
        sums["clipped"] += float(bound.sum())
        sums["kl"] += float((kl_k3(batch.sampler, logp.detach()) * batch.mask).sum())
        sums["guarded"] += float((~keep).sum())
    grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), config.max_grad_norm)
    optimizer.step()
    return {
        "loss": sums["loss"],
        "clip_frac": sums["clipped"] / max(1, total),
        "kl": sums["kl"] / max(1, total),
        "ref_kl": sums["ref_kl"],
        "guard_dropped": sums["guarded"],
        "grad_norm": float(grad_norm),
        "trained_tokens": float(total),
    }


class _MicroBatch:
    """Samples laid out for one forward pass. The rows' shared prefix (the system turn) is run
    once (`prefix.py`); it ends before the first sampled token of every row, so each position that
    carries a loss is computed per row. Tensors cover the positions after the prefix: column j
    predicts token `shared + 1 + j`."""

    def __init__(self, items: Sequence[TrainItem], device: torch.device) -> None:
        self.rows = [item.sample.token_ids for item in items]
        first_sampled = min(item.sample.mask.index(1) for item in items)
        shared = min(common_prefix_length(self.rows), first_sampled - 1)
        self.shared = shared if len(items) > 1 and shared >= MIN_SHARED else 0
        offset = self.shared + 1
        width = max(len(r) for r in self.rows) - offset
        mask, sampler = torch.zeros((len(items), width)), torch.zeros((len(items), width))
        targets = torch.zeros((len(items), width), dtype=torch.long)
        for row, item in enumerate(items):
            n = len(item.sample) - offset
            mask[row, :n] = torch.tensor(item.sample.mask[offset:], dtype=torch.float32)
            sampler[row, :n] = torch.tensor(item.sample.logprobs[offset:])
            targets[row, :n] = torch.tensor(item.sample.token_ids[offset:])
        self.mask, self.sampler, self.targets = mask.to(device), sampler.to(device), targets.to(device)
        self.advantages = torch.tensor([item.advantage for item in items], dtype=torch.float32).to(device)

    def logprobs(self, model: torch.nn.Module, pad_token_id: int) -> torch.Tensor:
        """log π(token) at every position after the prefix, under `model` (`[B, width]`)."""
        logits, _, _ = forward_rest(model, self.rows, self.shared, pad_token_id, left_pad=False)
        return token_logprobs(logits[:, :-1], self.targets)


# ---------------------------------------------------------------------- the loop
class GRPOTrainer:
    """The state of a GRPO run: model, optimizer, engine, and the step loop. `train_grpo` is the
    one-call form; use the class to interleave your own evaluation or to reuse a loaded model."""

    def __init__(self, config: GRPOConfig, model: torch.nn.Module, tokenizer: Any) -> None:
        self.config = config
        self.model = model
        self.tokenizer = tokenizer
        self.renderer = Renderer(tokenizer)
        self.out = Path(config.output_dir)
        self.out.mkdir(parents=True, exist_ok=True)
        self.rng = random.Random(config.seed)
        torch.manual_seed(config.seed)
        self.pad_token_id = _pad_id(tokenizer)
        self.engine = self._engine()
        self.reference = _frozen_copy(model) if config.kl_beta > 0 else None
        self.optimizer = torch.optim.AdamW(
            model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay
        )
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(
            self.optimizer, lambda s: min(1.0, (s + 1) / max(1, config.warmup_steps))
        )
        self.metrics = MetricsLog(self.out, phase="grpo")
        self.step = 0

    def _engine(self) -> Engine:
        c = self.config
        options: dict[str, Any] = {}
        if c.vllm_url is not None and c.vllm_weight_sync == "nccl":
            from .engines_vllm import NcclWeightSync

            options["weight_sync"] = NcclWeightSync(c.vllm_url, timeout_s=c.engine_timeout_s)
        return make_engine(
            c.engine,
            self.model,
            stop_token_ids=self.renderer.stop_token_ids,
            pad_token_id=self.pad_token_id,
            model_path=c.model,
            vllm_url=c.vllm_url,
            seed=c.seed,
            **options,
        )

    async def training_tasks(self, client: AsyncClient) -> list[str]:
        if self.config.tasks is not None:
            return list(self.config.tasks)
        held_out = set(self.config.eval_tasks)
        tasks = [t["id"] for t in await client.tasks(self.config.env) if t["id"] not in held_out]
        if not tasks:
            raise ValueError(f"Environment {self.config.env!r} has no tasks left to train on.")
        return tasks

    async def evaluate(self, client: AsyncClient, task_ids: Sequence[str] | None = None) -> EvalResult:
        c = self.config
        rollout = c.rollout(greedy=c.eval_greedy, group_size=c.eval_samples)
        return await evaluate_tasks(
            client, self.engine, self.renderer, c.env, list(task_ids or c.eval_tasks), rollout
        )

    async def train_step(self, client: AsyncClient, task_ids: Sequence[str]) -> dict[str, Any]:
        """Roll out `task_ids`, update the policy, sync the engine; returns the metrics line."""
        c = self.config
        started = time.perf_counter()
        groups = await rollout_groups(client, self.engine, self.renderer, c.env, task_ids, c.rollout())
        rollout_s = time.perf_counter() - started
        self._save_rollouts(groups)
        items, batch_stats = build_batch(groups, c.scale_adv_by_std)
        update: dict[str, float] = {}
        for chunk in _split(items, c.updates_per_step):
            update = policy_update(self.model, self.optimizer, chunk, c, self.pad_token_id, self.reference)
            self.scheduler.step()
        if items:
            self.engine.sync_weights(self.model, self.step + 1)
        self.step += 1
        elapsed = time.perf_counter() - started
        sampled = sum(e.sampled_tokens for g in groups for e in g.episodes)
        line = {
            **summarize(groups),
            **batch_stats,
            "loss": update.get("loss", math.nan),
            "clip_frac": update.get("clip_frac", math.nan),
            "kl": update.get("kl", math.nan),
            "grad_norm": update.get("grad_norm", math.nan),
            "guard_dropped": update.get("guard_dropped", 0.0),
            "tokens_per_s": sampled / max(rollout_s, 1e-9),
            "rollout_s": rollout_s,
            "step_s": elapsed,
            "lr": self.scheduler.get_last_lr()[0],
        }
        if c.kl_beta > 0:
            line["ref_kl"] = update.get("ref_kl", math.nan)
        return self.metrics.log(self.step, **{k: _round(v) for k, v in line.items()})

    async def run(self) -> GRPOResult:
        c = self.config
        async with AsyncClient(c.server_url, api_key=c.api_key, timeout=c.env_timeout_s) as client:
            tasks = await self.training_tasks(client)
            before = await self.evaluate(client) if c.eval_tasks else None
            if before is not None:
                self.metrics.log(0, held_out_success=before.success_rate, held_out_reward=before.mean_reward)
            order: list[str] = []
            for _ in range(c.steps):
                if len(order) < c.tasks_per_step:
                    order += self.rng.sample(tasks, len(tasks))  # epochs over the tasks, reshuffled
                batch, order = order[: c.tasks_per_step], order[c.tasks_per_step :]
                line = await self.train_step(client, batch)
                log.info("grpo step %d: %s", self.step, json.dumps(line))
                if c.eval_every and self.step % c.eval_every == 0 and c.eval_tasks and self.step < c.steps:
                    mid = await self.evaluate(client)
                    self.metrics.log(
                        self.step, held_out_success=mid.success_rate, held_out_reward=mid.mean_reward
                    )
                if c.save_every and self.step % c.save_every == 0:
                    self.save(self.out / f"checkpoint-{self.step}")
            after = await self.evaluate(client) if c.eval_tasks else None
            if after is not None:
                self.metrics.log(
                    self.step, held_out_success=after.success_rate, held_out_reward=after.mean_reward
                )
        await self.engine.aclose()
        self.metrics.close()
        final = self.save(self.out / "final")
        plot_metrics(self.out, self.out / "grpo.png", phase="grpo")
        return GRPOResult(self.out, final, self.step, _lines(self.out), before, after)

    def save(self, path: Path) -> Path:
        path.mkdir(parents=True, exist_ok=True)
        self.model.save_pretrained(path)
        self.tokenizer.save_pretrained(path)
        settings = {k: v for k, v in asdict(self.config).items() if k != "api_key"}  # no secrets on disk
        (path / "grpo_config.json").write_text(json.dumps(settings, indent=2))
        return path

    def _save_rollouts(self, groups: Sequence[Group]) -> None:
        with (self.out / "rollouts.jsonl").open("a", encoding="utf-8") as f:
            for group in groups:
                for episode in group.episodes:
                    f.write(json.dumps({"step": self.step + 1, **episode_record(episode)}) + "\n")


def train_grpo(config: GRPOConfig) -> GRPOResult:
    """Load `config.model`, train it with GRPO against `config.server_url`, save `<out>/final`."""
    from .models import load

    model, tokenizer = load(config.model, device=_device(config.device))
    return asyncio.run(GRPOTrainer(config, model, tokenizer).run())


def evaluate_model(
    model: torch.nn.Module,
    tokenizer: Any,
    server_url: str,
    env: str,
    task_ids: Sequence[str],
    rollout: RolloutConfig,
    *,
    api_key: str | None = None,
    seed: int = 0,
) -> EvalResult:
    """Success rate of `model` on `task_ids` against a live server (in-process transformers engine)."""
    renderer = Renderer(tokenizer)
    engine = TransformersEngine(model, renderer.stop_token_ids, _pad_id(tokenizer), seed=seed)

    async def run() -> EvalResult:
        async with AsyncClient(server_url, api_key=api_key, timeout=rollout.env_timeout_s) as client:
            try:
                return await evaluate_tasks(client, engine, renderer, env, task_ids, rollout)
            finally:
                await engine.aclose()

    return asyncio.run(run())


# ---------------------------------------------------------------------- helpers
def _device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def _split(items: list[TrainItem], parts: int) -> list[list[TrainItem]]:
    if not items:
        return []
    size = math.ceil(len(items) / max(1, parts))
    return [items[i : i + size] for i in range(0, len(items), size)]


def _frozen_copy(model: torch.nn.Module) -> torch.nn.Module:
    import copy

    reference = copy.deepcopy(model).eval()
    for p in reference.parameters():
        p.requires_grad_(False)
    return reference


def _pad_id(tokenizer: Any) -> int:
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    if pad is None:
        raise ValueError("The tokenizer has neither a pad nor an eos token; set tokenizer.pad_token.")
    return int(pad)


def _round(value: Any) -> Any:
    return round(value, 6) if isinstance(value, float) and math.isfinite(value) else value


def _lines(out: Path) -> list[dict[str, Any]]:
    from .metrics import read_metrics

    return read_metrics(out, "grpo")
