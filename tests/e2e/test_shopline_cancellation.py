"""A merchant's cancel in the SHOPLINE admin of an imported order, end to end: the sandbox store
sends a signed ``orders/cancelled`` to the HTTP edge, the inbox drain carries it to TikTok's Cancel
Order within TikTok's rules (AWAITING_COLLECTION is US only), the outcome shows on the order through
gRPC, stock comes back once through SHOPLINE's restock, and our own SHOPLINE cancel's echo does
nothing."""

from __future__ import annotations

import pytest

from multichannel.v1 import app_pb2, order_pb2, order_pb2_grpc, shop_pb2, shop_pb2_grpc, task_pb2
from tests.e2e.test_webhook_chain import delivered, pool, ready, sale, stocked_pool, tick


@pytest.fixture
def sandbox_size() -> str:
    return "tiny"


@pytest.fixture
def webhooks_to_edge() -> bool:
    return True


def orders(harness) -> order_pb2_grpc.OrderServiceStub:  # type: ignore[no-untyped-def]
    return order_pb2_grpc.OrderServiceStub(harness.channel)


async def get(harness, shop: str, order_id: str) -> order_pb2.Order:  # type: ignore[no-untyped-def]
    return (await orders(harness).GetOrder(order_pb2.GetOrderRequest(name=f"{shop}/orders/{order_id}"))).order


async def imported(harness, shop: str, order_id: str) -> order_pb2.Order:  # type: ignore[no-untyped-def]
    reply = await orders(harness).ImportOrder(
        order_pb2.ImportOrderRequest(
            name=f"{shop}/orders/{order_id}", import_scope=app_pb2.ORDER_IMPORT_SCOPE_ALL_WITH_CUSTOM_ITEMS
        )
    )
    assert reply.order.shopline_import.state == order_pb2.IMPORT_STATE_IMPORTED
    await delivered(harness)
    return reply.order


def seller_cancels(harness, tiktok_shop_id: str, order_id: str) -> list[object]:  # type: ignore[no-untyped-def]
    data = harness.sandbox.control.tiktok.data(tiktok_shop_id)
    return [c for c in data.cancellations.values() if c.order_id == order_id and c.role == "SELLER"]


async def merchant_cancels(harness, handle: str, order: order_pb2.Order, *, restock: bool = True) -> None:  # type: ignore[no-untyped-def]
    tick(harness, 2)  # SHOPLINE versions levels by the second
    harness.sandbox.control.cancel_store_order_in_admin(
        handle, order.shopline_import.shopline_order_id, restock=restock
    )
    await delivered(harness)  # orders/cancelled and the restock's inventory_levels/update
    await delivered(harness)  # what TikTok sends back about the cancel


async def test_a_shopline_cancel_cancels_on_tiktok_and_releases_the_stock_once(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await ready(harness)
    variant, (sold, _other) = await stocked_pool(harness, catalog, 17)
    order_id = sale(harness, catalog, sold, 3)
    await delivered(harness)
    order = await imported(harness, catalog.shop, order_id)
    committed = await pool(harness, catalog, variant)
    assert (committed.on_hand, committed.held, committed.available) == (14, 0, 14)

    await merchant_cancels(harness, catalog.handle, order)

    cancelled = await get(harness, catalog.shop, order_id)
    assert cancelled.status == order_pb2.ORDER_STATUS_CANCELLED
    assert cancelled.shopline_cancellation.state == order_pb2.SHOPLINE_CANCELLATION_STATE_CANCELLED_ON_TIKTOK
    assert cancelled.shopline_cancellation.tiktok_cancel_id
    assert cancelled.cancellation.state == order_pb2.CANCELLATION_STATE_CANCELLED_BY_SELLER
    assert len(seller_cancels(harness, catalog.tiktok_shop_id, order_id)) == 1
    released = await pool(harness, catalog, variant)
    assert (released.on_hand, released.held, released.available) == (17, 0, 17)
    shopline_order = catalog.store.orders[order.shopline_import.shopline_order_id]
    assert shopline_order.status == "cancelled"


async def test_us_sellers_may_cancel_awaiting_collection_but_not_in_transit(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await ready(harness)
    control = harness.sandbox.control
    collecting = sale(harness, catalog, sorted(catalog.tiktok.skus)[0], 1)
    shipped = sale(harness, catalog, sorted(catalog.tiktok.skus)[0], 1)
    await delivered(harness)
    first = await imported(harness, catalog.shop, collecting)
    second = await imported(harness, catalog.shop, shipped)
    tick(harness, 1)
    control.set_order_status(catalog.tiktok_shop_id, collecting, "AWAITING_COLLECTION")
    control.set_order_status(catalog.tiktok_shop_id, shipped, "IN_TRANSIT")
    await delivered(harness)

    await merchant_cancels(harness, catalog.handle, first)
    await merchant_cancels(harness, catalog.handle, second)

    us_collecting = await get(harness, catalog.shop, collecting)
    assert us_collecting.shopline_cancellation.state == (
        order_pb2.SHOPLINE_CANCELLATION_STATE_CANCELLED_ON_TIKTOK
    )
    assert us_collecting.status == order_pb2.ORDER_STATUS_CANCELLED
    in_transit = await get(harness, catalog.shop, shipped)
    assert in_transit.shopline_cancellation.state == order_pb2.SHOPLINE_CANCELLATION_STATE_NOT_CANCELLABLE
    assert "IN_TRANSIT" in in_transit.shopline_cancellation.reason
    assert in_transit.status == order_pb2.ORDER_STATUS_IN_TRANSIT
    assert seller_cancels(harness, catalog.tiktok_shop_id, shipped) == []


async def test_a_gb_order_awaiting_collection_shows_why_it_was_not_cancelled(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await ready(harness)
    control = harness.sandbox.control
    gb_shop_id = control.create_shop(region="GB", products=2, orders=0)["id"]
    shops = shop_pb2_grpc.ShopServiceStub(harness.channel)
    started = await shops.StartAuthorization(
        shop_pb2.StartAuthorizationRequest(parent=catalog.app, region_code="GB")
    )
    outcome = await shops.CompleteAuthorization(
        shop_pb2.CompleteAuthorizationRequest(
            parent=catalog.app, state=started.state, code=control.grant_authorization([gb_shop_id])["code"]
        )
    )
    finished = await catalog.run(task_pb2.Task(name=outcome.history_import_tasks[0]))
    assert finished.state == task_pb2.TASK_STATE_SUCCEEDED, finished.failure_reason
    gb_shop = outcome.shops[0].name
    sku = control.sample_skus(gb_shop_id, 1, active_only=True)[0]["id"]
    order_id = str(control.create_order(gb_shop_id, [(sku, 1)], status="AWAITING_SHIPMENT")["id"])
    await delivered(harness)
    order = await imported(harness, gb_shop, order_id)
    tick(harness, 1)
    control.set_order_status(gb_shop_id, order_id, "AWAITING_COLLECTION")
    await delivered(harness)

    await merchant_cancels(harness, catalog.handle, order)

    shown = await get(harness, gb_shop, order_id)
    assert shown.shopline_cancellation.state == order_pb2.SHOPLINE_CANCELLATION_STATE_NOT_CANCELLABLE
    assert "GB" in shown.shopline_cancellation.reason
    assert "AWAITING_COLLECTION" in shown.shopline_cancellation.reason
    assert shown.shopline_cancellation.cancel_time.seconds > 0
    assert shown.status == order_pb2.ORDER_STATUS_AWAITING_COLLECTION
    assert seller_cancels(harness, gb_shop_id, order_id) == []


async def test_the_echo_of_our_own_shopline_cancel_causes_nothing(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await ready(harness)
    order_id = sale(harness, catalog, sorted(catalog.tiktok.skus)[0], 1)
    await delivered(harness)
    order = await imported(harness, catalog.shop, order_id)
    tick(harness, 1)
    harness.sandbox.control.set_order_status(catalog.tiktok_shop_id, order_id, "CANCELLED")
    await delivered(harness)  # TikTok's cancel: the service cancels the SHOPLINE order
    shopline_order = catalog.store.orders[order.shopline_import.shopline_order_id]
    assert shopline_order.status == "cancelled"
    calls_before = len(harness.sandbox.control.tiktok.data(catalog.tiktok_shop_id).cancellations)
    await delivered(harness)  # the orders/cancelled echo reaches the edge and the drain

    echoed = await get(harness, catalog.shop, order_id)
    assert echoed.shopline_cancellation.state == order_pb2.SHOPLINE_CANCELLATION_STATE_NONE
    assert len(harness.sandbox.control.tiktok.data(catalog.tiktok_shop_id).cancellations) == calls_before
    log = harness.sandbox.control.webhook_log()["finished"]
    assert any(entry["event"] == "shopline:orders/cancelled" for entry in log)


async def test_a_lost_cancel_answer_ends_in_one_cancel_on_tiktok(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await ready(harness)
    order_id = sale(harness, catalog, sorted(catalog.tiktok.skus)[0], 1)
    await delivered(harness)
    order = await imported(harness, catalog.shop, order_id)
    harness.sandbox.control.add_fault(
        "lost_response", service="tiktok", pattern="POST /return_refund/202309/cancellations", count=1
    )

    await merchant_cancels(harness, catalog.handle, order)

    assert harness.sandbox.control.faults() == []  # its one lost answer happened (the rule is used up)
    cancelled = await get(harness, catalog.shop, order_id)
    assert cancelled.shopline_cancellation.state == order_pb2.SHOPLINE_CANCELLATION_STATE_CANCELLED_ON_TIKTOK
    assert len(seller_cancels(harness, catalog.tiktok_shop_id, order_id)) == 1
    assert cancelled.status == order_pb2.ORDER_STATUS_CANCELLED
