"""kill -9 under concurrent load, restart: every acknowledged call is there and every session's
state is exactly what replaying its log in-process gives."""

from __future__ import annotations

import json
import threading

import httpx

from envfactory.environments import registry

Todo = registry.get("todo")
CLIENTS = 6
CALLS_PER_CLIENT = 400


def drive(url: str, sid: str, prefix: str, acked: dict[str, str], stop: threading.Event) -> None:
    with httpx.Client(base_url=url, timeout=10) as client:
        for i in range(CALLS_PER_CLIENT):
            if stop.is_set():
                return
            call_id = f"{prefix}-{i}"
            args = {"list_name": "Home", "title": f"{prefix} chore {i}"} if i % 3 else {"query": "chore"}
            name = "add_item" if i % 3 else "find_items"
            body = {
                "tool_calls": [
                    {"id": call_id, "type": "function", "function": {"name": name, "arguments": args}}
                ]
            }
            try:
                r = client.post(f"/v1/sessions/{sid}/tool_calls", json=body)
            except httpx.TransportError:
                return
            if r.status_code == 200:
                acked[call_id] = r.json()["messages"][0]["content"]


def replayed_state(history: dict) -> dict:
    env = Todo.create()
    for message in history["messages"]:
        for call in message.get("tool_calls") or []:
            env.call(call["function"]["name"], call["function"]["arguments"])
    return env.export_state()


def test_kill_9_under_load_loses_no_acknowledged_call(make_server) -> None:
    kill_under_load_and_recover(make_server())


def test_kill_9_under_load_with_postgresql(make_server, postgres_url: str) -> None:
    kill_under_load_and_recover(make_server(database_url=postgres_url))


def kill_under_load_and_recover(server) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        sids = [client.post("/v1/sessions", json={"env": "todo"}).json()["id"] for _ in range(CLIENTS)]
    acked: dict[str, str] = {}
    stop = threading.Event()
    threads = [
        threading.Thread(target=drive, args=(server.url, sid, f"s{n}", acked, stop))
        for n, sid in enumerate(sids)
    ]
    for t in threads:
        t.start()
    while len(acked) < 300 and any(t.is_alive() for t in threads):
        threading.Event().wait(0.01)
    server.kill()
    stop.set()
    for t in threads:
        t.join(timeout=30)
    assert len(acked) >= 300

    server.start()
    with httpx.Client(base_url=server.url, timeout=30) as client:
        logged: dict[str, str] = {}
        for sid in sids:
            history = client.get(f"/v1/sessions/{sid}").json()
            for m in history["messages"]:
                if m["role"] == "tool":
                    logged[m["tool_call_id"]] = m["content"]
            state = client.get(f"/v1/sessions/{sid}/state").json()
            assert state == replayed_state(history)
        missing = [cid for cid in acked if cid not in logged]
        assert not missing, f"{len(missing)} acknowledged calls lost, e.g. {missing[:3]}"
        assert all(logged[cid] == content for cid, content in acked.items())
        # the sessions keep working after recovery, ids stay idempotent
        sid = sids[0]
        known = next(cid for cid in acked if cid.startswith("s0-"))
        retry = client.post(
            f"/v1/sessions/{sid}/tool_calls",
            json={
                "tool_calls": [
                    {"id": known, "type": "function", "function": {"name": "list_lists", "arguments": "{}"}}
                ]
            },
        ).json()
        assert retry["outcomes"][0]["replayed"] is True and retry["messages"][0]["content"] == acked[known]
        fresh = client.post(
            f"/v1/sessions/{sid}/tool_calls",
            json={
                "tool_calls": [
                    {"id": "after", "type": "function", "function": {"name": "list_lists", "arguments": "{}"}}
                ]
            },
        ).json()
        lists = json.loads(fresh["messages"][0]["content"])
        home = next(x for x in lists if x["name"] == "Home")
        added = sum(1 for cid in logged if cid.startswith("s0-") and int(cid.split("-")[1]) % 3)
        assert home["open_items"] == 8 + added
