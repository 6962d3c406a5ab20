"""A handful of tasks per compiled environment, so that it can be evaluated and verified like a
catalog environment: look an item up and change one of its fields, create one, run an action on
one, delete one, ask for a field's value or for a count.

Candidates are built from the seeded rows with the same argument builder verification uses, then
kept only if they hold up: the solution runs without errors, a write task changes the state, an
information task's answer is in what the tools returned, and (as the conformance suite demands)
dropping or altering the solution's last write no longer scores 1.0.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from typing import Any

from envfactory.environments import Environment, RewardConfig, SolutionCall, Task, evaluate
from envfactory.environments.conformance import ConformanceError, final_answer, mutate

from .calls import Caller
from .model import ApiModel, Entity, Operation
from .naming import label
from .runtime import OpenApiEnvironment

Candidate = tuple[str, str, list[tuple[str, dict[str, Any]]], list[str]]  # kind, instruction, calls, outputs
_ORDER = ("update", "create", "action", "delete", "info", "count")
_TASK_KIND = {
    "update": "update",
    "create": "create",
    "create_many": "create",
    "action": "action",
    "delete": "delete",
    "get": "info",
    "list": "count",
}
_SIMPLE = frozenset({"string", "integer", "number", "boolean"})


def generate_tasks(env_cls: type[OpenApiEnvironment], limit: int = 6) -> list[Task]:
    api = env_cls.api
    base = env_cls.create()
    tables = base.export_tables()
    rng = random.Random(f"tasks|{api.name}|{api.seed}")
    caller = Caller(api, tables, rng, base.now().date())
    makers: dict[str, Callable[[Operation], Candidate | None]] = {
        "update": lambda op: _update(api, caller, op),
        "create": lambda op: _create(api, caller, op),
        "create_many": lambda op: _create(api, caller, op),
        "action": lambda op: _action(api, caller, op),
        "delete": lambda op: _delete(api, caller, op),
        "get": lambda op: _info(env_cls, caller, op),
        "list": lambda op: _count(env_cls, caller, op),
    }
    pending = {kind: iter(_candidates(api.operations, makers, kind)) for kind in _ORDER}
    seed_hash = base.state_hash()
    picked: list[Candidate] = []
    while len(picked) < limit and pending:
        for kind in list(pending):
            found = next((c for c in pending[kind] if _holds(env_cls, c, seed_hash)), None)
            if found is None:
                del pending[kind]
            elif len(picked) < limit:
                picked.append(found)
    return [
        Task(
            id=f"{api.name}-{i:03d}",
            env=api.name,
            instruction=instruction,
            solution=[SolutionCall(name=name, arguments=args) for name, args in calls],
            required_outputs=outputs,
            metadata={"generated_by": "envfactory.factory.openapi", "kind": kind},
        )
        for i, (kind, instruction, calls, outputs) in enumerate(picked, 1)
    ]


def _candidates(
    operations: list[Operation], makers: dict[str, Callable[[Operation], Candidate | None]], kind: str
) -> Iterator[Candidate]:
    """Candidate tasks of one kind, built lazily (each is checked by replaying it); for actions,
    those that change a status and take plain arguments come first (they read best as requests)."""
    if kind == "action":
        operations = sorted(operations, key=_action_rank)
    for op in operations:
        make = makers.get(op.kind)
        if make is None or _TASK_KIND.get(op.kind) != kind or (op.kind == "action" and not op.write):
            continue
        candidate = make(op)
        if candidate is not None:
            yield candidate


def _action_rank(op: Operation) -> tuple[bool, int]:
    structured = sum(p.spec.get("type") in ("object", "array") for p in op.params)
    return (not op.sets, structured)


# ----------------------------------------------------------------- candidates
def _lookup(api: ApiModel, op: Operation, args: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The read that finds the item before writing it: its get, else its list."""
    key_roles = ("key", "parent")
    wanted = {p.column: args[p.name] for p in op.params if p.role in key_roles and p.name in args}
    for kind in ("get", "list"):
        for other in api.operations:
            if other.entity != op.entity or other.kind != kind:
                continue
            call = {
                p.name: wanted[p.column] for p in other.params if p.role in key_roles and p.column in wanted
            }
            if all(p.name in call or not p.required for p in other.params) and (kind == "list" or call):
                return [(other.tool, call)]
    return []


def _describe(entity: Entity, row: dict[str, Any]) -> str:
    key = entity.column(entity.key)
    name = next(
        (
            row.get(c.name)
            for c in entity.columns
            if c.api_name.lower() in ("name", "title", "display_name") and isinstance(row.get(c.name), str)
        ),
        None,
    )
    ident = f"{entity.label} {row.get(entity.key)!s}" if key else entity.label
    return f"{ident} ({name})" if name else ident


def _update(api: ApiModel, caller: Caller, op: Operation) -> Candidate | None:
    entity = api.entity(op.entity or "")
    row = caller.row(op)
    args = caller.valid(op, row) if row else None
    if not row or args is None:
        return None
    fields = [p for p in op.params if p.role == "field" and p.column and p.column != entity.key]
    target = next((p for p in fields if _plain(entity, p.column or "")), None)
    if target is None:
        return None
    for p in fields:
        if p.required and p is not target and row.get(p.column) is not None:
            args[p.name] = _decoded(entity, p.column or "", row[p.column or ""])
    current = _decoded(entity, target.column or "", row.get(target.column or ""))
    new = _different(caller, target.spec, target.api_name, current, entity)
    if new is None:
        return None
    args[target.name] = new
    what = f"the {label(target.api_name)} of {_describe(entity, row)}"
    instruction = f"Please change {what} to {_say(new)}."
    return "update", instruction, [*_lookup(api, op, args), (op.tool, args)], []


def _create(api: ApiModel, caller: Caller, op: Operation) -> Candidate | None:
    entity = api.entity(op.entity or "")
    args = caller.valid(op, full=False)
    if args is None:
        return None
    extra = next(
        (
            p
            for p in op.params
            if p.role == "field"
            and p.name not in args
            and _plain(entity, p.column or "")
            and p.column != entity.key
        ),
        None,
    )
    if extra is not None:
        args[extra.name] = caller.gen.value(extra.spec, extra.api_name, entity.label)
    details = [f"{label(p.api_name)} {_say(args[p.name])}" for p in op.params if p.name in args]
    if not details:
        return None
    instruction = f"Please add a new {entity.label} with " + ", ".join(details) + "."
    return "create", instruction, [(op.tool, args)], []


def _delete(api: ApiModel, caller: Caller, op: Operation) -> Candidate | None:
    entity = api.entity(op.entity or "")
    row = caller.row(op)
    args = caller.valid(op, row) if row else None
    if not row or args is None:
        return None
    instruction = f"Please delete {_describe(entity, row)}; it is no longer needed."
    return "delete", instruction, [*_lookup(api, op, args), (op.tool, args)], []


def _action(api: ApiModel, caller: Caller, op: Operation) -> Candidate | None:
    entity = api.entity(op.entity) if op.entity else None
    row = caller.row(op)
    args = caller.valid(op, row, full=True) if row is not None else None
    if args is None or not args:
        return None
    keyed = any(p.role == "key" for p in op.params)
    about = _describe(entity, row) if entity and keyed and row else f"my {entity.label}s" if entity else "me"
    inputs = [
        f"{label(p.api_name)} {_say(args[p.name])}"
        for p in op.params
        if p.name in args and p.role in ("field", "input", "append", "remove")
    ]
    detail = f", with {', '.join(inputs)}" if inputs else ""
    instruction = f"I need this done for {about}: {_summary(op)}{detail}."
    lookup = _lookup(api, op, args) if keyed else []
    return "action", instruction, [*lookup, (op.tool, args)], []


def _info(env_cls: type[Environment], caller: Caller, op: Operation) -> Candidate | None:
    api: ApiModel = env_cls.api  # type: ignore[attr-defined]
    entity = api.entity(op.entity or "")
    row = caller.row(op)
    args = caller.valid(op, row) if row else None
    if not row or args is None:
        return None
    result = env_cls.create().call(op.tool, args)
    if not result.ok or not isinstance(result.output, dict):
        return None
    col = next(
        (
            c
            for c in entity.columns
            if c.name != entity.key
            and c.spec.get("type") == "string"
            and not c.references
            and isinstance(result.output.get(c.api_name), str)
            and 3 <= len(result.output[c.api_name]) <= 60
        ),
        None,
    )
    if col is None:
        return None
    instruction = f"What is the {label(col.api_name)} of {_describe(entity, row)}?"
    return "info", instruction, [(op.tool, args)], [result.output[col.api_name]]


def _count(env_cls: type[Environment], caller: Caller, op: Operation) -> Candidate | None:
    api: ApiModel = env_cls.api  # type: ignore[attr-defined]
    entity = api.entity(op.entity or "")
    args = caller.valid(op)
    defaults = any(p.spec.get("default") is not None and p.role in ("filter", "search") for p in op.params)
    if args is None or defaults or any(p.role != "parent" for p in op.params if p.name in args):
        return None
    result = env_cls.create().call(op.tool, args)
    if not result.ok or not isinstance(result.output, dict) or not result.output.get("total"):
        return None
    owner = ""
    if args:
        parent = next(p for p in op.params if p.name in args)
        owner = f" for {label(parent.api_name)} {args[parent.name]}"
    instruction = f"How many {label(entity.name)} are there{owner}?"
    return "count", instruction, [(op.tool, args)], [str(result.output["total"])]


# ----------------------------------------------------------------- checks
def _holds(env_cls: type[Environment], candidate: Candidate, seed_hash: str) -> bool:
    _, _, calls, outputs = candidate
    task = Task(
        id="candidate",
        env=env_cls.name,
        instruction="-",
        solution=[SolutionCall(name=n, arguments=a) for n, a in calls],
        required_outputs=outputs,
    )
    env = env_cls.create()
    results = [env.call(name, args) for name, args in calls]
    if not all(r.ok for r in results):
        return False
    if outputs:
        return all(str(o) in results[-1].content for o in outputs)
    if env.state_hash() == seed_hash:
        return False
    return _robust(env_cls, task, calls)


def _robust(env_cls: type[Environment], task: Task, calls: list[tuple[str, dict[str, Any]]]) -> bool:
    """What the conformance suite checks: without the last write, or with one of its arguments
    altered, the solution no longer scores 1.0."""
    name, args = calls[-1]
    try:
        altered = mutate(env_cls, name, args)
    except ConformanceError:
        return False
    strict = RewardConfig(formula="strict")
    for variant, config in ((calls[:-1], strict), ([*calls[:-1], (name, altered)], RewardConfig())):
        env = env_cls.for_task(task)
        for n, a in variant:
            env.call(n, a)
        if evaluate(env, task, final_answer(task), config).total >= 1.0:
            return False
    return True


# ----------------------------------------------------------------- wording
def _plain(entity: Entity, column: str) -> bool:
    col = entity.column(column)
    return (
        col.spec.get("type") in _SIMPLE
        and not col.references
        and not col.read_only
        and col.name not in entity.parents
        and not col.spec.get("pattern")
    )


def _decoded(entity: Entity, column: str, value: Any) -> Any:
    col = entity.column(column)
    if isinstance(value, str) and col.spec.get("type") in ("object", "array"):
        return json.loads(value)
    if col.spec.get("type") == "boolean" and value is not None:
        return bool(value)
    return value


def _different(caller: Caller, spec: dict[str, Any], name: str, current: Any, entity: Entity) -> Any:
    if spec.get("type") == "boolean":
        return not current
    if spec.get("enum"):
        others = [v for v in spec["enum"] if v != current]
        return caller.rng.choice(others) if others else None
    for _ in range(10):
        value = caller.gen.value(spec, name, entity.label)
        if value != current:
            return value
    return None


def _summary(op: Operation) -> str:
    """The operation's summary as a request: 'Activate plan.' -> 'activate plan'."""
    text = op.description.split(". ")[0].strip().rstrip(".") or label(op.action or op.tool)
    return text[0].lower() + text[1:] if len(text) > 1 and not text[1].isupper() else text


def _say(value: Any) -> str:
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
