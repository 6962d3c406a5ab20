"""The tool graph as a picture a person can read (matplotlib, no Graphviz needed).

Tools are boxes in dependency layers, left to right: a tool sits one layer right of the deepest
read whose output fills one of its identifiers (cycles are collapsed first), so lookups stand
left of what needs them. Write tools are orange, read tools blue, grey when no call of the tool
succeeded; each box lists the tool's required parameters, with `*` on those a person cannot state
(they must be looked up). Solid arrows are those lookups (labelled with the parameters they fill
when a tool looks up more than one); dotted blue arrows are outputs that can fill a value a
person could also state; dashed grey arrows are observed data flow (a write to a table another
tool reads). The lighter kinds are left out, and counted in the legend, when there are too many
to draw. Several environments are drawn side by side.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import networkx as nx

if TYPE_CHECKING:
    from .graph import ToolGraph

_WRITE, _READ, _UNSEEN = "#f6c28b", "#a9cce3", "#e5e7e9"
_MAX_PARAMS_SHOWN = 4
_MAX_DATA_FLOW = 60
_MAX_OTHER = 40
_COLUMN = 4.2


def _edges(graph: ToolGraph) -> tuple[dict[tuple[str, str], list[str]], dict[tuple[str, str], list[str]]]:
    """Tool pairs joined by `produces` edges, split into dependencies (a read's output fills an
    input a person cannot state) and the rest, each with the parameters filled."""
    needed: dict[tuple[str, str], list[str]] = {}
    other: dict[tuple[str, str], list[str]] = {}
    for edge in graph.edges:
        if edge.kind != "produces":
            continue
        target = graph.params[edge.target]
        pair = (edge.source, target.tool)
        if pair[0] == pair[1]:
            continue
        strong = not target.label.providable and not graph.tools[edge.source].write
        bucket = needed if strong else other
        if target.param.path not in bucket.setdefault(pair, []):
            bucket[pair].append(target.param.path)
    return needed, {pair: names for pair, names in other.items() if pair not in needed}


def _layers(graph: ToolGraph, needed: dict[tuple[str, str], list[str]]) -> dict[str, int]:
    """Longest-path depth of every tool over its dependencies (cycles collapsed)."""
    dependency = nx.DiGraph()
    dependency.add_nodes_from(graph.tools)
    dependency.add_edges_from(needed)
    dag = nx.condensation(dependency)
    depth: dict[int, int] = {}
    for component in nx.topological_sort(dag):
        preds = list(dag.predecessors(component))
        depth[component] = 1 + max(depth[p] for p in preds) if preds else 0
    mapping = dag.graph["mapping"]
    return {tool: depth[mapping[tool]] for tool in graph.tools}


def _positions(
    graph: ToolGraph, layer: dict[str, int], needed: dict[tuple[str, str], list[str]]
) -> dict[str, tuple[float, float]]:
    """Columns by layer, environments side by side; within a column, tools sit near the average
    height of what they depend on, and taller boxes take more room."""
    positions: dict[str, tuple[float, float]] = {}
    offset = 0.0
    preds: dict[str, list[str]] = {}
    for src, dst in needed:
        preds.setdefault(dst, []).append(src)
    for env in sorted(graph.env_classes):
        keys = sorted(k for k, t in graph.tools.items() if t.env == env)
        columns: dict[int, list[str]] = {}
        for key in keys:
            columns.setdefault(layer[key], []).append(key)
        for depth in sorted(columns):

            def anchor(key: str) -> float:
                ys = [positions[p][1] for p in preds.get(key, []) if p in positions]
                return -sum(ys) / len(ys) if ys else 0.0

            members = sorted(columns[depth], key=lambda k: (anchor(k), k))
            y = 0.0
            for key in members:
                height = 0.45 + 0.22 * _box_text(graph, key).count("\n")
                positions[key] = (offset + depth * _COLUMN, y - height / 2)
                y -= height + 0.5
        offset += (max(columns) + 1) * _COLUMN + 1.5 if columns else 0
    return positions


def _box_text(graph: ToolGraph, key: str) -> str:
    tool = graph.tools[key]
    shown = [p.param.path + ("" if p.label.providable else "*") for p in graph.tool_params(key) if p.required]
    extra = len(shown) - _MAX_PARAMS_SHOWN
    shown = shown[:_MAX_PARAMS_SHOWN] + ([f"+{extra} more"] if extra > 0 else [])
    return tool.name + ("\n" + "\n".join(shown) if shown else "")


def render(graph: ToolGraph) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    needed, other = _edges(graph)
    pos = _positions(graph, _layers(graph, needed), needed)
    xs = [x for x, _ in pos.values()] or [0.0]
    ys = [y for _, y in pos.values()] or [0.0]
    width = min(48.0, max(9.0, (max(xs) - min(xs)) * 0.75 + 6))
    height = min(48.0, max(5.0, (max(ys) - min(ys)) * 0.9 + 2.5))
    fig, ax = plt.subplots(figsize=(width, height), dpi=90)
    arrow = {"arrowstyle": "-|>", "shrinkA": 22, "shrinkB": 22, "mutation_scale": 11}
    flows = [e for e in graph.edges if e.kind == "data_flow" and (e.source, e.target) not in needed]
    drawn_flows = flows if len(flows) <= _MAX_DATA_FLOW else []
    for edge in drawn_flows:
        _arrow(
            ax,
            pos[edge.source],
            pos[edge.target],
            {**arrow, "color": "#c8cacb", "lw": 0.6, "linestyle": "--"},
            0.25,
        )
    drawn_other = other if len(other) <= _MAX_OTHER else {}
    for src, dst in drawn_other:
        _arrow(ax, pos[src], pos[dst], {**arrow, "color": "#85c1e9", "lw": 0.6, "linestyle": ":"}, 0.12)
    looked_up: dict[str, set[str]] = {}
    for (_, dst), names in needed.items():
        looked_up.setdefault(dst, set()).update(names)
    for (src, dst), names in needed.items():
        _arrow(ax, pos[src], pos[dst], {**arrow, "color": "#1b2631", "lw": 1.2}, 0.06)
        if len(looked_up[dst]) > 1:  # with one looked-up input the box already says which
            (x1, y1), (x2, y2) = pos[src], pos[dst]
            ax.text(
                x1 + (x2 - x1) * 0.62,
                y1 + (y2 - y1) * 0.62,
                ", ".join(names[:2]),
                fontsize=6.5,
                color="#154360",
                ha="center",
                va="center",
                zorder=3,
                bbox={"boxstyle": "round,pad=0.08", "fc": "white", "ec": "none", "alpha": 0.85},
            )
    _boxes(ax, graph, pos)
    _legend(ax, len(flows) - len(drawn_flows), len(other) - len(drawn_other))
    counts = graph.to_json()["counts"]
    ax.set_title(
        f"Tool graph: {', '.join(sorted(graph.env_classes))} — {counts['tools']} tools, "
        f"{counts['params']} parameters ({counts['user_providable']} user-providable)",
        fontsize=11,
    )
    ax.set_xlim(min(xs) - 2.2, max(xs) + 2.2)
    ax.set_ylim(min(ys) - 0.9, max(ys) + 0.9)
    ax.axis("off")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def _boxes(ax: Any, graph: ToolGraph, pos: dict[str, tuple[float, float]]) -> None:
    for key, (x, y) in pos.items():
        tool = graph.tools[key]
        colour = (_WRITE if tool.write else _READ) if tool.observed else _UNSEEN
        ax.text(
            x,
            y,
            _box_text(graph, key),
            ha="center",
            va="center",
            fontsize=7.5,
            family="monospace",
            zorder=4,
            bbox={"boxstyle": "round,pad=0.35", "fc": colour, "ec": "#2c3e50", "lw": 0.8},
        )


def _arrow(
    ax: Any, start: tuple[float, float], end: tuple[float, float], props: dict[str, Any], rad: float
) -> None:
    ax.annotate(
        "", xy=end, xytext=start, zorder=2, arrowprops={**props, "connectionstyle": f"arc3,rad={rad}"}
    )


def _legend(ax: Any, flows_left: int, other_left: int) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [
        Patch(fc=_READ, ec="#2c3e50", label="read tool"),
        Patch(fc=_WRITE, ec="#2c3e50", label="write tool"),
        Patch(fc=_UNSEEN, ec="#2c3e50", label="no successful call observed"),
        Line2D([], [], color="#1b2631", label="output fills an input that must be looked up"),
        Line2D(
            [],
            [],
            color="#85c1e9",
            ls=":",
            label="output can fill a value a person could state"
            + (f" ({other_left} pairs not drawn)" if other_left else ""),
        ),
        Line2D(
            [],
            [],
            color="#c8cacb",
            ls="--",
            label="data flow: writes a table the other reads"
            + (f" ({flows_left} not drawn)" if flows_left else ""),
        ),
        Line2D([], [], color="none", label="param* = must be looked up (not user-providable)"),
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, framealpha=0.95)
