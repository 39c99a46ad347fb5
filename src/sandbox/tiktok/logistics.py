"""The logistics set-up of sandbox shops (fulfillment-and-webhooks T1, T3.8, T3.9): delivery
options per warehouse, shipping providers per option, who ships which order, tracking-number
rules, SLA times.

Every warehouse offers three options: two that TikTok fulfills (its carrier takes the package,
Get Shipping Providers answers ``21008117``) and one ``SEND_BY_SELLER`` option whose providers the
seller picks from. Orders without an explicit choice follow a deterministic per-market share of
seller shipping, so every data set holds both kinds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sandbox.tiktok.models import Order, Shop

BY_SELLER = "FULFILLMENT_BY_SELLER"
BY_TIKTOK = "FULFILLMENT_BY_TIKTOK"
FULFILLMENT_TYPES = frozenset({BY_SELLER, BY_TIKTOK})
SELLER = "SELLER"
TIKTOK = "TIKTOK"
SHIPPING_TYPES = frozenset({SELLER, TIKTOK})

# Seller shipping through Mark Package As Shipped (T1); elsewhere Ship Package + self_shipment.
MARK_AS_SHIPPED_REGIONS = frozenset({"US", "GB", "ES", "IE", "IT", "DE", "FR", "JP"})
SEA_REGIONS = frozenset({"ID", "TH", "SG", "MY", "VN", "PH"})
# Update Shipping Info: one change within 72 hours in the US, the UK and SEA; one change elsewhere.
UPDATE_WINDOW_REGIONS = frozenset({"US", "GB"}) | SEA_REGIONS
UPDATE_WINDOW_S = 72 * 3600
# Out of ten orders, how many the seller ships (the rest ship with TikTok).
_SELLER_SHARE = {"US": 6, "GB": 6, "JP": 7, "DE": 7, "FR": 7, "IT": 7, "ES": 7, "IE": 7}
_DEFAULT_SELLER_SHARE = 5

HOUR = 3600
DAY = 86_400


@dataclass(frozen=True, slots=True)
class DeliveryOption:
    id: str
    name: str
    type: str
    fulfilled_by_tiktok: bool


@dataclass(frozen=True, slots=True)
class Provider:
    id: str
    name: str
    pattern: str  # tracking numbers this carrier issues (checked for US warnings)


def delivery_options(warehouse_id: str) -> list[DeliveryOption]:
    base = f"69{warehouse_id[-10:]}"
    return [
        DeliveryOption(f"{base}0000001", "Standard shipping", "STANDARD", True),
        DeliveryOption(f"{base}0000002", "Express shipping", "EXPRESS", True),
        DeliveryOption(f"{base}0000003", "Shipped by seller", "SEND_BY_SELLER", False),
    ]


def find_option(shop: Shop, option_id: str) -> DeliveryOption | None:
    for warehouse_id in shop.warehouse_ids:
        for option in delivery_options(warehouse_id):
            if option.id == option_id:
                return option
    return None


_PROVIDERS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "US": (
        ("7117858858072016686", "USPS", r"9\d{19,21}|[A-Z]{2}\d{9}US"),
        ("7117859084333745966", "UPS", r"1Z[0-9A-Z]{16}"),
        ("7117859227590305582", "FedEx", r"\d{12}|\d{15}"),
        ("7212610524442445614", "DHL eCommerce", r"(GM|LX|RX)?\d{10,22}"),
    ),
    "GB": (
        ("7129736154391332613", "Royal Mail", r"[A-Z]{2}\d{9}GB"),
        ("7129736230182356741", "Evri", r"[A-Z0-9]{16}"),
        ("7129736313535514373", "DPD", r"\d{14}"),
        ("7129736390614106885", "Parcelforce", r"[A-Z]{2}\d{7}"),
    ),
    "SG": (
        ("7091154282542663426", "Ninja Van", r"[A-Z0-9]{10,20}"),
        ("7091154368462391042", "J&T Express", r"\d{12}"),
        ("7091154452230743810", "SingPost", r"[A-Z]{2}\d{9}SG"),
    ),
    "MY": (
        ("7091155001395488514", "J&T Express", r"\d{12}"),
        ("7091155089278699266", "Pos Laju", r"[A-Z]{2}\d{9}MY"),
        ("7091155174515345154", "DHL eCommerce", r"\d{10,22}"),
    ),
    "JP": (
        ("7250981463402186503", "Yamato Transport", r"\d{12}"),
        ("7250981542011864839", "Sagawa Express", r"\d{12}"),
        ("7250981619337299719", "Japan Post", r"[A-Z]{2}\d{9}JP|\d{11,12}"),
    ),
}
_EU_PROVIDERS = (
    ("7129737010301523717", "DHL", r"\d{10,20}"),
    ("7129737093730780933", "DPD", r"\d{14}"),
    ("7129737178313672453", "GLS", r"[A-Z0-9]{8,12}"),
)
# TikTok's own carrier per market, for packages TikTok ships.
_TIKTOK_CARRIER = {
    "US": ("7117858858072016686", "USPS"),
    "GB": ("7129736230182356741", "Evri"),
    "SG": ("7091154282542663426", "Ninja Van"),
    "MY": ("7091155001395488514", "J&T Express"),
    "JP": ("7250981463402186503", "Yamato Transport"),
}
_DEFAULT_TIKTOK_CARRIER = ("7129737010301523717", "DHL")


def providers(region: str) -> list[Provider]:
    return [Provider(*entry) for entry in _PROVIDERS.get(region, _EU_PROVIDERS)]


def option_providers(shop: Shop, option: DeliveryOption) -> list[Provider]:
    """The carriers a seller may name for an order of this option; none when TikTok ships it."""
    return [] if option.fulfilled_by_tiktok else providers(shop.region)


def tiktok_carrier(region: str) -> tuple[str, str]:
    return _TIKTOK_CARRIER.get(region, _DEFAULT_TIKTOK_CARRIER)


def shipping_type(shop: Shop, order: Order) -> str:
    if order.shipping_type is not None:
        return order.shipping_type
    share = _SELLER_SHARE.get(shop.region, _DEFAULT_SELLER_SHARE)
    return SELLER if (int(order.id) // 1000) % 10 < share else TIKTOK


def delivery_option(shop: Shop, order: Order) -> DeliveryOption:
    warehouse = order.warehouse_id if order.warehouse_id in shop.warehouse_ids else shop.warehouse_ids[0]
    options = delivery_options(warehouse)
    if order.delivery_option_id is not None:
        for option in options:
            if option.id == order.delivery_option_id:
                return option
    if shipping_type(shop, order) == SELLER:
        return options[2]
    return options[1] if (int(order.id) // 1000) % 7 == 0 else options[0]


def package_before_shipping(shop: Shop, order: Order) -> bool:
    """Whether the order has a package from payment on (T1). US and UK seller-shipped orders get
    one only when shipped; US TikTok shipping creates it with Create Packages. A UK TikTok-shipping
    order has one from payment on: Ship Package, its only ship call, needs it."""
    if order.fulfillment_type != BY_SELLER:
        return True
    if shop.region == "US":
        return False
    if shop.region == "GB":
        return shipping_type(shop, order) == TIKTOK
    return True


# --- tracking numbers -------------------------------------------------------------------------

_TRACKING_CHARS = re.compile(r"^[A-Za-z0-9]+$")
MIN_TRACKING, MAX_TRACKING = 6, 32


def tracking_problem(tracking_number: str) -> tuple[int, str] | None:
    """TikTok's refusal of a tracking number, or None when it is acceptable."""
    if not _TRACKING_CHARS.match(tracking_number):
        return 21004012, "The tracking number contains special characters. Remove them and try again."
    if not MIN_TRACKING <= len(tracking_number) <= MAX_TRACKING:
        return 21011022, "The tracking number is invalid."
    return None


def us_warning(provider: Provider, tracking_number: str) -> str:
    """Mark Package As Shipped's warning for US sellers when the number is not the carrier's."""
    if re.fullmatch(provider.pattern, tracking_number):
        return ""
    return (
        f"The tracking number does not match the format of {provider.name}. Check the shipping "
        "provider and tracking number, or the order may be cancelled for invalid tracking."
    )


def sla_times(shop: Shop, order: Order) -> dict[str, int]:
    """Deadlines counted from payment (T2): ready to ship, handed over, collected or shipped."""
    if order.paid_time is None or order.fulfillment_type != BY_SELLER:
        return {}
    paid = order.paid_time
    times = {"rts_sla_time": paid + 2 * DAY, "tts_sla_time": paid + 4 * DAY}
    if shipping_type(shop, order) == SELLER:
        times["shipping_due_time"] = paid + 3 * DAY
    else:
        times["collection_due_time"] = paid + 5 * DAY
    times["delivery_due_time"] = paid + 10 * DAY
    return times
