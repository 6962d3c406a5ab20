"""A scripted OpenAI-compatible chat endpoint for tests: real HTTP on 127.0.0.1, no model.

As the agent (requests with `tools`) it recognises the task by its instruction and plays a plan:
the task's solution as one tool call per turn, then a final answer that states the task's
required outputs. Modes put something in front of the plan: `broken_json` (a call whose
arguments are cut-off JSON), `no_name` (a call without a function name), `ask_first` (a question
to the user). As the simulated user (requests without tools) it says "Yes, go ahead." until the
agent reports it is done, then answers the stop marker.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from envfactory.environments import Task
from envfactory.sdk import STOP_MARKER
from tests.conftest import free_port


class StubModel:
    def __init__(self, tasks: Iterable[Task], mode: str = "solve") -> None:
        self.tasks = {t.instruction: t for t in tasks}
        self.mode = mode
        self.requests: list[dict[str, Any]] = []
        self.port = free_port()
        app = Starlette(routes=[Route("/v1/chat/completions", self._complete, methods=["POST"])])
        self._server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> StubModel:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("stub model did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def agent_requests(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r.get("tools")]

    async def _complete(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.requests.append(body)
        messages = body["messages"]
        if body.get("tools"):
            message = self._agent_turn(messages)
        else:
            last = messages[-1]["content"]
            message = {"role": "assistant", "content": STOP_MARKER if "Done" in last else "Yes, go ahead."}
        prompt = sum(len(json.dumps(m)) for m in messages) // 4
        return JSONResponse(
            {
                "id": f"chatcmpl-{len(self.requests)}",
                "object": "chat.completion",
                "created": 0,
                "model": body["model"],
                "choices": [
                    {
                        "index": 0,
                        "message": message,
                        "finish_reason": "tool_calls" if message.get("tool_calls") else "stop",
                    }
                ],
                "usage": {"prompt_tokens": prompt, "completion_tokens": 10, "total_tokens": prompt + 10},
            }
        )

    def _agent_turn(self, messages: list[dict[str, Any]]) -> dict[str, Any]:
        instruction = next(m["content"] for m in messages if m["role"] == "user")
        task = self.tasks[instruction]
        turn = sum(m["role"] == "assistant" for m in messages)
        plan: list[dict[str, Any]] = []
        first = task.solution[0].name if task.solution else "unknown_tool"
        if self.mode == "broken_json":
            plan.append(_calls(turn, first, '{"item_id": "T1'))
        elif self.mode == "no_name":
            plan.append(_calls(turn, "", "{}"))
        elif self.mode == "ask_first":
            plan.append({"role": "assistant", "content": "Before I start: shall I go ahead with that?"})
        plan += [_calls(turn, c.name, json.dumps(c.arguments)) for c in task.solution]
        if turn < len(plan):
            return plan[turn]
        return {"role": "assistant", "content": "Done. " + " ".join(task.required_outputs)}


def _calls(turn: int, name: str, arguments: str) -> dict[str, Any]:
    call = {"id": f"call_{turn}", "type": "function", "function": {"name": name, "arguments": arguments}}
    return {"role": "assistant", "content": None, "tool_calls": [call]}
