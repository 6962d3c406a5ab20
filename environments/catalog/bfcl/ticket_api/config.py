"""TicketAPI state in BFCL's `initial_config` shape ↔ the `tk_` tables.

A config replaces the whole TicketAPI state; keys it leaves out take defaults: an empty
`ticket_queue`, nobody logged in (`current_user` null) and `ticket_counter` one past the highest
ticket id (1 for an empty queue). Keys the API does not model are kept verbatim in `tk_extras`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from envfactory.environments import StateError

FIELDS = ("title", "description", "status", "priority", "created_by", "resolution")
_MODELLED = {"ticket_queue", "ticket_counter", "current_user", "_meta"}


def _int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise StateError(f"TicketAPI {where}: {value!r} is not an integer.")
    try:
        return int(value)
    except ValueError:
        raise StateError(f"TicketAPI {where}: {value!r} is not an integer.") from None


def tables_from_config(config: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """A TicketAPI `initial_config` → rows of every `tk_` table (`_meta` is left to the caller)."""
    if not isinstance(config, Mapping):
        raise StateError(f"The TicketAPI config must be an object, got {type(config).__name__}.")
    queue = config.get("ticket_queue", [])
    if not isinstance(queue, list):
        raise StateError("TicketAPI 'ticket_queue' must be a list of tickets.")
    tickets = []
    for position, ticket in enumerate(queue):
        if not isinstance(ticket, Mapping) or "id" not in ticket:
            raise StateError(f"TicketAPI ticket {position} must be an object with an 'id'.")
        extra = {k: v for k, v in ticket.items() if k not in (*FIELDS, "id")}
        row = {"position": position, "id": _int(ticket["id"], f"ticket {position} id")}
        row |= {f: ticket.get(f) for f in FIELDS}
        if row["priority"] is not None:
            row["priority"] = _int(row["priority"], f"ticket {row['id']} priority")
        tickets.append(row | {"extra": json.dumps(extra, sort_keys=True) if extra else None})
    ids = [t["id"] for t in tickets]
    if len(set(ids)) != len(ids):
        raise StateError("TicketAPI ticket ids must be unique.")
    counter = config.get("ticket_counter")
    user = config.get("current_user")
    system = {
        "id": 1,
        "current_user": None if user is None else str(user),
        "ticket_counter": max(ids, default=0) + 1 if counter is None else _int(counter, "ticket_counter"),
    }
    extras = [
        {"key": k, "value": json.dumps(v, sort_keys=True)} for k, v in config.items() if k not in _MODELLED
    ]
    return {"tk_system": [system], "tk_tickets": tickets, "tk_extras": extras}


def ticket_dict(row: Mapping[str, Any]) -> dict[str, Any]:
    """A ticket as BFCL holds it: only the fields it has."""
    ticket = {"id": row["id"]} | {f: row[f] for f in FIELDS if row[f] is not None}
    return ticket | (json.loads(row["extra"]) if row["extra"] else {})


def config_from_tables(tables: Mapping[str, Any]) -> dict[str, Any]:
    """The `tk_` tables (as `export_tables` gives them) → a complete TicketAPI config."""
    system = tables["tk_system"][0]
    queue = [ticket_dict(r) for r in sorted(tables["tk_tickets"], key=lambda r: r["position"])]
    config = {
        "ticket_queue": queue,
        "ticket_counter": system["ticket_counter"],
        "current_user": system["current_user"],
    }
    return config | {row["key"]: json.loads(row["value"]) for row in tables["tk_extras"]}
