"""API keys on SQLAlchemy: each operation is its own short transaction (keys are read on every call)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.persistence.tables import api_keys
from domain.api_key import ApiKey, ApiKeyId, Role
from domain.errors import ApiKeyAlreadyExists, ApiKeyNotFound
from domain.ids import AppId
from domain.paging import Page


class SqlAlchemyApiKeyRepository:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def add(self, key: ApiKey) -> None:
        try:
            async with self._sessions.begin() as session:
                await session.execute(insert(api_keys).values(**_to_row(key)))
        except IntegrityError:
            raise ApiKeyAlreadyExists(key.display_prefix) from None

    async def get(self, key_id: ApiKeyId) -> ApiKey:
        found = await self._one(api_keys.c.id == key_id)
        if found is None:
            raise ApiKeyNotFound(key_id)
        return found

    async def find_by_prefix(self, prefix: str) -> ApiKey | None:
        return await self._one(api_keys.c.prefix == prefix)

    async def find_by_certificate_subject(self, subject: str) -> ApiKey | None:
        return await self._one(api_keys.c.certificate_subject == subject)

    async def list(self, *, page_size: int, after: str | None) -> Page[ApiKey]:
        query = select(api_keys).order_by(api_keys.c.id).limit(page_size + 1)
        if after is not None:
            query = query.where(api_keys.c.id > after)
        async with self._sessions() as session:
            rows = (await session.execute(query)).mappings().all()
        items = [_from_row(row) for row in rows[:page_size]]
        return Page(items, items[-1].id if len(rows) > page_size else None)

    async def revoke(self, key_id: ApiKeyId, at: datetime) -> ApiKey:
        async with self._sessions.begin() as session:
            # Only an unrevoked key changes: a revoked one keeps its first revocation time.
            await session.execute(
                update(api_keys)
                .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=at)
            )
        return await self.get(key_id)

    async def record_last_used(self, key_id: ApiKeyId, at: datetime) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(api_keys)
                .where(
                    api_keys.c.id == key_id,
                    or_(api_keys.c.last_used_at.is_(None), api_keys.c.last_used_at < at),
                )
                .values(last_used_at=at)
            )

    async def _one(self, condition: Any) -> ApiKey | None:
        async with self._sessions() as session:
            row = (await session.execute(select(api_keys).where(condition))).mappings().first()
        return None if row is None else _from_row(row)


def _to_row(key: ApiKey) -> dict[str, Any]:
    return {
        "id": key.id,
        "prefix": key.prefix,
        "secret_hash": key.secret_hash,
        "certificate_subject": key.certificate_subject,
        "role": key.role.value,
        "apps": None if key.apps is None else sorted(key.apps),
        "created_at": key.created_at,
        "expires_at": key.expires_at,
        "revoked_at": key.revoked_at,
        "last_used_at": key.last_used_at,
    }


def _from_row(row: Any) -> ApiKey:
    return ApiKey(
        id=ApiKeyId(row["id"]),
        prefix=row["prefix"],
        role=Role(row["role"]),
        apps=None if row["apps"] is None else frozenset(AppId(app) for app in row["apps"]),
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        revoked_at=row["revoked_at"],
        last_used_at=row["last_used_at"],
        secret_hash=None if row["secret_hash"] is None else bytes(row["secret_hash"]),
        certificate_subject=row["certificate_subject"],
    )
