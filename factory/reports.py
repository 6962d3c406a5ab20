"""The stats report of a synthesis run: coverage, chain shapes, solve rates, what was dropped."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from statistics import mean
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .graph import ToolGraph
    from .sampler import SamplerStats
    from .trajectories import Record, TrajectoryConfig


def stats_report(
    graph: ToolGraph,
    records: Sequence[Record],
    sampler: SamplerStats,
    dropped: Mapping[str, int],
    seconds: float,
    config: TrajectoryConfig,
) -> dict[str, Any]:
    steps = [s for r in records for s in r.chain.steps]
    used = {f"{s.env}.{s.tool}" for s in steps}
    tools = {}
    for env in sorted(graph.env_classes):
        keys = sorted(k for k, t in graph.tools.items() if t.env == env)
        covered = [k for k in keys if k in used]
        tools[env] = {
            "total": len(keys),
            "covered": len(covered),
            "coverage": round(len(covered) / len(keys), 3) if keys else 0.0,
            "uncovered": [graph.tools[k].name for k in keys if k not in used],
        }
    sft, rl = len(records), sum(r.task is not None for r in records)
    lengths = Counter(len(r.chain.steps) for r in records)
    rates = [r.task.metadata["solve_rate"] for r in records if r.task and "solve_rate" in r.task.metadata]
    first = [r.versions[0]["solve_rate"] for r in records if r.versions]
    return {
        "config": asdict(config),
        "counts": {
            "sft": sft,
            "rl_tasks": rl,
            "trajectories": sft + rl,
            "cross_env_chains": sum(len(r.chain.envs) > 1 for r in records),
            "dropped": dict(sorted(dropped.items())),
        },
        "tools": tools,
        "chain_lengths": {str(k): v for k, v in sorted(lengths.items())},
        "mean_chain_length": round(mean(len(r.chain.steps) for r in records), 2) if records else 0.0,
        "calls": {
            "reads": sum(not s.write for s in steps),
            "writes": sum(s.write for s in steps),
            **{role: sum(s.role == role for s in steps) for role in ("lookup", "intent", "setup")},
            "with_answer": sum(s.answer is not None for s in steps),
        },
        "turns": {str(k): v for k, v in sorted(Counter(len(r.chain.turns) for r in records).items())},
        "solve_rates": {
            "kept_mean": round(mean(rates), 3) if rates else None,
            "first_version_mean": round(mean(first), 3) if first else None,
            "refined": sum(
                len(r.versions) > 1
                and r.task is not None
                and r.task.metadata.get("turns") != r.versions[0]["turns"]
                for r in records
            ),
        },
        "sampler": asdict(sampler),
        "seconds": round(seconds, 2),
        "trajectories_per_minute": round((sft + rl) / seconds * 60, 1) if seconds > 0 else None,
    }


def print_stats(stats: Mapping[str, Any]) -> None:
    """The report as rich tables (for the CLI and the benchmark)."""
    from rich.console import Console
    from rich.table import Table

    console = Console(stderr=True)
    counts = stats["counts"]
    console.print(
        f"[bold]{counts['sft']} SFT trajectories, {counts['rl_tasks']} RL tasks[/bold] "
        f"in {stats['seconds']} s "
        f"({stats['trajectories_per_minute']} per minute); mean chain length {stats['mean_chain_length']}, "
        f"{stats['calls']['reads']} reads / {stats['calls']['writes']} writes"
    )
    table = Table("environment", "tools covered", "uncovered")
    for env, row in stats["tools"].items():
        table.add_row(env, f"{row['covered']}/{row['total']}", ", ".join(row["uncovered"]) or "-")
    console.print(table)
    rates = stats["solve_rates"]
    if rates["kept_mean"] is not None:
        console.print(
            f"solve rate: first version {rates['first_version_mean']}, kept {rates['kept_mean']}, "
            f"{rates['refined']} queries refined"
        )
    if counts["dropped"]:
        console.print("dropped: " + ", ".join(f"{k} ({v})" for k, v in counts["dropped"].items()))
