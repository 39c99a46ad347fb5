"""What channel orders do to the shared inventory pools, inside the order's own transaction.

Every pool is read under its write lock (ascending pool id, so two orders never wait on each
other in a cycle) with only the order's own reservations loaded; the others count through the
pool's stored ``held``, so a hot pool's cost does not grow with its open orders. Concurrent
orders on one hot SKU queue on the pool row and each sees the holds of the ones before it, so
exactly the units in stock are covered and the rest is recorded as oversold. The pool repository
writes each linked SKU's new quantity to push in the same transaction, so an order's effect on
TikTok stock cannot be lost.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime

from domain.errors import ReservationAlreadyCommitted, ReservationNotFound
from domain.events import DomainEvent, LineQuantity, OrderImported, OrderLinesReserved, OrderReleased
from domain.ids import ChannelSkuId, OrderId, PoolId, ShopId, ShoplineVariantId
from domain.inventory_pool import InventoryPool, OnHandObservation, ReservationKey
from domain.ports import Clock, IdGenerator, UnitOfWork

log = logging.getLogger("mcc.inventory")


class StockEffects:
    def __init__(self, clock: Clock, id_generator: IdGenerator) -> None:
        self._clock = clock
        self._ids = id_generator

    async def apply(self, uow: UnitOfWork, events: Sequence[DomainEvent]) -> None:
        """Inside the caller's transaction (before its commit): ``OrderLinesReserved`` reserves on
        the pool of each linked SKU, ``OrderReleased`` releases; lines of unlinked SKUs are
        skipped; other events are ignored.

        Every pool the events touch is locked first, all in ascending id order, and written
        once: a caller passing a whole batch's events in one call cannot deadlock with another."""
        stock_events = [e for e in events if isinstance(e, OrderLinesReserved | OrderReleased)]
        if not stock_events:
            return
        linked_by_shop = await _guarded_links(uow, stock_events)
        plans: list[tuple[OrderLinesReserved | OrderReleased, dict[ChannelSkuId, PoolId] | set[PoolId]]] = []
        reserving: dict[tuple[ShopId, OrderId], set[PoolId]] = {}
        keys: set[ReservationKey] = set()
        for event in stock_events:
            if isinstance(event, OrderLinesReserved):
                shop_links = linked_by_shop[event.shop_id]
                linked = {
                    line.sku_id: shop_links[line.sku_id] for line in event.lines if line.sku_id in shop_links
                }
                reserving.setdefault((event.shop_id, event.order_id), set()).update(linked.values())
                plans.append((event, linked))
            elif isinstance(event, OrderReleased):
                holding = set(await uow.inventory_pools.pool_ids_for_order(event.shop_id, event.order_id))
                # Reserved by an earlier event of this same call: not in the database yet.
                holding |= reserving.get((event.shop_id, event.order_id), set())
                plans.append((event, holding))
            keys.update(ReservationKey(event.shop_id, event.order_id, line.sku_id) for line in event.lines)
        wanted = {pool_id for _, target in plans for pool_id in _pool_ids(target)}
        if not wanted:
            return
        now = self._clock.now()
        pools = {pool.id: pool for pool in await _locked(uow, wanted, sorted(keys))}
        for event, target in plans:
            for line in event.lines:
                key = ReservationKey(event.shop_id, event.order_id, line.sku_id)
                if isinstance(event, OrderLinesReserved) and isinstance(target, dict):
                    linked_pool = target.get(line.sku_id)
                    if linked_pool is not None:
                        pools[linked_pool].reserve(key, line.quantity, now)
                else:
                    for holding_pool in sorted(_pool_ids(target)):
                        _release_line(pools[holding_pool], key, now)
        for pool in pools.values():
            pool.prune_finished(now)
            await uow.inventory_pools.update(pool)

    async def commit_imported(
        self,
        uow: UnitOfWork,
        event: OrderImported,
        observations: Mapping[ShoplineVariantId, OnHandObservation],
    ) -> None:
        """Inside the caller's transaction: commits the order's reservations together with the
        on-hand observed after the SHOPLINE import; pools of the order's other linked SKUs take
        the observation too."""
        now = self._clock.now()
        await uow.inventory_pools.guard_sku_links(event.shop_id, _skus(event.lines), changing=False)
        holding = set(await uow.inventory_pools.pool_ids_for_order(event.shop_id, event.order_id))
        linked = await uow.inventory_pools.pool_ids_for_skus(event.shop_id, _skus(event.lines))
        keys = [ReservationKey(event.shop_id, event.order_id, line.sku_id) for line in event.lines]
        for pool in await _locked(uow, holding | set(linked.values()), keys):
            observation = observations.get(pool.variant_id)
            committed = False
            if event.had_reservations:
                for line in event.lines:
                    key = ReservationKey(event.shop_id, event.order_id, line.sku_id)
                    if key in pool.reservations:
                        pool.commit(key, observation, now)
                        committed = True
            if not committed and observation is not None:
                pool.observe_on_hand(observation)
            pool.prune_finished(now)
            await uow.inventory_pools.update(pool)


async def _guarded_links(
    uow: UnitOfWork, events: Sequence[OrderLinesReserved | OrderReleased]
) -> dict[ShopId, dict[ChannelSkuId, PoolId]]:
    """Per shop: guards every SKU the events name against link changes until the commit, then
    reads the links of the SKUs to reserve (one query per shop, however many orders)."""
    skus: dict[ShopId, set[ChannelSkuId]] = {}
    to_reserve: dict[ShopId, set[ChannelSkuId]] = {}
    for event in events:
        skus.setdefault(event.shop_id, set()).update(line.sku_id for line in event.lines)
        if isinstance(event, OrderLinesReserved):
            to_reserve.setdefault(event.shop_id, set()).update(line.sku_id for line in event.lines)
    linked: dict[ShopId, dict[ChannelSkuId, PoolId]] = {}
    for shop_id in sorted(skus):
        await uow.inventory_pools.guard_sku_links(shop_id, skus[shop_id], changing=False)
        linked[shop_id] = await uow.inventory_pools.pool_ids_for_skus(shop_id, to_reserve.get(shop_id, ()))
    return linked


def _release_line(pool: InventoryPool, key: ReservationKey, now: datetime) -> None:
    try:
        pool.release(key, now)
    except ReservationNotFound:
        return  # this line was reserved in another pool, or never (its SKU was unlinked then)
    except ReservationAlreadyCommitted:
        # The order reached SHOPLINE: its cancellation restocks there, not here.
        log.info("release skipped for a committed reservation pool_id=%s key=%s", pool.id, key)


def _pool_ids(target: dict[ChannelSkuId, PoolId] | set[PoolId]) -> set[PoolId]:
    return set(target.values()) if isinstance(target, dict) else target


def _skus(lines: Sequence[LineQuantity]) -> list[ChannelSkuId]:
    return sorted({line.sku_id for line in lines})


async def _locked(
    uow: UnitOfWork, pool_ids: set[PoolId], keys: Sequence[ReservationKey]
) -> list[InventoryPool]:
    """The pools under their write locks, each with only the order's own reservations loaded."""
    return [await uow.inventory_pools.lock(pool_id, keys) for pool_id in sorted(pool_ids)]
