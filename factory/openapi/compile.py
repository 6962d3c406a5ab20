"""The compiler: an OpenAPI document -> `ApiModel` -> an `Environment` subclass.

`build_model` is pure analysis (no code is generated as text); `build_environment` lays the model
out as SQLAlchemy tables and one tool method per operation. Each method gets a real signature
whose annotations carry the schema's constraints (see `fields`), and a docstring with the
operation's summary and every parameter's description, so the framework derives the tool's JSON
Schema and validates arguments exactly as it does for hand-written environments. Same document +
seed -> same model, same tables, same tools, same seed rows.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Column, Float, ForeignKey, Integer, MetaData, String, Table, Text

from envfactory.environments import Task, tool

from .analyze import build_entities, collect, group_labels, is_singleton, place, retype_references
from .errors import CompileError
from .extract import RawOp, operations
from .fields import TypeBuilder, valid_default
from .loader import Document, Resolver, read_document
from .model import PAGING_ROLES, ApiModel, Entity, Operation, Param, Source
from .naming import clean_text, label, snake, words
from .operations import build_operation, kind_of
from .paths import collection_words, shape
from .runtime import ACTION_LOG, OpenApiEnvironment

_SQL_TYPES = {"integer": Integer, "number": Float, "boolean": Boolean, "string": String}


def compile_document(
    source: str | Path | Document,
    *,
    name: str | None = None,
    domain: str = "openapi",
    seed: int = 0,
    with_tasks: bool = True,
) -> type[OpenApiEnvironment]:
    """Compile an OpenAPI 3 / Swagger 2 document into an environment class (with generated tasks
    unless `with_tasks` is false). Raises `CompileError` saying why a document cannot be used."""
    doc = source if isinstance(source, Document) else read_document(source)
    api = build_model(doc, name=name or default_name(doc.source), domain=domain, seed=seed)
    env_cls = build_environment(api)
    if with_tasks:
        from .tasks import generate_tasks

        env_cls.task_list = generate_tasks(env_cls)
    return env_cls


def default_name(source: str) -> str:
    """`commerce/swagger__petstore-v3.yaml` -> `swagger_petstore_v3`."""
    return snake(Path(source).stem) or "api"


# ----------------------------------------------------------------- analysis
def build_model(doc: Document, *, name: str, domain: str = "openapi", seed: int = 0) -> ApiModel:
    resolver = Resolver(doc.spec)
    ops = operations(doc, resolver)
    if not ops:
        raise CompileError(f"{doc.source} declares paths but no GET/POST/PUT/PATCH/DELETE operations.")
    collections = collection_words([op.path for op in ops])
    for op in ops:
        op.shape = shape(op.path, collections)
    _subresources_as_actions(ops)
    labels = group_labels(ops)
    placements = [place(op, labels) for op in ops]
    drafts = collect(ops, placements)
    by_op = {id(op): where for op, where in zip(ops, placements, strict=True)}
    singletons = {lbl for lbl, draft in drafts.items() if is_singleton(draft, by_op)}
    entities = build_entities(drafts, singletons)
    by_label = dict(zip(drafts, entities, strict=True))
    tables = {lbl: e.name for lbl, e in by_label.items()}
    taken: set[str] = set()
    built = []
    for op, where in zip(ops, placements, strict=True):
        entity = by_label[where.label]
        built.append(build_operation(op, where, entity, kind_of(op, where, entity), tables, taken))
    retype_references(entities)
    info = doc.spec.get("info", {}) or {}
    return ApiModel(
        name=name,
        title=clean_text(info.get("title"), 120) or name,
        description=clean_text(info.get("description"), 400),
        domain=domain,
        api_version=str(info.get("version", "")),
        source=Source(file=Path(doc.source).name, sha256=doc.sha256, openapi=doc.version),
        seed=seed,
        entities=_used(entities, built),
        operations=built,
        warnings=list(resolver.warnings),
    )


def _subresources_as_actions(ops: list[RawOp]) -> None:
    """`PUT /rides/{id}/destination` (no GET on `destination`, a word after an item) is an action
    on the ride, not a resource of its own."""
    read_prefixes = {op.shape.prefix for op in ops if op.method == "get"}
    for op in ops:
        s = op.shape
        if op.method == "get" or s.key or s.verb or not s.parents or s.prefix in read_prefixes:
            continue
        word, param, prefix = s.parents[-1]
        s.verb, s.verbs = s.anchor, [w for w in words(s.anchor or "")[:1]]
        s.anchor, s.key, s.prefix, s.parents = word, param, prefix, s.parents[:-1]


def _used(entities: list[Entity], ops: list[Operation]) -> list[Entity]:
    """Entities worth a table. An entity that is nothing but a made-up key, touched only by
    actions that name no item (`GET /store/inventory` answering a computed map), is dropped and
    its actions stand alone; so are entities no operation reaches."""
    by_name = {e.name: e for e in entities}
    referenced = {c.references for e in entities for c in e.columns if c.references}
    for entity in entities:
        mine = [op for op in ops if op.entity == entity.name]
        bare = [c.name for c in entity.columns] == [entity.key] and entity.column(entity.key).read_only
        standalone = all(op.kind == "action" and all(p.role == "input" for p in op.params) for op in mine)
        if bare and standalone and entity.name not in referenced:
            for op in mine:
                op.entity = None
    keep = {op.entity for op in ops if op.entity}
    frontier = list(keep)
    while frontier:
        for col in by_name[frontier.pop()].columns:
            if col.references and col.references not in keep:
                keep.add(col.references)
                frontier.append(col.references)
    return [e for e in entities if e.name in keep]


# ----------------------------------------------------------------- the environment class
def build_environment(
    api: ApiModel, tasks: list[Task] | None = None, module: str | None = None
) -> type[OpenApiEnvironment]:
    """The environment class for a model (`tasks` attached as its task list)."""
    metadata, tables = _tables(api)
    namespace: dict[str, Any] = {
        "name": api.name,
        "domain": api.domain,
        "description": _description(api),
        "version": api.api_version or "1.0",
        "metadata": metadata,
        "clock_start": api.clock_start,
        "default_seed": api.seed,
        "api": api,
        "sa_tables": tables,
        "operations": {op.tool: op for op in api.operations},
        "task_list": list(tasks or []),
        "policy_text": policy_text(api),
        "__module__": module or __name__,
        "__doc__": f"{api.title}, compiled from {api.source.file} by envfactory.factory.openapi.",
    }
    for op in api.operations:
        namespace[f"tool_{op.tool}"] = _tool_method(op, api)
    class_name = "".join(w.capitalize() for w in words(api.name)) or "Api"
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*shadows an attribute in parent.*")
        return type(f"{class_name}Env", (OpenApiEnvironment,), namespace)


def _description(api: ApiModel) -> str:
    first = api.description.split(". ")[0].rstrip(".") if api.description else ""
    return f"{api.title}: {first}." if first else f"{api.title} (compiled from its OpenAPI document)."


def policy_text(api: ApiModel) -> str:
    about = f" {api.description}" if api.description else ""
    return (
        f"You help a user of {api.title}.{about}\n\n"
        "You act only through the tools, which are the operations of this API. Look things up before "
        "changing them and use the ids the tools return; never invent ids. When a tool refuses a "
        "request, tell the user what was wrong instead of guessing."
    )


def _tables(api: ApiModel) -> tuple[MetaData, dict[str, Table]]:
    metadata = MetaData()
    back_edges = _cycle_edges(api.entities)
    tables = {}
    for entity in api.entities:
        columns = []
        for col in entity.columns:
            kind = col.spec.get("type")
            sql_type = _SQL_TYPES.get(kind, Text) if kind not in ("object", "array") else Text
            target = api.entity(col.references) if col.references else None
            fk = (
                [ForeignKey(f"{target.name}.{target.key}")]
                if target is not None and kind != "array" and (entity.name, col.name) not in back_edges
                else []
            )
            columns.append(Column(col.name, sql_type, *fk, primary_key=col.name == entity.key))
        tables[entity.name] = Table(entity.name, metadata, *columns)
    if any(op.kind == "action" and op.write for op in api.operations):
        tables[ACTION_LOG] = Table(
            ACTION_LOG,
            metadata,
            Column("id", Integer, primary_key=True),
            Column("tool", String, nullable=False),
            Column("target", String, nullable=False),
            Column("item", String),
            Column("arguments", Text, nullable=False),
            Column("at", String, nullable=False),
        )
    return metadata, tables


def _cycle_edges(entities: list[Entity]) -> set[tuple[str, str]]:
    """Reference columns that close a cycle (or point at their own table): declared without a
    FOREIGN KEY so that tables still sort; the tools check them all the same."""
    by_name = {e.name: e for e in entities}
    state: dict[str, int] = {}
    cut: set[tuple[str, str]] = set()

    def visit(entity: Entity) -> None:
        state[entity.name] = 1
        for col in entity.columns:
            target = by_name.get(col.references or "")
            if target is None:
                continue
            if state.get(target.name) == 1:
                cut.add((entity.name, col.name))
            elif target.name not in state:
                visit(target)
        state[entity.name] = 2

    for entity in entities:
        if entity.name not in state:
            visit(entity)
    return cut


# ----------------------------------------------------------------- tool methods
def _tool_method(op: Operation, api: ApiModel) -> Callable[..., Any]:
    builder = TypeBuilder(f"{op.tool}_body")
    parameters = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    annotations: dict[str, Any] = {}
    for param in sorted(op.params, key=lambda p: not p.required):
        annotation = builder.annotation(param.spec)
        default: Any = inspect.Parameter.empty
        if not param.required:
            wanted = param.spec.get("default")
            if wanted is None or param.role in ("key", "parent") or not valid_default(annotation, wanted):
                annotation, default = annotation | None, None
            else:
                default = wanted
        annotations[param.name] = annotation
        parameters.append(
            inspect.Parameter(
                param.name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
            )
        )

    def call(self: OpenApiEnvironment, **arguments: Any) -> Any:
        return self._run(op.tool, arguments)

    call.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    call.__annotations__ = annotations
    call.__name__ = call.__qualname__ = f"tool_{op.tool}"
    call.__doc__ = _docstring(op, api)
    ignore = [p.name for p in op.params if p.role in PAGING_ROLES]
    return tool(write=op.write, name=op.tool, trace_ignore=ignore)(call)


def _docstring(op: Operation, api: ApiModel) -> str:
    entity = api.entity(op.entity) if op.entity else None
    lines = [op.description.replace("\n", " ")]
    if op.params:
        lines += ["", "Args:"]
        lines += [f"    {p.name}: {param_description(p, entity)}" for p in op.params]
    lines += ["", "Returns:", f"    {_returns(op, entity)}"]
    return "\n".join(lines)


def param_description(param: Param, entity: Entity | None) -> str:
    text = clean_text(param.description, 300)
    if text:
        return text
    thing = entity.label if entity else "item"
    return {
        "key": f"Identifier of the {thing}.",
        "parent": "Identifier of the item it belongs to.",
        "filter": f"Only {thing}s whose {label(param.api_name)} equals this.",
        "field": f"The {thing}'s {label(param.api_name)}.",
        "search": "Text to look for.",
        "sort": "Field to sort by.",
        "sort_dir": "Sort direction (asc or desc).",
        "limit": "How many items to return at most.",
        "offset": "How many items to skip.",
        "page": "Page number.",
        "page_token": "Page token from a previous call.",
    }.get(param.role, f"{label(param.api_name).capitalize()}.")


def _returns(op: Operation, entity: Entity | None) -> str:
    thing = entity.label if entity else "item"
    if op.kind == "list":
        extra = ", next_page_token" if any(p.role == "page_token" for p in op.params) else ""
        return f'{{"items": [...], "total": N{extra}}}: the matching {thing}s.'
    if op.kind in ("delete", "delete_many"):
        return "What was deleted."
    if op.kind == "action":
        return "The result of the operation." if op.response else f"The {thing}."
    return f"The {thing}."
