"""Key rotation: re-encrypt every stored token value under the keyring's current key."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.crypto.token_cipher import TokenCipher
from adapters.persistence.repositories.tokens import (
    SHOPLINE_SECRET_FIELDS,
    TIKTOK_SECRET_FIELDS,
    token_context,
)
from adapters.persistence.tables import shopline_tokens, tiktok_tokens

_TOKEN_TABLES: tuple[tuple[Table, Column[Any], tuple[str, ...]], ...] = (
    (tiktok_tokens, tiktok_tokens.c.shop_id, TIKTOK_SECRET_FIELDS),
    (shopline_tokens, shopline_tokens.c.app_id, SHOPLINE_SECRET_FIELDS),
)


async def rotate(
    sessions: async_sessionmaker[AsyncSession], cipher: TokenCipher, *, batch_size: int = 200
) -> int:
    """Rewrites rows not under ``cipher.current_key_id``, one transaction per batch.

    Safe beside running workers: a row is only rewritten if it still carries the key id that was
    read, and the version is left alone so no worker's optimistic lock trips over it. Returns
    the number of rows rewritten; a row under a key missing from the keyring raises
    ``UnknownTokenKey`` naming that key id.
    """
    rewritten = 0
    for table, key_column, fields in _TOKEN_TABLES:
        after: str | None = None
        while True:
            async with sessions() as session, session.begin():
                query = (
                    select(key_column, table.c.key_id, *(table.c[field] for field in fields))
                    .where(table.c.key_id != cipher.current_key_id)
                    .order_by(key_column)
                    .limit(batch_size)
                )
                if after is not None:
                    query = query.where(key_column > after)
                rows = (await session.execute(query)).mappings().all()
                if not rows:
                    break
                await session.execute(
                    update(table)
                    .where(key_column == bindparam("row_key"), table.c.key_id == bindparam("old_key_id"))
                    .values(
                        key_id=cipher.current_key_id,
                        **{field: bindparam(f"new_{field}") for field in fields},
                    ),
                    [_reencrypted(row, table, key_column.name, fields, cipher) for row in rows],
                )
            after = rows[-1][key_column.name]
            rewritten += len(rows)
    return rewritten


def _reencrypted(
    row: Any, table: Table, key_name: str, fields: tuple[str, ...], cipher: TokenCipher
) -> dict[str, Any]:
    key = row[key_name]
    return {
        "row_key": key,
        "old_key_id": row["key_id"],
        **{
            f"new_{field}": cipher.reencrypt(bytes(row[field]), token_context(table, key, field))
            for field in fields
        },
    }
