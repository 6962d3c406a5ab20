"""From operations to entities: which resource each operation touches, and the tables.

Operations are grouped by their anchor path (`/users/{}/messages`). A group's entity is named
after the anchor word, unless the group's GET responses carry a named schema that the anchor word
is not part of (PTV's `/departures/route_type/{}/stop/{}` returns `Departure`s, so it is a list of
departures filtered by stop). Groups with the same name are one entity. A path parameter belongs
to the item when its word names the entity (`/stops/{stop_id}/route_type/{route_type}` gets a
stop); the parameters of enclosing words before it are parents and become reference columns
(`messages.userId -> users`), creating a *scope* entity when the API has no operations of its own
for the parent (Gmail's `users`).

An entity's columns are the union of the properties of its GET payloads, of create/update request
bodies, and of write responses of the same name. Its key is the property the item's path parameter
names (`petId` -> `id`), else an id-like property, else a column for the parameter itself. Columns
named `<entity>Id` / `<entity>_key` of another entity, with a matching type, are references.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .extract import RawOp, RawParam, id_like, is_object, label_of
from .loader import merge_schemas
from .model import Column, Entity
from .naming import identifier, plural, singular, snake, words
from .paths import crud_kind, tail_nouns

_KEY_NAMES = ("id", "key", "uuid", "guid", "code", "name", "slug", "number")
_SCALARS = frozenset({"string", "integer", "number", "boolean"})


@dataclass
class Draft:
    """What the operations say about one entity before its table is laid out."""

    label: str
    schemas: list[dict[str, Any]] = field(default_factory=list)
    bodies: list[dict[str, Any]] = field(default_factory=list)
    key_params: list[RawParam] = field(default_factory=list)
    parents: dict[str, str] = field(default_factory=dict)  # parent label -> parameter name
    ops: list[RawOp] = field(default_factory=list)


@dataclass
class Placement:
    """Where one operation sits: its entity, the path parameter naming the item, its parents."""

    label: str
    key: str | None = None
    parents: list[tuple[str, str]] = field(default_factory=list)  # (parent label, parameter)
    others: list[str] = field(default_factory=list)


def group_labels(ops: list[RawOp]) -> dict[str, str]:
    """Anchor prefix -> entity label."""
    by_prefix: dict[str, list[RawOp]] = {}
    for op in ops:
        by_prefix.setdefault(op.shape.prefix, []).append(op)
    labels = {}
    for prefix, group in by_prefix.items():
        anchor = singular(snake(group[0].shape.anchor or "root")) or "root"
        names = [  # a keyed path returning one object names its resource itself
            n
            for op in group
            if op.method == "get" and (op.payload == "list" or (op.payload == "object" and not op.shape.key))
            for n in [label_of(op.item)]
            if n
        ]
        fits = any(set(anchor.split("_")) <= set(n.split("_")) for n in names)
        labels[prefix] = anchor if not names or fits else Counter(names).most_common(1)[0][0]
    return labels


def place(op: RawOp, labels: dict[str, str]) -> Placement:
    label = labels[op.shape.prefix]
    pairs = [(word, param, prefix, False) for word, param, prefix in op.shape.parents]
    if op.shape.key:
        pairs.append((op.shape.anchor or "", op.shape.key, op.shape.prefix, True))
    placement = Placement(label=label, others=list(op.shape.others))
    key_at = None
    for i, (word, _, prefix, own) in enumerate(pairs):
        if _pair_label(word, prefix, own, labels) == label:
            key_at = i
    if key_at is not None:
        placement.key = pairs[key_at][1]
    for i, (word, param, prefix, own) in enumerate(pairs):
        if key_at is not None and i >= key_at:
            if i > key_at:
                placement.others.append(param)
            continue
        parent = _pair_label(word, prefix, own, labels)
        if parent == label:
            placement.others.append(param)
        else:
            placement.parents.append((parent, param))
    return placement


def _pair_label(word: str, prefix: str, own: bool, labels: dict[str, str]) -> str:
    if not own and prefix in labels:
        return labels[prefix]
    return singular(snake(word)) or "root"


def collect(ops: list[RawOp], placements: list[Placement]) -> dict[str, Draft]:
    drafts: dict[str, Draft] = {}
    for op, where in zip(ops, placements, strict=True):
        draft = drafts.setdefault(where.label, Draft(where.label))
        draft.ops.append(op)
        if where.key:
            draft.key_params.extend(p for p in op.params if p.name == where.key)
        for parent, param in where.parents:
            draft.parents.setdefault(parent, param)
            scope = drafts.setdefault(parent, Draft(parent))
            scope.key_params.extend(p for p in op.params if p.name == param)
        if op.method == "get" and op.payload in ("list", "object") and is_object(op.item):
            draft.schemas.append(op.item)
        elif op.method != "get" and _writes_fields(op, where.label):
            if op.batch is not None and op.method == "post" and not where.key:
                draft.bodies.append(op.batch[1])
            elif is_object(op.body):
                draft.bodies.append(op.body)
            if op.payload == "object" and is_object(op.item) and label_of(op.item) in (None, where.label):
                draft.schemas.append(op.item)
    return drafts


def _writes_fields(op: RawOp, label: str) -> bool:
    """Whether the operation's body describes the entity: plain REST writes do; RPC-style
    create/update calls do when their body is the entity's own schema (Gmail's `modify` sends a
    `ModifyThreadRequest`, not a thread); actions (`watch`, `move`) send something else."""
    if not op.shape.verbs:
        return not op.shape.verb
    return (
        crud_kind(op.shape.verbs) in ("create", "update")
        and not tail_nouns(op.shape)
        and label_of(op.body) in (None, label)
    )


def is_singleton(draft: Draft, placements: dict[int, Placement]) -> bool:
    gets = [op for op in draft.ops if op.method == "get"]
    return (
        bool(gets)
        and all(placements[id(op)].key is None for op in draft.ops)
        and all(op.payload != "list" for op in gets)
        and any(op.payload == "object" for op in gets)
        and not any(op.shape.verbs for op in gets)
    )


# ----------------------------------------------------------------- tables
def build_entities(drafts: dict[str, Draft], singletons: set[str]) -> list[Entity]:
    tables: dict[str, str] = {}
    for label in drafts:
        table = identifier(plural(label))
        while table in tables.values() or table.startswith("_") or table == "action_log":
            table += "_"
        tables[label] = table
    entities = [_entity(d, tables, d.label in singletons) for d in drafts.values()]
    by_label = {d.label: e for d, e in zip(drafts.values(), entities, strict=True)}
    for draft, entity in zip(drafts.values(), entities, strict=True):
        _link_parents(draft, entity, by_label)
    for entity in entities:
        _link_references(entity, by_label)
    return entities


def _entity(draft: Draft, tables: dict[str, str], singleton: bool) -> Entity:
    merged: dict[str, Any] = {}
    for schema in draft.schemas:
        merged = merge_schemas(merged, schema)
    for body in draft.bodies:
        writable = {k: v for k, v in body.get("properties", {}).items() if not v.get("readOnly")}
        merged = merge_schemas(merged, {"properties": writable})
    props: dict[str, Any] = merged.get("properties", {})
    required = set(merged.get("required", []))
    for body in draft.bodies:
        required |= set(body.get("required", []))
    taken: set[str] = set()
    columns = [
        Column(
            name=identifier(api, taken),
            api_name=api,
            spec=_column_spec(sub),
            required=api in required and not sub.get("readOnly"),
            read_only=bool(sub.get("readOnly")),
        )
        for api, sub in props.items()
    ]
    key, generated = _key(draft, columns, taken, singleton)
    if key not in {c.name for c in columns}:
        columns.insert(0, key_column(key, draft, taken))
    _align_key_type(next(c for c in columns if c.name == key), draft)
    fixed = [
        p.spec.get("default", p.spec.get("example"))
        for p in draft.key_params[:1]
        if p.spec.get("default", p.spec.get("example")) is not None
    ]
    has_list = any(op.payload == "list" for op in draft.ops)
    return Entity(
        name=tables[draft.label],
        label=draft.label.replace("_", " "),
        key=key,
        key_generated=generated,
        singleton=singleton,
        columns=columns,
        description=str(merged.get("description", "")),
        seed_rows=1 if singleton else (len(fixed) if fixed and not has_list else 8),
        fixed_keys=[] if has_list else fixed,
    )


def _column_spec(schema: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k not in ("readOnly", "writeOnly", "x-recursive")}


def _key(draft: Draft, columns: list[Column], taken: set[str], singleton: bool) -> tuple[str, bool]:
    by_api = {c.api_name: c for c in columns}
    scalar = {n: c for n, c in by_api.items() if c.spec.get("type") in ("string", "integer")}
    params = [p.name for p in draft.key_params]
    for name in params:
        if name in scalar:
            return scalar[name].name, _generated(draft, scalar[name])
    for name in params:
        last = words(name)[-1] if words(name) else ""
        for api, col in scalar.items():
            if snake(api) == last or snake(api) == snake(name):
                return col.name, _generated(draft, col)
    candidates = [f"{draft.label}_{k}" for k in _KEY_NAMES[:4]] + list(_KEY_NAMES[:4])
    for cand in candidates:
        col = next((c for api, c in scalar.items() if snake(api) == cand), None)
        if col is not None and not singleton:
            return col.name, _generated(draft, col)
    name = params[0] if params else ("id" if "id" not in by_api else f"{draft.label}_id")
    return identifier(name, set(taken)), True


def _align_key_type(column: Column, draft: Draft) -> None:
    """Paths that disagree on a key's type (`{reviewId}` a string here, an integer there): the
    numeric declaration wins, since numbers are what a string parameter can carry as well."""
    numeric = [p for p in draft.key_params if p.spec.get("type") in ("integer", "number")]
    if numeric or draft.key_params:
        align_key_type(column, (numeric or draft.key_params)[0].spec)


def align_key_type(column: Column, declared: dict[str, Any]) -> None:
    """A key the API's parameters declare numeric is stored as an integer, whatever the body
    schema says (the calls agents make carry the parameter's type); an enum on the parameter is
    the set of keys that exist."""
    kind = declared.get("type")
    if declared.get("enum") and not column.spec.get("enum") and kind == column.spec.get("type"):
        column.spec["enum"] = list(declared["enum"])
    if kind in ("integer", "number") and column.spec.get("type") != "integer":
        column.spec = {
            k: v for k, v in column.spec.items() if k in ("description", "minimum", "maximum", "enum")
        }
        column.spec["type"] = "integer"
        whole = [v for v in column.spec.pop("enum", []) if isinstance(v, int)]
        if whole:
            column.spec["enum"] = whole


def retype_references(entities: list[Entity]) -> None:
    """Reference columns take the type of the key they point at (keys may be retyped late)."""
    by_name = {e.name: e for e in entities}
    for entity in entities:
        for col in entity.columns:
            target = by_name.get(col.references or "")
            if target is None or col.spec.get("type") == "array":
                continue
            key_type = target.column(target.key).spec.get("type")
            if key_type and col.spec.get("type") != key_type:
                col.spec = {"type": key_type, **{k: v for k, v in col.spec.items() if k == "description"}}


def _generated(draft: Draft, column: Column) -> bool:
    return column.read_only or not any(column.api_name in body.get("properties", {}) for body in draft.bodies)


def key_column(name: str, draft: Draft, taken: set[str]) -> Column:
    spec = dict(draft.key_params[0].spec) if draft.key_params else {"type": "string"}
    if spec.get("type") not in ("string", "integer"):
        spec = {"type": "string"}
    spec = {k: v for k, v in spec.items() if k != "default"}
    spec.setdefault("description", f"Identifier of the {draft.label.replace('_', ' ')}.")
    taken.add(name.lower())
    return Column(name=name, api_name=name, spec=spec, read_only=True)


def _link_parents(draft: Draft, entity: Entity, by_label: dict[str, Entity]) -> None:
    taken = {c.name.lower() for c in entity.columns}
    for parent_label, param in draft.parents.items():
        parent = by_label[parent_label]
        column = _find_column(entity, param, parent) or _add_parent_column(entity, param, parent, taken)
        if column.name == entity.key:
            continue
        column.references = parent.name
        if column.name not in entity.parents:
            entity.parents.append(column.name)


def _find_column(entity: Entity, param: str, parent: Entity) -> Column | None:
    wanted = {snake(param), f"{snake(parent.label)}_id", f"{snake(parent.label)}_{snake(parent.key)}"}
    for col in entity.columns:
        if col.name != entity.key and snake(col.api_name) in wanted and _compatible(col, parent):
            return col
    return None


def _add_parent_column(entity: Entity, param: str, parent: Entity, taken: set[str]) -> Column:
    name = param if param.lower() not in taken else f"{snake(parent.label)}_{snake(param)}"
    key_spec = parent.column(parent.key).spec
    column = Column(
        name=identifier(name, taken),
        api_name=name,
        spec={"type": key_spec.get("type", "string"), "description": f"The {parent.label} it belongs to."},
        required=True,
    )
    entity.columns.insert(1, column)
    return column


def _compatible(column: Column, target: Entity) -> bool:
    key_type = target.column(target.key).spec.get("type", "string")
    spec = column.spec.get("items") or {} if column.spec.get("type") == "array" else column.spec
    return spec.get("type") == key_type


def _link_references(entity: Entity, by_label: dict[str, Entity]) -> None:
    """`customerId` -> customers, and `labelIds` (an array) -> labels."""
    targets = {snake(label): e for label, e in by_label.items()}
    for col in entity.columns:
        if col.references or col.name == entity.key:
            continue
        kind = col.spec.get("type")
        parts = words(col.api_name)
        many = kind == "array" and (col.spec.get("items") or {}).get("type") in ("string", "integer")
        if not parts or not (
            (kind in _SCALARS and id_like(col.api_name)) or (many and parts[-1] in ("ids", "keys"))
        ):
            continue
        stem = "_".join(parts[:-1])
        target = targets.get(singular(stem)) if stem else None
        if target is not None and target is not entity and not target.singleton and _compatible(col, target):
            col.references = target.name
