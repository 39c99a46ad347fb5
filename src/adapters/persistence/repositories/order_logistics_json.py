"""An order's shipping facts as JSON columns: who fulfills it, the recipient, each line's package.

Times are stored as Unix seconds (TikTok's own resolution); an absent column (orders stored before
0014_order_logistics) reads as "nothing known yet", which the next sync fills in.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from domain.logistics import (
    AddressPart,
    FulfillmentType,
    LineShipment,
    OrderLogistics,
    RecipientAddress,
    ShippingType,
)

_TIMES = ("rts_sla_time", "tts_sla_time", "shipping_due_time", "collection_due_time", "delivery_due_time")


def _seconds(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp())


def _moment(seconds: int | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


def logistics_to_json(logistics: OrderLogistics) -> dict[str, Any]:
    data: dict[str, Any] = {
        "fulfillment_type": logistics.fulfillment_type.value,
        "shipping_type": None if logistics.shipping_type is None else logistics.shipping_type.value,
        "delivery_option_id": logistics.delivery_option_id,
        "delivery_option_name": logistics.delivery_option_name,
        "delivery_type": logistics.delivery_type,
        "warehouse_id": logistics.warehouse_id,
        "buyer_message": logistics.buyer_message,
        "has_updated_recipient_address": logistics.has_updated_recipient_address,
    }
    for name in _TIMES:
        data[name] = _seconds(getattr(logistics, name))
    return data


def logistics_from_json(data: dict[str, Any] | None) -> OrderLogistics:
    if not data:
        return OrderLogistics()
    shipping = data.get("shipping_type")
    return OrderLogistics(
        fulfillment_type=FulfillmentType(data["fulfillment_type"]),
        shipping_type=None if shipping is None else ShippingType(shipping),
        delivery_option_id=data.get("delivery_option_id", ""),
        delivery_option_name=data.get("delivery_option_name", ""),
        delivery_type=data.get("delivery_type", ""),
        warehouse_id=data.get("warehouse_id", ""),
        buyer_message=data.get("buyer_message", ""),
        has_updated_recipient_address=bool(data.get("has_updated_recipient_address", False)),
        **{name: _moment(data.get(name)) for name in _TIMES},
    )


def recipient_to_json(recipient: RecipientAddress) -> dict[str, Any] | None:
    if recipient.empty:
        return None
    return {
        "name": recipient.name,
        "first_name": recipient.first_name,
        "last_name": recipient.last_name,
        "phone": recipient.phone,
        "full_address": recipient.full_address,
        "address_detail": recipient.address_detail,
        "address_lines": list(recipient.address_lines),
        "postal_code": recipient.postal_code,
        "region_code": recipient.region_code,
        "districts": [[part.level_name, part.name] for part in recipient.districts],
        "post_town": recipient.post_town,
    }


def recipient_from_json(data: dict[str, Any] | None) -> RecipientAddress:
    if not data:
        return RecipientAddress()
    return RecipientAddress(
        name=data["name"],
        first_name=data["first_name"],
        last_name=data["last_name"],
        phone=data["phone"],
        full_address=data["full_address"],
        address_detail=data["address_detail"],
        address_lines=tuple(data["address_lines"]),
        postal_code=data["postal_code"],
        region_code=data["region_code"],
        districts=tuple(AddressPart(level, name) for level, name in data["districts"]),
        post_town=data["post_town"],
    )


def line_shipments_to_json(shipments: tuple[LineShipment, ...]) -> list[list[str]]:
    """Compact rows (an order can have hundreds of units)."""
    return [
        [
            s.line_item_id,
            s.package_id,
            s.package_status,
            s.tracking_number,
            s.shipping_provider_id,
            s.shipping_provider_name,
        ]
        for s in shipments
    ]


def line_shipments_from_json(data: list[list[str]] | None) -> tuple[LineShipment, ...]:
    return tuple(LineShipment(*row) for row in data or ())
