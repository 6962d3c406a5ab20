"""Supervised fine-tuning on tool-calling conversations.

Reads top to bottom: rows → renderer (the same one RL uses, so SFT trains on the token layout RL
samples in) → packed sequences → AdamW with warmup + cosine decay → checkpoints.

- **Loss**: next-token cross-entropy on assistant tokens only, summed and divided by the number of
  loss tokens in the whole optimizer step (all micro-batches, all ranks), so every token weighs the
  same whatever the packing, the accumulation or the world size.
- **Packing** without cross-contamination: see `data.py` (position ids restart per sample, the
  model builds a block-diagonal mask from them).
- **Precision**: fp32 master weights; compute in bf16 on GPU (autocast, or FSDP2's mixed-precision
  policy), fp32 on CPU.
- **Multi-GPU**: `torchrun --nproc_per_node N -m envfactory.trainer.sft CONFIG.json`; FSDP2
  (`fully_shard`) per decoder layer. Every rank takes the same number of micro-batches per step
  (collectives never wait on a rank that ran out of data).
- **Outputs** in `out`: `metrics.jsonl` (one line per logged step: step, phase "sft", loss, lr,
  tokens_per_s, grad_norm, epoch, eval_loss when evaluated), `model/` (final checkpoint),
  `checkpoints/step-N/` (every `save_every` steps), `sft_config.json`. Checkpoints are ordinary
  Hugging Face directories (safetensors + config + tokenizer) plus the `SFTConfig` that made them.
  Optimizer state is not saved: a run cannot be resumed mid-way, only fine-tuned further.
"""

from __future__ import annotations

import itertools
import json
import logging
import math
import os
import random
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F

from . import distributed
from .data import IGNORE, Packed, RenderStats, collate, load_rows, pack, render_rows, split_rows
from .models import build_model, corpus_from_rows, save, train_tokenizer
from .render import Renderer
from .toolcalls import get_parser

log = logging.getLogger(__name__)
CONFIG_FILE = "sft_config.json"


@dataclass
class SFTConfig:
    data: str  # JSONL of {"messages", "tools"} rows: exported trajectories, synthesized data
    out: str = "runs/sft"  # run directory: metrics.jsonl, model/, checkpoints/
    model: str | None = None  # a Hugging Face checkpoint to fine-tune; None: build one from model_config
    model_config: str | dict[str, Any] = "small"  # preset name or ModelConfig fields (when model is None)
    tokenizer: str | None = None  # tokenizer path; None: model's own, or one trained on `data`
    vocab_size: int = 2048  # of the tokenizer trained on `data`
    eval_data: str | None = None  # JSONL for eval loss; None: hold out eval_fraction of the rows
    eval_fraction: float = 0.05
    max_length: int = 1024  # tokens per packed sequence; longer samples are truncated
    packing: bool = True  # several samples per sequence (False: one sample per sequence)
    micro_batch_size: int = 8  # sequences per forward pass, per rank
    grad_accum: int = 1  # micro-batches per optimizer step, per rank
    epochs: float = 1.0
    max_steps: int | None = None  # optimizer steps; overrides epochs
    lr: float = 1e-3  # peak learning rate (1e-3 suits tiny models from scratch; ~1e-5 for 1B+)
    min_lr_ratio: float = 0.1  # cosine decays to lr * min_lr_ratio
    warmup_steps: int = 10  # linear warmup; at most half of the run
    weight_decay: float = 0.1  # on matrices only, not on norms and biases
    betas: tuple[float, float] = (0.9, 0.95)
    grad_clip: float = 1.0  # max global gradient norm; 0 disables
    seed: int = 0  # model init, data order, eval split
    log_every: int = 1  # steps between metrics lines
    eval_every: int = 50  # steps between eval losses; 0: only at the end
    save_every: int = 0  # steps between checkpoints; 0: only the final model
    device: str = "auto"  # "auto" (cuda if available), "cpu", "cuda", "cuda:1"
    dtype: str = "auto"  # compute dtype: "auto" (bf16 on GPU, fp32 on CPU), "bf16", "fp32"
    parser: str = "hermes"  # tool-call format of the model (see toolcalls.register_parser)
    gradient_checkpointing: bool = False  # recompute activations in backward: less memory, ~30% slower

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SFTConfig:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown SFTConfig fields {unknown}; known: {sorted(known)}")
        data = dict(data)
        if "betas" in data:
            data["betas"] = tuple(data["betas"])
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")


@dataclass
class SFTResult:
    model_dir: Path  # the final checkpoint (load it with models.load or from_pretrained)
    steps: int
    train_loss: float  # of the last step
    eval_loss: float | None
    metrics_path: Path
    tokens: int  # non-padding tokens processed, all ranks
    seconds: float
    render_stats: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------------- pure helpers
def masked_token_loss(logits: torch.Tensor, labels: torch.Tensor, normalizer: float = 1.0) -> torch.Tensor:
    """Sum of cross-entropies (in fp32) at positions whose label is not `IGNORE`, divided by
    `normalizer` (the loss-token count of the optimizer step: a token-level mean)."""
    flat = logits.float().reshape(-1, logits.shape[-1])
    return F.cross_entropy(flat, labels.reshape(-1), ignore_index=IGNORE, reduction="sum") / normalizer


def lr_at(step: int, *, peak: float, warmup_steps: int, total_steps: int, min_ratio: float) -> float:
    """Linear warmup over `warmup_steps`, then cosine from `peak` down to `peak * min_ratio` at the end."""
    if step < warmup_steps:
        return peak * (step + 1) / warmup_steps
    progress = min(1.0, (step - warmup_steps) / max(1, total_steps - warmup_steps))
    return peak * (min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * progress)))


def bin_stream(n: int, seed: int) -> Iterator[int]:
    """Sequence indices, a fresh seeded shuffle per epoch, forever (identical on every rank)."""
    for epoch in itertools.count():
        order = list(range(n))
        random.Random(seed * 1_000_003 + epoch).shuffle(order)
        yield from order


# ---------------------------------------------------------------------- setup
def _rows(config: SFTConfig) -> tuple[list[dict], list[dict]]:
    rows = load_rows(config.data)
    if config.eval_data:
        return rows, load_rows(config.eval_data)
    return split_rows(rows, config.eval_fraction, config.seed)


def _tokenizer(config: SFTConfig, rows: Sequence[dict], out: Path, d: distributed.Dist) -> Any:
    from transformers import AutoTokenizer

    source = config.tokenizer or config.model
    if source is None:  # train one on the data; rank 0 trains, everyone loads the same files
        source = str(out / "tokenizer")
        if d.is_main:
            train_tokenizer(corpus_from_rows(rows), config.vocab_size).save_pretrained(source)
        d.barrier()
    return AutoTokenizer.from_pretrained(source)


def _model(config: SFTConfig, tokenizer: Any, d: distributed.Dist, compute: torch.dtype) -> torch.nn.Module:
    from transformers import AutoModelForCausalLM

    torch.manual_seed(config.seed)  # the same initial weights on every rank
    if config.model is None:
        model = build_model(config.model_config, tokenizer)
    else:
        model = AutoModelForCausalLM.from_pretrained(config.model, dtype=torch.float32)
    if len(tokenizer) > model.config.vocab_size:
        raise ValueError(
            f"the tokenizer has {len(tokenizer)} tokens but the model's vocabulary is "
            f"{model.config.vocab_size}; use the model's own tokenizer"
        )
    if config.gradient_checkpointing:
        model.gradient_checkpointing_enable()
    model.to(d.device)
    model.train()
    if d.enabled:
        distributed.shard(model, compute if compute != torch.float32 else None)
    return model


def _compute_dtype(config: SFTConfig, device: torch.device) -> torch.dtype:
    choices = {"bf16": torch.bfloat16, "fp32": torch.float32}
    if config.dtype == "auto":
        return torch.bfloat16 if device.type == "cuda" and torch.cuda.is_bf16_supported() else torch.float32
    if config.dtype not in choices:
        raise ValueError(f"dtype={config.dtype!r}; choose 'auto', 'bf16' or 'fp32'")
    return choices[config.dtype]


def _optimizer(model: torch.nn.Module, config: SFTConfig, device: torch.device) -> torch.optim.Optimizer:
    decay = [p for p in model.parameters() if p.requires_grad and p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.requires_grad and p.dim() < 2]
    groups = [
        {"params": decay, "weight_decay": config.weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=config.lr, betas=config.betas, fused=device.type == "cuda")


# ---------------------------------------------------------------------- steps
def _train_step(
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    batches: list[dict[str, torch.Tensor]],
    d: distributed.Dist,
    autocast: Callable[[], AbstractContextManager[Any]],
    grad_clip: float,
) -> tuple[float, float]:
    """One optimizer step over this rank's micro-batches; returns (mean token loss, grad norm)."""
    local_targets = sum(int((b["labels"] != IGNORE).sum()) for b in batches)
    (global_targets,) = d.sum(local_targets)
    # FSDP averages gradients over ranks; scaling by the world size turns that into the global sum
    normalizer = max(global_targets, 1.0) / d.world_size
    loss_sum = 0.0
    for i, batch in enumerate(batches):
        if d.enabled:
            model.set_requires_gradient_sync(i == len(batches) - 1)
        batch = {k: v.to(d.device) for k, v in batch.items()}
        with autocast():
            logits = model(
                input_ids=batch["input_ids"], position_ids=batch["position_ids"], use_cache=False
            ).logits
        loss = masked_token_loss(logits, batch["labels"], normalizer)
        loss.backward()
        loss_sum += float(loss.detach()) * normalizer
    grad_norm = torch.nn.utils.clip_grad_norm_(
        model.parameters(), grad_clip if grad_clip > 0 else float("inf")
    )
    if hasattr(grad_norm, "full_tensor"):
        grad_norm = grad_norm.full_tensor()
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    (total,) = d.sum(loss_sum)
    return total / max(global_targets, 1.0), float(grad_norm)


@torch.no_grad()
def evaluate(
    model: torch.nn.Module,
    sequences: Sequence[Packed],
    d: distributed.Dist,
    micro_batch_size: int,
    pad_id: int,
    autocast: Callable[[], AbstractContextManager[Any]] = nullcontext,
) -> float | None:
    """Mean token loss over `sequences`. Every rank runs the same number of forward passes (FSDP
    gathers parameters collectively), repeating a batch without counting it where it runs out."""
    if not sequences:
        return None
    chunks = [sequences[i : i + micro_batch_size] for i in range(0, len(sequences), micro_batch_size)]
    model.eval()
    loss_sum = count = 0.0
    for j in range(math.ceil(len(chunks) / d.world_size)):
        index = j * d.world_size + d.rank
        batch = {k: v.to(d.device) for k, v in collate(chunks[index % len(chunks)], pad_id).items()}
        with autocast():
            logits = model(
                input_ids=batch["input_ids"], position_ids=batch["position_ids"], use_cache=False
            ).logits
        if index < len(chunks):
            loss_sum += float(masked_token_loss(logits, batch["labels"]))
            count += int((batch["labels"] != IGNORE).sum())
    model.train()
    total, n = d.sum(loss_sum, count)
    return total / n if n else None


def _save(model: torch.nn.Module, tokenizer: Any, config: SFTConfig, path: Path, d: distributed.Dist) -> None:
    state = distributed.full_state_dict(model, d)  # a collective under FSDP: every rank calls it
    if d.is_main:
        target = model
        if d.enabled:
            from transformers import AutoModelForCausalLM

            target = AutoModelForCausalLM.from_config(model.config)
            target.load_state_dict(state)
        save(target, tokenizer, path)
        config.save(path / CONFIG_FILE)
    d.barrier()


# ---------------------------------------------------------------------- the run
def train_sft(config: SFTConfig, on_log: Callable[[dict[str, Any]], None] | None = None) -> SFTResult:
    """Run SFT as configured (one process, or one per device under torchrun). `on_log` receives every
    metrics record on rank 0 (for progress displays)."""
    d = distributed.setup(config.device)
    try:
        return _run(config, d, on_log)
    finally:
        d.close()


@dataclass
class _Data:
    tokenizer: Any
    train: list[Packed]
    eval: list[Packed]
    stats: RenderStats


def _data(config: SFTConfig, out: Path, d: distributed.Dist) -> _Data:
    train_rows, eval_rows = _rows(config)
    tokenizer = _tokenizer(config, train_rows, out, d)
    renderer = Renderer(tokenizer, get_parser(config.parser))
    train_samples, stats = render_rows(renderer, train_rows, config.max_length)
    if not train_samples:
        reason = "; ".join(stats.errors) or "no assistant turns"
        raise ValueError(f"no trainable samples in {config.data}: {reason}")
    eval_samples, _ = render_rows(renderer, eval_rows, config.max_length)
    train = pack(train_samples, config.max_length, packing=config.packing)
    if d.is_main:
        log.info("sft: %d samples packed into %d sequences", len(train_samples), len(train))
    return _Data(tokenizer, train, pack(eval_samples, config.max_length, packing=config.packing), stats)


def _run(
    config: SFTConfig, d: distributed.Dist, on_log: Callable[[dict[str, Any]], None] | None
) -> SFTResult:
    out = Path(config.out)
    if d.is_main:
        out.mkdir(parents=True, exist_ok=True)
        config.save(out / CONFIG_FILE)
    d.barrier()
    data = _data(config, out, d)
    pad_id = data.tokenizer.pad_token_id
    compute = _compute_dtype(config, d.device)
    model = _model(config, data.tokenizer, d, compute)
    optimizer = _optimizer(model, config, d.device)
    use_autocast = compute != torch.float32 and not d.enabled  # FSDP's policy casts instead

    def autocast() -> AbstractContextManager[Any]:
        return torch.autocast(d.device.type, dtype=compute) if use_autocast else nullcontext()

    per_step = config.micro_batch_size * config.grad_accum * d.world_size
    total = config.max_steps or max(1, math.ceil(config.epochs * math.ceil(len(data.train) / per_step)))
    warmup = min(config.warmup_steps, total // 2)
    stream = bin_stream(len(data.train), config.seed)
    metrics = _Metrics(out / "metrics.jsonl", config.log_every, on_log) if d.is_main else None
    start, tokens, loss, eval_loss = time.perf_counter(), 0, float("nan"), None
    for step in range(1, total + 1):
        lr = lr_at(
            step - 1, peak=config.lr, warmup_steps=warmup, total_steps=total, min_ratio=config.min_lr_ratio
        )
        for group in optimizer.param_groups:
            group["lr"] = lr
        t0 = time.perf_counter()
        chosen = list(itertools.islice(stream, per_step))
        mine = [_micro_batch(chosen, a, d, config.micro_batch_size) for a in range(config.grad_accum)]
        batches = [collate([data.train[i] for i in ids], pad_id) for ids in mine]
        loss, grad_norm = _train_step(model, optimizer, batches, d, autocast, config.grad_clip)
        (step_tokens,) = d.sum(sum(len(data.train[i]) for ids in mine for i in ids))
        tokens += int(step_tokens)
        record = {"step": step, "phase": "sft", "loss": loss, "lr": lr}
        record |= {"tokens_per_s": step_tokens / (time.perf_counter() - t0), "grad_norm": grad_norm}
        record["epoch"] = step * per_step / len(data.train)
        if step == total or (config.eval_every and step % config.eval_every == 0):
            eval_loss = evaluate(model, data.eval, d, config.micro_batch_size, pad_id, autocast)
            if eval_loss is not None:
                record["eval_loss"] = eval_loss
        if metrics is not None:
            metrics.write(record, force=step == total)
        if config.save_every and step % config.save_every == 0 and step < total:
            _save(model, data.tokenizer, config, out / "checkpoints" / f"step-{step:06d}", d)
    _save(model, data.tokenizer, config, out / "model", d)
    return SFTResult(
        model_dir=out / "model",
        steps=total,
        train_loss=loss,
        eval_loss=eval_loss,
        metrics_path=out / "metrics.jsonl",
        tokens=tokens,
        seconds=time.perf_counter() - start,
        render_stats=asdict(data.stats),
    )


def _micro_batch(chosen: list[int], accumulation: int, d: distributed.Dist, size: int) -> list[int]:
    """This rank's share of a step's sequences: micro-batch `accumulation` of rank r is chunk
    `accumulation * world + r`, so N ranks split a step exactly as one process accumulating N times
    as many micro-batches would."""
    first = (accumulation * d.world_size + d.rank) * size
    return chosen[first : first + size]


class _Metrics:
    """`metrics.jsonl` (rank 0): every `log_every` steps, and every step with an eval loss."""

    def __init__(self, path: Path, every: int, on_log: Callable[[dict[str, Any]], None] | None) -> None:
        self.path, self.every, self.on_log = path, max(1, every), on_log
        path.write_text("", encoding="utf-8")

    def write(self, record: dict[str, Any], *, force: bool = False) -> None:
        if not (force or record["step"] % self.every == 0 or "eval_loss" in record):
            return
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
        if self.on_log is not None:
            self.on_log(record)


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m envfactory.trainer.sft CONFIG.json [field=value ...]` (also under torchrun)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        print(main.__doc__)
        raise SystemExit(0 if args else 2)
    data = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    for override in args[1:]:
        key, sep, value = override.partition("=")
        if not sep:
            raise SystemExit(f"override {override!r} is not field=value")
        try:
            data[key] = json.loads(value)
        except json.JSONDecodeError:
            data[key] = value
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    result = train_sft(SFTConfig.from_dict(data))
    if int(os.environ.get("RANK", "0")) == 0:
        print(
            json.dumps(
                {
                    **asdict(result),
                    "model_dir": str(result.model_dir),
                    "metrics_path": str(result.metrics_path),
                }
            )
        )


if __name__ == "__main__":
    main()
