"""Tool parameters as graph nodes: flattened from the derived JSON Schema, and labelled
user-providable or not by a rule-based classifier.

**Flattening.** Every property of a tool's parameter schema is a node; objects and arrays of
objects contribute their fields as children (`flights[].date`, `updates.title`), so a nested
field can be matched to a producer like any top-level one. `Optional[X]` (`anyOf` with `null`)
is unwrapped to `X` and remembered as nullable.

**User-providable.** Could a person literally say this value when asking for help? The rules,
first match wins, and why:

1. *control* (`limit`, `offset`, `page`, `cursor`, …): pagination and formatting are not part of
   what anyone wants; providable but never worth stating, so samplers leave them at defaults.
2. *identifier* (`id`, `*_id`, `*_ids`, `*Id`, `uuid`, `*_key`, `sha`, `token`, …): assigned by
   the system, so a person does not know it and it must be looked up with another tool. This is
   the only non-providable class; when no tool in the graph produces such a value the graph
   relabels it providable (`identifier-unproduced`), because then the person must hold it.
3. *credential* (`password`, `username`, `secret`): the person's own login details.
4. *choice* (an `enum`) and *flag* (a boolean): a person picks "business class" or "yes".
5. *date/time* (`format: date|date-time|time`, or a date-like name): "on the 17th".
6. *contact* (email, phone), *name*, *location* (city, zip, address, airport, origin, …),
   *quantity* (integers and numbers: amounts, counts), *text* (titles, bodies, search words).
7. anything else: *value*, providable (a plain string with no sign of being an internal key).

The classifier reads names and schemas only, never descriptions: descriptions vary in wording
while names follow the conventions every catalog environment uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_EXAMPLE = re.compile(r"\be\.g\.,?\s*([^;,()]+?)(?:[.;,)]\s|[.;)]?$)")
_IRREGULAR = {"people": "person", "children": "child", "men": "man", "women": "woman", "data": "data"}

IDENTIFIER_TOKENS = frozenset({"id", "ids", "uuid", "guid", "key", "keys", "sha", "hash", "token", "tokens"})
CONTROL_NAMES = frozenset({"limit", "offset", "page", "page_size", "per_page", "cursor", "max_results"})
CREDENTIAL_TOKENS = frozenset({"password", "username", "secret", "passcode", "pin"})
DATE_TOKENS = frozenset({"date", "day", "time", "start", "end", "after", "before", "until", "since", "when"})
CONTACT_TOKENS = frozenset({"email", "emails", "phone", "address", "to", "cc", "bcc"})
NAME_TOKENS = frozenset({"name", "names", "first", "last", "user", "author", "assignee", "reviewer"})
LOCATION_TOKENS = frozenset(
    {"city", "country", "zip", "state", "street", "zone", "address1", "address2", "location"}
    | {"origin", "destination", "airport", "office", "region", "from"}
)
TEXT_TOKENS = frozenset(
    {"title", "subject", "body", "message", "content", "comment", "note", "description", "reason"}
    | {"query", "keyword", "pattern", "text", "resolution", "instructions", "label", "tag", "tags"}
)
SEARCH_NAMES = frozenset({"query", "keyword", "keywords", "pattern", "search", "q", "term"})


def snake(name: str) -> str:
    """`ignitionMode` → `ignition_mode`; snake_case stays as it is."""
    return _CAMEL.sub("_", name).lower()


def tokens(name: str) -> list[str]:
    return [t for t in snake(name).split("_") if t]


def singular(word: str) -> str:
    """A deliberately small English singularizer: table and field names are regular nouns."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if word.endswith("ses") and len(word) > 4:
        return word[:-1]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 2:
        return word[:-1]
    return word


def singular_name(name: str) -> str:
    """`message_ids` → `message_id`, `payment_methods` → `payment_method`."""
    parts = tokens(name)
    return "_".join([*parts[:-1], singular(parts[-1])]) if parts else name


def humanize(name: str) -> str:
    """A label a person would use: `due_date` → `due date`, `total_baggages` → `total baggages`."""
    return " ".join(tokens(name)) or name


@dataclass(frozen=True)
class Label:
    """Whether a person could state a parameter's value, the rule that decided, and why."""

    providable: bool
    category: str
    reason: str


@dataclass(frozen=True)
class Param:
    """One parameter node: a top-level argument or a field nested inside one."""

    path: str
    name: str
    type: str
    schema: Mapping[str, Any]
    required: bool
    nullable: bool
    description: str
    examples: tuple[str, ...] = ()
    children: tuple[Param, ...] = ()
    label: Label = field(default_factory=lambda: Label(True, "value", ""))

    @property
    def is_leaf(self) -> bool:
        return not self.children and self.type not in ("object",)

    @property
    def item_type(self) -> str | None:
        """The element type of an array parameter."""
        if self.type != "array":
            return None
        return _effective(self.schema.get("items") or {})[0].get("type", "string")

    @property
    def enum(self) -> list[Any] | None:
        values = self.schema.get("enum")
        if values is None and self.type == "array":
            values = _effective(self.schema.get("items") or {})[0].get("enum")
        return list(values) if values else None

    @property
    def format(self) -> str | None:
        fmt = self.schema.get("format")
        if fmt is None and self.type == "array":
            fmt = _effective(self.schema.get("items") or {})[0].get("format")
        return fmt

    @property
    def match_name(self) -> str:
        """The name compared with producers' outputs: array leaves in the singular."""
        return singular_name(self.name) if self.type == "array" else snake(self.name)

    @property
    def is_search(self) -> bool:
        return snake(self.name) in SEARCH_NAMES

    @property
    def is_control(self) -> bool:
        return self.label.category == "control"


def _effective(schema: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
    """The schema without its `null` alternative, and whether null was allowed."""
    options = schema.get("anyOf") or schema.get("oneOf")
    if not options:
        return dict(schema), False
    concrete = [o for o in options if o.get("type") != "null"]
    nullable = len(concrete) < len(options)
    base = dict(concrete[0]) if len(concrete) == 1 else {"type": "string"}
    for key in ("description", "default"):
        if key in schema:
            base.setdefault(key, schema[key])
    return base, nullable


def flatten(parameters: Mapping[str, Any], prefix: str = "") -> list[Param]:
    """The parameter tree of a tool's JSON Schema (`ToolSpec.parameters`), labelled."""
    required = set(parameters.get("required", ()))
    params = []
    for name, raw in (parameters.get("properties") or {}).items():
        schema, nullable = _effective(raw)
        kind = schema.get("type") or ("string" if "enum" in schema else "object")
        path = f"{prefix}{name}"
        children: tuple[Param, ...] = ()
        if kind == "object" and schema.get("properties"):
            children = tuple(flatten(schema, f"{path}."))
        elif kind == "array":
            items = _effective(schema.get("items") or {})[0]
            if items.get("type") == "object" and items.get("properties"):
                children = tuple(flatten(items, f"{path}[]."))
        description = str(raw.get("description") or schema.get("description") or "")
        param = Param(
            path=path,
            name=name,
            type=kind,
            schema=schema,
            required=name in required,
            nullable=nullable,
            description=description,
            examples=tuple(m.strip(" '\"") for m in _EXAMPLE.findall(description)),
            children=children,
        )
        params.append(_with_label(param))
    return params


def walk(params: list[Param] | tuple[Param, ...]) -> Iterator[Param]:
    """Every node of the tree, parents before their children."""
    for param in params:
        yield param
        yield from walk(param.children)


def leaves(params: list[Param] | tuple[Param, ...]) -> Iterator[Param]:
    return (p for p in walk(params) if not p.children)


def _with_label(param: Param) -> Param:
    return Param(**{**param.__dict__, "label": classify(param)})


def classify(param: Param) -> Label:
    """The label of one parameter (see the module docstring for the rules and their reasons)."""
    name = snake(param.name)
    parts = tokens(param.name)
    last = parts[-1] if parts else name
    if name in CONTROL_NAMES:
        return Label(True, "control", "pagination or formatting: not part of what a person asks for")
    if last in IDENTIFIER_TOKENS or name == "id":
        return Label(False, "identifier", "an identifier the system assigns: it must be looked up")
    if set(parts) & CREDENTIAL_TOKENS:
        return Label(True, "credential", "the person's own login details")
    if param.enum:
        return Label(True, "choice", "one of fixed options a person can name")
    if param.type == "boolean" or param.item_type == "boolean":
        return Label(True, "flag", "a yes/no a person can state")
    if param.format in ("date", "date-time", "time") or (set(parts) & DATE_TOKENS and param.type == "string"):
        return Label(True, "date/time", "a date or time a person can state")
    if set(parts) & CONTACT_TOKENS:
        return Label(True, "contact", "contact details a person knows")
    if set(parts) & LOCATION_TOKENS:
        return Label(True, "location", "a place a person can name")
    if param.type in ("integer", "number") or param.item_type in ("integer", "number"):
        return Label(True, "quantity", "an amount or count a person can state")
    if set(parts) & TEXT_TOKENS or name in SEARCH_NAMES:
        return Label(True, "text", "words a person says or writes")
    if set(parts) & NAME_TOKENS:
        return Label(True, "name", "a name a person knows")
    return Label(True, "value", "a plain value with no sign of being an internal key")


#: The label of an identifier that no tool produces: then the person must hold it.
UNPRODUCED = Label(True, "identifier-unproduced", "no tool produces it, so the person must supply it")
