"""The compiled form of an API: entities (tables) and operations (tools), independent of the
document's syntax. A saved environment *is* this model as JSON (`environment.json`), so it can be
rebuilt without the original file; `FORMAT` changes when the meaning of a field changes.

Schemas inside (`Column.spec`, `Param.spec`, `Operation.response`) are normalized JSON Schema
fragments as `loader.Resolver.schema` produces them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

FORMAT = 1

Kind = Literal[
    "list",
    "get",
    "create",
    "create_many",
    "update",
    "delete",
    "delete_many",
    "singleton_get",
    "singleton_update",
    "action",
]
Role = Literal[
    "key",
    "parent",
    "filter",
    "field",
    "search",
    "sort",
    "sort_dir",
    "limit",
    "offset",
    "page",
    "page_token",
    "items",
    "append",
    "remove",
    "input",
]

#: Roles whose value does not change what a call means, only how much of it comes back.
PAGING_ROLES = frozenset({"limit", "offset", "page", "page_token", "sort", "sort_dir"})


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Column(_Model):
    name: str = Field(description="Column name; also the tool parameter name for this field.")
    api_name: str = Field(description="The field's name in the API's JSON.")
    spec: dict[str, Any] = Field(default_factory=dict, description="Normalized schema of the value.")
    required: bool = Field(default=False, description="Required when creating.")
    read_only: bool = Field(default=False, description="Set by the service, never by a caller.")
    references: str | None = Field(default=None, description="Table whose key this column holds.")


class Entity(_Model):
    name: str = Field(description="Table name (snake_case plural).")
    label: str = Field(description="One item in words, e.g. 'pet'.")
    key: str = Field(description="Primary-key column.")
    key_generated: bool = Field(default=True, description="The service assigns keys of new items.")
    singleton: bool = Field(default=False, description="One item (per parent), like a settings object.")
    columns: list[Column]
    parents: list[str] = Field(default_factory=list, description="Columns naming the enclosing item.")
    description: str = ""
    seed_rows: int = 8
    fixed_keys: list[Any] = Field(default_factory=list, description="Keys seeded first (e.g. 'me').")

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


class Param(_Model):
    name: str
    api_name: str
    location: Literal["path", "query", "body"]
    spec: dict[str, Any] = Field(default_factory=dict)
    required: bool = False
    description: str
    role: Role
    column: str | None = None


class Operation(_Model):
    tool: str
    method: str
    path: str
    kind: Kind
    entity: str | None = None
    write: bool
    description: str
    params: list[Param] = Field(default_factory=list)
    response: dict[str, Any] | None = Field(default=None, description="Schema of an action's result.")
    action: str | None = Field(default=None, description="An action's verb, e.g. 'cancel'.")
    sets: dict[str, Any] = Field(default_factory=dict, description="Columns an action sets, e.g. status.")


class Source(_Model):
    file: str
    sha256: str
    openapi: str


class ApiModel(_Model):
    format: int = FORMAT
    name: str
    title: str
    description: str = ""
    domain: str = "openapi"
    api_version: str = ""
    source: Source
    seed: int = 0
    clock_start: str = "2026-03-02T09:00:00"
    entities: list[Entity]
    operations: list[Operation]
    warnings: list[str] = Field(default_factory=list)
    skipped: list[str] = Field(default_factory=list, description="Operations left out, with the reason.")

    def entity(self, name: str) -> Entity:
        return next(e for e in self.entities if e.name == name)
