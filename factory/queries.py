"""Queries with implicit intent, written from a chain without an LLM (template mode).

What the person says is built from three things, never from tool names or internal ids:

- each *intent* (a write, or a read whose answer they want) as a request, from the first
  sentence of the tool's docstring ("Move an open item to a new due date"), with the values
  the person states ("due date 2026-03-17");
- the things those requests are about, described as the person knows them: an identifier taken
  from an earlier output becomes "the item “Water the plants”" (a descriptive field of the
  record it came from) or "the item matching “plants”" (what the lookup searched for), and a
  thing created earlier in the same request becomes "that item";
- context for the lookups the agent must do ("My email is …").

Lookups themselves are never requested: the agent has to infer them (action compression, as in
"cancel my trip to Denver"). `leaks` checks the result: a query that names a tool or contains a
value only the system knows is rejected. `answer_text` writes the agent's closing message, which
states every fact the person asked for (the task's `required_outputs`).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from typing import Any

from .chains import Chain, describe, id_like, leaf_values
from .graph import ToolGraph
from .params import humanize, singular, singular_name, tokens
from .values import output_fields, tool_entity

_OPENERS = ("", "", "Hi! ", "Hello, ", "Hey, ")
_ASKS = ("Could you {c}?", "Please {c}.", "I need you to {c}.", "Can you {c}?", "I'd like you to {c}.")
_CONTACT = frozenset({"email", "phone", "username", "password"})


def summary(description: str) -> str:
    """The docstring's first sentence as a verb phrase: 'Mark an item as done today'."""
    flat = " ".join(description.split())
    first = re.split(r"(?<=[.!?])\s|:\s|;\s", flat, maxsplit=1)[0].rstrip(".!? ")
    return first[:1].lower() + first[1:] if first[1:2].islower() or len(first) < 2 else first


def entity_of(path: str) -> str:
    """The noun an identifier parameter refers to: `reservation_id` → `reservation`."""
    words = [w for w in tokens(path.split(".")[-1].replace("[]", "")) if w not in ("id", "ids", "key", "sha")]
    return " ".join([*words[:-1], singular(words[-1])]) if words else "one"


class TemplateWriter:
    """Writes the person's request for a chain (see the module docstring)."""

    def __init__(self, graph: ToolGraph, rng: random.Random) -> None:
        self.graph = graph
        self.rng = rng

    def query(self, chain: Chain, steps: Sequence[int] | None = None, *, context: bool = True) -> str:
        """The request for the intents among `steps` (all by default), with context facts."""
        chosen = list(range(len(chain.steps))) if steps is None else list(steps)
        clauses = [self.clause(chain, i) for i in chosen if chain.steps[i].role != "lookup"]
        body = _join(clauses)
        opener, ask = self.rng.choice(_OPENERS), self.rng.choice(_ASKS).format(c=body)
        lower = opener.endswith(", ") and not ask.startswith(("I ", "I'"))
        text = opener + (ask[:1].lower() + ask[1:] if lower else ask)
        facts = self.context(chain, chosen) if context else []
        return " ".join([text, *facts]).strip()

    def clause(self, chain: Chain, index: int) -> str:
        step = chain.steps[index]
        spec = self.graph.env_classes[step.env].tools[step.tool]
        phrase = summary(spec.description)
        mentioned: set[str] = set()
        values = dict(leaf_values(step.arguments))
        for path, source in step.sources.items():
            if source.kind != "step":
                continue
            entity = entity_of(path)
            referent = self.referent(chain, source.step, source.path, values.get(path), entity, mentioned)
            phrase = _substitute(phrase, entity, referent)
        stated = [
            f"{_label(path)} {_shown(value)}"
            for path, value in step.user_values.items()
            if str(value) not in mentioned and value not in (None, "")
        ]
        stated = list(dict.fromkeys(stated))
        if stated:
            phrase += " (" + ", ".join(stated) + ")"
        if step.answer is not None:
            plural = len(step.answer.values) > 1
            phrase += f", and tell me {'their' if plural else 'the'} {step.answer.label}"
        return phrase

    def referent(
        self, chain: Chain, source: int, path: str | None, value: Any, entity: str, mentioned: set[str]
    ) -> str:
        """How the person points at the thing an earlier step returned: by a field that tells it
        apart from the other records the lookup returned, or by what the lookup searched for."""
        origin = chain.steps[source]
        if origin.role != "lookup":
            return f"that {entity}"
        fields = [f for f in output_fields(origin.output) if f.path == path]
        mine = next((f for f in fields if f.value == value and f.record is not None), None)
        searched = [v for p, v in origin.user_values.items() if p.split(".")[-1] in ("query", "keyword", "q")]
        if mine is None or (path or "").endswith("[]"):
            pairs = []  # a bare list of ids: its container describes the owner, not the item
        else:
            others = [f.record for f in fields if f.record is not None and f.record is not mine.record]
            pairs = describe(mine.record, others)
        owner = ""
        if mine is not None and not _own_record(entity, mine.key, mine.container, origin.tool):
            owner = f" of the {tool_entity(origin.tool).replace('_', ' ')}"
        if pairs and pairs[0][0] in ("title", "name", "subject", "full_name", "label", "filename"):
            mentioned.add(pairs[0][1])
            return f"the {entity}{owner} “{pairs[0][1]}”"
        if searched:
            mentioned.add(str(searched[0]))
            return f"the {entity}{owner} matching “{searched[0]}”"
        if pairs:
            mentioned.update(v for _, v in pairs)
            return f"the {entity}{owner} with " + " and ".join(f"{humanize(k)} {_shown(v)}" for k, v in pairs)
        return f"my {entity}"

    def facts(self, chain: Chain, steps: Iterable[int]) -> dict[str, str]:
        """What the person tells so the agent can do the lookups (their email, a date range), by
        label. Search words are left out (they name the thing itself), and so are the filters
        the agent chose (flags, options, pagination, counts)."""
        facts: dict[str, str] = {}
        for index in steps:
            step = chain.steps[index]
            if step.role != "lookup":
                continue
            categories = {
                p.param.path: p.label.category for p in self.graph.tool_params(f"{step.env}.{step.tool}")
            }
            for path, value in step.user_values.items():
                name = path.split(".")[-1]
                if name in ("query", "keyword", "q") or value in (None, ""):
                    continue
                if categories.get(path) not in ("flag", "choice", "control", "quantity"):
                    facts.setdefault(_label(path), _shown(value))
        return facts

    def context(self, chain: Chain, steps: Iterable[int]) -> list[str]:
        """The facts as sentences: "My email is …", "The date is …"."""
        return [
            f"{'My' if set(label.split()) & _CONTACT else 'The'} {label} is {value}."
            for label, value in self.facts(chain, steps).items()
        ]


def answer_text(chain: Chain, steps: Sequence[int], rng: random.Random, *, final: bool = True) -> str:
    """The agent's reply closing a turn: states each asked-for fact verbatim."""
    parts = []
    for index in steps:
        answer = chain.steps[index].answer
        if answer is None:
            continue
        if len(answer.values) == 1:
            parts.append(f"The {answer.label} is {answer.values[0]}.")
        else:
            parts.append(f"Their {answer.label}s: {', '.join(answer.values)}.")
    done = any(chain.steps[i].write for i in steps)
    opener = rng.choice(("All done.", "Done.", "That's taken care of.")) if done else "Here is what I found."
    closer = "" if final else " What else can I do for you?"
    return " ".join([opener, *parts]) + closer


def leaks(text: str, chain: Chain, tool_names: Iterable[str]) -> list[str]:
    """Tool names and system-only values (ids) that a query must not contain."""
    lowered = text.lower()
    found = [name for name in tool_names if "_" in name and name.lower() in lowered]
    for step in chain.steps:
        for path, value in leaf_values(step.arguments):
            source = step.sources.get(path)
            if source is None or source.kind != "step" or not isinstance(value, str | int):
                continue
            key = path.split(".")[-1].replace("[]", "")
            if (
                id_like(key, value)
                and len(str(value)) >= 3
                and re.search(rf"\b{re.escape(str(value))}\b", text)
            ):
                found.append(str(value))
    return sorted(set(found))


def stated_values(chain: Chain) -> list[str]:
    """Every value the person states somewhere in the chain (what over-specification counts)."""
    values = []
    for step in chain.steps:
        values += [_shown(v) for v in step.user_values.values() if v not in (None, "")]
    return [v for v in dict.fromkeys(values) if len(v) >= 3]


def _own_record(entity: str, key: str, container: str | None, tool: str) -> bool:
    """Whether an id field belongs to the record it sits in (an order's `id`) rather than
    pointing elsewhere (the order's `customer_id`)."""
    if key in ("id", "key", "code", "number", "sha", ""):
        return True
    record_entity = singular_name(container) if container else tool_entity(tool)
    a, b = set(entity.split()), set(tokens(record_entity))
    return a <= b or b <= a


def _label(path: str) -> str:
    return humanize(path.split(".")[-1].replace("[]", ""))


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and re.fullmatch(r"[a-z]+(?:_[a-z]+)+", value):
        return value.replace("_", " ")  # an option name: basic_economy → basic economy
    return str(value)


def _substitute(phrase: str, entity: str, referent: str) -> str:
    """Put the referent where the docstring names the entity ('an open item' → 'the item …')."""
    last = entity.split()[-1]
    pattern = re.compile(
        rf"\b(?:a|an|the|one|this|that|its|their)\s+(?:[\w-]+\s+){{0,2}}?{re.escape(last)}s?\b", re.I
    )
    if pattern.search(phrase):
        return pattern.sub(referent, phrase, count=1)
    return f"{phrase} for {referent}"


def _join(clauses: list[str]) -> str:
    if len(clauses) <= 1:
        return clauses[0] if clauses else "help me with this"
    if len(clauses) == 2:
        return f"{clauses[0]}, and then {clauses[1]}"
    return ", then ".join(clauses[:-1]) + f", and finally {clauses[-1]}"
