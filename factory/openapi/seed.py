"""Seed rows for a compiled API, drawn from the session RNG (so seed N always gives the same
database): keys first for every table, then rows whose reference columns point at existing keys
(parents first; children spread over their parents; one settings-like row per parent for
singletons), then realistic values for the other columns within their schemas.
"""

from __future__ import annotations

import json
import random
import string
from datetime import date
from typing import Any

from .model import ApiModel, Column, Entity
from .naming import words
from .values import ValueGen

_MAX_ROWS = 12


def seed_rows(api: ApiModel, rng: random.Random, today: date) -> dict[str, list[dict[str, Any]]]:
    """Table name -> rows (column name -> database value)."""
    gen = ValueGen(rng, today)
    ordered = _parents_first(api.entities)
    by_name = {e.name: e for e in api.entities}
    keys: dict[str, list[Any]] = {}
    plan: dict[str, list[dict[str, Any]]] = {}
    for entity in ordered:
        owners = _owner_rows(entity, plan, by_name)
        count = len(owners) if entity.singleton and owners else entity.seed_rows
        keys[entity.name] = new_keys(entity, count, gen)
        plan[entity.name] = [
            {entity.key: key, **owners[i % len(owners)]} if owners else {entity.key: key}
            for i, key in enumerate(keys[entity.name])
        ]
    out = {}
    for entity in ordered:
        rows = []
        for row in plan[entity.name]:
            for col in entity.columns:
                if col.name not in row:
                    row[col.name] = _value(col, entity, keys, gen)
            rows.append(row)
        out[entity.name] = rows
    return out


def _parents_first(entities: list[Entity]) -> list[Entity]:
    by_name = {e.name: e for e in entities}
    done: dict[str, Entity] = {}

    def visit(entity: Entity, trail: tuple[str, ...]) -> None:
        if entity.name in done or entity.name in trail:
            return
        for col in entity.parents:
            target = entity.column(col).references
            if target in by_name:
                visit(by_name[target], (*trail, entity.name))
        done[entity.name] = entity

    for entity in entities:
        visit(entity, ())
    return list(done.values())


def _owner_rows(
    entity: Entity, plan: dict[str, list[dict[str, Any]]], by_name: dict[str, Entity]
) -> list[dict[str, Any]]:
    """Parent-column values for each row: one entry per row of the innermost parent, with the
    outer parents copied from that row so that the whole chain agrees."""
    if not entity.parents:
        return []
    inner = entity.column(entity.parents[-1])
    parent = by_name.get(inner.references or "")
    if parent is None:
        return []
    owners = []
    for row in plan.get(parent.name, [])[:_MAX_ROWS]:
        values = {inner.name: row[parent.key]}
        for name in entity.parents[:-1]:
            target = entity.column(name).references
            match = next((c for c in parent.columns if c.references == target and c.name in row), None)
            if match is not None:
                values[name] = row[match.name]
        owners.append(values)
    return owners


def new_keys(entity: Entity, count: int, gen: ValueGen) -> list[Any]:
    spec = entity.column(entity.key).spec
    out: list[Any] = list(entity.fixed_keys[:count])
    if spec.get("enum"):
        return list(dict.fromkeys([*out, *spec["enum"]]))[:count]
    if spec.get("type") == "integer":
        low = int(spec.get("minimum", 1) or 1)
        start = max(low, gen.rng.randint(100, 900)) if low < 100 else low
        while len(out) < count:
            candidate = start + len(out)
            if candidate not in out:
                out.append(candidate)
            else:
                start += count
        return out
    for _ in range(count * 20):
        if len(out) >= count:
            break
        candidate = string_key(entity, spec, gen)
        if candidate not in out:
            out.append(candidate)
    return out


def string_key(entity: Entity, spec: dict[str, Any], gen: ValueGen) -> str:
    """A key in the column's own shape (uuid, pattern, enum) or like `pet_4f2a9c`."""
    if spec.get("format") or spec.get("pattern") or spec.get("enum"):
        return str(gen.value(spec, entity.key, entity.label))
    stem = "".join(w[0] for w in words(entity.label))[:3] or "id"
    tail = "".join(gen.rng.choice(string.ascii_lowercase + string.digits) for _ in range(8))
    text = f"{stem}_{tail}"
    low, high = spec.get("minLength", 0), spec.get("maxLength")
    return (text + "x" * max(0, low - len(text)))[: high if high else None]


def _value(col: Column, entity: Entity, keys: dict[str, list[Any]], gen: ValueGen) -> Any:
    if col.references:
        targets = keys.get(col.references) or []
        if col.spec.get("type") == "array":
            return db_value(col, gen.rng.sample(targets, min(len(targets), gen.rng.randint(1, 2))))
        return gen.rng.choice(targets) if targets else None
    if not col.required and gen.rng.random() < 0.2:
        return col.spec.get("default")
    value = gen.value(col.spec, col.api_name, entity.label)
    return db_value(col, value)


def db_value(col: Column, value: Any) -> Any:
    """A JSON value as stored: objects and arrays as canonical JSON text, booleans as 0/1."""
    if value is None:
        return None
    if col.spec.get("type") in ("object", "array") or isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, bool):
        return int(value)
    return value
