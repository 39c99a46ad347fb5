"""Checks of an order's shipping address and notes, as strict as SHOPLINE documents them (order
create and update, reference B3 and the SDK's field list): known fields only, text values, the
documented maximum lengths, a two-letter country code, note attributes as ``{name, value}``."""

from __future__ import annotations

from typing import Any

from sandbox.shopline.errors import ShoplineError

ADDRESS_FIELDS: dict[str, int | None] = {
    "first_name": 64,
    "last_name": 64,
    "address1": 255,
    "address2": 255,
    "city": 64,
    "area": 64,
    "country": 64,
    "company": None,
    "phone": None,
    "email": None,
    "province": None,
    "province_code": None,
    "city_code": None,
    "area_code": None,
    "country_code": None,
    "zip": None,
    "latitude": None,
    "longitude": None,
}
"""Each field of ``shipping_address`` and its maximum length (None: not documented)."""
ORDER_NOTE_MAX = 50


def shipping_address(value: Any, where: str = "order.shipping_address") -> dict[str, str]:
    if not isinstance(value, dict):
        raise ShoplineError(422, f"{where} must be an object")
    unknown = sorted(set(value) - set(ADDRESS_FIELDS))
    if unknown:
        raise ShoplineError(422, f"{where}.{unknown[0]} is not a field of the address")
    for name, text in value.items():
        if not isinstance(text, str):
            raise ShoplineError(422, f"{where}.{name} must be a string")
        limit = ADDRESS_FIELDS[name]
        if limit is not None and len(text) > limit:
            raise ShoplineError(422, f"{where}.{name} is longer than {limit} characters")
    code = value.get("country_code")
    if code is not None and not (len(code) == 2 and code.isalpha() and code.isupper()):
        raise ShoplineError(422, f"{where}.country_code must be an ISO 3166-1 two-letter code")
    return dict(value)


def note_attributes(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list):
        raise ShoplineError(422, "order.note_attributes must be a list of {name, value}")
    for n, attribute in enumerate(value):
        where = f"order.note_attributes[{n}]"
        if not isinstance(attribute, dict) or set(attribute) - {"name", "value"}:
            raise ShoplineError(422, f"{where} must be an object of name and value")
        if not isinstance(attribute.get("name"), str) or not attribute["name"]:
            raise ShoplineError(422, f"{where}.name must be a non-empty string")
        if not isinstance(attribute.get("value", ""), str):
            raise ShoplineError(422, f"{where}.value must be a string")
    return [dict(attribute) for attribute in value]


def notes(body: dict[str, Any]) -> None:
    """``buyer_note`` and ``order_note`` (at most 50 characters) are text."""
    for name in ("buyer_note", "order_note", "note"):
        if name in body and not isinstance(body[name], str):
            raise ShoplineError(422, f"order.{name} must be a string")
    if len(body.get("order_note") or "") > ORDER_NOTE_MAX:
        raise ShoplineError(422, f"order.order_note is longer than {ORDER_NOTE_MAX} characters")
