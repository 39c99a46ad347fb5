"""Schema migrations: apply them (``mcc migrate``) and refuse to serve an unmigrated database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.engine import reachable_connection

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class DatabaseNotMigrated(Exception):
    """The database schema is behind (or ahead of) this build's migrations."""


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()


async def upgrade_to_head(engine: AsyncEngine) -> None:
    """Raises ``DatabaseUnreachable`` when no connection can be opened."""
    async with reachable_connection(engine) as conn, conn.begin():
        await conn.run_sync(_upgrade)


def _upgrade(connection: Connection) -> None:
    config = _config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def current_revision(engine: AsyncEngine) -> str | None:
    """Raises ``DatabaseUnreachable`` when no connection can be opened."""
    async with reachable_connection(engine) as conn:
        return await conn.run_sync(lambda sync: MigrationContext.configure(sync).get_current_revision())


async def ensure_migrated(engine: AsyncEngine) -> None:
    current = await current_revision(engine)
    head = head_revision()
    if current != head:
        raise DatabaseNotMigrated(
            f"database is at revision {current or 'none'}, this build needs {head}: run `mcc migrate`"
        )
