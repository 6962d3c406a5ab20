"""MCP with the official client (ClientSession over Streamable HTTP) against the running server."""

from __future__ import annotations

import asyncio
import json

import httpx
import mcp_types as types
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client


async def with_session(url: str, body) -> object:
    async with streamable_http_client(url) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        return await body(session)


def test_mcp_env_endpoint_gives_each_mcp_session_its_own_environment(server, client: httpx.Client) -> None:
    async def episode(
        session: ClientSession,
    ) -> tuple[list[types.Tool], types.CallToolResult, types.CallToolResult]:
        tools = (await session.list_tools()).tools
        found = await session.call_tool("find_items", {"query": "tap"})
        done = await session.call_tool("complete_item", {"item_id": "T102"})
        return tools, found, done

    tools, found, done = asyncio.run(with_session(f"{server.url}/mcp/todo?task=todo-001", episode))
    by_name = {t.name: t for t in tools}
    assert by_name["complete_item"].input_schema["required"] == ["item_id"]
    assert json.loads(found.content[0].text)[0]["id"] == "T102" and not found.is_error
    assert not done.is_error

    async def again(session: ClientSession) -> types.CallToolResult:
        return await session.call_tool("complete_item", {"item_id": "T102"})

    fresh = asyncio.run(with_session(f"{server.url}/mcp/todo?task=todo-001", again))
    assert not fresh.is_error, "a second MCP session must start from a fresh environment"
    sessions = client.get("/v1/sessions").json()
    assert sum(1 for s in sessions if s["task_id"] == "todo-001") == 2


def test_mcp_attach_to_an_existing_session_and_tool_errors_are_is_error(server, client: httpx.Client) -> None:
    sid = client.post("/v1/sessions", json={"env": "todo", "task_id": "todo-001"}).json()["id"]

    async def episode(session: ClientSession) -> list[types.CallToolResult]:
        return [
            await session.call_tool("complete_item", {"item_id": "T102"}),
            await session.call_tool("complete_item", {"item_id": "T102"}),
            await session.call_tool("complete_item", {"item_id": 5}),
            await session.call_tool("complete_itm", {}),
        ]

    ok, refused, bad_type, unknown = asyncio.run(with_session(f"{server.url}/v1/sessions/{sid}/mcp", episode))
    assert not ok.is_error
    assert refused.is_error and "already completed" in refused.content[0].text
    assert bad_type.is_error and "'item_id'" in bad_type.content[0].text
    assert unknown.is_error and "Did you mean" in unknown.content[0].text
    result = client.post(f"/v1/sessions/{sid}/evaluate", json={"final_response": "done"}).json()
    assert result["components"]["state"] == 1.0
    history = client.get(f"/v1/sessions/{sid}").json()["messages"]
    assert sum(1 for m in history if m["role"] == "tool") == 4
