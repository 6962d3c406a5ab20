"""Arguments for calling a compiled tool: valid ones grounded in the session's rows (existing
keys, the item's own parents, existing targets for references), boundary ones (numbers at their
bounds, strings at their length limits), and invalid ones paired with what the refusal must say.
Task generation and verification both use them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Any

from .model import ApiModel, Entity, Operation, Param
from .values import ValueGen

_BAD_ENUM = "not-a-valid-choice"


@dataclass(frozen=True)
class InvalidCall:
    case: str
    arguments: dict[str, Any]
    kind: str  # the error kind expected: invalid_arguments | tool_error
    mentions: str  # text the error message must contain


class Caller:
    """Builds calls against one state (`tables`: table -> rows, as `export_tables` gives them)."""

    def __init__(
        self, api: ApiModel, tables: dict[str, list[dict[str, Any]]], rng: random.Random, today: date
    ):
        self.api = api
        self.tables = tables
        self.rng = rng
        self.gen = ValueGen(rng, today)

    def row(self, op: Operation) -> dict[str, Any] | None:
        """The item a call is about: a row of the operation's entity (for calls naming an item or
        a parent), or None when the call needs none."""
        entity = self._entity(op)
        if entity is None or not any(p.role in ("key", "parent", "filter") and p.required for p in op.params):
            return {}
        named = [
            p.column for p in op.params if p.role in ("key", "parent", "filter") and p.required and p.column
        ]
        rows = [r for r in self.tables.get(entity.name) or [] if all(r.get(c) is not None for c in named)]
        if rows:
            return self.rng.choice(rows)
        return self._parent_row(op, entity)

    def valid(
        self, op: Operation, row: dict[str, Any] | None = None, full: bool = False
    ) -> dict[str, Any] | None:
        """Arguments that should succeed, or None when the state has no item to address."""
        row = self.row(op) if row is None else row
        if row is None:
            return None
        entity = self._entity(op)
        args: dict[str, Any] = {}
        for p in op.params:
            if not (p.required or (full and p.role in ("field", "input"))):
                continue
            value = self._value(p, entity, row)
            if value is None and p.required:
                return None
            if value is not None:
                args[p.name] = value
        return args

    def boundary(self, op: Operation, base: dict[str, Any]) -> dict[str, Any] | None:
        """`base` with every constrained field/input/limit at one of its bounds; None if none is."""
        args, changed = dict(base), False
        entity = self._entity(op)
        for p in op.params:
            if p.role not in ("field", "input", "limit", "offset", "search"):
                continue
            if entity is not None and p.column and entity.column(p.column).references:
                continue  # must keep naming an existing item
            edge = _edge(p.spec)
            if edge is not None:
                args[p.name], changed = edge, True
        return args if changed else None

    def invalid(self, op: Operation, base: dict[str, Any]) -> list[InvalidCall]:
        out = [
            InvalidCall(
                "unexpected parameter",
                {**base, "zz_not_a_parameter": 1},
                "invalid_arguments",
                "'zz_not_a_parameter'",
            )
        ]
        required = [p for p in op.params if p.required and p.name in base]
        if required:
            gone = required[0]
            args = {k: v for k, v in base.items() if k != gone.name}
            out.append(InvalidCall("missing required", args, "invalid_arguments", f"'{gone.name}'"))
        for p in op.params:
            case = self._violation(p)
            if case is not None:
                out.append(
                    InvalidCall(case[0], {**base, p.name: case[1]}, "invalid_arguments", f"'{p.name}'")
                )
                break
        key = next((p for p in op.params if p.role == "key" and p.name in base), None)
        missing = self._unknown(key.spec) if key is not None else None
        if key is not None and missing is not None:
            out.append(InvalidCall("unknown id", {**base, key.name: missing}, "tool_error", repr(missing)))
        entity = self._entity(op)
        ref = next(
            (
                p
                for p in op.params
                if p.role == "field"
                and entity
                and p.column
                and entity.column(p.column).references
                and p.column not in entity.parents
                and p.spec.get("type") != "array"
            ),
            None,
        )
        missing = self._unknown(ref.spec) if ref is not None else None
        if ref is not None and missing is not None:
            out.append(
                InvalidCall("unknown reference", {**base, ref.name: missing}, "tool_error", repr(missing))
            )
        return out

    # ----------------------------------------------------------------- values
    def _entity(self, op: Operation) -> Entity | None:
        return self.api.entity(op.entity) if op.entity else None

    def _parent_row(self, op: Operation, entity: Entity) -> dict[str, Any] | None:
        """For a call on an empty table: the parent values of an existing parent item."""
        if any(p.role in ("key", "filter") and p.required for p in op.params):
            return None
        row: dict[str, Any] = {}
        for name in entity.parents:
            target = self.api.entity(entity.column(name).references or "")
            rows = self.tables.get(target.name) or []
            if not rows:
                return None
            row[name] = self.rng.choice(rows)[target.key]
        return row

    def _value(self, p: Param, entity: Entity | None, row: dict[str, Any]) -> Any:
        if p.role in ("key", "parent", "filter") and p.column:
            return _as_param(p, row.get(p.column))
        if (
            p.role in ("field", "append", "remove")
            and entity
            and p.column
            and entity.column(p.column).references
        ):
            rows = self.tables.get(entity.column(p.column).references or "") or []
            target = self.api.entity(entity.column(p.column).references or "")
            key = _as_param(p, self.rng.choice(rows)[target.key]) if rows else None
            return [key] if key is not None and p.spec.get("type") == "array" else key
        if p.role == "field" and entity and p.column == entity.key:
            return self._new_key(p, entity) if p.required else None
        if p.role == "items" and entity is not None:
            return self._items(p, entity)
        if p.role == "limit":
            return max(min(5, p.spec.get("maximum", 5)), p.spec.get("minimum", 1))
        if p.role == "page":
            zero = p.spec.get("minimum") == 0 or p.spec.get("default") == 0
            return 0 if zero else max(1, p.spec.get("minimum", 1))
        if p.role == "offset":
            return 0
        if p.role == "page_token":
            return "0"
        if p.role == "sort" and entity is not None:
            return entity.column(entity.key).api_name
        return self.gen.value(p.spec, p.api_name, entity.label if entity else "")

    def _new_key(self, p: Param, entity: Entity) -> Any:
        """A key the caller chooses for a new item (APIs where the client names it): unused so far."""
        taken = {r.get(entity.key) for r in self.tables.get(entity.name) or []}
        for _ in range(20):
            value = self.gen.value(p.spec, p.api_name, entity.label)
            if p.spec.get("type") == "integer" and not p.spec.get("enum"):
                value = max((k for k in taken if isinstance(k, int)), default=0) + 1000
            if value not in taken:
                return value
        return None

    def _items(self, p: Param, entity: Entity) -> list[dict[str, Any]]:
        """Items for a batch create, their references pointing at existing items."""
        items = [i for i in self.gen.value(p.spec, p.api_name, entity.label) if isinstance(i, dict)]
        item_spec = p.spec.get("items") or {}
        required = set(item_spec.get("required", []))
        for item in items or [{}]:
            for col in entity.columns:
                if col.references and (col.api_name in item or col.api_name in required):
                    rows = self.tables.get(col.references) or []
                    target = self.api.entity(col.references)
                    item[col.api_name] = rows[0][target.key] if rows else None
                elif col.name == entity.key and col.api_name not in required:
                    item.pop(col.api_name, None)
        return items or [{}]

    def _violation(self, p: Param) -> tuple[str, Any] | None:
        spec = p.spec
        if spec.get("enum"):
            return "enum violation", _BAD_ENUM if spec.get("type") == "string" else 987654321
        if isinstance(spec.get("maxLength"), int) and spec.get("type") == "string" and not spec.get("format"):
            return "too long", "x" * (spec["maxLength"] + 1)
        if isinstance(spec.get("maximum"), int | float) and spec.get("type") in ("integer", "number"):
            return "above maximum", spec["maximum"] + 1
        if spec.get("type") in ("integer", "number", "boolean", "object", "array"):
            return "wrong type", "not-a-number" if spec.get("type") != "object" else [1, 2]
        return None

    def _unknown(self, spec: dict[str, Any]) -> Any:
        """A well-formed value that names nothing (None when the schema allows no such value)."""
        if spec.get("enum"):
            return None
        if spec.get("type") in ("integer", "number"):
            high = spec.get("maximum")
            return int(high) if isinstance(high, int | float) and high < 987654321 else 987654321
        fixed = {
            "uuid": "00000000-0000-4000-8000-000000000000",
            "date": "1999-01-01",
            "date-time": "1999-01-01T00:00:00Z",
            "email": "nobody@nowhere.example",
        }.get(spec.get("format", ""))
        if fixed is not None:
            return fixed
        if spec.get("pattern"):
            return self.gen.value(spec, "id")
        return "zz-no-such-id"[: spec.get("maxLength")] if spec.get("maxLength", 13) >= 8 else None


def _as_param(p: Param, value: Any) -> Any:
    """A stored value as the parameter's type says it is sent (ids stored as integers may be
    declared as strings); None when it cannot be."""
    kind = p.spec.get("type")
    if value is None:
        return None
    if kind == "boolean":
        return bool(value)
    if kind == "string" and not isinstance(value, str):
        return str(value)
    if kind in ("integer", "number") and isinstance(value, str):
        return int(value) if value.lstrip("-").isdigit() else None
    return value


def _edge(spec: dict[str, Any]) -> Any:
    kind = spec.get("type")
    if spec.get("enum"):
        return spec["enum"][-1]
    if kind in ("integer", "number") and not spec.get("multipleOf"):
        for key, step in (("maximum", 0), ("exclusiveMaximum", -1), ("minimum", 0), ("exclusiveMinimum", 1)):
            bound = spec.get(key)
            if isinstance(bound, int | float) and not isinstance(bound, bool):
                value = bound + (step if kind == "integer" else step * 0.01)
                return int(value) if kind == "integer" else value
        return None
    if kind == "string" and not spec.get("pattern") and not spec.get("format"):
        high, low = spec.get("maxLength"), spec.get("minLength")
        if isinstance(high, int) and 0 < high <= 2000:
            return "b" * high
        if isinstance(low, int) and low > 0:
            return "b" * low
    return None
