"""Databases for the persistence contract suite: SQLite always, PostgreSQL when configured."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.crypto.token_cipher import TokenCipher
from adapters.persistence.engine import create_engine, session_factory
from adapters.persistence.migrator import upgrade_to_head
from adapters.persistence.tables import metadata
from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork
from tests.fakes import FakeDatabase, FakeEventPublisher, FakeUnitOfWork
from tests.postgres import admin_url_or_skip, throwaway_database

R = TypeVar("R")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with throwaway_database(admin_url_or_skip()) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path) -> str:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/mcc.db"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
async def engine(database_url: str):  # type: ignore[no-untyped-def]
    engine = create_engine(database_url)
    await _reset(engine)
    await upgrade_to_head(engine)
    try:
        yield engine
    finally:
        await engine.dispose()


async def _reset(engine) -> None:  # type: ignore[no-untyped-def]
    # The PostgreSQL database is shared by the session's tests: start each from an empty schema.
    if engine.dialect.name == "postgresql":
        async with engine.begin() as conn:
            await conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            await conn.exec_driver_sql("CREATE SCHEMA public")


@pytest.fixture
def uow_factory(engine):  # type: ignore[no-untyped-def]
    sessions = session_factory(engine)
    return lambda: SqlAlchemyUnitOfWork(sessions)


@pytest.fixture
async def empty_engine(database_url: str) -> AsyncIterator[object]:
    engine = create_engine(database_url)
    await _reset(engine)
    try:
        yield engine
    finally:
        await engine.dispose()


@dataclass
class Backend:
    """One place to keep aggregates: the fake, or the SQLAlchemy adapter on a real database."""

    name: str
    new_uow: Callable[[], Any]
    publisher: FakeEventPublisher
    engine: AsyncEngine | None = None
    token_key: bytes | None = None

    @property
    def cipher(self) -> TokenCipher:
        assert self.token_key is not None
        return TokenCipher(self.token_key)

    async def registry(self, operation: Callable[[Any], Awaitable[R]]) -> R:
        """Runs one registry operation in its own unit of work and commits it."""
        async with self.new_uow() as uow:
            result = await operation(uow.shop_registry)
            await uow.commit()
        return result


@pytest.fixture(scope="session")
def migrated_postgres_url() -> Iterator[str]:
    """A database of its own, migrated once; each contract test empties its tables."""
    with throwaway_database(admin_url_or_skip()) as url:
        _migrate_in_a_thread(url)
        yield url


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each contract test (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("migrated") / "mcc.db"
    _migrate_in_a_thread(f"sqlite+aiosqlite:///{path}")
    return path


def _migrate_in_a_thread(url: str) -> None:
    # Session fixtures are first requested from inside a test's running event loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, _migrate(url)).result()


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade_to_head(engine)
    finally:
        await engine.dispose()


async def _open_sql_backend(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if kind == "sqlite":
        copy = tmp_path / "mcc.db"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite_file"), copy)
        engine = create_engine(f"sqlite+aiosqlite:///{copy}")
    else:
        engine = create_engine(request.getfixturevalue("migrated_postgres_url"))
        async with engine.begin() as conn:
            names = ", ".join(table.name for table in metadata.sorted_tables)
            await conn.exec_driver_sql(f"TRUNCATE {names} CASCADE")
    publisher = FakeEventPublisher()
    sessions = session_factory(engine)
    key = os.urandom(32)
    return Backend(
        kind,
        lambda: SqlAlchemyUnitOfWork(sessions, publisher, TokenCipher(key)),
        publisher,
        engine=engine,
        token_key=key,
    )


@pytest.fixture(params=["fake", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    """The contract suite's subject: every test runs against the fake and both databases."""
    if request.param == "fake":
        database = FakeDatabase()
        publisher = FakeEventPublisher()
        yield Backend("fake", lambda: FakeUnitOfWork(database, publisher), publisher)
        return
    opened = await _open_sql_backend(request.param, request, tmp_path)
    try:
        yield opened
    finally:
        assert opened.engine is not None
        await opened.engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def sql_backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    """The SQLAlchemy adapter alone, for behaviour the fakes do not model (encryption, concurrency)."""
    opened = await _open_sql_backend(request.param, request, tmp_path)
    try:
        yield opened
    finally:
        assert opened.engine is not None
        await opened.engine.dispose()
