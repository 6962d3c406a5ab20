"""Where argument values live: the seed state, column by column, and tools' outputs, path by
path; and how names relate to them.

`column_score` binds a parameter name to state columns (`item_id` → `items.id`, `email` →
`users.email`, `from_account_id` → `accounts.id`); `OutField.names` says which parameters an
output value could fill (`[].id` of `find_items` is an `item_id`); `StatePool.columns_of` finds
the columns that hold a set of observed values, which is how outputs are matched to inputs by
value rather than by name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .params import Param, singular, singular_name, snake, tokens

_GENERIC_KEYS = frozenset({"id", "key", "code", "number", "name", "sha", "uuid", ""})
_ROLE_PREFIXES = ("from_", "to_", "source_", "target_", "new_", "old_", "parent_", "destination_")
_VERBS = frozenset(
    {"get", "list", "find", "search", "fetch", "show", "read", "view", "lookup", "look", "check", "track"}
    | {"create", "add", "book", "new", "place", "open", "make", "register", "post", "start", "all"}
)
_CUTS = frozenset({"by", "for", "of", "with", "from", "to", "on", "in"})
_FILLERS = frozenset({"details", "detail", "info", "status", "history", "stats", "current", "direct"})
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{3,}")
_STOPWORDS = frozenset({"with", "from", "that", "this", "your", "have", "will", "about", "into", "their"})
_UPDATE_VERBS = frozenset(
    {"update", "change", "modify", "edit", "reschedule", "rename", "move", "set", "adjust", "reassign"}
)
_CREATE_VERBS = frozenset(
    {"create", "add", "new", "register", "post", "save", "send", "open", "mkdir", "touch"}
)


@dataclass(frozen=True)
class OutField:
    """One scalar in a tool's output: where it is, and the object it belongs to."""

    path: str
    key: str
    value: Any
    record: Mapping[str, Any] | None
    container: str | None
    in_list: bool

    def names(self, tool: str) -> set[str]:
        """The parameter names this value could fill: its key, and `<entity>_<key>` for generic
        keys (`[].id` of `find_items` → `item_id`; `payment_methods[].id` → `payment_method_id`)."""
        key = snake(self.key)
        names = {key} if key else set()
        scalar_list = self.path.endswith("[]")
        if scalar_list and key:
            names |= {singular_name(key), f"{singular_name(key)}_id"}
        if key in _GENERIC_KEYS and not scalar_list:
            entity = singular_name(self.container) if self.container else tool_entity(tool)
            names.add(f"{entity}_{key or 'id'}")
        return names


def creates(tool: str, write: bool) -> bool:
    """Whether a tool makes something new (its names and texts should then be fresh)."""
    return write and bool(set(tokens(tool)[:1]) & _CREATE_VERBS)


def updates(tool: str, write: bool) -> bool:
    """Whether a tool changes fields of an existing thing (its stated values must then be new
    ones, not copied from the record it changes)."""
    return write and bool(set(tokens(tool)[:1]) & _UPDATE_VERBS)


def tool_entity(tool: str) -> str:
    """The noun a tool is about: `find_user_by_email` → `user`, `get_booking_history` → `booking`."""
    parts = tokens(tool)
    while len(parts) > 1 and parts[0] in _VERBS:
        parts = parts[1:]
    for i, part in enumerate(parts):
        if part in _CUTS and i > 0:
            parts = parts[:i]
            break
    kept = [p for p in parts if p not in _FILLERS] or parts
    return singular(kept[-1]) if kept else tool


def output_fields(output: Any) -> list[OutField]:
    """Every scalar of a tool output with its path (`[].id`, `payment_methods[].payment_id`)."""
    found: list[OutField] = []

    def visit(
        node: Any, path: str, key: str, record: Mapping[str, Any] | None, container: str | None
    ) -> None:
        if isinstance(node, Mapping):
            for k, v in node.items():
                visit(
                    v, f"{path}.{k}" if path else str(k), str(k), node, container if is_scalar(v) else str(k)
                )
        elif isinstance(node, list):
            for item in node:
                visit(item, f"{path}[]", key, record, container)
        elif node is not None:
            found.append(OutField(path, key, node, record, container, in_list="[]" in path))

    visit(output, "", "", None, None)
    return found


def is_scalar(value: Any) -> bool:
    return not isinstance(value, Mapping | list)


def strip_role(name: str) -> str:
    for prefix in _ROLE_PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix):
            return name[len(prefix) :]
    return name


def column_score(name: str, table: str, column: str) -> int:
    """How strongly a parameter name points at a state column (0: not at all, 4: certainly)."""
    n = snake(name)
    entities = {singular_name(table), singular(tokens(table)[-1]) if tokens(table) else table}
    if any(n == f"{e}_{column}" for e in entities):
        return 4
    if n == column:
        return 2 if column in _GENERIC_KEYS else 3
    stripped = strip_role(n)
    if stripped != n:
        return max(0, column_score(stripped, table, column) - 1)
    parts = tokens(n)
    if len(parts) > 1 and parts[-1] == column:
        head = parts[:-1]
        if any(tokens(e)[: len(head)] == head for e in entities):
            return 2
        return 1
    return 0


class StatePool:
    """The seed state's values, column by column (`table.column` keys)."""

    def __init__(self, tables: Mapping[str, Any]) -> None:
        meta = tables.get("_meta") or {}
        self.clock = datetime.fromisoformat(str(meta.get("clock", "2026-01-01T09:00:00")))
        self.tables: dict[str, list[dict[str, Any]]] = {
            name: rows for name, rows in tables.items() if name != "_meta" and isinstance(rows, list)
        }
        self._index: dict[str, set[str]] | None = None
        self._bind_cache: dict[tuple[str, str], list[tuple[str, int]]] = {}

    def columns(self) -> Iterator[tuple[str, str]]:
        for table, rows in self.tables.items():
            if rows:
                yield from ((table, column) for column in rows[0])

    def values(self, key: str) -> list[Any]:
        table, column = key.split(".", 1)
        seen: dict[Any, None] = {}
        for row in self.tables.get(table, ()):
            if row.get(column) is not None:
                seen.setdefault(row[column], None)
        return list(seen)

    def bind(self, param: Param) -> list[tuple[str, int]]:
        """Columns the parameter's name binds to, best first, with their scores."""
        cache_key = (param.match_name, param.item_type or param.type)
        ranked = self._bind_cache.get(cache_key)
        if ranked is None:
            scored = [
                (f"{table}.{column}", column_score(param.match_name, table, column))
                for table, column in self.columns()
            ]
            wanted = param.item_type or param.type
            typed = [(key, score) for key, score in scored if score >= 1 and self._typed(key, wanted)]
            # weak bindings (a shared last word only: `attendee_emails` → `people.email`) count only
            # when nothing better exists
            strong = [pair for pair in typed if pair[1] >= 2]
            ranked = sorted(
                strong or typed or self._key_of(param.match_name), key=lambda pair: (-pair[1], pair[0])
            )
            self._bind_cache[cache_key] = ranked
        return ranked

    def _key_of(self, name: str) -> list[tuple[str, int]]:
        """`voucher_id` with no column of that name: the first column (the key) of `vouchers`."""
        if not name.endswith("_id"):
            return []
        entity = name[: -len("_id")]
        return [
            (f"{table}.{next(iter(rows[0]))}", 2)
            for table, rows in self.tables.items()
            if rows and entity in (singular_name(table), singular(tokens(table)[-1]))
        ]

    def _typed(self, key: str, wanted: str) -> bool:
        sample = next(iter(self.values(key)), None)
        if sample is None:
            return False
        if wanted in ("integer", "number"):
            return isinstance(sample, int | float) and not isinstance(sample, bool)
        return wanted != "boolean" or isinstance(sample, bool | int)

    def columns_of(self, values: Sequence[Any]) -> set[str]:
        """The columns holding (nearly) all of these string values: how an output is matched to
        the state by value rather than by name."""
        strings = [v for v in values if isinstance(v, str) and len(v) >= 3]
        if not strings:
            return set()
        if self._index is None:
            self._index = {}
            for table, column in self.columns():
                for value in self.values(f"{table}.{column}"):
                    if isinstance(value, str) and len(value) >= 3:
                        self._index.setdefault(value, set()).add(f"{table}.{column}")
        counts: dict[str, int] = {}
        for value in strings:
            for key in self._index.get(value, ()):
                counts[key] = counts.get(key, 0) + 1
        return {key for key, n in counts.items() if n >= 0.8 * len(strings)}

    def words(self, tables: Sequence[str]) -> list[str]:
        """Content words from the text columns of these tables (search terms that find something)."""
        found: dict[str, None] = {}
        for table in sorted(tables):
            for row in self.tables.get(table, ())[:200]:
                for value in row.values():
                    if isinstance(value, str) and " " in value:
                        for word in _WORD.findall(value):
                            if word.lower() not in _STOPWORDS:
                                found.setdefault(word.lower(), None)
        return list(found)
