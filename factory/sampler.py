"""Topology-aware sampling of tool chains, each executed for real in a fresh session.

A chain is built around *intents* (what a person wants: writes, and reads whose answer they
ask for). For each intent the sampler works backwards through the tool graph: every required
input that a person cannot state (an identifier) needs an earlier output, so a producer is
chosen along a `produces` edge and realized first, recursively (prerequisites are sampled
before the tools that need them); now and then a value a person could state (a flight number)
is looked up too, as people often let the agent find it. Then the call runs in the chain's live
session with arguments from `grounding.Grounder`, so every value is real: identifiers come from
the outputs of earlier steps, stated values from the seed state.

Balance: intents are drawn with weight `1 / (1 + uses)²` (tools used less are chosen more),
damped for tools that keep failing; after the first intent, successors in the graph (tools that
use what the chain produced or read what it wrote) are preferred, and once a chain has written,
reads are drawn less, so chains read before they write more often than after. With several
environments, a chain continues in a second one with probability `cross_env`.

Repair instead of discarding: a refused call teaches something. `hints_from_error` reads the
message for the value it blames, the options it lists ("Input should be 'a' or 'b'", "Lists:
Errands, Home, Work."), a range ("between 0 and 1") or a "did you mean"; the next attempt avoids
the value and uses the options. When the message names another tool ("authenticate with your
username", "use find_people"), that tool is realized first. A call still refused after
`attempts` tries drops its intent; a chain left with no intent is dropped.

Deterministic for a seed: one RNG drives every choice and every collection is iterated sorted.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from envfactory.environments import Environment

from .chains import Chain, Step, leaf_values, pick_answer
from .graph import ToolGraph
from .grounding import Grounder, Hint, Provider, Source, Ungrounded
from .params import Param, leaves, tokens
from .values import OutField, output_fields

_GOT = re.compile(r"\(got '?([^')]*)'?\)")
_SHOULD = re.compile(r"should be ((?:'[^']*'(?:, | or )?)+)")
_LISTED = re.compile(r"\b[A-Z][A-Za-z ]*?s: ([^.:;]+)\.")
_QUOTED = re.compile(r"'([^']+)'")
_BETWEEN = re.compile(r"between (-?\d+(?:\.\d+)?) and (-?\d+(?:\.\d+)?)")
_MEANT = re.compile(r"[Dd]id you mean:? '([^']+)'")
_REPAIR_STOP = frozenset(
    {"get", "list", "find", "search", "check", "user", "item", "order", "account", "status"}
)


@dataclass
class SamplerConfig:
    max_intents: int = 3
    max_steps: int = 10
    max_depth: int = 4
    optional_p: float = 0.3
    #: Whether values a person could state may come from lookups ("the same flights as my last
    #: trip"). Template queries state such values outright, so there they never do; LLM queries
    #: can refer to them implicitly.
    implicit_values: bool = False
    #: with `implicit_values`, the chance of looking up such a value instead of stating it
    lookup_p: float = 0.3
    #: chance that a chain continues in a second environment (needs several in the graph)
    cross_env: float = 0.0
    attempts: int = 5


@dataclass
class _Run:
    env: str
    session: Environment
    steps: list[Step]
    fields: list[list[OutField]]
    active: set[str] = field(default_factory=set)


@dataclass
class SamplerStats:
    chains: int = 0
    empty: int = 0
    calls: int = 0
    refused: int = 0
    repairs: int = 0
    dropped_intents: int = 0


class TopologySampler:
    """Draws executed chains from a tool graph (see the module docstring)."""

    def __init__(self, graph: ToolGraph, *, seed: int = 0, config: SamplerConfig | None = None) -> None:
        self.graph = graph
        self.config = config or SamplerConfig()
        self.rng = random.Random(seed)
        self.uses: Counter[str] = Counter()
        self.fails: Counter[str] = Counter()
        self.hints: dict[str, dict[str, Hint]] = {}
        self.stats = SamplerStats()

    def chains(self, n: int, *, max_attempts: int | None = None) -> Iterator[Chain]:
        """Up to `n` distinct chains (fewer when `max_attempts` samples run out)."""
        seen: set[str] = set()
        for _ in range(max_attempts if max_attempts is not None else 10 * n):
            if len(seen) >= n:
                return
            chain = self.sample()
            if chain is not None and chain.signature not in seen:
                seen.add(chain.signature)
                yield chain

    def sample(self) -> Chain | None:
        """One chain, executed; None when every intent of the attempt failed."""
        envs = [self._pick_env(())]
        if len(self.graph.env_classes) > 1 and self.rng.random() < self.config.cross_env:
            envs.append(self._pick_env(envs))
        steps: list[Step] = []
        fields: list[list[OutField]] = []
        for env in envs:
            with self.graph.env_classes[env].create() as session:
                run = _Run(env, session, steps, fields)
                for _ in range(self._intent_count()):
                    target = self._pick_target(run)
                    if self._realize(target, run, 0, None, "intent") is None:
                        self.stats.dropped_intents += 1
        chain = finalize(steps, self.rng)
        if chain is None:
            self.stats.empty += 1
            return None
        self.stats.chains += 1
        self.uses.update(f"{s.env}.{s.tool}" for s in chain.steps)
        return chain

    # ------------------------------------------------------------------ choosing
    def _weight(self, key: str) -> float:
        return (0.7 ** min(self.fails[key] // 3, 8)) / (1 + self.uses[key]) ** 2

    def _pick_env(self, taken: Sequence[str]) -> str:
        names = [n for n in sorted(self.graph.env_classes) if n not in taken]
        weights = [sum(self._weight(k) for k, t in self.graph.tools.items() if t.env == n) for n in names]
        return self.rng.choices(names, weights)[0]

    def _intent_count(self) -> int:
        return self.rng.choices(
            range(1, self.config.max_intents + 1), [3, 3, 2, 1, 1][: self.config.max_intents]
        )[0]

    def _pick_target(self, run: _Run) -> str:
        keys = sorted(k for k, t in self.graph.tools.items() if t.env == run.env)
        if run.steps and self.rng.random() < 0.6:
            near = {s for step in run.steps for s in self.graph.successors(f"{step.env}.{step.tool}")}
            keys = sorted(k for k in near if self.graph.tools[k].env == run.env) or keys
        wrote = any(s.write for s in run.steps)
        weights = [self._weight(k) * (0.35 if wrote and not self.graph.tools[k].write else 1.0) for k in keys]
        return self.rng.choices(keys, weights)[0]

    # ------------------------------------------------------------------ realizing
    def _realize(self, key: str, run: _Run, depth: int, need: str | None, role: str) -> int | None:
        """Run `key` (after its prerequisites) in the session; the index of its step, or None."""
        if depth > self.config.max_depth or len(run.steps) >= self.config.max_steps or key in run.active:
            return None
        node = self.graph.tools[key]
        run.active.add(key)
        try:
            repaired = False
            for _ in range(self.config.attempts):
                if not self._prerequisites(key, run, depth):
                    return None
                try:
                    arguments, sources = self._arguments(key, run)
                except Ungrounded:
                    return None
                if (node.write or need is None) and any(
                    s.tool == node.name and s.arguments == arguments for s in run.steps
                ):
                    continue  # the same request twice is never what a person asks for
                self.stats.calls += 1
                result = run.session.call(node.name, arguments)
                if result.ok:
                    found = output_fields(result.output)
                    if need is not None and not node.write and not self._provides(key, found, need):
                        continue  # a lookup that found nothing usable: reads change nothing, try again
                    if node.write:  # a write is never a mere lookup: the person must ask for it
                        role = "setup" if role == "setup" else "intent"
                    step = Step(
                        run.env,
                        node.name,
                        arguments,
                        node.write,
                        result.output,
                        result.content,
                        sources,
                        role,
                        reads=result.reads,
                        writes=result.writes,
                    )
                    run.steps.append(step)
                    run.fields.append(found)
                    return len(run.steps) - 1
                self.stats.refused += 1
                self.fails[key] += 1
                hints = self.hints.setdefault(key, {})
                for path, hint in hints_from_error(result.error or "", arguments, node.params).items():
                    hints[path] = hints.get(path, Hint()).merge(hint)
                if not repaired:
                    repaired = self._repair(key, result.error or "", run, depth)
            return None
        finally:
            run.active.discard(key)

    def _arguments(self, key: str, run: _Run) -> tuple[dict[str, Any], dict[str, Source]]:
        node = self.graph.tools[key]
        grounder = Grounder(
            self.graph.pools[run.env],
            self.rng,
            optional_p=self.config.optional_p,
            reads=sorted(node.reads),
            creates=node.creates,
            updates=node.updates,
            hints=self.hints.setdefault(key, {}),
            labels={p.param.path: p.label for p in self.graph.tool_params(key)},
        )
        arguments, sources = grounder.build(node.params, self._providers(key, run))
        if not self.config.implicit_values:
            sources = _stated(self.graph, key, sources)
        return arguments, sources

    def _prerequisites(self, key: str, run: _Run, depth: int) -> bool:
        """Realize producers for every required identifier no earlier step provides (and, now
        and then, for a value a person could have stated)."""
        providers = self._providers(key, run)
        for param in self.graph.tool_params(key):
            if providers.get(param.param.path):
                continue
            needed = param.required and not param.label.providable
            optional_lookup = (
                self.config.implicit_values and param.required and self.rng.random() < self.config.lookup_p
            )
            if not (needed or optional_lookup):
                continue
            edges = [e for e in self.graph.producers(param.key) if e.source not in run.active]
            sources = sorted({e.source for e in edges if self.graph.tools[e.source].env == run.env})
            done = False
            for _ in range(min(2, len(sources))):
                choice = self.rng.choices(sources, [self._weight(s) + 0.05 for s in sources])[0]
                sources.remove(choice)
                if self._realize(choice, run, depth + 1, param.key, "lookup") is not None:
                    done = True
                    break
            if needed and not done:
                return False
        return True

    def _providers(self, key: str, run: _Run) -> dict[str, list[Provider]]:
        """Earlier outputs that can fill each parameter. An id inside a bare list of several
        (a user's `reservations: [...]`) is left out: nothing tells the person which one it is."""
        found: dict[str, list[Provider]] = {}
        for param in self.graph.tool_params(key):
            for edge in self.graph.producers(param.key):
                for index, step in enumerate(run.steps):
                    if f"{step.env}.{step.tool}" != edge.source:
                        continue
                    matches = [out for out in run.fields[index] if out.path == edge.output]
                    if edge.output and edge.output.endswith("[]") and len(matches) > 1:
                        continue
                    found.setdefault(param.param.path, []).extend(
                        Provider(index, m, edge.score) for m in matches
                    )
        return found

    def _provides(self, key: str, found: list[OutField], need: str) -> bool:
        paths = {e.output for e in self.graph.producers(need) if e.source == key}
        return any(f.path in paths for f in found)

    def _repair(self, key: str, error: str, run: _Run, depth: int) -> bool:
        """Realize the tool the refusal names (logging in, starting the engine, a lookup)."""
        node = self.graph.tools[key]
        text = error.lower()
        best, best_score = None, 0
        for other_key, other in sorted(self.graph.tools.items()):
            if other.env != node.env or other_key == key:
                continue
            score = 3 if other.name.lower() in text else 0
            words = [t for t in tokens(other.name) if len(t) >= 5 and t not in _REPAIR_STOP]
            score += sum(1 for w in words if re.search(rf"\b{re.escape(w)}\b", text))
            score += 1 if score and other.writes & node.reads else 0
            if score > best_score:
                best, best_score = other_key, score
        if best is None:
            return False
        role = "setup" if self.graph.tools[best].write else "lookup"
        if self._realize(best, run, depth + 1, None, role) is None:
            return False
        self.stats.repairs += 1
        return True


def observe_in_chains(graph: ToolGraph, attempts: int = 3) -> list[str]:
    """Run each tool that no isolated call got through inside a chain (its prerequisites
    first) and record what it read, wrote and returned on the graph's tool node. Returns the
    keys of the tools observed this way."""
    sampler = TopologySampler(graph, seed=0, config=SamplerConfig(implicit_values=True, attempts=4))
    observed = []
    for key in sorted(k for k, t in graph.tools.items() if not t.observed):
        node = graph.tools[key]
        for _ in range(attempts):
            with graph.env_classes[node.env].create() as session:
                run = _Run(node.env, session, [], [])
                index = sampler._realize(key, run, 0, None, "intent")
            if index is not None:
                step = run.steps[index]
                node.observed = True
                node.reads |= step.reads
                node.writes |= step.writes
                for out in run.fields[index]:
                    node.outputs.setdefault(out.path, []).append(out)
                observed.append(key)
                break
    return observed


def _stated(graph: ToolGraph, key: str, sources: dict[str, Source]) -> dict[str, Source]:
    """Values a person could state count as stated, even when copied from an earlier output."""
    providable = {p.param.path for p in graph.tool_params(key) if p.label.providable}
    return {path: (Source("user") if path in providable else s) for path, s in sources.items()}


def hints_from_error(error: str, arguments: Mapping[str, Any], params: Sequence[Param]) -> dict[str, Hint]:
    """What a refusal says about the arguments: the blamed value (avoid it), the options it
    lists, a numeric range, or a suggested value."""
    paths = {p.path for p in leaves(params)}
    got = set(_GOT.findall(error))
    blamed = [
        (path, value)
        for path, value in leaf_values(arguments)
        if path in paths
        and not isinstance(value, bool)
        and (str(value) in got or (len(str(value)) >= 3 and str(value) in error) or f"'{path}'" in error)
    ]
    if not blamed:
        return {}
    choices: tuple[str, ...] = ()
    if (meant := _MEANT.search(error)) is not None:
        choices = (meant.group(1),)
    elif (should := _SHOULD.search(error)) is not None:
        choices = tuple(_QUOTED.findall(should.group(1)))
    elif (listed := _LISTED.search(error)) is not None:
        choices = tuple(c.strip() for c in re.split(r", | or | and ", listed.group(1)) if c.strip())
    low = high = None
    if (between := _BETWEEN.search(error)) is not None:
        low, high = float(between.group(1)), float(between.group(2))
    return {
        path: Hint(choices=choices, low=low, high=high, avoid=frozenset({value})) for path, value in blamed
    }


def finalize(steps: list[Step], rng: random.Random) -> Chain | None:
    """Give read intents their answers, drop lookups nothing uses, renumber sources."""
    _reuse_earlier_outputs(steps)
    known: list[Any] = []
    for step in steps:
        if step.role == "intent" and not step.write:
            step.answer = pick_answer(step.output, [*known, *step.user_values.values()], rng.choice)
            if step.answer is None:
                step.role = "lookup"
        known += step.user_values.values()
    keep = list(range(len(steps)))
    changed = True
    while changed:
        used = {s.step for i in keep for s in steps[i].sources.values() if s.kind == "step"}
        pruned = [i for i in keep if steps[i].role != "lookup" or i in used]
        changed = pruned != keep
        keep = pruned
    if not any(steps[i].role != "lookup" for i in keep):
        return None
    renumber = {old: new for new, old in enumerate(keep)}
    kept = []
    for i in keep:
        step = steps[i]
        step.sources = {
            path: (s if s.kind != "step" else type(s)(s.kind, renumber[s.step], s.path, s.column))
            for path, s in step.sources.items()
        }
        kept.append(step)
    return Chain(kept, turns=[list(range(len(kept)))])


def _reuse_earlier_outputs(steps: list[Step]) -> None:
    """Point each value taken from a lookup at the earliest step that already returned it, so
    lookups that repeat what the chain knew become unused (and are pruned)."""
    seen: dict[tuple[str, str], int] = {}
    for index, step in enumerate(steps):
        for path, source in list(step.sources.items()):
            if source.kind != "step" or steps[source.step].role != "lookup":
                continue
            value = dict(leaf_values(step.arguments)).get(path)
            first = seen.get((type(value).__name__, str(value)))
            if first is not None and first < source.step:
                step.sources[path] = type(source)("step", first, source.path, source.column)
        for out in output_fields(step.output):
            seen.setdefault((type(out.value).__name__, str(out.value)), index)


def split_turns(chain: Chain, rng: random.Random, max_per_turn: int = 5) -> list[list[int]]:
    """Group the steps into user turns. A turn ends only after an intent (never between a lookup
    and what needs it), with probability (calls so far in the turn) / 5, and after five calls."""
    turns: list[list[int]] = [[]]
    for index, step in enumerate(chain.steps):
        turns[-1].append(index)
        last = index == len(chain.steps) - 1
        if step.role != "lookup" and not last:
            size = len(turns[-1])
            if size >= max_per_turn or rng.random() < size / max_per_turn:
                turns.append([])
    return [t for t in turns if t]
