"""Recipient data on imported orders, the app's default email, TikTok's address updates (webhook 3)
and orders fulfilled by TikTok, over the stateful fakes."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from domain.app import AppSettings
from domain.channel import BuyerInfo, TikTokOrderData
from domain.errors import OrderNotImportable
from domain.ids import OrderId, PoolId
from domain.logistics import (
    AddressPart,
    FulfillmentType,
    OrderLogistics,
    RecipientAddress,
    ShippingType,
)
from domain.order import ImportState, OrderFilter, OrderStatus, StockState
from domain.order.recipient import BUYER_MESSAGE, DELIVERY_OPTION, RTS_SLA_TIME
from tests.services import test_orders as orders
from tests.services.support_tasks import APP as HOOK_APP
from tests.services.support_tasks import CIPHER as HOOK_CIPHER
from tests.services.support_tasks import SHOP as HOOK_SHOP
from tests.services.support_webhooks import HANDLE as HOOK_HANDLE
from tests.services.support_webhooks import WebhookWorld
from tests.services.test_orders import HANDLE, NOW, World, linked_pool, ref, world

MASKED = RecipientAddress(
    name="J*** D***",
    phone="(+44)77*****21",
    full_address="1*** H*** S***, London, SW1A 1AA",
    address_lines=("1*** H*** Street", "Flat *"),
    postal_code="SW1A 1AA",
    region_code="GB",
    districts=(
        AddressPart("Country", "United Kingdom"),
        AddressPart("State", "England"),
        AddressPart("County", "Greater London"),
    ),
    post_town="London",
)
SELLER_SHIPPED = OrderLogistics(
    shipping_type=ShippingType.SELLER,
    delivery_option_id="7091146663855343361",
    delivery_option_name="Standard shipping",
    buyer_message="Please leave it at the door",
    rts_sla_time=NOW + timedelta(days=2),
    tts_sla_time=NOW + timedelta(days=3),
    shipping_due_time=NOW + timedelta(days=4),
)
TIKTOK_SHIPPED = OrderLogistics(shipping_type=ShippingType.TIKTOK, delivery_option_name="Standard shipping")
FBT = OrderLogistics(fulfillment_type=FulfillmentType.BY_TIKTOK)
RELAY_EMAIL = "v2b2V5@chat.seller.tiktok.com"


def tiktok_order(
    logistics: OrderLogistics = SELLER_SHIPPED,
    recipient: RecipientAddress = MASKED,
    email: str = "buyer@example.com",
    **options: object,
) -> TikTokOrderData:
    data = orders.tiktok_order(**options)  # type: ignore[arg-type]
    return replace(
        data, logistics=logistics, recipient=recipient, buyer=BuyerInfo("buyer-1", email, "J*** D***")
    )


async def set_default_email(w: World, email: str) -> None:
    async with w.uow() as uow:
        app = await uow.apps.get(orders.APP)
        app.change_settings(replace(app.settings, default_email=email), w.clock.now())
        await uow.apps.update(app)
        await uow.commit()


# --- recipient data ----------------------------------------------------------------------------


async def test_an_imported_order_carries_the_masked_address_phone_and_tiktoks_notes() -> None:
    w = await world()
    w.publish(tiktok_order())
    await w.sync()
    [(created, _)] = w.shopline_orders()
    address = created.shipping_address
    assert address is not None
    assert (address.first_name, address.last_name, address.phone) == ("J***", "D***", "(+44)77*****21")
    assert (address.address1, address.address2) == ("1*** H*** Street", "Flat *")
    assert (address.city, address.province, address.area) == ("London", "England", "Greater London")
    assert (address.country, address.country_code, address.zip) == ("United Kingdom", "GB", "SW1A 1AA")
    assert address.email == "buyer@example.com"
    notes = {attribute.name: attribute.value for attribute in created.note_attributes}
    assert notes[BUYER_MESSAGE] == "Please leave it at the door"
    assert notes[DELIVERY_OPTION] == "Standard shipping (7091146663855343361)"
    assert notes[RTS_SLA_TIME] == (NOW + timedelta(days=2)).isoformat()
    assert created.buyer_note == "Please leave it at the door"
    assert created.decrement_stock


async def test_a_tiktok_shipped_order_with_a_hidden_email_fails_until_the_default_email_is_set() -> None:
    w = await world()
    w.publish(tiktok_order(TIKTOK_SHIPPED, email=RELAY_EMAIL))
    await w.sync()
    assert w.shopline_orders() == []
    failed = await w.order()
    assert failed.import_status.state is ImportState.FAILED
    assert "default email" in (failed.import_status.failure_reason or "")
    with pytest.raises(OrderNotImportable) as refused:
        await w.commands.import_order(ref(), None)
    assert refused.value.why == "DEFAULT_EMAIL_MISSING"

    await set_default_email(w, "orders@shop.example")
    imported = await w.commands.import_order(ref(), None)
    assert imported.import_status.state is ImportState.IMPORTED
    [(created, _)] = w.shopline_orders()
    assert created.buyer.email == "orders@shop.example"
    assert created.shipping_address is not None and created.shipping_address.email == "orders@shop.example"


async def test_a_seller_shipped_order_keeps_the_buyers_own_email_and_needs_no_default() -> None:
    w = await world()
    w.publish(tiktok_order(SELLER_SHIPPED, email=RELAY_EMAIL))
    await w.sync()
    [(created, _)] = w.shopline_orders()
    assert created.buyer.email == RELAY_EMAIL


async def test_an_order_waiting_for_import_says_the_default_email_is_missing() -> None:
    w = await world(auto_import=False)
    w.publish(tiktok_order(TIKTOK_SHIPPED, email=""))
    await w.sync()
    [view] = (await w.queries.list(OrderFilter(orders.APP), page_size=10, after=None)).items
    assert view.order.import_status.state is ImportState.NOT_IMPORTED
    assert "default email" in view.waiting_reason


# --- address updates (webhook 3) ---------------------------------------------------------------


async def test_an_address_change_reaches_the_shopline_order_until_it_ships() -> None:
    w = await world()
    w.publish(tiktok_order())
    await w.sync()
    [(_, shopline_ref)] = w.shopline_orders()
    moved = replace(MASKED, address_lines=("2*** N*** Road",), postal_code="E1 6AN")
    w.publish(tiktok_order(recipient=moved, update=NOW - timedelta(minutes=10)))
    order = await _refreshed(w)
    await w.importer.follow_recipient_address(order)
    assert w.shopline.store(HANDLE).shipping_addresses[shopline_ref.order_id].zip == "E1 6AN"

    w.shopline.mark_fulfilled(HANDLE, shopline_ref.order_id)
    again = replace(moved, postal_code="N1 9GU")
    w.publish(tiktok_order(recipient=again, update=NOW - timedelta(minutes=5)))
    await w.importer.follow_recipient_address(await _refreshed(w))
    assert w.shopline.store(HANDLE).shipping_addresses[shopline_ref.order_id].zip == "E1 6AN"


async def test_an_address_change_after_tiktok_shipped_leaves_the_shopline_order_alone() -> None:
    w = await world()
    w.publish(tiktok_order())
    await w.sync()
    [(_, shopline_ref)] = w.shopline_orders()
    moved = replace(MASKED, postal_code="E1 6AN")
    w.publish(tiktok_order(recipient=moved, status="IN_TRANSIT", update=NOW - timedelta(minutes=10)))
    await w.importer.follow_recipient_address(await _refreshed(w))
    assert w.shopline.store(HANDLE).shipping_addresses[shopline_ref.order_id].zip == "SW1A 1AA"
    assert "update_order_shipping_address" not in w.shopline.calls


async def _refreshed(w: World):  # type: ignore[no-untyped-def]
    w.clock.advance(timedelta(minutes=1))
    await w.sync()
    return await w.order()


# --- fulfilled by TikTok -----------------------------------------------------------------------


async def test_an_fbt_order_never_touches_the_pool_and_imports_without_decrementing_stock() -> None:
    w = await world(scope=orders.ImportScope.ONLY_LINKED)
    variant = await linked_pool(w)
    await set_default_email(w, "orders@shop.example")
    w.publish(tiktok_order(FBT, status="ON_HOLD", email=""))
    await w.sync()
    order = await w.order()
    assert order.fulfilled_by_tiktok and order.stock_state is StockState.NONE and order.open_lines() == ()
    async with w.uow() as uow:
        pool = await uow.inventory_pools.get(PoolId("pool-1"))
    assert (pool.on_hand, pool.held, pool.reservations) == (10, 0, {})

    w.clock.advance(timedelta(minutes=1))
    w.publish(tiktok_order(FBT, status="AWAITING_SHIPMENT", email="", update=NOW))
    await w.sync()
    [(created, shopline_ref)] = w.shopline_orders()
    assert not created.decrement_stock
    assert (await w.order()).import_status.state is ImportState.IMPORTED
    level = next(iter(w.shopline.store(HANDLE).levels.values()))
    assert level.variant_id == variant.variant_id and level.available == 10
    async with w.uow() as uow:
        pool = await uow.inventory_pools.get(PoolId("pool-1"))
    assert (pool.on_hand, pool.held, pool.reservations) == (10, 0, {})

    # Cancelled on TikTok after the import: SHOPLINE cancels without restocking what it never gave.
    w.clock.advance(timedelta(minutes=1))
    w.publish(tiktok_order(FBT, status="CANCELLED", email="", update=NOW + timedelta(minutes=1)))
    await w.sync()
    assert w.shopline.store(HANDLE).orders[shopline_ref.order_id][1].status == "cancelled"
    assert next(iter(w.shopline.store(HANDLE).levels.values())).available == 10
    async with w.uow() as uow:
        pool = await uow.inventory_pools.get(PoolId("pool-1"))
    assert (pool.on_hand, pool.held) == (10, 0)


async def test_a_seller_order_next_to_an_fbt_order_still_holds_its_units() -> None:
    w = await world(scope=orders.ImportScope.ONLY_LINKED, auto_import=False)
    await linked_pool(w)
    w.publish(tiktok_order(FBT, order_id="1", status="AWAITING_SHIPMENT"))
    w.publish(tiktok_order(SELLER_SHIPPED, order_id="2", status="AWAITING_SHIPMENT"))
    await w.sync()
    async with w.uow() as uow:
        pool = await uow.inventory_pools.get(PoolId("pool-1"))
        assert await uow.orders.open_lines(orders.SHOP, [orders.ChannelSkuId("sku-1")]) != []
    assert pool.held == 2
    assert {key.order_id for key in pool.reservations} == {OrderId("2")}
    assert (await w.order("1")).status is OrderStatus.AWAITING_SHIPMENT


def test_the_default_email_is_one_address() -> None:
    assert AppSettings(default_email="orders@shop.example").default_email == "orders@shop.example"
    for bad in (
        "orders",
        "orders@",
        "a b@shop.example",
        "x@y",
        "Name <orders@shop.example>",
        "a" * 60 + "@x.example",
    ):
        with pytest.raises(orders.InvalidArgument) as refused:
            AppSettings(default_email=bad)
        assert refused.value.field == "default_email"


# --- through the webhook reactions -------------------------------------------------------------


async def test_webhook_3_reads_the_order_again_and_moves_the_shopline_address() -> None:
    w = WebhookWorld()
    await w.install()
    app = w.database.state.apps[HOOK_APP]
    settings = replace(app.settings, auto_import_orders=True, import_scope=orders.ImportScope.ALL_ORDERS)
    app.change_settings(replace(settings, default_email="orders@shop.example"), NOW)
    first = tiktok_order(TIKTOK_SHIPPED, email=RELAY_EMAIL, update=w.clock.now() - timedelta(minutes=5))
    w.tiktok.shop(HOOK_CIPHER).orders[first.order_id] = first
    await w.tiktok_event(1, {"order_id": first.order_id})
    imported = w.database.state.orders[(HOOK_SHOP, first.order_id)].import_status.shopline_order_id
    assert imported is not None
    assert w.shopline.store(HOOK_HANDLE).shipping_addresses[imported].zip == "SW1A 1AA"

    moved = replace(first, recipient=replace(MASKED, postal_code="E1 6AN"), update_time=w.clock.now())
    w.tiktok.shop(HOOK_CIPHER).orders[first.order_id] = moved
    await w.tiktok_event(3, {"order_id": first.order_id, "update_time": 1})
    address = w.shopline.store(HOOK_HANDLE).shipping_addresses[imported]
    assert (address.zip, address.email) == ("E1 6AN", "orders@shop.example")
