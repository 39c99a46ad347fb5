"""Async engine construction: SQLite (WAL, foreign keys) by default, PostgreSQL via psycopg."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool
from sqlalchemy.util.queue import AsyncAdaptedQueue

from adapters.call_deadline import wait_budget


class DatabaseUnreachable(Exception):
    """No connection to the database could be opened; ``url`` has its password masked."""

    def __init__(self, url: str, cause: str) -> None:
        super().__init__(f"cannot reach the database at {url} ({cause})")
        self.url = url
        self.cause = cause


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


class _DeadlineBoundQueue(AsyncAdaptedQueue[Any]):
    """Waits for a pooled connection no longer than the current call may still wait."""

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        budget = wait_budget()
        if block and budget is not None:
            timeout = budget if timeout is None else min(timeout, budget)
        return super().get(block, timeout)


class DeadlineAwareQueuePool(AsyncAdaptedQueuePool):
    """The async queue pool, whose checkout wait ends at ``pool_timeout`` or the call's deadline,
    whichever is first: past it the call fails as UNAVAILABLE while its caller still listens."""

    _queue_class = _DeadlineBoundQueue


# Pool chatter (disposed, recreating) stays quiet like SQLAlchemy's own pool loggers.
logging.getLogger(f"{__name__}.{DeadlineAwareQueuePool.__name__}").setLevel(logging.WARNING)


def create_engine(
    url: str, *, echo: bool = False, pool_size: int = 10, pool_timeout: float = 30.0
) -> AsyncEngine:
    """``pool_size`` connections kept, as many again opened under load; checkouts wait at most
    ``pool_timeout`` seconds (and never past the deadline of the call being served)."""
    pooling: dict[str, Any] = {
        "poolclass": DeadlineAwareQueuePool,
        "pool_size": pool_size,
        "max_overflow": pool_size,
        "pool_timeout": pool_timeout,
    }
    if is_sqlite(url):
        _ensure_sqlite_directory(url)
        if _is_memory(url):
            pooling = {}
        engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30}, **pooling)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, echo=echo, pool_pre_ping=True, **pooling)


def _is_memory(url: str) -> bool:
    database = make_url(url).database
    return not database or database == ":memory:" or "mode=memory" in database


@asynccontextmanager
async def reachable_connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection, or ``DatabaseUnreachable`` naming why none could be opened."""
    connection = engine.connect()
    try:
        await connection.start()
    except (DBAPIError, OSError) as error:
        url = engine.url.render_as_string(hide_password=True)
        raise DatabaseUnreachable(url, _connect_failure_cause(error, engine.url.password)) from error
    try:
        yield connection
    finally:
        await connection.close()


def _connect_failure_cause(error: BaseException, password: str | None) -> str:
    # Drivers put the reason last: 'connection to server at "h", port 1 failed: Connection refused'.
    driver_error = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    lines = str(driver_error).strip().splitlines()
    cause = lines[0].rpartition("failed: ")[2].removeprefix("FATAL:").strip() if lines else ""
    if password:
        cause = cause.replace(password, "***")
    cause = cause or type(driver_error).__name__
    return cause[0].lower() + cause[1:]


def session_factory(engine: AsyncEngine) -> async_sessionmaker[Any]:
    return async_sessionmaker(engine, expire_on_commit=False)


def query_session_factory(engine: AsyncEngine) -> async_sessionmaker[Any]:
    """Sessions for read-only queries: each statement commits on its own.

    That saves the BEGIN and ROLLBACK round trips of a transaction around a single read; a query
    of several statements may see commits made between them.
    """
    return async_sessionmaker(engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False)


def _ensure_sqlite_directory(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        directory = Path(database).expanduser().parent
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            cause = f"cannot create the directory {directory}: {(error.strerror or str(error)).lower()}"
            raise DatabaseUnreachable(make_url(url).render_as_string(hide_password=True), cause) from error


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # WAL lets readers run beside the single writer; foreign keys are off by default in SQLite.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        # 16 MiB of page cache per connection instead of 2: a bulk import's index inserts otherwise
        # reread pages they just wrote (a history import on SQLite ran about a fifth faster).
        cursor.execute("PRAGMA cache_size=-16384")
    finally:
        cursor.close()
