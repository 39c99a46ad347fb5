"""SHOPLINE's ``fulfillments/create`` and ``fulfillments/update`` bodies (reference S3, S6).

The fulfillment's fields come at the top level of the body (SLGO's webhook models) or, as in the
REST answers, under ``fulfillment``; ids arrive as strings or numbers. Tracking comes in
``tracking_info_list`` from v20260301 and in the deprecated single fields before.
"""

from __future__ import annotations

from typing import Any

from domain.ids import ShoplineOrderId
from domain.logistics import FulfillmentLine, ShoplineFulfillment, TrackingInfo
from services.webhooks.payloads import MalformedPayload, json_object, text


def fulfillment_from_body(body: str) -> ShoplineFulfillment:
    data = json_object(body)
    inner = data.get("fulfillment")
    if isinstance(inner, dict):
        data = inner
    return ShoplineFulfillment(
        fulfillment_id=text(data, "id"),
        order_id=ShoplineOrderId(text(data, "order_id")),
        status=str(data.get("status") or "success").strip().lower(),
        lines=_lines(data.get("line_items")),
        tracking=_tracking(data),
        shipment_status=str(data.get("shipment_status") or ""),
    )


def _lines(value: Any) -> tuple[FulfillmentLine, ...]:
    if not isinstance(value, list) or not value:
        raise MalformedPayload("line_items", "is missing or empty")
    lines = []
    for item in value:
        if not isinstance(item, dict):
            raise MalformedPayload("line_items", "holds something that is not an object")
        # In a fulfillment, ``fulfillment_quantity`` is what it ships; ``quantity`` is the line's
        # (and, in create requests, the units shipped).
        quantity = item.get("fulfillment_quantity", item.get("quantity"))
        if isinstance(quantity, str) and quantity.isdigit():
            quantity = int(quantity)
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
            raise MalformedPayload("line_items.fulfillment_quantity", "is missing or not a positive number")
        lines.append(FulfillmentLine(text(item, "id"), quantity))
    return tuple(lines)


def _tracking(data: dict[str, Any]) -> tuple[TrackingInfo, ...]:
    listed = data.get("tracking_info_list")
    found: list[TrackingInfo] = []
    if isinstance(listed, list):
        for entry in listed:
            if isinstance(entry, dict) and str(entry.get("tracking_number") or "").strip():
                found.append(
                    TrackingInfo(
                        str(entry.get("tracking_company") or "").strip(),
                        str(entry["tracking_number"]).strip(),
                        str(entry.get("tracking_url") or ""),
                    )
                )
    if not found and str(data.get("tracking_number") or "").strip():
        found.append(
            TrackingInfo(
                str(data.get("tracking_company") or "").strip(),
                str(data["tracking_number"]).strip(),
                str(data.get("tracking_url") or ""),
            )
        )
    return tuple(found)
