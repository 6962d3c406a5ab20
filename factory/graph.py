"""The tool graph of one or several environments: what each tool needs and what it gives.

Nodes are tools and their parameters (nested fields flattened: `flights[].date`). Edges:

- `input`: parameter → its tool (`required` when the parameter and every parent are required).
- `produces`: tool → parameter of another tool, when an output of the first can fill the
  second. Evidence is scored and kept in the edge: the *name* (`[].id` of `find_items` is an
  `item_id`; `payment_methods[].payment_id` is a `payment_id`: 3, role prefixes such as `from_`
  stripped: 2, same head and tail word: 1) plus the *value* (the values the output was observed
  to hold sit in the very state column the parameter's name binds to: +2). Identifiers need 2;
  values a person could also state (a flight number, an email) need 4, and free text, names,
  choices and amounts are never linked: people say those themselves.
- `data_flow`: write tool → tool that reads a table it writes, as SQLite's authorizer observed
  while the tools ran for real (`ToolResult.reads` / `.writes`).

With `observe=True` (the default) every tool is called in a fresh copy of its environment's seed
state, with arguments grounded in that state, until a call succeeds: outputs, reads and writes
are then facts, not guesses. Without it, outputs come from return annotations when they have a
schema, and otherwise from the tool's noun (`get_item` is assumed to give an item `id`).

Parameters are labelled user-providable by the rules in `params.py`; an identifier that no tool
produces is relabelled providable (`identifier-unproduced`), since the person must then hold it.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from envfactory.environments import Environment

from .grounding import Grounder, Ungrounded
from .params import UNPRODUCED, Label, Param, flatten, leaves
from .values import OutField, StatePool, creates, output_fields, strip_role, tokens, updates

_LINKABLE = frozenset({"value", "location", "contact", "credential"})
_OBSERVE_ATTEMPTS = 8


@dataclass
class ParamNode:
    key: str
    tool: str
    param: Param
    required: bool
    label: Label
    columns: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.key,
            "kind": "param",
            "tool": self.tool,
            "path": self.param.path,
            "type": self.param.item_type or self.param.type,
            "array": self.param.type == "array",
            "required": self.required,
            "user_providable": self.label.providable,
            "category": self.label.category,
            "reason": self.label.reason,
            "columns": self.columns,
            "description": self.param.description,
        }


@dataclass
class ToolNode:
    key: str
    env: str
    name: str
    write: bool
    description: str
    params: list[Param]
    reads: set[str] = field(default_factory=set)
    writes: set[str] = field(default_factory=set)
    outputs: dict[str, list[OutField]] = field(default_factory=dict)
    observed: bool = False

    @property
    def creates(self) -> bool:
        return creates(self.name, self.write)

    @property
    def updates(self) -> bool:
        return updates(self.name, self.write)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.key,
            "kind": "tool",
            "env": self.env,
            "name": self.name,
            "write": self.write,
            "description": self.description,
            "observed": self.observed,
            "reads": sorted(self.reads),
            "writes": sorted(self.writes),
            "outputs": [
                {"path": path, "examples": _examples(fields)} for path, fields in sorted(self.outputs.items())
            ],
        }


@dataclass(frozen=True)
class Edge:
    kind: str  # "input" | "produces" | "data_flow"
    source: str
    target: str
    output: str | None = None
    score: int = 0
    evidence: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()
    required: bool = False

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "source": self.source, "target": self.target}
        if self.kind == "input":
            data["required"] = self.required
        if self.kind == "produces":
            data |= {"output": self.output, "score": self.score, "evidence": list(self.evidence)}
        if self.kind == "data_flow":
            data["tables"] = list(self.tables)
        return data


@dataclass
class ToolGraph:
    env_classes: dict[str, type[Environment]]
    tools: dict[str, ToolNode]
    params: dict[str, ParamNode]
    edges: list[Edge]
    pools: dict[str, StatePool]

    def producers(self, param_key: str) -> list[Edge]:
        """`produces` edges into a parameter, strongest first."""
        return self._into.get(param_key, [])

    def successors(self, tool_key: str) -> list[str]:
        """Tools that use this tool's outputs or read what it writes."""
        return self._after.get(tool_key, [])

    def tool_params(self, tool_key: str) -> list[ParamNode]:
        return [self.params[f"{tool_key}:{p.path}"] for p in leaves(self.tools[tool_key].params)]

    def __post_init__(self) -> None:
        self._into: dict[str, list[Edge]] = {}
        after: dict[str, dict[str, None]] = {}
        for edge in self.edges:
            if edge.kind == "produces":
                self._into.setdefault(edge.target, []).append(edge)
                after.setdefault(edge.source, {})[self.params[edge.target].tool] = None
            elif edge.kind == "data_flow":
                after.setdefault(edge.source, {})[edge.target] = None
        for found in self._into.values():
            found.sort(key=lambda e: (-e.score, e.source, e.output or ""))
        self._after = {k: sorted(v) for k, v in after.items()}

    def to_json(self) -> dict[str, Any]:
        """Nodes (tools, then parameters) and edges, as plain JSON data."""
        kinds: dict[str, int] = {}
        for edge in self.edges:
            kinds[edge.kind] = kinds.get(edge.kind, 0) + 1
        return {
            "environments": sorted(self.env_classes),
            "nodes": [t.as_dict() for t in self.tools.values()] + [p.as_dict() for p in self.params.values()],
            "edges": [e.as_dict() for e in self.edges],
            "counts": {
                "tools": len(self.tools),
                "params": len(self.params),
                "user_providable": sum(p.label.providable for p in self.params.values()),
                **{f"{kind}_edges": n for kind, n in sorted(kinds.items())},
            },
        }

    def png_bytes(self) -> bytes:
        """A readable picture: tools by dependency layer, `produces` arrows labelled with the
        parameter they fill, data flow dashed."""
        from .graph_png import render

        return render(self)

    def to_png(self, path: str | Path) -> Path:
        target = Path(path)
        target.write_bytes(self.png_bytes())
        return target


def build_graph(env_classes: list[type[Environment]], *, observe: bool = True) -> ToolGraph:
    """The tool graph of these environment classes (see the module docstring)."""
    if not env_classes:
        raise ValueError("build_graph needs at least one environment class, e.g. [registry.get('todo')].")
    classes = {cls.name: cls for cls in env_classes}
    tools: dict[str, ToolNode] = {}
    pools: dict[str, StatePool] = {}
    for name, cls in classes.items():
        with cls.create() as base:
            pools[name] = StatePool(base.export_tables())
            for spec in cls.tools.values():
                node = ToolNode(
                    f"{name}.{spec.name}",
                    name,
                    spec.name,
                    spec.write,
                    spec.description,
                    flatten(spec.parameters),
                )
                tools[node.key] = node
                if observe:
                    _observe(node, base, pools[name])
                else:
                    _infer_outputs(node, cls)
    graph = _assemble(classes, tools, pools)
    if observe and not all(t.observed for t in tools.values()):
        # tools refused on their own (a booking needs a real fare, a login needs the user) are
        # run again inside chains, after their prerequisites; the sampler needs a graph for that
        from .sampler import observe_in_chains

        if observe_in_chains(graph):
            graph = _assemble(classes, tools, pools)
    return graph


def _assemble(
    classes: dict[str, type[Environment]], tools: dict[str, ToolNode], pools: dict[str, StatePool]
) -> ToolGraph:
    params = _param_nodes(tools, pools)
    edges = _input_edges(params) + _produce_edges(tools, params, pools) + _data_flow_edges(tools)
    produced = {e.target for e in edges if e.kind == "produces"}
    for key, node in params.items():
        if not node.label.providable and key not in produced:
            node.label = UNPRODUCED
    return ToolGraph(classes, tools, params, edges, pools)


def _observe(node: ToolNode, base: Environment, pool: StatePool) -> None:
    """Call the tool for real in fresh copies of the seed state until two calls succeed with
    something in their output (an empty search result shows no outputs to link)."""
    rng = random.Random(zlib.crc32(node.key.encode()))
    every_table = sorted(pool.tables)
    filled = 0
    for attempt in range(_OBSERVE_ATTEMPTS + 4):
        grounder = Grounder(
            pool,
            rng,
            optional_p=0.2,
            reads=every_table,
            peek_state=True,
            creates=node.creates,
            updates=node.updates,
            spread=attempt >= 2,
        )
        try:
            arguments, _ = grounder.build(node.params, {})
        except Ungrounded:
            continue
        with base.fork() as session:
            result = session.call(node.name, arguments)
        if not result.ok:
            if attempt >= _OBSERVE_ATTEMPTS and not node.observed:
                return
            continue
        node.observed = True
        node.reads |= result.reads
        node.writes |= result.writes
        found = output_fields(result.output)
        for out in found:
            node.outputs.setdefault(out.path, []).append(out)
        filled += bool(found)
        if filled == 2 or (attempt >= _OBSERVE_ATTEMPTS and filled):
            return


def _infer_outputs(node: ToolNode, cls: type[Environment]) -> None:
    """Outputs without running anything: the return annotation's schema, else the tool's noun."""
    import inspect
    import typing

    from pydantic import TypeAdapter
    from pydantic.errors import PydanticSchemaGenerationError

    method = getattr(cls, cls.tools[node.name].method_name)
    annotation = typing.get_type_hints(method).get("return", inspect.Signature.empty)
    try:
        schema = TypeAdapter(annotation).json_schema()
    except (PydanticSchemaGenerationError, TypeError):
        schema = {}
    array = schema.get("type") == "array"
    props = (schema.get("items", {}) if array else schema).get("properties") or {"id": {}}
    for key in props:
        path = f"[].{key}" if array else key
        node.outputs[path] = [OutField(path, key, None, None, None, in_list=array)]


def _param_nodes(tools: dict[str, ToolNode], pools: dict[str, StatePool]) -> dict[str, ParamNode]:
    nodes = {}
    for tool in tools.values():
        for param in leaves(tool.params):
            required = _required(tool.params, param.path)
            columns = [key for key, _ in pools[tool.env].bind(param)][:3]
            key = f"{tool.key}:{param.path}"
            nodes[key] = ParamNode(key, tool.key, param, required, param.label, columns)
    return nodes


def _required(params: Sequence[Param], path: str) -> bool:
    for param in params:
        if path == param.path:
            return param.required
        if path.startswith(param.path) and param.children:
            return param.required and _required(param.children, path)
    return False


def _input_edges(params: dict[str, ParamNode]) -> list[Edge]:
    return [Edge("input", key, node.tool, required=node.required) for key, node in params.items()]


def _produce_edges(
    tools: dict[str, ToolNode], params: dict[str, ParamNode], pools: dict[str, StatePool]
) -> list[Edge]:
    edges = []
    for source in tools.values():
        for path, fields in sorted(source.outputs.items()):
            names = fields[0].names(source.name)
            columns = pools[source.env].columns_of([f.value for f in fields])
            for key, target in params.items():
                if target.tool == source.key or pools.get(source.env) is None:
                    continue
                edge = _match(source, path, fields, names, columns, key, target)
                if edge is not None:
                    edges.append(edge)
    return edges


def _match(
    source: ToolNode,
    path: str,
    fields: list[OutField],
    names: set[str],
    columns: set[str],
    key: str,
    target: ParamNode,
) -> Edge | None:
    label = target.label
    if label.providable and label.category not in _LINKABLE:
        return None
    if label.providable and source.write:
        return None
    score, evidence = _name_score(target.param.match_name, names)
    if score == 0:
        return None
    sample = fields[0].value
    if sample is not None and not _compatible(sample, target.param):
        return None
    shared = sorted(columns & set(target.columns))
    if shared:
        score, evidence = score + 2, [*evidence, f"value:{shared[0]}"]
    if label.providable or source.env != target.tool.split(".", 1)[0]:
        # what a person could say, or a value crossing environments, needs both kinds of evidence
        keep = bool(shared) and score >= 3
    else:
        keep = score >= 2 or evidence[0] == "name:partial"
    if not keep:
        return None
    return Edge("produces", source.key, key, output=path, score=score, evidence=tuple(evidence))


def _name_score(wanted: str, names: set[str]) -> tuple[int, list[str]]:
    """3: the same name; 2: the same after a role prefix (`from_account_id`); 1: the same first
    and last word, or the same last two words (`refund_method_id` ~ `payment_method_id`)."""
    if wanted in names:
        return 3, ["name"]
    if strip_role(wanted) in names:
        return 2, ["name:role"]
    wt = tokens(wanted)
    for name in sorted(names):
        nt = tokens(name)
        if len(wt) >= 2 and len(nt) >= 2 and ((wt[0] == nt[0] and wt[-1] == nt[-1]) or wt[-2:] == nt[-2:]):
            return 1, ["name:partial"]
    if len(wt) >= 2 and wt[-1] in names:
        return 1, ["name:tail"]
    return 0, []


def _compatible(value: Any, param: Param) -> bool:
    kind = param.item_type or param.type
    if isinstance(value, bool):
        return kind == "boolean"
    if isinstance(value, int | float):
        return kind in ("integer", "number", "string")
    return kind == "string" or (kind == "integer" and isinstance(value, str) and value.isdigit())


def _data_flow_edges(tools: dict[str, ToolNode]) -> list[Edge]:
    edges = []
    for writer in tools.values():
        for reader in tools.values():
            shared = writer.writes & reader.reads
            if writer.key != reader.key and writer.env == reader.env and shared:
                edges.append(Edge("data_flow", writer.key, reader.key, tables=tuple(sorted(shared))))
    return edges


def _examples(fields: Iterable[OutField]) -> list[Any]:
    seen: list[Any] = []
    for f in fields:
        if f.value not in seen:
            seen.append(f.value)
        if len(seen) == 3:
            break
    return seen
