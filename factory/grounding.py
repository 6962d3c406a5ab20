"""Grounding: where argument values come from, so every call of a synthesized chain is real.

Three sources, in this order of preference for one parameter:

1. **Anchors**: a record the same call already took a value from (an earlier tool's output
   object, or a row of the seed state). `get_flight_status(flight_number, date)` takes both from
   one flight-instance row, and `issue_compensation` takes the flight and its date from the
   reservation it compensates; independent picks would almost never name a real flight.
2. **Earlier outputs** (`providers`): values an earlier call of the chain returned at an output
   path the tool graph links to this parameter. Identifiers come only from here (or, while the
   graph is being observed, from the state: `peek_state`).
3. **The seed state** for what a person states: the column the parameter's name binds to
   (`email` → `users.email`, `list_name` → `lists.name`), search words from text the tool reads,
   and, where nothing binds, values shaped by the schema (enum members, dates after the session
   clock, bounded numbers, short phrases for titles and messages). Tools that create things get
   fresh names and texts rather than copies of existing ones.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .params import Label, Param, snake, tokens
from .values import OutField, StatePool, is_scalar, strip_role

_TITLES = (
    "Quarterly budget review",
    "Renew the parking permit",
    "Plan the team offsite",
    "Book a dentist visit",
    "Update the onboarding guide",
    "Order new printer toner",
    "Prepare the board slides",
    "Call the insurance company",
    "Fix the login timeout",
    "Draft the release notes",
)
_SENTENCES = (
    "Thanks, this looks good to me.",
    "Please take care of this before Friday.",
    "Following up on our conversation earlier this week.",
    "Can we go over this in our next meeting?",
    "I have checked the details and everything is in order.",
    "Let me know if you need anything else.",
)
_FIRST = ("Maya", "Leo", "Priya", "Tomás", "Hannah", "Kenji", "Amara", "Felix")
_LAST = ("Lindqvist", "Okoye", "Moreau", "Castillo", "Brennan", "Sato", "Haddad", "Novak")
_CITIES = ("Denver", "Chicago", "Seattle", "Boston", "Austin", "Portland")


class Ungrounded(LookupError):
    """A parameter had no value source: an identifier with no earlier output that provides it."""

    def __init__(self, path: str) -> None:
        super().__init__(f"no source for parameter {path!r}")
        self.path = path


@dataclass(frozen=True)
class Source:
    """Where one argument value came from: said by the user, or returned by an earlier step."""

    kind: str  # "user" | "step"
    step: int | None = None
    path: str | None = None
    column: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class Provider:
    """An earlier output value that the graph says can fill a parameter."""

    step: int
    field: OutField
    score: int


@dataclass
class Hint:
    """What a refused call taught about one parameter (see `sampler.hints_from_error`)."""

    choices: tuple[Any, ...] = ()
    low: float | None = None
    high: float | None = None
    avoid: frozenset[Any] = frozenset()

    def merge(self, other: Hint) -> Hint:
        return Hint(
            other.choices or self.choices,
            other.low if other.low is not None else self.low,
            other.high if other.high is not None else self.high,
            self.avoid | other.avoid,
        )


@dataclass
class _Anchor:
    record: Mapping[str, Any]
    source: Source


@dataclass
class Grounder:
    """Builds one call's arguments from anchors, earlier outputs and the seed state."""

    pool: StatePool
    rng: random.Random
    optional_p: float = 0.3
    reads: Sequence[str] = ()
    peek_state: bool = False
    creates: bool = False
    updates: bool = False
    #: Choose among every column a name binds to, not only the best (while observing tools).
    spread: bool = False
    hints: Mapping[str, Hint] = field(default_factory=dict)
    #: the graph's labels where they differ from the parameter's own (unproduced identifiers)
    labels: Mapping[str, Label] = field(default_factory=dict)
    _anchors: list[_Anchor] = field(default_factory=list)
    _sources: dict[str, Source] = field(default_factory=dict)

    def build(
        self, params: Sequence[Param], providers: Mapping[str, Sequence[Provider]]
    ) -> tuple[dict[str, Any], dict[str, Source]]:
        """Arguments for one call, and the source of each leaf value (by parameter path)."""
        self._anchors, self._sources = [], {}
        arguments = {}
        for param in params:
            if not self._wanted(param):
                continue
            arguments[param.name] = self._value(param, providers)
        return arguments, dict(self._sources)

    def _label(self, param: Param) -> Label:
        return self.labels.get(param.path, param.label)

    def _wanted(self, param: Param) -> bool:
        if param.required:
            return True
        # people look things up by words: optional search terms are usually given
        chance = max(self.optional_p, 0.7) if param.is_search else self.optional_p
        return not param.is_control and self.rng.random() < chance

    def _value(self, param: Param, providers: Mapping[str, Sequence[Provider]]) -> Any:
        if param.children:
            wanted = [c for c in param.children if self._wanted(c)]
            obj = {c.name: self._value(c, providers) for c in wanted}
            return [obj] if param.type == "array" else obj
        if param.type == "object":
            return {}
        if param.type == "array":
            count = 2 if self.rng.random() < 0.25 else 1
            values: list[Any] = []
            for _ in range(count):
                value = self._scalar(param, providers)
                if value not in values:
                    values.append(value)
            return values
        return self._scalar(param, providers)

    def _scalar(self, param: Param, providers: Mapping[str, Sequence[Provider]]) -> Any:
        kind = param.item_type or param.type
        hint = self.hints.get(param.path, Hint())
        choices = hint.choices or tuple(param.enum or ())
        if not (self.updates and self._label(param).providable):
            anchored = self._from_anchors(param, kind, choices, hint.avoid)
            if anchored is not None:
                return anchored
        offered = providers.get(param.path, ())
        if offered and (not self._label(param).providable or self.rng.random() < 0.6):
            value = self._from_provider(param, offered, kind, hint.avoid)
            if value is not None:
                return value
        if not self._label(param).providable and not self.peek_state:
            raise Ungrounded(param.path)
        self._sources[param.path] = Source("user")
        if choices:
            allowed = [c for c in choices if c not in hint.avoid] or list(choices)
            return self.rng.choice(allowed)
        value = None if self._fresh(param) else self._from_state(param, kind, hint.avoid)
        if value is None:
            value = self._generated(param, kind, hint)
        return value

    def _fresh(self, param: Param) -> bool:
        """Creating tools get new names and texts (copies of existing ones are often refused),
        except for parameters that name another existing thing (`list_name` → `lists.name`)."""
        if not self.creates or self._label(param).category not in ("name", "text", "contact", "value"):
            return False
        bound = self.pool.bind(param)
        return not bound or bound[0][1] < 4

    def _from_anchors(self, param: Param, kind: str, choices: Sequence[Any], avoid: frozenset[Any]) -> Any:
        names = {param.name, snake(param.name), strip_role(snake(param.name))}
        for anchor in reversed(self._anchors):
            found = _find_key(anchor.record, names)
            if found is not None:
                value, holder = found
                converted = _convert(value, kind, param.format)
                if converted is not None and converted not in avoid and (not choices or converted in choices):
                    if holder is not anchor.record:
                        self._anchors.append(_Anchor(holder, anchor.source))
                    self._sources[param.path] = anchor.source
                    return converted
        return None

    def _from_provider(
        self, param: Param, offered: Sequence[Provider], kind: str, avoid: frozenset[Any]
    ) -> Any:
        latest = max(p.step for p in offered)
        pool = [p for p in offered if p.step == latest] if self.rng.random() < 0.7 else list(offered)
        for provider in self.rng.sample(pool, len(pool)):
            value = _convert(provider.field.value, kind, param.format)
            if value is not None and value not in avoid:
                source = Source("step", provider.step, provider.field.path)
                if provider.field.record is not None:
                    self._anchors.append(_Anchor(provider.field.record, source))
                self._sources[param.path] = source
                return value
        if self._label(param).providable:
            return None
        raise Ungrounded(param.path)

    def _from_state(self, param: Param, kind: str, avoid: frozenset[Any]) -> Any:
        if param.is_search:
            words = [w for w in self.pool.words(self.reads or sorted(self.pool.tables)) if w not in avoid]
            return self.rng.choice(words) if words else None
        bound = self.pool.bind(param)
        if not bound:
            return None
        top = [key for key, score in bound if self.spread or score == bound[0][1]]
        key = self.rng.choice(top)
        table, column = key.split(".", 1)
        rows = [r for r in self.pool.tables[table] if r.get(column) is not None and r[column] not in avoid]
        if not rows:
            return None
        row = self.rng.choice(rows)
        value = _convert(row[column], kind, param.format)
        if value is not None:
            source = Source("user", column=key)
            self._anchors.append(_Anchor(row, source))
            self._sources[param.path] = source
        return value

    def _generated(self, param: Param, kind: str, hint: Hint) -> Any:
        rng, parts = self.rng, set(tokens(param.name))
        if kind == "boolean":
            return rng.random() < 0.5
        if param.format in ("date", "date-time", "time") or self._label(param).category == "date/time":
            return self._date(param)
        if kind in ("integer", "number"):
            return _number(param, kind, rng, hint)
        examples = [e for e in param.examples if e not in hint.avoid]
        if examples and self._label(param).category not in ("text", "name"):
            return rng.choice(examples)
        if parts & {"email", "emails", "to", "cc", "bcc"}:
            return f"{rng.choice(_FIRST).lower()}.{rng.choice(_LAST).lower()}@example.com"
        if "phone" in parts:
            return f"+1-555-01{rng.randint(10, 99)}"
        if self._label(param).category == "location":
            return rng.choice(_CITIES)
        if self._label(param).category == "name":
            return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        if parts & {"title", "subject", "name", "label", "tag"}:
            return rng.choice(_TITLES)
        return rng.choice(_SENTENCES)

    def _date(self, param: Param) -> str:
        """A day after the session clock; an end (`end_date`, `until`) after its start."""
        start = self._start() if set(tokens(param.name)) & {"end", "until", "before", "to"} else None
        day = self.pool.clock + timedelta(days=self.rng.randint(1, 30))
        if param.format == "date-time":
            when = (
                start + timedelta(hours=1) if start else day.replace(hour=self.rng.randint(9, 16), minute=0)
            )
            value = when.strftime("%Y-%m-%dT%H:%M")
        elif param.format == "time":
            value = f"{self.rng.randint(9, 17):02d}:00"
        else:
            base = start.date() + timedelta(days=self.rng.randint(1, 6)) if start else day.date()
            value = base.isoformat()
        self._anchors.append(_Anchor({param.name: value}, Source("user")))
        return value

    def _start(self) -> datetime | None:
        for anchor in self._anchors:
            for key, value in anchor.record.items():
                if isinstance(value, str) and {"start", "from", "after"} & set(tokens(key)):
                    try:
                        return datetime.fromisoformat(value)
                    except ValueError:
                        continue
        return None


_RANGE = re.compile(r"(-?\d+(?:\.\d+)?)\s*(?:to|and|-|–)\s*(-?\d+(?:\.\d+)?)")


def _number(param: Param, kind: str, rng: random.Random, hint: Hint) -> int | float:
    """A value within the schema's bounds, else a range the description or an error stated."""
    schema = param.schema
    low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    stated = _RANGE.search(param.description)
    if high is None and stated:
        low, high = float(stated.group(1)), float(stated.group(2))
    if hint.low is not None:
        low = hint.low
    if hint.high is not None:
        high = hint.high
    if kind == "integer":
        low = int(low) + (1 if "exclusiveMinimum" in schema or (low <= 0 and high is None) else 0)
        return rng.randint(low, max(low, int(high) if high is not None else 5))
    if high is None:
        low, high = max(float(low), 1.0), 200.0
    return round(rng.uniform(float(low), float(high)), 2)


def _find_key(record: Mapping[str, Any], names: set[str]) -> tuple[Any, Mapping[str, Any]] | None:
    """The first scalar under one of `names` in the record, searched breadth-first."""
    queue: list[Mapping[str, Any]] = [record]
    while queue:
        node = queue.pop(0)
        for key, value in node.items():
            if key in names and value is not None and is_scalar(value):
                return value, node
        for value in node.values():
            if isinstance(value, Mapping):
                queue.append(value)
            elif isinstance(value, list):
                queue.extend(v for v in value[:1] if isinstance(v, Mapping))
    return None


def _convert(value: Any, kind: str, fmt: str | None) -> Any:
    """The value in the parameter's type, or None when it cannot be (a list where a name goes)."""
    if isinstance(value, bool):
        return value if kind == "boolean" else None
    if kind == "integer":
        if isinstance(value, int):
            return value
        return int(value) if isinstance(value, str) and value.isdigit() else None
    if kind == "number":
        return value if isinstance(value, int | float) else None
    if kind == "boolean":
        return None
    if isinstance(value, int | float) and kind == "string":
        return str(value)
    if not isinstance(value, str):
        return None
    if fmt == "date":
        return value[:10] if re.match(r"\d{4}-\d{2}-\d{2}", value) else None
    return value
