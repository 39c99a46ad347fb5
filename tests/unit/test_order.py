"""Order rules: aggregation, exact money, update ordering, cancellation, import, stock events."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from domain.app import ImportScope
from domain.channel import TikTokOrderData
from domain.errors import (
    CancellationNotPending,
    CancellationResponseOverdue,
    InvalidMoney,
    InvalidOrderData,
    MixedCurrencyOrder,
    OrderAlreadyImported,
    OrderNotCancellable,
    OrderNotImportable,
)
from domain.events import (
    ImportedOrderCancelled,
    LineQuantity,
    OrderImported,
    OrderLinesReserved,
    OrderReleased,
)
from domain.ids import ChannelSkuId, ShoplineOrderId, ShoplineVariantId
from domain.money import Money
from domain.order import (
    CancellationState,
    ImportKey,
    ImportState,
    Order,
    OrderAmounts,
    OrderStatus,
    StockState,
    UpdateOutcome,
)
from tests.unit.builders import APP_A, SHOP, T0, TIKTOK_SHOP, at, order_data, unit

LINKED = {ChannelSkuId("sku-1"): ShoplineVariantId("v1"), ChannelSkuId("sku-2"): ShoplineVariantId("v2")}
LINES = (LineQuantity(ChannelSkuId("sku-1"), 2), LineQuantity(ChannelSkuId("sku-2"), 1))


def seen(data: TikTokOrderData | None = None) -> Order:
    return Order.first_seen(APP_A, SHOP, TIKTOK_SHOP, data or order_data(), T0)


def fresh(status: str = "AWAITING_SHIPMENT") -> Order:
    order = seen(order_data(status=status))
    order.pull_events()
    return order


def test_unit_line_items_are_aggregated_per_sku_with_exact_sums() -> None:
    order = seen(order_data(skus=(("sku-1", 3), ("sku-2", 1)), price="0.10"))
    first = order.lines[0]
    assert (first.sku_id, first.quantity) == ("sku-1", 3)
    assert first.subtotal == Money(Decimal("0.30"), "USD")  # 0.1 + 0.1 + 0.1 exactly
    assert first.line_item_ids == ("li-sku-1-0", "li-sku-1-1", "li-sku-1-2")
    assert order.lines[1].quantity == 1


def test_one_currency_per_order() -> None:
    data = order_data()
    mixed = replace(data, line_items=(*data.line_items, unit("sku-3", "5", "GBP")))
    with pytest.raises(MixedCurrencyOrder):
        seen(mixed)


def test_money_refuses_floats() -> None:
    with pytest.raises(InvalidMoney):
        Money(0.1, "USD")  # type: ignore[arg-type]
    with pytest.raises(InvalidMoney):
        Money.of(0.1, "USD")  # type: ignore[arg-type]


def test_unknown_status_is_invalid_and_cancel_is_an_alias() -> None:
    assert OrderStatus.parse("CANCEL") is OrderStatus.CANCELLED
    with pytest.raises(InvalidOrderData):
        OrderStatus.parse("SHIPPED")


def test_an_order_first_seen_holding_stock_reserves_its_lines() -> None:
    order = seen(order_data(status="UNPAID"))
    assert order.pull_events() == [OrderLinesReserved(APP_A, SHOP, order.id, LINES)]
    assert order.stock_state is StockState.RESERVED


@pytest.mark.parametrize("status", ["IN_TRANSIT", "DELIVERED", "COMPLETED", "CANCELLED"])
def test_an_order_first_seen_past_the_warehouse_reserves_nothing(status: str) -> None:
    order = seen(order_data(status=status))
    assert order.pull_events() == []
    assert order.stock_state is StockState.NONE


def test_older_updates_are_ignored_and_equal_ones_are_idempotent() -> None:
    order = fresh()
    assert order.apply_update(order_data(status="CANCELLED", update=at(hours=-1))) is UpdateOutcome.STALE
    assert order.apply_update(order_data(status="AWAITING_SHIPMENT", update=T0)) is UpdateOutcome.DUPLICATE
    assert order.apply_update(order_data(status="UNPAID", update=T0)) is UpdateOutcome.DUPLICATE
    assert order.status is OrderStatus.AWAITING_SHIPMENT
    assert order.apply_update(order_data(status="IN_TRANSIT", update=at(hours=1))) is UpdateOutcome.APPLIED
    assert order.status is OrderStatus.IN_TRANSIT
    assert order.update_time == at(hours=1)


@pytest.mark.parametrize("terminal", ["CANCELLED", "COMPLETED"])
def test_cancelled_and_completed_are_terminal(terminal: str) -> None:
    order = fresh(terminal)
    order.apply_update(order_data(status="AWAITING_SHIPMENT", update=at(hours=1)))
    assert order.status.value == terminal


def test_cancelling_a_reserved_order_releases_it() -> None:
    order = fresh("UNPAID")
    order.apply_update(order_data(status="CANCELLED", update=at(hours=1)))
    assert order.pull_events() == [OrderReleased(APP_A, SHOP, order.id, LINES)]
    assert order.stock_state is StockState.RELEASED


def test_importing_commits_and_happens_exactly_once() -> None:
    order = fresh("AWAITING_SHIPMENT")
    order.import_lines(ImportScope.ONLY_LINKED, LINKED)
    order.mark_imported(ShoplineOrderId("sl-1"), at(hours=1))
    order.mark_imported(ShoplineOrderId("sl-1"), at(hours=2))
    assert order.pull_events() == [OrderImported(APP_A, SHOP, order.id, ShoplineOrderId("sl-1"), LINES, True)]
    assert order.import_status.state is ImportState.IMPORTED
    assert order.stock_state is StockState.COMMITTED
    with pytest.raises(OrderAlreadyImported):
        order.mark_imported(ShoplineOrderId("sl-2"), at(hours=3))
    with pytest.raises(OrderNotImportable) as raised:
        order.import_lines(ImportScope.ONLY_LINKED, LINKED)
    assert raised.value.why == "ALREADY_IMPORTED"


def test_a_cancelled_imported_order_is_cancelled_in_shopline_not_released() -> None:
    order = fresh("AWAITING_SHIPMENT")
    order.mark_imported(ShoplineOrderId("sl-1"), at(hours=1))
    order.pull_events()
    order.apply_update(order_data(status="CANCELLED", update=at(hours=2)))
    assert order.pull_events() == [ImportedOrderCancelled(APP_A, SHOP, order.id, ShoplineOrderId("sl-1"))]
    assert order.stock_state is StockState.COMMITTED


@pytest.mark.parametrize("status", ["UNPAID", "ON_HOLD"])
def test_orders_are_imported_only_from_awaiting_shipment_on(status: str) -> None:
    with pytest.raises(OrderNotImportable) as raised:
        fresh(status).import_lines(ImportScope.ALL_ORDERS, LINKED)
    assert raised.value.why == "NOT_READY"


@pytest.mark.parametrize("status", ["AWAITING_SHIPMENT", "IN_TRANSIT", "DELIVERED", "COMPLETED"])
def test_orders_from_awaiting_shipment_on_are_importable(status: str) -> None:
    assert len(fresh(status).import_lines(ImportScope.ONLY_LINKED, LINKED)) == 2


def test_a_cancelled_order_is_never_imported() -> None:
    with pytest.raises(OrderNotImportable) as raised:
        fresh("CANCELLED").import_lines(ImportScope.ALL_ORDERS, LINKED)
    assert raised.value.why == "CANCELLED"
    approved = fresh("AWAITING_SHIPMENT")
    approved.buyer_requested_cancellation("c1", at(hours=5))
    approved.approve_cancellation(at(hours=1))
    with pytest.raises(OrderNotImportable):
        approved.import_lines(ImportScope.ALL_ORDERS, LINKED)


def test_scope_only_linked_refuses_orders_with_unlinked_skus() -> None:
    partial = {ChannelSkuId("sku-1"): ShoplineVariantId("v1")}
    with pytest.raises(OrderNotImportable) as raised:
        fresh().import_lines(ImportScope.ONLY_LINKED, partial)
    assert raised.value.why == "UNLINKED_SKUS"


def test_scope_all_orders_imports_unlinked_lines_as_custom_items() -> None:
    partial = {ChannelSkuId("sku-1"): ShoplineVariantId("v1")}
    lines = fresh().import_lines(ImportScope.ALL_ORDERS, partial)
    assert [(line.line.sku_id, line.variant_id) for line in lines] == [("sku-1", "v1"), ("sku-2", None)]


def test_a_failed_import_can_be_retried() -> None:
    order = fresh()
    order.mark_import_failed("SHOPLINE unavailable", at(hours=1))
    assert order.import_status.state is ImportState.FAILED
    order.import_lines(ImportScope.ONLY_LINKED, LINKED)
    order.mark_imported(ShoplineOrderId("sl-1"), at(hours=2))
    assert order.import_status.shopline_order_id == "sl-1"
    with pytest.raises(OrderAlreadyImported):
        order.mark_import_failed("late failure", at(hours=3))


def test_import_identity_is_platform_shop_and_order() -> None:
    assert fresh().import_key == ImportKey("TIKTOK_SHOP", TIKTOK_SHOP, fresh().id)


def test_buyer_cancellation_request_can_be_approved_before_the_deadline() -> None:
    order = fresh()
    order.buyer_requested_cancellation("c1", at(hours=24))
    assert order.approve_cancellation(at(hours=23)) == "c1"
    assert order.cancellation.state is CancellationState.APPROVED


def test_buyer_cancellation_request_can_be_rejected() -> None:
    order = fresh()
    order.buyer_requested_cancellation("c1", at(hours=24))
    assert order.reject_cancellation(at(hours=1)) == "c1"
    assert order.cancellation.state is CancellationState.REJECTED
    with pytest.raises(CancellationNotPending):
        order.approve_cancellation(at(hours=2))


def test_a_request_cannot_be_answered_after_its_deadline() -> None:
    order = fresh()
    order.buyer_requested_cancellation("c1", at(hours=24))
    with pytest.raises(CancellationResponseOverdue):
        order.approve_cancellation(at(hours=25))


def test_nothing_to_answer_without_a_request() -> None:
    with pytest.raises(CancellationNotPending):
        fresh().reject_cancellation(T0)


def test_seller_cancellation_only_before_shipping() -> None:
    order = fresh("AWAITING_SHIPMENT")
    order.cancel_as_seller()
    assert order.cancellation.state is CancellationState.SELLER_CANCELLED
    with pytest.raises(OrderNotCancellable):
        fresh("IN_TRANSIT").cancel_as_seller()
    with pytest.raises(OrderNotCancellable):
        fresh("CANCELLED").cancel_as_seller()


def test_seller_cannot_cancel_over_a_pending_buyer_request() -> None:
    order = fresh()
    order.buyer_requested_cancellation("c1", None)
    with pytest.raises(OrderNotCancellable):
        order.cancel_as_seller()


def test_no_buyer_request_on_a_terminal_order() -> None:
    with pytest.raises(OrderNotCancellable):
        fresh("COMPLETED").buyer_requested_cancellation("c1", None)


def test_amounts_take_tiktoks_payment_breakdown() -> None:
    data = replace(
        order_data(),
        subtotal=Money(Decimal("36.00"), "USD"),
        seller_discount=Money(Decimal("4.00"), "USD"),
        platform_discount=Money(Decimal("2.00"), "USD"),
        shipping_fee=Money(Decimal("3.50"), "USD"),
        tax=Money(Decimal("1.25"), "USD"),
        paid_time=T0,
    )
    order = Order.first_seen(APP_A, SHOP, TIKTOK_SHOP, data, T0)
    assert order.amounts == OrderAmounts(
        subtotal=Money(Decimal("36.00"), "USD"),
        discount=Money(Decimal("6.00"), "USD"),
        shipping_fee=Money(Decimal("3.50"), "USD"),
        tax=Money(Decimal("1.25"), "USD"),
    )
    assert order.amounts.net == Money(Decimal("30.00"), "USD")
    assert order.unit_count == 3
    assert order.paid_time == T0


def test_amounts_without_a_breakdown_come_from_the_units_original_prices() -> None:
    data = order_data()
    units = tuple(replace(item, original_price=Money(Decimal("12.00"), "USD")) for item in data.line_items)
    order = Order.first_seen(APP_A, SHOP, TIKTOK_SHOP, replace(data, line_items=units), T0)
    assert order.amounts.subtotal == Money(Decimal("36.00"), "USD")
    assert order.amounts.discount == Money(Decimal("6.00"), "USD")
    assert order.amounts.shipping_fee == Money.zero("USD")
    assert order.lines[0].original_subtotal == Money(Decimal("24.00"), "USD")


def test_an_update_refreshes_amounts_paid_time_and_sync_time() -> None:
    order = Order.first_seen(APP_A, SHOP, TIKTOK_SHOP, order_data(status="UNPAID"), T0)
    later = replace(
        order_data(status="AWAITING_SHIPMENT", update=T0 + timedelta(hours=1)),
        paid_time=T0 + timedelta(minutes=5),
        seller_discount=Money(Decimal("3.00"), "USD"),
    )
    assert order.apply_update(later, T0 + timedelta(hours=2)) is UpdateOutcome.APPLIED
    assert order.paid_time == T0 + timedelta(minutes=5)
    assert order.synced_at == T0 + timedelta(hours=2)
    assert order.amounts.discount == Money(Decimal("3.00"), "USD")


def test_tiktok_cancelling_a_requested_order_approves_the_request() -> None:
    order = Order.first_seen(APP_A, SHOP, TIKTOK_SHOP, order_data(), T0)
    order.buyer_requested_cancellation("c1", None, reason="changed mind", requested_at=T0)
    cancelled = replace(order_data(status="CANCELLED", update=T0 + timedelta(hours=1)))
    order.apply_update(cancelled)
    assert order.cancellation.state is CancellationState.APPROVED
    assert order.cancellation.resolve_time == T0 + timedelta(hours=1)
    assert order.cancellation.request_time == T0


def test_a_later_status_within_the_same_second_is_a_change_not_a_repeat() -> None:
    order = fresh()
    assert order.apply_update(order_data(status="CANCELLED", update=T0)) is UpdateOutcome.APPLIED
    assert order.status is OrderStatus.CANCELLED
    assert order.apply_update(order_data(status="AWAITING_SHIPMENT", update=T0)) is UpdateOutcome.DUPLICATE


def test_lines_keep_the_product_and_sku_names_of_the_order_apart() -> None:
    line = seen().lines[0]
    assert (line.product_name, line.sku_name, line.title) == ("Product sku-1", "Red", "Product sku-1 - Red")


def test_buyer_data_tiktok_withheld_while_unpaid_is_taken_when_it_arrives() -> None:
    order = fresh("UNPAID")
    assert (order.buyer.name, order.buyer.phone) == ("", "")
    paid = order_data(status="AWAITING_SHIPMENT", update=at(hours=1))
    buyer = replace(paid.buyer, name="J*** D***", phone="(+1)213*****12")
    assert order.apply_update(replace(paid, buyer=buyer)) is UpdateOutcome.APPLIED
    assert (order.buyer.name, order.buyer.phone) == ("J*** D***", "(+1)213*****12")
    # A later snapshot without the address (e.g. on hold again) keeps what TikTok told before.
    order.apply_update(order_data(status="AWAITING_SHIPMENT", update=at(hours=2)))
    assert (order.buyer.name, order.buyer.phone, order.buyer.user_id) == (
        "J*** D***",
        "(+1)213*****12",
        "buyer-1",
    )
