"""Database settings for bulk work: PostgreSQL's planner statistics follow a table that bulk writes
grow faster than autovacuum looks, and SQLite connections get their pragmas."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.engine import create_engine, session_factory
from adapters.persistence.migrator import upgrade_to_head
from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork
from tests.fakes import FakeEventPublisher
from tests.integration.persistence.builders import product, seed


async def _counted(engine: AsyncEngine, table: str) -> float:
    async with engine.connect() as connection:
        query = text("SELECT reltuples FROM pg_class WHERE oid = to_regclass(:name)")
        return float((await connection.execute(query, {"name": table})).scalar_one())


@pytest.mark.postgres
async def test_a_bulk_write_past_the_threshold_analyzes_only_that_table(postgres_url: str) -> None:
    engine = create_engine(postgres_url)
    try:
        async with engine.begin() as connection:
            await connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            await connection.exec_driver_sql("CREATE SCHEMA public")
        await upgrade_to_head(engine)
        sessions = session_factory(engine)
        backend = SimpleNamespace(
            new_uow=lambda: SqlAlchemyUnitOfWork(sessions), publisher=FakeEventPublisher()
        )
        await seed(backend)
        async with backend.new_uow() as uow:
            # 400 products (under the 1,000-row threshold) with 1,200 SKU rows (over it).
            await uow.channel_products.save_many([product(f"p-{n:04d}") for n in range(400)])
            await uow.commit()
        for _ in range(100):
            if await _counted(engine, "channel_skus") > 0:
                break
            await asyncio.sleep(0.05)
        assert await _counted(engine, "channel_skus") == 1_200
        assert await _counted(engine, "channel_products") <= 0  # never analyzed
    finally:
        await engine.dispose()


async def test_sqlite_connections_get_wal_foreign_keys_and_a_16_mib_page_cache(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/pragmas.db")
    try:
        async with engine.connect() as connection:
            found = {
                pragma: (await connection.exec_driver_sql(f"PRAGMA {pragma}")).scalar_one()
                for pragma in ("journal_mode", "foreign_keys", "cache_size")
            }
    finally:
        await engine.dispose()
    assert found == {"journal_mode": "wal", "foreign_keys": 1, "cache_size": -16384}
