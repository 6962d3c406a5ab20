"""Drive an OpenAI-compatible chat model against a session: `run_episode` / `arun_episode`.

The episode is written once, as a generator that yields what it needs (a model turn, tool calls
run, a user reply) and receives the answers; the sync and async drivers below only perform those
steps. The loop ends when the model answers without tool calls and the user has nothing to add,
at the turn limit, or when the model has generated its token budget; then the session is graded.
"""

from __future__ import annotations

import asyncio
import os
import time
import weakref
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ._core import ToolCallFormatError, _one_call, as_dict
from .client import AsyncSession, Session, _SessionData
from .users import SingleInstruction, UserSimulator

StopReason = Literal["answered", "max_turns", "token_budget"]
_MESSAGE_KEYS = ("role", "content", "tool_calls", "reasoning_content")


@dataclass
class ChatModel:
    """An OpenAI-compatible chat endpoint (OpenAI, vLLM, SGLang, llama.cpp, …) and how to sample.

    `base_url` defaults to `ENVFACTORY_MODEL_BASE_URL`, then `OPENAI_BASE_URL`; `api_key` to
    `OPENAI_API_KEY` (local servers accept any). Pass `client` / `async_client` to reuse
    configured `openai.OpenAI` / `openai.AsyncOpenAI` objects instead."""

    model: str
    base_url: str | None = None
    api_key: str | None = None
    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    seed: int | None = None
    extra_body: dict[str, Any] | None = None
    timeout: float = 120.0
    max_retries: int = 2
    client: Any = None
    async_client: Any = None
    _loop_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = field(
        default_factory=weakref.WeakKeyDictionary, init=False, repr=False, compare=False
    )

    def _options(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url or os.environ.get("ENVFACTORY_MODEL_BASE_URL") or None,
            "api_key": self.api_key or os.environ.get("OPENAI_API_KEY") or "EMPTY",
            "timeout": self.timeout,
            "max_retries": self.max_retries,
        }

    def _request(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]]) -> dict[str, Any]:
        sampling = {"temperature": self.temperature, "top_p": self.top_p, "max_tokens": self.max_tokens}
        request = {"model": self.model, "messages": messages, "seed": self.seed, **sampling}
        if tools:
            request["tools"] = tools
        if self.extra_body:
            request["extra_body"] = self.extra_body
        return {k: v for k, v in request.items() if v is not None}

    def complete(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]]) -> ModelTurn:
        if self.client is None:
            import openai

            self.client = openai.OpenAI(**self._options())
        return ModelTurn.from_response(self.client.chat.completions.create(**self._request(messages, tools)))

    async def acomplete(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]]) -> ModelTurn:
        client = self.async_client
        if client is None:
            # One AsyncOpenAI per event loop: its connections belong to the loop that opened them,
            # and each `run_batch` call runs its own loop.
            loop = asyncio.get_running_loop()
            client = self._loop_clients.get(loop)
            if client is None:
                import openai

                client = self._loop_clients[loop] = openai.AsyncOpenAI(**self._options())
        response = await client.chat.completions.create(**self._request(messages, tools))
        return ModelTurn.from_response(response)


@dataclass
class ModelTurn:
    message: dict[str, Any]
    usage: dict[str, int]
    finish_reason: str | None = None

    @classmethod
    def from_response(cls, response: Any) -> ModelTurn:
        data = as_dict(response)
        choice = data["choices"][0]
        message = {k: v for k, v in choice["message"].items() if k in _MESSAGE_KEYS}
        message.setdefault("content", None)
        usage = {k: int(v) for k, v in (data.get("usage") or {}).items() if isinstance(v, int)}
        return cls(message, usage, choice.get("finish_reason"))


@dataclass
class Trajectory:
    """One episode: the conversation, the tools offered, the grade and what it cost."""

    env: str
    task_id: str | None
    session_id: str
    messages: list[dict[str, Any]]
    tools: list[dict[str, Any]]
    reward: float | None = None
    components: dict[str, float] = field(default_factory=dict)
    evaluation: dict[str, Any] = field(default_factory=dict)
    stop_reason: StopReason = "answered"
    turns: int = 0
    tool_calls: int = 0
    tool_errors: int = 0
    usage: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    final_response: str | None = None

    @property
    def success(self) -> bool:
        return self.reward is not None and self.reward >= 1.0 - 1e-9

    def to_row(self, **metadata: Any) -> dict[str, Any]:
        """The JSONL row `{messages, tools, reward, metadata}` (the tool-calling SFT format of TRL
        and `datasets`; the server's trajectory export has the same shape)."""
        return {
            "messages": self.messages,
            "tools": self.tools,
            "reward": self.reward,
            "metadata": {
                "env": self.env,
                "task_id": self.task_id,
                "session_id": self.session_id,
                "components": self.components,
                "stop_reason": self.stop_reason,
                "turns": self.turns,
                "tool_calls": self.tool_calls,
                "tool_errors": self.tool_errors,
                "usage": self.usage,
                "timings": self.timings,
                **metadata,
            },
        }


# ---------------------------------------------------------------------- the episode, once
Step = tuple[str, Any]


def _episode(
    session: _SessionData, max_turns: int, token_budget: int | None, evaluate: bool
) -> Generator[Step, Any, Trajectory]:
    usage: dict[str, int] = {}
    timings = {"model_s": 0.0, "env_s": 0.0, "user_s": 0.0}
    start = time.perf_counter()
    stop: StopReason = "max_turns"
    turns = calls_made = errors = 0
    final = None

    def timed(kind: str, step: Step) -> Generator[Step, Any, Any]:
        t0 = time.perf_counter()
        answer = yield step
        timings[kind] += time.perf_counter() - t0
        return answer

    while turns < max_turns:
        turn: ModelTurn = yield from timed("model_s", ("model", (session.messages, session.tools)))
        turns += 1
        for key, value in turn.usage.items():
            usage[key] = usage.get(key, 0) + value
        message, raw_calls = turn.message, turn.message.get("tool_calls") or []
        over_budget = token_budget is not None and usage.get("completion_tokens", 0) >= token_budget
        if not raw_calls:
            session.append(message)
            final = message.get("content")
            if over_budget:
                stop = "token_budget"
                break
            reply = yield from timed("user_s", ("user", session.messages))
            if reply is None:
                stop = "answered"
                break
            session.append({"role": "user", "content": reply})
            continue
        valid, rejected = [], []
        for i, raw in enumerate(raw_calls):
            try:
                valid.append(_one_call(as_dict(raw)))
            except ToolCallFormatError as exc:
                rejected.append((_placeholder(raw, turns, i), str(exc)))
        if valid:
            yield from timed("env_s", ("call", (valid, message.get("content"))))
            errors += sum(not outcome.ok for outcome in session.last_outcomes)
        else:
            session.append({"role": "assistant", "content": message.get("content"), "tool_calls": []})
        if rejected:  # malformed calls go back to the model as errors; the episode goes on
            session.messages[-1 - len(valid)]["tool_calls"].extend(call for call, _ in rejected)
            for call, error in rejected:
                session.append({"role": "tool", "tool_call_id": call["id"], "content": f"Error: {error}"})
        calls_made += len(raw_calls)
        errors += len(rejected)
        if over_budget:
            stop = "token_budget"
            break
    result: dict[str, Any] = {}
    if evaluate and session.task_id is not None:
        result = yield from timed("env_s", ("evaluate", final))
    timings["total_s"] = time.perf_counter() - start
    return Trajectory(
        env=session.env,
        task_id=session.task_id,
        session_id=session.id,
        messages=session.messages,
        tools=session.tools,
        reward=result.get("reward"),
        components=result.get("components", {}),
        evaluation=result,
        stop_reason=stop,
        turns=turns,
        tool_calls=calls_made,
        tool_errors=errors,
        usage=usage,
        timings={k: round(v, 4) for k, v in timings.items()},
        final_response=final,
    )


def _placeholder(raw: Any, turn: int, index: int) -> dict[str, Any]:
    """A malformed call as it goes into the conversation (so the error message has an id)."""
    raw = as_dict(raw)
    function = raw.get("function") if isinstance(raw, Mapping) else None
    function = function if isinstance(function, Mapping) else {}
    arguments = function.get("arguments")
    return {
        "id": (raw.get("id") if isinstance(raw, Mapping) else None) or f"call_bad_{turn}_{index}",
        "type": "function",
        "function": {
            "name": function.get("name") or "",
            "arguments": arguments if isinstance(arguments, str) else "{}",
        },
    }


# ---------------------------------------------------------------------- drivers
def run_episode(
    model: ChatModel,
    session: Session,
    *,
    user: UserSimulator | None = None,
    max_turns: int = 30,
    token_budget: int | None = None,
    evaluate: bool = True,
) -> Trajectory:
    """Run the model on the session until it is done; returns the graded `Trajectory`."""
    user = user or SingleInstruction()
    episode = _episode(session, max_turns, token_budget, evaluate)
    answer: Any = None
    while True:
        try:
            kind, payload = episode.send(answer)
        except StopIteration as done:
            return done.value
        if kind == "model":
            answer = model.complete(*payload)
        elif kind == "call":
            answer = session.call(*payload)
        elif kind == "user":
            answer = user.reply(payload)
        else:
            answer = session.evaluate(payload).model_dump()


async def arun_episode(
    model: ChatModel,
    session: AsyncSession,
    *,
    user: UserSimulator | None = None,
    max_turns: int = 30,
    token_budget: int | None = None,
    evaluate: bool = True,
) -> Trajectory:
    """`run_episode` for an `AsyncSession` (the model through `openai.AsyncOpenAI`)."""
    user = user or SingleInstruction()
    episode = _episode(session, max_turns, token_budget, evaluate)
    answer: Any = None
    while True:
        try:
            kind, payload = episode.send(answer)
        except StopIteration as done:
            return done.value
        if kind == "model":
            answer = await model.acomplete(*payload)
        elif kind == "call":
            answer = await session.call(*payload)
        elif kind == "user":
            areply = getattr(user, "areply", None)
            answer = await areply(payload) if areply else await asyncio.to_thread(user.reply, payload)
        else:
            answer = (await session.evaluate(payload)).model_dump()
