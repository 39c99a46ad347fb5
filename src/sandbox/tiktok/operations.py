"""State changes shared by the endpoints and the control surface: order lifecycle (reference
§4.1), cancellations (§4.2), new orders. Each emits the webhook TikTok would send."""

from __future__ import annotations

from typing import Any

from sandbox.datagen import BUYER_CANCEL_REASONS, SELLER_CANCEL_REASONS
from sandbox.tiktok import errors
from sandbox.tiktok.events import emit
from sandbox.tiktok.models import Cancellation, Order
from sandbox.tiktok.state import TikTokState
from sandbox.webhooks import WebhookDispatcher

TERMINAL = frozenset({"CANCELLED", "COMPLETED"})
# Forward moves an order can make; CANCELLED is reachable from any non-terminal state.
NEXT_STATUSES: dict[str, frozenset[str]] = {
    "UNPAID": frozenset({"ON_HOLD", "AWAITING_SHIPMENT"}),
    "ON_HOLD": frozenset({"AWAITING_SHIPMENT"}),
    "AWAITING_SHIPMENT": frozenset({"PARTIALLY_SHIPPING", "AWAITING_COLLECTION", "IN_TRANSIT"}),
    "PARTIALLY_SHIPPING": frozenset({"AWAITING_COLLECTION", "IN_TRANSIT"}),
    "AWAITING_COLLECTION": frozenset({"IN_TRANSIT"}),
    "IN_TRANSIT": frozenset({"DELIVERED"}),
    "DELIVERED": frozenset({"COMPLETED"}),
}
SELLER_CANCELLABLE = frozenset({"UNPAID", "ON_HOLD", "AWAITING_SHIPMENT"})
# Seller cancel once shipment is arranged: US only (fulfillment reference T2).
SELLER_CANCELLABLE_AT_COLLECTION = frozenset({"US"})
ORDER_CANCELLED = (21011041, "The order has been cancelled.")
ORDER_NOT_SELLER_CANCELLABLE = 12052902


def seller_may_cancel(status: str, region: str) -> bool:
    if status in SELLER_CANCELLABLE:
        return True
    return status == "AWAITING_COLLECTION" and region in SELLER_CANCELLABLE_AT_COLLECTION


class OrderRuleError(ValueError):
    pass


def _order(state: TikTokState, shop_id: str, order_id: str) -> Order:
    order = state.data(shop_id).orders.get(order_id)
    if order is None:
        raise KeyError(f"unknown order {order_id} in shop {shop_id}")
    return order


def set_order_status(
    state: TikTokState,
    dispatcher: WebhookDispatcher | None,
    shop_id: str,
    order_id: str,
    status: str,
    *,
    force: bool = False,
) -> Order:
    order = _order(state, shop_id, order_id)
    if not force:
        if order.status in TERMINAL:
            raise OrderRuleError(f"order {order_id} is {order.status}, a terminal status")
        if status != "CANCELLED" and status not in NEXT_STATUSES.get(order.status, frozenset()):
            raise OrderRuleError(f"order {order_id} cannot move from {order.status} to {status}")
    now = state.clock.now_s()
    order.status = status
    order.update_time = now
    if status != "UNPAID" and order.paid_time is None:
        order.paid_time = now
    if status in ("IN_TRANSIT", "DELIVERED", "COMPLETED") and not order.tracking_number:
        order.tracking_number = f"TTS{order.id[-10:]}"
    if status == "CANCELLED":
        order.cancel_time = now
        order.cancellation_initiator = order.cancellation_initiator or "SYSTEM"
        order.cancel_reason = order.cancel_reason or "Cancelled by the system"
    state.touch(shop_id)
    emit(
        state,
        dispatcher,
        shop_id,
        1,
        {
            "order_id": order.id,
            "order_status": status,
            "is_on_hold_order": status == "ON_HOLD",
            "update_time": now,
        },
    )
    return order


def create_order(
    state: TikTokState,
    dispatcher: WebhookDispatcher | None,
    shop_id: str,
    lines: list[tuple[str, int]],
    status: str = "UNPAID",
    buyer_user_id: str | None = None,
    *,
    fulfillment_type: str = "FULFILLMENT_BY_SELLER",
    buyer_message: str = "",
) -> Order:
    """A new order; `lines` are (sku_id, quantity), expanded to one line item per unit."""
    data = state.data(shop_id)
    shop = state.shop(shop_id)
    units: list[str] = []
    for sku_id, quantity in lines:
        if sku_id not in data.skus:
            raise KeyError(f"unknown SKU {sku_id} in shop {shop_id}")
        if quantity < 1:
            raise OrderRuleError("quantity must be at least 1")
        units.extend([sku_id] * quantity)
    if not units:
        raise OrderRuleError("an order needs at least one line")
    now = state.clock.now_s()
    newest = max((int(o) for o in data.orders), default=576_461_413_038_000_000 + len(state.shops) * 10**13)
    order_id = str(newest + 1000)
    order = Order(
        id=order_id,
        create_time=now,
        update_time=now,
        status=status,
        unit_sku_ids=tuple(units),
        unit_prices=tuple(data.skus[s].sale_price for s in units),
        buyer_user_id=buyer_user_id or str(7_494_845_267_309_000_000 + len(data.orders)),
        shipping_fee="0" if shop.currency in ("JPY", "VND", "IDR", "HUF") else "0.00",
        warehouse_id=shop.warehouse_ids[0],
        paid_time=None if status == "UNPAID" else now,
        fulfillment_type=fulfillment_type,
        buyer_message=buyer_message,
    )
    data.orders[order_id] = order
    state.touch(shop_id)
    emit(
        state,
        dispatcher,
        shop_id,
        1,
        {
            "order_id": order_id,
            "order_status": status,
            "is_on_hold_order": status == "ON_HOLD",
            "update_time": now,
        },
    )
    return order


def _new_cancel_id(state: TikTokState, shop_id: str) -> str:
    data = state.data(shop_id)
    newest = max((int(c) for c in data.cancellations), default=4_035_318_504_086_000_000)
    return str(newest + 1)


def request_buyer_cancellation(
    state: TikTokState, dispatcher: WebhookDispatcher | None, shop_id: str, order_id: str
) -> Cancellation:
    order = _order(state, shop_id, order_id)
    if order.status in TERMINAL:
        raise OrderRuleError(f"order {order_id} is {order.status}")
    now = state.clock.now_s()
    reason, text = BUYER_CANCEL_REASONS[0]
    cancellation = Cancellation(
        _new_cancel_id(state, shop_id),
        order_id,
        "BUYER_CANCEL",
        "CANCELLATION_REQUEST_PENDING",
        "BUYER",
        reason,
        text,
        now,
        now,
        now + 2 * 86_400,
    )
    state.data(shop_id).cancellations[cancellation.id] = cancellation
    order.is_buyer_request_cancel, order.request_cancel_time, order.update_time = True, now, now
    state.touch(shop_id)
    _emit_cancellation(state, dispatcher, shop_id, cancellation)
    return cancellation


def _emit_cancellation(
    state: TikTokState, dispatcher: WebhookDispatcher | None, shop_id: str, cancellation: Cancellation
) -> None:
    emit(
        state,
        dispatcher,
        shop_id,
        11,
        {
            "order_id": cancellation.order_id,
            "cancellations_role": cancellation.role,
            "cancel_status": cancellation.status,
            "cancel_id": cancellation.id,
            "create_time": cancellation.create_time,
        },
    )


def approve_cancellation(
    state: TikTokState, dispatcher: WebhookDispatcher | None, shop_id: str, cancel_id: str
) -> None:
    cancellation = state.data(shop_id).cancellations.get(cancel_id)
    if cancellation is None:
        raise errors.TikTokError(36009004, "Invalid identifier. The cancellation does not exist.", 200)
    if cancellation.status != "CANCELLATION_REQUEST_PENDING":
        raise errors.TikTokError(12052901, "The cancellation request is not pending.", 200)
    now = state.clock.now_s()
    cancellation.status, cancellation.update_time = "CANCELLATION_REQUEST_SUCCESS", now
    order = _order(state, shop_id, cancellation.order_id)
    order.cancellation_initiator, order.cancel_reason = "BUYER", cancellation.reason_text
    order.is_buyer_request_cancel = False
    set_order_status(state, dispatcher, shop_id, order.id, "CANCELLED", force=True)
    _emit_cancellation(state, dispatcher, shop_id, cancellation)


def reject_cancellation(
    state: TikTokState, dispatcher: WebhookDispatcher | None, shop_id: str, cancel_id: str
) -> None:
    cancellation = state.data(shop_id).cancellations.get(cancel_id)
    if cancellation is None:
        raise errors.TikTokError(36009004, "Invalid identifier. The cancellation does not exist.", 200)
    if cancellation.status != "CANCELLATION_REQUEST_PENDING":
        raise errors.TikTokError(12052901, "The cancellation request is not pending.", 200)
    now = state.clock.now_s()
    cancellation.status, cancellation.update_time = "CANCELLATION_REQUEST_CANCEL", now
    order = _order(state, shop_id, cancellation.order_id)
    order.is_buyer_request_cancel, order.update_time = False, now
    state.touch(shop_id)
    _emit_cancellation(state, dispatcher, shop_id, cancellation)


def complete_cancellations(state: TikTokState, dispatcher: WebhookDispatcher | None, shop_id: str) -> int:
    """Settle approved or seller-initiated cancellations: SUCCESS -> COMPLETE (refund done)."""
    now = state.clock.now_s()
    settled = 0
    for cancellation in state.data(shop_id).cancellations.values():
        if cancellation.status == "CANCELLATION_REQUEST_SUCCESS":
            cancellation.status, cancellation.update_time = "CANCELLATION_REQUEST_COMPLETE", now
            _emit_cancellation(state, dispatcher, shop_id, cancellation)
            settled += 1
    if settled:
        state.touch(shop_id)
    return settled


def seller_cancel(
    state: TikTokState, dispatcher: WebhookDispatcher | None, shop_id: str, order_id: str, reason: str
) -> Cancellation:
    order = state.data(shop_id).orders.get(order_id)
    if order is None:
        raise errors.error(errors.ORDER_NOT_OWNED)
    if order.status == "CANCELLED":
        raise errors.TikTokError(*ORDER_CANCELLED, 200)
    if not seller_may_cancel(order.status, state.shop(shop_id).region):
        raise errors.TikTokError(
            ORDER_NOT_SELLER_CANCELLABLE,
            f"The order cannot be cancelled by the seller in status {order.status}.",
            200,
        )
    texts = dict(SELLER_CANCEL_REASONS)
    if reason not in texts:
        raise errors.TikTokError(
            12052903, "Invalid cancel_reason. Use a reason name from aftersale_eligibility.", 200
        )
    now = state.clock.now_s()
    cancellation = Cancellation(
        _new_cancel_id(state, shop_id),
        order_id,
        "CANCEL",
        "CANCELLATION_REQUEST_SUCCESS",
        "SELLER",
        reason,
        texts[reason],
        now,
        now,
    )
    state.data(shop_id).cancellations[cancellation.id] = cancellation
    order.cancellation_initiator, order.cancel_reason = "SELLER", texts[reason]
    set_order_status(state, dispatcher, shop_id, order_id, "CANCELLED", force=True)
    _emit_cancellation(state, dispatcher, shop_id, cancellation)
    return cancellation


def order_summary(order: Order) -> dict[str, Any]:
    return {
        "id": order.id,
        "status": order.status,
        "create_time": order.create_time,
        "update_time": order.update_time,
        "units": len(order.unit_sku_ids),
    }
