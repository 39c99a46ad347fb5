"""Cancelling a task mid-transaction on a SQLite file leaves neither a lock nor a RUNNING task behind.

The cancellation is delivered exactly at the await of a session commit, rollback or close, the
points where a caller stopped with no grace (``EmbeddedJobRunner.stop(timedelta(0))``) can be hit.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from adapters.jobs.runner import EmbeddedJobRunner
from adapters.persistence.engine import create_engine, session_factory
from adapters.persistence.migrator import upgrade_to_head
from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork
from domain.ids import AppId, TaskId
from domain.task import Task, TaskKind, TaskState
from services.tasks.jobs import RunResult, TaskRun, TaskWorker
from tests.integration.persistence.builders import APP, seed, task
from tests.services.support_tasks import until

TASK = TaskId("task-1")
APP_ID = AppId(APP)


class Backend:
    def __init__(self, engine: AsyncEngine) -> None:
        self.sessions = session_factory(engine)

    def new_uow(self) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(self.sessions)


class _NoEvents:
    published: list[object] = []


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "mcc.db"


@pytest.fixture
async def engine(database: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    await upgrade_to_head(engine)
    backend = Backend(engine)
    backend.publisher = _NoEvents()  # type: ignore[attr-defined]
    await seed(backend)
    try:
        yield engine
    finally:
        await engine.dispose()


def can_write_now(database: Path) -> bool:
    """What a freshly started process does first: take the write lock, without waiting for it."""
    connection = sqlite3.connect(database, timeout=0.2)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as error:
        assert "locked" in str(error)
        return False
    finally:
        connection.close()


@pytest.fixture
def cancel_inside(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Makes the next call of ``AsyncSession.<name>`` cancel its caller at its first await."""

    def arm(name: str) -> None:
        original = getattr(AsyncSession, name)

        async def cancelled_inside(self: AsyncSession, *args: Any, **kwargs: Any) -> Any:
            monkeypatch.setattr(AsyncSession, name, original)  # once only
            current = asyncio.current_task()
            assert current is not None
            current.cancel()
            return await original(self, *args, **kwargs)

        monkeypatch.setattr(AsyncSession, name, cancelled_inside)

    yield arm


async def write_then(backend: Backend, ending: str) -> None:
    async with backend.new_uow() as uow:
        await uow.tasks.add(task())
        if ending == "commit":
            await uow.commit()
        elif ending == "error":
            await uow.session.flush()
            raise RuntimeError("handler failed")
        else:
            await uow.session.flush()
            await asyncio.Event().wait()  # cancelled from outside while holding the write lock


@pytest.mark.parametrize(
    ("ending", "cancelled_in"),
    [
        ("commit", "commit"),
        ("commit", "close"),
        ("error", "rollback"),
        ("error", "close"),
        ("outside", "rollback"),
        ("outside", "close"),
    ],
)
async def test_a_unit_of_work_cancelled_at_any_await_of_its_ending_leaves_the_database_writable(
    engine: AsyncEngine, database: Path, cancel_inside: Callable[[str], None], ending: str, cancelled_in: str
) -> None:
    backend = Backend(engine)
    if ending == "outside":
        writing = asyncio.create_task(write_then(backend, ending))
        await until(lambda: not can_write_now(database))  # inside the write transaction
        cancel_inside(cancelled_in)
        writing.cancel()  # delivered at the flush; the second one inside the cleanup
    else:
        cancel_inside(cancelled_in)
        writing = asyncio.create_task(write_then(backend, ending))
    with pytest.raises((asyncio.CancelledError, RuntimeError)):
        await writing

    assert can_write_now(database)
    async with backend.new_uow() as uow:  # and the pool hands out a usable connection
        await uow.tasks.add(task("task-2"))
        await uow.commit()
    assert can_write_now(database)


class WritingHandler:
    """Writes progress in a loop, as an import does, until cancelled."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.writes = 0

    async def run(self, run: TaskRun) -> RunResult:
        while True:
            async with self.backend.new_uow() as uow:
                written = TaskId(f"written-{self.writes}")  # a kind no handler runs
                await uow.tasks.add(Task.create(written, APP_ID, TaskKind.AUTO_LINK, worker_clock.now()))
                await uow.commit()
            self.writes += 1
            await asyncio.sleep(0)


class WallClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


worker_clock = WallClock()


async def pending_task(backend: Backend) -> None:
    async with backend.new_uow() as uow:
        fresh = task()
        fresh.requeue_if_lease_expired(worker_clock.now())
        await uow.tasks.add(fresh)
        await uow.commit()


@pytest.mark.parametrize("writes_before_stop", [1, 2, 3, 4, 5, 6, 8, 10, 13, 17, 21, 27])
async def test_a_runner_stopped_without_grace_mid_write_releases_the_task_and_the_lock(
    engine: AsyncEngine, database: Path, writes_before_stop: int
) -> None:
    backend = Backend(engine)
    await pending_task(backend)
    handler = WritingHandler(backend)
    handlers = {task().kind: handler}
    lease = timedelta(seconds=2)
    worker = TaskWorker(backend.new_uow, worker_clock, handlers, owner="worker-1", lease_for=lease)
    runner = EmbeddedJobRunner(
        worker, poll_every=timedelta(milliseconds=5), heartbeat_every=timedelta(milliseconds=1)
    )
    await runner.start()
    await until(lambda: handler.writes >= writes_before_stop)
    await runner.stop(timedelta(0))

    assert can_write_now(database)
    other = create_engine(f"sqlite+aiosqlite:///{database}")
    try:
        async with Backend(other).new_uow() as uow:
            stopped = await uow.tasks.get(TASK)
        assert stopped.state is TaskState.PENDING
        assert stopped.lease is None
    finally:
        await other.dispose()
