"""Environment core figures: session create (clone) and fork latency, framework overhead per
tool call, memory per live session — for every registered environment.

    python bench/env_core.py [--envs todo,airline] [--n 2000] [--json out.json]

Framework overhead = time of `env.call(tool, args)` minus the time of calling the tool method
directly with already-validated arguments, on the same session, interleaved, so the tool body
(SQL and Python) cancels out and what is left is validation, dispatch, access tracking, the
transaction bracket, output conversion and trace recording.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.table import Table

from envfactory.environments import Environment, registry, tool

N_SESSIONS_FOR_MEMORY = 200


class Noop(Environment):
    """An environment whose tools do nothing: measures the framework alone."""

    name = "_noop"
    domain = "bench"
    description = "No-op tools."
    from envfactory.environments.catalog.todo.models import Base

    metadata = Base.metadata

    @tool()
    def peek(self, item_id: str, limit: int = 10) -> dict:
        """Return the arguments.

        Args:
            item_id: any id.
            limit: any number.
        """
        return {"item_id": item_id, "limit": limit}

    @tool(write=True)
    def poke(self, item_id: str, limit: int = 10) -> dict:
        """Return the arguments (as a write tool).

        Args:
            item_id: any id.
            limit: any number.
        """
        return {"item_id": item_id, "limit": limit}


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def timed(fn: Callable[[], Any], n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter_ns()
        fn()
        out.append((time.perf_counter_ns() - t0) / 1000)
    return out


def rss_kib() -> int:
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS"))


def call_overhead(env: Environment, tool_name: str, args: dict[str, Any], n: int) -> float:
    spec = env.tools[tool_name]
    method = getattr(env, spec.method_name)
    values = spec.validate(args)
    full, body = [], []
    for _ in range(n):
        t0 = time.perf_counter_ns()
        env.call(tool_name, args)
        t1 = time.perf_counter_ns()
        method(**values)
        env.conn.rollback()
        t2 = time.perf_counter_ns()
        full.append(t1 - t0)
        body.append(t2 - t1)
    env.trace.clear()
    return (statistics.median(full) - statistics.median(body)) / 1000


def read_call(cls: type[Environment]) -> tuple[str, dict[str, Any]]:
    for task in cls.tasks():
        for call in task.solution:
            if not cls.tools[call.name].write:
                return call.name, dict(call.arguments)
    raise SystemExit(f"{cls.name}: no read call in any task solution")


def measure(cls: type[Environment], n: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    template = cls._template(cls.default_seed)
    build_ms = (time.perf_counter() - t0) * 1000
    db_kib = len(template.serialize()) / 1024
    create = timed(lambda: cls.create().close(), n)
    parent = cls.create()
    fork = timed(lambda: parent.fork().close(), n)
    row: dict[str, Any] = {
        "env": cls.name,
        "tools": len(cls.tools),
        "seed_build_ms": round(build_ms, 1),
        "db_kib": round(db_kib),
        "create_p50_us": percentiles(create)[0],
        "create_p99_us": percentiles(create)[1],
        "fork_p50_us": percentiles(fork)[0],
        "fork_p99_us": percentiles(fork)[1],
    }
    if cls.tasks():
        name, args = read_call(cls)
        row["read_tool"] = name
        row["overhead_read_us"] = call_overhead(cls.create(), name, args, n)
    row["mem_per_session_kib"] = memory_per_session(cls.name)
    return row


def memory_per_session(name: str) -> float:
    """RSS growth per live session, measured in a fresh interpreter (this one's allocator already
    holds the memory of the thousands of sessions timed above, which would hide the growth)."""
    probe = [sys.executable, __file__, "--memory-probe", name]
    return float(subprocess.run(probe, capture_output=True, text=True, check=True, timeout=300).stdout)


def memory_probe(name: str) -> None:
    cls = registry.get(name)
    cls.create().close()  # the template
    before = rss_kib()
    live = [cls.create() for _ in range(N_SESSIONS_FOR_MEMORY)]
    print((rss_kib() - before) / len(live))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--envs", help="comma-separated names (default: all registered)")
    parser.add_argument("--n", type=int, default=2000, help="samples per figure")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--memory-probe", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_probe:
        memory_probe(args.memory_probe)
        return
    names = args.envs.split(",") if args.envs else registry.names()
    rows = [measure(registry.get(name), args.n) for name in names]
    noop = Noop.create()
    framework = {
        "read_tool_overhead_us": call_overhead(noop, "peek", {"item_id": "x", "limit": 3}, args.n * 5),
        "write_tool_overhead_us": call_overhead(noop, "poke", {"item_id": "x", "limit": 3}, args.n * 5),
    }
    table = Table(title=f"env_core (python {sys.version.split()[0]}, n={args.n})")
    cols = [
        "env",
        "tools",
        "db_kib",
        "seed_build_ms",
        "create_p50_us",
        "create_p99_us",
        "fork_p50_us",
        "fork_p99_us",
        "overhead_read_us",
        "mem_per_session_kib",
    ]
    for col in cols:
        table.add_column(col, justify="right")
    for row in rows:
        table.add_row(
            *(
                f"{row.get(c, '-'):.1f}" if isinstance(row.get(c), float) else str(row.get(c, "-"))
                for c in cols
            )
        )
    console = Console(width=200)
    console.print(table)
    console.print(
        f"framework overhead per call (no-op tool): read {framework['read_tool_overhead_us']:.1f} µs, "
        f"write {framework['write_tool_overhead_us']:.1f} µs (includes the commit)"
    )
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"environments": rows, "framework": framework}, fh, indent=2)


if __name__ == "__main__":
    main()
