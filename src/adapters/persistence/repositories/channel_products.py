"""Channel products, with their SKUs (price, stock per warehouse, link) as child rows."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.repositories.common import (
    ChildRows,
    Keyset,
    child_rows,
    cursor,
    limit_for,
    rowcount,
    save_versioned_batch,
    sync_children,
    versioned_update,
)
from adapters.persistence.repositories.seen import Seen
from adapters.persistence.tables import channel_products, channel_skus
from domain.catalog import ChannelProduct, ChannelSku, LinkKind, SkuLink
from domain.channel import SalesAttribute, WarehouseQuantity
from domain.errors import ChannelProductAlreadyExists, ChannelProductNotFound
from domain.ids import AppId, ChannelProductId, ChannelSkuId, ShopId, ShoplineVariantId
from domain.money import Money
from domain.paging import Page
from domain.ports import CatalogCounts

ProductKey = tuple[ShopId, ChannelProductId]


def _name(shop_id: ShopId, product_id: ChannelProductId) -> str:
    return f"shops/{shop_id}/products/{product_id}"


class SqlAlchemyChannelProductRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._versions: dict[ProductKey, int] = {}
        # The SKU rows as read, so an update writes only what changed.
        self._skus: dict[ProductKey, ChildRows] = {}
        self.seen: Seen[ChannelProduct] = Seen()

    async def get(self, shop_id: ShopId, product_id: ChannelProductId) -> ChannelProduct:
        found = await self.find(shop_id, product_id)
        if found is None:
            raise ChannelProductNotFound(_name(shop_id, product_id))
        return found

    async def find(self, shop_id: ShopId, product_id: ChannelProductId) -> ChannelProduct | None:
        found = await self._load(_key_is(shop_id, product_id))
        return found[0] if found else None

    async def find_many(
        self, shop_id: ShopId, product_ids: Iterable[ChannelProductId]
    ) -> dict[ChannelProductId, ChannelProduct]:
        """The stored products among ``product_ids``, in two queries (for batch imports)."""
        wanted = sorted(set(product_ids))
        if not wanted:
            return {}
        found = await self._load((channel_products.c.shop_id == shop_id) & channel_products.c.id.in_(wanted))
        return {product.id: product for product in found}

    async def sku_links(
        self, shop_id: ShopId, sku_ids: Iterable[ChannelSkuId]
    ) -> dict[ChannelSkuId, SkuLink]:
        wanted = sorted(set(sku_ids))
        if not wanted:
            return {}
        query = select(
            channel_skus.c.sku_id,
            channel_skus.c.link_variant_id,
            channel_skus.c.link_kind,
            channel_skus.c.linked_at,
        ).where(
            channel_skus.c.shop_id == shop_id,
            channel_skus.c.sku_id.in_(wanted),
            channel_skus.c.link_variant_id.is_not(None),
        )
        return {
            ChannelSkuId(sku_id): SkuLink(ShoplineVariantId(variant_id), LinkKind(kind), linked_at)
            for sku_id, variant_id, kind, linked_at in await self._session.execute(query)
        }

    async def find_by_sku(self, shop_id: ShopId, sku_id: ChannelSkuId) -> ChannelProduct | None:
        product_id = (
            await self._session.execute(
                select(channel_skus.c.product_id)
                .where(channel_skus.c.shop_id == shop_id, channel_skus.c.sku_id == sku_id)
                .order_by(channel_skus.c.product_id)
                .limit(1)
            )
        ).scalar_one_or_none()
        return None if product_id is None else await self.find(shop_id, ChannelProductId(product_id))

    async def add(self, product: ChannelProduct) -> None:
        key = (product.shop_id, product.id)
        exists = select(channel_products.c.id).where(_key_is(*key))
        if (await self._session.execute(exists)).first() is not None:
            raise ChannelProductAlreadyExists(_name(*key))
        try:
            await self._session.execute(insert(channel_products).values(**product_to_row(product), version=1))
        except IntegrityError:
            raise ChannelProductAlreadyExists(_name(*key)) from None
        skus = sku_rows(product)
        await sync_children(self._session, channel_skus, {}, skus)
        self._remember(product, 1, skus)

    async def update(self, product: ChannelProduct) -> None:
        key = (product.shop_id, product.id)
        version = await versioned_update(
            self._session,
            channel_products,
            _key_is(*key),
            self._versions.get(key),
            product_to_row(product),
            subject=_name(*key),
            not_found=ChannelProductNotFound(_name(*key)),
        )
        skus = sku_rows(product)
        await sync_children(self._session, channel_skus, self._skus[key], skus)
        self._remember(product, version, skus)

    async def save_many(self, batch: Sequence[ChannelProduct]) -> None:
        """Adds new products and updates ones read in this unit of work, in batched statements.

        A product that another transaction added or changed since it was read raises
        ``StaleWrite``; the whole unit of work should then be retried from a fresh read.
        """
        keys = [(product.shop_id, product.id) for product in batch]
        versions = await save_versioned_batch(
            self._session,
            channel_products,
            [product_to_row(product) for product in batch],
            [self._versions.get(key, 0) for key in keys],
            subject="products",
        )
        before: ChildRows = {}
        after: ChildRows = {}
        fresh = [sku_rows(product) for product in batch]
        for key, skus in zip(keys, fresh, strict=True):
            before |= self._skus.get(key, {})
            after |= skus
        await sync_children(self._session, channel_skus, before, after)
        for product, version, skus in zip(batch, versions, fresh, strict=True):
            self._remember(product, version, skus)

    async def delete(self, shop_id: ShopId, product_id: ChannelProductId) -> None:
        result = await self._session.execute(delete(channel_products).where(_key_is(shop_id, product_id)))
        if rowcount(result) != 1:
            raise ChannelProductNotFound(_name(shop_id, product_id))
        self._forget((shop_id, product_id))

    async def delete_for_shop(self, shop_id: ShopId) -> int:
        result = await self._session.execute(
            delete(channel_products).where(channel_products.c.shop_id == shop_id)
        )
        for key in [key for key in self._versions if key[0] == shop_id]:
            self._forget(key)
        return rowcount(result)

    async def list(self, shop_id: ShopId, *, page_size: int, after: str | None) -> Page[ChannelProduct]:
        limit = limit_for(page_size)
        keyset = Keyset(after, scope=shop_id)
        if keyset.empty:
            return Page([], None)
        where = channel_products.c.shop_id == shop_id
        if keyset.bound is not None:
            where = where & (channel_products.c.id > keyset.bound)
        found = await self._load(where, limit=limit + 1)
        items = found[:limit]
        return Page(items, cursor(shop_id, items[-1].id) if len(found) > limit else None)

    async def lacking_attributes(self, shop_id: ShopId, *, limit: int) -> builtins.list[ChannelProductId]:
        query = (
            select(channel_skus.c.product_id)
            .where(channel_skus.c.shop_id == shop_id, channel_skus.c.attributes.is_(None))
            .group_by(channel_skus.c.product_id)
            .order_by(channel_skus.c.product_id)
            .limit(limit)
        )
        return [ChannelProductId(row) for row in (await self._session.execute(query)).scalars()]

    async def count_for_shop(self, shop_id: ShopId) -> CatalogCounts:
        products = (
            select(func.count()).select_from(channel_products).where(channel_products.c.shop_id == shop_id)
        )
        skus = select(func.count(), func.count(channel_skus.c.link_variant_id)).where(
            channel_skus.c.shop_id == shop_id
        )
        product_count = (await self._session.execute(products)).scalar_one()
        sku_count, linked_count = (await self._session.execute(skus)).one()
        return CatalogCounts(products=product_count, skus=sku_count, linked_skus=linked_count)

    async def _load(
        self, where: ColumnElement[bool], limit: int | None = None
    ) -> builtins.list[ChannelProduct]:
        """Products and their SKUs in two queries, whatever the number of products."""
        query = select(channel_products).where(where).order_by(channel_products.c.id)
        if limit is not None:
            query = query.limit(limit)
        rows = (await self._session.execute(query)).mappings().all()
        if not rows:
            return []
        shop_ids = {row["shop_id"] for row in rows}
        product_ids = [row["id"] for row in rows]
        sku_query = select(channel_skus).where(
            channel_skus.c.shop_id.in_(shop_ids), channel_skus.c.product_id.in_(product_ids)
        )
        grouped: dict[tuple[str, str], builtins.list[dict[str, Any]]] = {}
        for sku in (await self._session.execute(sku_query)).mappings():
            grouped.setdefault((sku["shop_id"], sku["product_id"]), []).append(dict(sku))
        products = []
        for row in rows:
            skus = grouped.get((row["shop_id"], row["id"]), [])
            product = product_from_rows(row, skus)
            self._remember(product, row["version"], child_rows(channel_skus, skus))
            products.append(product)
        return products

    def _remember(self, product: ChannelProduct, version: int, skus: ChildRows) -> None:
        key = (product.shop_id, product.id)
        self._versions[key] = version
        self._skus[key] = skus
        self.seen.add(product)

    def _forget(self, key: ProductKey) -> None:
        self._versions.pop(key, None)
        self._skus.pop(key, None)


def _key_is(shop_id: ShopId, product_id: ChannelProductId) -> ColumnElement[bool]:
    return (channel_products.c.shop_id == shop_id) & (channel_products.c.id == product_id)


def product_to_row(product: ChannelProduct) -> dict[str, Any]:
    return {
        "shop_id": product.shop_id,
        "id": product.id,
        "app_id": product.app_id,
        "title": product.title,
        "status": product.status,
        "update_time": product.update_time,
    }


def sku_rows(product: ChannelProduct) -> ChildRows:
    return child_rows(
        channel_skus,
        [
            {
                "shop_id": product.shop_id,
                "product_id": product.id,
                "sku_id": sku.sku_id,
                "seller_sku": sku.seller_sku,
                "price_amount": None if sku.price is None else sku.price.amount,
                "price_currency": None if sku.price is None else sku.price.currency,
                "inventory": [[level.warehouse_id, level.quantity] for level in sku.inventory],
                "link_variant_id": None if sku.link is None else sku.link.variant_id,
                "link_kind": None if sku.link is None else sku.link.kind.value,
                "linked_at": None if sku.link is None else sku.link.linked_at,
                "attributes": None
                if sku.attributes is None
                else [[attribute.name, attribute.value] for attribute in sku.attributes],
            }
            for sku in product.skus
        ],
    )


def product_from_rows(row: Any, skus: Sequence[dict[str, Any]]) -> ChannelProduct:
    return ChannelProduct(
        product_id=ChannelProductId(row["id"]),
        app_id=AppId(row["app_id"]),
        shop_id=ShopId(row["shop_id"]),
        title=row["title"],
        status=row["status"],
        update_time=row["update_time"],
        skus=(_sku_from_row(sku) for sku in sorted(skus, key=lambda sku: sku["sku_id"])),
    )


def _sku_from_row(row: dict[str, Any]) -> ChannelSku:
    price = row["price_amount"]
    variant_id = row["link_variant_id"]
    return ChannelSku(
        sku_id=ChannelSkuId(row["sku_id"]),
        seller_sku=row["seller_sku"],
        price=None if price is None else Money(price, row["price_currency"]),
        inventory=tuple(WarehouseQuantity(warehouse, quantity) for warehouse, quantity in row["inventory"]),
        link=None
        if variant_id is None
        else SkuLink(ShoplineVariantId(variant_id), LinkKind(row["link_kind"]), row["linked_at"]),
        attributes=_attributes_from_json(row["attributes"]),
    )


def _attributes_from_json(data: list[list[str]] | None) -> tuple[SalesAttribute, ...] | None:
    if data is None:
        return None
    return tuple(SalesAttribute(name, value) for name, value in data)
