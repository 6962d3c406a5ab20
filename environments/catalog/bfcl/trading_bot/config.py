"""TradingBot state in BFCL's `initial_config` shape ↔ the `tb_` tables.

A config replaces the whole TradingBot state; keys it leaves out take defaults: no orders, an
empty `account_info`, logged out, market "Open", `order_counter` one past the highest order id,
the seed market (`data.MARKET`) for `stocks`, an empty watch list and transaction history.
Entries the API does not model are kept verbatim in `tb_extras`, so exports give them back.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from envfactory.environments import StateError

from . import data

# config field -> (column, kind), per kind of object
Fields = Mapping[str, tuple[str, type]]
STOCK_FIELDS: Fields = {
    "price": ("price", float),
    "percent_change": ("percent_change", float),
    "volume": ("volume", float),
    "MA(5)": ("ma_5", float),
    "MA(20)": ("ma_20", float),
}
ORDER_FIELDS: Fields = {
    "id": ("id", int),
    "order_type": ("order_type", str),
    "symbol": ("symbol", str),
    "price": ("price", float),
    "amount": ("amount", int),
    "status": ("status", str),
}
ACCOUNT_FIELDS: Fields = {
    "account_id": ("account_id", int),
    "balance": ("balance", float),
    "binding_card": ("binding_card", int),
}
TRANSACTION_FIELDS: Fields = {
    "type": ("type", str),
    "amount": ("amount", float),
    "timestamp": ("timestamp", str),
}
_MODELLED = {
    "orders",
    "account_info",
    "authenticated",
    "market_status",
    "order_counter",
    "stocks",
    "watch_list",
    "transaction_history",
    "_meta",
}


def dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise StateError(f"TradingBot {where} must be an object, got {type(value).__name__}.")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise StateError(f"TradingBot {where} must be a list, got {type(value).__name__}.")
    return value


def _value(value: Any, kind: type, where: str) -> Any:
    if value is None:
        return None
    if kind is str and isinstance(value, str):
        return value
    if kind is not str and isinstance(value, int | float) and not isinstance(value, bool):
        if kind is float:
            return value
        if value == int(value):
            return int(value)
    raise StateError(f"TradingBot {where} must be {'text' if kind is str else kind.__name__}, got {value!r}.")


def _columns(obj: Mapping[str, Any], fields: Fields, where: str, extra: bool = True) -> dict[str, Any]:
    """An object's known fields as columns (NULL when absent) plus the rest as `extra` JSON."""
    row = {column: _value(obj.get(name), kind, f"{where} {name}") for name, (column, kind) in fields.items()}
    if extra:
        rest = {k: v for k, v in obj.items() if k not in fields}
        row["extra"] = dump(rest) if rest else None
    return row


def _fields(row: Mapping[str, Any], fields: Fields) -> dict[str, Any]:
    """Columns back to an object: only the fields that are set, plus the `extra` ones."""
    obj = {name: row[column] for name, (column, _) in fields.items() if row[column] is not None}
    return obj | (json.loads(row["extra"]) if row.get("extra") else {})


def tables_from_config(config: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """A TradingBot `initial_config` → rows of every `tb_` table (`_meta` is left to the caller)."""
    config = _mapping(config, "config")
    extras = [{"section": "", "key": k, "value": dump(v)} for k, v in config.items() if k not in _MODELLED]
    orders = []
    for key, order in _mapping(config.get("orders", {}), "'orders'").items():
        if isinstance(order, Mapping):
            orders.append({"key": str(key)} | _columns(order, ORDER_FIELDS, f"order {key}"))
        else:
            extras.append({"section": "orders", "key": str(key), "value": dump(order)})
    info = _mapping(config.get("account_info", {}), "'account_info'")
    extras += [
        {"section": "account_info", "key": k, "value": dump(v)}
        for k, v in info.items()
        if k not in ACCOUNT_FIELDS
    ]
    ids = [i for i in map(order_id, orders) if i is not None]
    counter = config.get("order_counter")
    account = _columns(info, ACCOUNT_FIELDS, "account_info", extra=False) | {
        "id": 1,
        "authenticated": bool(config.get("authenticated", False)),
        "market_status": str(config.get("market_status", "Open")),
        "order_counter": max(ids, default=0) + 1 if counter is None else int(counter),
    }
    stocks = [
        {"symbol": str(symbol)}
        | _columns(_mapping(stock, f"stock {symbol}"), STOCK_FIELDS, f"stock {symbol}")
        for symbol, stock in _mapping(config.get("stocks", data.MARKET), "'stocks'").items()
    ]
    watch = [
        {"position": i, "symbol": str(s)}
        for i, s in enumerate(_list(config.get("watch_list", []), "'watch_list'"))
    ]
    transactions = [
        {"position": i} | _columns(_mapping(t, f"transaction {i}"), TRANSACTION_FIELDS, f"transaction {i}")
        for i, t in enumerate(_list(config.get("transaction_history", []), "'transaction_history'"))
    ]
    return {
        "tb_account": [account],
        "tb_stocks": stocks,
        "tb_orders": orders,
        "tb_watchlist": watch,
        "tb_transactions": transactions,
        "tb_extras": extras,
    }


def order_id(row: Mapping[str, Any]) -> int | None:
    """An order row's id: its `id` field, else its key when that is a number."""
    if row["id"] is not None:
        return row["id"]
    return int(row["key"]) if row["key"].lstrip("-").isdigit() else None


def config_from_tables(tables: Mapping[str, Any]) -> dict[str, Any]:
    """The `tb_` tables (as `export_tables` gives them) → a complete TradingBot config."""
    account = tables["tb_account"][0]
    extras: dict[str, dict[str, Any]] = {"": {}, "orders": {}, "account_info": {}}
    for row in tables["tb_extras"]:
        extras.setdefault(row["section"], {})[row["key"]] = json.loads(row["value"])
    config = {
        "orders": {r["key"]: _fields(r, ORDER_FIELDS) for r in tables["tb_orders"]} | extras["orders"],
        "account_info": _fields(account, ACCOUNT_FIELDS) | extras["account_info"],
        "authenticated": bool(account["authenticated"]),
        "market_status": account["market_status"],
        "order_counter": account["order_counter"],
        "stocks": {r["symbol"]: _fields(r, STOCK_FIELDS) for r in tables["tb_stocks"]},
        "watch_list": [r["symbol"] for r in sorted(tables["tb_watchlist"], key=lambda r: r["position"])],
        "transaction_history": [
            _fields(r, TRANSACTION_FIELDS)
            for r in sorted(tables["tb_transactions"], key=lambda r: r["position"])
        ],
    }
    return config | extras[""]
