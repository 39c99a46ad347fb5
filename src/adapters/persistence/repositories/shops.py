"""Shops and the shop registry (which app holds each TikTok shop id)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.repositories.apps import price_rule_from_json, price_rule_to_json
from adapters.persistence.repositories.common import (
    Keyset,
    limit_for,
    rowcount,
    upsert_insert,
    versioned_update,
)
from adapters.persistence.repositories.seen import Seen
from adapters.persistence.tables import shop_links, shops
from domain.errors import ShopAlreadyExists, ShopLinkedToAnotherApp, ShopNotFound
from domain.ids import AppId, ShopId, TikTokShopId
from domain.paging import Page
from domain.shop import DisplayName, Region, SellerType, Shop, ShopIdentity, ShopStatus


class SqlAlchemyShopRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._versions: dict[ShopId, int] = {}
        self.seen: Seen[Shop] = Seen()

    async def get(self, shop_id: ShopId) -> Shop:
        shop = await self._first(shops.c.id == shop_id)
        if shop is None:
            raise ShopNotFound(f"shops/{shop_id}")
        return shop

    async def find_by_tiktok_shop_id(self, tiktok_shop_id: TikTokShopId) -> Shop | None:
        return await self._first(shops.c.tiktok_shop_id == tiktok_shop_id)

    async def add(self, shop: Shop) -> None:
        # Checked first so the usual duplicate leaves the transaction usable; the unique
        # constraints still decide a race (and then the transaction is spoiled anyway).
        clash = select(shops.c.id).where(
            or_(shops.c.id == shop.id, shops.c.tiktok_shop_id == shop.tiktok_shop_id)
        )
        if (await self._session.execute(clash)).first() is not None:
            raise ShopAlreadyExists(f"shops/{shop.id}")
        try:
            await self._session.execute(insert(shops).values(**shop_to_row(shop), version=1))
        except IntegrityError:
            raise ShopAlreadyExists(f"shops/{shop.id}") from None
        self._versions[shop.id] = 1
        self.seen.add(shop)

    async def update(self, shop: Shop) -> None:
        self._versions[shop.id] = await versioned_update(
            self._session,
            shops,
            shops.c.id == shop.id,
            self._versions.get(shop.id),
            shop_to_row(shop),
            subject=f"shops/{shop.id}",
            not_found=ShopNotFound(f"shops/{shop.id}"),
        )
        self.seen.add(shop)

    async def delete(self, shop_id: ShopId) -> None:
        """Deletes the shop and, through the foreign keys, every row it owns."""
        result = await self._session.execute(delete(shops).where(shops.c.id == shop_id))
        if rowcount(result) != 1:
            raise ShopNotFound(f"shops/{shop_id}")
        self._versions.pop(shop_id, None)

    async def list(
        self, app_id: AppId, *, page_size: int, after: str | None, status: ShopStatus | None = None
    ) -> Page[Shop]:
        limit = limit_for(page_size)
        keyset = Keyset(after)
        query = select(shops).where(shops.c.app_id == app_id).order_by(shops.c.id).limit(limit + 1)
        if status is not None:
            query = query.where(shops.c.status == status.value)
        if keyset.bound is not None:
            query = query.where(shops.c.id > keyset.bound)
        rows = (await self._session.execute(query)).mappings().all()
        items = [self._track(row) for row in rows[:limit]]
        return Page(items, items[-1].id if len(rows) > limit else None)

    async def find_by_cipher(self, cipher: str) -> Shop | None:
        """The shop a webhook or a TikTok reply names by its shop cipher (first by id if several)."""
        row = (
            (await self._session.execute(select(shops).where(shops.c.cipher == cipher).order_by(shops.c.id)))
            .mappings()
            .first()
        )
        return None if row is None else self._track(row)

    async def _first(self, where: Any) -> Shop | None:
        row = (await self._session.execute(select(shops).where(where))).mappings().first()
        return None if row is None else self._track(row)

    def _track(self, row: Any) -> Shop:
        shop = shop_from_row(row)
        self._versions[shop.id] = row["version"]
        self.seen.add(shop)
        return shop


class SqlAlchemyShopRegistry:
    """Claims live in the unit of work's transaction, so a claim commits with the shop row.

    The primary key on ``tiktok_shop_id`` makes the claim atomic: of two transactions claiming
    the same shop, the second waits on the first's row and then sees it (PostgreSQL), or waits
    for the single writer (SQLite); either way only one app wins.
    """

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim(self, tiktok_shop_id: TikTokShopId, app_id: AppId) -> None:
        statement = (
            upsert_insert(self._session, shop_links)
            .values(tiktok_shop_id=tiktok_shop_id, app_id=app_id)
            .on_conflict_do_nothing(index_elements=[shop_links.c.tiktok_shop_id])
        )
        await self._session.execute(statement)
        if await self.owner(tiktok_shop_id) != app_id:
            raise ShopLinkedToAnotherApp(tiktok_shop_id)

    async def release(self, tiktok_shop_id: TikTokShopId, app_id: AppId) -> None:
        await self._session.execute(
            delete(shop_links).where(
                shop_links.c.tiktok_shop_id == tiktok_shop_id, shop_links.c.app_id == app_id
            )
        )

    async def owner(self, tiktok_shop_id: TikTokShopId) -> AppId | None:
        found = (
            await self._session.execute(
                select(shop_links.c.app_id).where(shop_links.c.tiktok_shop_id == tiktok_shop_id)
            )
        ).scalar_one_or_none()
        return None if found is None else AppId(found)


def shop_to_row(shop: Shop) -> dict[str, Any]:
    identity = shop.identity
    return {
        "id": shop.id,
        "app_id": shop.app_id,
        "tiktok_shop_id": identity.tiktok_shop_id,
        "cipher": identity.cipher,
        "region": identity.region.value,
        "seller_type": identity.seller_type.value,
        "tiktok_name": identity.tiktok_name,
        "display_name": shop.display_name.value,
        "status": shop.status.value,
        "authorized_at": shop.authorized_at,
        "reauthorized_at": shop.reauthorized_at,
        "orders_synced_until": shop.orders_synced_until,
        "products_synced_until": shop.products_synced_until,
        "price_rule": _shop_price_rule_to_json(shop),
    }


def shop_from_row(row: Any) -> Shop:
    rule = row["price_rule"]
    return Shop(
        shop_id=ShopId(row["id"]),
        app_id=AppId(row["app_id"]),
        identity=ShopIdentity(
            tiktok_shop_id=TikTokShopId(row["tiktok_shop_id"]),
            cipher=row["cipher"],
            region=Region(row["region"]),
            seller_type=SellerType(row["seller_type"]),
            tiktok_name=row["tiktok_name"],
        ),
        display_name=DisplayName(row["display_name"]),
        status=ShopStatus(row["status"]),
        authorized_at=row["authorized_at"],
        reauthorized_at=row["reauthorized_at"],
        orders_synced_until=row["orders_synced_until"],
        products_synced_until=row["products_synced_until"],
        price_rule=price_rule_from_json(rule),
        price_rule_updated_at=None if rule is None else datetime.fromisoformat(rule["updated_at"]),
    )


def _shop_price_rule_to_json(shop: Shop) -> dict[str, Any] | None:
    """The shop's own rule with the time it was set; NULL while the app's default applies."""
    rule = price_rule_to_json(shop.price_rule)
    if rule is None or shop.price_rule_updated_at is None:
        return None
    return {**rule, "updated_at": shop.price_rule_updated_at.astimezone(UTC).isoformat()}
