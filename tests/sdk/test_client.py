"""Client, AsyncClient and Session against a live server: the session API, typed errors, retries."""

from __future__ import annotations

import asyncio

import pytest
from openai.types.chat import ChatCompletionMessage, ChatCompletionMessageToolCall

from envfactory.sdk import (
    APIConnectionError,
    AsyncClient,
    AuthenticationError,
    BadRequestError,
    Client,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ServiceUnavailableError,
    ToolCallFormatError,
)
from tests.conftest import Server
from tests.sdk.proxy import FlakyProxy


def test_a_session_round_trip_with_dict_tool_calls(live: Server) -> None:
    with Client(live.url) as client, client.create_session("todo", "todo-001") as session:
        assert [m["role"] for m in session.messages] == ["system", "user"]
        assert {t["function"]["name"] for t in session.tools} >= {"find_items", "complete_item"}
        found = session.call(
            [{"id": "c1", "function": {"name": "find_items", "arguments": '{"query": "tap"}'}}]
        )
        assert found[0]["role"] == "tool" and '"T102"' in found[0]["content"]
        session.call(
            {
                "id": "c2",
                "type": "function",
                "function": {"name": "complete_item", "arguments": {"item_id": "T102"}},
            }
        )
        assert [m["role"] for m in session.messages] == [
            "system",
            "user",
            "assistant",
            "tool",
            "assistant",
            "tool",
        ]
        assert session.messages[4]["tool_calls"][0]["id"] == "c2"
        result = session.evaluate("Ticked it off.")
        assert result.reward == 1.0 and result.components["state"] == 1.0
    assert client_history_status(live, session.id) == "closed"


def client_history_status(live: Server, session_id: str) -> str:
    with Client(live.url) as client:
        return client.session(session_id).history()["status"]


def test_openai_sdk_objects_are_accepted_as_they_come_from_a_completion(live: Server) -> None:
    call = ChatCompletionMessageToolCall(
        id="call_a", type="function", function={"name": "get_item", "arguments": '{"item_id": "T101"}'}
    )
    message = ChatCompletionMessage(role="assistant", content="Looking it up.", tool_calls=[call])
    with Client(live.url) as client, client.create_session("todo") as session:
        session.call(message)
        session.call([call.model_copy(update={"id": "call_b"})])
        assert session.messages[-4] == {
            "role": "assistant",
            "content": "Looking it up.",
            "tool_calls": [
                {
                    "id": "call_a",
                    "type": "function",
                    "function": {"name": "get_item", "arguments": '{"item_id": "T101"}'},
                }
            ],
        }
        assert (
            session.messages[-3]["tool_call_id"] == "call_a" and '"T101"' in session.messages[-3]["content"]
        )
        assert session.last_outcomes[0].ok
        with pytest.raises(ToolCallFormatError, match="has no function name"):
            session.call({"id": "x", "function": {"arguments": "{}"}})


def test_fork_is_independent_and_state_needs_no_key_when_auth_is_off(live: Server) -> None:
    with Client(live.url) as client, client.create_session("todo", "todo-001") as parent:
        parent.call({"id": "p1", "function": {"name": "complete_item", "arguments": {"item_id": "T102"}}})
        with parent.fork() as child:
            child.call({"id": "k1", "function": {"name": "complete_item", "arguments": {"item_id": "T101"}}})
            assert child.parent_id == parent.id and child.messages[-1]["role"] == "tool"
            done = lambda s: {row["id"] for row in s.state()["items"] if row["done"]}  # noqa: E731
            assert "T101" not in done(parent) and {"T101", "T102"} <= done(child)
            assert child.evaluate().components["state"] == 0.0
        assert parent.evaluate().components["state"] == 1.0


def test_protocol_errors_are_typed(live: Server) -> None:
    with Client(live.url) as client:
        with pytest.raises(NotFoundError, match="Did you mean: 'todo'") as caught:
            client.create_session("tood")
        assert caught.value.status == 404 and caught.value.problem["title"] == "Not Found"
        with pytest.raises(BadRequestError, match="Did you mean: 'items'"):
            client.create_session("todo", state={"itemz": []})
        with pytest.raises(NotFoundError):
            client.session("ses_nope")
        session = client.create_session("todo")
        with pytest.raises(ConflictError, match="not started from a task"):
            session.evaluate()
        session.close()
        session.close()  # closing twice is a no-op
        with pytest.raises(ConflictError, match="closed"):
            session.call({"id": "late", "function": {"name": "list_lists"}})


def test_keys_come_from_the_environment_and_roles_are_enforced(make_server, monkeypatch) -> None:
    server = make_server(ENVFACTORY_API_KEYS="agent-key:agent,admin-key:admin")
    with Client(server.url) as anonymous, pytest.raises(AuthenticationError):
        anonymous.environments()
    monkeypatch.setenv("ENVFACTORY_API_KEY", "agent-key")
    with Client(server.url) as agent:
        session = agent.create_session("todo", "todo-003")
        with pytest.raises(PermissionDeniedError):
            session.state()
        with pytest.raises(PermissionDeniedError):
            agent.tasks("todo", include_solutions=True)
    with Client(server.url, api_key="admin-key") as admin:
        assert admin.tasks("todo", include_solutions=True)[0]["solution"]


def test_a_dropped_connection_is_retried_and_the_call_runs_once(live: Server) -> None:
    with Client(live.url) as direct:
        session = direct.create_session("todo", "todo-002")
    with FlakyProxy(live.url, match="/tool_calls", drop=True) as proxy, Client(proxy.url) as client:
        retried = client.session(session.id)
        call = {
            "id": "add-1",
            "function": {
                "name": "add_item",
                "arguments": {
                    "list_name": "Home",
                    "title": "Call the plumber",
                    "due_date": "2026-03-06",
                    "priority": "high",
                },
            },
        }
        messages = retried.call(call)
        assert proxy.tripped == 1 and proxy.forwarded.count(proxy.forwarded[-1]) == 2  # sent twice
        assert retried.last_outcomes[0].replayed  # ...but the server ran it once
        assert '"title":"Call the plumber"' in messages[0]["content"]
    with Client(live.url) as direct:
        history = direct.session(session.id).history()
        assert [m.get("tool_call_id") for m in history["messages"] if m["role"] == "tool"] == ["add-1"]
        items = [
            row for row in direct.session(session.id).state()["items"] if row["title"] == "Call the plumber"
        ]
        assert len(items) == 1
        assert direct.session(session.id).evaluate().reward == 1.0


def test_503_is_retried_with_backoff_and_connection_failures_are_typed(live: Server) -> None:
    with FlakyProxy(live.url, match="/v1/environments", refuse=503) as proxy, Client(proxy.url) as client:
        assert any(env["name"] == "todo" for env in client.environments())
        assert proxy.tripped == 1
    with (
        FlakyProxy(live.url, match="/v1/environments", refuse=503) as proxy,
        Client(proxy.url, max_retries=0) as client,
        pytest.raises(ServiceUnavailableError),
    ):
        client.environments()
    with Client("http://127.0.0.1:9", max_retries=1, timeout=2) as client, pytest.raises(APIConnectionError):
        client.environments()


def test_async_client_runs_sessions_concurrently(live: Server) -> None:
    async def episode(client: AsyncClient, task_id: str, item: str) -> float:
        async with await client.create_session("todo", task_id) as session:
            await session.call(
                {"id": "a1", "function": {"name": "find_items", "arguments": {"query": "tap"}}}
            )
            await session.call(
                {"id": "a2", "function": {"name": "complete_item", "arguments": {"item_id": item}}}
            )
            return (await session.evaluate()).reward

    async def main() -> list[float]:
        async with AsyncClient(live.url) as client:
            return await asyncio.gather(*(episode(client, "todo-001", "T102") for _ in range(6)))

    assert asyncio.run(main()) == [1.0] * 6
