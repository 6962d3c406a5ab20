"""Rewards are computed by the environment, never by the agent side.

The expected final state comes from replaying the task's solution on a fresh copy of the task's
initial state; the session's final state is compared with it table by table. Components:

- `state`: 1.0 when every compared table matches, else 0.0 (the per-table diff says why).
- `outputs`: fraction of `required_outputs` stated in the final answer (1.0 when none required).
- `trace`: fraction of solution calls matched, order-free, by distinct successful agent calls
  with the same tool and equal arguments (defaults filled in; masked arguments ignored; numbers
  compared with a relative tolerance; list arguments compared as multisets).
- `penalties`: per malformed call (bad arguments, unknown tool) and per extra call, each capped.

`total` = the configured formula, clipped to [0, 1]. The default mixes trace and state like the
EnvFactory paper (`tau * trace + (1 - tau) * state`), multiplies by `outputs` so an information
task is not solved by looking things up and answering wrong, and subtracts `penalties`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, Field, field_validator

from .environment import CallRecord, Environment
from .errors import TaskFormatError
from .formula import evaluate_formula
from .state import META_KEY, TableInfo, canonical_json
from .tasks import Task

PRESETS = {
    "default": "(tau * trace + (1 - tau) * state) * outputs - penalties",
    "paper": "tau * trace + (1 - tau) * state - penalties",
    "strict": "state * outputs",
}
_MALFORMED = frozenset({"invalid_arguments", "unknown_tool"})


class RewardConfig(BaseModel):
    formula: str = Field(default=PRESETS["default"], description="Expression or preset name.")
    tau: float = Field(default=0.5, ge=0, le=1)
    malformed_call_penalty: float = Field(default=0.05, ge=0)
    extra_call_penalty: float = Field(default=0.0, ge=0)
    penalty_cap: float = Field(default=0.5, ge=0)
    mask_args: dict[str, list[str]] = Field(
        default_factory=dict, description="tool name -> arguments ignored by the trace match."
    )
    rel_tol: float = 1e-6

    @field_validator("formula")
    @classmethod
    def _check_formula(cls, value: str) -> str:
        value = PRESETS.get(value, value)
        evaluate_formula(value, dict.fromkeys(("state", "outputs", "trace", "penalties", "tau"), 0.5))
        return value


@dataclass
class Reward:
    total: float
    components: dict[str, float]
    diff: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "reward": self.total,
            "components": self.components,
            "diff": self.diff,
            "details": self.details,
        }


def expected_session(env_cls: type[Environment], task: Task) -> Environment:
    """A fresh session of the task with its solution replayed; raises if the solution fails."""
    env = env_cls.for_task(task)
    for i, call in enumerate(task.solution):
        result = env.call(call.name, call.arguments)
        if not result.ok:
            env.close()
            raise TaskFormatError(f"Task {task.id!r}: solution call {i} ({call.name}) failed: {result.error}")
    return env


@lru_cache(maxsize=4096)
def _expected_state(env_cls: type[Environment], task_json: str) -> Mapping[str, Any]:
    with expected_session(env_cls, Task.model_validate_json(task_json)) as expected:
        return expected.export_tables()


def clear_expected_cache() -> None:
    """Forget the cached expected states (for callers that grade many one-off tasks, such as
    trajectory synthesis: an airline task's expected state alone is a few MB)."""
    _expected_state.cache_clear()


def expected_state(env_cls: type[Environment], task: Task) -> Mapping[str, Any]:
    """The state the task's solution produces (cached per environment class and task content;
    treat it as read-only)."""
    return _expected_state(env_cls, task.model_dump_json())


def evaluate(
    session: Environment,
    task: Task,
    final_response: str | None = None,
    config: RewardConfig | None = None,
) -> Reward:
    """Grade a session against its task."""
    env_cls = type(session)
    expected = expected_state(env_cls, task)
    diff = state_diff(expected, session.export_tables(), env_cls._tables, task.ignore_fields)
    return grade(diff, session.trace, env_cls.tools, task, final_response, config or RewardConfig())


def grade(
    diff: Mapping[str, Any],
    trace: Sequence[CallRecord],
    tools: Mapping[str, Any],
    task: Task,
    final_response: str | None,
    config: RewardConfig,
) -> Reward:
    """The reward from a state diff and a call trace (any environment kind: `tools` maps names to
    specs with `normalize` and `trace_ignore`)."""
    matched, unmatched_solution, extra = match_trace(tools, task, trace, config)
    malformed = sum(1 for c in trace if not c.ok and c.error_kind in _MALFORMED)
    missing_outputs = [o for o in task.required_outputs if not mentions(final_response or "", o)]
    components = {
        "state": 0.0 if diff else 1.0,
        "outputs": 1.0 - len(missing_outputs) / len(task.required_outputs) if task.required_outputs else 1.0,
        "trace": matched / len(task.solution) if task.solution else 1.0,
        "penalties": min(config.penalty_cap, malformed * config.malformed_call_penalty)
        + min(config.penalty_cap, extra * config.extra_call_penalty),
    }
    total = evaluate_formula(config.formula, {**components, "tau": config.tau})
    return Reward(
        total=round(min(1.0, max(0.0, total)), 6),
        components=components,
        diff=dict(diff),
        details={
            "missing_outputs": missing_outputs,
            "unmatched_solution_calls": unmatched_solution,
            "malformed_calls": malformed,
            "extra_calls": extra,
        },
    )


def json_diff(
    expected: Any, actual: Any, ignore_fields: Sequence[str] = (), path: str = ""
) -> dict[str, Any]:
    """Differences between two JSON states (of environments whose state is not tables), keyed by
    dotted path: `{"orders.2.status": {"expected": "paid", "actual": "open"}}`. `ignore_fields`
    names paths to skip (`*` matches any one key or index)."""
    if any(_path_matches(path, pattern) for pattern in ignore_fields):
        return {}
    if isinstance(expected, dict) and isinstance(actual, dict):
        diff: dict[str, Any] = {}
        for key in sorted(expected.keys() | actual.keys(), key=str):
            child = f"{path}.{key}" if path else str(key)
            if key not in actual or key not in expected:
                if not any(_path_matches(child, pattern) for pattern in ignore_fields):
                    diff[child] = {"expected": expected.get(key), "actual": actual.get(key)}
            else:
                diff.update(json_diff(expected[key], actual[key], ignore_fields, child))
        return diff
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        diff = {}
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            diff.update(json_diff(e, a, ignore_fields, f"{path}.{i}" if path else str(i)))
        return diff
    if expected == actual and type(expected) is type(actual):
        return {}
    return {path or "$": {"expected": expected, "actual": actual}}


def _path_matches(path: str, pattern: str) -> bool:
    parts, wanted = path.split("."), pattern.split(".")
    return len(parts) == len(wanted) and all(w in ("*", p) for p, w in zip(parts, wanted, strict=True))


def state_diff(
    expected: Mapping[str, Any],
    actual: Mapping[str, Any],
    tables: Mapping[str, TableInfo],
    ignore_fields: Sequence[str] = (),
) -> dict[str, Any]:
    """Per-table differences: rows missing, unexpected, or changed (by primary key)."""
    skip_tables = {f for f in ignore_fields if "." not in f} | {META_KEY}
    skip_cols: dict[str, set[str]] = {}
    for f in ignore_fields:
        if "." in f:
            table, col = f.split(".", 1)
            skip_cols.setdefault(table, set()).add(col)
    diff: dict[str, Any] = {}
    for name, info in tables.items():
        if name in skip_tables:
            continue
        drop = skip_cols.get(name, set())
        exp = _index(expected.get(name, []), info, drop)
        act = _index(actual.get(name, []), info, drop)
        if exp == act:
            continue
        changed = []
        for key in exp.keys() & act.keys():
            if exp[key] != act[key]:
                fields = {
                    col: {"expected": exp[key].get(col), "actual": act[key].get(col)}
                    for col in sorted(exp[key].keys() | act[key].keys())
                    if exp[key].get(col) != act[key].get(col)
                }
                changed.append({"key": dict(zip(info.primary_key, key, strict=True)), "fields": fields})
        diff[name] = {
            "missing": [exp[k] for k in sorted(exp.keys() - act.keys(), key=repr)],
            "unexpected": [act[k] for k in sorted(act.keys() - exp.keys(), key=repr)],
            "changed": sorted(changed, key=lambda c: repr(c["key"])),
        }
    return diff


def _index(rows: Sequence[Mapping[str, Any]], info: TableInfo, drop: set[str]) -> dict[tuple, dict[str, Any]]:
    return {
        tuple(row.get(c) for c in info.primary_key): {k: v for k, v in row.items() if k not in drop}
        for row in rows
    }


def match_trace(
    tools: Mapping[str, Any], task: Task, trace: Sequence[CallRecord], config: RewardConfig
) -> tuple[int, list[int], int]:
    """Order-free matching of solution calls to distinct successful agent calls.

    Returns (matched count, indices of unmatched solution calls, extra agent calls)."""
    agent = [(c.tool, _comparable(tools, c.tool, c.arguments, config)) for c in trace if c.ok]
    used = [False] * len(agent)
    unmatched = []
    matched = 0
    for i, call in enumerate(task.solution):
        want = _comparable(tools, call.name, call.arguments, config)
        for j, (name, args) in enumerate(agent):
            if not used[j] and name == call.name and _equal(want, args, config.rel_tol):
                used[j] = True
                matched += 1
                break
        else:
            unmatched.append(i)
    return matched, unmatched, used.count(False)


def _comparable(tools: Mapping[str, Any], tool: str, args: Mapping[str, Any], config: RewardConfig) -> Any:
    spec = tools.get(tool)
    if spec is None:
        return dict(args)
    try:
        values = spec.normalize(dict(args))
    except ValueError:  # pydantic's ValidationError: compare the raw arguments
        values = dict(args)
    masked = spec.trace_ignore | set(config.mask_args.get(tool, ()))
    return {k: v for k, v in values.items() if k not in masked}


def _equal(a: Any, b: Any, rel_tol: float) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(a, b, rel_tol=rel_tol, abs_tol=1e-12)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k], rel_tol) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        # lists are compared as multisets: "return items A and B" is the same request as "B and A"
        key = canonical_json
        return len(a) == len(b) and all(
            _equal(x, y, rel_tol) for x, y in zip(sorted(a, key=key), sorted(b, key=key), strict=True)
        )
    return a == b


_NUMBER = re.compile(r"(?<=\d),(?=\d{3}\b)")


def _normalize_text(text: str) -> str:
    text = _NUMBER.sub("", re.sub(r"[$€£¥]", "", text.lower()))
    text = re.sub(r"(\d+\.\d*?)0+\b", r"\1", text)
    text = re.sub(r"(\d+)\.(?!\d)", r"\1", text)
    return " ".join(text.split())


def mentions(answer: str, fact: str) -> bool:
    """Whether `answer` states `fact`: case-, whitespace-, currency-symbol- and
    number-format-insensitive (`$1,234.50` states `1234.5`)."""
    return _normalize_text(fact) in _normalize_text(answer)


def reward_json(reward: Reward) -> dict[str, Any]:
    """A reward as the server answers `evaluate`: `{reward, components, diff, details}`."""
    return {
        "reward": reward.total,
        "components": reward.components,
        "diff": reward.diff,
        "details": reward.details,
    }
