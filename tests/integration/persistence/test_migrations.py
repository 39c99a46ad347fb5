"""Migrations upgrade an empty database to head; the server refuses an unmigrated one."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from adapters.persistence.migrator import (
    MIGRATIONS_DIR,
    DatabaseNotMigrated,
    current_revision,
    ensure_migrated,
    head_revision,
    upgrade_to_head,
)
from adapters.persistence.tables import metadata


async def test_upgrade_from_empty_to_head(empty_engine) -> None:  # type: ignore[no-untyped-def]
    assert await current_revision(empty_engine) is None
    await upgrade_to_head(empty_engine)
    assert await current_revision(empty_engine) == head_revision()
    async with empty_engine.connect() as conn:
        tables = set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))
    assert set(metadata.tables) <= tables


async def test_upgrade_is_idempotent(empty_engine) -> None:  # type: ignore[no-untyped-def]
    await upgrade_to_head(empty_engine)
    await upgrade_to_head(empty_engine)
    await ensure_migrated(empty_engine)


async def test_unmigrated_database_is_refused_with_the_command_to_run(empty_engine) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DatabaseNotMigrated) as caught:
        await ensure_migrated(empty_engine)
    assert "mcc migrate" in str(caught.value)


async def test_migrated_schema_matches_the_table_definitions(engine) -> None:  # type: ignore[no-untyped-def]
    def columns(sync):  # type: ignore[no-untyped-def]
        inspector = inspect(sync)
        return {name: {c["name"] for c in inspector.get_columns(name)} for name in metadata.tables}

    async with engine.connect() as conn:
        found = await conn.run_sync(columns)
    for name, table in metadata.tables.items():
        assert found[name] == {c.name for c in table.columns}, name


async def test_migrations_leave_nothing_for_autogenerate(engine) -> None:  # type: ignore[no-untyped-def]
    """Tables, indexes, constraints and types of tables.py are exactly what the migrations build."""

    def differences(sync):  # type: ignore[no-untyped-def]
        context = MigrationContext.configure(sync, opts={"compare_type": True})
        return compare_metadata(context, metadata)

    async with engine.connect() as conn:
        assert await conn.run_sync(differences) == []


async def test_downgrade_of_0002_keeps_the_baseline(engine) -> None:  # type: ignore[no-untyped-def]
    def downgrade(sync):  # type: ignore[no-untyped-def]
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.attributes["connection"] = sync
        command.downgrade(config, "0001_baseline")
        return set(inspect(sync).get_table_names())

    async with engine.begin() as conn:
        remaining = await conn.run_sync(downgrade)
    assert remaining - {"alembic_version"} == {"apps"}
    await upgrade_to_head(engine)
