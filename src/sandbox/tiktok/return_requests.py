"""Buyer return requests (reference §4.3): opened by the buyer (the control surface), answered by
the seller (Approve / Reject Return), moved on by the buyer and TikTok. Every status change sends
webhook type 12 ``RETURN_STATUS_CHANGE``.

Flows simulated: refund only (PENDING → SUCCESS → COMPLETE), return and refund (PENDING →
AWAITING_BUYER_SHIP → BUYER_SHIPPED_ITEM → SUCCESS → COMPLETE, or REJECT_RECEIVE_PACKAGE),
replacement (REPLACEMENT_REQUEST_PENDING → REPLACEMENT_REQUEST_COMPLETE); the buyer may withdraw a
request until the item was shipped back; the seller may reject a pending request.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sandbox.money import add_amounts, format_amount
from sandbox.tiktok import errors
from sandbox.tiktok.events import emit
from sandbox.tiktok.models import Order, ReturnRequest, Shop, ShopData
from sandbox.tiktok.state import TikTokState
from sandbox.webhooks import WebhookDispatcher

RETURN_TYPES = frozenset({"REFUND", "RETURN_AND_REFUND", "REPLACEMENT"})
# When a buyer can ask: a refund once the order shipped, goods back once they were delivered.
OPENABLE = {
    "REFUND": frozenset({"IN_TRANSIT", "DELIVERED"}),
    "RETURN_AND_REFUND": frozenset({"DELIVERED"}),
    "REPLACEMENT": frozenset({"DELIVERED"}),
}
PENDING = "RETURN_OR_REFUND_REQUEST_PENDING"
REPLACEMENT_PENDING = "REPLACEMENT_REQUEST_PENDING"
CLOSED = frozenset(
    {
        "REFUND_OR_RETURN_REQUEST_REJECT",
        "RETURN_OR_REFUND_REQUEST_CANCEL",
        "REPLACEMENT_REQUEST_REJECT",
        "REPLACEMENT_REQUEST_CANCEL",
    }
)
"""Requests that gave nothing back: their units may be asked for again."""
# (type, status) -> (approve decision, reject decision, status after approve, status after reject)
SELLER_DECISIONS: dict[tuple[str, str], tuple[str, str, str, str]] = {
    ("REFUND", PENDING): (
        "APPROVE_REFUND",
        "REJECT_REFUND",
        "RETURN_OR_REFUND_REQUEST_SUCCESS",
        "REFUND_OR_RETURN_REQUEST_REJECT",
    ),
    ("RETURN_AND_REFUND", PENDING): (
        "APPROVE_RETURN",
        "REJECT_RETURN",
        "AWAITING_BUYER_SHIP",
        "REFUND_OR_RETURN_REQUEST_REJECT",
    ),
    ("RETURN_AND_REFUND", "BUYER_SHIPPED_ITEM"): (
        "APPROVE_RECEIVED_PACKAGE",
        "REJECT_RECEIVED_PACKAGE",
        "RETURN_OR_REFUND_REQUEST_SUCCESS",
        "REJECT_RECEIVE_PACKAGE",
    ),
    ("REPLACEMENT", REPLACEMENT_PENDING): (
        "APPROVE_REPLACEMENT",
        "REJECT_REPLACEMENT",
        "REPLACEMENT_REQUEST_COMPLETE",
        "REPLACEMENT_REQUEST_REJECT",
    ),
}
# What the buyer and TikTok do (the control surface): status -> allowed next statuses.
BUYER_AND_PLATFORM_MOVES: dict[str, frozenset[str]] = {
    PENDING: frozenset({"RETURN_OR_REFUND_REQUEST_CANCEL"}),
    "AWAITING_BUYER_SHIP": frozenset({"BUYER_SHIPPED_ITEM", "RETURN_OR_REFUND_REQUEST_CANCEL"}),
    "RETURN_OR_REFUND_REQUEST_SUCCESS": frozenset({"RETURN_OR_REFUND_REQUEST_COMPLETE"}),
    REPLACEMENT_PENDING: frozenset({"REPLACEMENT_REQUEST_CANCEL"}),
}
RETURN_REASON = ("ecom_order_delivered_refund_and_return_reason_wrong_product", "Wrong item was sent")
# Not in the reference: the sandbox's own codes for a missing return and a return in the wrong state.
RETURN_NOT_FOUND = (36009004, "Invalid identifier. The return does not exist.", 200)
RETURN_WRONG_STATE = (12052903, "The return request does not await this seller decision.", 200)


class ReturnRuleError(ValueError):
    pass


def _new_return_id(data: ShopData) -> str:
    newest = max((int(r) for r in data.returns), default=4_035_228_871_802_000_000)
    return str(newest + 1)


def open_return(
    state: TikTokState,
    dispatcher: WebhookDispatcher | None,
    shop_id: str,
    order_id: str,
    return_type: str,
    sku_ids: list[str] | None = None,
    quantity: int | None = None,
) -> ReturnRequest:
    """The buyer asks to return (or get refunded for) units of the order: every unit not yet in a
    return, or ``quantity`` units of each SKU in ``sku_ids``."""
    data = state.data(shop_id)
    order = data.orders.get(order_id)
    if order is None:
        raise ReturnRuleError(f"unknown order {order_id} in shop {shop_id}")
    if return_type not in RETURN_TYPES:
        raise ReturnRuleError(f"return_type must be one of {sorted(RETURN_TYPES)}")
    if order.status not in OPENABLE[return_type]:
        raise ReturnRuleError(f"a {return_type} request cannot be opened on a {order.status} order")
    taken = {
        i
        for r in data.returns.values()
        if r.order_id == order_id and r.status not in CLOSED
        for i in r.unit_indexes
    }
    free = [i for i in range(len(order.unit_sku_ids)) if i not in taken]
    chosen: list[int] = []
    for sku_id in sku_ids or sorted(set(order.unit_sku_ids)):
        units = [i for i in free if order.unit_sku_ids[i] == sku_id]
        if sku_ids and not units:
            raise ReturnRuleError(f"the order has no unit of SKU {sku_id} left to return")
        chosen += units[:quantity] if quantity else units
    if not chosen:
        raise ReturnRuleError(f"every unit of order {order_id} is in a return already")
    now = state.clock.now_s()
    request = ReturnRequest(
        _new_return_id(data),
        order_id,
        return_type,
        REPLACEMENT_PENDING if return_type == "REPLACEMENT" else PENDING,
        "BUYER",
        tuple(sorted(chosen)),
        *RETURN_REASON,
        now,
        now,
    )
    data.returns[request.id] = request
    state.touch(shop_id)
    _emit(state, dispatcher, shop_id, request)
    return request


def move_return(
    state: TikTokState, dispatcher: WebhookDispatcher | None, shop_id: str, return_id: str, status: str
) -> ReturnRequest:
    """The buyer or TikTok moves the return on (ships the item back, withdraws, TikTok completes)."""
    request = state.data(shop_id).returns.get(return_id)
    if request is None:
        raise ReturnRuleError(f"unknown return {return_id} in shop {shop_id}")
    if status not in BUYER_AND_PLATFORM_MOVES.get(request.status, frozenset()):
        raise ReturnRuleError(f"return {return_id} cannot move from {request.status} to {status}")
    _set_status(state, dispatcher, shop_id, request, status)
    return request


def decide(
    state: TikTokState,
    dispatcher: WebhookDispatcher | None,
    shop_id: str,
    return_id: str,
    decision: Any,
    *,
    approve: bool,
    idempotency_key: str | None,
) -> ReturnRequest:
    """The seller's Approve / Reject Return; a repeat with the same idempotency key changes nothing."""
    request = state.data(shop_id).returns.get(return_id)
    if request is None:
        raise errors.error(RETURN_NOT_FOUND)
    if idempotency_key and idempotency_key in request.idempotency_keys:
        return request
    choices = SELLER_DECISIONS.get((request.return_type, request.status))
    if choices is None:
        raise errors.error(RETURN_WRONG_STATE)
    approve_name, reject_name, after_approve, after_reject = choices
    expected = approve_name if approve else reject_name
    if decision != expected:
        raise errors.invalid_param(f"The 'decision' must be {expected} for this return.")
    if idempotency_key:
        request.idempotency_keys.add(idempotency_key)
    _set_status(state, dispatcher, shop_id, request, after_approve if approve else after_reject)
    return request


def _set_status(
    state: TikTokState,
    dispatcher: WebhookDispatcher | None,
    shop_id: str,
    request: ReturnRequest,
    status: str,
) -> None:
    request.status = status
    request.update_time = max(state.clock.now_s(), request.update_time)
    state.touch(shop_id)
    _emit(state, dispatcher, shop_id, request)


def _emit(
    state: TikTokState, dispatcher: WebhookDispatcher | None, shop_id: str, request: ReturnRequest
) -> None:
    emit(
        state,
        dispatcher,
        shop_id,
        12,
        {
            "order_id": request.order_id,
            "return_role": request.role,
            "return_type": request.return_type,
            "return_status": request.status,
            "return_id": request.id,
            "create_time": request.create_time,
            "update_time": request.update_time,
        },
    )


def _amount(currency: str, total: str, subtotal: str) -> dict[str, str]:
    zero = format_amount(Decimal(0), currency)
    return {
        "currency": currency,
        "refund_total": total,
        "refund_subtotal": subtotal,
        "refund_shipping_fee": zero,
        "refund_tax": zero,
    }


def return_json(shop: Shop, data: ShopData, request: ReturnRequest) -> dict[str, Any]:
    order: Order = data.orders[request.order_id]
    currency = shop.currency
    lines = []
    for n, i in enumerate(request.unit_indexes):
        sku = data.skus[order.unit_sku_ids[i]]
        price = order.unit_prices[i]
        lines.append(
            {
                "return_line_item_id": str(int(request.id) + 1 + n),
                "order_line_item_id": str(int(order.id) + 1 + i),
                "sku_id": sku.id,
                "seller_sku": sku.seller_sku,
                "product_name": data.products[sku.product_id].title,
                "sku_name": sku.color,
                "refund_amount": _amount(currency, price, price),
            }
        )
    refunded = request.return_type != "REPLACEMENT"
    total = add_amounts([order.unit_prices[i] for i in request.unit_indexes], currency)
    if not refunded:
        total = format_amount(Decimal(0), currency)
    body: dict[str, Any] = {
        "return_id": request.id,
        "order_id": request.order_id,
        "return_type": request.return_type,
        "return_status": request.status,
        "role": request.role,
        "return_reason": request.reason,
        "return_reason_text": request.reason_text,
        "create_time": request.create_time,
        "update_time": request.update_time,
        "refund_amount": _amount(currency, total, total),
        "return_line_items": lines,
    }
    choices = SELLER_DECISIONS.get((request.return_type, request.status))
    if choices is not None:
        body["seller_next_action_response"] = [
            {"action": f"SELLER_RESPOND_{request.return_type}", "deadline": request.update_time + 2 * 86_400}
        ]
    return body
