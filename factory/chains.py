"""Executed tool chains: the steps a sampler ran for real, and what a person would know of them.

A step is a *lookup* (a read whose output later steps use), an *intent* (something the person
wants: every write, and reads whose result the person asked for) or a *setup* (a write the
environment demanded first, such as logging in, inserted by repair). Each argument keeps its
`Source`, so queries can say what the person knows (values they state) and leave out what the
agent must find (values earlier steps returned).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .grounding import Source
from .params import classify, flatten, humanize

_DESCRIPTIVE = (
    "title",
    "name",
    "subject",
    "full_name",
    "summary",
    "label",
    "filename",
    "path",
    "symbol",
    "merchant",
    "route",
    "headline",
    "content",
    "description",
)
_PREFERRED_ANSWERS = (
    "status",
    "due_date",
    "date",
    "balance",
    "amount",
    "total",
    "price",
    "cost",
    "estimated_delivery",
    "delay_minutes",
    "priority",
    "state",
    "email",
    "phone",
    "count",
    "quantity",
    "rating",
    "city",
)
_ID_VALUE = re.compile(r"^(?=.*\d)[A-Za-z0-9_-]{4,}$|^[0-9a-f]{8,}$")


@dataclass(frozen=True)
class Answer:
    """What a read intent tells the person: one field of one record, or one field of each."""

    key: str
    values: tuple[str, ...]

    @property
    def label(self) -> str:
        return humanize(self.key)


@dataclass
class Step:
    env: str
    tool: str
    arguments: dict[str, Any]
    write: bool
    output: Any
    content: str
    sources: dict[str, Source]
    role: str = "lookup"
    answer: Answer | None = None
    reads: frozenset[str] = frozenset()
    writes: frozenset[str] = frozenset()

    @property
    def user_values(self) -> dict[str, Any]:
        """Leaf argument values the person states (by parameter path)."""
        return {
            path: value
            for path, value in leaf_values(self.arguments)
            if self.sources.get(path, Source("user")).kind == "user"
        }

    def as_dict(self) -> dict[str, Any]:
        data = {
            "env": self.env,
            "tool": self.tool,
            "role": self.role,
            "write": self.write,
            "arguments": self.arguments,
            "sources": {path: s.as_dict() for path, s in self.sources.items()},
        }
        if self.answer is not None:
            data["answer"] = {"key": self.answer.key, "values": list(self.answer.values)}
        return data


@dataclass
class Chain:
    """Steps executed in order in fresh sessions (one per environment) started from `seed`."""

    steps: list[Step]
    seed: int | None = None
    turns: list[list[int]] = field(default_factory=list)

    @property
    def envs(self) -> list[str]:
        return list(dict.fromkeys(s.env for s in self.steps))

    @property
    def intents(self) -> list[int]:
        return [i for i, s in enumerate(self.steps) if s.role != "lookup"]

    @property
    def signature(self) -> str:
        """Identical calls give identical chains: the key for deduplication."""
        calls = [[s.env, s.tool, s.arguments] for s in self.steps]
        return hashlib.sha256(json.dumps(calls, sort_keys=True, default=str).encode()).hexdigest()[:16]

    def solution(self) -> list[dict[str, Any]]:
        return [{"name": s.tool, "arguments": s.arguments} for s in self.steps]

    def answers(self, steps: Iterable[int] | None = None) -> list[str]:
        chosen = self.steps if steps is None else [self.steps[i] for i in steps]
        return [v for s in chosen if s.answer for v in s.answer.values]


def leaf_values(arguments: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """(parameter path, value) for every scalar in the arguments, paths as the graph writes them."""
    found = []
    for key, value in arguments.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            found += leaf_values(value, f"{path}.")
        elif isinstance(value, list) and value and isinstance(value[0], Mapping):
            for item in value:
                found += leaf_values(item, f"{path}[].")
        elif isinstance(value, list):
            found += [(path, v) for v in value]
        else:
            found.append((path, value))
    return found


@lru_cache(maxsize=4096)
def _identifier_name(key: str) -> bool:
    return not classify(flatten({"properties": {key: {"type": "string"}}})[0]).providable


def id_like(key: str, value: Any) -> bool:
    """Whether a field is something only the system knows: an identifier name or value."""
    return _identifier_name(key) or (
        isinstance(value, str) and " " not in value and bool(_ID_VALUE.match(value))
    )


def _records(output: Any) -> list[Mapping[str, Any]] | None:
    while (
        isinstance(output, Mapping) and len(output) == 1 and isinstance(next(iter(output.values())), Mapping)
    ):
        output = next(iter(output.values()))  # a wrapper such as {"status": {...}}
    if isinstance(output, Mapping):
        return [output]
    if isinstance(output, list) and output and all(isinstance(r, Mapping) for r in output):
        return list(output)
    return None


def _shown(value: Any) -> str | None:
    """A value as the person would be told it, or None when it makes a poor fact to check
    (booleans, long texts, zero, and one-digit numbers that any answer contains by chance)."""
    if isinstance(value, bool) or value is None or value == 0:
        return None
    text = str(value)
    if not text or len(text) > 60 or (len(text) < 2 and text.isdigit()):
        return None
    return text


def pick_answer(output: Any, known: Iterable[Any], rng_choice: Any) -> Answer | None:
    """The fact a person asking for this read wants back, or None when the output holds none.

    One record: a preferred field (status, dates, amounts, …) else any informative one. Up to
    five records: a descriptive field of each (their titles or names). Ids and values the person
    already said are never answers."""
    said = {str(v).lower() for v in known}
    records = _records(output)
    if records is None:
        if isinstance(output, list) and 0 < len(output) <= 5:
            values = [_shown(v) for v in output]
            if all(values) and not any(v.lower() in said for v in values if v):
                return Answer("items", tuple(dict.fromkeys(v for v in values if v)))
        text = _shown(output) if not isinstance(output, Mapping | list) else None
        return Answer("result", (text,)) if text and text.lower() not in said else None
    if len(records) == 1:
        options = [
            (k, _shown(v))
            for k, v in records[0].items()
            if not isinstance(v, Mapping | list) and _shown(v) and not id_like(k, v)
        ]
        options = [(k, v) for k, v in options if v.lower() not in said]
        if not options:
            return _list_answer(records[0], said)
        preferred = [o for o in options if o[0] in _PREFERRED_ANSWERS]
        key, value = rng_choice(preferred or options)
        return Answer(key, (value,))
    if len(records) > 5:
        return None
    for key in _DESCRIPTIVE:
        values = [_shown(r.get(key)) for r in records]
        if all(values) and len(set(values)) == len(values) and not any(v.lower() in said for v in values):
            return Answer(key, tuple(values))
    return None


def _list_answer(record: Mapping[str, Any], said: set[str]) -> Answer | None:
    """A record whose facts are short lists (`{"users": ["ada", "bo"]}`): all of one list."""
    for key, value in record.items():
        if isinstance(value, list) and 0 < len(value) <= 8 and not id_like(key, None):
            shown = [_shown(v) for v in value if not isinstance(v, Mapping | list)]
            if len(shown) == len(value) and all(shown) and not any(v.lower() in said for v in shown if v):
                return Answer(key, tuple(dict.fromkeys(v for v in shown if v)))
    return None


def describe(record: Mapping[str, Any], others: Sequence[Mapping[str, Any]] = ()) -> list[tuple[str, str]]:
    """Up to three (field, value) pairs a person would use to point at this record, chosen so
    that none of `others` (the records it came with) has them all."""
    candidates = [k for k in _DESCRIPTIVE if isinstance(record.get(k), str) and 0 < len(record[k]) <= 60]
    candidates += [
        k
        for k, v in record.items()
        if k not in candidates
        and not isinstance(v, Mapping | list | bool)
        and v is not None
        and 0 < len(str(v)) <= 40
        and not id_like(k, v)
    ]
    chosen: list[str] = []
    remaining = list(others)
    for key in candidates:
        if chosen and not remaining:
            break
        splits = [o for o in remaining if o.get(key) == record[key]]
        if len(splits) < len(remaining) or not chosen:
            chosen.append(key)
            remaining = splits
        if len(chosen) == 3:
            break
    return [(k, str(record[k])) for k in chosen]
