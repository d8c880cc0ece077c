"""Engine factory and the thread pool that runs the (synchronous) database work.

SQLAlchemy 1.4 is used in 2.0 style (``future=True``, ``select()``, ``Session`` as a
unit of work). The drivers (sqlite3, psycopg2) block, so every piece of database work
runs in a small thread pool through ``loop.run_in_executor``.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.pool import QueuePool
from sqlalchemy.sql import Executable

T = TypeVar("T")
POOL_SIZE = 8
SQLITE_BUSY_TIMEOUT_MS = 15_000
STALE_CONNECTION_ATTEMPTS = 2


def make_engine(url: str, pool_size: int = POOL_SIZE) -> Engine:
    """Return an engine for SQLite (file, WAL) or PostgreSQL (psycopg2).

    Parameters never appear in log lines or exception messages (``hide_parameters``):
    they can hold NIKs and birth dates.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # no pool_pre_ping: a SELECT 1 before every unit of work cost ~10 % of the gateway's CPU
        # under load; a connection the server dropped is replaced by Database's retry instead
        engine = create_engine(url, future=True, hide_parameters=True, pool_size=pool_size, max_overflow=pool_size)
        event.listen(engine, "before_cursor_execute", _count_statement)
        return engine
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, future=True, hide_parameters=True, poolclass=QueuePool, pool_size=pool_size,
        max_overflow=pool_size, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
    )
    event.listen(engine, "connect", _configure_sqlite)
    return engine


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers work beside the one writer; the busy timeout makes writers queue, not fail."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


_unit_of_work = threading.local()  # statements sent so far by the unit of work running in this thread


def _count_statement(*_args: Any) -> None:
    _unit_of_work.statements = getattr(_unit_of_work, "statements", 0) + 1


def _dropped_before_work_began(error: DBAPIError) -> bool:
    """Whether ``error`` says the pooled connection was already dead at the unit of work's first
    statement (the server restarted since it was last used): nothing was done, trying again on a
    new connection is safe. A connection lost later (a later statement, or the COMMIT itself, which
    SQLAlchemy reports without a statement) may have committed the work: not retried."""
    return (bool(error.connection_invalidated) and error.statement is not None
            and getattr(_unit_of_work, "statements", 0) <= 1)


def threads_for(url: str) -> int:
    """How many threads should work on ``url`` at once.

    SQLite has one writer: several threads writing at once wait in SQLite's busy handler, which
    sleeps in steps of up to 100 ms, and tail latency explodes (measured on the gateway: p95 of
    a turn 2.9 s at 50 conversations). One thread queues them in-process instead, for a few ms.
    """
    return 1 if make_url(url).get_backend_name() == "sqlite" else POOL_SIZE


class Database:
    """An engine plus the threads that use it; opened and closed by the app's cleanup context."""

    def __init__(self, url: str, workers: int = POOL_SIZE, name: str = "db", expire_on_commit: bool = True) -> None:
        self.engine = make_engine(url, pool_size=workers)
        self.expire_on_commit = expire_on_commit
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"{name}-db")

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        """Run ``work(session, *args)`` in the pool with a fresh session (a unit of work)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(self._call, work, *args))

    def _call(self, work: Callable[..., T], *args: Any) -> T:
        for attempt in range(1, STALE_CONNECTION_ATTEMPTS + 1):
            _unit_of_work.statements = 0
            try:
                with Session(self.engine, future=True, expire_on_commit=self.expire_on_commit) as session:
                    return work(session, *args)
            except DBAPIError as error:
                # after a restart every pooled connection is dead, but SQLAlchemy drops them all
                # at the first disconnect it sees: the next checkout connects afresh
                if attempt == STALE_CONNECTION_ATTEMPTS or not _dropped_before_work_began(error):
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Wait for running work, then close every pooled connection."""
        self._executor.shutdown(wait=True)
        self.engine.dispose()


def bulk(statement: Executable) -> Executable:
    """A bulk UPDATE/DELETE that leaves the session's objects alone (no in-Python re-evaluation)."""
    return statement.execution_options(synchronize_session=False)
