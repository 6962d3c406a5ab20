"""`bfcl`: any subset of the eight BFCL APIs in one session, as BFCL's multi-turn test cases have.

The state is a test case's own two fields:

    {"involved_classes": ["GorillaFileSystem", "TwitterAPI"],
     "initial_config": {"GorillaFileSystem": {...}, "TwitterAPI": {...}}}

A session offers the tools of its involved classes only (all eight when the state does not say);
a class without a config starts from that API's seed data, as in the API's own environment.
Each API keeps its own tables (their names carry the API's prefix), so the APIs never share
state; the export gives back the same two fields, each config in its API's shape.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import MetaData

from envfactory.environments import Environment, StateError
from envfactory.environments.errors import did_you_mean

from .api import BfclApiEnv
from .file_system import GorillaFileSystemEnv, GorillaFileSystemTools
from .math_api import MathApiEnv, MathApiTools
from .message_api import MessageApiEnv, MessageApiTools
from .ticket_api import TicketApiEnv, TicketApiTools
from .trading_bot import TradingBotEnv, TradingBotTools
from .travel_api import TravelApiEnv, TravelApiTools
from .twitter_api import TwitterApiEnv, TwitterApiTools
from .vehicle_control import VehicleControlEnv, VehicleControlTools

#: BFCL's class names (as test cases write them) and the stand-alone environment of each.
APIS: dict[str, type[BfclApiEnv]] = {
    "GorillaFileSystem": GorillaFileSystemEnv,
    "MathAPI": MathApiEnv,
    "MessageAPI": MessageApiEnv,
    "TwitterAPI": TwitterApiEnv,
    "TicketAPI": TicketApiEnv,
    "TradingBot": TradingBotEnv,
    "TravelAPI": TravelApiEnv,
    "VehicleControlAPI": VehicleControlEnv,
}
_INVOLVED = "bfcl_involved"  # `_meta` key: the involved classes, as JSON


def _metadata() -> MetaData:
    combined = MetaData()
    for api in APIS.values():
        for table in api.metadata.sorted_tables:
            table.to_metadata(combined)
    return combined


class BfclEnv(
    GorillaFileSystemTools,
    MathApiTools,
    MessageApiTools,
    TwitterApiTools,
    TicketApiTools,
    TradingBotTools,
    TravelApiTools,
    VehicleControlTools,
    Environment,
):
    name = "bfcl"
    domain = "bfcl"
    description = (
        "BFCL multi-turn: any subset of GorillaFileSystem, MathAPI, MessageAPI, TwitterAPI, TicketAPI, "
        "TradingBot, TravelAPI and VehicleControlAPI in one session (state: involved_classes + "
        "initial_config)."
    )
    metadata = _metadata()
    error_format = "json"
    clock_start = TradingBotEnv.clock_start  # the one API whose behaviour depends on the time of day

    def seed_data(self) -> None:
        for api in APIS.values():
            api.api.seed(self)  # each API's seed only touches its own tables

    @classmethod
    def involved(cls, state: Mapping[str, Any] | None) -> list[str]:
        """The involved classes a state names (every API when it names none), checked."""
        if not state or "involved_classes" not in state:
            classes = list((state or {}).get("initial_config") or APIS)
        else:
            classes = list(state["involved_classes"])
        for name in classes:
            if name not in APIS:
                raise StateError(f"Unknown BFCL class {name!r}.{did_you_mean(name, APIS)}")
        return classes

    @classmethod
    def offered_tools(cls, state: Mapping[str, Any] | None = None) -> list[str]:
        if state is not None and "involved_classes" not in state and "initial_config" not in state:
            state = cls.state_from_tables(state)  # tables (an export of them)
        involved = set(cls.involved(state))
        return [name for api, env in APIS.items() if api in involved for name in env.tools]

    @classmethod
    def tables_from_state(cls, state: Mapping[str, Any]) -> Mapping[str, Any]:
        if not isinstance(state, Mapping):
            raise StateError(f"A bfcl state is an object, got {type(state).__name__}.")
        if "involved_classes" not in state and "initial_config" not in state:
            return state  # already tables
        unknown = set(state) - {"involved_classes", "initial_config", "_meta"}
        if unknown:
            expected = "involved_classes, initial_config"
            raise StateError(f"Unknown key(s) {sorted(unknown)} in a bfcl state (it takes {expected}).")
        involved = cls.involved(state)
        configs = state.get("initial_config") or {}
        stray = set(configs) - set(involved)
        if stray:
            raise StateError(f"initial_config has classes that are not involved: {sorted(stray)}.")
        tables: dict[str, Any] = {}
        meta: dict[str, Any] = {}
        for name in involved:
            if name in configs:
                api_tables = dict(APIS[name].tables_from_state(configs[name]))
                meta.update(api_tables.pop("_meta", None) or {})  # a config may set the clock
                tables.update(api_tables)
        meta.update(state.get("_meta") or {})
        meta[_INVOLVED] = json.dumps(involved)
        return {**tables, "_meta": meta}

    @classmethod
    def state_from_tables(cls, tables: Mapping[str, Any]) -> dict[str, Any]:
        meta = tables.get("_meta") or {}
        involved = json.loads(meta[_INVOLVED]) if _INVOLVED in meta else list(APIS)
        configs = {}
        for name in involved:
            api = APIS[name]
            own = {table: tables[table] for table in api._tables if table in tables}
            config = api.state_from_tables({**own, "_meta": meta})
            config.pop("_meta", None)
            configs[name] = config
        return {"involved_classes": involved, "initial_config": configs, "_meta": dict(meta)}
