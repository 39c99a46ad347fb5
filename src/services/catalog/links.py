"""Links between TikTok SKUs and SHOPLINE variants, and the inventory pools that follow them.

Whatever changes a product's links (a manual link, auto-link, a sync that drops a SKU), the
pools follow inside the same transaction: a linked SKU sits in its variant's pool (opened with
the app's default safety stock when the variant has none yet) and in no other pool, and so do the
holds of the SKU's open orders: linking reserves them, unlinking withdraws them, relinking moves
them. A pool's ``held`` is therefore always the units of the open orders of its linked SKUs. The
SKUs are guarded first, so an order arriving meanwhile waits and then sees the new link. A batch
of changes reads each pool it touches once and writes it once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from domain.app import App
from domain.catalog import ChannelProduct
from domain.ids import ChannelProductId, ChannelSkuId, PoolId, ShopId, ShoplineVariantId
from domain.inventory_pool import InventoryPool, ReservationKey
from domain.order import OpenOrderLine
from domain.ports import Clock, IdGenerator, UnitOfWork


@dataclass(frozen=True)
class LinkChange:
    shop_id: ShopId
    product_id: ChannelProductId
    sku_id: ChannelSkuId
    variant_id: ShoplineVariantId | None
    """The variant the SKU is linked to now; None when it is unlinked."""


def link_changes(
    product: ChannelProduct, before: Mapping[ChannelSkuId, ShoplineVariantId]
) -> list[LinkChange]:
    """The SKUs of ``product`` whose link differs from ``before``."""
    after = product.linked_variants()
    return [
        LinkChange(product.shop_id, product.id, sku_id, after.get(sku_id))
        for sku_id in sorted(set(before) | set(after))
        if before.get(sku_id) != after.get(sku_id)
    ]


class PoolLinks:
    def __init__(self, ids: IdGenerator, clock: Clock) -> None:
        self._ids = ids
        self._clock = clock

    async def follow(
        self,
        uow: UnitOfWork,
        app: App,
        product: ChannelProduct,
        before: Mapping[ChannelSkuId, ShoplineVariantId],
    ) -> None:
        """Moves the product's SKUs whose link changed since ``before`` into the right pools."""
        await self.apply(uow, app, link_changes(product, before))

    async def apply(self, uow: UnitOfWork, app: App, changes: Iterable[LinkChange]) -> None:
        """Puts each changed SKU into its variant's pool (or none), keeping a cap it had there."""
        changes = list(changes)
        if not changes:
            return
        now = self._clock.now()
        pools = _Pools(uow, app, self._ids)
        current: dict[ChannelSkuId, PoolId] = {}
        open_lines: dict[tuple[ShopId, ChannelSkuId], list[OpenOrderLine]] = {}
        for shop_id in sorted({change.shop_id for change in changes}):
            skus = [change.sku_id for change in changes if change.shop_id == shop_id]
            await uow.inventory_pools.guard_sku_links(shop_id, skus, changing=True)
            current |= await uow.inventory_pools.pool_ids_for_skus(shop_id, skus)
            for line in await uow.orders.open_lines(shop_id, skus):
                open_lines.setdefault((shop_id, line.sku_id), []).append(line)
        keys = [_key(line) for lines in open_lines.values() for line in lines]
        variants = {c.variant_id for c in changes if c.variant_id is not None}
        await pools.lock(set(current.values()), variants, keys)
        for change in changes:
            held = None
            lines = open_lines.get((change.shop_id, change.sku_id), [])
            if change.sku_id in current:
                old = await pools.by_id(current[change.sku_id])
                held = old.linked_skus.get(change.sku_id)
                if old.variant_id != change.variant_id:
                    old.unlink_sku(change.sku_id)
                    for line in lines:
                        old.withdraw(_key(line))
                    pools.touched(old)
            if change.variant_id is None:
                continue
            pool = await pools.by_variant(change.variant_id)
            pool.link_sku(
                change.sku_id,
                change.shop_id,
                None if held is None else held.cap,
                product_id=change.product_id,
            )
            for line in lines:
                pool.reserve(_key(line), line.quantity, now)
            pools.touched(pool)
        await pools.write()


def _key(line: OpenOrderLine) -> ReservationKey:
    return ReservationKey(line.shop_id, line.order_id, line.sku_id)


class _Pools:
    """The pools of one batch: each read once, each written once at the end."""

    def __init__(self, uow: UnitOfWork, app: App, ids: IdGenerator) -> None:
        self._uow = uow
        self._app = app
        self._ids = ids
        self._by_id: dict[PoolId, InventoryPool] = {}
        self._by_variant: dict[ShoplineVariantId, InventoryPool] = {}
        self._new: set[PoolId] = set()
        self._touched: set[PoolId] = set()

    async def lock(
        self,
        pool_ids: set[PoolId],
        variant_ids: set[ShoplineVariantId],
        reservations_for: Sequence[ReservationKey],
    ) -> None:
        """Takes the write lock of every existing pool the batch touches, in ascending id order
        like order reservations do, so a link change never loses or deadlocks with a reservation;
        of their reservations only those of the moving open order lines are loaded."""
        wanted = set(pool_ids)
        for variant_id in variant_ids:
            found = await self._uow.inventory_pools.find_by_variant(self._app.id, variant_id)
            if found is not None:
                wanted.add(found.id)
        for pool_id in sorted(wanted):
            self._keep(await self._uow.inventory_pools.lock(pool_id, reservations_for=reservations_for))

    async def by_id(self, pool_id: PoolId) -> InventoryPool:
        if pool_id not in self._by_id:
            self._keep(await self._uow.inventory_pools.get(pool_id))
        return self._by_id[pool_id]

    async def by_variant(self, variant_id: ShoplineVariantId) -> InventoryPool:
        if variant_id not in self._by_variant:
            pool = await self._uow.inventory_pools.find_by_variant(self._app.id, variant_id)
            if pool is None:
                pool = InventoryPool.open(
                    PoolId(self._ids.new_id()),
                    self._app.id,
                    variant_id,
                    self._app.settings.default_safety_stock,
                )
                self._new.add(pool.id)
            elif pool.id in self._by_id:
                pool = self._by_id[pool.id]  # the copy this batch already changed
            self._keep(pool)
        return self._by_variant[variant_id]

    def touched(self, pool: InventoryPool) -> None:
        self._touched.add(pool.id)

    async def write(self) -> None:
        for pool_id in sorted(self._touched):
            pool = self._by_id[pool_id]
            if pool_id in self._new:
                await self._uow.inventory_pools.add(pool)
            else:
                await self._uow.inventory_pools.update(pool)

    def _keep(self, pool: InventoryPool) -> None:
        self._by_id[pool.id] = pool
        self._by_variant[pool.variant_id] = pool
