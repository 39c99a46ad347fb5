"""Order repository contract (the fake, SQLite, PostgreSQL) and batch saves (SQLAlchemy)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import select

from adapters.persistence.tables import orders
from domain.channel import TikTokOrderData
from domain.errors import OrderAlreadyExists, OrderNotFound, StaleWrite
from domain.events import OrderImported
from domain.ids import AppId, OrderId, ShopId, ShoplineOrderId
from domain.money import Money
from domain.order import (
    Cancellation,
    CancellationState,
    ImportState,
    ImportStatus,
    Order,
    OrderAmounts,
    OrderFilter,
    OrderStatus,
)
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


def _priced(order_id: str, shop_id: str = SHOP, created_minutes: int = 0) -> Order:
    """An order with the full money breakdown, cancellation times and import attempts."""
    base = order(order_id, shop_id)
    return Order(
        order_id=base.id,
        app_id=base.app_id,
        shop_id=base.shop_id,
        tiktok_shop_id=base.tiktok_shop_id,
        status=OrderStatus.AWAITING_SHIPMENT,
        currency="GBP",
        total=Money(Decimal("21.90"), "GBP"),
        lines=tuple(
            replace(line, original_subtotal=line.subtotal + Money(Decimal("1.25"), "GBP"))
            for line in base.lines
        ),
        buyer=base.buyer,
        create_time=at(created_minutes),
        update_time=at(created_minutes + 1),
        first_seen_at=at(created_minutes + 2),
        cancellation=Cancellation(CancellationState.REJECTED, "c-1", at(50), "changed mind", at(20), at(21)),
        import_status=ImportStatus(ImportState.FAILED, None, "SHOPLINE 422", at(30), 2),
        amounts=OrderAmounts(
            subtotal=Money(Decimal("22.90"), "GBP"),
            discount=Money(Decimal("2.5025"), "GBP"),
            shipping_fee=Money(Decimal("1.50"), "GBP"),
            tax=Money(Decimal("0.35"), "GBP"),
        ),
        paid_time=at(3),
        synced_at=at(4),
    )


async def test_the_money_breakdown_and_order_history_read_back(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    async with backend.new_uow() as uow:
        await uow.orders.save_many([_priced("o-1")])
        await uow.commit()
    async with backend.new_uow() as uow:
        loaded = await uow.orders.get(SHOP, OrderId("o-1"))
    assert state_of(loaded) == state_of(_priced("o-1"))
    assert loaded.lines[0].original_subtotal == Money(Decimal("21.35"), "GBP")


async def test_search_is_newest_first_filtered_and_paged(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, shops=SHOPS)
    async with backend.new_uow() as uow:
        await uow.orders.save_many([_priced(f"o-{n}", created_minutes=n) for n in range(5)])
        await uow.orders.save_many([_priced("o-9", OTHER_SHOP, created_minutes=2), order("plain")])
        await uow.commit()
    everything = OrderFilter(AppId(APP))
    async with backend.new_uow() as uow:
        first = await uow.orders.search(everything, page_size=3, after=None)
        rest = await uow.orders.search(everything, page_size=10, after=first.next_cursor)
        failed = await uow.orders.search(
            OrderFilter(
                AppId(APP),
                ShopId(SHOP),
                import_state=ImportState.FAILED,
                created_from=at(1),
                created_before=at(4),
            ),
            page_size=10,
            after=None,
        )
    assert [(o.shop_id, o.id) for o in first.items] == [(SHOP, "o-4"), (SHOP, "o-3"), (OTHER_SHOP, "o-9")]
    assert [o.id for o in rest.items] == ["o-2", "o-1", "o-0", "plain"]
    assert rest.next_cursor is None
    assert [o.id for o in failed.items] == ["o-3", "o-2", "o-1"]


async def test_the_reporting_columns_are_written_by_batch_saves(sql_backend) -> None:  # type: ignore[no-untyped-def]
    await seed(sql_backend)
    async with sql_backend.new_uow() as uow:
        await uow.orders.save_many([_priced("o-1")])
        await uow.commit()
    columns = (
        orders.c.unit_count,
        orders.c.gross_e4,
        orders.c.discount_e4,
        orders.c.net_e4,
        orders.c.buyer_key,
        orders.c.paid_time,
    )
    async with sql_backend.engine.connect() as conn:
        row = (await conn.execute(select(*columns))).one()
    assert tuple(row) == (3, 229_000, 25_025, 203_975, "buyer-1", at(3))


async def test_orders_owing_shopline_fulfillments_are_found_across_shops(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, shops=SHOPS)
    owing = imported_order()  # pkg-2 is under way and not mirrored yet
    async with backend.new_uow() as uow:
        await uow.orders.add(owing)
        await uow.orders.add(imported_order("576461413038785998", OTHER_SHOP))
        await uow.orders.add(order())
        await uow.commit()
    async with backend.new_uow() as uow:
        found = await uow.orders.owing_shopline_fulfillments(limit=10)
        assert [(o.shop_id, o.id) for o in found] == [
            (SHOP, owing.id),
            (OTHER_SHOP, OrderId("576461413038785998")),
        ]
        mirrored = found[0]
        mirrored.record_mirrored("pkg-2", "ful-2")
        await uow.orders.update(mirrored)
        await uow.commit()
    async with backend.new_uow() as uow:
        assert [o.shop_id for o in await uow.orders.owing_shopline_fulfillments(limit=10)] == [OTHER_SHOP]
        assert len(await uow.orders.owing_shopline_fulfillments(limit=0)) == 0
