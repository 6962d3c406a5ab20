"""Evaluation reports from trajectory rows: success rate per environment and per task, mean reward
components, and a PNG chart (matplotlib, imported only when a chart is drawn)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from statistics import fmean
from typing import Any

SUCCESS = 1.0 - 1e-9


def summarize(rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """`{"overall", "environments": {env: …}, "tasks": {"env/task": …}}`, each with episodes,
    success rate, mean reward and mean reward components."""
    by_env: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    by_task: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    every = []
    for row in rows:
        meta = row["metadata"]
        every.append(row)
        by_env[meta["env"]].append(row)
        by_task[f"{meta['env']}/{meta['task_id']}"].append(row)
    return {
        "overall": _stats(every),
        "environments": {env: _stats(group) for env, group in sorted(by_env.items())},
        "tasks": {task: _stats(group) for task, group in sorted(by_task.items())},
    }


def _stats(rows: list[Mapping[str, Any]]) -> dict[str, Any]:
    rewards = [row["reward"] for row in rows if row.get("reward") is not None]
    components: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        for name, value in (row["metadata"].get("components") or {}).items():
            components[name].append(value)
    return {
        "episodes": len(rows),
        "success_rate": round(sum(r >= SUCCESS for r in rewards) / len(rewards), 4) if rewards else None,
        "mean_reward": round(fmean(rewards), 4) if rewards else None,
        "components": {name: round(fmean(values), 4) for name, values in sorted(components.items())},
        "mean_turns": round(fmean(row["metadata"].get("turns", 0) for row in rows), 2) if rows else None,
    }


def write_report(
    summary: Mapping[str, Any], directory: str | Path, title: str = "EnvFactory eval"
) -> dict[str, Path]:
    """`report.json` and `report.png` (success rate per environment and per task, mean
    components) in `directory`; returns their paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / "report.json", "png": out / "report.png"}
    paths["json"].write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    tasks = summary["tasks"]
    envs = summary["environments"]
    fig, axes = plt.subplots(
        1, 3, figsize=(16, max(4.0, 0.28 * len(tasks) + 1.5)), gridspec_kw={"width_ratios": [1, 2, 1]}
    )
    _bars(axes[0], {e: s["success_rate"] or 0.0 for e, s in envs.items()}, "success rate by environment")
    _bars(axes[1], {t: s["mean_reward"] or 0.0 for t, s in tasks.items()}, "mean reward by task")
    _bars(axes[2], summary["overall"]["components"], "mean reward components")
    overall = summary["overall"]
    fig.suptitle(
        f"{title}: {overall['episodes']} episodes, success {100 * (overall['success_rate'] or 0):.1f}%, "
        f"mean reward {overall['mean_reward'] or 0:.3f}"
    )
    fig.tight_layout()
    fig.savefig(paths["png"], dpi=110)
    plt.close(fig)
    return paths


def _bars(ax: Any, values: Mapping[str, float], title: str) -> None:
    names = list(values)
    ax.barh(names, [values[n] for n in names], color="#4c72b0")
    ax.set_xlim(0, max(1.0, *values.values()) if values else 1.0)
    ax.invert_yaxis()
    ax.set_title(title)
    ax.tick_params(axis="y", labelsize=8)
