"""JSON shapes of SHOPLINE resources (reference B1-B3)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sandbox.money import format_amount
from sandbox.shopline.models import Order, Product, Store, Variant
from sandbox.shopline.render_fulfillments import fulfillable_quantity, fulfillment_json, line_status


def iso(ts: int | float | None) -> str | None:
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


def parse_iso(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def inventory_quantity(store: Store, variant: Variant) -> int:
    item = variant.inventory_item_id
    return sum(store.levels.get((item, location_id), 0) for location_id in store.locations)


def variant_json(store: Store, variant: Variant, quantities: dict[str, int] | None = None) -> dict[str, Any]:
    quantity = (
        quantities.get(variant.inventory_item_id, 0)
        if quantities is not None
        else inventory_quantity(store, variant)
    )
    return {
        "id": variant.id,
        "product_id": variant.product_id,
        "sku": variant.sku,
        "price": variant.price,
        "compare_at_price": None,
        "option1": variant.option1,
        "inventory_item_id": variant.inventory_item_id,
        "inventory_quantity": quantity,
        "inventory_policy": variant.inventory_policy,
        "inventory_tracker": variant.inventory_tracker,
        "required_shipping": True,
        "taxable": True,
        "created_at": iso(variant.created_at),
        "updated_at": iso(variant.updated_at),
    }


def item_totals(store: Store) -> dict[str, int]:
    totals: dict[str, int] = {}
    for (item_id, _), qty in store.levels.items():
        totals[item_id] = totals.get(item_id, 0) + qty
    return totals


def product_json(store: Store, product: Product, quantities: dict[str, int] | None = None) -> dict[str, Any]:
    return {
        "id": product.id,
        "title": product.title,
        "handle": product.handle,
        "status": product.status,
        "body_html": f"<p>{product.title}</p>",
        "vendor": "Sandbox Goods",
        "tags": "",
        "created_at": iso(product.created_at),
        "updated_at": iso(product.updated_at),
        "options": [{"name": "Color", "position": 1}],
        "variants": [variant_json(store, store.variants[v], quantities) for v in product.variant_ids],
    }


def order_json(store: Store, order: Order) -> dict[str, Any]:
    subtotal = sum((Decimal(line.price) * line.quantity for line in order.lines), Decimal(0))
    shipping = Decimal(str((order.payload.get("shipping_line") or {}).get("price") or "0"))
    body: dict[str, Any] = {key: value for key, value in order.payload.items() if key not in ("line_items",)}
    body.update(
        {
            "id": order.id,
            "name": order.name,
            "created_at": iso(order.created_at),
            "updated_at": iso(order.updated_at),
            "currency": order.currency,
            "financial_status": order.financial_status,
            "fulfillment_status": order.fulfillment_status,
            "status": order.status,
            "cancelled_at": iso(order.cancelled_at),
            "cancel_reason": order.cancel_reason,
            "subtotal_price": format_amount(subtotal, order.currency),
            "total_price": format_amount(subtotal + shipping, order.currency),
            "line_items": [
                {
                    "id": line.id,
                    "variant_id": line.variant_id,
                    "product_id": line.product_id,
                    "sku": line.sku,
                    "title": line.title,
                    "price": line.price,
                    "quantity": line.quantity,
                    "location_id": line.location_id,
                    "fulfillable_quantity": fulfillable_quantity(order, line),
                    "fulfillment_status": line_status(order, line),
                    "discount_allocations": (
                        [{"amount": line.discount}] if Decimal(line.discount) != 0 else []
                    ),
                }
                for line in order.lines
            ],
            "total_discounts": format_amount(
                sum((Decimal(line.discount) for line in order.lines), Decimal(0)), order.currency
            ),
        }
    )
    if order.fulfillments:
        body["fulfillments"] = [fulfillment_json(order, f) for f in order.fulfillments]
    body.setdefault("note_attributes", [])
    body.setdefault("tags", "")
    return body


def project(resource: dict[str, Any], fields: str | None) -> dict[str, Any]:
    """The `fields` projection: keep only the listed top-level keys."""
    if not fields:
        return resource
    wanted = {name.strip() for name in fields.split(",") if name.strip()}
    return {key: value for key, value in resource.items() if key in wanted}
