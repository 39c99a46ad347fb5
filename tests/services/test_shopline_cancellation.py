"""A merchant's cancel of an imported order in SHOPLINE, over the stateful fakes: the
``orders/cancelled`` webhook (and the store order poll) carry it to TikTok once, within TikTok's
rules; stock comes back once, through SHOPLINE's restock; our own SHOPLINE cancel's echo does nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from domain.analytics import StoreOrder
from domain.channel import CancellationStatus, TikTokCancellation
from domain.errors import PartnerUnavailable
from domain.ids import ShoplineOrderId
from domain.order import CancellationState, Order, ShoplineCancellationState
from services.analytics.store_order_sync import StoreOrderSync
from services.orders.shopline_cancellation import ShoplineCancellations
from tests.services.support_catalog import HANDLE
from tests.services.support_tasks import APP, CIPHER, NOW, SHOP
from tests.services.support_webhooks import WebhookWorld
from tests.services.test_webhook_reactions import ORDER, linked_world, pool_available, tiktok_order


async def imported_world(status: str = "AWAITING_SHIPMENT") -> WebhookWorld:
    """The linked world with order ORDER (2 units) seen on TikTok and imported into SHOPLINE."""
    w = await linked_world()
    w.available_before_the_order = pool_available(w)  # type: ignore[attr-defined]
    w.tiktok.shop(CIPHER).orders[ORDER] = tiktok_order()
    await w.tiktok_event(1, {"order_id": ORDER})
    await w.importer.import_order(APP, SHOP, ORDER)
    await w.on_hand_refresh()
    if status != "AWAITING_SHIPMENT":
        w.tiktok.shop(CIPHER).orders[ORDER] = tiktok_order(status, minutes=5)
        await w.tiktok_event(1, {"order_id": ORDER})
    return w


def order(w: WebhookWorld) -> Order:
    return w.database.state.orders[(SHOP, ORDER)]


def shopline_order_id(w: WebhookWorld) -> ShoplineOrderId:
    found = order(w).import_status.shopline_order_id
    assert found is not None
    return found


async def merchant_cancels(w: WebhookWorld, *, restock: bool = True) -> dict[str, object]:
    w.clock.advance(timedelta(seconds=5))
    body = w.shopline.cancel_in_admin(HANDLE, shopline_order_id(w), restock=restock)
    await w.on_hand_refresh()  # what the inventory_levels/update webhook does
    return body


async def tiktok_reports_the_cancel(w: WebhookWorld) -> None:
    await w.tiktok_event(1, {"order_id": ORDER, "order_status": "CANCEL"})


async def test_a_shopline_cancel_cancels_on_tiktok_and_stock_comes_back_once() -> None:
    w = await imported_world()
    before_import = w.available_before_the_order  # type: ignore[attr-defined]
    assert pool_available(w) == before_import - 2
    body = await merchant_cancels(w)
    assert pool_available(w) == before_import  # SHOPLINE's restock
    await w.shopline_event("orders/cancelled", body)

    assert w.tiktok.shop(CIPHER).seller_cancellations == [(ORDER, "seller_cancel_reason_out_of_stock")]
    held = order(w)
    assert held.shopline_cancellation.state is ShoplineCancellationState.CANCELLED_ON_TIKTOK
    assert held.shopline_cancellation.cancel_id
    assert held.cancellation.state is CancellationState.SELLER_CANCELLED

    cancels_before = w.shopline.calls.count("cancel_order")
    await tiktok_reports_the_cancel(w)
    assert order(w).status.value == "CANCELLED"
    assert w.shopline.calls.count("cancel_order") == cancels_before  # nothing goes back to SHOPLINE
    assert not order(w).shopline_cancel_pending
    await w.on_hand_refresh()
    assert pool_available(w) == before_import  # released exactly once

    await w.shopline_event("orders/cancelled", {**body, "updated_at": "later"})  # a redelivery
    assert len(w.tiktok.shop(CIPHER).seller_cancellations) == 1


async def test_an_order_tiktok_does_not_let_the_seller_cancel_shows_why_and_nothing_is_sent() -> None:
    w = await imported_world("AWAITING_COLLECTION")  # a GB shop: seller cancel there is US only
    calls = len(w.tiktok.calls)
    await w.shopline_event("orders/cancelled", await merchant_cancels(w))
    assert len(w.tiktok.calls) == calls
    cancellation = order(w).shopline_cancellation
    assert cancellation.state is ShoplineCancellationState.NOT_CANCELLABLE
    assert "AWAITING_COLLECTION" in cancellation.reason and "GB" in cancellation.reason
    assert order(w).cancellation.state is CancellationState.NONE


async def test_a_refusal_by_tiktok_is_kept_with_its_code_and_message() -> None:
    w = await imported_world()
    w.tiktok.shop(CIPHER).cancel_reasons = []
    await w.shopline_event("orders/cancelled", await merchant_cancels(w))
    cancellation = order(w).shopline_cancellation
    assert cancellation.state is ShoplineCancellationState.REFUSED
    assert cancellation.partner_code == "not_cancellable"
    assert "no seller cancellation reason" in cancellation.partner_message
    assert w.tiktok.shop(CIPHER).seller_cancellations == []


async def test_the_echo_of_our_own_shopline_cancel_does_nothing() -> None:
    w = await imported_world()
    w.tiktok.shop(CIPHER).orders[ORDER] = tiktok_order("CANCELLED", minutes=5)
    await tiktok_reports_the_cancel(w)  # TikTok cancelled: the service cancels the SHOPLINE order
    assert w.shopline.calls.count("cancel_order") == 1
    assert not order(w).shopline_cancel_pending
    stored = w.shopline.store(HANDLE).orders[shopline_order_id(w)][0]
    echo = {
        "id": shopline_order_id(w),
        "name": stored.name,
        "status": "cancelled",
        "note_attributes": [{"name": "mcc_channel_order", "value": stored.channel_marker}],
    }
    calls = (len(w.tiktok.calls), len(w.shopline.calls))
    await w.shopline_event("orders/cancelled", echo)
    assert (len(w.tiktok.calls), len(w.shopline.calls)) == calls
    assert order(w).shopline_cancellation.state is ShoplineCancellationState.NONE


async def test_a_lost_answer_leaves_the_cancel_owed_and_the_retry_cancels_once() -> None:
    w = await imported_world()
    w.tiktok.shop(CIPHER).lost_cancel_answers = 1
    body = await merchant_cancels(w)
    with pytest.raises(PartnerUnavailable):
        await w.shopline_event("orders/cancelled", body)
    assert order(w).shopline_cancellation.state is ShoplineCancellationState.PENDING
    await w.shopline_event("orders/cancelled", body)  # the inbox tries the delivery again
    assert order(w).shopline_cancellation.state is ShoplineCancellationState.CANCELLED_ON_TIKTOK
    assert len(w.tiktok.shop(CIPHER).seller_cancellations) == 1


async def test_a_pending_buyer_request_is_approved_instead() -> None:
    w = await imported_world()
    request = TikTokCancellation(
        cancel_id="4035318504086604100",
        order_id=ORDER,
        cancel_type="BUYER_CANCEL",
        status=CancellationStatus.PENDING,
        role="BUYER",
        reason="Changed my mind",
        create_time=NOW,
        update_time=NOW,
        response_deadline=NOW + timedelta(days=2),
    )
    w.tiktok.shop(CIPHER).cancellations[request.cancel_id] = request
    await w.tiktok_event(11, {"order_id": ORDER, "cancel_id": request.cancel_id})
    assert order(w).cancellation.state is CancellationState.REQUESTED
    await w.shopline_event("orders/cancelled", await merchant_cancels(w))
    assert w.tiktok.shop(CIPHER).cancellations[request.cancel_id].status is CancellationStatus.SUCCESS
    assert w.tiktok.shop(CIPHER).seller_cancellations == []
    assert order(w).cancellation.state is CancellationState.APPROVED
    assert order(w).shopline_cancellation.cancel_id == request.cancel_id


async def test_a_cancelled_store_order_that_is_not_ours_is_left_alone() -> None:
    w = await imported_world()
    calls = len(w.tiktok.calls)
    await w.shopline_event("orders/cancelled", {"id": "990001", "name": "#1001", "note_attributes": []})
    forged = {"id": "990001", "name": f"TIKTOK_SHOP:{w.database.state.shops[SHOP].tiktok_shop_id}:{ORDER}"}
    await w.shopline_event("orders/cancelled", forged)  # another SHOPLINE order than the import
    await w.shopline_event("orders/cancelled", {"name": "no id"})  # malformed: dropped
    assert len(w.tiktok.calls) == calls
    assert order(w).shopline_cancellation.state is ShoplineCancellationState.NONE


async def test_the_store_order_poll_carries_a_cancel_the_webhook_missed() -> None:
    w = await imported_world()
    body = await merchant_cancels(w)
    marker = str(body["name"])
    w.shopline.store(HANDLE).store_orders[shopline_order_id(w)] = StoreOrder(
        order_id=shopline_order_id(w),
        created_at=NOW,
        updated_at=w.clock.now(),
        currency="GBP",
        paid=True,
        cancelled=True,
        gross_e4=0,
        discount_e4=0,
        buyer_key="",
        lines=(),
        channel_marker=marker,
    )
    w.clock.advance(timedelta(minutes=1))
    cancellations = ShoplineCancellations(w.uow, w.clock, w.tiktok)
    poll = StoreOrderSync(
        w.uow, w.shopline, w.clock, imported_order_cancelled=cancellations.store_order_cancelled
    )
    await poll.sync_app(APP)
    assert order(w).shopline_cancellation.state is ShoplineCancellationState.CANCELLED_ON_TIKTOK
    await poll.sync_app(APP)  # the overlap reads it again: nothing more
    assert len(w.tiktok.shop(CIPHER).seller_cancellations) == 1
    assert replace(order(w).shopline_cancellation).cancel_id


async def test_a_cancel_still_owed_when_the_webhook_gave_up_is_made_by_the_order_sync() -> None:
    w = await imported_world()
    w.tiktok.fail_next(*[PartnerUnavailable("tiktok", "36009003", "Internal error")] * 2)
    body = await merchant_cancels(w)
    with pytest.raises(PartnerUnavailable):
        await w.shopline_event("orders/cancelled", body)  # the inbox retries, then gives up
    assert order(w).shopline_cancellation.owed
    cancellations = ShoplineCancellations(w.uow, w.clock, w.tiktok)
    errors = await cancellations.carry_owed(APP, SHOP, page_size=10)
    assert errors == [
        (
            f"apps/{APP}/shops/{SHOP}/orders/{ORDER}",
            "TikTok cancel failed: tiktok error 36009003: Internal error",
        )
    ]
    assert order(w).shopline_cancellation.owed  # still down: still owed, the error reported
    assert await cancellations.carry_owed(APP, SHOP, page_size=10) == []
    assert order(w).shopline_cancellation.state is ShoplineCancellationState.CANCELLED_ON_TIKTOK
    assert len(w.tiktok.shop(CIPHER).seller_cancellations) == 1
    assert await cancellations.carry_owed(APP, SHOP, page_size=10) == []  # nothing owed any more
    assert len(w.tiktok.shop(CIPHER).seller_cancellations) == 1
