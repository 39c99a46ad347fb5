"""Shop overviews: each shop with its token's expiries and its counts in one statement.

The counts are correlated subqueries on the shop's own indexed rows, so a page of shops costs one
round trip, not several per shop. Token values are never selected.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from adapters.persistence.repositories.common import Keyset, limit_for
from adapters.persistence.repositories.shops import shop_from_row
from adapters.persistence.tables import channel_products, channel_skus, orders, shops, tiktok_tokens
from domain.errors import ShopNotFound
from domain.ids import AppId, ShopId
from domain.paging import Page
from domain.ports import ShopCounts, ShopOverview
from domain.shop import ShopStatus
from domain.tokens import TikTokTokenLifetime


def _count(table: Any, *extra: ColumnElement[bool]) -> Any:
    return (
        select(func.count())
        .select_from(table)
        .where(table.c.shop_id == shops.c.id, *extra)
        .correlate(shops)
        .scalar_subquery()
    )


_OVERVIEW = select(
    shops,
    tiktok_tokens.c.access_expires_at.label("token_access_expires_at"),
    tiktok_tokens.c.refresh_expires_at.label("token_refresh_expires_at"),
    tiktok_tokens.c.revoked_at.label("token_revoked_at"),
    (tiktok_tokens.c.shop_id.is_not(None)).label("token_present"),
    _count(channel_products).label("product_count"),
    _count(channel_skus).label("sku_count"),
    _count(channel_skus, channel_skus.c.link_variant_id.is_not(None)).label("linked_sku_count"),
    _count(orders).label("order_count"),
).select_from(shops.outerjoin(tiktok_tokens, tiktok_tokens.c.shop_id == shops.c.id))


# Built once: a statement reused with a bound parameter skips rebuilding its cache key per call.
_OVERVIEW_OF_SHOP = _OVERVIEW.where(shops.c.id == bindparam("shop_id"))


class SqlAlchemyShopOverviews:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, shop_id: ShopId) -> ShopOverview:
        row = (await self._session.execute(_OVERVIEW_OF_SHOP, {"shop_id": shop_id})).mappings().first()
        if row is None:
            raise ShopNotFound(f"shops/{shop_id}")
        return _overview(row)

    async def list(
        self, app_id: AppId, *, page_size: int, after: str | None, status: ShopStatus | None = None
    ) -> Page[ShopOverview]:
        limit = limit_for(page_size)
        keyset = Keyset(after)
        query = _OVERVIEW.where(shops.c.app_id == app_id).order_by(shops.c.id).limit(limit + 1)
        if status is not None:
            query = query.where(shops.c.status == status.value)
        if keyset.bound is not None:
            query = query.where(shops.c.id > keyset.bound)
        rows = (await self._session.execute(query)).mappings().all()
        items = [_overview(row) for row in rows[:limit]]
        return Page(items, items[-1].shop.id if len(rows) > limit else None)


def _overview(row: Any) -> ShopOverview:
    token = None
    if row["token_present"]:
        token = TikTokTokenLifetime(
            row["token_access_expires_at"], row["token_refresh_expires_at"], row["token_revoked_at"]
        )
    counts = ShopCounts(row["product_count"], row["sku_count"], row["linked_sku_count"], row["order_count"])
    return ShopOverview(shop_from_row(row), token, counts)
