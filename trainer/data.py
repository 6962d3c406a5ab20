"""SFT data: JSONL rows → rendered samples → packed sequences → batches.

Packing puts several samples into one sequence of at most `max_length` tokens (best-fit decreasing,
so little is padded). Samples never see each other: position ids restart at 0 for every sample and
the model is called without a 2-D attention mask and with `use_cache=False` (with a cache it ignores
packing), so transformers builds a block-diagonal
causal mask from the position ids (sdpa and eager on CPU/GPU; flash-attention uses the same ids
as variable-length boundaries). Padding forms its own block at the end and carries no loss.
"""

from __future__ import annotations

import bisect
import json
import logging
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .render import PrefixDriftError, Rendered, Renderer

log = logging.getLogger(__name__)
IGNORE = -100  # label of a position without loss (torch's cross-entropy ignore_index)


def load_rows(path: str | Path) -> list[dict[str, Any]]:
    """SFT rows `{"messages": [...], "tools": [...]}` from a JSONL file (blank lines skipped)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"SFT data {path} does not exist; expected a JSONL file of {{messages, tools}} rows"
        )
    rows = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not JSON ({exc.msg})") from None
            if not isinstance(row, dict) or not isinstance(row.get("messages"), list):
                raise ValueError(
                    f"{path}:{number}: a row needs a 'messages' list, got keys {sorted(row)[:8]}"
                )
            rows.append(row)
    if not rows:
        raise ValueError(f"{path} has no rows")
    return rows


def split_rows(rows: Sequence[dict], fraction: float, seed: int) -> tuple[list[dict], list[dict]]:
    """(train, eval) split by row (never by sample, so an eval conversation is never trained on)."""
    order = list(rows)
    random.Random(seed).shuffle(order)
    n_eval = round(len(order) * fraction) if fraction > 0 and len(order) > 1 else 0
    n_eval = min(max(n_eval, 1 if fraction > 0 and len(order) > 1 else 0), len(order) - 1)
    return order[n_eval:], order[:n_eval]


@dataclass
class RenderStats:
    rows: int = 0
    samples: int = 0
    skipped_rows: int = 0  # rows the template cannot render (arguments that are not JSON, ...)
    drift_splits: int = 0  # extra samples started at a prefix drift
    truncated: int = 0  # samples cut to max_length
    errors: list[str] = field(default_factory=list)


def render_rows(
    renderer: Renderer, rows: Iterable[dict[str, Any]], max_length: int
) -> tuple[list[Rendered], RenderStats]:
    """Every row's samples, truncated to `max_length` (samples left without loss tokens are dropped).
    Rows that cannot be rendered are skipped and counted, with the first few reasons kept."""
    stats = RenderStats()
    samples: list[Rendered] = []
    for index, row in enumerate(rows):
        stats.rows += 1
        try:
            rendered = renderer.render_all(row["messages"], row.get("tools") or None)
        except (ValueError, PrefixDriftError) as exc:  # one bad row must not stop a whole run
            stats.skipped_rows += 1
            if len(stats.errors) < 5:
                stats.errors.append(f"row {index}: {exc}")
            continue
        stats.drift_splits += len(rendered) - 1
        for sample in rendered:
            if len(sample) > max_length:
                stats.truncated += 1
                sample = Rendered(sample.input_ids[:max_length], sample.loss_mask[:max_length])
            if sample.num_loss_tokens:
                samples.append(sample)
    stats.samples = len(samples)
    if stats.skipped_rows:
        log.warning("skipped %d of %d rows: %s", stats.skipped_rows, stats.rows, "; ".join(stats.errors))
    return samples, stats


@dataclass
class Packed:
    """One training sequence: several samples back to back."""

    input_ids: list[int]
    loss_mask: list[int]
    position_ids: list[int]

    def __len__(self) -> int:
        return len(self.input_ids)


def pack(samples: Sequence[Rendered], max_length: int, *, packing: bool = True) -> list[Packed]:
    """Best-fit decreasing: each sample goes into the fullest sequence it still fits in."""
    if any(len(s) > max_length for s in samples):
        raise ValueError(
            f"a sample is longer than max_length={max_length}; truncate first (render_rows does)"
        )
    if not packing:
        return [_concat([s]) for s in samples]
    bins: list[list[Rendered]] = []
    free: list[tuple[int, int]] = []  # (room left, bin index), sorted
    for sample in sorted(samples, key=len, reverse=True):
        at = bisect.bisect_left(free, (len(sample), -1))
        if at == len(free):
            bins.append([sample])
            bisect.insort(free, (max_length - len(sample), len(bins) - 1))
            continue
        room, index = free.pop(at)
        bins[index].append(sample)
        bisect.insort(free, (room - len(sample), index))
    return [_concat(b) for b in bins]


def _concat(samples: Sequence[Rendered]) -> Packed:
    ids: list[int] = []
    mask: list[int] = []
    positions: list[int] = []
    for sample in samples:
        ids += sample.input_ids
        mask += sample.loss_mask
        positions += range(len(sample))
    return Packed(ids, mask, positions)


def collate(sequences: Sequence[Packed], pad_id: int) -> dict[str, Any]:
    """Tensors for one micro-batch, padded to its longest sequence: `input_ids`, `position_ids`
    (padding restarts at 0, a block of its own) and `labels` shifted for next-token prediction
    (`labels[t]` is the target at position t, `IGNORE` where there is no loss)."""
    import torch

    length = max(len(s) for s in sequences)
    input_ids = torch.full((len(sequences), length), pad_id, dtype=torch.long)
    position_ids = torch.zeros((len(sequences), length), dtype=torch.long)
    labels = torch.full((len(sequences), length), IGNORE, dtype=torch.long)
    for row, seq in enumerate(sequences):
        n = len(seq)
        ids = torch.tensor(seq.input_ids, dtype=torch.long)
        input_ids[row, :n] = ids
        position_ids[row, :n] = torch.tensor(seq.position_ids, dtype=torch.long)
        position_ids[row, n:] = torch.arange(length - n)
        # a target that starts the next sample is never predicted from the previous one
        mask = torch.tensor(seq.loss_mask[1:], dtype=torch.bool) & (position_ids[row, 1:n] != 0)
        labels[row, : n - 1] = torch.where(mask, ids[1:], IGNORE)
    return {"input_ids": input_ids, "position_ids": position_ids, "labels": labels}
