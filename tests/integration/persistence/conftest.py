"""Databases for the persistence contract suite: SQLite always, PostgreSQL when configured."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from adapters.persistence.engine import create_engine, session_factory
from adapters.persistence.migrator import upgrade_to_head
from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork
from tests.postgres import admin_url_or_skip, throwaway_database


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
