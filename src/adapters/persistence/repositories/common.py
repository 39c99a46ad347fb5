"""Helpers shared by the repositories: dialect-aware upserts, keyset bounds, version checks."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Table, and_, bindparam, delete, func, insert, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.statistics import note_inserted
from domain.errors import DomainError, StaleWrite


def upsert_insert(session: AsyncSession, table: Table) -> Any:
    """``INSERT`` with ``ON CONFLICT`` support; both supported backends have it."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def limit_for(page_size: int) -> int:
    """The fakes return at least one item per page; so do the repositories."""
    return max(page_size, 1)


class Keyset:
    """The lower bound of a keyset page inside one scope.

    Cursors are the string form the fakes use: the id itself for unscoped keys, or
    ``scope/id`` for keys under a shop. ``empty`` is True when the cursor lies after every key
    of the scope.
    """

    def __init__(self, after: str | None, scope: str | None = None) -> None:
        self.bound: str | None = None
        self.empty = False
        if after is None:
            return
        if scope is None:
            self.bound = after
            return
        prefix = f"{scope}/"
        if after.startswith(prefix):
            self.bound = after[len(prefix) :]
        elif after > prefix:
            self.empty = True


def cursor(scope: str | None, key: str) -> str:
    return key if scope is None else f"{scope}/{key}"


async def versioned_update(
    session: AsyncSession,
    table: Table,
    where: ColumnElement[bool],
    expected: int | None,
    values: dict[str, Any],
    *,
    subject: str,
    not_found: DomainError,
) -> int:
    """Writes ``values`` only over the version this unit of work read; returns the new version.

    A row that is gone raises ``not_found``; one that changed since it was read, or that this
    unit of work never read, raises ``StaleWrite``.
    """
    if expected is not None:
        result = await session.execute(
            update(table).where(where, table.c.version == expected).values(**values, version=expected + 1)
        )
        if rowcount(result) == 1:
            return expected + 1
    exists = (await session.execute(select(func.count()).select_from(table).where(where))).scalar_one()
    if not exists:
        raise not_found
    if expected is None:
        raise StaleWrite(subject, "was not read in this unit of work")
    raise StaleWrite(subject, "changed since it was read")


def rowcount(result: Any) -> int:
    return int(result.rowcount)


ChildRows = dict[tuple[Any, ...], dict[str, Any]]


def child_rows(table: Table, rows: list[dict[str, Any]]) -> ChildRows:
    """Child rows by primary key, the form ``sync_children`` compares."""
    keys = [column.name for column in table.primary_key.columns]
    return {tuple(row[name] for name in keys): row for row in rows}


async def sync_children(session: AsyncSession, table: Table, before: ChildRows, after: ChildRows) -> None:
    """Writes only the child rows that changed: one executemany per kind of change."""
    keys = [column.name for column in table.primary_key.columns]
    where = and_(*(table.c[name] == bindparam(f"key_{name}") for name in keys))

    def keyed(row: dict[str, Any]) -> dict[str, Any]:
        return {f"key_{name}": row[name] for name in keys}

    removed = [keyed(row) for key, row in before.items() if key not in after]
    added = [row for key, row in after.items() if key not in before]
    changed = [row for key, row in after.items() if key in before and before[key] != row]
    if removed:
        await session.execute(delete(table).where(where), removed)
    if changed:
        others = [name for name in changed[0] if name not in keys]
        await session.execute(
            update(table).where(where).values({name: bindparam(name) for name in others}),
            [{**keyed(row), **{name: row[name] for name in others}} for row in changed],
        )
    if added:
        await session.execute(insert(table), added)
        await note_inserted(session, table, len(added))


async def save_versioned_batch(
    session: AsyncSession,
    table: Table,
    rows: list[dict[str, Any]],
    expected: list[int],
    *,
    subject: str,
) -> list[int]:
    """Inserts new rows and updates read ones in one batched ``INSERT … ON CONFLICT``.

    ``expected`` holds each row's version as read, 0 for a row this unit of work created. A row
    is written only if the stored version still equals it; a row that appeared or changed
    meanwhile raises ``StaleWrite``. Returns the new versions.

    The statement runs as a plain executemany and the affected-row count tells whether every row
    was written. ``RETURNING`` would make SQLAlchemy render the batch as one multi-row ``VALUES``
    statement, which psycopg then re-parses placeholder by placeholder on every call: on
    PostgreSQL that parsing was the largest single cost of a history import.
    """
    if not rows:
        return []
    keys = [column.name for column in table.primary_key.columns]
    statement = upsert_insert(session, table)
    statement = statement.on_conflict_do_update(
        index_elements=keys,
        set_={name: statement.excluded[name] for name in rows[0] if name not in keys}
        | {"version": statement.excluded.version},
        where=table.c.version == statement.excluded.version - 1,
    ).execution_options(preserve_rowcount=True)  # an INSERT's rowcount is dropped otherwise
    versions = [version + 1 for version in expected]
    result = await session.execute(
        statement, [{**row, "version": version} for row, version in zip(rows, versions, strict=True)]
    )
    written = rowcount(result)
    if written != len(rows):
        first = await _first_unwritten(session, table, keys, rows, versions)
        name = subject if first is None else f"{subject}/{first}"
        raise StaleWrite(name, f"{len(rows) - written} of {len(rows)} changed since they were read")
    await note_inserted(session, table, sum(1 for version in expected if version == 0))
    return versions


async def _first_unwritten(
    session: AsyncSession, table: Table, keys: list[str], rows: list[dict[str, Any]], versions: list[int]
) -> str | None:
    """The first key whose row does not hold the version this batch meant to write (for the error)."""
    wanted = {tuple(row[name] for name in keys): version for row, version in zip(rows, versions, strict=True)}
    key_columns = [table.c[name] for name in keys]
    stored = await session.execute(
        select(*key_columns, table.c.version).where(tuple_(*key_columns).in_(wanted))
    )
    held = {tuple(found[:-1]): found[-1] for found in stored}
    unwritten = sorted(key for key, version in wanted.items() if held.get(key) != version)
    return "/".join(unwritten[0]) if unwritten else None
