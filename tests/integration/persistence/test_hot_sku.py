"""One hot SKU: concurrent orders reserving on one pool queue on its row lock, none is lost."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from domain.events import LineQuantity, OrderLinesReserved
from domain.ids import AppId, ChannelProductId, ChannelSkuId, OrderId, PoolId, ShopId, ShoplineVariantId
from domain.inventory_pool import InventoryPool, OnHandObservation, ReservationState
from domain.ports import PoolFilter
from services.inventory.stock_effects import StockEffects
from tests.fakes import FakeClock, FakeEventPublisher, FakeIdGenerator
from tests.integration.persistence.builders import APP, SHOP, at, seed

ORDERS = 200
STOCK = 50
SKUS = [ChannelSkuId(f"hot-sku-{n}") for n in range(3)]
POOL = PoolId("hot-pool")


async def test_200_concurrent_orders_on_50_units_cover_exactly_50(uow_factory) -> None:  # type: ignore[no-untyped-def]
    await seed(SimpleNamespace(new_uow=uow_factory, publisher=FakeEventPublisher()))
    pool = InventoryPool.open(POOL, AppId(APP), ShoplineVariantId("hot-variant"))
    pool.observe_on_hand(OnHandObservation(STOCK, at(1)))
    for sku in SKUS:
        pool.link_sku(sku, ShopId(SHOP), product_id=ChannelProductId(f"product-{sku}"))
    async with uow_factory() as uow:
        await uow.inventory_pools.add(pool)
        await uow.commit()

    effects = StockEffects(FakeClock(at(2)), FakeIdGenerator())

    async def order(n: int) -> None:
        event = OrderLinesReserved(
            AppId(APP), ShopId(SHOP), OrderId(f"order-{n:04d}"), (LineQuantity(SKUS[n % len(SKUS)], 1),)
        )
        async with uow_factory() as uow:
            await effects.apply(uow, [event])
            await uow.commit()

    await asyncio.gather(*(order(n) for n in range(ORDERS)))

    async with uow_factory() as uow:
        stored = await uow.inventory_pools.get(POOL)
        flagged = await uow.inventory_pools.list_filtered(
            AppId(APP), PoolFilter(oversold_only=True), page_size=10, after=None
        )
        pushes = await uow.push_states.for_pool(POOL)
    held = [r for r in stored.reservations.values() if r.state is ReservationState.HELD]
    assert len(held) == ORDERS  # no lost update
    assert (stored.held, stored.available, stored.oversold) == (ORDERS, 0, ORDERS - STOCK)
    assert stored.held - stored.oversold == STOCK  # exactly the units in stock are covered
    assert [p.id for p in flagged.items] == [POOL]
    assert {(p.sku_id, p.desired) for p in pushes} == {(sku, 0) for sku in SKUS}
