"""SQLite state: template databases, cloning, canonical export/import, access tracking.

A template database is built once per (environment class, seed) and kept in memory; a session
is a copy of it made with SQLite's online backup API (a page copy, far cheaper than re-seeding),
and a fork is a copy of a session. Every connection runs with an authorizer that records which
tables each statement reads and writes; statement caching is off so that every statement is
prepared, and therefore authorized, again (SQLite only consults the authorizer at prepare time).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import MetaData

from .errors import StateError, did_you_mean

META_TABLE = "_envfactory_meta"
META_KEY = "_meta"

_WRITE_ACTIONS = frozenset({sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE})
_SCHEMA_ACTIONS = frozenset(
    {
        sqlite3.SQLITE_CREATE_TABLE,
        sqlite3.SQLITE_DROP_TABLE,
        sqlite3.SQLITE_ALTER_TABLE,
        sqlite3.SQLITE_CREATE_INDEX,
        sqlite3.SQLITE_DROP_INDEX,
    }
)


def new_connection() -> sqlite3.Connection:
    return sqlite3.connect(":memory:", cached_statements=0, check_same_thread=False)


@dataclass(frozen=True)
class TableInfo:
    name: str
    columns: tuple[str, ...]
    primary_key: tuple[str, ...]

    @property
    def order_by(self) -> str:
        return ", ".join(f'"{c}"' for c in self.primary_key)


def describe_tables(metadata: MetaData) -> dict[str, TableInfo]:
    tables = {}
    for table in sorted(metadata.sorted_tables, key=lambda t: t.name):
        pk = [c.name for c in table.primary_key.columns] or ["rowid"]
        tables[table.name] = TableInfo(
            name=table.name,
            columns=tuple(c.name for c in table.columns),
            primary_key=tuple(pk),
        )
    return tables


@dataclass
class AccessTracker:
    """SQLite authorizer that records table access and can forbid writes."""

    reads: set[str] = field(default_factory=set)
    writes: set[str] = field(default_factory=set)
    read_only: bool = False
    allow_schema: bool = False
    denied: list[str] = field(default_factory=list)

    def reset(self, read_only: bool) -> None:
        self.reads = set()
        self.writes = set()
        self.denied = []
        self.read_only = read_only

    def __call__(
        self, action: int, arg1: str | None, arg2: str | None, db: str | None, src: str | None
    ) -> int:
        if action == sqlite3.SQLITE_READ:
            if arg1 and not arg1.startswith("sqlite_") and arg1 != META_TABLE:
                self.reads.add(arg1)
        elif action in _WRITE_ACTIONS:
            if arg1 and arg1.startswith("sqlite_"):
                return sqlite3.SQLITE_OK
            if self.read_only:
                self.denied.append(arg1 or "?")
                return sqlite3.SQLITE_DENY
            if arg1 != META_TABLE:
                self.writes.add(arg1 or "?")
        elif action in _SCHEMA_ACTIONS and not self.allow_schema:
            self.denied.append(f"schema change ({arg1})")
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK


def clone(source: sqlite3.Connection) -> sqlite3.Connection:
    target = new_connection()
    source.backup(target)
    return target


def export_tables(conn: sqlite3.Connection, tables: Mapping[str, TableInfo]) -> dict[str, Any]:
    """Canonical JSON of every table: rows as objects, ordered by primary key."""
    out: dict[str, Any] = {}
    for info in tables.values():
        cursor = conn.execute(f'SELECT * FROM "{info.name}" ORDER BY {info.order_by}')
        names = [d[0] for d in cursor.description]
        out[info.name] = [dict(zip(names, row, strict=True)) for row in cursor]
    meta = conn.execute(f'SELECT key, value FROM "{META_TABLE}" ORDER BY key')
    out[META_KEY] = dict(meta.fetchall())
    return out


def import_tables(
    conn: sqlite3.Connection, tables: Mapping[str, TableInfo], state: Mapping[str, Any]
) -> None:
    """Replace the tables named in `state` (others keep their rows); `_meta` entries are merged.

    Runs in one transaction: on any error nothing changes.
    """
    if not isinstance(state, Mapping):
        raise StateError(f"State must be an object mapping table names to rows, got {type(state).__name__}.")
    plan: list[tuple[TableInfo, list[tuple[Any, ...]], list[str]]] = []
    for name, rows in state.items():
        if name == META_KEY:
            continue
        info = tables.get(name)
        if info is None:
            raise StateError(
                f"Unknown table {name!r}.{did_you_mean(name, tables)} Tables: {', '.join(tables)}."
            )
        if not isinstance(rows, list):
            raise StateError(f"Table {name!r} must be a list of row objects.")
        columns = list(info.columns)
        values = []
        for i, row in enumerate(rows):
            if not isinstance(row, Mapping):
                raise StateError(f"Row {i} of table {name!r} is not an object.")
            extra = set(row) - set(columns)
            if extra:
                col = sorted(extra)[0]
                raise StateError(
                    f"Row {i} of table {name!r} has unknown column {col!r}.{did_you_mean(col, columns)}"
                )
            values.append(tuple(_sql_value(name, row.get(c)) for c in columns))
        plan.append((info, values, columns))
    meta = state.get(META_KEY, {})
    if not isinstance(meta, Mapping):
        raise StateError(f"{META_KEY!r} must be an object of string values.")
    try:
        for info, values, columns in plan:
            conn.execute(f'DELETE FROM "{info.name}"')
            cols = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join("?" for _ in columns)
            conn.executemany(f'INSERT INTO "{info.name}" ({cols}) VALUES ({marks})', values)
        conn.executemany(
            f'INSERT OR REPLACE INTO "{META_TABLE}" (key, value) VALUES (?, ?)',
            [(str(k), str(v)) for k, v in meta.items()],
        )
    except sqlite3.Error as exc:
        conn.rollback()
        raise StateError(f"State does not fit the tables: {exc}.") from None
    conn.commit()


def _sql_value(table: str, value: Any) -> Any:
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    raise StateError(f"Table {table!r}: value {value!r} is not a JSON scalar.")


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def state_hash(state: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_json(state).encode()).hexdigest()
