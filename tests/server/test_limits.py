"""Auth, per-key limits, tool timeouts and idle reaping against a real server."""

from __future__ import annotations

import json
import time

import httpx

from tests.conftest import REPO


def call(client: httpx.Client, sid: str, call_id: str, name: str, args: dict) -> httpx.Response:
    body = {
        "tool_calls": [{"id": call_id, "type": "function", "function": {"name": name, "arguments": args}}]
    }
    return client.post(f"/v1/sessions/{sid}/tool_calls", json=body)


def test_keys_see_only_their_own_sessions_and_roles_gate_admin_routes(make_server) -> None:
    server = make_server(ENVFACTORY_API_KEYS="alice-key:agent,bob-key:agent,root-key:admin")
    alice = httpx.Client(base_url=server.url, headers={"Authorization": "Bearer alice-key"})
    bob = httpx.Client(base_url=server.url, headers={"Authorization": "Bearer bob-key"})
    root = httpx.Client(base_url=server.url, headers={"Authorization": "Bearer root-key"})
    anonymous = httpx.Client(base_url=server.url)
    assert anonymous.get("/v1/environments").status_code == 401
    assert (
        httpx.get(f"{server.url}/v1/environments", headers={"Authorization": "Bearer nope"}).status_code
        == 401
    )
    sid = alice.post("/v1/sessions", json={"env": "todo", "task_id": "todo-001"}).json()["id"]
    assert call(alice, sid, "a", "list_lists", {}).status_code == 200
    assert call(bob, sid, "b", "list_lists", {}).status_code == 404
    assert bob.get(f"/v1/sessions/{sid}").status_code == 404
    assert bob.delete(f"/v1/sessions/{sid}").status_code == 404
    assert sid not in [s["id"] for s in bob.get("/v1/sessions").json()]
    assert sid in [s["id"] for s in alice.get("/v1/sessions").json()]
    assert alice.get(f"/v1/sessions/{sid}/state").status_code == 403
    assert alice.get("/v1/environments/todo/tasks", params={"include_solutions": True}).status_code == 403
    assert root.get(f"/v1/sessions/{sid}/state").status_code == 200
    assert root.get("/v1/environments/todo/tasks", params={"include_solutions": True}).json()[0]["solution"]


def test_sessions_per_key_are_limited_with_429(make_server) -> None:
    server = make_server(ENVFACTORY_MAX_SESSIONS_PER_KEY="2")
    with httpx.Client(base_url=server.url) as client:
        first = client.post("/v1/sessions", json={"env": "todo"}).json()["id"]
        client.post("/v1/sessions", json={"env": "todo"})
        r = client.post("/v1/sessions", json={"env": "todo"})
        assert r.status_code == 429 and r.headers["content-type"] == "application/problem+json"
        assert client.post(f"/v1/sessions/{first}/fork").status_code == 429
        client.delete(f"/v1/sessions/{first}")
        assert client.post("/v1/sessions", json={"env": "todo"}).status_code == 201


def test_a_tool_past_the_timeout_fails_alone_and_the_session_recovers(make_server) -> None:
    server = make_server(
        ENVFACTORY_EXTRA_ENVS="tests.server.envs:SlowTodo",
        ENVFACTORY_TOOL_TIMEOUT_S="0.3",
        PYTHONPATH=str(REPO),
    )
    with httpx.Client(base_url=server.url, timeout=30) as client:
        sid = client.post("/v1/sessions", json={"env": "slow_todo"}).json()["id"]
        other = client.post("/v1/sessions", json={"env": "slow_todo"}).json()["id"]
        assert call(client, sid, "fast", "slow_add", {"title": "quick", "seconds": 0}).json()["outcomes"][0][
            "ok"
        ]
        started = time.monotonic()
        r = call(client, sid, "slow", "slow_add", {"title": "too slow", "seconds": 1.5})
        assert time.monotonic() - started < 1.2
        assert r.status_code == 200 and r.json()["outcomes"][0]["error_kind"] == "timeout"
        assert "did not finish within 0.3 s" in r.json()["messages"][0]["content"]
        assert call(client, other, "x", "list_lists", {}).status_code == 200
        time.sleep(1.5)  # let the abandoned call finish: it must not leak into the session
        titles = [
            i["title"]
            for i in json.loads(call(client, sid, "f", "find_items", {}).json()["messages"][0]["content"])
        ]
        assert "quick" in titles and "too slow" not in titles


def test_idle_sessions_are_reaped_and_their_history_stays_readable(make_server) -> None:
    server = make_server(ENVFACTORY_SESSION_TTL_S="0.5", ENVFACTORY_REAP_INTERVAL_S="0.2")
    with httpx.Client(base_url=server.url) as client:
        sid = client.post("/v1/sessions", json={"env": "todo"}).json()["id"]
        call(client, sid, "a", "list_lists", {})
        deadline = time.monotonic() + 10
        while client.get(f"/v1/sessions/{sid}").json()["status"] != "closed" and time.monotonic() < deadline:
            time.sleep(0.1)
        info = client.get(f"/v1/sessions/{sid}").json()
        assert info["status"] == "closed" and info["closed_reason"] == "idle"
        assert [m["role"] for m in info["messages"]][-2:] == ["assistant", "tool"]
        assert call(client, sid, "b", "list_lists", {}).status_code == 409


def test_graceful_shutdown_finishes_in_flight_calls(make_server) -> None:
    import signal
    import threading

    server = make_server(ENVFACTORY_EXTRA_ENVS="tests.server.envs:SlowTodo", PYTHONPATH=str(REPO))
    client = httpx.Client(base_url=server.url, timeout=30)
    sid = client.post("/v1/sessions", json={"env": "slow_todo"}).json()["id"]
    result: dict[str, httpx.Response] = {}
    worker = threading.Thread(
        target=lambda: result.update(
            r=call(client, sid, "inflight", "slow_add", {"title": "late", "seconds": 1})
        )
    )
    worker.start()
    time.sleep(0.3)  # the call is running inside the server
    server.proc.send_signal(signal.SIGTERM)
    worker.join(timeout=30)
    assert result["r"].status_code == 200 and result["r"].json()["outcomes"][0]["ok"]
    assert server.proc.wait(timeout=30) in (0, -signal.SIGTERM)  # uvicorn re-raises SIGTERM once done
    server.start()
    history = httpx.get(f"{server.url}/v1/sessions/{sid}").json()
    assert [m["tool_call_id"] for m in history["messages"] if m["role"] == "tool"] == ["inflight"]
