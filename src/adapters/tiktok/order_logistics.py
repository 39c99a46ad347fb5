"""Get Order Detail's shipping parts → domain values (tiktok-shop-api.md §3.8; fulfillment T1, T2).

Unknown enum spellings are malformed answers, not guesses: a connector that misreads who ships
an order would ship it twice or never.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from adapters.tiktok.malformed import MalformedResponse
from domain.logistics import (
    AddressPart,
    FulfillmentType,
    LineShipment,
    OrderLogistics,
    RecipientAddress,
    ShippingType,
)

_ADDRESS_LINES = ("address_line1", "address_line2", "address_line3", "address_line4")


def _text(item: Mapping[str, Any], name: str) -> str:
    value = item.get(name)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise MalformedResponse(f"order.{name} is not text")
    return str(value)


def _time(item: Mapping[str, Any], name: str) -> datetime | None:
    value = item.get(name)
    if value in (None, "", 0):
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise MalformedResponse(f"order.{name} is not a Unix time")
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (ValueError, OverflowError):
        raise MalformedResponse(f"order.{name} is not a Unix time") from None


def recipient(item: Mapping[str, Any]) -> RecipientAddress:
    raw = item.get("recipient_address")
    if raw is None:
        return RecipientAddress()
    if not isinstance(raw, Mapping):
        raise MalformedResponse("order.recipient_address is not an object")
    lines = [_text(raw, name) for name in _ADDRESS_LINES]
    while lines and not lines[-1]:
        lines.pop()
    districts = []
    for part in raw.get("district_info") or []:
        if not isinstance(part, Mapping):
            raise MalformedResponse("recipient_address.district_info is not a list of objects")
        districts.append(AddressPart(_text(part, "address_level_name"), _text(part, "address_name")))
    return RecipientAddress(
        name=_text(raw, "name"),
        first_name=_text(raw, "first_name"),
        last_name=_text(raw, "last_name"),
        phone=_text(raw, "phone_number"),
        full_address=_text(raw, "full_address"),
        address_detail=_text(raw, "address_detail"),
        address_lines=tuple(lines),
        postal_code=_text(raw, "postal_code"),
        region_code=_text(raw, "region_code"),
        districts=tuple(districts),
        post_town=_text(raw, "post_town"),
    )


def logistics(item: Mapping[str, Any]) -> OrderLogistics:
    try:
        fulfillment_type = FulfillmentType(_text(item, "fulfillment_type") or "FULFILLMENT_BY_SELLER")
        shipping = _text(item, "shipping_type")
        shipping_type = ShippingType(shipping) if shipping else None
    except ValueError:
        raise MalformedResponse("order.fulfillment_type or order.shipping_type is unknown") from None
    return OrderLogistics(
        fulfillment_type=fulfillment_type,
        shipping_type=shipping_type,
        delivery_option_id=_text(item, "delivery_option_id"),
        delivery_option_name=_text(item, "delivery_option_name"),
        delivery_type=_text(item, "delivery_type"),
        warehouse_id=_text(item, "warehouse_id"),
        buyer_message=_text(item, "buyer_message"),
        rts_sla_time=_time(item, "rts_sla_time"),
        tts_sla_time=_time(item, "tts_sla_time"),
        shipping_due_time=_time(item, "shipping_due_time"),
        collection_due_time=_time(item, "collection_due_time"),
        delivery_due_time=_time(item, "delivery_due_time"),
        has_updated_recipient_address=bool(item.get("has_updated_recipient_address", False)),
    )


def line_shipments(lines: list[Any]) -> tuple[LineShipment, ...]:
    return tuple(
        LineShipment(
            line_item_id=_text(line, "id"),
            package_id=_text(line, "package_id"),
            # The newer package model writes "TO FULFILL" with a space (T4).
            package_status=_text(line, "package_status").replace(" ", "_"),
            tracking_number=_text(line, "tracking_number"),
            shipping_provider_id=_text(line, "shipping_provider_id"),
            shipping_provider_name=_text(line, "shipping_provider_name"),
        )
        for line in lines
        if isinstance(line, Mapping)
    )


def package_ids(item: Mapping[str, Any]) -> tuple[str, ...]:
    found = []
    for package in item.get("packages") or []:
        if not isinstance(package, Mapping):
            raise MalformedResponse("order.packages is not a list of objects")
        package_id = _text(package, "id")
        if package_id:
            found.append(package_id)
    return tuple(found)
