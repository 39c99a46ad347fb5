"""Order refunds (reference B3; request and response fields of SHOPLINE's `order/refund.json` as
in shoplineos/shopline-sdk-go `order_refund.go`): create a refund of line items with or without
restock, list an order's refunds. SHOPLINE takes no idempotency key here: a client that lost a
reply finds its refund again by reading the order's refunds.

Validation: the order exists and is not cancelled; each line item belongs to it; quantities are
positive and never more than ordered minus already refunded; the currency, when given, is the
order's; transactions never refund more than was paid. Restocking (`restock_type` `return` or
`cancel`) puts the units back at the line's location, which raises the store's on-hand and sends
`inventory_levels/update`; every refund sends `refunds/create`.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from sandbox.money import format_amount
from sandbox.shopline import events
from sandbox.shopline.errors import ShoplineError
from sandbox.shopline.gateway import Reply, SlCall, SlRoute
from sandbox.shopline.models import Order, OrderLine
from sandbox.shopline.render import iso, order_json

RESTOCK_TYPES = frozenset({"no_restock", "return", "cancel"})
MAX_NOTE = 500


def refunded_quantity(order: Order, line_id: str) -> int:
    return sum(
        int(item["quantity"])
        for refund in order.refunds
        for item in refund["refund_line_items"]
        if item["line_item_id"] == line_id
    )


def refunded_amount(order: Order) -> Decimal:
    return sum((Decimal(t["amount"]) for refund in order.refunds for t in refund["transactions"]), Decimal(0))


def _line_items(order: Order, raw_items: Any) -> list[tuple[OrderLine, int, str, str | None]]:
    if not isinstance(raw_items, list) or not raw_items:
        raise ShoplineError(422, "refund_line_items must not be empty")
    lines = {line.id: line for line in order.lines}
    wanted: dict[str, int] = {}
    parsed = []
    for n, raw in enumerate(raw_items):
        where = f"refund_line_items[{n}]"
        if not isinstance(raw, dict):
            raise ShoplineError(422, f"{where} must be an object")
        line = lines.get(str(raw.get("line_item_id")))
        if line is None:
            raise ShoplineError(422, f"{where}.line_item_id does not belong to the order")
        quantity = raw.get("quantity")
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
            raise ShoplineError(422, f"{where}.quantity must be a positive integer")
        wanted[line.id] = wanted.get(line.id, 0) + quantity
        if wanted[line.id] > line.quantity - refunded_quantity(order, line.id):
            raise ShoplineError(422, f"{where}.quantity is more than the line has left to refund")
        restock_type = raw.get("restock_type", "no_restock")
        if restock_type not in RESTOCK_TYPES:
            raise ShoplineError(422, f"{where}.restock_type must be one of {sorted(RESTOCK_TYPES)}")
        location_id = raw.get("location_id")
        parsed.append((line, quantity, restock_type, None if location_id is None else str(location_id)))
    return parsed


async def create_refund(call: SlCall) -> Reply:
    body = call.json()
    store = call.store
    order = store.orders.get(str(body.get("order_id") or ""))
    if order is None:
        raise ShoplineError(404, "The order does not exist.")
    if order.status == "cancelled":
        raise ShoplineError(422, "A cancelled order cannot be refunded.")
    currency = body.get("currency")
    if currency is not None and currency != order.currency:
        raise ShoplineError(422, f"currency must be {order.currency}")
    note = body.get("note", "")
    if not isinstance(note, str) or len(note) > MAX_NOTE:
        raise ShoplineError(422, f"note must be a string of at most {MAX_NOTE} characters")
    items = _line_items(order, body.get("refund_line_items"))
    for _, _, _, location_id in items:
        if location_id is not None and location_id not in store.locations:
            raise ShoplineError(422, "refund_line_items.location_id does not exist")
    subtotal = sum((Decimal(line.price) * quantity for line, quantity, _, _ in items), Decimal(0))
    amount = subtotal
    for raw in body.get("transactions") or []:
        try:
            amount = Decimal(str(raw.get("amount")))
        except (InvalidOperation, AttributeError):
            raise ShoplineError(422, "transactions.amount is invalid") from None
    was_paid = order.financial_status in ("paid", "partially_refunded", "refunded")
    paid = Decimal(order_json(store, order)["total_price"]) if was_paid else Decimal(0)
    if amount < 0 or amount + refunded_amount(order) > paid:
        raise ShoplineError(422, "The refund amount exceeds the amount paid that is left to refund.")
    now = call.now
    refund_id = call.state.new_id("26")
    refund_items = []
    for n, (line, quantity, restock_type, location_id) in enumerate(items):
        refund_items.append(
            {
                "id": f"{refund_id[:-3]}{n + 1:03d}",
                "line_item_id": line.id,
                "quantity": quantity,
                "restock_type": restock_type,
                "location_id": location_id or line.location_id,
                "subtotal": format_amount(Decimal(line.price) * quantity, order.currency),
            }
        )
        if restock_type != "no_restock" and line.variant_id is not None:
            variant = store.variants[line.variant_id]
            if variant.inventory_tracker:
                where = location_id or line.location_id or store.default_location_id
                key = (variant.inventory_item_id, where)
                store.levels[key] = store.levels.get(key, 0) + quantity
                store.level_updated[key] = now
                events.level_updated(call.state, store, *key)
    refund = {
        "id": refund_id,
        "order_id": order.id,
        "note": note,
        "create_at": iso(now),
        "refund_line_items": refund_items,
        "transactions": [
            {
                "kind": "refund",
                "amount": format_amount(amount, order.currency),
                "currency": order.currency,
                "status": "success",
            }
        ],
    }
    order.refunds.append(refund)
    refunded_all = all(refunded_quantity(order, line.id) >= line.quantity for line in order.lines)
    order.financial_status = "refunded" if refunded_all else "partially_refunded"
    order.updated_at = now
    call.touch()
    events.emit(call.state, store, "refunds/create", refund)
    return Reply({"data": refund})


async def list_refunds(call: SlCall) -> Reply:
    order = call.store.orders.get(call.path_params["order_id"])
    if order is None:
        raise ShoplineError(404, "The order does not exist.")
    return Reply({"refunds": list(order.refunds)})


# Scopes per reference B3 (orders).
ROUTES = [
    SlRoute("POST", "order/refund.json", create_refund, ("write_orders",)),
    SlRoute("GET", "orders/{order_id}/refunds.json", list_refunds, ("read_orders",)),
]
