"""Shared trainer fixtures: SFT rows from the todo catalog's task solutions (real tool outputs from an
in-process environment), and a tiny tokenizer and model trained/built once per test session."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

TINY_VOCAB = 1024


def todo_rows() -> list[dict[str, Any]]:
    """One SFT row per todo task: the instruction, each solution call with its real result, and a
    closing answer that states the required outputs."""
    from envfactory.environments.catalog.todo import TodoEnv

    tools = TodoEnv.openai_tools()
    rows = []
    for task in TodoEnv.tasks():
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": TodoEnv.description},
            {"role": "user", "content": task.instruction},
        ]
        with TodoEnv.for_task(task) as env:
            for i, call in enumerate(task.solution):
                call_id = f"call_{task.id}_{i}"
                arguments = json.dumps(call.arguments)
                function = {"name": call.name, "arguments": arguments}
                messages.append(
                    {
                        "role": "assistant",
                        "content": None,
                        "tool_calls": [{"id": call_id, "type": "function", "function": function}],
                    }
                )
                result = env.call(call.name, arguments)
                messages.append({"role": "tool", "tool_call_id": call_id, "content": result.content})
        answer = "Done." if not task.required_outputs else "It is " + ", ".join(task.required_outputs) + "."
        messages.append({"role": "assistant", "content": answer})
        rows.append({"messages": messages, "tools": tools})
    return rows


@pytest.fixture(scope="session", autouse=True)
def one_torch_thread() -> None:
    """One intra-op thread per test process: the suite runs with `-n 2` on 2 cores, and OpenMP
    threads spinning on a busy machine make tiny models ~8x slower."""
    import torch

    torch.set_num_threads(1)


@pytest.fixture(scope="session")
def sft_rows() -> list[dict[str, Any]]:
    return todo_rows()


@pytest.fixture(scope="session")
def trainer_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("trainer-cache")


@pytest.fixture(scope="session")
def sft_jsonl(trainer_cache: Path, sft_rows: list[dict[str, Any]]) -> Path:
    path = trainer_cache / "sft.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in sft_rows), encoding="utf-8")
    return path


def used_tools_only(row: dict[str, Any]) -> dict[str, Any]:
    names = {c["function"]["name"] for m in row["messages"] for c in m.get("tool_calls") or []}
    return {**row, "tools": [t for t in row["tools"] if t["function"]["name"] in names]}


@pytest.fixture(scope="session")
def short_sft_jsonl(tmp_path_factory: pytest.TempPathFactory, sft_rows: list[dict]) -> Path:
    """The todo rows with only the tools each one uses (shorter sequences keep the runs fast)."""
    path = tmp_path_factory.mktemp("sft-data") / "short.jsonl"
    path.write_text("".join(json.dumps(used_tools_only(r)) + "\n" for r in sft_rows), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def tiny_tokenizer(trainer_cache: Path, sft_rows: list[dict[str, Any]]) -> Any:
    from envfactory.trainer.models import corpus_from_rows, train_tokenizer

    tokenizer = train_tokenizer(corpus_from_rows(sft_rows), vocab_size=TINY_VOCAB)
    tokenizer.save_pretrained(trainer_cache / "tokenizer")
    return tokenizer


@pytest.fixture(scope="session")
def tiny_model_dir(trainer_cache: Path, tiny_tokenizer: Any) -> Path:
    """A saved, untrained tiny Qwen3 model (~0.2M parameters) with `tiny_tokenizer`."""
    import torch

    from envfactory.trainer.models import build_model, save

    torch.manual_seed(0)
    return save(build_model("tiny", tiny_tokenizer), tiny_tokenizer, trainer_cache / "tiny-model")
