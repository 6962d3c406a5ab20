"""Server throughput and latency under concurrent agents, against a live server process.

    python bench/server.py [--sessions 64] [--calls 20] [--rounds 3] [--env todo]

Starts `envfactory serve` on 127.0.0.1 (SQLite event log, durable group commit on), then N
concurrent async clients (httpx) each run: create session -> k tool calls (one per request)
-> evaluate -> close. Prints tool calls/s, sessions/s, p50/p99 latency per request kind, and the
in-process baseline for the same calls (the environment alone, no HTTP, no log) as a ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

from envfactory.environments import registry

MIXES = {
    "mixed": [("find_items", {"query": "the"}), ("list_lists", {}), ("get_item", {"item_id": "T101"})],
    "light": [("get_item", {"item_id": "T101"})],
}
CALL_MIX = MIXES["mixed"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "ENVFACTORY_DATABASE_URL": f"sqlite:///{db}", "ENVFACTORY_LOG_LEVEL": "warning"}
    proc = subprocess.Popen([sys.executable, "-m", "envfactory.cli", "serve", "--port", str(port)], env=env)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


async def agent(
    client: httpx.AsyncClient, env: str, task_id: str, k: int, lat: dict[str, list[float]]
) -> None:
    t0 = time.perf_counter()
    r = await client.post("/v1/sessions", json={"env": env, "task_id": task_id})
    lat["create"].append(time.perf_counter() - t0)
    sid = r.json()["id"]
    for i in range(k):
        name, args = CALL_MIX[i % len(CALL_MIX)]
        body = {
            "tool_calls": [{"id": f"c{i}", "type": "function", "function": {"name": name, "arguments": args}}]
        }
        t0 = time.perf_counter()
        r = await client.post(f"/v1/sessions/{sid}/tool_calls", json=body)
        lat["tool_call"].append(time.perf_counter() - t0)
        r.raise_for_status()
    t0 = time.perf_counter()
    (await client.post(f"/v1/sessions/{sid}/evaluate", json={"final_response": "done"})).raise_for_status()
    lat["evaluate"].append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    await client.delete(f"/v1/sessions/{sid}")
    lat["close"].append(time.perf_counter() - t0)


async def run_round(
    url: str, env: str, task_id: str, sessions: int, k: int
) -> tuple[float, dict[str, list[float]]]:
    lat: dict[str, list[float]] = defaultdict(list)
    # One client (one keep-alive connection) per agent, as separate agent processes would have:
    # httpx's shared pool costs grow with its connection count and would make the client the bottleneck.
    clients = [httpx.AsyncClient(base_url=url, timeout=60) for _ in range(sessions)]
    try:
        start = time.perf_counter()
        await asyncio.gather(*(agent(c, env, task_id, k, lat) for c in clients))
        return time.perf_counter() - start, lat
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))


def in_process_calls_per_s(env: str, k: int, n: int) -> float:
    cls = registry.get(env)
    start = time.perf_counter()
    for _ in range(n):
        session = cls.create()
        for i in range(k):
            name, args = CALL_MIX[i % len(CALL_MIX)]
            session.call(name, args)
        session.close()
    return n * k / (time.perf_counter() - start)


def ms(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=64)
    parser.add_argument("--calls", type=int, default=20, help="tool calls per session")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--env", default="todo")
    parser.add_argument("--task", default="todo-001")
    parser.add_argument(
        "--mix", choices=sorted(MIXES), default="mixed", help="todo calls: mixed or light (get_item)"
    )
    args = parser.parse_args()
    CALL_MIX[:] = MIXES[args.mix]
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_server(Path(tmp) / "bench.sqlite3")
        try:
            asyncio.run(run_round(url, args.env, args.task, 8, 3))  # warm-up
            results = [
                asyncio.run(run_round(url, args.env, args.task, args.sessions, args.calls))
                for _ in range(args.rounds)
            ]
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    wall = sum(r[0] for r in results)
    lat: dict[str, list[float]] = defaultdict(list)
    for _, part in results:
        for kind, samples in part.items():
            lat[kind].extend(samples)
    calls = len(lat["tool_call"])
    baseline = in_process_calls_per_s(args.env, args.calls, 200)
    print(
        f"server bench: env={args.env} sessions={args.sessions} "
        f"calls/session={args.calls} rounds={args.rounds}"
    )
    print(
        f"  tool calls/s      {calls / wall:8.0f}   (in-process baseline {baseline:.0f}/s, "
        f"ratio {calls / wall / baseline:.3f})"
    )
    print(f"  sessions/s        {len(lat['create']) / wall:8.1f}")
    for kind in ("create", "tool_call", "evaluate", "close"):
        print(
            f"  {kind:<10} p50 {ms(lat[kind], 0.5):6.2f} ms   p99 {ms(lat[kind], 0.99):6.2f} ms   "
            f"mean {statistics.fmean(lat[kind]) * 1000:6.2f} ms"
        )


if __name__ == "__main__":
    main()
