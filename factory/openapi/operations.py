"""From operations to tools: the kind of each call and the role of each parameter.

Kinds: `list`, `get`, `create`, `update`, `delete` (one item), `delete_many` (the items a filter
selects, e.g. `DELETE /application/{id}/message`), `singleton_get` / `singleton_update` (settings-
like objects, one per parent) and `action` (anything else: `POST /orders/{id}/cancel`, RPC calls
that name another noun such as `getStats`, calls whose item cannot be identified). A CRUD call
whose parameters give it nothing to do (an update whose body matches no column) becomes an action.

Parameter roles: `key` (names the item: the path parameter, or for RPC-style APIs a query/body
field holding the entity's key), `parent`, `filter` (equality on a column), `field` (a column to
write), paging (`limit`, `offset`, `page`, `page_token`), `sort`, `sort_dir`, `search` (substring
over text columns) and `input` (accepted and validated; the simulation has no column for it).
"""

from __future__ import annotations

from typing import Any

from .analyze import Placement, align_key_type
from .extract import RawOp, RawParam, is_object, label_of
from .model import Entity, Operation, Param, Role
from .naming import identifier, label, snake, tool_name, words
from .paths import crud_kind, is_read_verb, tail_nouns

_PAGING: dict[str, Role] = {
    **dict.fromkeys(
        [
            "limit",
            "per_page",
            "page_size",
            "pagesize",
            "max_results",
            "maxresults",
            "top",
            "size",
            "results_per_page",
            "max_items",
            "count",
        ],
        "limit",
    ),
    **dict.fromkeys(["offset", "skip", "start_index", "startindex"], "offset"),
    **dict.fromkeys(["page", "page_number", "page_no", "pagenumber", "page_index"], "page"),
    **dict.fromkeys(
        ["page_token", "pagetoken", "cursor", "next_cursor", "after", "continuation_token", "starting_after"],
        "page_token",
    ),
    **dict.fromkeys(["sort", "sort_by", "sortby", "order_by", "orderby", "sort_field"], "sort"),
    **dict.fromkeys(["sort_dir", "sortdir", "direction", "sort_order", "sortorder", "order"], "sort_dir"),
    **dict.fromkeys(
        ["q", "query", "search", "keyword", "keywords", "term", "search_term", "search_text"], "search"
    ),
}
_READ_KINDS = frozenset({"list", "get", "singleton_get"})
_FILTER_KINDS = frozenset({"list", "get", "singleton_get", "delete_many"})
_WRITE_KINDS = frozenset({"create", "create_many", "update", "singleton_update", "action"})
_SYNONYMS = {
    "deactivate": ("inactive", "deactivated", "disabled"),
    "disable": ("disabled", "inactive"),
    "enable": ("enabled", "active"),
    "activate": ("active", "activated", "enabled"),
    "unarchive": ("active",),
    "restore": ("active", "restored"),
    "trash": ("trashed", "deleted"),
    "unblock": ("active", "unblocked"),
}


def kind_of(op: RawOp, where: Placement, entity: Entity) -> str:
    shape, method = op.shape, op.method
    if shape.verbs:
        crud = crud_kind(shape.verbs)
        nouns = tail_nouns(shape)
        if crud is None or (nouns and "_".join(nouns) not in _names(entity)):
            return "action"
        return crud
    if shape.verb:
        return "action"
    if method == "get":
        if op.payload == "list":
            return "list"
        if op.payload == "other":
            return "action"
        if where.key:
            return "get"
        return "singleton_get" if entity.singleton else "list" if op.payload is None else "get"
    if method == "delete":
        return "delete" if where.key else "delete_many"
    if where.key:
        return "update"
    if entity.singleton:
        return "singleton_update"
    if method == "post":
        return "create_many" if op.batch is not None else "create"
    return "update"


def _names(entity: Entity) -> set[str]:
    base = snake(entity.label)
    return {base, snake(entity.name), base.rsplit("_", 1)[-1], snake(entity.name).rsplit("_", 1)[-1]}


def build_operation(
    op: RawOp, where: Placement, entity: Entity, kind: str, tables: dict[str, str], taken_tools: set[str]
) -> Operation:
    """The tool for one operation (`tables`: entity label -> table name)."""
    params = _params(op, where, entity, kind, tables)
    kind = _settle(kind, params, op)
    if kind == "action":
        params = [_as_action(p, entity) for p in params]
    else:
        params = [p.model_copy(update={"required": True}) if p.role == "key" else p for p in params]
    write = _writes(op, kind)
    name = tool_name(op.operation_id or _fallback_name(op, kind, entity), taken_tools)
    operation = Operation(
        tool=name,
        method=op.method.upper(),
        path=op.path,
        kind=kind,  # type: ignore[arg-type]
        entity=entity.name,
        write=write,
        description=op.description or _fallback_description(kind, entity, op),
        params=params,
        response=_action_response(op, entity) if kind == "action" else None,
        action=op.shape.verb or (op.shape.anchor if kind == "action" else None),
        sets=_status_change(op, entity) if kind == "action" and write else {},
    )
    return operation


def _settle(kind: str, params: list[Param], op: RawOp) -> str:
    roles = {p.role for p in params}
    if kind in ("get", "update", "delete") and "key" not in roles:
        return "action"
    if kind in ("update", "singleton_update") and "field" not in roles:
        return "action"
    if kind == "create" and op.body is not None and not is_object(op.body):
        return "action"
    return kind


def _writes(op: RawOp, kind: str) -> bool:
    if kind in _READ_KINDS:
        return False
    if kind == "action":
        return op.method != "get" and not is_read_verb(op.shape.verbs)
    return True


def _params(op: RawOp, where: Placement, entity: Entity, kind: str, tables: dict[str, str]) -> list[Param]:
    taken: set[str] = set()
    parents = {param: _parent_column(entity, tables[label_]) for label_, param in where.parents}
    out: list[Param] = []
    has_key = False
    for rp in sorted(op.params, key=lambda p: p.location != "path"):
        role, column = _role(rp, where, entity, kind, parents, has_key)
        has_key = has_key or role == "key"
        out.append(
            _param(
                rp.name,
                rp.location,
                _bound(rp.spec, entity, column),
                rp.required,
                rp.description,
                role,
                column,
                taken,
            )
        )
    body = op.body
    if kind == "create_many" and op.batch is not None and body is not None:
        wrapper, item = op.batch
        spec = {"type": "array", "items": item} if wrapper is None else body["properties"][wrapper]
        about = f"The {entity.label}s to create, each with the fields of a {entity.label}."
        out.append(_param(wrapper or "items", "body", spec, True, about, "items", None, taken))
        return out
    if body is None or (kind in _READ_KINDS and not is_object(body)):
        return out
    if not is_object(body):
        spec = body if body.get("type") else {"type": "object"}
        out.append(_param("body", "body", spec, True, "The request body.", "input", None, taken))
        return out
    required = set(body.get("required", [])) if op.method != "patch" else set()
    foreign = (kind == "action" or bool(op.shape.verbs)) and label_of(body) not in (None, snake(entity.label))
    for api, sub in body["properties"].items():
        if sub.get("readOnly"):
            continue
        rp = RawParam(api, "body", api in required, str(sub.get("description", "")), sub)
        edit = _list_edit(entity, api) if kind in ("action", "update") else None
        role, column = edit or (
            ("input", None) if foreign else _role(rp, where, entity, kind, parents, has_key)
        )
        if has_key and column == entity.key and kind != "create":
            continue  # the item is already named by the path
        has_key = has_key or role == "key"
        out.append(
            _param(
                api,
                "body",
                _bound(sub, entity, column),
                rp.required or role == "key",
                rp.description,
                role,
                column,
                taken,
            )
        )
    return out


def _bound(spec: dict[str, Any], entity: Entity, column: str | None) -> dict[str, Any]:
    """Tie a parameter to its column. A column takes the parameter's enum when it has none (so
    seed rows use values the API accepts); a parameter naming another item gets no default (a
    documented default such as 'PayPal system template' names nothing in the simulation); a
    numeric key is an integer."""
    if column is None:
        return spec
    col = entity.column(column)
    if spec.get("enum") and not col.spec.get("enum") and spec.get("type") == col.spec.get("type"):
        col.spec["enum"] = list(spec["enum"])
    if column == entity.key and col.read_only:
        align_key_type(col, spec)
    if col.references or column == entity.key:
        spec = {k: v for k, v in spec.items() if k != "default"}
    if spec.get("type") == "number" and col.spec.get("type") == "integer":
        spec = {**spec, "type": "integer"}
    return spec


def _param(
    api: str,
    location: str,
    spec: dict[str, Any],
    required: bool,
    description: str,
    role: Role,
    column: str | None,
    taken: set[str],
) -> Param:
    return Param(
        name=identifier(api, taken),
        api_name=api,
        location=location,  # type: ignore[arg-type]
        spec=spec,
        required=required,
        description=description,
        role=role,
        column=column,
    )


def _role(
    rp: RawParam,
    where: Placement,
    entity: Entity,
    kind: str,
    parents: dict[str, str | None],
    has_key: bool,
) -> tuple[Role, str | None]:
    if rp.location == "path" and rp.name == where.key:
        return "key", entity.key
    if parents.get(rp.name):
        return "parent", parents[rp.name]
    column = _match(entity, rp.name)
    if rp.location == "path" and column is None:
        return "input", None
    if kind == "list" and rp.location == "query" and snake(rp.name) in _PAGING:
        return _PAGING[snake(rp.name)], None
    if column is not None and column.name in entity.parents:
        return "parent", column.name
    listed = _list_edit(entity, rp.name) if kind in ("action", "update") else None
    if listed is not None:
        return listed
    if column is not None and column.name == entity.key and not has_key and kind not in ("list", "create"):
        return "key", entity.key
    if column is not None and kind in _FILTER_KINDS and _filterable(column.spec):
        return "filter", column.name
    if column is not None and kind in _WRITE_KINDS and not column.read_only:
        return "field", column.name
    if column is not None and kind == "create" and column.name == entity.key:
        return "field", column.name
    return "input", None


_SCALAR_TYPES = frozenset({"string", "integer", "number", "boolean"})


def _filterable(spec: dict[str, Any]) -> bool:
    """Scalars compare by equality; arrays of scalars by containment."""
    if spec.get("type") == "array":
        return (spec.get("items") or {}).get("type") in _SCALAR_TYPES
    return spec.get("type") in _SCALAR_TYPES


def _list_edit(entity: Entity, name: str) -> tuple[Role, str] | None:
    """`addLabelIds` / `removeLabelIds` edit the array column `labelIds`."""
    parts = words(name)
    if len(parts) < 2 or parts[0] not in ("add", "remove"):
        return None
    rest = "_".join(parts[1:])
    for col in entity.columns:
        if col.spec.get("type") == "array" and snake(col.api_name) == rest:
            return ("append" if parts[0] == "add" else "remove"), col.name
    return None


def _match(entity: Entity, name: str) -> Any:
    wanted = snake(name)
    for col in entity.columns:
        if col.api_name == name or snake(col.api_name) == wanted:
            return col
    key = entity.column(entity.key)
    parts = words(name)
    if (
        len(parts) > 1
        and "_".join(parts[:-1]) == snake(entity.label)
        and parts[-1] == words(key.api_name)[-1:]
    ):
        return key
    return None


def _parent_column(entity: Entity, table: str) -> str | None:
    return next((name for name in entity.parents if entity.column(name).references == table), None)


def _as_action(param: Param, entity: Entity) -> Param:
    """In an action, paging and filters mean nothing; a field role stays (actions may set columns)."""
    if param.role in ("key", "parent", "field", "input", "append", "remove"):
        return param
    return param.model_copy(update={"role": "input", "column": None})


def _action_response(op: RawOp, entity: Entity) -> dict[str, Any] | None:
    """The schema an action's result is synthesized from; None when it returns the item itself."""
    if op.response is None:
        return None
    if op.payload == "object" and label_of(op.item) in (snake(entity.label), None) and op.shape.key:
        return None
    return op.response


def _status_change(op: RawOp, entity: Entity) -> dict[str, Any]:
    """The status an action sets when its verb names one of a status enum's values:
    `cancel` -> `status: CANCELLED`, `activate` -> `ACTIVE`, `markasshipped` -> `shipped`."""
    verbs = op.shape.verbs or words(op.shape.verb or "")
    phrase = snake(op.shape.verb or "").replace("_", "")
    columns = sorted(
        (
            c
            for c in entity.columns
            if c.spec.get("enum") and c.spec.get("type") == "string" and not c.references
        ),
        key=lambda c: ("status" not in c.api_name.lower() and "state" not in c.api_name.lower(), c.name),
    )
    for col in columns:
        values = col.spec["enum"]
        for verb in verbs:
            for value in values:
                if _names_state(verb, value):
                    return {col.name: value}
        for value in values:
            flat = snake(value).replace("_", "")
            if len(flat) >= 4 and flat in phrase and flat not in verbs:
                return {col.name: value}
    return {}


def _names_state(verb: str, value: str) -> bool:
    flat = snake(value).replace("_", "")
    if flat in _SYNONYMS.get(verb, ()):
        return True
    root = verb[:-3] if verb.endswith("ate") else verb[:-1] if verb.endswith("e") else verb
    return len(root) >= 4 and flat.startswith(root)


def _fallback_name(op: RawOp, kind: str, entity: Entity) -> str:
    one, many = snake(entity.label), entity.name
    return {
        "list": f"list_{many}",
        "get": f"get_{one}",
        "create": f"create_{one}",
        "create_many": f"create_{many}",
        "update": f"update_{one}",
        "delete": f"delete_{one}",
        "delete_many": f"delete_{many}",
        "singleton_get": f"get_{one}",
        "singleton_update": f"update_{one}",
    }.get(kind) or f"{snake(op.shape.verb or op.method)}_{one}"


def _fallback_description(kind: str, entity: Entity, op: RawOp) -> str:
    one, many = entity.label, label(entity.name)
    return {
        "list": f"List {many}.",
        "get": f"Get one {one}.",
        "create": f"Create a {one}.",
        "create_many": f"Create several {many}.",
        "update": f"Update a {one}.",
        "delete": f"Delete a {one}.",
        "delete_many": f"Delete the {many} that match.",
        "singleton_get": f"Get the {one}.",
        "singleton_update": f"Change the {one}.",
    }.get(kind) or f"{label(op.shape.verb or op.method).capitalize()} ({op.method.upper()} {op.path})."
