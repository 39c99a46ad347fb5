"""Open order lines (the fake, SQLite, PostgreSQL): an order's lines are found by SKU exactly
while it holds stock; and the SKU-link guard makes an order's stock effects wait for a link change."""

from __future__ import annotations

import asyncio

import pytest

from domain.channel import BuyerInfo, TikTokOrderData
from domain.ids import ChannelSkuId, OrderId, ShoplineOrderId
from domain.money import Money
from domain.order import OpenOrderLine
from tests.integration.persistence.builders import APP, OTHER_SHOP, SHOP, at, imported_order, order, seed

SKU_1 = ChannelSkuId("sku-1")
SKU_2 = ChannelSkuId("sku-2")
ORDER = OrderId("576461413038785752")
SHOPS = ((SHOP, APP), (OTHER_SHOP, APP))


def cancelled_update(order_id: OrderId) -> TikTokOrderData:
    return TikTokOrderData(
        order_id=order_id,
        status="CANCELLED",
        create_time=at(-60),
        update_time=at(-10),
        currency="GBP",
        total=Money.zero("GBP"),
        line_items=(),
        buyer=BuyerInfo(),
    )


async def test_a_stock_holding_order_shows_its_lines_by_sku_in_its_own_shop(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, shops=SHOPS)
    async with backend.new_uow() as uow:
        await uow.orders.save_many([order(), imported_order(), order(shop_id=OTHER_SHOP)])
        await uow.commit()
    async with backend.new_uow() as uow:
        found = await uow.orders.open_lines(SHOP, [SKU_1, SKU_2, ChannelSkuId("sku-x")])
        only_second = await uow.orders.open_lines(SHOP, [SKU_2])
    assert found == [OpenOrderLine(SHOP, ORDER, SKU_1, 2), OpenOrderLine(SHOP, ORDER, SKU_2, 1)]
    assert only_second == [OpenOrderLine(SHOP, ORDER, SKU_2, 1)]


async def test_lines_leave_when_the_order_stops_holding_stock(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, shops=SHOPS)
    async with backend.new_uow() as uow:
        await uow.orders.add(order())
        await uow.orders.add(order("576461413038785753"))
        await uow.orders.add(order(shop_id=OTHER_SHOP))
        await uow.commit()
    async with backend.new_uow() as uow:
        cancelled = await uow.orders.get(SHOP, ORDER)
        cancelled.apply_update(cancelled_update(ORDER), at(1))
        imported = await uow.orders.get(SHOP, OrderId("576461413038785753"))
        imported.mark_imported(ShoplineOrderId("sl-2"), at(1))
        await uow.orders.save_many([cancelled])
        await uow.orders.update(imported)
        await uow.commit()
    async with backend.new_uow() as uow:
        assert await uow.orders.open_lines(SHOP, [SKU_1, SKU_2]) == []
        assert len(await uow.orders.open_lines(OTHER_SHOP, [SKU_1, SKU_2])) == 2
        await uow.orders.delete_for_shop(OTHER_SHOP)
        await uow.commit()
    async with backend.new_uow() as uow:
        assert await uow.orders.open_lines(OTHER_SHOP, [SKU_1, SKU_2]) == []


async def test_order_effects_wait_for_a_link_change_of_their_skus(sql_backend) -> None:  # type: ignore[no-untyped-def]
    await seed(sql_backend)
    happened: list[str] = []
    link_change_guarded = asyncio.Event()

    async def link_change() -> None:
        async with sql_backend.new_uow() as uow:
            await uow.inventory_pools.guard_sku_links(SHOP, [SKU_2, SKU_1], changing=True)
            link_change_guarded.set()
            await asyncio.sleep(0.3)
            happened.append("link change committed")
            await uow.commit()

    async def order_effects() -> None:
        await link_change_guarded.wait()
        async with sql_backend.new_uow() as uow:
            await uow.inventory_pools.guard_sku_links(SHOP, [SKU_1], changing=False)
            happened.append("order effects guarded")
            await uow.commit()

    await asyncio.gather(link_change(), order_effects())
    assert happened == ["link change committed", "order effects guarded"]


async def test_order_effects_share_the_guard(sql_backend) -> None:  # type: ignore[no-untyped-def]
    if sql_backend.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: only PostgreSQL lets guards be shared")
    await seed(sql_backend)
    async with sql_backend.new_uow() as first, sql_backend.new_uow() as second:
        await first.inventory_pools.guard_sku_links(SHOP, [SKU_1, SKU_2], changing=False)
        await asyncio.wait_for(second.inventory_pools.guard_sku_links(SHOP, [SKU_1], changing=False), 10)
        await first.commit()
        await second.commit()
