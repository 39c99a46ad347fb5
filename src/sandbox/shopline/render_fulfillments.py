"""JSON of SHOPLINE fulfillments and the fulfillment state of order lines (S3, S6)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sandbox.shopline.models import Fulfillment, Order, OrderLine


def _iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


def fulfilled_quantity(order: Order, line_id: str) -> int:
    return sum(
        quantity
        for fulfillment in order.fulfillments
        if fulfillment.status == "success"
        for fulfilled_line, quantity in fulfillment.lines
        if fulfilled_line == line_id
    )


def fulfillable_quantity(order: Order, line: OrderLine) -> int:
    if order.status == "cancelled":
        return 0
    return line.quantity - fulfilled_quantity(order, line.id)


def line_status(order: Order, line: OrderLine) -> str:
    done = fulfilled_quantity(order, line.id)
    return "unshipped" if done == 0 else "shipped" if done >= line.quantity else "partial"


def order_status(order: Order) -> str:
    """``unshipped``, ``partial`` or ``shipped`` over every line."""
    statuses = {line_status(order, line) for line in order.lines}
    if statuses == {"shipped"}:
        return "shipped"
    return "unshipped" if statuses == {"unshipped"} else "partial"


def fulfillment_json(order: Order, fulfillment: Fulfillment) -> dict[str, Any]:
    """The fulfillment as the API answers it and as ``fulfillments/create|update`` carry it: ids
    as strings, the tracking list and the deprecated single tracking fields."""
    by_id = {line.id: line for line in order.lines}
    tracking = [dict(entry) for entry in fulfillment.tracking]
    first = tracking[0] if tracking else {}
    return {
        "id": fulfillment.id,
        "order_id": order.id,
        "name": fulfillment.name,
        "status": fulfillment.status,
        "shipment_status": fulfillment.shipment_status,
        "tracking_info_list": tracking,
        "tracking_company": first.get("tracking_company"),
        "tracking_number": first.get("tracking_number"),
        "tracking_numbers": [t["tracking_number"] for t in tracking],
        "tracking_url": first.get("tracking_url"),
        "tracking_urls": [t.get("tracking_url", "") for t in tracking],
        "created_at": _iso(fulfillment.created_at),
        "updated_at": _iso(fulfillment.updated_at),
        "line_items": [
            {
                "id": line_id,
                "product_id": by_id[line_id].product_id,
                "variant_id": by_id[line_id].variant_id,
                "sku": by_id[line_id].sku,
                "title": by_id[line_id].title,
                "quantity": by_id[line_id].quantity,
                "fulfillment_quantity": quantity,
                "fulfillable_quantity": fulfillable_quantity(order, by_id[line_id]),
                "fulfillment_status": line_status(order, by_id[line_id]),
                "fulfillment_service": "manual",
            }
            for line_id, quantity in fulfillment.lines
        ],
    }
