"""The store's own orders as analytics reads them (reference B3, `GET orders.json`).

Orders are listed by `updated_at` with every field, and mapped to exact figures: gross is the sum
of line prices times quantities, the discount is the order's `total_discounts` (or, without it,
the sum of the lines' `discount_allocations`), net is gross minus discount. Orders this service
imported from a channel carry its marker (note attribute or tag) and come back marked.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from adapters.shopline import mapping
from adapters.shopline.orders import ORDER_PAGE_LIMIT
from adapters.shopline.scopes import READ_ORDERS
from adapters.shopline.transport import RestCall, ShoplineTransport, iterate_pages
from domain.analytics import StoreOrder, StoreOrderLine, to_e4
from domain.ids import ShoplineOrderId, ShoplineVariantId

# Financial states in which the buyer has paid (refunds are returns, not unpaid orders).
PAID_STATUSES = frozenset({"paid", "partially_paid", "partially_refunded", "refunded"})


def updated_between(
    transport: ShoplineTransport, handle: str, token: str, updated_at_min: datetime, updated_at_max: datetime
) -> AsyncGenerator[Any, None]:
    params = {
        "status": "any",
        "updated_at_min": mapping.iso_text(updated_at_min),
        "updated_at_max": mapping.iso_text(updated_at_max),
    }
    return iterate_pages(
        transport, handle, token, RestCall("GET", "orders.json", READ_ORDERS, params), ORDER_PAGE_LIMIT
    )


def _amount(value: Any, what: str) -> Decimal:
    if value is None or value == "":
        return Decimal(0)
    if isinstance(value, bool | float) or not isinstance(value, str | int):
        raise mapping.MalformedResponse(f"{what} is not a decimal amount")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise mapping.MalformedResponse(f"{what} is not a decimal amount") from None
    if not amount.is_finite():
        raise mapping.MalformedResponse(f"{what} is not a decimal amount")
    return amount


def _allocated(line: Mapping[str, Any], what: str) -> Decimal:
    total = Decimal(0)
    for n, allocation in enumerate(line.get("discount_allocations") or []):
        if isinstance(allocation, Mapping):
            total += _amount(allocation.get("amount"), f"{what}.discount_allocations[{n}].amount")
    return total


def _marker(order: Mapping[str, Any]) -> str | None:
    marker = mapping.channel_marker(order)
    if marker is not None:
        return marker
    tags = [tag.strip() for tag in str(order.get("tags") or "").split(",")]
    return mapping.MARKER_TAG if mapping.MARKER_TAG in tags else None


def _buyer_key(order: Mapping[str, Any]) -> str:
    customer = order.get("customer")
    if isinstance(customer, Mapping) and customer.get("id") not in (None, ""):
        return f"id:{customer['id']}"
    email = order.get("email") or (customer.get("email") if isinstance(customer, Mapping) else None)
    return f"email:{str(email).strip().lower()}" if email else ""


def store_order(raw: Any) -> StoreOrder:
    order = raw if isinstance(raw, Mapping) else None
    if order is None:
        raise mapping.MalformedResponse("order is not an object")
    currency = str(order.get("currency") or "")
    if len(currency) != 3 or not currency.isalpha():
        raise mapping.MalformedResponse("order.currency is not a currency code")
    lines = []
    gross = allocated = Decimal(0)
    for n, raw_line in enumerate(order.get("line_items") or []):
        what = f"order.line_items[{n}]"
        if not isinstance(raw_line, Mapping):
            raise mapping.MalformedResponse(f"{what} is not an object")
        quantity = raw_line.get("quantity")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
            raise mapping.MalformedResponse(f"{what}.quantity is not a count")
        line_gross = _amount(raw_line.get("price"), f"{what}.price") * quantity
        line_discount = _allocated(raw_line, what)
        gross += line_gross
        allocated += line_discount
        variant = raw_line.get("variant_id")
        lines.append(
            StoreOrderLine(
                variant_id=None if variant in (None, "") else ShoplineVariantId(str(variant)),
                title=str(raw_line.get("title") or ""),
                sku=str(raw_line.get("sku") or ""),
                quantity=quantity,
                net_e4=to_e4(line_gross - line_discount),
            )
        )
    discount = allocated
    if "total_discounts" in order:
        discount = _amount(order["total_discounts"], "order.total_discounts")
    created_at = mapping.iso_time(order.get("created_at"), "order.created_at")
    return StoreOrder(
        order_id=ShoplineOrderId(_order_id(order.get("id"))),
        created_at=created_at,
        updated_at=mapping.iso_time(order.get("updated_at") or order.get("created_at"), "order.updated_at"),
        currency=currency.upper(),
        paid=str(order.get("financial_status") or "") in PAID_STATUSES,
        cancelled=order.get("status") == "cancelled" or bool(order.get("cancelled_at")),
        gross_e4=to_e4(gross),
        discount_e4=to_e4(discount),
        buyer_key=_buyer_key(order),
        lines=tuple(lines),
        channel_marker=_marker(order),
    )


def _order_id(value: Any) -> str:
    if value in (None, "") or isinstance(value, bool | float):
        raise mapping.MalformedResponse("order.id is not an id")
    return str(value)


def store_orders(data: Any) -> list[StoreOrder]:
    if not isinstance(data, Mapping):
        raise mapping.MalformedResponse("data is not an object")
    return [store_order(raw) for raw in data.get("orders") or []]
