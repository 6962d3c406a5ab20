"""Helpers for the trajectory-synthesis tests: cached tool graphs, a tiny environment with an
identifier no tool produces, and a scripted OpenAI-compatible endpoint on 127.0.0.1 that plays
the factory's LLM (query writer, refiner) and the solver agent."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from envfactory.environments import Environment, ToolError, registry, tool
from envfactory.factory.graph import ToolGraph, build_graph
from tests.factory.llm_stub import LLMStub, Responder


@functools.cache
def catalog_graph(*names: str) -> ToolGraph:
    """The tool graph of catalog environments, built once per test session."""
    return build_graph([registry.get(name) for name in names])


class _Base(DeclarativeBase):
    pass


class _Voucher(_Base):
    __tablename__ = "vouchers"
    code: Mapped[str] = mapped_column(primary_key=True)
    amount: Mapped[int]
    redeemed: Mapped[bool] = mapped_column(default=False)


class VoucherEnv(Environment):
    """Vouchers printed on paper: their ids are produced by no tool, so a person must hold them."""

    name = "vouchers"
    domain = "test"
    description = "Paper vouchers that can be checked and redeemed."
    metadata = _Base.metadata

    def seed_data(self) -> None:
        self.db.add_all(_Voucher(code=f"V{i:03d}", amount=10 * i) for i in range(1, 6))

    @tool()
    def check_voucher(self, voucher_id: str) -> dict:
        """Check what a voucher is worth.

        Args:
            voucher_id: the voucher's id, printed on it.
        """
        voucher = self.db.get(_Voucher, voucher_id)
        if voucher is None:
            raise ToolError(f"No voucher {voucher_id!r}.")
        return {"amount": voucher.amount, "redeemed": voucher.redeemed}

    @tool(write=True)
    def redeem_voucher(self, voucher_id: str) -> dict:
        """Redeem a voucher.

        Args:
            voucher_id: the voucher's id, printed on it.
        """
        voucher = self.db.get(_Voucher, voucher_id)
        if voucher is None or voucher.redeemed:
            raise ToolError(f"Voucher {voucher_id!r} cannot be redeemed.")
        voucher.redeemed = True
        return {"amount": voucher.amount}


class ScriptedEndpoint(LLMStub):
    """`/v1/chat/completions` answered by `respond(body) -> assistant message`."""

    def __init__(self, respond: Responder) -> None:
        super().__init__(respond=respond)

    def kinds(self) -> list[str]:
        return [request_kind(r) for r in self.requests]


def request_kind(body: dict[str, Any]) -> str:
    """Which role a request is for: the solver (it offers tools), or the factory's prompts."""
    if body.get("tools"):
        return "solver"
    system = body["messages"][0]["content"]
    if system.startswith("You write requests"):
        return "generate"
    if system.startswith("You make requests more implicit"):
        return "refine"
    return "user"


def turns_answer(*turns: str) -> dict[str, Any]:
    return {"role": "assistant", "content": json.dumps({"turns": list(turns)})}


def solver_plan(solution: list[dict[str, Any]], answer: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """An agent that makes the solution's calls one per turn, then states `answer`."""

    def play(body: dict[str, Any]) -> dict[str, Any]:
        done = sum(1 for m in body["messages"] if m["role"] == "assistant")
        if done < len(solution):
            call = solution[done]
            return {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": f"call_{done}",
                        "type": "function",
                        "function": {"name": call["name"], "arguments": json.dumps(call["arguments"])},
                    }
                ],
            }
        return {"role": "assistant", "content": answer}

    return play
