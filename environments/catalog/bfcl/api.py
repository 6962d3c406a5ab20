"""What the eight stand-alone BFCL environments share: their state is the API's `initial_config`
shape (with `_meta`: clock, seed, id counters), failures answer `{"error": ...}`, and the domain.
Each API module supplies its seed and its two shape functions; see `BfclApiEnv`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from envfactory.environments import Environment, StateError


@dataclass(frozen=True)
class BfclApi:
    """An API's name in BFCL configs, and its module's seed and config <-> tables functions."""

    name: str
    seed: Callable[[Environment], None]
    tables_from_config: Callable[[Mapping[str, Any]], Mapping[str, Any]]
    config_from_tables: Callable[[Mapping[str, Any]], dict[str, Any]]


class BfclApiEnv(Environment):
    """Base of a stand-alone BFCL environment (a tools mixin + this): set `api`."""

    domain = "bfcl"
    error_format = "json"
    api: ClassVar[BfclApi]

    def seed_data(self) -> None:
        type(self).api.seed(self)

    @classmethod
    def tables_from_state(cls, state: Mapping[str, Any]) -> Mapping[str, Any]:
        if not isinstance(state, Mapping):
            raise StateError(f"State must be a {cls.api.name} config object, got {type(state).__name__}.")
        config = dict(state)
        meta = config.pop("_meta", None)
        tables = dict(cls.api.tables_from_config(config))
        if meta is not None:
            tables["_meta"] = meta
        return tables

    @classmethod
    def state_from_tables(cls, tables: Mapping[str, Any]) -> dict[str, Any]:
        config = cls.api.config_from_tables(tables)
        return {**config, "_meta": tables["_meta"]} if "_meta" in tables else config
