"""run_episode / arun_episode against a live server and a scripted OpenAI-compatible model."""

from __future__ import annotations

import asyncio
import json

import pytest

from envfactory.environments import registry
from envfactory.sdk import AsyncClient, ChatModel, Client, LLMUser, arun_episode, run_episode
from tests.conftest import Server
from tests.stub_model import StubModel

TODO = {t.id: t for t in registry.get("todo").tasks()}


@pytest.mark.parametrize("task_id", ["todo-001", "todo-002", "todo-003", "todo-004"])
def test_an_episode_that_replays_the_solution_reaches_reward_one(
    live: Server, stub: StubModel, task_id: str
) -> None:
    with Client(live.url) as client, client.create_session("todo", task_id) as session:
        trajectory = run_episode(ChatModel("stub", base_url=stub.url, temperature=0.0), session)
    task = TODO[task_id]
    assert trajectory.reward == 1.0 and trajectory.success
    assert trajectory.stop_reason == "answered" and trajectory.turns == len(task.solution) + 1
    assert trajectory.tool_calls == len(task.solution) and trajectory.tool_errors == 0
    assert trajectory.usage["completion_tokens"] == 10 * trajectory.turns
    assert trajectory.timings["model_s"] > 0 and trajectory.timings["env_s"] > 0
    assert trajectory.final_response.startswith("Done.")
    assert (
        stub.agent_requests()[0]["temperature"] == 0.0 and stub.agent_requests()[0]["tools"] == session.tools
    )
    roles = [m["role"] for m in trajectory.messages]
    assert roles == ["system", "user"] + ["assistant", "tool"] * len(task.solution) + ["assistant"]


def test_broken_tool_call_json_goes_back_to_the_model_and_the_episode_continues(live: Server) -> None:
    with StubModel(TODO.values(), mode="broken_json") as stub, Client(live.url) as client:
        with client.create_session("todo", "todo-001") as session:
            trajectory = run_episode(ChatModel("stub", base_url=stub.url), session)
        second_request = stub.agent_requests()[1]["messages"]
    error = second_request[-1]
    assert error["role"] == "tool" and "not valid JSON" in error["content"]
    assert trajectory.tool_errors == 1 and trajectory.stop_reason == "answered"
    assert trajectory.components["state"] == 1.0 and trajectory.components["trace"] == 1.0
    assert trajectory.components["penalties"] > 0 and trajectory.reward < 1.0


def test_a_tool_call_without_a_name_is_answered_locally_and_the_episode_continues(live: Server) -> None:
    with StubModel(TODO.values(), mode="no_name") as stub, Client(live.url) as client:
        with client.create_session("todo", "todo-001") as session:
            trajectory = run_episode(ChatModel("stub", base_url=stub.url), session)
        seen = stub.agent_requests()[1]["messages"]
    assert seen[-2]["tool_calls"][0]["id"] == "call_0" and seen[-1]["tool_call_id"] == "call_0"
    assert "has no function name" in seen[-1]["content"]
    assert trajectory.tool_errors == 1 and trajectory.components["state"] == 1.0


def test_turn_limit_and_token_budget_stop_the_episode(live: Server, stub: StubModel) -> None:
    model = ChatModel("stub", base_url=stub.url)
    with Client(live.url) as client:
        with client.create_session("todo", "todo-001") as session:
            limited = run_episode(model, session, max_turns=1)
        with client.create_session("todo", "todo-001") as session:
            budgeted = run_episode(model, session, token_budget=15)
    assert limited.stop_reason == "max_turns" and limited.turns == 1 and limited.components["state"] == 0.0
    assert budgeted.stop_reason == "token_budget" and budgeted.turns == 2


def test_a_simulated_user_answers_the_agents_question_then_stops(live: Server) -> None:
    with StubModel(TODO.values(), mode="ask_first") as stub, Client(live.url) as client:
        model = ChatModel("stub", base_url=stub.url)
        task = client.tasks("todo")[0]
        with client.create_session("todo", task["id"]) as session:
            trajectory = run_episode(model, session, user=LLMUser.for_task(model, task))
        user_requests = [r for r in stub.requests if not r.get("tools")]
    assert trajectory.reward == 1.0 and trajectory.stop_reason == "answered"
    assert [m["content"] for m in trajectory.messages if m["role"] == "user"][1] == "Yes, go ahead."
    assert len(user_requests) == 2  # the question, then the final answer (which it ends)
    assert user_requests[0]["messages"][0]["role"] == "system" and task["instruction"] in json.dumps(
        user_requests[0]["messages"][0]
    )


def test_async_episodes_run_concurrently(live: Server, stub: StubModel) -> None:
    async def main() -> list[float]:
        model = ChatModel("stub", base_url=stub.url)
        async with AsyncClient(live.url) as client:

            async def one(task_id: str) -> float:
                async with await client.create_session("todo", task_id) as session:
                    return (await arun_episode(model, session)).reward

            return await asyncio.gather(*(one(t) for t in ("todo-001", "todo-002", "todo-003", "todo-004")))

    assert asyncio.run(main()) == [1.0, 1.0, 1.0, 1.0]
