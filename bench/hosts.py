"""What isolation costs: the same requests against a live server on each host.

    python bench/hosts.py [--hosts inprocess,process,docker,mcp] [--n 200] [--sessions 32]

For every host a server is started with `ENVFACTORY_DEFAULT_HOST=<host>` (`mcp`: the test
inventory MCP server of tests/server/, a process per session) and measured with a minimal
keep-alive client (bench/server.py's `RawClient`, so the figures are the server's): session
create, fork and one tool call (p50/p99 over `--n` sequential requests), then tool calls/s with
`--sessions` concurrent sessions. For `docker`, the cold start of one worker container (docker
run until its socket answers) is measured on its own. Ratios are to `inprocess` in the same run.
Targets: a new session on a warm docker pool under 20 ms p50; process tool-call overhead under
1 ms p50.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from server import RawClient, start_server  # bench/server.py

ROOT = Path(__file__).resolve().parents[1]
CALL = {"name": "get_item", "arguments": {"item_id": "T101"}}
MCP_CALL = {"name": "list_stock", "arguments": {}}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def timed(client: RawClient, method: str, path: str, body: object = None) -> tuple[float, dict]:
    start = time.perf_counter()
    status, raw = await client.request(method, path, body)
    elapsed = (time.perf_counter() - start) * 1000
    if status >= 300:
        raise SystemExit(f"{method} {path} -> {status}: {raw[:300]!r}")
    return elapsed, json.loads(raw) if raw else {}


def tool_call(call: dict, i: int) -> dict:
    return {
        "tool_calls": [{"id": f"b{i}", "function": {"name": call["name"], "arguments": call["arguments"]}}]
    }


async def measure(url: str, env: str, call: dict, n: int, sessions: int) -> dict[str, float]:
    client = RawClient(url)
    creates, forks, calls, sids = [], [], [], []
    for _ in range(n):
        ms, body = await timed(client, "POST", "/v1/sessions", {"env": env})
        creates.append(ms)
        sids.append(body["id"])
    for i in range(n):
        calls.append(
            (await timed(client, "POST", f"/v1/sessions/{sids[0]}/tool_calls", tool_call(call, i)))[0]
        )
    for i in range(min(n, 50)):
        ms, body = await timed(client, "POST", f"/v1/sessions/{sids[i]}/fork")
        forks.append(ms)
        sids.append(body["id"])
    for sid in sids:
        await client.request("DELETE", f"/v1/sessions/{sid}")

    async def agent(k: int, sid: str, count: int) -> None:
        own = RawClient(url)
        for i in range(count):
            await own.request("POST", f"/v1/sessions/{sid}/tool_calls", tool_call(call, k * 100_000 + i))

    live = [(await timed(client, "POST", "/v1/sessions", {"env": env}))[1]["id"] for _ in range(sessions)]
    per = max(5, n // 4)
    start = time.perf_counter()
    await asyncio.gather(*(agent(k, sid, per) for k, sid in enumerate(live)))
    rate = sessions * per / (time.perf_counter() - start)
    for sid in live:
        await client.request("DELETE", f"/v1/sessions/{sid}")
    return {
        "create_p50": statistics.median(creates),
        "create_p99": pct(creates, 0.99),
        "fork_p50": statistics.median(forks),
        "call_p50": statistics.median(calls),
        "call_p99": pct(calls, 0.99),
        "calls_per_s": rate,
    }


def container_cold_start(repeats: int = 3) -> float:
    """Seconds from `docker run` of a worker container until its socket answers (median)."""
    from envfactory.server.docker_host import DockerHost
    from envfactory.server.settings import Settings

    async def one() -> float:
        host = DockerHost(Settings(default_host="docker", docker_workers=1))
        start = time.perf_counter()
        link = await host.spawn("bench")
        elapsed = time.perf_counter() - start
        await link.kill()
        await host.stop()
        return elapsed

    return statistics.median(asyncio.run(one()) for _ in range(repeats))


def server_env(host: str, tmp: Path) -> tuple[str, dict, dict[str, str]]:
    if host != "mcp":
        return "todo", CALL, {"ENVFACTORY_DEFAULT_HOST": host}
    config = {
        "mcpServers": {"inventory": {"command": ["python", str(ROOT / "tests/server/mcp_inventory.py")]}}
    }
    (tmp / "mcp.json").write_text(json.dumps(config))
    return "inventory", MCP_CALL, {"ENVFACTORY_MCP_CONFIG": str(tmp / "mcp.json")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", default="inprocess,process,docker,mcp")
    parser.add_argument("--n", type=int, default=200, help="sequential requests per measurement")
    parser.add_argument("--sessions", type=int, default=32, help="concurrent sessions for calls/s")
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    for host in args.hosts.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            env, call, extra = server_env(host, Path(tmp))
            proc, url = start_server(Path(tmp) / "bench.sqlite3", **extra)
            try:
                time.sleep(3 if host == "docker" else 0.5)  # the docker host fills its warm pool
                results[host] = asyncio.run(measure(url, env, call, args.n, args.sessions))
            finally:
                proc.terminate()
                proc.wait(timeout=60)
        print(f"{host}: done", file=sys.stderr)
    base = results.get("inprocess")
    columns = [("create p50", 11), ("p99", 8), ("fork p50", 9), ("call p50", 9), ("p99", 8), ("calls/s", 8)]
    header = f"{'host':<10} " + " ".join(f"{name:>{width}}" for name, width in columns)
    print(header + (" " * 3 + "call p50 / inprocess" if base else ""))
    for host, r in results.items():
        ratio = f"   {r['call_p50'] / base['call_p50']:.2f}x" if base else ""
        print(
            f"{host:<10} {r['create_p50']:>9.2f}ms {r['create_p99']:>6.2f}ms {r['fork_p50']:>7.2f}ms "
            f"{r['call_p50']:>7.2f}ms {r['call_p99']:>6.2f}ms {r['calls_per_s']:>8.0f}{ratio}"
        )
    if base and "process" in results:
        overhead = results["process"]["call_p50"] - base["call_p50"]
        print(f"process tool-call overhead over inprocess: {overhead:.2f} ms p50 (target < 1 ms)")
    if "docker" in results:
        print(f"docker container cold start: {container_cold_start():.2f} s (median of 3)")


if __name__ == "__main__":
    main()
