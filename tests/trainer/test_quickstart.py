"""The quickstart end to end, scaled down (a tiny model, a few steps), and its data and CLI."""

from __future__ import annotations

import json
import socket
from datetime import date
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from envfactory.cli.train import quickstart, train_app
from envfactory.trainer.quickstart_data import Item, item_keys, synthesize_tasks

ITEMS = [
    Item("T101", "Water the plants", "2026-03-18", "high", False),
    Item("T102", "Fix the leaking tap", None, "normal", False),
    Item("T109", "Clear out the garage", "2026-03-25", "high", False),
    Item("T110", "Wash the car", "2026-02-25", "normal", False),
    Item("T302", "Buy birthday card for Mum", None, "high", False),
    Item("T303", "Return library books", "2026-03-26", "high", False),
    Item("T304", "Sort the recycling", None, "low", True),
]


def test_item_keys_find_exactly_one_item_each() -> None:
    keys = item_keys(ITEMS)
    assert keys["T109"] == "garage" and keys["T102"] == "leaking tap"
    assert keys["T110"] == "the car"  # "car" alone also matches "birthday card"
    assert "T304" not in keys  # finished items are not asked about
    for item_id, key in keys.items():
        assert [i.id for i in ITEMS if key.lower() in i.title.lower()] == [item_id]


def test_rl_practises_combinations_sft_never_showed_and_held_out_tasks_are_new_requests() -> None:
    split = synthesize_tasks(ITEMS, "todo_x", date(2026, 3, 2), seed=1, n_items=4, pairs=(2, 1))
    assert split.sft and split.rl and split.held_out

    def combos(tasks):
        return {(t["metadata"]["kind"], tuple(t["metadata"]["items"])) for t in tasks}

    assert not combos(split.sft) & combos(split.rl)
    assert combos(split.held_out) <= combos(split.rl)
    taught = {i for t in split.sft for i in t["metadata"]["items"]}
    assert {i for t in split.rl for i in t["metadata"]["items"]} <= taught
    every = split.sft + split.rl + split.held_out
    assert len({t["instruction"] for t in every}) == len({t["id"] for t in every}) == len(every)
    reschedule = next(t for t in every if t["metadata"]["kind"] == "reschedule")
    assert reschedule["solution"][0]["name"] == "find_items"
    assert reschedule["solution"][1]["arguments"]["due_date"] > "2026-03-02"


def cli() -> typer.Typer:
    """The commands as `cli/main.py` mounts them."""
    app = typer.Typer()
    app.add_typer(train_app, name="train")
    app.command("quickstart")(quickstart)
    return app


@pytest.mark.slow
def test_a_scaled_down_quickstart_runs_end_to_end_from_the_command_line(tmp_path: Path) -> None:
    small = {
        "model_preset": "tiny",
        "vocab_size": 512,
        "sft_max_steps": 3,
        "grpo_steps": 1,
        "tasks_per_step": 2,
        "group_size": 2,
        "max_new_tokens": 8,
        "max_turns": 2,
    }
    args = ["quickstart", "--output", str(tmp_path)] + [f"--set={k}={v}" for k, v in small.items()]
    result = CliRunner().invoke(cli(), args)
    assert result.exit_code == 0, result.output
    assert "after GRPO" in result.output and "report.json" in result.output
    report = json.loads((tmp_path / "report.json").read_text())
    assert set(report["held_out_success"]) == {"untrained", "sft", "grpo"}
    assert all(0.0 <= v <= 1.0 for v in report["held_out_success"].values())
    assert report["tasks"]["held_out"] == report["evaluations"]["grpo"]["episodes"] > 0
    assert report["tasks"]["sft_rows"] == report["tasks"]["sft"]  # every recorded solution ran cleanly
    assert report["grpo"]["steps"] == 1 and report["config"]["model_preset"] == "tiny"
    assert (tmp_path / "report.png").stat().st_size > 0 and (tmp_path / "grpo" / "grpo.png").exists()
    lines = [json.loads(x) for x in (tmp_path / "grpo" / "metrics.jsonl").read_text().splitlines()]
    assert [line["step"] for line in lines if "reward" in line] == [1]
    assert (tmp_path / "sft" / "metrics.jsonl").exists() and (
        tmp_path / "grpo" / "final" / "config.json"
    ).exists()
    tasks = (tmp_path / "envs" / "quickstart_todo" / "tasks.jsonl").read_text().splitlines()
    assert len(tasks) == report["tasks"]["rl"] + report["tasks"]["held_out"]
    for database in (tmp_path / "server").glob("server-*.sqlite3"):  # every server it started is gone
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", int(database.stem.split("-")[1]))) != 0


def test_cli_refuses_unknown_config_fields_by_name(tmp_path: Path) -> None:
    app = cli()
    runner = CliRunner()
    result = runner.invoke(app, ["train", "grpo", "--model", str(tmp_path), "--set", "stepz=3"])
    assert result.exit_code == 2 and "stepz" in result.output and "steps" in result.output
    result = runner.invoke(app, ["train", "grpo", "--set", "steps=3"])
    assert result.exit_code == 2 and "--model is required" in result.output
    result = runner.invoke(app, ["quickstart", "--set", "group_size"])
    assert result.exit_code != 0 and "FIELD=VALUE" in result.output
