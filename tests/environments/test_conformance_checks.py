"""The conformance checks catch environments that break the contract."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from envfactory.environments import Environment, Task, dump_tasks, tool
from envfactory.environments.catalog.todo import TodoEnv
from envfactory.environments.conformance import (
    ConformanceError,
    check_determinism,
    check_environment,
    check_fork_isolation,
    check_perturbed_solutions,
    check_solutions_replay,
)


def with_tasks(cls: type[Environment], tmp_path: Path, tasks: list[dict]) -> type[Environment]:
    path = tmp_path / "tasks.jsonl"
    dump_tasks([Task.model_validate({"env": cls.name, **t}) for t in tasks], path)
    cls.package_dir = classmethod(lambda _cls: tmp_path)  # type: ignore[method-assign]
    return cls


def test_the_reference_environment_passes_every_check() -> None:
    assert all(r.ok for r in check_environment(TodoEnv)), check_environment(TodoEnv)


def test_a_tool_reading_global_randomness_fails_the_determinism_check(tmp_path: Path) -> None:
    class Dice(TodoEnv):
        @tool()
        def roll(self) -> int:
            """Roll a die."""
            return random.randint(1, 10**9) + int(time.time_ns() % 7)

    cls = with_tasks(Dice, tmp_path, [{"id": "d", "instruction": "Roll.", "solution": [{"name": "roll"}]}])
    with pytest.raises(ConformanceError, match="outputs differ"):
        check_determinism(cls)


def test_a_fork_that_shares_state_fails_the_isolation_check(tmp_path: Path) -> None:
    class Shared(TodoEnv):
        def fork(self):  # type: ignore[override]
            return self

    cls = with_tasks(Shared, tmp_path, [line for line in _todo_task("todo-001")])
    with pytest.raises(ConformanceError, match="fork saw its parent's later writes"):
        check_fork_isolation(cls)


def test_fork_isolation_needs_a_writing_task_unless_no_tool_writes(tmp_path: Path) -> None:
    class Calculator(Environment):
        name = "calculator"
        domain = "test"
        description = "Adds numbers; nothing to change."
        metadata = TodoEnv.metadata

        @tool()
        def add(self, a: int, b: int) -> int:
            """Add two numbers.

            Args:
                a: the first.
                b: the second.
            """
            return a + b

    check_fork_isolation(
        with_tasks(
            Calculator,
            tmp_path,
            [
                {
                    "id": "c",
                    "instruction": "1+2?",
                    "solution": [{"name": "add", "arguments": {"a": 1, "b": 2}}],
                }
            ],
        )
    )
    read_only_tasks = [{"id": "r", "instruction": "Lists?", "solution": [{"name": "list_lists"}]}]

    class TodoReadingOnly(TodoEnv):
        pass

    with pytest.raises(ConformanceError, match="no task writes"):
        check_fork_isolation(with_tasks(TodoReadingOnly, tmp_path, read_only_tasks))


def test_a_failing_solution_and_a_write_that_does_not_matter_are_reported(tmp_path: Path) -> None:
    class Todo2(TodoEnv):
        pass

    cls = with_tasks(
        Todo2,
        tmp_path,
        [
            {
                "id": "bad",
                "instruction": "Finish an item that is done.",
                "solution": [{"name": "complete_item", "arguments": {"item_id": "T104"}}],
            },
        ],
    )
    with pytest.raises(ConformanceError, match=r"task bad: solution call 0 \(complete_item\) failed"):
        check_solutions_replay(cls)
    results = {r.check: r for r in check_environment(cls)}
    assert not results["solutions replay to 1.0"].ok and results["schemas"].ok


def test_a_write_that_changes_nothing_fails_the_perturbation_check(tmp_path: Path) -> None:
    class Touchy(TodoEnv):
        @tool(write=True)
        def touch(self, item_id: str) -> str:
            """Pretend to update an item.

            Args:
                item_id: the item.
            """
            return item_id

    solution = [
        {"name": "find_items", "arguments": {"query": "tap"}},
        {"name": "touch", "arguments": {"item_id": "T102"}},
    ]
    cls = with_tasks(
        Touchy, tmp_path, [{"id": "t", "instruction": "Touch the tap item.", "solution": solution}]
    )
    check_solutions_replay(cls)
    with pytest.raises(
        ConformanceError, match=r"without its last write \(touch\) the final state is still right"
    ):
        check_perturbed_solutions(cls)


def _todo_task(task_id: str) -> list[dict]:
    task = next(t for t in TodoEnv.tasks() if t.id == task_id)
    return [task.model_dump(exclude={"env"}, exclude_defaults=True)]
