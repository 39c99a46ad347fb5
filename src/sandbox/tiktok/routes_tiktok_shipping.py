"""TikTok shipping (fulfillment-and-webhooks T3.10-T3.12): handover time slots, shipping
documents (labels) and, in the US, label purchase through Get Eligible Shipping Service and
Create Packages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from sandbox.tiktok import errors, logistics
from sandbox.tiktok import fulfillment_rules as rules
from sandbox.tiktok.gateway import Call, Route
from sandbox.tiktok.models import Order, Package
from sandbox.tiktok.packages import CANCELLED, TO_FULFILL, line_ids, packages_of, ship_lines, shipped_lines

DAY = 86_400
HOUR = 3600
_SLOT_HOURS = ((9, 12), (13, 18))
DOCUMENT_TYPES = frozenset(
    {
        "SHIPPING_LABEL",
        "PACKING_SLIP",
        "SHIPPING_LABEL_AND_PACKING_SLIP",
        "SHIPPING_LABEL_PICTURE",
        "HAZMAT_LABEL",
        "INVOICE_LABEL",
    }
)
DOC_URL_VALIDITY_S = DAY
WEIGHT_UNITS = frozenset({"GRAM", "POUND"})
DIMENSION_UNITS = frozenset({"CM", "INCH"})


def pickup_slots(now: int) -> list[tuple[int, int, bool]]:
    """The next three days' pickup windows; those starting within the hour are no longer offered."""
    today = now - now % DAY
    slots = []
    for day in range(1, 4):
        for start, end in _SLOT_HOURS:
            begin = today + day * DAY + start * HOUR
            slots.append((begin, today + day * DAY + end * HOUR, begin > now + HOUR))
    return slots


def check_pickup_slot(
    call: Call, package: Package, handover: Any, raw: Any, where: str = ""
) -> tuple[int, int] | None:
    if raw is None:
        return None
    if handover == "DROP_OFF":
        raise errors.invalid_param(f"The '{where}pickup_slot' is only for the PICKUP handover method.")
    if not isinstance(raw, dict) or not all(
        isinstance(raw.get(n), int) and not isinstance(raw.get(n), bool) for n in ("start_time", "end_time")
    ):
        raise errors.invalid_param(f"The '{where}pickup_slot' needs start_time and end_time in Unix seconds.")
    wanted = (raw["start_time"], raw["end_time"])
    if not any((start, end) == wanted and available for start, end, available in pickup_slots(call.now)):
        raise rules.refused(21011053, "The pickup time is outside the available pickup time slots.")
    return wanted


def _tiktok_package(call: Call) -> tuple[Order, Package]:
    order, package = rules.package_of(call, call.path_params["package_id"])
    if order.fulfillment_type != logistics.BY_SELLER:
        raise rules.refused(21008043, "The order is fulfilled by TikTok.")
    if package.shipping_type != logistics.TIKTOK:
        raise rules.fail(rules.NOT_TIKTOK_SHIPPING)
    return order, package


async def handover_time_slots(call: Call) -> dict[str, Any]:
    _, package = _tiktok_package(call)
    if package.status != TO_FULFILL:
        raise rules.fail(rules.ALREADY_SHIPPED)
    uk = rules.shop(call).region == "GB"
    body: dict[str, Any] = {
        "can_pickup": True,
        "can_drop_off": True,
        "drop_off_point_url": "https://seller.tiktokshop.com/logistics/drop-off-points",
        "pickup_slots": [
            {"start_time": start, "end_time": end, "avaliable": available}  # sic (T3.11)
            for start, end, available in pickup_slots(call.now)
        ],
    }
    if uk:
        body["can_van_collection"] = False
    return body


async def shipping_document(call: Call) -> dict[str, Any]:
    """Get Package Shipping Document (T3.10): between arranging shipment and handover only."""
    document_type = call.query.get("document_type")
    if document_type not in DOCUMENT_TYPES:
        raise errors.invalid_param(
            "The 'document_type' query parameter is required and must be a known type."
        )
    size = call.query.get("document_size", "A6")
    if size not in ("A6", "A5"):
        raise errors.invalid_param("The 'document_size' query parameter must be A6 or A5.")
    document_format = call.query.get("document_format", "PDF")
    if document_format not in ("PDF", "ZPL") or (
        document_format == "ZPL" and rules.shop(call).region not in ("BR", "MX")
    ):
        raise errors.invalid_param(
            "The 'document_format' query parameter must be PDF (ZPL only in BR and MX)."
        )
    _, package = _tiktok_package(call)
    if package.status == CANCELLED:
        raise rules.refused(21023059, "The package has been cancelled.")
    if package.status == TO_FULFILL:
        raise rules.refused(21023035, "Arrange the shipment of the package first.")
    if package.status != "PROCESSING":
        raise rules.refused(
            21042102, "The package has been picked up; its documents are no longer available."
        )
    expires = call.now + DOC_URL_VALIDITY_S
    extension = "png" if document_type == "SHIPPING_LABEL_PICTURE" else document_format.lower()
    path = f"/_sandbox/documents/{package.id}/{document_type}.{extension}"
    return {
        "doc_url": f"{call.request.url.origin()}{path}?size={size}&expires={expires}",
        "tracking_number": package.tracking_number,
    }


# --- US label purchase ---------------------------------------------------------------------------


def _parcel(body: dict[str, Any]) -> Decimal:
    """Weight and dimension (numbers as strings, T3.12); returns the weight in grams."""
    weight, dimension = body.get("weight"), body.get("dimension")
    if not isinstance(weight, dict) or weight.get("unit") not in WEIGHT_UNITS:
        raise errors.invalid_param("The 'weight' field needs a value and a unit GRAM or POUND.")
    if not isinstance(dimension, dict) or dimension.get("unit") not in DIMENSION_UNITS:
        raise errors.invalid_param("The 'dimension' field needs length, width, height and a unit CM or INCH.")
    numbers = {"weight.value": weight.get("value")} | {
        f"dimension.{n}": dimension.get(n) for n in ("length", "width", "height")
    }
    parsed = {}
    for name, value in numbers.items():
        try:
            parsed[name] = Decimal(value) if isinstance(value, str) else Decimal("NaN")
        except InvalidOperation:
            parsed[name] = Decimal("NaN")
        if not parsed[name].is_finite() or parsed[name] <= 0:
            raise errors.invalid_param(f"The '{name}' field must be a positive number given as a string.")
    grams = parsed["weight.value"] * (Decimal("453.59237") if weight["unit"] == "POUND" else 1)
    return grams


def _services(grams: Decimal) -> list[dict[str, Any]]:
    carrier_id, carrier = logistics.tiktok_carrier("US")
    ups = logistics.providers("US")[1]
    pounds = max(grams / Decimal("453.59237"), Decimal("0.1"))
    return [
        {
            "id": "7208502187360519982",
            "name": "USPS Ground Advantage",
            "price": str((Decimal("4.50") + pounds * Decimal("0.85")).quantize(Decimal("0.01"))),
            "currency": "USD",
            "earliest_delivery_days": 2,
            "latest_delivery_days": 5,
            "is_default": True,
            "shipping_provider_id": carrier_id,
            "shipping_provider_name": carrier,
        },
        {
            "id": "7208502269812852526",
            "name": "UPS Ground",
            "price": str((Decimal("7.20") + pounds * Decimal("0.95")).quantize(Decimal("0.01"))),
            "currency": "USD",
            "earliest_delivery_days": 1,
            "latest_delivery_days": 5,
            "is_default": False,
            "shipping_provider_id": ups.id,
            "shipping_provider_name": ups.name,
        },
    ]


def _label_order(call: Call, order_id: str) -> Order:
    shop = rules.shop(call)
    if shop.region != "US":
        raise rules.fail(rules.REGION_NOT_SUPPORTED)
    order = rules.order_of(call, order_id)
    rules.check_shippable(order)
    if logistics.shipping_type(shop, order) != logistics.TIKTOK:
        raise rules.fail(rules.NOT_TIKTOK_SHIPPING)
    return order


async def eligible_shipping_services(call: Call) -> dict[str, Any]:
    order = _label_order(call, call.path_params["order_id"])
    body = call.json()
    rules.line_ids_field(body, order)
    return {"shipping_services": _services(_parcel(body))}


async def create_packages(call: Call) -> dict[str, Any]:
    body = call.json()
    order = _label_order(call, rules.text_field(body, "order_id"))
    shop = rules.shop(call)
    wanted = rules.line_ids_field(body, order)
    grams = _parcel(body)
    services = _services(grams)
    service_id = body.get("shipping_service_id")
    chosen = next((s for s in services if s["id"] == service_id), None) if service_id else services[0]
    if chosen is None:
        raise errors.invalid_param("The 'shipping_service_id' is not an eligible shipping service.")
    # Without line ids the label covers every unit not shipped yet.
    done = shipped_lines(packages_of(shop, call.shop_data, order))
    if wanted is not None and set(wanted) & done:
        raise rules.refused(21022025, "A shipping label has already been bought for these items.")
    lines = wanted if wanted is not None else [x for x in line_ids(order) if x not in done]
    package = ship_lines(
        call.state,
        call.state.dispatcher,
        shop,
        order,
        lines,
        None,
        (chosen["shipping_provider_id"], chosen["shipping_provider_name"]),
    )
    return {
        "order_id": order.id,
        "order_line_item_ids": list(package.line_item_ids),
        "package_id": package.id,
        "shipping_service_info": {
            key: chosen[key]
            for key in ("id", "name", "price", "currency", "shipping_provider_id", "shipping_provider_name")
        },
        "weight": body["weight"],
        "dimension": body["dimension"],
        "create_time": package.create_time,
    }


ROUTES = [
    Route(
        "GET",
        "fulfillment",
        ("202309",),
        "packages/{package_id}/handover_time_slots",
        handover_time_slots,
        shop_scoped=True,
    ),
    Route(
        "GET",
        "fulfillment",
        ("202309",),
        "packages/{package_id}/shipping_documents",
        shipping_document,
        shop_scoped=True,
    ),
    Route(
        "POST",
        "fulfillment",
        ("202309",),
        "orders/{order_id}/shipping_services/query",
        eligible_shipping_services,
        shop_scoped=True,
    ),
    Route("POST", "fulfillment", ("202309",), "packages", create_packages, shop_scoped=True, writes=True),
]
