"""MCP servers as environments: a stdio MCP server per session, served over REST and MCP."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import stat
import sys
import time
from pathlib import Path

import httpx
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

from envfactory.environments import DefinitionError, load_mcp_config
from tests.conftest import Server
from tests.docker_support import ensure_image

HERE = Path(__file__).parent
SERVER_SCRIPT = str(HERE / "mcp_inventory.py")
SCENARIO = {"stock": {"apple": 5, "pear": 0}, "orders": []}
TASKS = [
    {
        "id": "restock-and-sell",
        "env": "inventory",
        "instruction": "We got 2 pears in; sell one pear and three apples.",
        "initial_state": SCENARIO,
        "solution": [
            {"name": "add_stock", "arguments": {"item": "pear", "quantity": 2}},
            {"name": "place_order", "arguments": {"item": "pear"}},
            {"name": "place_order", "arguments": {"item": "apple", "quantity": 3}},
        ],
    }
]


@pytest.fixture(scope="module")
def mcp_server(tmp_path_factory: pytest.TempPathFactory) -> tuple[Server, httpx.Client]:
    """One server for the module (each starts its MCP servers once to list their tools); after
    the module, every MCP server process it started must be gone."""
    tmp_path = tmp_path_factory.mktemp("mcp")
    (tmp_path / "tasks.jsonl").write_text("".join(json.dumps(t) + "\n" for t in TASKS))
    interpreter = tmp_path / "python-with-marker"
    interpreter.write_text(f'#!/bin/sh\nINTERPRETER_MARKER=custom exec {sys.executable} "$@"\n')
    interpreter.chmod(interpreter.stat().st_mode | stat.S_IEXEC)
    config = {
        "mcpServers": {
            "inventory": {
                "command": f"python {SERVER_SCRIPT}",
                "domain": "retail",
                "description": "A shop's stock.",
                "tasks": "tasks.jsonl",
            },
            "inventory_plain": {"command": "python", "args": [SERVER_SCRIPT, "--reset-only"]},
            "inventory_custom": {"command": ["python", SERVER_SCRIPT], "python": str(interpreter)},
        }
    }
    (tmp_path / "mcp.json").write_text(json.dumps(config))
    env = {"ENVFACTORY_MCP_CONFIG": str(tmp_path / "mcp.json"), "ENVFACTORY_TOOL_TIMEOUT_S": "2"}
    server = Server(database_url=f"sqlite:///{tmp_path / 'log.sqlite3'}", env=env).start()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            yield server, client
    finally:
        server.stop()
    assert not server.leftovers(), "MCP server processes outlived the server"


def call(client: httpx.Client, sid: str, tool: str, **arguments) -> dict:
    body = {
        "tool_calls": [{"id": f"c{time.monotonic_ns()}", "function": {"name": tool, "arguments": arguments}}]
    }
    response = client.post(f"/v1/sessions/{sid}/tool_calls", json=body)
    assert response.status_code == 200, response.text
    return response.json()["messages"][0]


def solve(client: httpx.Client, sid: str) -> None:
    for step in TASKS[0]["solution"]:
        assert "Error" not in call(client, sid, step["name"], **step["arguments"])["content"]


def test_a_stateful_mcp_server_is_listed_without_its_scenario_tools(mcp_server) -> None:
    _, client = mcp_server
    info = client.get("/v1/environments/inventory").json()
    assert info["kind"] == "mcp" and info["domain"] == "retail" and info["tasks"] == 1
    names = {t["function"]["name"] for t in info["tools"]}
    assert names == {"list_stock", "add_stock", "place_order", "hang", "crash", "dial", "whoami"}
    session = client.post("/v1/sessions", json={"env": "inventory", "task_id": "restock-and-sell"}).json()
    assert [m["role"] for m in session["messages"]] == ["system", "user"]
    assert call(client, session["id"], "load_scenario", scenario={})["content"].startswith(
        "Error: Unknown tool"
    )


def test_a_task_starts_from_its_scenario_forks_and_grades_over_rest(mcp_server) -> None:
    _, client = mcp_server
    sid = client.post("/v1/sessions", json={"env": "inventory", "task_id": "restock-and-sell"}).json()["id"]
    assert json.loads(call(client, sid, "list_stock")["content"]) == {"apple": 5, "pear": 0}
    refused = call(client, sid, "place_order", item="pear")
    assert "only 0 pear in stock" in refused["content"]
    solve(client, sid)

    child = client.post(f"/v1/sessions/{sid}/fork").json()["id"]
    call(client, child, "add_stock", item="kiwi", quantity=9)
    assert "kiwi" not in client.get(f"/v1/sessions/{sid}/state").json()["stock"]
    assert client.get(f"/v1/sessions/{child}/state").json()["stock"]["kiwi"] == 9

    graded = client.post(f"/v1/sessions/{sid}/evaluate", json={}).json()
    assert graded["reward"] == 1.0 and graded["components"]["trace"] == 1.0
    worse = client.post(f"/v1/sessions/{child}/evaluate", json={}).json()
    assert worse["components"]["state"] == 0.0 and worse["diff"] == {
        "stock.kiwi": {"expected": None, "actual": 9}
    }


def test_a_session_is_driven_with_the_official_mcp_client(mcp_server) -> None:
    server, client = mcp_server
    sid = client.post("/v1/sessions", json={"env": "inventory", "task_id": "restock-and-sell"}).json()["id"]

    async def episode() -> tuple[set[str], list]:
        url = f"{server.url}/v1/sessions/{sid}/mcp"
        async with streamable_http_client(url) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            tools = {t.name for t in (await session.list_tools()).tools}
            results = [await session.call_tool("add_stock", {"item": "pear", "quantity": -1})]
            for step in TASKS[0]["solution"]:
                results.append(await session.call_tool(step["name"], step["arguments"]))
            return tools, results

    tools, (negative, *solved) = asyncio.run(episode())
    assert "save_scenario" not in tools and "place_order" in tools
    assert negative.is_error and "quantity must be positive" in negative.content[0].text
    assert not any(r.is_error for r in solved)
    assert client.post(f"/v1/sessions/{sid}/evaluate", json={}).json()["reward"] == 1.0


def test_each_session_has_its_own_process_which_ends_with_the_session(mcp_server) -> None:
    _, client = mcp_server
    first, second = (client.post("/v1/sessions", json={"env": "inventory"}).json()["id"] for _ in range(2))
    pids = [json.loads(call(client, sid, "whoami")["content"])["pid"] for sid in (first, second)]
    assert pids[0] != pids[1]
    call(client, first, "add_stock", item="fig", quantity=1)
    assert "fig" not in json.loads(call(client, second, "list_stock")["content"])

    assert client.delete(f"/v1/sessions/{first}").status_code in (200, 204)
    deadline = time.monotonic() + 10
    while Path(f"/proc/{pids[0]}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{pids[0]}").exists(), "a closed session's MCP server must exit"
    assert Path(f"/proc/{pids[1]}").exists()


def test_a_hung_or_crashing_tool_fails_only_its_call_and_the_session_comes_back(mcp_server) -> None:
    _, client = mcp_server
    sid = client.post("/v1/sessions", json={"env": "inventory", "task_id": "restock-and-sell"}).json()["id"]
    other = client.post("/v1/sessions", json={"env": "inventory"}).json()["id"]
    call(client, sid, "add_stock", item="pear", quantity=2)

    hung = call(client, sid, "hang")
    assert "did not finish within 2 s" in hung["content"]
    assert "add_stock" not in call(client, other, "whoami")["content"]  # the other session answers
    assert json.loads(call(client, sid, "list_stock")["content"])["pear"] == 2  # rebuilt by replay

    crashed = call(client, sid, "crash")
    assert "crashed the environment" in crashed["content"]
    assert json.loads(call(client, sid, "list_stock")["content"])["pear"] == 2
    call(client, sid, "place_order", item="pear")
    call(client, sid, "place_order", item="apple", quantity=3)
    assert client.post(f"/v1/sessions/{sid}/evaluate", json={}).json()["components"]["state"] == 1.0


def test_a_server_without_scenario_tools_is_reset_only_and_says_so(mcp_server) -> None:
    _, client = mcp_server
    info = client.get("/v1/environments/inventory_plain").json()
    assert info["kind"] == "mcp"
    sid = client.post("/v1/sessions", json={"env": "inventory_plain"}).json()["id"]
    assert json.loads(call(client, sid, "list_stock")["content"]) == {"apple": 3, "pear": 1}
    for response in (
        client.post(f"/v1/sessions/{sid}/fork"),
        client.get(f"/v1/sessions/{sid}/state"),
        client.post("/v1/sessions", json={"env": "inventory_plain", "state": SCENARIO}),
    ):
        assert response.status_code == 409, response.text
        assert "reset-only" in response.json()["detail"]


def test_the_configured_interpreter_runs_the_server(mcp_server) -> None:
    _, client = mcp_server
    sid = client.post("/v1/sessions", json={"env": "inventory_custom"}).json()["id"]
    assert json.loads(call(client, sid, "whoami")["content"])["marker"] == "custom"
    plain = client.post("/v1/sessions", json={"env": "inventory"}).json()["id"]
    assert json.loads(call(client, plain, "whoami")["content"])["marker"] is None


def test_configuration_mistakes_are_named(tmp_path: Path) -> None:
    cases = {
        "broken.json": ("{", "not valid JSON"),
        "shape.json": ('{"servers": {}}', "expected an object with 'mcpServers'"),
        "nocommand.json": ('{"mcpServers": {"x": {"args": []}}}', "server 'x'"),
        "extra.json": ('{"mcpServers": {"x": {"command": "python", "hots": "docker"}}}', "hots"),
    }
    for name, (text, message) in cases.items():
        (tmp_path / name).write_text(text)
        with pytest.raises(DefinitionError, match=message):
            load_mcp_config(tmp_path / name)
    (tmp_path / "ok.toml").write_text('[[servers]]\nname = "a"\ncommand = "python -m srv"\ncwd = "sub"\n')
    (config,) = load_mcp_config(tmp_path / "ok.toml")
    assert config.argv() == [sys.executable, "-m", "srv"] and config.cwd == str(tmp_path / "sub")
    assert os.path.isabs(config.cwd)


def test_an_mcp_server_on_the_docker_host_has_no_network(make_server, tmp_path: Path) -> None:
    image = ensure_image("server")  # has the mcp package; skips (or fails in CI) without Docker
    source = Path(SERVER_SCRIPT).read_text()
    config = {
        "mcpServers": {
            "boxed": {"command": ["python", "-c", source], "host": "docker", "image": image},
            "open": {"command": ["python", "-c", source]},
        }
    }
    (tmp_path / "mcp.json").write_text(json.dumps(config))
    server = make_server(ENVFACTORY_MCP_CONFIG=str(tmp_path / "mcp.json"))
    with socket.socket() as listener, httpx.Client(base_url=server.url, timeout=60) as client:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        boxed, open_ = (client.post("/v1/sessions", json={"env": e}).json()["id"] for e in ("boxed", "open"))
        assert call(client, boxed, "dial", port=port)["content"].startswith("no connection")
        assert call(client, open_, "dial", port=port)["content"] == "connected"
        call(client, boxed, "add_stock", item="fig", quantity=2)
        assert client.get(f"/v1/sessions/{boxed}/state").json()["stock"]["fig"] == 2
        assert client.delete(f"/v1/sessions/{boxed}").status_code in (200, 204)
    # make_server fails the test if the container outlives the server
