"""The environment contract, checked for every registered environment (built-in and entry-point).

Set ENVFACTORY_UPDATE_SNAPSHOTS=1 to rewrite the schema snapshots after an intended change.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from envfactory.environments import Environment, Task, evaluate, registry

SNAPSHOTS = Path(__file__).parent / "snapshots"
ENV_NAMES = registry.names()


@pytest.fixture(params=ENV_NAMES, scope="module")
def env_cls(request: pytest.FixtureRequest) -> type[Environment]:
    return registry.get(request.param)


def final_answer(task: Task) -> str:
    return "Done. " + "; ".join(task.required_outputs)


def replay(
    env_cls: type[Environment], task: Task, calls: list[tuple[str, dict]]
) -> tuple[Environment, list[str]]:
    env = env_cls.for_task(task)
    return env, [env.call(name, args).content for name, args in calls]


def solution_calls(task: Task) -> list[tuple[str, dict]]:
    return [(c.name, dict(c.arguments)) for c in task.solution]


def test_schemas_are_valid_json_schema_and_match_snapshot(
    env_cls: type[Environment], update_snapshots: bool
) -> None:
    tools = env_cls.openai_tools()
    for t in tools:
        jsonschema.Draft202012Validator.check_schema(t["function"]["parameters"])
        assert t["function"]["parameters"]["type"] == "object"
        assert t["function"]["description"], t["function"]["name"]
    path = SNAPSHOTS / f"{env_cls.name}.json"
    rendered = json.dumps(tools, indent=2, sort_keys=True) + "\n"
    if update_snapshots or not path.exists():
        path.write_text(rendered)
        if not update_snapshots:
            pytest.fail(f"Snapshot {path.name} was missing and has been written; review and commit it.")
    assert rendered == path.read_text(), f"Derived schemas of {env_cls.name} changed; see {path}"


def test_every_solution_replays_to_reward_one(env_cls: type[Environment]) -> None:
    tasks = env_cls.tasks()
    assert tasks, f"{env_cls.name} has no tasks"
    for task in tasks:
        env, _ = replay(env_cls, task, solution_calls(task))
        reward = evaluate(env, task, final_answer(task))
        assert reward.total == 1.0, (task.id, reward.components, reward.diff, reward.details)


def test_dropping_or_altering_the_last_write_lowers_the_reward(env_cls: type[Environment]) -> None:
    checked = 0
    for task in env_cls.tasks():
        calls = solution_calls(task)
        writes = [i for i, (name, _) in enumerate(calls) if env_cls.tools[name].write]
        if not writes:
            continue
        last = writes[-1]
        dropped = calls[:last] + calls[last + 1 :]
        altered = [*calls[:last], (calls[last][0], mutate(env_cls, *calls[last])), *calls[last + 1 :]]
        for variant in (dropped, altered):
            env, _ = replay(env_cls, task, variant)
            reward = evaluate(env, task, final_answer(task))
            assert reward.total < 1.0, (task.id, variant)
        checked += 1
    if env_cls.domain != "test":
        assert checked > 0, f"{env_cls.name} has no task that writes"


def mutate(env_cls: type[Environment], tool: str, args: dict[str, Any]) -> dict[str, Any]:
    """Change one argument the trace compares, to a value of the same type."""
    spec = env_cls.tools[tool]
    props = spec.parameters["properties"]
    for name, value in args.items():
        if name in spec.trace_ignore:
            continue
        enum = props.get(name, {}).get("enum")
        if enum and len(enum) > 1:
            return {**args, name: next(v for v in enum if v != value)}
        if isinstance(value, bool):
            return {**args, name: not value}
        if isinstance(value, int | float):
            return {**args, name: value + 1}
        if isinstance(value, str):
            return {**args, name: value + "X"}
    raise AssertionError(f"{tool}{args}: nothing to mutate")


def test_same_calls_give_same_outputs_and_state(env_cls: type[Environment]) -> None:
    for task in env_cls.tasks():
        calls = solution_calls(task)
        first, out1 = replay(env_cls, task, calls)
        second, out2 = replay(env_cls, task, calls)
        assert out1 == out2, task.id
        assert first.state_hash() == second.state_hash(), task.id


def test_fork_is_isolated_from_parent_both_ways(env_cls: type[Environment]) -> None:
    task = next(t for t in env_cls.tasks() if any(env_cls.tools[c.name].write for c in t.solution))
    parent = env_cls.for_task(task)
    before = parent.state_hash()
    child = parent.fork()
    for name, args in solution_calls(task):
        assert parent.call(name, args).ok
    assert parent.state_hash() != before
    assert child.state_hash() == before
    grandchild = child.fork()
    for name, args in solution_calls(task):
        assert child.call(name, args).ok
    assert grandchild.state_hash() == before
    assert child.state_hash() == parent.state_hash()


def test_export_import_round_trips(env_cls: type[Environment]) -> None:
    task = next(t for t in env_cls.tasks() if t.solution)
    env, _ = replay(env_cls, task, solution_calls(task))
    exported = env.export_state()
    json.dumps(exported)  # canonical JSON: must serialize
    assert env_cls.from_state(json.loads(json.dumps(exported))).export_state() == exported
    fresh = env_cls.create()
    fresh.import_state(exported)
    assert fresh.state_hash() == env.state_hash()


WRONG_VALUES: list[Any] = [{"not": "valid"}, [1, 2], "not-a-number"]


def test_wrong_argument_types_give_a_tool_error_naming_the_parameter(env_cls: type[Environment]) -> None:
    env = env_cls.create()
    for spec in env_cls.tools.values():
        for param, schema in spec.parameters["properties"].items():
            for wrong in WRONG_VALUES:
                if _accepts(schema, wrong):
                    continue
                result = env.call(spec.name, {param: wrong})
                assert not result.ok and result.error_kind == "invalid_arguments", (spec.name, param, wrong)
                assert repr(param) in result.error, result.error
                break


def _accepts(schema: dict[str, Any], value: Any) -> bool:
    try:
        jsonschema.validate(value, schema)
    except jsonschema.ValidationError:
        return False
    return True
