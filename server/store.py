"""Durable event log (SQLAlchemy Core; SQLite by default, PostgreSQL by URL).

Every accepted tool call is a row in `events`; a session row says how the session started
(environment, task, seed, state override). Because environments are deterministic, replaying a
session's events on its starting state rebuilds it exactly: that is crash recovery.

Writes are group-committed: whatever has queued up is committed in one transaction and then
every waiting request's future is resolved, so a response leaves only after its events are
committed and many concurrent calls share one commit. For SQLite the commit runs on the event
loop itself, right after the requests that are ready have queued their events (a WAL commit
takes well under a millisecond, and a writer thread would trade that for GIL hand-offs around
every statement); for a networked database it runs in a writer thread, so the loop never waits
on a round trip.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

metadata = MetaData()

sessions = Table(
    "sessions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("env", String(128), nullable=False),
    Column("task_id", String(256)),
    Column("seed", Integer),
    Column("state", JSON),
    Column("owner", String(64), nullable=False, index=True),
    Column("parent_id", String(64)),
    Column("messages", JSON, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("closed_at", String(32), index=True),
    Column("closed_reason", String(64)),
    Column("final_response", Text),
    Column("reward", JSON),
)

events = Table(
    "events",
    metadata,
    Column("session_id", String(64), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("batch", Integer, nullable=False),
    Column("call_id", String(256), nullable=False),
    Column("name", String(256), nullable=False),
    Column("arguments", Text, nullable=False),
    Column("content", Text, nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("error_kind", String(32)),
    Column("assistant", Text),
    Column("created_at", String(32), nullable=False),
)


_EVENT_COLUMNS = tuple(c.name for c in events.columns)


class StoreError(Exception):
    """The event log could not be written or read (the database is down or full)."""


Operation = Callable[[Connection], Any]


@dataclass
class _Job:
    op: Operation
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Any]


class Store:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _engine(url)
        metadata.create_all(self.engine)
        self.commit_on_loop = url.startswith("sqlite")
        marks = ", ".join("?" if self.engine.dialect.paramstyle == "qmark" else "%s" for _ in _EVENT_COLUMNS)
        self._insert_events_sql = f"INSERT INTO events ({', '.join(_EVENT_COLUMNS)}) VALUES ({marks})"
        self._pending: list[_Job] = []
        self._writer_conn: Connection | None = None
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._writer: threading.Thread | None = None
        if not self.commit_on_loop:
            self._writer = threading.Thread(
                target=self._write_loop, name="envfactory-log-writer", daemon=True
            )
            self._writer.start()

    # -------------------------------------------------------------- writes (group commit)
    async def write(self, op: Operation) -> Any:
        """Run `op(connection)` in the next group transaction; returns once it is committed."""
        loop = asyncio.get_running_loop()
        job = _Job(op, loop, loop.create_future())
        if self.commit_on_loop:
            if not self._pending:
                loop.call_soon(self._commit_pending)
            self._pending.append(job)
        else:
            self._queue.put(job)
        return await job.future

    def _commit_pending(self) -> None:
        batch, self._pending = self._pending, []
        self._commit(batch)

    def _write_loop(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            batch = [job]
            while len(batch) < 512:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._queue.put(None)
                    break
                batch.append(more)
            self._commit(batch)

    def _commit(self, batch: list[_Job]) -> None:
        try:
            if self._writer_conn is None or self._writer_conn.invalidated:
                # One connection kept for the writer (the loop or the writer thread, never both):
                # a pool checkout and reset per group commit cost as much as the insert.
                self._writer_conn = self.engine.connect()
            with self._writer_conn.begin():
                results = [job.op(self._writer_conn) for job in batch]
        except SQLAlchemyError as exc:
            error = StoreError(f"event log write failed: {type(exc).__name__}: {exc}")
            for job in batch:
                job.loop.call_soon_threadsafe(_settle, job.future, None, error)
            return
        for job, result in zip(batch, results, strict=True):
            job.loop.call_soon_threadsafe(_settle, job.future, result, None)

    def close(self) -> None:
        if self._pending:
            self._commit_pending()
        if self._writer is not None:
            self._queue.put(None)
            self._writer.join(timeout=30)
        if self._writer_conn is not None:
            self._writer_conn.close()
        self.engine.dispose()

    # -------------------------------------------------------------- operations
    @staticmethod
    def insert_session(row: dict[str, Any]) -> Operation:
        return lambda conn: conn.execute(insert(sessions), [row])

    def insert_events(self, rows: Sequence[dict[str, Any]]) -> Operation:
        """Append events. On the hot path: one driver-level executemany with a prepared SQL string
        (SQLAlchemy's statement construction and caching cost more than the insert itself)."""
        values = [tuple(row[c] for c in _EVENT_COLUMNS) for row in rows]
        return lambda conn: conn.exec_driver_sql(self._insert_events_sql, values) if values else None

    @staticmethod
    def update_session(session_id: str, **values: Any) -> Operation:
        return lambda conn: conn.execute(update(sessions).where(sessions.c.id == session_id).values(**values))

    # -------------------------------------------------------------- reads (synchronous; call off-loop)
    def session_row(self, session_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(sessions).where(sessions.c.id == session_id)).mappings().first()
        return dict(row) if row else None

    def event_rows(self, session_id: str) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(events).where(events.c.session_id == session_id).order_by(events.c.seq)
            )
            return [dict(r) for r in rows.mappings()]

    def active_counts(self) -> dict[str, int]:
        query = (
            select(sessions.c.owner, func.count())
            .where(sessions.c.closed_at.is_(None))
            .group_by(sessions.c.owner)
        )
        with self.engine.connect() as conn:
            return {owner: n for owner, n in conn.execute(query)}

    def list_sessions(self, owner: str | None, active_only: bool, limit: int) -> list[dict[str, Any]]:
        query = select(sessions).order_by(sessions.c.created_at.desc()).limit(limit)
        if owner is not None:
            query = query.where(sessions.c.owner == owner)
        if active_only:
            query = query.where(sessions.c.closed_at.is_(None))
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            # WAL + synchronous=NORMAL: a committed transaction survives a killed process.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=4, max_overflow=4)
