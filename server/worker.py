"""The environment worker: a process that hosts sessions of untrusted environment code.

    python -m envfactory.server.worker --listen unix:/run/envfactory/worker.sock \
        [--extra-envs module:Class,...] [--memory-mb N]

The `process` and `docker` hosts start one (as a child process, or inside a container with no
network) and talk to it over a Unix socket: one JSON object per line each way, one request at a
time. It needs only `envfactory.environments` (the `envs` extra), never the server.

Requests are `{"op": ..., ...}`; answers `{"ok": true, "result": ...}` or `{"ok": false, "error":
..., "kind": ...}` for a request that could not be served (a tool failure is a normal result).

    start     session, env, seed, base_state, state  -> offered tool names
    call      session, name, arguments                -> {content, ok, error_kind}
    replay    session, calls: [{name, arguments, failed}] (failed: a kind recorded without running)
    fork      session, child
    export    session                                 -> the exported state
    evaluate  session, task, final_response           -> {reward, components, diff, details}
    close     session
    ping                                              -> {pid}

The process may be killed at any moment (a call past its timeout, a crash); the server rebuilds
the sessions it held from the event log, elsewhere.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
from typing import Any

from envfactory.environments import CallRecord, EnvFactoryError, Environment, Task, evaluate, registry
from envfactory.environments.rewards import reward_json


class Worker:
    def __init__(self) -> None:
        self.sessions: dict[str, Environment] = {}

    def handle(self, request: dict[str, Any]) -> Any:
        op = request["op"]
        if op == "ping":
            return {"pid": os.getpid()}
        if op == "start":
            cls = registry.get(request["env"])
            env = cls.create(seed=request.get("seed"), state=request.get("base_state"))
            if request.get("state"):
                env.import_state(request["state"])
                env.offered = frozenset(cls.offered_tools(request["state"]))
            self.sessions[request["session"]] = env
            return sorted(env.offered)
        env = self.sessions.get(request["session"])
        if env is None:
            raise KeyError(f"no session {request['session']!r} in this worker")
        if op == "call":
            result = env.call(request["name"], request["arguments"])
            return {"content": result.content, "ok": result.ok, "error_kind": result.error_kind}
        if op == "replay":
            for call in request["calls"]:
                if call.get("failed"):
                    spec = env.tools.get(call["name"])
                    write = bool(spec and spec.write)
                    env.trace.append(CallRecord(call["name"], {}, False, call["failed"], write))
                else:
                    env.call(call["name"], call["arguments"])
            return None
        if op == "fork":
            self.sessions[request["child"]] = env.fork()
            return None
        if op == "export":
            return env.export_state()
        if op == "evaluate":
            return reward_json(
                evaluate(env, Task.model_validate(request["task"]), request.get("final_response"))
            )
        if op == "close":
            self.sessions.pop(request["session"]).close()
            return None
        raise ValueError(f"unknown op {op!r}")

    def serve(self, conn: socket.socket) -> None:
        reader = conn.makefile("rb")
        writer = conn.makefile("wb")
        for line in reader:
            try:
                answer = {"ok": True, "result": self.handle(json.loads(line))}
            except (EnvFactoryError, KeyError, ValueError, TypeError) as exc:
                answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}", "kind": type(exc).__name__}
            writer.write(json.dumps(answer, ensure_ascii=False).encode() + b"\n")
            writer.flush()


FILE_LIMIT = 64 << 20  # bytes a worker may write to any one file


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", required=True, help="unix:/path/to/socket")
    parser.add_argument("--extra-envs", default=os.environ.get("ENVFACTORY_EXTRA_ENVS", ""))
    parser.add_argument(
        "--memory-mb", type=int, help="address-space limit: a bigger allocation is a MemoryError"
    )
    args = parser.parse_args(argv)
    if args.memory_mb:
        limit = args.memory_mb << 20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, FILE_LIMIT))  # sessions live in memory
    for target in filter(None, (t.strip() for t in args.extra_envs.split(","))):
        registry.add_target(target)
    path = args.listen.removeprefix("unix:")
    if os.path.exists(path):
        os.unlink(path)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    os.chmod(path, 0o666)  # the server may run as another user than the container's
    server.listen(1)
    conn, _ = server.accept()  # one host connection for the worker's life
    server.close()
    Worker().serve(conn)


if __name__ == "__main__":
    main()
