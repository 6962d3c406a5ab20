"""The `envfactory` command, run as users run it: a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys


def envfactory(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "envfactory.cli", *args], capture_output=True, text=True, timeout=120
    )


def test_envs_list_json_names_every_environment_with_counts() -> None:
    result = envfactory("envs", "list", "--json")
    assert result.returncode == 0, result.stderr
    rows = {r["name"]: r for r in json.loads(result.stdout)}
    assert rows["todo"]["tools"] == 6 and rows["todo"]["write_tools"] == 3 and rows["todo"]["tasks"] >= 10


def test_envs_show_prints_tools_in_openai_form() -> None:
    result = envfactory("envs", "show", "todo")
    entry = json.loads(result.stdout)
    assert entry["kind"] == "native"
    names = [t["function"]["name"] for t in entry["tools"]]
    assert "complete_item" in names and all(t["type"] == "function" for t in entry["tools"])


def test_unknown_environment_exits_2_with_a_suggestion() -> None:
    result = envfactory("envs", "show", "tod")
    assert result.returncode == 2
    assert "Did you mean: 'todo'" in " ".join(result.stderr.split())


def test_tasks_jsonl_hides_solutions_unless_asked() -> None:
    plain = [json.loads(line) for line in envfactory("tasks", "todo", "--jsonl").stdout.splitlines()]
    full = [
        json.loads(line) for line in envfactory("tasks", "todo", "--jsonl", "--solutions").stdout.splitlines()
    ]
    assert len(plain) == len(full) >= 10
    assert all("solution" not in t for t in plain)
    assert all(t["solution"] for t in full if t["id"] == "todo-001")
