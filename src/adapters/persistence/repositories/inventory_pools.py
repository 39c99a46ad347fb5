"""Inventory pools, with reservations and linked channel SKUs as child rows.

Every write also stores the pool's derived figures (held, available, oversold, linked SKUs) for
filtering, and the quantity each linked SKU should show in ``inventory_push_states``, in the same
transaction: a pool change and the push it calls for are committed together or not at all. The
rows are mapped in ``inventory_pool_rows``.
"""

from __future__ import annotations

import builtins
import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, false, func, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.repositories.common import (
    ChildRows,
    Keyset,
    child_rows,
    limit_for,
    rowcount,
    sync_children,
    upsert_insert,
    versioned_update,
)
from adapters.persistence.repositories.inventory_pool_rows import (
    pool_children,
    pool_from_rows,
    pool_to_row,
    push_state_rows,
)
from adapters.persistence.repositories.seen import Seen
from adapters.persistence.tables import (
    inventory_pools,
    inventory_push_states,
    pool_linked_skus,
    pool_reservations,
)
from domain.errors import PoolAlreadyExists, PoolNotFound
from domain.ids import AppId, ChannelSkuId, OrderId, PoolId, ShopId, ShoplineVariantId
from domain.inventory_pool import InventoryPool, ReservationKey
from domain.paging import Page
from domain.ports import PoolFilter
from domain.stock_push import PushResult, push_changes


class SqlAlchemyInventoryPoolRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._versions: dict[PoolId, int] = {}
        # The child rows as read, so an update writes only what changed.
        self._children: dict[PoolId, tuple[ChildRows, ChildRows]] = {}
        # What each linked SKU should show as read, so only changed quantities are written.
        self._pushes: dict[PoolId, dict[ChannelSkuId, int]] = {}
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
        await self._write_push_targets(pool, {})
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
        await self._write_push_targets(pool, self._pushes.get(pool.id, {}))
        self._remember(pool, version, reservations, links)

    async def delete(self, pool_id: PoolId) -> None:
        result = await self._session.execute(delete(inventory_pools).where(inventory_pools.c.id == pool_id))
        if rowcount(result) != 1:
            raise PoolNotFound(f"inventoryPools/{pool_id}")
        self._versions.pop(pool_id, None)
        self._children.pop(pool_id, None)
        self._pushes.pop(pool_id, None)

    async def list(self, app_id: AppId, *, page_size: int, after: str | None) -> Page[InventoryPool]:
        limit = limit_for(page_size)
        keyset = Keyset(after)
        where = inventory_pools.c.app_id == app_id
        if keyset.bound is not None:
            where = where & (inventory_pools.c.id > keyset.bound)
        found = await self._load(where, limit=limit + 1)
        items = found[:limit]
        return Page(items, items[-1].id if len(found) > limit else None)

    async def lock(
        self, pool_id: PoolId, reservations_for: Iterable[ReservationKey] | None = None
    ) -> InventoryPool:
        only = None if reservations_for is None else sorted(set(reservations_for))
        if self._session.get_bind().dialect.name == "postgresql":
            found = await self._load(inventory_pools.c.id == pool_id, for_update=True, only=only)
        else:
            # SQLite locks the whole database for the first write of a transaction and holds it
            # to the end: a no-op write takes that lock before the pool is read.
            await self._session.execute(
                update(inventory_pools)
                .where(inventory_pools.c.id == pool_id)
                .values(version=inventory_pools.c.version)
            )
            found = await self._load(inventory_pools.c.id == pool_id, only=only)
        if not found:
            raise PoolNotFound(f"inventoryPools/{pool_id}")
        return found[0]

    async def pool_ids_for_skus(
        self, shop_id: ShopId, sku_ids: Iterable[ChannelSkuId]
    ) -> dict[ChannelSkuId, PoolId]:
        wanted = sorted(set(sku_ids))
        if not wanted:
            return {}
        rows = await self._session.execute(
            select(pool_linked_skus.c.sku_id, pool_linked_skus.c.pool_id)
            .where(pool_linked_skus.c.shop_id == shop_id, pool_linked_skus.c.sku_id.in_(wanted))
            .order_by(pool_linked_skus.c.pool_id)
        )
        found: dict[ChannelSkuId, PoolId] = {}
        for sku_id, pool_id in rows:
            found.setdefault(ChannelSkuId(sku_id), PoolId(pool_id))
        return found

    async def guard_sku_links(
        self, shop_id: ShopId, sku_ids: Iterable[ChannelSkuId], *, changing: bool
    ) -> None:
        keys = sorted({_link_guard_key(shop_id, sku_id) for sku_id in sku_ids})
        if not keys:
            return
        if self._session.get_bind().dialect.name == "postgresql":
            # Transaction-level advisory locks in ascending key order: order effects share them,
            # a link change takes them alone; all are let go at commit or rollback.
            lock = "pg_advisory_xact_lock" if changing else "pg_advisory_xact_lock_shared"
            await self._session.execute(
                text(
                    f"SELECT {lock}(:namespace, k) FROM unnest(CAST(:keys AS integer[])) "  # noqa: S608
                    "WITH ORDINALITY AS t(k, n) ORDER BY n"
                ),
                {"namespace": LINK_GUARD_NAMESPACE, "keys": keys},
            )
        else:
            # SQLite has one writer at a time: taking the write lock now serialises the decision.
            await self._session.execute(
                update(inventory_pools).where(false()).values(version=inventory_pools.c.version)
            )

    async def pool_ids_for_order(self, shop_id: ShopId, order_id: OrderId) -> builtins.list[PoolId]:
        rows = await self._session.execute(
            select(pool_reservations.c.pool_id)
            .where(pool_reservations.c.shop_id == shop_id, pool_reservations.c.order_id == order_id)
            .distinct()
            .order_by(pool_reservations.c.pool_id)
        )
        return [PoolId(pool_id) for (pool_id,) in rows]

    async def list_for_shop(
        self, shop_id: ShopId, *, page_size: int, after: str | None
    ) -> Page[InventoryPool]:
        limit = limit_for(page_size)
        where = or_(
            inventory_pools.c.id.in_(
                select(pool_linked_skus.c.pool_id).where(pool_linked_skus.c.shop_id == shop_id)
            ),
            inventory_pools.c.id.in_(
                select(pool_reservations.c.pool_id).where(pool_reservations.c.shop_id == shop_id)
            ),
        )
        if after is not None:
            where = where & (inventory_pools.c.id > after)
        found = await self._load(where, limit=limit + 1)
        items = found[:limit]
        return Page(items, items[-1].id if len(found) > limit else None)

    async def list_filtered(
        self, app_id: AppId, pool_filter: PoolFilter, *, page_size: int, after: str | None
    ) -> Page[InventoryPool]:
        limit = limit_for(page_size)
        where = inventory_pools.c.app_id == app_id
        if pool_filter.oversold_only:
            where = where & (inventory_pools.c.oversold > 0)
        if pool_filter.low_stock_threshold is not None:
            where = where & (inventory_pools.c.available <= pool_filter.low_stock_threshold)
        if pool_filter.unlinked_only:
            where = where & (inventory_pools.c.linked_sku_count == 0)
        if after is not None:
            where = where & (inventory_pools.c.variant_id > after)
        found = await self._load(where, limit=limit + 1, order_by=inventory_pools.c.variant_id)
        items = found[:limit]
        return Page(items, items[-1].variant_id if len(found) > limit else None)

    async def _write_push_targets(self, pool: InventoryPool, before: dict[ChannelSkuId, int]) -> None:
        wanted, gone = push_changes(before, pool.quantities_to_push())
        table = inventory_push_states
        if gone:
            await self._session.execute(
                delete(table).where(table.c.pool_id == pool.id, table.c.sku_id.in_(gone))
            )
        if not wanted:
            return
        rows = push_state_rows(pool, wanted)
        statement = upsert_insert(self._session, table)
        statement = statement.on_conflict_do_update(
            index_elements=["pool_id", "sku_id"],
            set_={
                "desired": statement.excluded.desired,
                "desired_seq": table.c.desired_seq + 1,
                "result": PushResult.PENDING.value,
                "shop_id": statement.excluded.shop_id,
                "product_id": func.coalesce(statement.excluded.product_id, table.c.product_id),
            },
        )
        await self._session.execute(statement, rows)

    async def _load(
        self,
        where: ColumnElement[bool],
        limit: int | None = None,
        *,
        order_by: Any = None,
        for_update: bool = False,
        only: builtins.list[ReservationKey] | None = None,
    ) -> builtins.list[InventoryPool]:
        """Pools and all their child rows in three queries, whatever the number of pools.

        With ``only``, just those reservations are read; the stored ``held`` figure gives the
        units the others hold."""
        query = (
            select(inventory_pools)
            .where(where)
            .order_by(order_by if order_by is not None else inventory_pools.c.id)
        )
        if limit is not None:
            query = query.limit(limit)
        if for_update:
            query = query.with_for_update()
        rows = (await self._session.execute(query)).mappings().all()
        if not rows:
            return []
        ids = [row["id"] for row in rows]
        reservations = await self._child_rows(pool_reservations, ids, only)
        links = await self._child_rows(pool_linked_skus, ids)
        pools = []
        for row in rows:
            pool = pool_from_rows(
                row, reservations.get(row["id"], []), links.get(row["id"], []), partial=only is not None
            )
            self._remember(
                pool,
                row["version"],
                child_rows(pool_reservations, reservations.get(row["id"], [])),
                child_rows(pool_linked_skus, links.get(row["id"], [])),
            )
            pools.append(pool)
        return pools

    async def _child_rows(
        self, table: Any, pool_ids: Sequence[str], only: Sequence[ReservationKey] | None = None
    ) -> dict[str, builtins.list[dict[str, Any]]]:
        query = select(table).where(table.c.pool_id.in_(pool_ids))
        if only is not None:
            if not only:
                return {}
            # Plain equalities, so each key is one primary-key index probe on every backend.
            query = query.where(
                or_(
                    *(
                        and_(
                            table.c.shop_id == k.shop_id,
                            table.c.order_id == k.order_id,
                            table.c.sku_id == k.sku_id,
                        )
                        for k in only
                    )
                )
            )
        result = await self._session.execute(query)
        grouped: dict[str, builtins.list[dict[str, Any]]] = {}
        for row in result.mappings():
            grouped.setdefault(row["pool_id"], []).append(dict(row))
        return grouped

    def _remember(self, pool: InventoryPool, version: int, reservations: ChildRows, links: ChildRows) -> None:
        self._versions[pool.id] = version
        self._children[pool.id] = (reservations, links)
        self._pushes[pool.id] = pool.quantities_to_push()
        self.seen.add(pool)


LINK_GUARD_NAMESPACE = 0x4D43_4C4B
"""The first key of the SKU-link advisory locks, apart from any other advisory lock."""


def _link_guard_key(shop_id: ShopId, sku_id: ChannelSkuId) -> int:
    """A stable 32-bit key for a shop's SKU; two SKUs sharing one only ever wait for each other."""
    digest = hashlib.blake2b(f"{shop_id}\x00{sku_id}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True)
