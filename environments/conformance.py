"""The environment contract as runnable checks, like Gymnasium's `check_env`: the test suite runs
them over every registered environment, and `envfactory envs check NAME` runs them on yours.

Each check raises `ConformanceError` saying what is wrong and for which task or tool.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jsonschema

from .environment import Environment
from .errors import EnvFactoryError
from .rewards import RewardConfig, evaluate
from .tasks import Task

Calls = list[tuple[str, dict[str, Any]]]


class ConformanceError(EnvFactoryError, AssertionError):
    """An environment breaks the contract."""


def final_answer(task: Task) -> str:
    """A final answer stating every required output."""
    return "Done. " + "; ".join(task.required_outputs)


def solution_calls(task: Task) -> Calls:
    return [(c.name, dict(c.arguments)) for c in task.solution]


def replay(env_cls: type[Environment], task: Task, calls: Calls) -> tuple[Environment, list[str]]:
    env = env_cls.for_task(task)
    return env, [env.call(name, args).content for name, args in calls]


def _fail(message: str) -> None:
    raise ConformanceError(message)


def check_schemas(env_cls: type[Environment]) -> None:
    """Every tool has a description and a valid JSON Schema object for its parameters."""
    for t in env_cls.openai_tools():
        fn = t["function"]
        try:
            jsonschema.Draft202012Validator.check_schema(fn["parameters"])
        except jsonschema.SchemaError as exc:
            _fail(f"{fn['name']}: parameters are not valid JSON Schema: {exc.message}")
        if fn["parameters"].get("type") != "object" or not fn["description"]:
            _fail(f"{fn['name']}: parameters must be an object schema and the tool needs a description")


def check_has_tasks(env_cls: type[Environment]) -> None:
    """Tasks load and refer to existing tools."""
    tasks = env_cls.tasks()
    if not tasks:
        _fail(f"{env_cls.name} has no tasks (tasks.jsonl beside the environment's module)")
    for task in tasks:
        for call in task.solution:
            if call.name not in env_cls.tools:
                _fail(f"task {task.id}: solution calls unknown tool {call.name!r}")


def check_solutions_replay(env_cls: type[Environment]) -> None:
    """Every task's solution succeeds call by call and scores 1.0."""
    for task in env_cls.tasks():
        env = env_cls.for_task(task)
        for i, (name, args) in enumerate(solution_calls(task)):
            result = env.call(name, args)
            if not result.ok:
                _fail(f"task {task.id}: solution call {i} ({name}) failed: {result.error}")
        reward = evaluate(env, task, final_answer(task))
        if reward.total != 1.0:
            _fail(f"task {task.id}: solution scores {reward.total} ({reward.components}, diff {reward.diff})")


def check_perturbed_solutions(env_cls: type[Environment]) -> None:
    """Dropping the last write of a solution changes the final state (state alone scores < 1.0),
    and altering one of its arguments lowers the reward below 1.0."""
    strict = RewardConfig(formula="strict")
    for task in env_cls.tasks():
        calls = solution_calls(task)
        writes = [i for i, (name, _) in enumerate(calls) if env_cls.tools[name].write]
        if not writes:
            continue
        last = writes[-1]
        dropped = calls[:last] + calls[last + 1 :]
        env, _ = replay(env_cls, task, dropped)
        if evaluate(env, task, final_answer(task), strict).total >= 1.0:
            _fail(f"task {task.id}: without its last write ({calls[last][0]}) the final state is still right")
        altered = [*calls[:last], (calls[last][0], mutate(env_cls, *calls[last])), *calls[last + 1 :]]
        env, _ = replay(env_cls, task, altered)
        if evaluate(env, task, final_answer(task)).total >= 1.0:
            _fail(f"task {task.id}: altering the last write still scores 1.0 ({altered[last]})")


def mutate(env_cls: type[Environment], tool: str, args: dict[str, Any]) -> dict[str, Any]:
    """The same call with one compared argument changed to another value of its type."""
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
    raise ConformanceError(f"{tool}{args}: no argument that the trace compares can be changed")


def check_determinism(env_cls: type[Environment]) -> None:
    """The same calls on the same initial state give the same outputs and the same state."""
    for task in env_cls.tasks():
        calls = solution_calls(task)
        first, out1 = replay(env_cls, task, calls)
        second, out2 = replay(env_cls, task, calls)
        if out1 != out2:
            _fail(f"task {task.id}: outputs differ between two identical replays")
        if first.state_hash() != second.state_hash():
            _fail(f"task {task.id}: final states differ between two identical replays")


def _writing_task(env_cls: type[Environment]) -> Task:
    for task in env_cls.tasks():
        if any(env_cls.tools[c.name].write for c in task.solution):
            return task
    raise ConformanceError(f"{env_cls.name}: no task writes, so fork isolation cannot be checked")


def check_fork_isolation(env_cls: type[Environment]) -> None:
    """A fork does not see its parent's later writes, and the parent does not see the fork's.
    (Holds trivially for an environment none of whose tools write: a calculator.)"""
    if not any(spec.write for spec in env_cls.tools.values()):
        return
    task = _writing_task(env_cls)
    parent = env_cls.for_task(task)
    before = parent.state_hash()
    child = parent.fork()
    for name, args in solution_calls(task):
        parent.call(name, args)
    if parent.state_hash() == before:
        _fail(f"task {task.id}: its solution did not change the state")
    if child.state_hash() != before:
        _fail("a fork saw its parent's later writes")
    grandchild = child.fork()
    for name, args in solution_calls(task):
        child.call(name, args)
    if grandchild.state_hash() != before:
        _fail("a parent saw its fork's writes")
    if child.state_hash() != parent.state_hash():
        _fail("a fork replaying the parent's calls did not reach the parent's state")


def check_export_import(env_cls: type[Environment]) -> None:
    """export_state() is JSON, and importing it reproduces the same state."""
    task = next((t for t in env_cls.tasks() if t.solution), None)
    env = env_cls.create() if task is None else replay(env_cls, task, solution_calls(task))[0]
    exported = env.export_state()
    try:
        round_tripped = json.loads(json.dumps(exported))
    except TypeError as exc:
        raise ConformanceError(f"export_state() is not JSON: {exc}") from None
    if env_cls.from_state(round_tripped).export_state() != exported:
        _fail("from_state(export_state()) does not reproduce the state")
    fresh = env_cls.create()
    fresh.import_state(round_tripped)
    if fresh.state_hash() != env.state_hash():
        _fail("import_state(export_state()) into a fresh session does not reproduce the state")


_WRONG_VALUES: list[Any] = [{"not": "valid"}, [1, 2], "not-a-number"]


def check_argument_errors(env_cls: type[Environment]) -> None:
    """A wrong argument type gives an invalid-arguments tool error naming the parameter."""
    env = env_cls.create()
    for spec in env_cls.tools.values():
        for param, schema in spec.parameters["properties"].items():
            wrong = next((w for w in _WRONG_VALUES if not _accepts(schema, w)), None)
            if wrong is None:
                continue
            result = env.call(spec.name, {param: wrong})
            if (
                result.ok
                or result.error_kind != "invalid_arguments"
                or repr(param) not in (result.error or "")
            ):
                _fail(
                    f"{spec.name}({param}={wrong!r}) gave {result.content!r}, not an error naming {param!r}"
                )


def _accepts(schema: dict[str, Any], value: Any) -> bool:
    return jsonschema.Draft202012Validator(schema).is_valid(value)


CHECKS: dict[str, Callable[[type[Environment]], None]] = {
    "schemas": check_schemas,
    "tasks": check_has_tasks,
    "solutions replay to 1.0": check_solutions_replay,
    "perturbed solutions score < 1.0": check_perturbed_solutions,
    "determinism": check_determinism,
    "fork isolation": check_fork_isolation,
    "export/import round trip": check_export_import,
    "argument errors name the parameter": check_argument_errors,
}


@dataclass(frozen=True)
class CheckResult:
    check: str
    ok: bool
    message: str = ""


def check_environment(env_cls: type[Environment]) -> list[CheckResult]:
    """Run every check; failures are collected, not raised."""
    results = []
    for name, check in CHECKS.items():
        try:
            check(env_cls)
        except EnvFactoryError as exc:
            results.append(CheckResult(name, False, str(exc)))
        else:
            results.append(CheckResult(name, True))
    return results
