"""MCP with the official client (ClientSession over Streamable HTTP) against the running server."""

from __future__ import annotations

import asyncio
import json

import httpx
import mcp_types as types
import pytest
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


def test_mcp_needs_a_key_when_auth_is_on_and_sees_only_its_own_sessions(make_server) -> None:
    import httpx2
    from mcp.shared.exceptions import MCPError

    server = make_server(ENVFACTORY_API_KEYS="alice-key:agent,bob-key:agent")
    alice = httpx.Client(base_url=server.url, headers={"Authorization": "Bearer alice-key"})
    sid = alice.post("/v1/sessions", json={"env": "todo"}).json()["id"]

    async def call_as(key: str | None) -> types.CallToolResult:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        async with (
            httpx2.AsyncClient(headers=headers, timeout=30) as http,
            streamable_http_client(f"{server.url}/v1/sessions/{sid}/mcp", http_client=http) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            return await session.call_tool("list_lists", {})

    assert not asyncio.run(call_as("alice-key")).is_error
    for key, message in ((None, "Missing API key"), ("bob-key", "No session")):
        with pytest.raises((MCPError, ExceptionGroup)) as info:
            asyncio.run(call_as(key))
        assert message in str(_mcp_error(info.value)), info.value


def _mcp_error(exc: BaseException) -> BaseException:
    """The MCPError inside the exception groups the client's task groups wrap it in."""
    while isinstance(exc, BaseExceptionGroup):
        exc = exc.exceptions[0]
    return exc
