"""What each webhook does, over the stateful fakes: the order intake, the catalog, the shop's and
the app's lifecycle, stock and prices. Deliveries are handed to ``WebhookReactions.handle`` as the
inbox drain hands them."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from domain.analytics import StoreOrder
from domain.channel import (
    BuyerInfo,
    CancellationStatus,
    TikTokCancellation,
    TikTokLineItem,
    TikTokOrderData,
)
from domain.ids import ChannelProductId, ChannelSkuId, OrderId, ShoplineOrderId, ShoplineVariantId
from domain.money import Money
from domain.order import CancellationState, OrderStatus
from domain.pricing import PriceRule
from domain.shop import ShopStatus
from domain.task import TaskKind, TaskState
from domain.tokens import TokenState
from services.shops.management import ShopManagement
from services.shops.sessions import ShopSessions
from services.tasks.jobs import RetryPolicy
from tests.services.support_catalog import HANDLE, product, variant
from tests.services.support_tasks import APP, CIPHER, NOW, SHOP
from tests.services.support_webhooks import WebhookWorld

ORDER = OrderId("576461413038785752")
PRODUCT = ChannelProductId("prod-001")
SKU = ChannelSkuId("sku-001-0")
VARIANT = ShoplineVariantId("var-1")


def tiktok_order(status: str = "AWAITING_SHIPMENT", minutes: int = 0, units: int = 2) -> TikTokOrderData:
    line = TikTokLineItem(
        line_item_id="li-1",
        sku_id=SKU,
        product_id=PRODUCT,
        seller_sku="CODE-1",
        product_name="Mug",
        sku_name="Red",
        sale_price=Money(Decimal("9.00"), "GBP"),
        original_price=Money(Decimal("10.00"), "GBP"),
    )
    return TikTokOrderData(
        order_id=ORDER,
        status=status,
        create_time=NOW - timedelta(hours=1),
        update_time=NOW - timedelta(minutes=30) + timedelta(minutes=minutes),
        currency="GBP",
        total=Money(Decimal("9.00") * units, "GBP"),
        line_items=tuple(replace(line, line_item_id=f"li-{n}") for n in range(units)),
        buyer=BuyerInfo(user_id="buyer-1"),
        paid_time=NOW - timedelta(hours=1),
    )


async def linked_world() -> WebhookWorld:
    """One product whose SKU is linked to a SHOPLINE variant with 10 on hand at the default location."""
    w = WebhookWorld()
    await w.install()
    w.shopline.store(HANDLE).locations = []
    w.shopline.add_variant(HANDLE, variant(1), {"loc-1": 10})
    await w.store_products(product(1, "CODE-1"))
    await w.links.link(APP, SHOP, PRODUCT, SKU, VARIANT)
    app = w.database.state.apps[APP]
    app.change_settings(replace(app.settings, location_ids=("loc-1",)), NOW)
    await w.on_hand_refresh()
    return w


def pool_available(w: WebhookWorld) -> int:
    return w.pools()[VARIANT].available


# --- TikTok orders ----------------------------------------------------------------------------


async def test_an_order_webhook_reads_the_order_and_reserves_its_stock_at_once() -> None:
    w = await linked_world()
    before = pool_available(w)
    w.tiktok.shop(CIPHER).orders[ORDER] = tiktok_order()
    await w.tiktok_event(1, {"order_id": ORDER, "order_status": "AWAITING_SHIPMENT", "update_time": 1})
    assert w.database.state.orders[(SHOP, ORDER)].status is OrderStatus.AWAITING_SHIPMENT
    assert pool_available(w) == before - 2


async def test_a_redelivered_order_webhook_changes_nothing_more() -> None:
    w = await linked_world()
    w.tiktok.shop(CIPHER).orders[ORDER] = tiktok_order()
    await w.tiktok_event(1, {"order_id": ORDER})
    after_first = (pool_available(w), w.database.state.orders[(SHOP, ORDER)].update_time)
    await w.tiktok_event(1, {"order_id": ORDER})
    await w.tiktok_event(3, {"order_id": ORDER, "update_time": 2})
    assert (pool_available(w), w.database.state.orders[(SHOP, ORDER)].update_time) == after_first
    assert len(w.database.state.orders) == 1


async def test_an_order_update_older_than_the_one_held_is_ignored() -> None:
    w = await linked_world()
    w.tiktok.shop(CIPHER).orders[ORDER] = tiktok_order("IN_TRANSIT", minutes=10)
    await w.tiktok_event(1, {"order_id": ORDER})
    w.tiktok.shop(CIPHER).orders[ORDER] = tiktok_order("AWAITING_SHIPMENT", minutes=5)  # a lagging read
    await w.tiktok_event(1, {"order_id": ORDER})
    assert w.database.state.orders[(SHOP, ORDER)].status is OrderStatus.IN_TRANSIT


async def test_a_cancelled_order_releases_its_stock() -> None:
    w = await linked_world()
    before = pool_available(w)
    w.tiktok.shop(CIPHER).orders[ORDER] = tiktok_order()
    await w.tiktok_event(1, {"order_id": ORDER})
    w.tiktok.shop(CIPHER).orders[ORDER] = tiktok_order("CANCELLED", minutes=5)
    await w.tiktok_event(1, {"order_id": ORDER, "order_status": "CANCEL"})
    assert pool_available(w) == before


async def test_a_buyer_cancellation_request_is_read_and_recorded_on_the_order() -> None:
    w = await linked_world()
    w.tiktok.shop(CIPHER).orders[ORDER] = tiktok_order()
    request = TikTokCancellation(
        cancel_id="4035318504086604100",
        order_id=ORDER,
        cancel_type="BUYER_CANCEL",
        status=CancellationStatus.PENDING,
        role="BUYER",
        reason="Order created by mistake",
        create_time=NOW - timedelta(minutes=2),
        update_time=NOW - timedelta(minutes=2),
        response_deadline=NOW + timedelta(days=2),
    )
    w.tiktok.shop(CIPHER).cancellations[request.cancel_id] = request
    data = {
        "order_id": ORDER,
        "cancel_status": "CANCELLATION_REQUEST_PENDING",
        "cancel_id": request.cancel_id,
    }
    await w.tiktok_event(11, data)
    await w.tiktok_event(11, data)  # redelivered
    cancellation = w.database.state.orders[(SHOP, ORDER)].cancellation
    assert (cancellation.state, cancellation.cancel_id) == (CancellationState.REQUESTED, request.cancel_id)


async def test_events_for_an_unknown_shop_or_with_a_malformed_payload_are_dropped_with_a_log_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    w = await linked_world()
    w.tiktok.shop(CIPHER).orders[ORDER] = tiktok_order()
    calls = len(w.tiktok.calls)
    with caplog.at_level(logging.INFO, logger="mcc.webhooks"):
        await w.tiktok_event(1, {"order_id": ORDER}, shop="7999999999999999999")
        await w.tiktok_event(1, {"order_id": ["not", "an", "id"]})
        await w.tiktok_event(1, {})
        await w.deliver_raw_tiktok("{not json")
        await w.tiktok_event(12, {"order_id": ORDER})  # no reaction
    assert w.database.state.orders == {}
    assert len(w.tiktok.calls) == calls
    messages = [record.getMessage() for record in caplog.records]
    assert sum("unknown shop" in m for m in messages) == 1
    assert sum("malformed payload" in m and "field=order_id" in m for m in messages) == 2
    assert sum("field=body" in m for m in messages) == 1
    assert all("buyer-1" not in m for m in messages)


# --- TikTok products --------------------------------------------------------------------------


async def test_a_product_webhook_refreshes_that_product_even_with_a_numeric_id() -> None:
    w = WebhookWorld()
    await w.install()
    numeric = replace(product(1, "CODE-1"), product_id=ChannelProductId("1729592969712207008"))
    await w.store_products(numeric)
    renamed = replace(numeric, title="Renamed mug", update_time=numeric.update_time + timedelta(hours=1))
    w.tiktok.shop(CIPHER).products[renamed.product_id] = renamed
    await w.tiktok_event(15, {"product_id": 1729592969712207008, "changed_fields": ["title"]})
    assert w.database.state.products[(SHOP, renamed.product_id)].title == "Renamed mug"
    created = replace(product(2, "CODE-2"), product_id=ChannelProductId("1729592969712207009"))
    w.tiktok.shop(CIPHER).products[created.product_id] = created
    await w.tiktok_event(16, {"product_id": 1729592969712207009})
    assert (SHOP, created.product_id) in w.database.state.products


async def test_a_product_tiktok_no_longer_has_is_dropped() -> None:
    w = WebhookWorld()
    await w.install()
    await w.tiktok_event(5, {"product_id": 42, "status": "PRODUCT_STATUS_CHANGED"})
    assert w.database.state.products == {}


# --- TikTok authorization ---------------------------------------------------------------------


async def test_deauthorization_stops_the_shop_and_a_reauthorization_brings_it_back_with_its_data() -> None:
    w = await linked_world()
    w.tiktok.shop(CIPHER).orders[ORDER] = tiktok_order()
    await w.tiktok_event(1, {"order_id": ORDER})
    running = await w.add_task("sync-1", kind=TaskKind.ORDER_SYNC)
    w.clock.advance(timedelta(minutes=1))
    await w.tiktok_event(6, {"message": "Shop_id 1 is deauthorized from your APP by merchant."})
    await w.tiktok_event(6, {"message": "again"})  # redelivered
    view = await ShopManagement(w.uow, w.clock).get_shop(APP, SHOP)
    assert view.shop.status is ShopStatus.DEAUTHORIZED
    assert view.status_reason == "the seller revoked the authorization on TikTok; re-authorize the shop"
    assert view.token_state is TokenState.REVOKED
    assert (await w.task(running.id)).state is TaskState.CANCELLED
    assert isinstance(await ShopSessions(w.uow, w.clock, RetryPolicy()).open(SHOP), str)
    await w.tiktok_event(1, {"order_id": ORDER})  # its work has stopped: nothing is read
    assert w.tiktok.calls.count("get_orders") == 1

    w.clock.advance(timedelta(minutes=1))
    await w.reauthorize()
    view = await ShopManagement(w.uow, w.clock).get_shop(APP, SHOP)
    assert view.shop.status is ShopStatus.ACTIVE and view.token_state is TokenState.VALID
    assert (SHOP, ORDER) in w.database.state.orders and w.pools()[VARIANT].linked_skus
    # The deauthorization is redelivered late: it speaks of the grant replaced since.
    await w.tiktok_event(6, {"message": "late"}, sent_at=NOW)
    assert w.database.state.shops[SHOP].status is ShopStatus.ACTIVE


async def test_an_announced_authorization_end_shows_the_shop_as_expiring_soon() -> None:
    w = await linked_world()
    management = ShopManagement(w.uow, w.clock)
    assert not (await management.get_shop(APP, SHOP)).expiring_soon
    ends = NOW + timedelta(days=30)
    await w.tiktok_event(7, {"message": "expires", "expiration_time": str(int(ends.timestamp()))})
    view = await management.get_shop(APP, SHOP)
    assert view.expiring_soon and view.grant_expires_at == ends
    await w.tiktok_event(7, {"message": "expires", "expiration_time": "not a time"})
    assert (await management.get_shop(APP, SHOP)).grant_expires_at == ends


# --- SHOPLINE stock and products --------------------------------------------------------------


async def test_a_stock_webhook_reads_the_pool_on_hand_and_queues_the_push_to_linked_skus() -> None:
    w = await linked_world()
    w.shopline.store(HANDLE).levels[("item-1", "loc-1")] = replace(
        w.shopline.store(HANDLE).levels[("item-1", "loc-1")],
        available=4,
        updated_at=NOW + timedelta(seconds=1),
    )
    w.clock.advance(timedelta(seconds=2))
    body = {"inventory_item_id": "item-1", "location_id": "loc-1", "available": 4, "variant_id": "var-1"}
    await w.shopline_event("inventory_levels/update", body)
    assert w.pools()[VARIANT].on_hand == 4
    pushes = w.database.state.push_states
    assert [state.desired for key, state in pushes.items() if key[1] == SKU] == [4 - 3]  # safety stock 3
    await w.shopline_event("inventory_levels/update", body)  # redelivered
    assert w.pools()[VARIANT].on_hand == 4


async def test_a_stock_webhook_for_an_unknown_store_or_item_changes_nothing() -> None:
    w = await linked_world()
    calls = len(w.shopline.calls)
    await w.shopline_event("inventory_levels/update", {"inventory_item_id": "item-1"}, handle="other-store")
    await w.shopline_event("inventory_levels/update", {"inventory_item_id": "item-9", "location_id": "loc-1"})
    await w.shopline_event("inventory_levels/update", {"location_id": "loc-1"})
    assert len(w.shopline.calls) == calls


@pytest.mark.parametrize("auto_sync", [True, False])
async def test_a_changed_shopline_price_starts_a_price_sync_only_where_the_rule_syncs_automatically(
    auto_sync: bool,
) -> None:
    w = await linked_world()
    shop = w.database.state.shops[SHOP]
    shop.change_price_rule(PriceRule("GBP", auto_sync=auto_sync), NOW)
    changed = replace(variant(1, price="12.00"), updated_at=NOW)
    w.shopline.store(HANDLE).variants[VARIANT] = changed
    await w.shopline_event("products/update", {"id": "sl-prod-1"})
    assert w.database.state.shopline_variants[(APP, VARIANT)].price == changed.price
    syncs = [t for t in w.database.state.tasks.values() if t.kind is TaskKind.PRICE_SYNC]
    assert len(syncs) == (1 if auto_sync else 0)
    await w.shopline_event("products/update", {"id": "sl-prod-1"})  # redelivered: no price changed
    assert len([t for t in w.database.state.tasks.values() if t.kind is TaskKind.PRICE_SYNC]) == len(syncs)


async def test_shopline_order_topics_are_acknowledged_and_unknown_topics_ignored() -> None:
    w = await linked_world()
    calls = (len(w.shopline.calls), len(w.tiktok.calls))
    await w.shopline_event("orders/create", {"id": "1"})
    await w.shopline_event("fulfillments/update", {"id": "1"})
    await w.shopline_event("collections/update", {"id": "1"})
    assert (len(w.shopline.calls), len(w.tiktok.calls)) == calls


# --- SHOPLINE installation --------------------------------------------------------------------


async def test_uninstall_stops_the_app_and_a_reinstallation_brings_it_back() -> None:
    w = await linked_world()
    running = await w.add_task("sync-1", kind=TaskKind.ORDER_SYNC)
    w.clock.advance(timedelta(minutes=1))
    notice = {"operate": "UNINSTALL", "handle": HANDLE, "timestamp": int(w.clock.now().timestamp() * 1000)}
    await w.shopline_event("apps/installed_uninstalled", notice)
    await w.shopline_event("apps/installed_uninstalled", notice)  # redelivered
    app = w.database.state.apps[APP]
    assert app.uninstalled_at == w.clock.now()
    assert w.database.state.shopline_tokens[APP].revoked
    assert (await w.task(running.id)).state is TaskState.CANCELLED
    assert isinstance(await ShopSessions(w.uow, w.clock, RetryPolicy()).open(SHOP), str)
    assert [r.app_id for r in await w.variants.refresh_all()] == []
    calls = len(w.shopline.calls)
    await w.shopline_event("inventory_levels/update", {"inventory_item_id": "item-1", "location_id": "loc-1"})
    assert len(w.shopline.calls) == calls

    w.clock.advance(timedelta(minutes=1))
    await w.reinstall()
    app = w.database.state.apps[APP]
    assert app.uninstalled_at is None and not w.database.state.shopline_tokens[APP].revoked
    assert not isinstance(await ShopSessions(w.uow, w.clock, RetryPolicy()).open(SHOP), str)
    # The uninstall notice is redelivered after the re-installation: it is stale.
    await w.shopline_event("apps/installed_uninstalled", notice)
    assert w.database.state.apps[APP].uninstalled_at is None


async def test_an_install_notice_changes_nothing() -> None:
    w = await linked_world()
    await w.shopline_event("apps/installed_uninstalled", {"operate": "INSTALL", "handle": HANDLE})
    assert w.database.state.apps[APP].uninstalled_at is None


def _store_order(order_id: str, buyer_key: str) -> StoreOrder:
    return StoreOrder(
        order_id=ShoplineOrderId(order_id),
        created_at=NOW,
        updated_at=NOW,
        currency="GBP",
        paid=True,
        cancelled=False,
        gross_e4=100_000,
        discount_e4=0,
        buyer_key=buyer_key,
        lines=(),
    )


async def _store_orders(w: WebhookWorld, *orders: StoreOrder) -> None:
    async with w.uow() as uow:
        await uow.store_orders.upsert_many(APP, list(orders))
        await uow.commit()


async def test_a_customer_redaction_blanks_the_buyer_of_their_store_orders_and_keeps_the_figures() -> None:
    w = await linked_world()
    await _store_orders(
        w,
        _store_order("so-1", "id:cust-9"),
        _store_order("so-2", "email:someone@example.com"),
        _store_order("so-3", "id:cust-1"),
    )
    request = {"customers": [{"id": "cust-9"}], "orders_to_redact": ["so-2"], "handle": HANDLE}
    await w.shopline_event("customers/redact", request)
    await w.shopline_event("customers/redact", request)  # redelivered: nothing more to blank

    held = {order_id: order for (app, order_id), order in w.database.state.store_orders.items() if app == APP}
    assert {order_id: order.buyer_key for order_id, order in held.items()} == {
        "so-1": "",
        "so-2": "",
        "so-3": "id:cust-1",
    }
    assert all(order.gross_e4 == 100_000 for order in held.values())


async def test_a_merchant_redaction_forgets_the_store_data_and_stops_the_app() -> None:
    w = await linked_world()
    await _store_orders(w, _store_order("so-1", "id:cust-9"))
    assert any(app == APP for app, _ in w.database.state.shopline_variants)

    await w.shopline_event("merchants/redact", {"handle": HANDLE})

    assert not any(app == APP for app, _ in w.database.state.store_orders)
    assert not any(app == APP for app, _ in w.database.state.shopline_variants)
    assert w.database.state.apps[APP].uninstalled_at is not None
    assert w.database.state.shopline_tokens[APP].revoked
    assert w.database.state.shops[SHOP].status is ShopStatus.ACTIVE  # TikTok-side data stays


async def test_a_redaction_for_an_unknown_store_is_dropped() -> None:
    w = await linked_world()
    await _store_orders(w, _store_order("so-1", "id:cust-9"))
    await w.shopline_event("customers/redact", {"customers": [{"id": "cust-9"}]}, handle="another-store")
    assert w.database.state.store_orders[(APP, ShoplineOrderId("so-1"))].buyer_key == "id:cust-9"
