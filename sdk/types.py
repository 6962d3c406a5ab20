"""Wire types shared by the server and the SDK (pydantic). The JSON shapes follow the OpenAI
chat-completions and Responses APIs wherever they overlap, so messages pass straight through."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FunctionCall(_Wire):
    name: str = Field(min_length=1, max_length=256)
    arguments: str | dict[str, Any] = Field(
        default="{}", description="A JSON object, or a string holding one (as OpenAI sends them)."
    )


class ToolCall(_Wire):
    """A chat-completions tool call: `{"id", "type": "function", "function": {"name", "arguments"}}`."""

    id: str = Field(
        min_length=1, max_length=256, description="Unique per session; a retry with a known id replays."
    )
    type: Literal["function"] = "function"
    function: FunctionCall


class CreateSession(_Wire):
    env: str = Field(description="Environment name.")
    task_id: str | None = Field(
        default=None, description="Start from this task (instruction + initial state)."
    )
    seed: int | None = Field(default=None, description="Seed database (default: the environment's).")
    state: dict[str, Any] | None = Field(default=None, description="Tables that replace the seeded ones.")


class ToolCallsRequest(_Wire):
    tool_calls: list[ToolCall] = Field(min_length=1, max_length=128)
    content: str | None = Field(
        default=None, description="The assistant text that came with the calls, if any."
    )


class ToolMessage(_Wire):
    role: Literal["tool"] = "tool"
    tool_call_id: str
    content: str


class CallOutcome(_Wire):
    tool_call_id: str
    name: str
    ok: bool
    error_kind: str | None = None
    replayed: bool = Field(
        default=False, description="True when the id was already executed: recorded result."
    )


class ToolCallsResponse(_Wire):
    messages: list[ToolMessage]
    outcomes: list[CallOutcome]


class FunctionCallItem(_Wire):
    """A Responses-API `function_call` output item."""

    type: Literal["function_call"] = "function_call"
    call_id: str = Field(min_length=1, max_length=256)
    name: str = Field(min_length=1, max_length=256)
    arguments: str | dict[str, Any] = "{}"
    id: str | None = None
    status: str | None = None


class ResponsesRequest(_Wire):
    input: list[FunctionCallItem] = Field(min_length=1, max_length=128)


class FunctionCallOutput(_Wire):
    type: Literal["function_call_output"] = "function_call_output"
    call_id: str
    output: str


class ResponsesResponse(_Wire):
    output: list[FunctionCallOutput]


class Session(_Wire):
    id: str
    env: str
    task_id: str | None = None
    status: Literal["active", "closed"] = "active"
    parent_id: str | None = None
    tools: list[dict[str, Any]]
    messages: list[dict[str, Any]]
    created_at: str
    closed_at: str | None = None
    closed_reason: str | None = None


class EvaluateRequest(_Wire):
    final_response: str | None = Field(default=None, description="The agent's final answer to the user.")


class Evaluation(_Wire):
    reward: float
    components: dict[str, float]
    diff: dict[str, Any]
    details: dict[str, Any] = Field(default_factory=dict)


class EnvironmentInfo(_Wire):
    name: str
    domain: str
    description: str
    version: str
    kind: Literal["native", "mcp", "openapi"] = "native"
    tools: list[dict[str, Any]]
    tasks: int = 0


class Problem(BaseModel):
    """RFC 9457 problem details, as every protocol error is reported."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[dict[str, Any]] | None = None
