"""TravelAPI state in BFCL's `initial_config` shape ↔ the `tr_` tables.

A config replaces the whole TravelAPI state; keys it leaves out take defaults: no cards, bookings
or insurance, nobody signed in (token fields null), no names and no budget limit. Cards and
bookings keep exactly the fields they were given (a card without `balance` has 0.0); fields the
API does not use, and top-level keys it does not model, are kept verbatim and exported again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from envfactory.environments import StateError

ACCOUNT_KEYS = (
    "access_token",
    "token_type",
    "token_expires_in",
    "token_scope",
    "user_first_name",
    "user_last_name",
    "budget_limit",
)
CARD_FIELDS = ("card_number", "expiration_date", "cardholder_name", "card_verification_number", "balance")
BOOKING_FIELDS = (
    "card_id",
    "travel_date",
    "travel_from",
    "travel_to",
    "travel_class",
    "travel_cost",
    "transaction_id",
)
INSURANCE_FIELDS = ("booking_id", "insurance_type", "insurance_cost", "card_id")
_MODELLED = {*ACCOUNT_KEYS, "credit_card_list", "booking_record", "insurance_record", "_meta"}


def _number(cast: Callable[[Any], Any]) -> Callable[[Any, str], Any]:
    def convert(value: Any, where: str) -> Any:
        if value is None:
            return None
        if isinstance(value, bool):
            raise StateError(f"TravelAPI {where}: {value!r} is not a number.")
        try:
            return cast(value)
        except (TypeError, ValueError):
            raise StateError(f"TravelAPI {where}: {value!r} is not a number.") from None

    return convert


def _text(value: Any, where: str) -> str | None:
    if value is not None and not isinstance(value, str | int | float):
        raise StateError(f"TravelAPI {where}: {value!r} is not text.")
    return None if value is None else str(value)


_CONVERT: dict[str, Callable[[Any, str], Any]] = {
    "token_expires_in": _number(int),
    "budget_limit": _number(float),
    "card_verification_number": _number(int),
    "balance": _number(float),
    "travel_cost": _number(float),
    "insurance_cost": _number(float),
}


def _field(key: str, value: Any, where: str) -> Any:
    return _CONVERT.get(key, _text)(value, f"{where} {key!r}")


def _records(config: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    records = config.get(key, {})
    if not isinstance(records, Mapping) or not all(isinstance(r, Mapping) for r in records.values()):
        raise StateError(f"TravelAPI {key!r} must be an object of id -> record object.")
    return records


def _extra(record: Mapping[str, Any], fields: tuple[str, ...]) -> str | None:
    extra = {k: v for k, v in record.items() if k not in fields}
    return json.dumps(extra, sort_keys=True) if extra else None


def tables_from_config(config: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """A TravelAPI `initial_config` → rows of every `tr_` table (`_meta` is left to the caller)."""
    if not isinstance(config, Mapping):
        raise StateError(f"The TravelAPI config must be an object, got {type(config).__name__}.")
    account = {"id": 1} | {key: _field(key, config.get(key), "config") for key in ACCOUNT_KEYS}
    cards = []
    for card_id, card in _records(config, "credit_card_list").items():
        row = {f: _field(f, card.get(f), f"card {card_id}") for f in CARD_FIELDS}
        row["balance"] = 0.0 if row["balance"] is None else row["balance"]
        cards.append({"card_id": str(card_id), **row, "extra": _extra(card, CARD_FIELDS)})
    bookings = []
    for booking_id, booking in _records(config, "booking_record").items():
        row = {f: _field(f, booking.get(f), f"booking {booking_id}") for f in BOOKING_FIELDS}
        bookings.append({"booking_id": str(booking_id), **row, "extra": _extra(booking, BOOKING_FIELDS)})
    policies = []
    for insurance_id, policy in _records(config, "insurance_record").items():
        missing = [f for f in INSURANCE_FIELDS if policy.get(f) is None]
        if missing:
            raise StateError(f"TravelAPI insurance {insurance_id}: missing {', '.join(missing)}.")
        row = {f: _field(f, policy[f], f"insurance {insurance_id}") for f in INSURANCE_FIELDS}
        policies.append({"insurance_id": str(insurance_id), **row})
    extras = [
        {"key": key, "value": json.dumps(value, sort_keys=True)}
        for key, value in config.items()
        if key not in _MODELLED
    ]
    return {
        "tr_account": [account],
        "tr_cards": cards,
        "tr_bookings": bookings,
        "tr_insurance": policies,
        "tr_extras": extras,
    }


def _record(row: Mapping[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    record = {f: row[f] for f in fields if row[f] is not None}
    return record | (json.loads(row["extra"]) if row["extra"] else {})


def config_from_tables(tables: Mapping[str, Any]) -> dict[str, Any]:
    """The `tr_` tables (as `export_tables` gives them) → a complete TravelAPI config."""
    account = tables["tr_account"][0]
    config: dict[str, Any] = {key: account[key] for key in ACCOUNT_KEYS}
    config["credit_card_list"] = {row["card_id"]: _record(row, CARD_FIELDS) for row in tables["tr_cards"]}
    config["booking_record"] = {
        row["booking_id"]: _record(row, BOOKING_FIELDS) for row in tables["tr_bookings"]
    }
    config["insurance_record"] = {
        row["insurance_id"]: {f: row[f] for f in INSURANCE_FIELDS} for row in tables["tr_insurance"]
    }
    return config | {row["key"]: json.loads(row["value"]) for row in tables["tr_extras"]}
