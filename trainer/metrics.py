"""Training metrics: one JSON line per step in `<out>/metrics.jsonl`, and PNG plots of them.

Both phases write the same file format: `{"step": 3, "phase": "grpo", "reward": 0.41, ...}`
(SFT lines carry `"phase": "sft"`). A line is flushed as soon as the step ends, so a run that stalls
or dies still shows how far it got (`tail -f metrics.jsonl`), and the plots can be redrawn from the
file at any time with `plot_metrics`.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TextIO

METRICS_FILE = "metrics.jsonl"
#: The GRPO series plotted by default, in this order (others in the file are plotted after them).
GRPO_KEYS = (
    "reward",
    "success",
    "loss",
    "zero_variance_frac",
    "tool_error_rate",
    "truncation_rate",
    "clip_frac",
    "kl",
    "tokens_per_s",
)


class MetricsLog:
    """Appends one JSON object per step to `<out_dir>/metrics.jsonl`.

    log = MetricsLog(out_dir, phase="grpo")
    log.log(step, reward=0.4, loss=0.02)
    """

    def __init__(self, out_dir: str | Path, phase: str) -> None:
        self.path = Path(out_dir) / METRICS_FILE
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.phase = phase
        self._file: TextIO | None = None

    def log(self, step: int, **values: float | int | str | None) -> dict[str, Any]:
        """Write one line; NaN and infinities become null (JSON has no spelling for them)."""
        line: dict[str, Any] = {"step": step, "phase": self.phase, "time": round(time.time(), 3)}
        for key, value in values.items():
            line[key] = None if isinstance(value, float) and not math.isfinite(value) else value
        if self._file is None:
            self._file = self.path.open("a", encoding="utf-8")
        self._file.write(json.dumps(line) + "\n")
        self._file.flush()
        return line

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> MetricsLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_metrics(path: str | Path, phase: str | None = None) -> list[dict[str, Any]]:
    """The lines of a metrics file (a `metrics.jsonl` or the folder holding it), optionally one phase."""
    path = Path(path)
    if path.is_dir():
        path = path / METRICS_FILE
    if not path.exists():
        raise FileNotFoundError(f"No metrics file at {path}; is this a training output folder?")
    lines = [json.loads(text) for text in path.read_text(encoding="utf-8").splitlines() if text.strip()]
    return [line for line in lines if phase is None or line.get("phase") == phase]


def plot_metrics(
    path: str | Path, out_png: str | Path, phase: str = "grpo", keys: Iterable[str] | None = None
) -> Path | None:
    """One panel per numeric series of `phase` against the step; returns the PNG path, or None
    when the phase logged nothing."""
    lines = read_metrics(path, phase)
    if not lines:
        return None
    series = _series(lines, keys)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cols = min(3, len(series))
    rows = math.ceil(len(series) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 2.8 * rows), squeeze=False)
    for ax, (key, points) in zip(axes.flat, series.items(), strict=False):
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="." if len(points) < 40 else None)
        ax.set_title(key, fontsize=10)
        ax.set_xlabel("step", fontsize=8)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(series) :]:
        ax.axis("off")
    fig.suptitle(f"{phase} metrics", fontsize=11)
    fig.tight_layout()
    out_png = Path(out_png)
    out_png.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out_png, dpi=100)
    plt.close(fig)
    return out_png


def _series(lines: list[Mapping[str, Any]], keys: Iterable[str] | None) -> dict[str, list[tuple[int, float]]]:
    present = [k for line in lines for k, v in line.items() if _is_number(v)]
    ordered = list(dict.fromkeys([*(k for k in GRPO_KEYS if k in present), *present]))
    wanted = list(keys) if keys is not None else [k for k in ordered if k not in ("step", "time")]
    return {
        key: [(line["step"], float(line[key])) for line in lines if _is_number(line.get(key))]
        for key in wanted
        if any(_is_number(line.get(key)) for line in lines)
    }


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
