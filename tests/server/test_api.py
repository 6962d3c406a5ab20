"""Round trips over HTTP against a real server process."""

from __future__ import annotations

import json

import httpx

PROBLEM = "application/problem+json"


def create(client: httpx.Client, **body: object) -> dict:
    r = client.post("/v1/sessions", json={"env": "todo", **body})
    assert r.status_code == 201, r.text
    return r.json()


def calls(client: httpx.Client, sid: str, *items: tuple[str, str, object]) -> httpx.Response:
    tool_calls = [
        {"id": cid, "type": "function", "function": {"name": name, "arguments": args}}
        for cid, name, args in items
    ]
    return client.post(f"/v1/sessions/{sid}/tool_calls", json={"tool_calls": tool_calls})


def test_environment_routes_list_the_catalog_with_openai_tools(client: httpx.Client) -> None:
    envs = {e["name"]: e for e in client.get("/v1/environments").json()}
    assert envs["todo"]["kind"] == "native" and envs["todo"]["tasks"] >= 10
    one = client.get("/v1/environments/todo").json()
    assert one["tools"][0]["type"] == "function"
    tasks = client.get("/v1/environments/todo/tasks").json()
    assert tasks and all("solution" not in t for t in tasks)
    with_solutions = client.get("/v1/environments/todo/tasks", params={"include_solutions": True}).json()
    assert with_solutions[0]["solution"]


def test_a_task_episode_end_to_end(client: httpx.Client) -> None:
    session = create(client, task_id="todo-001")
    assert [m["role"] for m in session["messages"]] == ["system", "user"]
    assert "leaking tap" in session["messages"][1]["content"]
    sid = session["id"]
    r = calls(client, sid, ("c1", "find_items", json.dumps({"query": "tap"})))
    assert r.status_code == 200
    found = json.loads(r.json()["messages"][0]["content"])
    assert found[0]["id"] == "T102"
    r = calls(client, sid, ("c2", "complete_item", {"item_id": found[0]["id"]}))
    assert r.json()["outcomes"][0]["ok"] is True
    result = client.post(f"/v1/sessions/{sid}/evaluate", json={"final_response": "Done, ticked off."}).json()
    assert result["reward"] == 1.0 and result["components"]["state"] == 1.0
    history = client.get(f"/v1/sessions/{sid}").json()
    roles = [m["role"] for m in history["messages"]]
    assert roles == ["system", "user", "assistant", "tool", "assistant", "tool", "assistant"]
    traj = client.get(f"/v1/sessions/{sid}/trajectory").json()
    assert traj["reward"]["reward"] == 1.0 and traj["tools"] and traj["metadata"]["task_id"] == "todo-001"
    assert client.delete(f"/v1/sessions/{sid}").status_code == 204
    closed = client.get(f"/v1/sessions/{sid}").json()
    assert closed["status"] == "closed" and len(closed["messages"]) == 7
    again = calls(client, sid, ("c3", "list_lists", {}))
    assert again.status_code == 409 and again.headers["content-type"] == PROBLEM


def test_tool_failures_are_tool_messages_not_http_errors(client: httpx.Client) -> None:
    sid = create(client)["id"]
    r = calls(
        client,
        sid,
        ("a", "complete_itme", {"item_id": "T102"}),
        ("b", "complete_item", "{not json"),
        ("c", "complete_item", {"item_id": 7}),
        ("d", "complete_item", {"item_id": "T104"}),
    )
    assert r.status_code == 200
    contents = [m["content"] for m in r.json()["messages"]]
    assert "Did you mean: 'complete_item'" in contents[0]
    assert "not valid JSON" in contents[1]
    assert "'item_id'" in contents[2]
    assert "already completed" in contents[3]
    assert [o["error_kind"] for o in r.json()["outcomes"]] == [
        "unknown_tool",
        "invalid_arguments",
        "invalid_arguments",
        "tool_error",
    ]


def test_responses_api_function_calls(client: httpx.Client) -> None:
    sid = create(client)["id"]
    r = client.post(
        f"/v1/sessions/{sid}/responses",
        json={
            "input": [
                {
                    "type": "function_call",
                    "call_id": "fc1",
                    "name": "find_items",
                    "arguments": '{"query": "bike"}',
                }
            ]
        },
    )
    out = r.json()["output"]
    assert out[0]["type"] == "function_call_output" and out[0]["call_id"] == "fc1"
    assert json.loads(out[0]["output"])[0]["id"] == "T306"


def test_a_retried_call_id_returns_the_recorded_result_without_running_again(client: httpx.Client) -> None:
    sid = create(client)["id"]
    first = calls(client, sid, ("same", "add_item", {"list_name": "Home", "title": "Buy bulbs"})).json()
    second = calls(client, sid, ("same", "add_item", {"list_name": "Home", "title": "Buy bulbs"})).json()
    assert second["messages"] == first["messages"] and second["outcomes"][0]["replayed"] is True
    state = client.get(f"/v1/sessions/{sid}/state").json()
    assert sum(1 for r in state["items"] if r["title"] == "Buy bulbs") == 1


def test_fork_copies_state_and_history_then_diverges(client: httpx.Client) -> None:
    sid = create(client, task_id="todo-001")["id"]
    calls(client, sid, ("c1", "find_items", {"query": "tap"}))
    child = client.post(f"/v1/sessions/{sid}/fork")
    assert child.status_code == 201
    cid = child.json()["id"]
    assert child.json()["parent_id"] == sid and len(child.json()["messages"]) == 4
    calls(client, cid, ("c2", "complete_item", {"item_id": "T102"}))
    assert client.post(f"/v1/sessions/{cid}/evaluate", json={}).json()["reward"] == 1.0
    assert client.post(f"/v1/sessions/{sid}/evaluate", json={}).json()["components"]["state"] == 0.0


def test_protocol_errors_are_problem_json(client: httpx.Client) -> None:
    r = client.post("/v1/sessions", content=b"{nope", headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
    r = client.post("/v1/sessions", json={"env": "tood"})
    assert r.status_code == 404 and "Did you mean: 'todo'" in r.json()["detail"]
    r = client.post("/v1/sessions", json={"env": "todo", "task_id": "todo-9"})
    assert r.status_code == 404 and r.json()["title"] == "Not Found"
    r = client.post(
        "/v1/sessions/ses_missing/tool_calls",
        json={
            "tool_calls": [
                {"id": "x", "type": "function", "function": {"name": "list_lists", "arguments": "{}"}}
            ]
        },
    )
    assert r.status_code == 404 and r.headers["content-type"] == PROBLEM
    sid = create(client)["id"]
    r = client.post(
        f"/v1/sessions/{sid}/tool_calls",
        content=b'{"tool_calls": [',
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM and "json_invalid" in r.text
    r = client.post(f"/v1/sessions/{sid}/tool_calls", json={"tool_calls": [{"id": "x", "function": {}}]})
    assert r.status_code == 422 and r.json()["errors"][0]["loc"][:2] == ["body", "tool_calls"]
    r = client.post(f"/v1/sessions/{sid}/responses", json={"input": []})
    assert r.status_code == 422
    r = client.post("/v1/sessions", json={"env": "todo", "state": {"itemz": []}})
    assert r.status_code == 422 and "Did you mean: 'items'" in r.json()["detail"]
    r = client.post("/v1/sessions", json={"env": "todo", "seed": "many"})
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "seed"]
    assert client.get("/v1/nothing").status_code == 404


def test_oversized_bodies_are_refused_with_413(client: httpx.Client) -> None:
    big = {"env": "todo", "state": {"items": [], "lists": [{"id": "L", "name": "x" * (2 << 20)}]}}
    r = client.post("/v1/sessions", json=big)
    assert r.status_code == 413 and r.headers["content-type"] == PROBLEM


def test_a_streamed_tool_call_body_takes_the_general_path_with_the_same_result(client: httpx.Client) -> None:
    """Bodies without a Content-Length (chunked) bypass the hot path; the answer is the same,
    and the body limit still applies to them."""
    sid = create(client)["id"]
    call = {
        "id": "s1",
        "type": "function",
        "function": {"name": "get_item", "arguments": {"item_id": "T101"}},
    }
    body = json.dumps({"tool_calls": [call]}).encode()
    streamed = client.post(f"/v1/sessions/{sid}/tool_calls", content=iter([body[:20], body[20:]]))
    assert "content-length" not in streamed.request.headers
    assert streamed.status_code == 200
    direct = calls(client, create(client)["id"], ("s1", "get_item", {"item_id": "T101"}))
    assert streamed.json() == direct.json() and '"id":"T101"' in streamed.json()["messages"][0]["content"]
    huge = client.post(f"/v1/sessions/{sid}/tool_calls", content=iter([b"{" + b" " * (2 << 20), b"}"]))
    assert huge.status_code == 413 and huge.headers["content-type"] == PROBLEM


def test_health_and_readiness(client: httpx.Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    assert "/v1/sessions/{session_id}/tool_calls" in spec["paths"]
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_metrics_count_requests_tool_calls_and_live_sessions(client: httpx.Client) -> None:
    sid = create(client)["id"]
    calls(client, sid, ("m1", "list_lists", {}), ("m2", "complete_item", {"item_id": "T104"}))
    text = client.get("/metrics").text
    assert 'envfactory_tool_calls_total{env="todo",outcome="ok",tool="list_lists"} 1.0' in text
    assert 'envfactory_tool_calls_total{env="todo",outcome="tool_error",tool="complete_item"} 1.0' in text
    assert (
        'envfactory_http_requests_total{method="POST",route="/v1/sessions/{session_id}/tool_calls",status="200"}'
        in text
    )
    assert "envfactory_live_sessions 1.0" in text
    assert 'envfactory_http_request_seconds_bucket{le="0.001",method="POST",route="/v1/sessions"}' in text


def test_logs_are_json_lines_carrying_session_ids(make_server) -> None:
    server = make_server(ENVFACTORY_LOG_LEVEL="info")
    with httpx.Client(base_url=server.url) as c:
        sid = create(c)["id"]
        c.delete(f"/v1/sessions/{sid}")
    server.stop()
    records = [
        json.loads(line) for line in server.proc.stderr.read().decode().splitlines() if line.startswith("{")
    ]
    mine = [r for r in records if r.get("session_id") == sid]
    assert [r["msg"] for r in mine] == ["session created", "session closed"]
    assert mine[0]["env"] == "todo" and mine[1]["reason"] == "closed"
    assert any("auth OFF" in r["msg"] for r in records)


def test_export_writes_trajectories_as_jsonl(server, client: httpx.Client, tmp_path) -> None:
    import subprocess
    import sys

    sid = create(client, task_id="todo-001")["id"]
    calls(client, sid, ("c0", "find_items", {"query": "tap"}), ("c1", "complete_item", {"item_id": "T102"}))
    client.post(f"/v1/sessions/{sid}/evaluate", json={"final_response": "Ticked off."})
    other = create(client)["id"]
    client.delete(f"/v1/sessions/{other}")
    out = tmp_path / "traj.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "envfactory.cli", "export", "-o", str(out), "--server", server.url],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    rows = {r["metadata"]["id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert set(rows) == {sid, other}
    row = rows[sid]
    assert row["reward"]["reward"] == 1.0 and row["tools"][0]["type"] == "function"
    roles = [m["role"] for m in row["messages"]]
    assert roles == ["system", "user", "assistant", "tool", "tool", "assistant"]
    assert row["messages"][-1]["content"] == "Ticked off."
