"""How a compiled environment behaves: the `Environment` base class every compiled API extends.

Each tool method hands its validated arguments to `_run`, which dispatches on the operation's
kind. The behaviour is what a client of such an API expects from a well-behaved service:

- `list` filters by equality on the given columns (and parents), searches text columns with
  `search`, sorts by a named column, pages with limit/offset/page/page token; returns
  `{"items": [...], "total": N}` (plus `next_page_token` when the API pages by token).
- `get` / `update` / `delete` address one item by key (and its parents, which must own it); an
  unknown id is a tool error naming it. Updates change only the fields given.
- `create` checks that parents and referenced items exist (an order for an unknown customer is
  refused, naming the id), fills defaults, stamps read-only timestamps with the session clock,
  and assigns a key in the column's own shape unless the caller gives one (which must be new).
- `delete` also removes the items nested under the deleted one.
- `action` checks its item, applies the fields it names and the status its verb implies
  (`cancel` -> `CANCELLED`), records itself in the `action_log` table when it writes, and answers
  with the item or with a response synthesized from the operation's response schema (drawn from
  the call's RNG, echoing same-named inputs), so the same call always answers the same.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from sqlalchemy import Table, delete, func, insert, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from envfactory.environments import Environment, Task, ToolError

from .fields import dump
from .model import ApiModel, Entity, Operation
from .seed import db_value, new_keys, seed_rows, string_key
from .values import ValueGen

ACTION_LOG = "action_log"


class OpenApiEnvironment(Environment):
    """Base of compiled environments (no tools of its own; `compile` adds them)."""

    kind: ClassVar[str] = "openapi"  # what the catalog reports (DESIGN §2's third kind)
    api: ClassVar[ApiModel]
    sa_tables: ClassVar[dict[str, Table]]
    operations: ClassVar[dict[str, Operation]]
    task_list: ClassVar[list[Task]] = []
    policy_text: ClassVar[str] = ""

    @classmethod
    def policy(cls) -> str:
        return cls.policy_text or cls.description

    @classmethod
    def tasks(cls) -> list[Task]:
        return list(cls.task_list)

    def seed_data(self) -> None:
        rows = seed_rows(self.api, self.rng, self.now().date())
        for entity in self.api.entities:
            if rows.get(entity.name):
                self.db.execute(insert(self.sa_tables[entity.name]), rows[entity.name])

    # ----------------------------------------------------------------- dispatch
    def _run(self, tool: str, arguments: dict[str, Any]) -> Any:
        op = self.operations[tool]
        values = {name: dump(value) for name, value in arguments.items()}
        entity = self.api.entity(op.entity) if op.entity else None
        return getattr(self, f"_{op.kind}")(op, entity, values)

    def _list(self, op: Operation, entity: Entity, values: dict[str, Any]) -> dict[str, Any]:
        table = self.sa_tables[entity.name]
        self._check_named(op, entity, values)
        where = self._conditions(op, entity, values, table)
        total = self.db.execute(select(func.count()).select_from(table).where(*where)).scalar_one()
        stmt = select(table).where(*where).order_by(*self._order(op, entity, values, table))
        offset, limit = self._window(op, values)
        rows = self.db.execute(stmt.offset(offset).limit(-1 if limit is None else limit)).mappings().all()
        out: dict[str, Any] = {"items": [self._api(entity, r) for r in rows], "total": total}
        if any(p.role == "page_token" for p in op.params) and offset + len(rows) < total:
            out["next_page_token"] = str(offset + len(rows))
        return out

    def _get(self, op: Operation, entity: Entity, values: dict[str, Any]) -> dict[str, Any]:
        return self._api(entity, self._item(op, entity, values))

    def _singleton_get(self, op: Operation, entity: Entity, values: dict[str, Any]) -> dict[str, Any]:
        row = self._singleton_row(op, entity, values)
        if row is not None:
            return self._api(entity, row)
        blank = {c.name: db_value(c, c.spec.get("default")) for c in entity.columns}
        return self._api(entity, blank | self._by_role(op, values, "parent"))

    def _create(self, op: Operation, entity: Entity, values: dict[str, Any]) -> dict[str, Any]:
        self._check_parents(op, entity, values)
        return self._insert(entity, self._by_role(op, values, "field") | self._by_role(op, values, "parent"))

    def _create_many(self, op: Operation, entity: Entity, values: dict[str, Any]) -> dict[str, Any]:
        self._check_parents(op, entity, values)
        parents = self._by_role(op, values, "parent")
        items = next(values[p.name] for p in op.params if p.role == "items") or []
        columns = {c.api_name: c.name for c in entity.columns if not c.read_only or c.name == entity.key}
        created = []
        for i, item in enumerate(items):
            fields = {columns[k]: cast(entity, columns[k], v) for k, v in item.items() if k in columns}
            try:
                created.append(self._insert(entity, {**fields, **parents}))
            except ToolError as exc:
                raise ToolError(f"Item {i}: {exc}") from None
        return {"items": created}

    def _insert(self, entity: Entity, fields: dict[str, Any]) -> dict[str, Any]:
        self._check_references(entity, fields)
        row = {c.name: self._initial(c, entity) for c in entity.columns}
        row.update({k: db_value(entity.column(k), v) for k, v in fields.items()})
        key = fields.get(entity.key)
        if key is None:
            row[entity.key] = self._new_key(entity)
        elif self._exists(entity, key):
            raise ToolError(f"A {entity.label} with {self._key_api(entity)} {key!r} already exists.")
        self.db.execute(insert(self.sa_tables[entity.name]).values(row))
        return self._api(entity, row)

    def _update(self, op: Operation, entity: Entity, values: dict[str, Any]) -> dict[str, Any]:
        row = self._item(op, entity, values)
        return self._api(entity, self._apply(entity, row, self._by_role(op, values, "field")))

    def _singleton_update(self, op: Operation, entity: Entity, values: dict[str, Any]) -> dict[str, Any]:
        row = self._singleton_row(op, entity, values)
        fields = self._by_role(op, values, "field")
        if row is not None:
            return self._api(entity, self._apply(entity, row, fields))
        parents = self._by_role(op, values, "parent")
        return self._create(op, entity, {**values, **parents})

    def _delete(self, op: Operation, entity: Entity, values: dict[str, Any]) -> dict[str, Any]:
        row = self._item(op, entity, values)
        self._remove(entity, [row[entity.key]])
        return {"deleted": True, self._key_api(entity): row[entity.key]}

    def _delete_many(self, op: Operation, entity: Entity, values: dict[str, Any]) -> dict[str, Any]:
        table = self.sa_tables[entity.name]
        self._check_named(op, entity, values)
        where = self._conditions(op, entity, values, table)
        keys = list(self.db.execute(select(table.c[entity.key]).where(*where)).scalars())
        self._remove(entity, keys)
        return {"deleted": len(keys)}

    def _action(self, op: Operation, entity: Entity | None, values: dict[str, Any]) -> Any:
        if entity is None:
            if op.write:
                self._log(op, None, None, values)
            return self._synthesize(op, values) if op.response is not None else {"ok": True}
        named = any(p.role == "key" and values.get(p.name) is not None for p in op.params)
        item = self._item(op, entity, values) if named else None
        if item is None:
            self._check_parents(op, entity, values)
        fields = self._by_role(op, values, "field")
        self._check_references(entity, fields)
        if item is not None:
            fields |= self._list_edits(op, entity, item, values)
        if item is not None and op.write and (fields or op.sets):
            item = self._apply(entity, item, {**fields, **op.sets})
        if op.write:
            self._log(op, entity, item, values)
        if op.response is None:
            return self._api(entity, item) if item is not None else {"ok": True}
        return self._synthesize(op, values)

    def _list_edits(
        self, op: Operation, entity: Entity, item: dict[str, Any], values: dict[str, Any]
    ) -> dict[str, list[Any]]:
        """New values of array columns that `add...` / `remove...` parameters edit."""
        out: dict[str, list[Any]] = {}
        for p in op.params:
            given = values.get(p.name)
            if p.role not in ("append", "remove") or p.column is None or given is None:
                continue
            current = out.get(p.column) or self._api(entity, item).get(entity.column(p.column).api_name) or []
            given = given if isinstance(given, list) else [given]
            if p.role == "append":
                out[p.column] = [*current, *(v for v in given if v not in current)]
            else:
                out[p.column] = [v for v in current if v not in given]
        return out

    # ----------------------------------------------------------------- rows
    def _item(self, op: Operation, entity: Entity, values: dict[str, Any]) -> dict[str, Any]:
        key = cast(entity, entity.key, next(values[p.name] for p in op.params if p.role == "key"))
        self._check_parents(op, entity, values)
        table = self.sa_tables[entity.name]
        row = self.db.execute(select(table).where(table.c[entity.key] == key)).mappings().first()
        if row is None:
            raise ToolError(f"No {entity.label} with {self._key_api(entity)} {key!r}.")
        for column, value in self._by_role(op, values, "parent").items():
            if row[column] != value:
                raise ToolError(
                    f"{entity.label.capitalize()} {key!r} does not belong to "
                    f"{self._label_of(entity, column)} {value!r}."
                )
        return dict(row)

    def _singleton_row(self, op: Operation, entity: Entity, values: dict[str, Any]) -> dict[str, Any] | None:
        self._check_parents(op, entity, values)
        table = self.sa_tables[entity.name]
        where = [table.c[k] == v for k, v in self._by_role(op, values, "parent").items()]
        row = self.db.execute(select(table).where(*where).order_by(table.c[entity.key])).mappings().first()
        return dict(row) if row is not None else None

    def _apply(self, entity: Entity, row: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
        self._check_references(entity, fields)
        changes = {k: db_value(entity.column(k), v) for k, v in fields.items() if k != entity.key}
        for col in entity.columns:
            if (
                col.read_only
                and _stamp(col)
                and any(w in col.name.lower() for w in ("updat", "modif", "edit"))
            ):
                changes[col.name] = self._clock_value(col)
        if changes:
            table = self.sa_tables[entity.name]
            self.db.execute(update(table).where(table.c[entity.key] == row[entity.key]).values(changes))
        return {**row, **changes}

    def _remove(self, entity: Entity, keys: list[Any], trail: frozenset[str] = frozenset()) -> None:
        """Delete items and, depth first, what is nested under them (`trail` stops cycles)."""
        if not keys:
            return
        trail = trail | {entity.name}
        table = self.sa_tables[entity.name]
        for child in self.api.entities:
            if child.name in trail:
                continue
            for column in child.parents:
                if child.column(column).references == entity.name:
                    ctable = self.sa_tables[child.name]
                    nested = self.db.execute(select(ctable.c[child.key]).where(ctable.c[column].in_(keys)))
                    self._remove(child, list(nested.scalars()), trail)
        self.db.execute(delete(table).where(table.c[entity.key].in_(keys)))

    def _log(
        self, op: Operation, entity: Entity | None, item: dict[str, Any] | None, values: dict[str, Any]
    ) -> None:
        table = self.sa_tables[ACTION_LOG]
        last = self.db.execute(select(func.max(table.c.id))).scalar()
        given = {k: v for k, v in sorted(values.items()) if v is not None}
        self.db.execute(
            insert(table).values(
                id=(last or 0) + 1,
                tool=op.tool,
                target=entity.name if entity is not None else "",
                item=None if item is None or entity is None else str(item[entity.key]),
                arguments=json.dumps(given, sort_keys=True, ensure_ascii=False),
                at=self.now().isoformat(),
            )
        )

    # ----------------------------------------------------------------- checks
    def _check_named(self, op: Operation, entity: Entity, values: dict[str, Any]) -> None:
        """Parents must exist, and so must an item the path names (a 404, not an empty list)."""
        if any(p.role == "key" and values.get(p.name) is not None for p in op.params):
            self._item(op, entity, values)
        else:
            self._check_parents(op, entity, values)

    def _check_parents(self, op: Operation, entity: Entity, values: dict[str, Any]) -> None:
        for column, value in self._by_role(op, values, "parent").items():
            target = self.api.entity(entity.column(column).references or "")
            if not self._exists(target, value):
                raise ToolError(f"No {target.label} with {self._key_api(target)} {value!r}.")

    def _check_references(self, entity: Entity, fields: dict[str, Any]) -> None:
        for name, value in fields.items():
            target_name = entity.column(name).references
            if target_name is None or value is None or name in entity.parents:
                continue
            target = self.api.entity(target_name)
            for one in value if isinstance(value, list) else [value]:
                if not self._exists(target, one):
                    raise ToolError(
                        f"No {target.label} with {self._key_api(target)} {one!r} "
                        f"(given in {entity.column(name).api_name})."
                    )

    def _exists(self, entity: Entity, key: Any) -> bool:
        table = self.sa_tables[entity.name]
        return (
            self.db.execute(select(table.c[entity.key]).where(table.c[entity.key] == key)).first() is not None
        )

    # ----------------------------------------------------------------- list helpers
    def _conditions(
        self, op: Operation, entity: Entity, values: dict[str, Any], table: Table
    ) -> list[ColumnElement[bool]]:
        where: list[ColumnElement[bool]] = []
        for p in op.params:
            value = values.get(p.name)
            if value is None:
                continue
            if p.role == "filter" and p.column and entity.column(p.column).spec.get("type") == "array":
                wanted = value if isinstance(value, list) else [value]
                text = table.c[p.column]
                where.extend(func.instr(text, json.dumps(v, ensure_ascii=False)) > 0 for v in wanted)
            elif p.role in ("filter", "parent", "key") and p.column:
                where.append(
                    table.c[p.column] == db_value(entity.column(p.column), cast(entity, p.column, value))
                )
            elif p.role == "search" and str(value).strip():
                texts = [c.name for c in entity.columns if c.spec.get("type") == "string"]
                needle = str(value).lower()
                where.append(
                    or_(*[func.instr(func.lower(table.c[n]), needle) > 0 for n in texts]) if texts else False
                )
        return where

    def _order(self, op: Operation, entity: Entity, values: dict[str, Any], table: Table) -> list[Any]:
        """Sort by a named field (`name`, `-name`, `name:desc`, `name desc`, plus a direction
        parameter); a documented value that names no field (`relevance`) keeps the default order."""
        key = table.c[entity.key]
        param = next((p for p in op.params if p.role == "sort" and values.get(p.name)), None)
        if param is None:
            return [key]
        raw = str(values[param.name]).strip()
        name, _, suffix = raw.lstrip("-+").replace(":", " ").partition(" ")
        column = next(
            (c for c in entity.columns if name.lower() in (c.name.lower(), c.api_name.lower())), None
        )
        if column is None:
            if raw in (param.spec.get("enum") or []) or raw == param.spec.get("default"):
                return [key]
            names = ", ".join(c.api_name for c in entity.columns)
            raise ToolError(f"Cannot sort {entity.name} by {raw!r}; sortable fields: {names}.")
        direction = next(
            (str(values[p.name]) for p in op.params if p.role == "sort_dir" and values.get(p.name)), ""
        )
        descending = raw.startswith("-") or f"{suffix} {direction}".strip().lower().startswith("desc")
        col = table.c[column.name]
        return [col.desc() if descending else col.asc(), key]

    def _window(self, op: Operation, values: dict[str, Any]) -> tuple[int, int | None]:
        given = {
            p.role: (p, values.get(p.name))
            for p in op.params
            if p.role in ("limit", "offset", "page", "page_token")
        }
        limit_param, limit = given.get("limit", (None, None))
        if limit is not None and int(limit) <= 0:
            raise ToolError(f"{limit_param.api_name} must be at least 1, got {limit}.")
        offset = int(given["offset"][1] or 0) if "offset" in given else 0
        if offset < 0:
            raise ToolError(f"{given['offset'][0].api_name} cannot be negative, got {offset}.")
        if "page" in given and given["page"][1] is not None:
            page_param, page = given["page"]
            base = 0 if page_param.spec.get("minimum") == 0 or page_param.spec.get("default") == 0 else 1
            size = int(limit) if limit is not None else 20
            if int(page) < base:
                raise ToolError(f"{page_param.api_name} starts at {base}, got {page}.")
            offset, limit = (int(page) - base) * size, size
        if "page_token" in given and given["page_token"][1]:
            token_param, token = given["page_token"]
            if not str(token).isdigit():
                raise ToolError(
                    f"{token_param.api_name} {token!r} is not a page token returned by this tool."
                )
            offset = int(token)
        return offset, None if limit is None else int(limit)

    # ----------------------------------------------------------------- values
    def _by_role(self, op: Operation, values: dict[str, Any], role: str) -> dict[str, Any]:
        entity = self.api.entity(op.entity) if op.entity else None
        return {
            p.column: cast(entity, p.column, values[p.name]) if entity else values[p.name]
            for p in op.params
            if p.role == role and p.column and values.get(p.name) is not None
        }

    def _api(self, entity: Entity, row: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for col in entity.columns:
            value = row.get(col.name)
            if isinstance(value, str) and col.spec.get("type") in ("object", "array"):
                value = json.loads(value)
            elif col.spec.get("type") == "boolean" and value is not None:
                value = bool(value)
            out[col.api_name] = value
        return out

    def _initial(self, col: Any, entity: Entity) -> Any:
        """A column's value in a new item the caller did not set: the service's own values for
        read-only fields (timestamps from the session clock, the first status of an enum, other
        values drawn from the call's RNG), else the documented default."""
        if col.read_only and _stamp(col):
            return self._clock_value(col)
        if col.spec.get("default") is not None:
            return db_value(col, col.spec["default"])
        if col.read_only and col.spec.get("enum"):
            return col.spec["enum"][0]
        if col.read_only and not col.references and col.name != entity.key:
            return db_value(
                col, ValueGen(self.rng, self.now().date()).value(col.spec, col.api_name, entity.label)
            )
        return None

    def _clock_value(self, col: Any) -> str:
        now = self.now()
        return now.date().isoformat() if col.spec.get("format") == "date" else now.isoformat() + "Z"

    def _new_key(self, entity: Entity) -> Any:
        spec = entity.column(entity.key).spec
        table = self.sa_tables[entity.name]
        if spec.get("type") == "integer":
            last = self.db.execute(select(func.max(table.c[entity.key]))).scalar()
            return (last or new_keys(entity, 1, ValueGen(self.rng, self.now().date()))[0] - 1) + 1
        gen = ValueGen(self.rng, self.now().date())
        for _ in range(50):
            key = string_key(entity, spec, gen)
            if not self._exists(entity, key):
                return key
        raise ToolError(f"Could not assign a new {entity.label} id; the id space is exhausted.")

    def _synthesize(self, op: Operation, values: dict[str, Any]) -> Any:
        echoes = {p.api_name: values[p.name] for p in op.params if values.get(p.name) is not None}
        value = ValueGen(self.rng, self.now().date()).value(
            op.response or {}, op.action or "", op.entity or ""
        )
        if isinstance(value, dict):
            props = (op.response or {}).get("properties", {})
            value.update({k: v for k, v in echoes.items() if k in props and _same_kind(props[k], v)})
        return value

    def _key_api(self, entity: Entity) -> str:
        return entity.column(entity.key).api_name

    def _label_of(self, entity: Entity, column: str) -> str:
        target = entity.column(column).references
        return self.api.entity(target).label if target else column


def cast(entity: Entity, column: str, value: Any) -> Any:
    """A path or query value in its column's type: documents often declare an id as a string in
    one place and an integer in another (`'507'` finds item 507)."""
    kind = entity.column(column).spec.get("type")
    if kind == "integer" and isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    if kind == "integer" and isinstance(value, float) and value.is_integer():
        return int(value)
    if kind == "string" and isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


def _stamp(col: Any) -> bool:
    return col.spec.get("format") in ("date-time", "date") and col.spec.get("type") == "string"


def _same_kind(spec: dict[str, Any], value: Any) -> bool:
    kind = spec.get("type")
    checks = {
        "string": str,
        "integer": int,
        "number": int | float,
        "boolean": bool,
        "array": list,
        "object": dict,
    }
    return kind not in checks or isinstance(value, checks[kind])
