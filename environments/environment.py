"""The `Environment` base class: a class is an environment, an instance is one live session.

Authors subclass it, declare their tables with SQLAlchemy models, fill the seed database in
`seed_data()`, and mark tool methods with `@tool`. Everything else (schemas, validation,
transactions, access tracking, cloning, forking, export/import, the clock, the RNG) is here.

Each tool call is one transaction: when the tool raises (a `ToolError` or anything else) its
writes are rolled back, so a refused call never leaves half a change behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import json
import random
import sqlite3
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar, Literal, Self

from pydantic_core import to_jsonable_python
from sqlalchemy import Column, MetaData, String, Table, create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from . import state as st
from .deadline import DeadlineExceeded, deadline
from .errors import (
    CallTimeout,
    DefinitionError,
    ToolArgumentError,
    ToolCallError,
    ToolCrashError,
    UnknownToolError,
)
from .tasks import Task, load_tasks
from .tool import ToolSpec, build_spec, tool_mark

_REQUIRED_ATTRS = ("name", "domain", "description")


@dataclass(frozen=True, slots=True)
class ToolResult:
    """The outcome of one tool call. Failures are results too, never exceptions."""

    tool: str
    ok: bool
    output: Any = None
    error: str | None = None
    error_kind: str | None = None
    reads: frozenset[str] = frozenset()
    writes: frozenset[str] = frozenset()
    error_format: str = "text"

    @property
    def content(self) -> str:
        """The text an agent sees in the tool message."""
        if not self.ok:
            if self.error_format == "json":
                return st.canonical_json({"error": self.error})
            return f"Error: {self.error}"
        if isinstance(self.output, str):
            return self.output
        return st.canonical_json(self.output) if self.output is not None else "null"


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One call in a session's trace, as the evaluator sees it."""

    tool: str
    arguments: Mapping[str, Any]
    ok: bool
    error_kind: str | None
    write: bool


class Environment:
    """Base class of native environments. See the module docstring and the README."""

    name: ClassVar[str]
    domain: ClassVar[str]
    description: ClassVar[str]
    version: ClassVar[str] = "1.0"
    metadata: ClassVar[MetaData]
    clock_start: ClassVar[str] = "2026-03-02T09:00:00"
    default_seed: ClassVar[int] = 0
    #: How failures read in the tool message: "text" (`Error: ...`) or "json" (`{"error": "..."}`,
    #: for APIs whose documentation promises an error field, such as BFCL's).
    error_format: ClassVar[Literal["text", "json"]] = "text"

    tools: ClassVar[dict[str, ToolSpec]]
    _tables: ClassVar[dict[str, st.TableInfo]]
    _templates: ClassVar[dict[int, sqlite3.Connection]]
    _engine: ClassVar[Engine | None]
    _class_lock: ClassVar[threading.RLock]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        specs: dict[str, ToolSpec] = {}
        for base in reversed(cls.__mro__):
            for attr, value in vars(base).items():
                mark = tool_mark(value)
                if mark is None:
                    continue
                spec = build_spec(cls.__name__, attr, value, mark)
                clash = specs.get(spec.name)
                if clash is not None and clash.method_name != attr:
                    raise DefinitionError(
                        f"{cls.__name__}: tools {clash.method_name!r} and {attr!r} "
                        f"share the name {spec.name!r}."
                    )
                specs[spec.name] = spec
        cls.tools = specs
        cls._templates = {}
        cls._engine = None
        cls._class_lock = threading.RLock()
        if inspect.isabstract(cls) or not specs:
            return
        for attr in (*_REQUIRED_ATTRS, "metadata"):
            if not hasattr(cls, attr):
                raise DefinitionError(f"Environment {cls.__name__} must define class attribute {attr!r}.")
        if any(t.name.startswith("_") for t in cls.metadata.sorted_tables):
            raise DefinitionError(f"{cls.__name__}: table names starting with '_' are reserved.")
        cls._tables = st.describe_tables(cls.metadata)

    # ----------------------------------------------------------------- construction
    def __init__(self, conn: sqlite3.Connection, seed: int) -> None:
        """Use `create()`, `fork()` or `from_state()`; this wraps an already prepared database."""
        self.seed = seed
        self.trace: list[CallRecord] = []
        #: The tools this session offers (see `offered_tools`); calling another is an unknown tool.
        self.offered: frozenset[str] = frozenset(self.tools)
        self._conn = conn
        self._tracker = st.AccessTracker()
        conn.set_authorizer(self._tracker)
        self._sa: Connection | None = None
        self._db: Session | None = None
        self._held: dict[int, object] = {}
        self._rng: random.Random | None = None
        self._call_key = ""
        self._call_args: dict[str, Any] = {}
        self._lock = threading.RLock()

    @classmethod
    def create(cls, seed: int | None = None, state: Mapping[str, Any] | None = None) -> Self:
        """A new session: a copy of the seed database, optionally overridden by `state`
        (tables present in `state` replace the seeded ones; `_meta` entries are merged)."""
        seed = cls.default_seed if seed is None else seed
        template = cls._template(seed)
        with cls._class_lock:
            conn = st.clone(template)
        env = cls(conn, seed)
        if state:
            env.import_state(state)
            env.offered = frozenset(cls.offered_tools(state))
        return env

    @classmethod
    def for_task(cls, task: Task) -> Self:
        return cls.create(seed=task.seed, state=task.initial_state)

    def fork(self) -> Self:
        """An independent copy of this session: state, clock and trace."""
        with self._lock:
            child = type(self)(st.clone(self._conn), self.seed)
            child.trace = list(self.trace)
            child.offered = self.offered
            return child

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
            if self._sa is not None:
                self._sa.close()
            self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @classmethod
    def has_template(cls, seed: int | None = None) -> bool:
        """Whether the seed database for `seed` is built (creating a session is then a page copy)."""
        return (cls.default_seed if seed is None else seed) in cls._templates

    @classmethod
    def _template(cls, seed: int) -> sqlite3.Connection:
        template = cls._templates.get(seed)
        if template is None:
            with cls._class_lock:
                template = cls._templates.get(seed)
                if template is None:
                    template = cls._build_template(seed)
                    cls._templates[seed] = template
        return template

    @classmethod
    def _build_template(cls, seed: int) -> sqlite3.Connection:
        conn = st.new_connection()
        env = cls(conn, seed)
        env._tracker.allow_schema = True
        cls.metadata.create_all(env._connection())
        _META.create(env._connection())
        env._connection().commit()
        env._tracker.allow_schema = False
        env._set_meta({"seed": str(seed), "clock": cls.clock_start})
        env._rng = random.Random(seed)
        env.seed_data()
        if env._db is not None:
            Session.commit(env._db)
            env._db.close()
        conn.commit()
        conn.set_authorizer(None)
        return conn

    def seed_data(self) -> None:
        """Fill the seed database. Use `self.rng` (seeded) for any randomness."""

    # ----------------------------------------------------------------- catalog facts
    @classmethod
    def package_dir(cls) -> Path:
        return Path(inspect.getfile(cls)).parent

    @classmethod
    def policy(cls) -> str:
        """The system message an agent receives: `policy.md` beside the environment's module."""
        path = cls.package_dir() / "policy.md"
        return path.read_text(encoding="utf-8").strip() if path.exists() else cls.description

    @classmethod
    def tasks(cls) -> list[Task]:
        path = cls.package_dir() / "tasks.jsonl"
        return load_tasks(path, env=cls.name) if path.exists() else []

    @classmethod
    def openai_tools(cls, names: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """Tools in OpenAI form: all of them, or those named (in the class's order)."""
        wanted = None if names is None else set(names)
        return [spec.openai() for name, spec in cls.tools.items() if wanted is None or name in wanted]

    @classmethod
    def offered_tools(cls, state: Mapping[str, Any] | None = None) -> list[str]:
        """The tools a session started from `state` offers: every tool, unless the environment
        hosts a configurable set of APIs (the combined `bfcl` offers those its state involves)."""
        return list(cls.tools)

    # ----------------------------------------------------------------- calling tools
    def call(
        self, name: str, arguments: Mapping[str, Any] | str | None = None, *, timeout: float | None = None
    ) -> ToolResult:
        """Validate and run one tool call; never raises for tool-level failures.

        `arguments` may be an object or a JSON string (as OpenAI tool calls carry them).
        With `timeout` (main thread only, see `deadline`), a call that runs longer is interrupted,
        rolled back and raises `CallTimeout`, leaving no trace: the state is as if it never ran, so
        the caller may run it again elsewhere (calls are deterministic)."""
        if isinstance(arguments, str):
            try:
                arguments = json.loads(arguments) if arguments.strip() else {}
            except json.JSONDecodeError as exc:
                err = ToolArgumentError(
                    f"Arguments for {name} are not valid JSON ({exc.msg} at position {exc.pos})."
                )
                return self._failed(name, {}, err, write=bool(name in self.tools and self.tools[name].write))
        spec = self.tools.get(name) if name in self.offered else None
        if spec is None:
            return self._failed(name, arguments or {}, UnknownToolError(name, self.offered), write=False)
        if arguments is None:
            arguments = {}
        if not isinstance(arguments, Mapping):
            err = ToolArgumentError(
                f"Arguments for {name} must be a JSON object, got {type(arguments).__name__}."
            )
            return self._failed(name, {}, err, write=spec.write)
        with self._lock:
            try:
                values = spec.validate(arguments)
            except ToolCallError as exc:
                return self._failed(name, arguments, exc, write=spec.write)
            self._tracker.reset(read_only=not spec.write)
            self._rng = None
            self._call_key = name
            self._call_args = values
            try:
                with deadline(timeout) if timeout is not None else contextlib.nullcontext():
                    output = getattr(self, spec.method_name)(**values)
                output = to_jsonable_python(output)
                self._finish(ok=True, write=spec.write)
            except DeadlineExceeded:
                self._finish(ok=False)
                raise CallTimeout(f"{name} did not finish within {timeout:g} s.") from None
            except ToolCallError as exc:
                self._finish(ok=False)
                return self._failed(name, arguments, exc, write=spec.write)
            except Exception as exc:  # tool code is foreign code: its crash is the agent's error message
                self._finish(ok=False)
                return self._failed(name, arguments, self._crash(name, exc), write=spec.write)
            self.trace.append(CallRecord(name, dict(arguments), True, None, spec.write))
            return ToolResult(
                name,
                True,
                output,
                reads=frozenset(self._tracker.reads),
                writes=frozenset(self._tracker.writes),
            )

    def _failed(
        self, name: str, arguments: Mapping[str, Any], exc: ToolCallError, *, write: bool
    ) -> ToolResult:
        self.trace.append(CallRecord(name, dict(arguments), False, exc.kind, write))
        return ToolResult(name, False, error=exc.message, error_kind=exc.kind, error_format=self.error_format)

    def _crash(self, name: str, exc: Exception) -> ToolCrashError:
        if self._tracker.denied:
            return ToolCrashError(
                f"{name} is a read tool but tried to change {', '.join(sorted(set(self._tracker.denied)))}; "
                "this is a bug in the environment (mark the tool @tool(write=True))."
            )
        return ToolCrashError(f"{name} failed unexpectedly: {type(exc).__name__}: {exc}")

    def _finish(self, ok: bool, write: bool = True) -> None:
        if write or not ok:
            self._held.clear()
        if ok:
            if self._db is not None:
                self._db.flush()
            if write:
                if self._db is not None:
                    Session.commit(self._db)
                self._conn.commit()
            return
        if self._db is not None:
            self._db.rollback()
        self._conn.rollback()

    # ----------------------------------------------------------------- helpers for tool code
    @property
    def db(self) -> Session:
        """A SQLAlchemy ORM session on this environment's database (do not commit: the framework
        commits after the tool returns, or rolls back when it raises)."""
        if self._db is None:
            self._db = _ToolSession(bind=self._connection(), autoflush=True, expire_on_commit=True)
            event.listen(self._db, "loaded_as_persistent", self._hold)
        return self._db

    def _hold(self, session: Session, instance: object) -> None:
        # The identity map holds objects weakly, so between calls they are collected and every
        # `db.get` becomes a SELECT (~230 µs vs ~14 µs). Loaded objects are kept until the next
        # commit or rollback, which expire them anyway: only writes change the database, and a
        # write call always ends in one of the two, so a kept object is never stale.
        self._held[id(instance)] = instance

    @property
    def conn(self) -> sqlite3.Connection:
        """The raw sqlite3 connection, for plain SQL."""
        return self._conn

    @property
    def rng(self) -> random.Random:
        """A RNG seeded by the session seed and this call (tool and arguments), and for write tools
        by how often this same call has been committed before: the same request draws the same
        numbers whatever else the agent did first, and a repeated write draws new ones."""
        if self._rng is None:
            key = f"{self.seed}|{self._call_signature()}"
            if not self._tracker.read_only:
                slot = f"rng:{hashlib.sha256(key.encode()).hexdigest()[:16]}"
                n = int(self._meta(slot) or 0) + 1
                self._set_meta({slot: str(n)})
                key = f"{key}|{n}"
            self._rng = random.Random(int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big"))
        return self._rng

    def now(self) -> datetime:
        """The session clock (frozen unless advanced); tools never read the wall clock."""
        return datetime.fromisoformat(self._meta("clock"))

    def today(self) -> str:
        return self.now().date().isoformat()

    def advance_clock(self, delta: timedelta) -> datetime:
        new = self.now() + delta
        self._set_meta({"clock": new.isoformat()})
        return new

    def set_clock(self, when: datetime | str) -> None:
        value = when if isinstance(when, str) else when.isoformat()
        datetime.fromisoformat(value)
        self._set_meta({"clock": value})
        self._conn.commit()

    def new_id(self, prefix: str, digits: int = 6) -> str:
        """A fresh identifier like `RES4F2A9C`, derived from the seed and the call that creates it
        (tool and arguments), not from what happened before: an agent that does something else
        first still gets the same id for the same request, so grading by state stays fair. Repeats
        of the same call get new ids (a counter per call key is kept in the state; a refused call
        is rolled back and consumes none)."""
        key = f"{self.seed}|{prefix}|{self._call_signature()}"
        slot = f"id:{hashlib.sha256(key.encode()).hexdigest()[:16]}"
        n = int(self._meta(slot) or 0) + 1
        self._set_meta({slot: str(n)})
        digest = hashlib.sha256(f"{key}|{n}".encode()).hexdigest().upper()
        return f"{prefix}{digest[:digits]}"

    def _call_signature(self) -> str:
        """The call as an order-insensitive key (lists sorted), matching how the trace compares."""
        return f"{self._call_key}|{st.canonical_json(_sorted_lists(to_jsonable_python(self._call_args)))}"

    # ----------------------------------------------------------------- state
    def export_state(self) -> dict[str, Any]:
        """The state in the environment's public shape: by default the canonical tables (see
        `export_tables`); environments with their own shape override `state_from_tables`."""
        return self.state_from_tables(self.export_tables())

    def export_tables(self) -> dict[str, Any]:
        """Canonical JSON of all tables (rows ordered by primary key) plus `_meta` (clock, seed,
        counters). Evaluation diffs and state hashes use this form."""
        with self._lock:
            return st.export_tables(self._conn, self._tables)

    def import_state(self, state: Mapping[str, Any]) -> None:
        """Replace the tables present in `state` (public shape, see `tables_from_state`); atomic
        (a bad state changes nothing)."""
        tables = self.tables_from_state(state)
        with self._lock:
            self._tracker.reset(read_only=False)
            if self._db is not None:
                self._db.expire_all()
            self._held.clear()
            st.import_tables(self._conn, self._tables, tables)

    @classmethod
    def tables_from_state(cls, state: Mapping[str, Any]) -> Mapping[str, Any]:
        """Public state shape → tables. The default shape *is* the tables. An environment whose
        users hold state in another shape (BFCL's `initial_config`, say) overrides this and
        `state_from_tables` so that sessions accept and export that shape; it may return only
        some tables (the others keep their seed rows) and may raise `StateError`."""
        return state

    @classmethod
    def state_from_tables(cls, tables: Mapping[str, Any]) -> dict[str, Any]:
        """Tables (as `export_tables` gives them) → the public state shape."""
        return dict(tables)

    def state_hash(self) -> str:
        return st.state_hash(self.export_tables())

    @classmethod
    def from_state(cls, state: Mapping[str, Any], seed: int | None = None) -> Self:
        """A session whose every table is exactly `state` (e.g. one exported elsewhere); tables
        the state does not mention are empty."""
        tables = cls.tables_from_state(state)
        env = cls.create(
            seed=seed if seed is not None else int(tables.get(st.META_KEY, {}).get("seed", cls.default_seed))
        )
        full = {name: [] for name in cls._tables} | dict(tables)
        env.offered = frozenset(cls.offered_tools(state))
        with env._lock:
            env._tracker.reset(read_only=False)
            st.import_tables(env._conn, cls._tables, full)
        return env

    # ----------------------------------------------------------------- internals
    def _connection(self) -> Connection:
        if self._sa is None:
            self._sa = _connect(type(self), self._conn)
        return self._sa

    def _meta(self, key: str) -> str | None:
        row = self._conn.execute(f'SELECT value FROM "{st.META_TABLE}" WHERE key = ?', (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, values: Mapping[str, str]) -> None:
        self._conn.executemany(
            f'INSERT OR REPLACE INTO "{st.META_TABLE}" (key, value) VALUES (?, ?)', list(values.items())
        )

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        return self.fork()

    def __copy__(self) -> Self:
        return self.fork()


def _sorted_lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted_lists(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_sorted_lists(v) for v in value), key=st.canonical_json)
    return value


_META = Table(
    st.META_TABLE,
    MetaData(),
    Column("key", String, primary_key=True),
    Column("value", String, nullable=False),
)

_pending = threading.local()


class _ToolSession(Session):
    """The ORM session tools get. Committing belongs to the framework: a tool that committed
    itself could no longer be rolled back when it fails later."""

    def commit(self) -> None:
        raise RuntimeError("Tools must not commit; the framework commits when the tool returns.")


class _Borrowed:
    """The sqlite3 connection as SQLAlchemy sees it: SQLAlchemy may not close it (the session's
    lifetime decides that), everything else passes through."""

    __slots__ = ("_raw",)

    def __init__(self, raw: sqlite3.Connection) -> None:
        self._raw = raw

    def close(self) -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


def _connect(cls: type[Environment], raw: sqlite3.Connection) -> Connection:
    """A SQLAlchemy Connection over an existing sqlite3 connection. One engine per class (engine
    creation is far too slow per session); the engine's creator hands out the connection we give it."""
    if cls._engine is None:
        with cls._class_lock:
            if cls._engine is None:
                cls._engine = create_engine(
                    "sqlite://", creator=lambda: _Borrowed(_pending.conn), poolclass=NullPool
                )
    _pending.conn = raw
    try:
        return cls._engine.connect()
    finally:
        _pending.conn = None
