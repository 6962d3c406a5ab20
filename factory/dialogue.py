"""Conversations around a chain: the SFT messages, a simulated user who knows what the person
knows, and an in-process session so solver agents run without a server.

`LocalSession` offers what `envfactory.sdk.run_episode` uses of an SDK `Session` (tools,
messages, `call`, `evaluate`) over a native environment in this process, graded by the same
`envfactory.environments.evaluate` the server uses. Synthesized tasks are not in any server's
catalog, so a server could not grade them; in-process they are graded exactly as it would.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from envfactory.environments import Environment, Task, evaluate
from envfactory.environments.rewards import reward_json
from envfactory.sdk.types import CallOutcome, Evaluation

from .chains import Chain


class KnowledgeUser:
    """A scripted user (a `envfactory.sdk.UserSimulator`): answers the agent's questions from
    what the person knows (`knowledge`, label → value), and once a turn is done asks for the next
    request in `turns`; None after the last."""

    def __init__(self, knowledge: Mapping[str, Any], turns: Sequence[str] = ()) -> None:
        self.knowledge = dict(knowledge)
        self.turns = list(turns)
        self.told: set[str] = set()

    def reply(self, conversation: Sequence[Mapping[str, Any]]) -> str | None:
        last = next((m for m in reversed(conversation) if m.get("role") == "assistant"), None)
        text = str((last or {}).get("content") or "").lower()
        asked = [
            label
            for label in self.knowledge
            if label not in self.told and all(w in text for w in label.lower().split())
        ]
        if asked and "?" in text:
            self.told.update(asked)
            return " ".join(f"My {label} is {self.knowledge[label]}." for label in asked)
        return self.turns.pop(0) if self.turns else None


class LocalSession:
    """An in-process stand-in for an SDK `Session`, for `run_episode` (see the module docstring)."""

    def __init__(self, env_cls: type[Environment], task: Task) -> None:
        self.id = f"local-{task.id}"
        self.env = env_cls.name
        self.task_id: str | None = task.id
        self.parent_id = None
        self.tools = env_cls.openai_tools()
        self.messages: list[dict[str, Any]] = [
            {"role": "system", "content": env_cls.policy()},
            {"role": "user", "content": task.instruction},
        ]
        self.last_outcomes: list[CallOutcome] = []
        self._task = task
        self._env = env_cls.for_task(task)

    def append(self, message: Mapping[str, Any]) -> None:
        self.messages.append(dict(message))

    def call(self, tool_calls: list[dict[str, Any]], content: str | None = None) -> list[dict[str, Any]]:
        replies, outcomes = [], []
        for call in tool_calls:
            name, arguments = call["function"]["name"], call["function"].get("arguments", "{}")
            result = self._env.call(name, arguments)
            replies.append({"role": "tool", "tool_call_id": call["id"], "content": result.content})
            outcomes.append(
                CallOutcome(tool_call_id=call["id"], name=name, ok=result.ok, error_kind=result.error_kind)
            )
        self.messages.append({"role": "assistant", "content": content, "tool_calls": tool_calls})
        self.messages.extend(replies)
        self.last_outcomes = outcomes
        return replies

    def evaluate(self, final_response: str | None = None) -> Evaluation:
        return Evaluation.model_validate(reward_json(evaluate(self._env, self._task, final_response)))

    def close(self) -> None:
        self._env.close()

    def __enter__(self) -> LocalSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def tool_call(call_id: str, name: str, arguments: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": json.dumps(arguments)}}


def chain_messages(
    chain: Chain,
    system: str,
    turns: Sequence[tuple[str, Sequence[int], str]],
    names: Mapping[tuple[str, str], str] | None = None,
    questions: Mapping[int, tuple[str, str]] | None = None,
) -> list[dict[str, Any]]:
    """The SFT conversation: system policy, then per turn the user's words, the chain's calls
    with their real results, and the agent's reply. `questions[turn]` = (what the agent asks,
    what the user answers) before that turn's calls; `names` renames tools (cross-environment
    rows with clashing names)."""
    messages: list[dict[str, Any]] = [{"role": "system", "content": system}]
    for number, (said, steps, reply) in enumerate(turns):
        messages.append({"role": "user", "content": said})
        if questions and number in questions:
            ask, answer = questions[number]
            messages += [{"role": "assistant", "content": ask}, {"role": "user", "content": answer}]
        for index in steps:
            step = chain.steps[index]
            call_id = f"call_{index + 1}"
            name = (names or {}).get((step.env, step.tool), step.tool)
            messages.append(
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [tool_call(call_id, name, step.arguments)],
                }
            )
            messages.append({"role": "tool", "tool_call_id": call_id, "content": step.content})
        messages.append({"role": "assistant", "content": reply})
    return messages


def calls_of(messages: Sequence[Mapping[str, Any]]) -> list[tuple[str, dict[str, Any], str]]:
    """(tool name, arguments, result text) of every call in a conversation, in order."""
    results = {m["tool_call_id"]: m["content"] for m in messages if m.get("role") == "tool"}
    found = []
    for message in messages:
        for call in message.get("tool_calls") or []:
            arguments = call["function"]["arguments"]
            parsed = json.loads(arguments) if isinstance(arguments, str) else dict(arguments)
            found.append((call["function"]["name"], parsed, results.get(call["id"], "")))
    return found
