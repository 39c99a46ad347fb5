"""Inventory pools, with reservations and linked channel SKUs as child rows."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, delete, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.repositories.common import (
    ChildRows,
    Keyset,
    child_rows,
    limit_for,
    rowcount,
    sync_children,
    versioned_update,
)
from adapters.persistence.repositories.seen import Seen
from adapters.persistence.tables import inventory_pools, pool_linked_skus, pool_reservations
from domain.errors import PoolAlreadyExists, PoolNotFound
from domain.ids import AppId, ChannelSkuId, OrderId, PoolId, ShopId, ShoplineVariantId
from domain.inventory_pool import (
    InventoryPool,
    LinkedSku,
    Reservation,
    ReservationKey,
    ReservationState,
)
from domain.paging import Page


class SqlAlchemyInventoryPoolRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._versions: dict[PoolId, int] = {}
        # The child rows as read, so an update writes only what changed.
        self._children: dict[PoolId, tuple[ChildRows, ChildRows]] = {}
        self.seen: Seen[InventoryPool] = Seen()

    async def get(self, pool_id: PoolId) -> InventoryPool:
        found = await self._load(inventory_pools.c.id == pool_id)
        if not found:
            raise PoolNotFound(f"inventoryPools/{pool_id}")
        return found[0]

    async def find_by_variant(self, app_id: AppId, variant_id: ShoplineVariantId) -> InventoryPool | None:
        found = await self._load(
            (inventory_pools.c.app_id == app_id) & (inventory_pools.c.variant_id == variant_id)
        )
        return found[0] if found else None

    async def find_by_channel_sku(self, sku_id: ChannelSkuId) -> InventoryPool | None:
        pool_id = (
            await self._session.execute(
                select(pool_linked_skus.c.pool_id)
                .where(pool_linked_skus.c.sku_id == sku_id)
                .order_by(pool_linked_skus.c.pool_id)
                .limit(1)
            )
        ).scalar_one_or_none()
        return None if pool_id is None else await self.get(PoolId(pool_id))

    async def add(self, pool: InventoryPool) -> None:
        clash = select(inventory_pools.c.id).where(
            or_(
                inventory_pools.c.id == pool.id,
                (inventory_pools.c.app_id == pool.app_id) & (inventory_pools.c.variant_id == pool.variant_id),
            )
        )
        if (await self._session.execute(clash)).first() is not None:
            raise PoolAlreadyExists(f"{pool.app_id}/{pool.variant_id}")
        try:
            await self._session.execute(insert(inventory_pools).values(**pool_to_row(pool), version=1))
        except IntegrityError:
            raise PoolAlreadyExists(f"{pool.app_id}/{pool.variant_id}") from None
        reservations, links = pool_children(pool)
        await sync_children(self._session, pool_reservations, {}, reservations)
        await sync_children(self._session, pool_linked_skus, {}, links)
        self._remember(pool, 1, reservations, links)

    async def update(self, pool: InventoryPool) -> None:
        version = await versioned_update(
            self._session,
            inventory_pools,
            inventory_pools.c.id == pool.id,
            self._versions.get(pool.id),
            pool_to_row(pool),
            subject=f"inventoryPools/{pool.id}",
            not_found=PoolNotFound(f"inventoryPools/{pool.id}"),
        )
        old_reservations, old_links = self._children[pool.id]
        reservations, links = pool_children(pool)
        await sync_children(self._session, pool_reservations, old_reservations, reservations)
        await sync_children(self._session, pool_linked_skus, old_links, links)
        self._remember(pool, version, reservations, links)

    async def delete(self, pool_id: PoolId) -> None:
        result = await self._session.execute(delete(inventory_pools).where(inventory_pools.c.id == pool_id))
        if rowcount(result) != 1:
            raise PoolNotFound(f"inventoryPools/{pool_id}")
        self._versions.pop(pool_id, None)
        self._children.pop(pool_id, None)

    async def list(self, app_id: AppId, *, page_size: int, after: str | None) -> Page[InventoryPool]:
        limit = limit_for(page_size)
        keyset = Keyset(after)
        where = inventory_pools.c.app_id == app_id
        if keyset.bound is not None:
            where = where & (inventory_pools.c.id > keyset.bound)
        found = await self._load(where, limit=limit + 1)
        items = found[:limit]
        return Page(items, items[-1].id if len(found) > limit else None)

    async def _load(
        self, where: ColumnElement[bool], limit: int | None = None
    ) -> builtins.list[InventoryPool]:
        """Pools and all their child rows in three queries, whatever the number of pools."""
        query = select(inventory_pools).where(where).order_by(inventory_pools.c.id)
        if limit is not None:
            query = query.limit(limit)
        rows = (await self._session.execute(query)).mappings().all()
        if not rows:
            return []
        ids = [row["id"] for row in rows]
        reservations = await self._child_rows(pool_reservations, ids)
        links = await self._child_rows(pool_linked_skus, ids)
        pools = []
        for row in rows:
            pool = pool_from_rows(row, reservations.get(row["id"], []), links.get(row["id"], []))
            self._remember(
                pool,
                row["version"],
                child_rows(pool_reservations, reservations.get(row["id"], [])),
                child_rows(pool_linked_skus, links.get(row["id"], [])),
            )
            pools.append(pool)
        return pools

    async def _child_rows(
        self, table: Any, pool_ids: Sequence[str]
    ) -> dict[str, builtins.list[dict[str, Any]]]:
        result = await self._session.execute(select(table).where(table.c.pool_id.in_(pool_ids)))
        grouped: dict[str, builtins.list[dict[str, Any]]] = {}
        for row in result.mappings():
            grouped.setdefault(row["pool_id"], []).append(dict(row))
        return grouped

    def _remember(self, pool: InventoryPool, version: int, reservations: ChildRows, links: ChildRows) -> None:
        self._versions[pool.id] = version
        self._children[pool.id] = (reservations, links)
        self.seen.add(pool)


def pool_to_row(pool: InventoryPool) -> dict[str, Any]:
    return {
        "id": pool.id,
        "app_id": pool.app_id,
        "variant_id": pool.variant_id,
        "on_hand": pool.on_hand,
        "on_hand_version": pool.on_hand_version,
        "safety_stock": pool.safety_stock,
    }


def pool_children(pool: InventoryPool) -> tuple[ChildRows, ChildRows]:
    reservations = [
        {
            "pool_id": pool.id,
            "shop_id": r.key.shop_id,
            "order_id": r.key.order_id,
            "sku_id": r.key.sku_id,
            "quantity": r.quantity,
            "state": r.state.value,
            "reserved_at": r.reserved_at,
        }
        for r in pool.reservations.values()
    ]
    links = [
        {"pool_id": pool.id, "sku_id": s.sku_id, "shop_id": s.shop_id, "cap": s.cap}
        for s in pool.linked_skus.values()
    ]
    return child_rows(pool_reservations, reservations), child_rows(pool_linked_skus, links)


def pool_from_rows(
    row: Any, reservations: Sequence[dict[str, Any]], links: Sequence[dict[str, Any]]
) -> InventoryPool:
    return InventoryPool(
        pool_id=PoolId(row["id"]),
        app_id=AppId(row["app_id"]),
        variant_id=ShoplineVariantId(row["variant_id"]),
        on_hand=row["on_hand"],
        on_hand_version=row["on_hand_version"],
        safety_stock=row["safety_stock"],
        reservations=(
            Reservation(
                key=ReservationKey(ShopId(r["shop_id"]), OrderId(r["order_id"]), ChannelSkuId(r["sku_id"])),
                quantity=r["quantity"],
                state=ReservationState(r["state"]),
                reserved_at=r["reserved_at"],
            )
            for r in sorted(reservations, key=lambda r: (r["shop_id"], r["order_id"], r["sku_id"]))
        ),
        linked_skus=(
            LinkedSku(ChannelSkuId(s["sku_id"]), ShopId(s["shop_id"]), s["cap"])
            for s in sorted(links, key=lambda s: s["sku_id"])
        ),
    )
