"""`bfcl`: the eight APIs in one environment, any subset per session, over REST and MCP."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

from envfactory.environments import StateError, registry
from envfactory.environments.catalog.bfcl.combined import APIS, BfclEnv
from envfactory.environments.rewards import evaluate
from tests.environments.bfcl.docs import initial_config, load_docs, schema_mismatches

DOCS = {
    "GorillaFileSystem": "gorilla_file_system.json",
    "MathAPI": "math_api.json",
    "MessageAPI": "message_api.json",
    "TwitterAPI": "posting_api.json",
    "TicketAPI": "ticket_api.json",
    "TradingBot": "trading_bot.json",
    "TravelAPI": "travel_booking.json",
    "VehicleControlAPI": "vehicle_control.json",
}


def test_the_combined_environment_has_every_documented_function_of_every_api() -> None:
    assert registry.get("bfcl") is BfclEnv
    documented = set()
    for api, file in DOCS.items():
        assert schema_mismatches(APIS[api], file) == []
        documented |= set(load_docs(file))
    assert set(BfclEnv.tools) == documented and len(documented) == 128


@pytest.mark.parametrize("api", list(DOCS))
def test_each_example_config_loads_as_one_involved_class_and_exports_back(api: str) -> None:
    example = initial_config(api)
    env = BfclEnv.create(state={"involved_classes": [api], "initial_config": {api: example}})
    exported = env.export_state()
    assert exported["involved_classes"] == [api]
    assert {k: exported["initial_config"][api][k] for k in example} == example
    assert env.offered == frozenset(APIS[api].tools)
    assert BfclEnv.from_state(exported).export_state() == exported


@pytest.mark.parametrize("api", list(DOCS))
def test_every_task_of_each_api_is_solved_the_same_inside_the_combined_environment(api: str) -> None:
    for task in APIS[api].tasks():
        state = {
            "involved_classes": [api],
            "initial_config": {api: task.initial_state} if task.initial_state else {},
        }
        combined_task = task.model_copy(update={"env": "bfcl", "initial_state": state})
        env = BfclEnv.for_task(combined_task)
        alone = APIS[api].for_task(task)
        for call in task.solution:
            assert (
                env.call(call.name, call.arguments).content == alone.call(call.name, call.arguments).content
            ), task.id
        assert evaluate(env, combined_task, " ".join(task.required_outputs)).total == 1.0, task.id


def test_a_state_names_only_known_classes_and_configs_of_involved_ones() -> None:
    with pytest.raises(StateError, match="Did you mean: 'TwitterAPI'"):
        BfclEnv.create(state={"involved_classes": ["TwiterAPI"]})
    with pytest.raises(StateError, match="not involved"):
        BfclEnv.create(state={"involved_classes": ["MathAPI"], "initial_config": {"TicketAPI": {}}})
    everything = BfclEnv.create()
    assert (
        everything.offered == frozenset(BfclEnv.tools)
        and len(everything.export_state()["involved_classes"]) == 8
    )


INVOLVED = ["GorillaFileSystem", "TwitterAPI"]


def multi_state() -> dict:
    """A BFCL-style multi-class state: two involved classes, each with its example config."""
    return {"involved_classes": INVOLVED, "initial_config": {name: initial_config(name) for name in INVOLVED}}


def test_a_multi_api_session_over_rest(server, client: httpx.Client) -> None:
    created = client.post("/v1/sessions", json={"env": "bfcl", "state": multi_state()}).json()
    names = {t["function"]["name"] for t in created["tools"]}
    assert names == set(APIS["GorillaFileSystem"].tools) | set(APIS["TwitterAPI"].tools)
    sid = created["id"]

    def call(name: str, **arguments: object) -> str:
        body = {
            "tool_calls": [
                {"id": f"{name}-{len(arguments)}", "function": {"name": name, "arguments": arguments}}
            ]
        }
        return client.post(f"/v1/sessions/{sid}/tool_calls", json=body).json()["messages"][0]["content"]

    assert "document" in json.loads(call("ls"))["current_directory_content"]  # starts in workspace/
    assert json.loads(call("add", a=1, b=2))["error"].startswith("Unknown tool 'add'")
    twitter = initial_config("TwitterAPI")
    login = call("authenticate_twitter", username=twitter["username"], password=twitter["password"])
    assert json.loads(login) == {"authentication_status": True}
    state = client.get(f"/v1/sessions/{sid}/state").json()
    assert state["involved_classes"] == INVOLVED and state["initial_config"]["TwitterAPI"]["authenticated"]
    task = BfclEnv.tasks()[0]
    sid2 = client.post("/v1/sessions", json={"env": "bfcl", "task_id": task.id}).json()["id"]
    calls = [
        {"id": f"s{i}", "function": {"name": c.name, "arguments": c.arguments}}
        for i, c in enumerate(task.solution)
    ]
    client.post(f"/v1/sessions/{sid2}/tool_calls", json={"tool_calls": calls})
    reward = client.post(
        f"/v1/sessions/{sid2}/evaluate", json={"final_response": " ".join(task.required_outputs)}
    ).json()
    assert reward["reward"] == 1.0


def test_a_multi_api_session_over_mcp(server, client: httpx.Client) -> None:
    sid = client.post("/v1/sessions", json={"env": "bfcl", "state": multi_state()}).json()["id"]

    async def run() -> tuple[set[str], object, object]:
        async with (
            streamable_http_client(f"{server.url}/v1/sessions/{sid}/mcp") as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            tools = {t.name for t in (await session.list_tools()).tools}
            listing = await session.call_tool("ls", {})
            missing = await session.call_tool("cat", {"file_name": "no-such-file.txt"})
            return tools, listing, missing

    tools, listing, missing = asyncio.run(run())
    assert tools == set(APIS["GorillaFileSystem"].tools) | set(APIS["TwitterAPI"].tools)
    assert not listing.is_error and "document" in listing.content[0].text
    assert missing.is_error and "error" in json.loads(missing.content[0].text)
