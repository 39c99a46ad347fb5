"""Tokens: TikTok per shop, SHOPLINE per app; token values are encrypted at rest.

Each value's associated data names its table, row and field, so ciphertexts cannot be moved
between rows. Without a cipher the repository refuses to read or write token values.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Table, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.crypto.token_cipher import TokenCipher, TokenCipherNotConfigured
from adapters.persistence.repositories.common import (
    Keyset,
    limit_for,
    rowcount,
    upsert_insert,
    versioned_update,
)
from adapters.persistence.repositories.seen import Seen
from adapters.persistence.tables import shopline_tokens, tiktok_tokens
from domain.errors import TokenNotFound
from domain.ids import AppId, ShopId
from domain.paging import Page
from domain.secret import Secret
from domain.tokens import ShoplineToken, TikTokToken

TIKTOK_SECRET_FIELDS = ("access_token", "refresh_token")
SHOPLINE_SECRET_FIELDS = ("access_token",)


def token_context(table: Table, row_id: str, field: str) -> str:
    """The associated data of one encrypted value: table, row and field."""
    return f"{table.name}/{row_id}/{field}"


class SqlAlchemyTokenRepository:
    def __init__(self, session: AsyncSession, cipher: TokenCipher | None) -> None:
        self._session = session
        self._cipher = cipher
        self._versions: dict[tuple[str, str], int] = {}
        self.seen: Seen[TikTokToken | ShoplineToken] = Seen()

    # --- TikTok -----------------------------------------------------------------------------

    async def get_tiktok(self, shop_id: ShopId) -> TikTokToken:
        cipher = self._required_cipher()
        row = await self._row(tiktok_tokens, tiktok_tokens.c.shop_id == shop_id)
        if row is None:
            raise TokenNotFound(f"shops/{shop_id}/token")
        return self._track_tiktok(row, cipher)

    async def save_tiktok(self, token: TikTokToken) -> None:
        cipher = self._required_cipher()
        await self._save(
            tiktok_tokens,
            tiktok_tokens.c.shop_id,
            token.shop_id,
            tiktok_token_to_row(token, cipher),
            subject=f"shops/{token.shop_id}/token",
        )
        self.seen.add(token)

    async def delete_tiktok(self, shop_id: ShopId) -> None:
        await self._delete(tiktok_tokens, tiktok_tokens.c.shop_id == shop_id, f"shops/{shop_id}/token")
        self._versions.pop((tiktok_tokens.name, shop_id), None)

    async def list_tiktok(self, *, page_size: int, after: str | None) -> Page[TikTokToken]:
        cipher = self._required_cipher()
        limit = limit_for(page_size)
        keyset = Keyset(after)
        query = select(tiktok_tokens).order_by(tiktok_tokens.c.shop_id).limit(limit + 1)
        if keyset.bound is not None:
            query = query.where(tiktok_tokens.c.shop_id > keyset.bound)
        rows = (await self._session.execute(query)).mappings().all()
        items = [self._track_tiktok(row, cipher) for row in rows[:limit]]
        return Page(items, items[-1].shop_id if len(rows) > limit else None)

    # --- SHOPLINE ---------------------------------------------------------------------------

    async def get_shopline(self, app_id: AppId) -> ShoplineToken:
        cipher = self._required_cipher()
        row = await self._row(shopline_tokens, shopline_tokens.c.app_id == app_id)
        if row is None:
            raise TokenNotFound(f"apps/{app_id}/token")
        return self._track_shopline(row, cipher)

    async def save_shopline(self, token: ShoplineToken) -> None:
        cipher = self._required_cipher()
        await self._save(
            shopline_tokens,
            shopline_tokens.c.app_id,
            token.app_id,
            shopline_token_to_row(token, cipher),
            subject=f"apps/{token.app_id}/token",
        )
        self.seen.add(token)

    async def list_shopline(self, *, page_size: int, after: str | None) -> Page[ShoplineToken]:
        cipher = self._required_cipher()
        limit = limit_for(page_size)
        keyset = Keyset(after)
        query = select(shopline_tokens).order_by(shopline_tokens.c.app_id).limit(limit + 1)
        if keyset.bound is not None:
            query = query.where(shopline_tokens.c.app_id > keyset.bound)
        rows = (await self._session.execute(query)).mappings().all()
        items = [self._track_shopline(row, cipher) for row in rows[:limit]]
        return Page(items, items[-1].app_id if len(rows) > limit else None)

    # --- helpers ----------------------------------------------------------------------------

    def _required_cipher(self) -> TokenCipher:
        if self._cipher is None:
            raise TokenCipherNotConfigured()
        return self._cipher

    async def _row(self, table: Table, where: ColumnElement[bool]) -> Any:
        return (await self._session.execute(select(table).where(where))).mappings().first()

    async def _save(
        self, table: Table, key_column: Any, key: str, values: dict[str, Any], *, subject: str
    ) -> None:
        """Inserts or replaces; a token read in this unit of work is only replaced if unchanged."""
        tracked = (table.name, key)
        expected = self._versions.get(tracked)
        if expected is not None:
            self._versions[tracked] = await versioned_update(
                self._session,
                table,
                key_column == key,
                expected,
                values,
                subject=subject,
                not_found=TokenNotFound(subject),
            )
            return
        statement = upsert_insert(self._session, table).values(**values, version=1)
        statement = statement.on_conflict_do_update(
            index_elements=[key_column],
            set_={**{name: statement.excluded[name] for name in values}, "version": table.c.version + 1},
        ).returning(table.c.version)
        self._versions[tracked] = (await self._session.execute(statement)).scalar_one()

    async def _delete(self, table: Table, where: ColumnElement[bool], subject: str) -> None:
        result = await self._session.execute(delete(table).where(where))
        if rowcount(result) != 1:
            raise TokenNotFound(subject)

    def _track_shopline(self, row: Any, cipher: TokenCipher) -> ShoplineToken:
        token = shopline_token_from_row(row, cipher)
        self._versions[(shopline_tokens.name, token.app_id)] = row["version"]
        self.seen.add(token)
        return token

    def _track_tiktok(self, row: Any, cipher: TokenCipher) -> TikTokToken:
        token = tiktok_token_from_row(row, cipher)
        self._versions[(tiktok_tokens.name, token.shop_id)] = row["version"]
        self.seen.add(token)
        return token


def tiktok_token_to_row(token: TikTokToken, cipher: TokenCipher) -> dict[str, Any]:
    def seal(field: str, secret: Secret) -> bytes:
        return cipher.encrypt(secret.reveal(), token_context(tiktok_tokens, token.shop_id, field))

    return {
        "shop_id": token.shop_id,
        "access_token": seal("access_token", token.access_token),
        "access_expires_at": token.access_expires_at,
        "refresh_token": seal("refresh_token", token.refresh_token),
        "refresh_expires_at": token.refresh_expires_at,
        "issued_at": token.issued_at,
        "revoked_at": token.revoked_at,
        "key_id": cipher.current_key_id,
    }


def tiktok_token_from_row(row: Any, cipher: TokenCipher) -> TikTokToken:
    def unseal(field: str) -> Secret:
        return Secret(cipher.decrypt(bytes(row[field]), token_context(tiktok_tokens, row["shop_id"], field)))

    return TikTokToken(
        shop_id=ShopId(row["shop_id"]),
        access_token=unseal("access_token"),
        access_expires_at=row["access_expires_at"],
        refresh_token=unseal("refresh_token"),
        refresh_expires_at=row["refresh_expires_at"],
        issued_at=row["issued_at"],
        revoked_at=row["revoked_at"],
    )


def shopline_token_to_row(token: ShoplineToken, cipher: TokenCipher) -> dict[str, Any]:
    context = token_context(shopline_tokens, token.app_id, "access_token")
    return {
        "app_id": token.app_id,
        "access_token": cipher.encrypt(token.access_token.reveal(), context),
        "issued_at": token.issued_at,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
        "key_id": cipher.current_key_id,
    }


def shopline_token_from_row(row: Any, cipher: TokenCipher) -> ShoplineToken:
    context = token_context(shopline_tokens, row["app_id"], "access_token")
    return ShoplineToken(
        app_id=AppId(row["app_id"]),
        access_token=Secret(cipher.decrypt(bytes(row["access_token"]), context)),
        issued_at=row["issued_at"],
        expires_at=row["expires_at"],
        revoked_at=row["revoked_at"],
    )
