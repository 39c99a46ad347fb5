"""The recipient of a sandbox order as Get Order Detail shows it (reference §3.8): absent while
UNPAID or ON_HOLD; "desensitized" under TikTok's logistics (names, phone and street masked,
districts in clear); ``district_info`` and ``address_line1..4`` per region, ``post_town`` in the
UK; the buyer's email anonymized. A buyer may change the address until the order ships, which
sets ``has_updated_recipient_address`` and sends webhook 3 (reference §5.2, Part W)."""

from __future__ import annotations

from typing import Any

from sandbox.tiktok.events import emit
from sandbox.tiktok.models import Order, Shop
from sandbox.tiktok.state import TikTokState
from sandbox.webhooks import WebhookDispatcher

HIDDEN_WHILE = frozenset({"UNPAID", "ON_HOLD"})
CHANGEABLE_WHILE = frozenset({"UNPAID", "ON_HOLD", "AWAITING_SHIPMENT"})
"""A buyer edits the address until a shipment is arranged."""
FULFILLMENT_TYPES = frozenset(
    {"FULFILLMENT_BY_SELLER", "FULFILLMENT_BY_TIKTOK", "FULFILLMENT_BY_DILAYANI_TOKOPEDIA"}
)
ADDRESS_FIELDS = (
    "name",
    "phone_number",
    "address_line1",
    "address_line2",
    "address_line3",
    "address_line4",
    "postal_code",
    "city",
    "state",
)

_CALLING_CODE = {"US": "1", "GB": "44", "SG": "65", "MY": "60", "JP": "81"}
_FIRST = ("Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie")
_LAST = ("Tan", "Smith", "Lee", "Garcia", "Khan", "Nguyen", "Brown", "Sato")
# Per region: country name, then (level name, place) pairs below it, and a street pattern.
_PLACES: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "US": (
        "United States",
        (("State", "California"), ("County", "Los Angeles County"), ("City", "Los Angeles")),
    ),
    "GB": ("United Kingdom", (("State", "England"), ("County", "Greater London"))),
    "SG": ("Singapore", (("District", "Central Region"),)),
    "MY": ("Malaysia", (("State", "Selangor"), ("City", "Petaling Jaya"))),
    "JP": ("Japan", (("Prefecture", "Tokyo"), ("City", "Shibuya-ku"))),
}
_POST_TOWN = {"GB": "London"}


def _mask(text: str) -> str:
    """TikTok's desensitizing: each word keeps its first character."""
    return " ".join(word[0] + "***" if len(word) > 1 else word for word in text.split())


def _generated(shop: Shop, order: Order) -> dict[str, str]:
    n = int(order.id) // 1000
    first, last = _FIRST[n % len(_FIRST)], _LAST[(n // 7) % len(_LAST)]
    country, levels = _PLACES.get(shop.region, _PLACES["US"])
    calling_code = _CALLING_CODE.get(shop.region, "1")
    return {
        "name": f"{first} {last}",
        "phone_number": f"(+{calling_code}){200 + n % 800}{n % 10**5:05d}{n % 100:02d}",
        "address_line1": f"{10 + n % 90} Example Street",
        "address_line2": f"Unit {n % 20 + 1}" if n % 3 == 0 else "",
        "postal_code": f"{10000 + n % 89999}",
        "city": dict(levels).get("City", _POST_TOWN.get(shop.region, "")),
        "state": levels[0][1],
        "country": country,
    }


def recipient_address(shop: Shop, order: Order, *, masked: bool = True) -> dict[str, Any]:
    fields = {**_generated(shop, order), **(order.recipient_change or {})}
    name = fields["name"]
    first, _, last = name.partition(" ")
    phone = fields["phone_number"]
    if masked:
        first, last, name = _mask(first), _mask(last), _mask(name)
        # "(+44)77*****21": the calling code, two digits, then the last two.
        code, _, digits = phone.partition(")")
        phone = f"{code}){digits[:2]}*****{digits[-2:]}" if len(digits) > 4 else phone
    lines = [fields.get(f"address_line{k}", "") for k in range(1, 5)]
    shown_lines = [_mask(line) if masked else line for line in lines]
    country, levels = _PLACES.get(shop.region, _PLACES["US"])
    districts = [{"address_level": "L0", "address_level_name": "Country", "address_name": country}]
    for depth, (level, place) in enumerate(levels, start=1):
        if level == "City" and fields.get("city"):
            place = fields["city"]
        elif depth == 1 and fields.get("state"):
            place = fields["state"]
        districts.append({"address_level": f"L{depth}", "address_level_name": level, "address_name": place})
    detail = ", ".join(line for line in shown_lines if line)
    body: dict[str, Any] = {
        "name": name,
        "first_name": first,
        "last_name": last,
        "phone_number": phone,
        "address_detail": detail,
        "full_address": ", ".join(
            [detail, *(d["address_name"] for d in reversed(districts[1:])), fields["postal_code"]]
        ),
        "postal_code": fields["postal_code"],
        "region_code": shop.region,
        "district_info": districts,
    }
    for k, line in enumerate(shown_lines, start=1):
        body[f"address_line{k}"] = line
    if shop.region == "GB":
        body["post_town"] = fields.get("city") or _POST_TOWN["GB"]
    return body


def buyer_email(order: Order) -> str:
    """TikTok relays buyer mail: the address it shows is its own."""
    return f"v2{order.buyer_user_id[-8:]}@scs2.tiktok.com"


def change_recipient_address(
    state: TikTokState,
    dispatcher: WebhookDispatcher | None,
    shop_id: str,
    order: Order,
    changes: dict[str, str],
) -> Order:
    """The buyer's new address; refused once the order's shipment is arranged."""
    if order.status not in CHANGEABLE_WHILE:
        raise ValueError(f"order {order.id} is {order.status}: the address can no longer change")
    unknown = sorted(set(changes) - set(ADDRESS_FIELDS))
    if unknown:
        raise ValueError(f"{unknown[0]} is not an address field; use {', '.join(ADDRESS_FIELDS)}")
    if not changes or any(not isinstance(v, str) for v in changes.values()):
        raise ValueError("give at least one address field, each as text")
    now = state.clock.now_s()
    order.recipient_change = {**(order.recipient_change or {}), **changes}
    order.has_updated_recipient_address = True
    order.update_time = now
    state.touch(shop_id)
    emit(state, dispatcher, shop_id, 3, {"order_id": order.id, "update_time": now})
    return order
