"""SHOPLINE JSON ↔ domain values (reference B1-B3).

Prices are decimal strings in the store currency (variants carry no currency of their own), times
are ISO 8601 with an offset, ids stay strings. Imported orders carry their channel marker twice:
as a note attribute (exact lookup) and as a tag (visible to the merchant).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from domain.channel import (
    InventoryLevel,
    NewShoplineOrder,
    NoteAttribute,
    ShoplineLocation,
    ShoplineOrderRef,
    ShoplineVariant,
)
from domain.errors import DomainError
from domain.ids import ShoplineOrderId, ShoplineVariantId
from domain.logistics import ShoplineAddress
from domain.money import Money, check_currency_code

MARKER_ATTRIBUTE = "mcc_channel_order"
MARKER_TAG = "Multichannel Connect"


class MalformedResponse(ValueError):
    pass


def _obj(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise MalformedResponse(f"{what} is not an object")
    return value


def _list(value: Any, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise MalformedResponse(f"{what} is not an array")
    return value


def _id(value: Any, what: str) -> str:
    if value is None or isinstance(value, bool | float) or str(value) == "":
        raise MalformedResponse(f"{what} is not an id")
    return str(value)


def iso_time(value: Any, what: str) -> datetime:
    if not isinstance(value, str):
        raise MalformedResponse(f"{what} is not a date-time")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise MalformedResponse(f"{what} is not a date-time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def iso_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def price_text(money: Money) -> str:
    return format(money.rounded().amount, "f")


def _money(amount: Any, currency: str, what: str) -> Money:
    if isinstance(amount, bool | float) or not isinstance(amount, str | int):
        raise MalformedResponse(f"{what} is not a decimal amount")
    try:
        return Money.of(amount, currency)
    except DomainError:
        raise MalformedResponse(f"{what} is not a decimal amount") from None


def variant(raw: Any, currency: str, product_title: str = "") -> ShoplineVariant:
    item = _obj(raw, "variant")
    option = str(item.get("title") or item.get("option1") or "")
    title = f"{product_title} - {option}" if product_title and option else product_title or option
    return ShoplineVariant(
        variant_id=ShoplineVariantId(_id(item.get("id"), "variant.id")),
        product_id=_id(item.get("product_id"), "variant.product_id"),
        sku=str(item.get("sku") or ""),
        title=title,
        price=_money(item.get("price"), currency, "variant.price"),
        inventory_item_id=_id(item.get("inventory_item_id"), "variant.inventory_item_id"),
        updated_at=iso_time(item.get("updated_at"), "variant.updated_at"),
    )


def store_currency(data: Any) -> str:
    """The settlement currency from the store information (`{"data": {"currency": "USD", ...}}`)."""
    currency = _obj(_obj(data, "body").get("data"), "data").get("currency")
    if not isinstance(currency, str):
        raise MalformedResponse("data.currency is not a currency code")
    try:
        return check_currency_code(currency.upper())
    except DomainError:
        raise MalformedResponse("data.currency is not a currency code") from None


def variants_of_products(data: Any, currency: str) -> list[ShoplineVariant]:
    found = []
    for raw in _list(_obj(data, "data").get("products"), "products"):
        product = _obj(raw, "product")
        product_title = str(product.get("title") or "")
        for variant_raw in _list(product.get("variants"), "product.variants"):
            entry = {**_obj(variant_raw, "variant")}
            entry.setdefault("product_id", product.get("id"))
            if not entry.get("updated_at"):
                entry["updated_at"] = product.get("updated_at")
            found.append(variant(entry, currency, product_title))
    return found


def inventory_level(raw: Any) -> InventoryLevel:
    level = _obj(raw, "inventory_level")
    available = level.get("available")
    if isinstance(available, bool) or not isinstance(available, int):
        raise MalformedResponse("inventory_level.available is not an integer")
    return InventoryLevel(
        inventory_item_id=_id(level.get("inventory_item_id"), "inventory_item_id"),
        location_id=_id(level.get("location_id"), "location_id"),
        variant_id=ShoplineVariantId(_id(level.get("variant_id"), "variant_id")),
        available=available,
        updated_at=iso_time(level.get("updated_at"), "inventory_level.updated_at"),
    )


def inventory_levels(data: Any) -> list[InventoryLevel]:
    return [
        inventory_level(raw) for raw in _list(_obj(data, "data").get("inventory_levels"), "inventory_levels")
    ]


def locations(data: Any) -> list[ShoplineLocation]:
    found = []
    for raw in _list(_obj(data, "data").get("locations"), "locations"):
        location = _obj(raw, "location")
        found.append(
            ShoplineLocation(
                location_id=_id(location.get("id"), "location.id"),
                name=str(location.get("name") or ""),
                active=bool(location.get("active", True)),
                is_default=bool(location.get("is_default", False)),
            )
        )
    return found


def channel_marker(order: Mapping[str, Any]) -> str | None:
    for attribute in _list(order.get("note_attributes"), "note_attributes"):
        if isinstance(attribute, Mapping) and attribute.get("name") == MARKER_ATTRIBUTE:
            return str(attribute.get("value") or "") or None
    return None


def order_ref(raw: Any) -> ShoplineOrderRef:
    order = _obj(raw, "order")
    return ShoplineOrderRef(
        order_id=ShoplineOrderId(_id(order.get("id"), "order.id")),
        channel_marker=channel_marker(order),
        status=str(order.get("status") or ""),
        updated_at=iso_time(order.get("updated_at") or order.get("created_at"), "order.updated_at"),
    )


def order_refs(data: Any) -> list[ShoplineOrderRef]:
    return [order_ref(raw) for raw in _list(_obj(data, "data").get("orders"), "orders")]


def new_order_body(order: NewShoplineOrder, inventory_behaviour: str) -> dict[str, Any]:
    lines = []
    line_total = Decimal(0)
    for line in order.lines:
        entry: dict[str, Any] = {
            "title": line.title,
            "quantity": line.quantity,
            "price": price_text(line.unit_price),
        }
        if line.variant_id is not None:
            entry["variant_id"] = line.variant_id
        if line.location_id is not None:
            entry["location_id"] = line.location_id
        lines.append(entry)
        line_total += line.unit_price.rounded().amount * line.quantity
    body: dict[str, Any] = {
        "currency": order.currency,
        "financial_status": "paid" if order.paid else "unpaid",
        "fulfillment_status": "unshipped",
        # Orders TikTok fulfills never took units of the store's stock.
        "inventory_behaviour": inventory_behaviour if order.decrement_stock else "bypass",
        "line_items": lines,
        "note_attributes": [
            {"name": attribute.name, "value": attribute.value}
            for attribute in (NoteAttribute(MARKER_ATTRIBUTE, order.channel_marker), *order.note_attributes)
        ],
        "tags": f"{MARKER_TAG},{order.channel_marker}",
        "send_receipt": False,
        "send_fulfillment_receipt": False,
    }
    if order.name:
        body["name"] = order.name
    if order.shipping_address is not None:
        body["shipping_address"] = address_body(order.shipping_address)
    if order.buyer_note:
        body["buyer_note"] = order.buyer_note
    # Whatever the lines do not explain (shipping, fees) travels as the shipping line, so the
    # SHOPLINE order total matches the channel's.
    rest = order.total.rounded().amount - line_total
    if rest > 0:
        body["shipping_line"] = {"title": "Channel shipping", "price": format(rest, "f")}
    buyer = order.buyer
    if order.customer_id is not None:
        body["customer"] = {"id": order.customer_id}
    elif buyer.email or buyer.name:
        customer: dict[str, Any] = {}
        if buyer.email:
            customer["email"] = buyer.email
        if buyer.name:
            customer["first_name"] = buyer.name
        body["customer"] = customer
    return {"order": body}


def address_body(address: ShoplineAddress, *, complete: bool = False) -> dict[str, str]:
    """``shipping_address`` with the fields that have a value (order create, B3); ``complete``
    sends the empty ones too, so an update leaves nothing of the old address behind whether
    SHOPLINE replaces or merges the address it holds."""
    fields = {
        "first_name": address.first_name,
        "last_name": address.last_name,
        "phone": address.phone,
        "email": address.email,
        "address1": address.address1,
        "address2": address.address2,
        "area": address.area,
        "city": address.city,
        "province": address.province,
        "country": address.country,
        "country_code": address.country_code,
        "zip": address.zip,
    }
    return {name: value for name, value in fields.items() if value or complete}


def has_live_fulfillment(raw: Any) -> bool:
    """An order (``GET orders/{id}.json``) with a shipped line or a fulfillment not cancelled."""
    order = _obj(raw, "order")
    if str(order.get("fulfillment_status") or "") in (
        "shipped",
        "partial",
        "fulfilled",
        "partially_fulfilled",
    ):
        return True
    for fulfillment in _list(order.get("fulfillments"), "order.fulfillments"):
        if _obj(fulfillment, "fulfillment").get("status") != "cancelled":
            return True
    return False
