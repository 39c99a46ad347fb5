"""The order's record of a merchant's SHOPLINE cancel: TikTok's seller-cancel gating by status and
market, the echo of our own SHOPLINE cancel, and TikTok's answer."""

from __future__ import annotations

import pytest

from domain.errors import OrderNotCancellable
from domain.events import ImportedOrderCancelled
from domain.ids import ShoplineOrderId
from domain.order import (
    CancellationState,
    Order,
    OrderStatus,
    ShoplineCancellationState,
    seller_cancellable,
)
from tests.unit.builders import APP_A, SHOP, T0, TIKTOK_SHOP, at, order_data

SHOPLINE_ORDER = ShoplineOrderId("sl-1")


def imported(status: str = "AWAITING_SHIPMENT") -> Order:
    order = Order.first_seen(APP_A, SHOP, TIKTOK_SHOP, order_data(status="AWAITING_SHIPMENT"), T0)
    order.mark_imported(SHOPLINE_ORDER, T0)
    if status != "AWAITING_SHIPMENT":
        order.apply_update(order_data(status=status, update=at(60)))
    order.pull_events()
    return order


@pytest.mark.parametrize(
    ("status", "region", "allowed"),
    [
        (OrderStatus.UNPAID, "GB", True),
        (OrderStatus.ON_HOLD, "SG", True),
        (OrderStatus.AWAITING_SHIPMENT, "JP", True),
        (OrderStatus.AWAITING_COLLECTION, "US", True),
        (OrderStatus.AWAITING_COLLECTION, "GB", False),
        (OrderStatus.AWAITING_COLLECTION, "SG", False),
        (OrderStatus.PARTIALLY_SHIPPING, "US", False),
        (OrderStatus.IN_TRANSIT, "US", False),
        (OrderStatus.CANCELLED, "US", False),
    ],
)
def test_the_seller_may_cancel_early_and_at_collection_only_in_the_us(
    status: OrderStatus, region: str, allowed: bool
) -> None:
    assert seller_cancellable(status, region) is allowed


def test_a_shopline_cancel_is_owed_to_tiktok_until_tiktok_answers() -> None:
    order = imported()
    assert order.cancelled_in_shopline(at(5), "GB") is True
    assert order.shopline_cancellation.state is ShoplineCancellationState.PENDING
    assert order.cancelled_in_shopline(at(6), "GB") is True  # a retry asks again
    order.cancelled_on_tiktok_from_shopline("c-1", "cancelled in SHOPLINE", at(7))
    assert order.shopline_cancellation.state is ShoplineCancellationState.CANCELLED_ON_TIKTOK
    assert order.cancellation.state is CancellationState.SELLER_CANCELLED
    assert order.cancelled_in_shopline(at(8), "GB") is False  # a redelivery asks nothing


def test_tiktok_reporting_the_cancel_sends_nothing_back_to_shopline() -> None:
    order = imported()
    order.cancelled_in_shopline(at(5), "GB")
    order.apply_update(order_data(status="CANCELLED", update=at(120)))
    assert not order.shopline_cancel_pending
    assert not any(isinstance(e, ImportedOrderCancelled) for e in order.pull_events())
    assert order.shopline_cancellation.state is ShoplineCancellationState.CANCELLED_ON_TIKTOK


def test_an_order_past_the_seller_window_in_its_market_is_not_cancellable() -> None:
    order = imported("AWAITING_COLLECTION")
    assert order.cancelled_in_shopline(at(5), "GB") is False
    assert order.shopline_cancellation.state is ShoplineCancellationState.NOT_CANCELLABLE
    assert "AWAITING_COLLECTION" in order.shopline_cancellation.reason
    us_order = imported("AWAITING_COLLECTION")
    assert us_order.cancelled_in_shopline(at(5), "US") is True


def test_the_echo_of_our_own_shopline_cancel_records_nothing() -> None:
    order = imported()
    order.apply_update(order_data(status="CANCELLED", update=at(120)))
    assert order.shopline_cancel_pending
    assert order.cancelled_in_shopline(at(130), "GB") is False
    order.mark_cancelled_in_shopline()
    assert order.cancelled_in_shopline(at(140), "GB") is False
    assert order.shopline_cancellation.state is ShoplineCancellationState.NONE


def test_a_refusal_keeps_tiktoks_code_and_message_and_is_final() -> None:
    order = imported()
    order.cancelled_in_shopline(at(5), "GB")
    order.tiktok_refused_shopline_cancel("12052902", "The order cannot be cancelled", at(6))
    held = order.shopline_cancellation
    assert (held.state, held.partner_code) == (ShoplineCancellationState.REFUSED, "12052902")
    assert order.cancelled_in_shopline(at(7), "GB") is False
    order.cancelled_on_tiktok_from_shopline("late", "x", at(8))  # only an owed cancel is confirmed
    assert order.shopline_cancellation.state is ShoplineCancellationState.REFUSED


def test_only_an_imported_order_can_be_cancelled_from_shopline() -> None:
    order = Order.first_seen(APP_A, SHOP, TIKTOK_SHOP, order_data(status="AWAITING_SHIPMENT"), T0)
    with pytest.raises(OrderNotCancellable):
        order.cancelled_in_shopline(at(5), "GB")
