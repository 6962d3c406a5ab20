"""Server throughput and latency under concurrent agents, against a live server process.

    python bench/server.py [--sessions 64] [--calls 20] [--rounds 3] [--mix mixed|light]
                           [--client httpx|raw] [--rate CALLS_PER_S]

Starts `envfactory serve` on 127.0.0.1 (SQLite event log, durable group commit on), then N
concurrent async clients each run: create session -> k tool calls (one per request) -> evaluate
-> close. Prints tool calls/s, sessions/s, p50/p99 latency per request kind, the CPU seconds the
server and the clients spent per request, and the in-process baseline for the same calls (the
environment alone, no HTTP, no log) as a ratio.

Clients: `httpx` (what agents use; on a 2-core machine its own CPU, about 1.5 ms per request,
is the bottleneck) or `raw` (a minimal HTTP/1.1 keep-alive client on asyncio streams, ~0.1 ms
per request, so the figure is the server's).

Load: closed loop by default (every client sends its next request as soon as the last one is
answered: the most throughput, and by Little's law latency = sessions / throughput), or open loop
with `--rate` (the calls of all sessions are scheduled at that total rate, the way agents that
spend time in an LLM between calls arrive; latency counts from the scheduled send time, so a
server that falls behind is charged for it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
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


def start_server(db: Path, **extra_env: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "ENVFACTORY_DATABASE_URL": f"sqlite:///{db}",
        "ENVFACTORY_LOG_LEVEL": "warning",
        **extra_env,
    }
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


class RawClient:
    """HTTP/1.1 over one keep-alive connection with asyncio streams: just enough for this server
    (JSON bodies, Content-Length framing), so the load generator costs little CPU."""

    def __init__(self, url: str) -> None:
        host, port = url.removeprefix("http://").split(":")
        self.host, self.port = host, int(port)
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: object = None) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        payload = json.dumps(body).encode() if body is not None else b""
        self.writer.write(
            f"{method} {path} HTTP/1.1\r\nhost: {self.host}\r\ncontent-type: application/json\r\n"
            f"content-length: {len(payload)}\r\n\r\n".encode()
            + payload
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        return status, await self.reader.readexactly(length) if length else b""

    async def aclose(self) -> None:
        if self.writer is not None:
            self.writer.close()


class HttpxClient:
    def __init__(self, url: str) -> None:
        self.client = httpx.AsyncClient(base_url=url, timeout=60)

    async def request(self, method: str, path: str, body: object = None) -> tuple[int, bytes]:
        r = await self.client.request(method, path, json=body)
        return r.status_code, r.content

    async def aclose(self) -> None:
        await self.client.aclose()


CLIENTS = {"httpx": HttpxClient, "raw": RawClient}


async def agent(
    client: RawClient | HttpxClient,
    env: str,
    task_id: str,
    k: int,
    runs: int,
    lat: dict[str, list[float]],
    interval: float | None,
    offset: float,
) -> None:
    """One agent slot: `runs` sessions back to back. Open loop: requests are due on a fixed
    cadence (`interval` apart, starting at `offset`), and latency counts from when they were due."""
    tick = time.perf_counter() + offset

    async def timed(kind: str, method: str, path: str, body: object = None, scheduled: bool = False) -> bytes:
        nonlocal tick
        t0 = time.perf_counter()
        if scheduled and interval is not None:
            await asyncio.sleep(max(0.0, tick - t0))
            t0, tick = tick, tick + interval
        status, payload = await client.request(method, path, body)
        done = time.perf_counter()
        lat[kind].append(done - t0)
        if kind == "tool_call":
            lat["done"].append(done)
        if status >= 400:
            raise SystemExit(f"{method} {path} answered {status}: {payload[:200]!r}")
        return payload

    for _ in range(runs):
        created = await timed("create", "POST", "/v1/sessions", {"env": env, "task_id": task_id}, True)
        sid = json.loads(created)["id"]
        for i in range(k):
            name, args = CALL_MIX[i % len(CALL_MIX)]
            call = {"id": f"c{i}", "type": "function", "function": {"name": name, "arguments": args}}
            await timed("tool_call", "POST", f"/v1/sessions/{sid}/tool_calls", {"tool_calls": [call]}, True)
        await timed("evaluate", "POST", f"/v1/sessions/{sid}/evaluate", {"final_response": "done"})
        await timed("close", "DELETE", f"/v1/sessions/{sid}")


async def run_load(
    url: str,
    env: str,
    task_id: str,
    sessions: int,
    k: int,
    runs: int,
    client: str = "httpx",
    rate: float | None = None,
) -> tuple[float, dict[str, list[float]]]:
    """`sessions` concurrent agents, each running `runs` sessions of `k` calls. Returns the tool
    calls/s over the steady part of the run and the latencies by request kind."""
    lat: dict[str, list[float]] = defaultdict(list)
    # One client (one keep-alive connection) per agent, as separate agent processes would have:
    # httpx's shared pool costs grow with its connection count and would make the client the bottleneck.
    clients = [CLIENTS[client](url) for _ in range(sessions)]
    interval = sessions / rate if rate else None  # each agent's time between two requests
    # Open loop: agents start spread over one session's length, so sessions begin and end
    # continuously (as in a steady stream of episodes) instead of all at once.
    ramp = (k + 1) * interval if interval else 0.0
    try:
        start = time.perf_counter()
        await asyncio.gather(
            *(
                agent(c, env, task_id, k, runs, lat, interval, ramp * i / sessions)
                for i, c in enumerate(clients)
            )
        )
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    done = lat.pop("done")
    first, last = start + ramp, max(done) - ramp
    if last - first < 0.2 * (max(done) - start):  # too short to have a steady part: use it all
        first, last = start, max(done)
    return sum(first <= t <= last for t in done) / (last - first), lat


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
    parser.add_argument("--rounds", type=int, default=3, help="sessions each agent runs in turn")
    parser.add_argument("--env", default="todo")
    parser.add_argument("--task", default="todo-001")
    parser.add_argument(
        "--mix", choices=sorted(MIXES), default="mixed", help="todo calls: mixed or light (get_item)"
    )
    parser.add_argument("--client", choices=sorted(CLIENTS), default="httpx")
    parser.add_argument("--rate", type=float, help="open loop: total requests/s across sessions")
    args = parser.parse_args()
    CALL_MIX[:] = MIXES[args.mix]
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_server(Path(tmp) / "bench.sqlite3")
        try:
            asyncio.run(run_load(url, args.env, args.task, 8, 3, 1, args.client))  # warm-up
            server_cpu, client_cpu = cpu_seconds(proc.pid), time.process_time()
            wall = time.perf_counter()
            calls_per_s, lat = asyncio.run(
                run_load(
                    url, args.env, args.task, args.sessions, args.calls, args.rounds, args.client, args.rate
                )
            )
            wall = time.perf_counter() - wall
            server_cpu, client_cpu = cpu_seconds(proc.pid) - server_cpu, time.process_time() - client_cpu
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    baseline = in_process_calls_per_s(args.env, args.calls, 200)
    requests = sum(len(samples) for samples in lat.values())
    load = f"open loop at {args.rate:g} requests/s" if args.rate else "closed loop"
    print(
        f"server bench: env={args.env} mix={args.mix} client={args.client} {load} "
        f"sessions={args.sessions} calls/session={args.calls} sessions/agent={args.rounds}"
    )
    print(
        f"  tool calls/s      {calls_per_s:8.0f}   (in-process baseline {baseline:.0f}/s, "
        f"ratio {calls_per_s / baseline:.3f})"
    )
    print(f"  sessions/s        {len(lat['create']) / wall:8.1f}")
    print(
        f"  CPU per request   server {1000 * server_cpu / requests:.3f} ms, "
        f"clients {1000 * client_cpu / requests:.3f} ms"
    )
    for kind in ("create", "tool_call", "evaluate", "close"):
        print(
            f"  {kind:<10} p50 {ms(lat[kind], 0.5):6.2f} ms   p99 {ms(lat[kind], 0.99):6.2f} ms   "
            f"mean {statistics.fmean(lat[kind]) * 1000:6.2f} ms"
        )


if __name__ == "__main__":
    main()
