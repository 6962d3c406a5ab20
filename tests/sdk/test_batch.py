"""run_batch (concurrent, streamed, resumable), the exported rows with `datasets` and a chat
template, and `envfactory eval`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from envfactory.environments import registry
from envfactory.sdk import ChatModel, run_batch
from envfactory.sdk.batch import finished_keys
from tests.conftest import Server
from tests.stub_model import StubModel

TASKS = [t.id for t in registry.get("todo").tasks()]


def test_batch_streams_rows_and_a_rerun_runs_only_what_is_missing(
    live: Server, stub: StubModel, tmp_path: Path
) -> None:
    out = tmp_path / "runs" / "todo.jsonl"
    model = ChatModel("stub", base_url=stub.url)
    first = run_batch(
        model, [("todo", t) for t in TASKS[:4]], base_url=live.url, output=out, concurrency=3, progress=False
    )
    assert sorted(t.task_id for t in first) == TASKS[:4]
    assert len(out.read_text().splitlines()) == 4
    with out.open("a") as f:
        f.write('{"messages": [{"role": "us')  # a run killed mid-write leaves a torn line
    calls_before = len(stub.agent_requests())
    second = run_batch(
        model,
        [("todo", t) for t in TASKS[:6]],
        base_url=live.url,
        output=out,
        samples=1,
        concurrency=3,
        progress=False,
    )
    assert sorted(t.task_id for t in second) == TASKS[4:6]
    new_instructions = {json.dumps(r["messages"][1]) for r in stub.agent_requests()[calls_before:]}
    assert len(new_instructions) == 2
    assert finished_keys(out) == {f"todo/{t}#0" for t in TASKS[:6]}
    rerun = run_batch(model, [("todo", t) for t in TASKS[:6]], base_url=live.url, output=out, progress=False)
    assert rerun == []


def test_failed_episodes_are_reported_and_retried_by_the_next_run(
    live: Server, stub: StubModel, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    down = ChatModel("stub", base_url="http://127.0.0.1:9/v1", max_retries=0, timeout=2)
    assert run_batch(down, [("todo", "todo-001")], base_url=live.url, output=out, progress=False) == []
    errors = [json.loads(line) for line in (tmp_path / "out.jsonl.errors.jsonl").read_text().splitlines()]
    assert errors[0]["key"] == "todo/todo-001#0" and "Connection" in errors[0]["error"]
    retried = run_batch(
        ChatModel("stub", base_url=stub.url),
        [("todo", "todo-001")],
        base_url=live.url,
        output=out,
        progress=False,
    )
    assert [t.reward for t in retried] == [1.0]
    assert live_sessions(live) == 0  # every episode's session was closed, failed or not


def live_sessions(live: Server) -> int:
    from envfactory.sdk import Client

    with Client(live.url) as client:
        return len(client.sessions(active=True))


def test_exported_rows_load_with_datasets_and_render_with_a_tool_chat_template(
    live: Server, stub: StubModel, tmp_path: Path
) -> None:
    datasets = pytest.importorskip("datasets")
    tokenizers = pytest.importorskip("tokenizers")
    transformers = pytest.importorskip("transformers")
    out = tmp_path / "sft.jsonl"
    run_batch(
        ChatModel("stub", base_url=stub.url),
        [("todo", t) for t in TASKS[:5]],
        base_url=live.url,
        output=out,
        progress=False,
    )
    rows = datasets.load_dataset("json", data_files=str(out), split="train")
    assert rows.num_rows == 5 and set(rows.column_names) == {"messages", "tools", "reward", "metadata"}
    row = next(r for r in rows if r["metadata"]["task_id"] == "todo-001")
    assert row["tools"][0]["function"]["parameters"]["type"] == "object"

    backend = tokenizers.Tokenizer(tokenizers.models.BPE(unk_token=None))
    backend.pre_tokenizer = tokenizers.pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = tokenizers.decoders.ByteLevel()
    special = ["<|im_start|>", "<|im_end|>"]
    trainer = tokenizers.trainers.BpeTrainer(
        vocab_size=600,
        special_tokens=special,
        initial_alphabet=tokenizers.pre_tokenizers.ByteLevel.alphabet(),
    )
    backend.train_from_iterator([out.read_text()], trainer=trainer)
    tokenizer = transformers.PreTrainedTokenizerFast(
        tokenizer_object=backend, eos_token="<|im_end|>", pad_token="<|im_end|>"
    )
    tokenizer.chat_template = (Path(__file__).parent / "tool_chat.jinja").read_text()

    text = tokenizer.apply_chat_template(row["messages"], tools=row["tools"], tokenize=False)
    assert '"name": "find_items"' in text and '{"name": "find_items", "arguments": {"query": "tap"}}' in text
    assert text.count("<tool_response>") == 2 and '"id":"T102"' in text
    assert text.rstrip().endswith("<|im_end|>") and "Done." in text
    ids = tokenizer.apply_chat_template(row["messages"], tools=row["tools"], tokenize=True)
    ids = ids["input_ids"] if isinstance(ids, dict) or hasattr(ids, "keys") else ids
    assert tokenizer.decode(ids) == text


def test_eval_command_writes_trajectories_a_report_and_a_chart(
    live: Server, stub: StubModel, tmp_path: Path
) -> None:
    result = subprocess.run(
        [
            sys.executable, "-m", "envfactory.cli", "eval",
            "--env", "todo", "--model", "stub", "--base-url", stub.url,
            "--tasks", "todo-001,todo-003,todo-005",
            "--server", live.url, "--output", str(tmp_path / "eval"), "--concurrency", "2",
        ],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "eval" / "report.json").read_text())
    assert report["overall"]["episodes"] == 3
    assert set(report["tasks"]) == {"todo/todo-001", "todo/todo-003", "todo/todo-005"}
    assert report["environments"]["todo"]["success_rate"] == 1.0
    assert report["overall"]["components"]["state"] == 1.0
    png = (tmp_path / "eval" / "report.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
    assert "todo" in result.stdout and "100.0%" in result.stdout
