"""The SHOPLINE variant cache: one row per (app, variant), written in batched upserts."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.column_types import UtcDateTime
from adapters.persistence.repositories.common import limit_for, upsert_insert
from adapters.persistence.tables import shopline_variants
from domain.channel import ShoplineVariant
from domain.ids import AppId, ShoplineVariantId
from domain.money import Money
from domain.paging import Page

# Bound parameters per statement stay well under SQLite's and PostgreSQL's limits.
_IN_CHUNK = 500


class SqlAlchemyShoplineVariantRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def delete_for_app(self, app_id: AppId) -> int:
        result: Any = await self._session.execute(
            delete(shopline_variants).where(shopline_variants.c.app_id == app_id)
        )
        return int(result.rowcount or 0)

    async def upsert_many(self, app_id: AppId, variants: Sequence[ShoplineVariant]) -> None:
        newest: dict[ShoplineVariantId, ShoplineVariant] = {}
        for variant in variants:
            held = newest.get(variant.variant_id)
            if held is None or variant.updated_at >= held.updated_at:
                newest[variant.variant_id] = variant
        if not newest:
            return
        statement = upsert_insert(self._session, shopline_variants)
        keys = ["app_id", "variant_id"]
        values = [column.name for column in shopline_variants.columns if column.name not in keys]
        statement = statement.on_conflict_do_update(
            index_elements=keys,
            set_={name: statement.excluded[name] for name in values},
            # A late page of an older read never rolls a newer cached variant back.
            where=shopline_variants.c.updated_at <= statement.excluded.updated_at,
        )
        rows = [_to_row(app_id, variant) for _, variant in sorted(newest.items())]
        await self._session.execute(statement, rows)

    async def get_many(
        self, app_id: AppId, variant_ids: Iterable[ShoplineVariantId]
    ) -> dict[ShoplineVariantId, ShoplineVariant]:
        wanted = sorted(set(variant_ids))
        found: dict[ShoplineVariantId, ShoplineVariant] = {}
        for start in range(0, len(wanted), _IN_CHUNK):
            chunk = wanted[start : start + _IN_CHUNK]
            query = select(shopline_variants).where(
                shopline_variants.c.app_id == app_id, shopline_variants.c.variant_id.in_(chunk)
            )
            for row in (await self._session.execute(query)).mappings():
                variant = _from_row(row)
                found[variant.variant_id] = variant
        return found

    async def find_by_sku(self, app_id: AppId, sku: str) -> builtins.list[ShoplineVariant]:
        return await self.find_by_skus(app_id, [sku])

    async def find_by_skus(self, app_id: AppId, skus: Iterable[str]) -> builtins.list[ShoplineVariant]:
        wanted = sorted(set(skus))
        found: builtins.list[ShoplineVariant] = []
        for start in range(0, len(wanted), _IN_CHUNK):
            chunk = wanted[start : start + _IN_CHUNK]
            query = select(shopline_variants).where(
                shopline_variants.c.app_id == app_id, shopline_variants.c.sku.in_(chunk)
            )
            found.extend(_from_row(row) for row in (await self._session.execute(query)).mappings())
        return sorted(found, key=lambda variant: variant.variant_id)

    async def find_by_inventory_item(
        self, app_id: AppId, inventory_item_id: str
    ) -> builtins.list[ShoplineVariant]:
        query = (
            select(shopline_variants)
            .where(
                shopline_variants.c.app_id == app_id,
                shopline_variants.c.inventory_item_id == inventory_item_id,
            )
            .order_by(shopline_variants.c.variant_id)
        )
        return [_from_row(row) for row in (await self._session.execute(query)).mappings()]

    async def newest_update(self, app_id: AppId) -> datetime | None:
        query = select(func.max(shopline_variants.c.updated_at)).where(shopline_variants.c.app_id == app_id)
        newest = (await self._session.execute(query)).scalar_one_or_none()
        # An aggregate bypasses the column type on some backends: normalise to aware UTC.
        return UtcDateTime().process_result_value(newest, self._session.get_bind().dialect)

    async def list(self, app_id: AppId, *, page_size: int, after: str | None) -> Page[ShoplineVariant]:
        limit = limit_for(page_size)
        query = select(shopline_variants).where(shopline_variants.c.app_id == app_id)
        if after is not None:
            query = query.where(shopline_variants.c.variant_id > after)
        query = query.order_by(shopline_variants.c.variant_id).limit(limit + 1)
        found = [_from_row(row) for row in (await self._session.execute(query)).mappings()]
        items = found[:limit]
        return Page(items, items[-1].variant_id if len(found) > limit else None)


def _to_row(app_id: AppId, variant: ShoplineVariant) -> dict[str, Any]:
    return {
        "app_id": app_id,
        "variant_id": variant.variant_id,
        "product_id": variant.product_id,
        "sku": variant.sku,
        "title": variant.title,
        "price_amount": variant.price.amount,
        "price_currency": variant.price.currency,
        "inventory_item_id": variant.inventory_item_id,
        "updated_at": variant.updated_at,
    }


def _from_row(row: Any) -> ShoplineVariant:
    return ShoplineVariant(
        variant_id=ShoplineVariantId(row["variant_id"]),
        product_id=row["product_id"],
        sku=row["sku"],
        title=row["title"],
        price=Money(row["price_amount"], row["price_currency"]),
        inventory_item_id=row["inventory_item_id"],
        updated_at=row["updated_at"],
    )
