"""Planner statistics that keep up with bulk writes (PostgreSQL).

Autovacuum analyzes a table at most once a minute. A history import grows ``orders`` from empty
to 100,000 rows in less time than that, and meanwhile PostgreSQL plans its batched lookups by
``(shop_id, id)`` from the statistics of a near-empty table: it then reads every order of the
shop through an index on ``shop_id`` alone, so each batch costs more than the one before. Here,
once the rows inserted by this process reach half of what the statistics last counted, the
table is analyzed again, on a connection of its own and outside the writer's transaction, so
the writer neither waits for it nor holds its lock.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from dataclasses import dataclass

from sqlalchemy import Table, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

logger = logging.getLogger(__name__)

GROWTH_BEFORE_ANALYZE = 0.5
"""Inserted rows, as a share of the rows the statistics last counted, that call for a new ANALYZE."""
MIN_ROWS_BEFORE_ANALYZE = 1_000


@dataclass
class _TableGrowth:
    counted: float = 0.0  # rows by the statistics (pg_class.reltuples), as last read
    inserted: int = 0  # rows inserted by this process since
    running: asyncio.Task[None] | None = None

    def outgrown(self) -> bool:
        return self.inserted >= max(MIN_ROWS_BEFORE_ANALYZE, self.counted * GROWTH_BEFORE_ANALYZE)


_growth: weakref.WeakKeyDictionary[AsyncEngine, dict[str, _TableGrowth]] = weakref.WeakKeyDictionary()
_COUNTED_ROWS = text("SELECT reltuples FROM pg_class WHERE oid = to_regclass(:name)")


async def note_inserted(session: AsyncSession, table: Table, rows: int) -> None:
    """Counts rows inserted into ``table``; once they outgrow the statistics, analyzes it aside."""
    engine = session.bind
    if rows <= 0 or not isinstance(engine, AsyncEngine) or engine.dialect.name != "postgresql":
        return
    growth = _growth.setdefault(engine, {}).setdefault(table.name, _TableGrowth())
    growth.inserted += rows
    if growth.running is None and growth.outgrown():
        growth.running = asyncio.create_task(_refresh(engine, table, growth), name=f"analyze {table.name}")


async def _refresh(engine: AsyncEngine, table: Table, growth: _TableGrowth) -> None:
    inserted = growth.inserted
    try:
        async with engine.connect() as connection:
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            # The first look may find statistics that already count the table's existing rows.
            growth.counted = await _counted_rows(connection, table)
            if growth.outgrown():
                await connection.exec_driver_sql(f'ANALYZE "{table.name}"')
                growth.counted = await _counted_rows(connection, table)
                growth.inserted -= inserted
    except Exception as error:  # statistics are an optimisation; the writes stand without them
        logger.warning("could not analyze table %s: %s", table.name, type(error).__name__)
    finally:
        growth.running = None


async def _counted_rows(connection: AsyncConnection, table: Table) -> float:
    counted = (await connection.execute(_COUNTED_ROWS, {"name": table.name})).scalar()
    return max(float(counted or 0), 0.0)  # -1 until the first ANALYZE
