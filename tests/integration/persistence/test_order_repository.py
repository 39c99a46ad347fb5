"""Order repository contract (the fake, SQLite, PostgreSQL) and batch saves (SQLAlchemy)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from adapters.persistence.tables import orders
from domain.channel import TikTokOrderData
from domain.errors import OrderAlreadyExists, OrderNotFound, StaleWrite
from domain.events import OrderImported
from domain.ids import OrderId, ShoplineOrderId
from tests.integration.persistence.builders import (
    APP,
    OTHER_SHOP,
    SHOP,
    at,
    imported_order,
    order,
    seed,
    state_of,
)

SHOPS = ((SHOP, APP), (OTHER_SHOP, APP))
ORDER = OrderId("576461413038785752")


async def test_added_orders_read_back_with_every_field(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    async with backend.new_uow() as uow:
        await uow.orders.add(order())
        await uow.orders.add(imported_order())
        await uow.commit()
    async with backend.new_uow() as uow:
        loaded = await uow.orders.get(SHOP, ORDER)
        imported = await uow.orders.find(SHOP, imported_order().id)
    assert state_of(loaded) == state_of(order())
    assert imported is not None and state_of(imported) == state_of(imported_order())
    assert loaded.total.amount == Decimal("20.40") and str(loaded.lines[1].subtotal.amount) == "0.30"


async def test_missing_and_duplicate_orders(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    async with backend.new_uow() as uow:
        with pytest.raises(OrderNotFound):
            await uow.orders.get(SHOP, OrderId("nope"))
        assert await uow.orders.find(SHOP, OrderId("nope")) is None
        with pytest.raises(OrderNotFound):
            await uow.orders.delete(SHOP, OrderId("nope"))
        with pytest.raises(OrderNotFound):
            await uow.orders.update(order("nope"))
        await uow.orders.add(order())
        await uow.commit()
    async with backend.new_uow() as uow:
        with pytest.raises(OrderAlreadyExists):
            await uow.orders.add(order())


async def test_the_same_order_id_in_two_shops_is_two_orders(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, shops=SHOPS)
    async with backend.new_uow() as uow:
        await uow.orders.add(order(shop_id=SHOP))
        await uow.orders.add(order(shop_id=OTHER_SHOP))
        await uow.commit()
    async with backend.new_uow() as uow:
        assert (await uow.orders.get(OTHER_SHOP, ORDER)).shop_id == OTHER_SHOP


async def test_update_is_kept_and_its_events_published(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    async with backend.new_uow() as uow:
        await uow.orders.add(order())
        await uow.commit()
    async with backend.new_uow() as uow:
        loaded = await uow.orders.get(SHOP, ORDER)
        loaded.mark_imported(ShoplineOrderId("sl-77"), at(40))
        await uow.orders.update(loaded)
        await uow.commit()
    async with backend.new_uow() as uow:
        assert state_of(await uow.orders.get(SHOP, ORDER)) == state_of(loaded)
    assert [type(e) for e in backend.publisher.published] == [OrderImported]


async def test_list_pages_by_keyset_within_the_shop(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, shops=SHOPS)
    ids = [f"5764614130387857{i:02d}" for i in range(7)]
    async with backend.new_uow() as uow:
        for order_id in ids:
            await uow.orders.add(order(order_id))
        await uow.orders.add(order("0", OTHER_SHOP))
        await uow.orders.add(order("9", OTHER_SHOP))
        await uow.commit()
    collected: list[str] = []
    after = None
    async with backend.new_uow() as uow:
        while True:
            page = await uow.orders.list(SHOP, page_size=3, after=after)
            collected += [o.id for o in page.items]
            if page.next_cursor is None:
                break
            after = page.next_cursor
        assert (await uow.orders.list(SHOP, page_size=0, after=None)).items[0].id == ids[0]
    assert collected == ids


async def test_delete_and_delete_for_shop(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, shops=SHOPS)
    async with backend.new_uow() as uow:
        for i in range(3):
            await uow.orders.add(order(f"o-{i}", SHOP))
        await uow.orders.add(order("o-0", OTHER_SHOP))
        await uow.commit()
    async with backend.new_uow() as uow:
        await uow.orders.delete(SHOP, OrderId("o-0"))
        assert await uow.orders.delete_for_shop(SHOP) == 2
        assert await uow.orders.delete_for_shop(SHOP) == 0
        await uow.commit()
    async with backend.new_uow() as uow:
        assert (await uow.orders.list(SHOP, page_size=10, after=None)).items == []
        assert await uow.orders.find(OTHER_SHOP, OrderId("o-0")) is not None


async def test_count_for_shop(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, shops=SHOPS)
    async with backend.new_uow() as uow:
        for i in range(4):
            await uow.orders.add(order(f"o-{i}", SHOP))
        await uow.orders.add(order("o-0", OTHER_SHOP))
        await uow.commit()
    async with backend.new_uow() as uow:
        assert await uow.orders.count_for_shop(SHOP) == 4
        assert await uow.orders.count_for_shop(OTHER_SHOP) == 1


async def test_find_many_and_save_many(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    async with backend.new_uow() as uow:
        await uow.orders.save_many([order("o-1"), order("o-2")])
        await uow.commit()
    async with backend.new_uow() as uow:
        found = await uow.orders.find_many(
            SHOP, [OrderId("o-2"), OrderId("o-1"), OrderId("o-9"), OrderId("o-1")]
        )
        assert sorted(found) == ["o-1", "o-2"]
        found[OrderId("o-1")].mark_imported(ShoplineOrderId("sl-5"), at(5))
        await uow.orders.save_many([found[OrderId("o-1")], order("o-3")])
        await uow.commit()
    async with backend.new_uow() as uow:
        assert (await uow.orders.get(SHOP, OrderId("o-1"))).import_status.shopline_order_id == "sl-5"
        assert state_of(await uow.orders.get(SHOP, OrderId("o-3"))) == state_of(order("o-3"))
        assert await uow.orders.find_many(SHOP, []) == {}
    assert [type(e) for e in backend.publisher.published] == [OrderImported]


# --- SQLAlchemy only ------------------------------------------------------------------------


async def test_money_is_stored_as_exact_decimal_text(sql_backend) -> None:  # type: ignore[no-untyped-def]
    await seed(sql_backend)
    async with sql_backend.new_uow() as uow:
        await uow.orders.add(order())
        await uow.commit()
    async with sql_backend.engine.connect() as conn:
        row = (await conn.execute(select(orders.c.total_amount, orders.c.lines).select_from(orders))).one()
    assert row.total_amount == Decimal("20.40")
    assert [line["subtotal"] for line in row.lines] == ["20.10", "0.30"]


async def test_concurrent_update_is_a_stale_write(sql_backend) -> None:  # type: ignore[no-untyped-def]
    await seed(sql_backend)
    async with sql_backend.new_uow() as uow:
        await uow.orders.add(order())
        await uow.commit()
    async with sql_backend.new_uow() as first:
        mine = await first.orders.get(SHOP, ORDER)
        async with sql_backend.new_uow() as second:
            theirs = await second.orders.get(SHOP, ORDER)
            theirs.mark_imported(ShoplineOrderId("sl-1"), at(1))
            await second.orders.update(theirs)
            await second.commit()
        mine.mark_import_failed("timeout", at(2))
        with pytest.raises(StaleWrite):
            await first.orders.update(mine)


def _snapshot(order_id: str, update_minutes: int, status: str = "AWAITING_SHIPMENT") -> TikTokOrderData:
    base = order(order_id)
    return TikTokOrderData(
        order_id=base.id,
        status=status,
        create_time=base.create_time,
        update_time=at(update_minutes),
        currency="GBP",
        total=base.total,
        line_items=(),
    )


async def test_save_many_adds_and_updates_a_large_batch(sql_backend) -> None:  # type: ignore[no-untyped-def]
    await seed(sql_backend)
    first_half = [order(f"o-{i:04d}") for i in range(300)]
    async with sql_backend.new_uow() as uow:
        await uow.orders.save_many(first_half)
        await uow.commit()
    async with sql_backend.new_uow() as uow:
        existing = await uow.orders.find_many(SHOP, [OrderId(f"o-{i:04d}") for i in range(600)])
        assert len(existing) == 300
        for stored in existing.values():
            stored.apply_update(_snapshot(stored.id, 100, "IN_TRANSIT"))
        fresh = [order(f"o-{i:04d}") for i in range(300, 600)]
        await uow.orders.save_many([*existing.values(), *fresh])
        await uow.commit()
    async with sql_backend.new_uow() as uow:
        page = await uow.orders.list(SHOP, page_size=1000, after=None)
    assert len(page.items) == 600
    assert {o.status.value for o in page.items[:300]} == {"IN_TRANSIT"}
    assert state_of(page.items[450]) == state_of(order("o-0450"))


async def test_save_many_refuses_orders_changed_or_added_meanwhile(sql_backend) -> None:  # type: ignore[no-untyped-def]
    await seed(sql_backend)
    async with sql_backend.new_uow() as uow:
        await uow.orders.save_many([order("o-1")])
        await uow.commit()
    async with sql_backend.new_uow() as first:
        mine = await first.orders.get(SHOP, OrderId("o-1"))
        async with sql_backend.new_uow() as second:
            theirs = await second.orders.get(SHOP, OrderId("o-1"))
            theirs.apply_update(_snapshot("o-1", 5))
            await second.orders.save_many([theirs, order("o-2")])
            await second.commit()
        mine.apply_update(_snapshot("o-1", 6))
        with pytest.raises(StaleWrite):
            await first.orders.save_many([mine])
    async with sql_backend.new_uow() as uow:
        with pytest.raises(StaleWrite):
            await uow.orders.save_many([order("o-2")])  # added by someone else, never read here
