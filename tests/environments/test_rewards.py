"""Tasks load with clear errors; rewards grade state, outputs and trace as documented."""

from __future__ import annotations

import json

import pytest

from envfactory.environments import (
    RewardConfig,
    Task,
    TaskFormatError,
    UnknownEnvironmentError,
    UnknownTaskError,
    evaluate,
    parse_tasks,
    registry,
)
from envfactory.environments.formula import FormulaError, evaluate_formula
from envfactory.environments.rewards import mentions

Todo = registry.get("todo")


def task(**kw: object) -> Task:
    base = {
        "id": "t",
        "env": "todo",
        "instruction": "Tick off the leaking tap.",
        "solution": [
            {"name": "find_items", "arguments": {"query": "tap"}},
            {"name": "complete_item", "arguments": {"item_id": "T102"}},
        ],
    }
    return Task.model_validate(base | kw)


def run(
    t: Task, calls: list[tuple[str, dict]], answer: str | None = "Done.", config: RewardConfig | None = None
):
    env = Todo.for_task(t)
    for name, args in calls:
        env.call(name, args)
    return evaluate(env, t, answer, config)


def test_solution_scores_one_with_every_component_full() -> None:
    reward = run(task(), [("find_items", {"query": "tap"}), ("complete_item", {"item_id": "T102"})])
    assert reward.total == 1.0
    assert reward.components == {"state": 1.0, "outputs": 1.0, "trace": 1.0, "penalties": 0.0}
    assert reward.diff == {}


def test_wrong_write_shows_a_per_table_diff() -> None:
    reward = run(task(), [("find_items", {"query": "tap"}), ("complete_item", {"item_id": "T105"})])
    assert reward.components["state"] == 0.0
    assert reward.components["trace"] == 0.5
    assert reward.total == pytest.approx(0.25)
    changed = {c["key"]["id"]: c["fields"] for c in reward.diff["items"]["changed"]}
    assert changed["T102"]["done"] == {"expected": 1, "actual": 0}
    assert changed["T105"]["completed_on"] == {"expected": None, "actual": "2026-03-02"}
    assert reward.details["unmatched_solution_calls"] == [1]


def test_trace_is_order_free_and_fills_defaults_before_comparing() -> None:
    calls = [
        ("complete_item", {"item_id": "T102"}),
        ("find_items", {"query": "tap", "include_done": False, "list_name": None}),
    ]
    assert run(task(), calls).total == 1.0


def test_masked_arguments_do_not_affect_the_trace() -> None:
    calls = [("find_items", {"query": "TAP"}), ("complete_item", {"item_id": "T102"})]
    assert run(task(), calls).components["trace"] == 0.5
    masked = RewardConfig(mask_args={"find_items": ["query"]})
    assert run(task(), calls, config=masked).components["trace"] == 1.0


def test_required_outputs_must_be_stated_in_the_final_answer() -> None:
    info = task(
        solution=[{"name": "find_items", "arguments": {"query": "bike"}}],
        required_outputs=["2026-03-20", "$1,240.50"],
    )
    calls = [("find_items", {"query": "bike"})]
    assert run(info, calls, "It's due 2026-03-20 and costs 1240.5 dollars").total == 1.0
    half = run(info, calls, "It's due 2026-03-20.")
    assert half.components["outputs"] == 0.5 and half.details["missing_outputs"] == ["$1,240.50"]
    assert run(info, calls, None).components["outputs"] == 0.0


def test_malformed_calls_are_penalised_and_capped() -> None:
    calls = [("find_items", {"query": "tap"}), ("complete_item", {"item_id": "T102"})]
    calls += [("complete_itm", {})] * 3 + [("complete_item", {"item_id": 5})]
    reward = run(task(), calls)
    assert reward.components["penalties"] == pytest.approx(0.2)
    assert reward.total == pytest.approx(0.8)
    capped = RewardConfig(malformed_call_penalty=0.3, penalty_cap=0.5)
    assert run(task(), calls, config=capped).components["penalties"] == 0.5


def test_formula_is_configurable_by_preset_or_expression() -> None:
    calls = [("find_items", {"query": "tap"}), ("complete_item", {"item_id": "T105"})]
    assert run(task(), calls, config=RewardConfig(formula="strict")).total == 0.0
    assert run(task(), calls, config=RewardConfig(formula="trace")).total == 0.5
    assert run(task(), calls, config=RewardConfig(formula="paper", tau=0.9)).total == pytest.approx(0.45)
    with pytest.raises(ValueError, match="unknown name 'trase'"):
        RewardConfig(formula="trase * state")
    with pytest.raises(FormulaError, match="not allowed"):
        evaluate_formula("__import__('os')", {})
    assert evaluate_formula("max(0, min(1, 2 * x - 1))", {"x": 0.75}) == 0.5


def test_ignore_fields_leave_columns_out_of_the_state_comparison() -> None:
    t = task(ignore_fields=["items.completed_on"])
    env = Todo.for_task(t)
    env.set_clock("2026-03-09T10:00:00")
    env.call("complete_item", {"item_id": "T102"})
    assert evaluate(env, t, "ok").components["state"] == 1.0
    assert evaluate(env, task(), "ok").components["state"] == 0.0


def test_a_solution_that_fails_to_replay_is_reported() -> None:
    bad = task(solution=[{"name": "complete_item", "arguments": {"item_id": "T104"}}])
    with pytest.raises(TaskFormatError, match="solution call 0 \\(complete_item\\) failed"):
        run(bad, [])


def test_task_files_report_the_line_of_each_problem() -> None:
    good = json.dumps({"id": "a", "env": "todo", "instruction": "x"})
    with pytest.raises(TaskFormatError, match=r"<t>:2: not valid JSON"):
        parse_tasks([good, "{oops"], source="<t>")
    with pytest.raises(TaskFormatError, match=r"<t>:1: instruction: Field required"):
        parse_tasks([json.dumps({"id": "a", "env": "todo"})], source="<t>")
    with pytest.raises(TaskFormatError, match="duplicate task id 'a'"):
        parse_tasks([good, good], source="<t>")
    with pytest.raises(TaskFormatError, match="expected 'shop'"):
        parse_tasks([good], source="<t>", env="shop")
    with pytest.raises(TaskFormatError, match="soluton: Extra inputs"):
        parse_tasks([json.dumps({"id": "a", "env": "todo", "instruction": "x", "soluton": []})])


def test_mentions_normalises_case_spacing_and_number_formats() -> None:
    assert mentions("Your balance is $12,345.60 today", "12345.6")
    assert mentions("DUE ON  2026-03-20", "due on 2026-03-20")
    assert not mentions("balance 12345", "12345.6")


def test_registry_suggests_close_names_for_unknown_envs_and_tasks() -> None:
    with pytest.raises(UnknownEnvironmentError, match="Did you mean: 'todo'"):
        registry.get("todoo")
    with pytest.raises(UnknownTaskError, match="Did you mean: 'todo-001'"):
        registry.task("todo", "todo-0001")
    assert registry.task("todo", "todo-001").env == "todo"


def test_list_arguments_match_in_any_order_and_numbers_within_tolerance() -> None:
    from envfactory.environments.rewards import _equal

    assert _equal({"ids": ["a", "b"], "n": 1.0}, {"ids": ["b", "a"], "n": 1.0000000001}, 1e-6)
    assert not _equal({"ids": ["a", "b"]}, {"ids": ["a", "a"]}, 1e-6)
    assert not _equal({"ids": [{"v": 1}]}, {"ids": [{"v": 2}]}, 1e-6)
    assert not _equal(True, 1, 1e-6)
