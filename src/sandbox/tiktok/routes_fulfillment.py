"""Fulfillment endpoints (fulfillment-and-webhooks T3.1-T3.7): package detail and search, Ship
Package (single and batch), Mark Package As Shipped, Update Shipping Info, Get Tracking.

None of them takes an idempotency key (TikTok documents none for them); a repeated ship call
meets "already shipped" (``21011040``), which is what a client must read back.
"""

from __future__ import annotations

from typing import Any

from sandbox.tiktok import errors, logistics
from sandbox.tiktok import fulfillment_rules as rules
from sandbox.tiktok.errors import TikTokError
from sandbox.tiktok.gateway import Call, Route
from sandbox.tiktok.models import Order, Package
from sandbox.tiktok.packages import (
    CANCELLED,
    COMPLETED,
    TO_FULFILL,
    all_packages,
    packages_of,
    ship_lines,
)
from sandbox.tiktok.render_logistics import package_json, package_summary
from sandbox.tiktok.routes_tiktok_shipping import check_pickup_slot
from sandbox.tiktok.search import page_size, search_page

PACKAGE_STATUSES = frozenset({TO_FULFILL, "PROCESSING", "FULFILLING", COMPLETED, CANCELLED})
MAX_PACKAGE_PAGE = 50
MAX_BATCH = 50


async def get_package_detail(call: Call) -> dict[str, Any]:
    _, package = rules.package_of(call, call.path_params["package_id"])
    return package_json(rules.shop(call), call.shop_data, package)


def _bound(body: dict[str, Any], name: str) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise errors.invalid_param(f"The '{name}' field must be a Unix timestamp in seconds.")
    return value


async def search_packages(call: Call) -> dict[str, Any]:
    size = page_size(call)
    if size > MAX_PACKAGE_PAGE:
        raise errors.invalid_param("The 'page_size' query parameter must be within [1, 50].")
    sort_field = call.query.get("sort_field", "create_time")
    sort_order = call.query.get("sort_order", "DESC")
    if sort_field not in ("create_time", "update_time", "order_pay_time"):
        raise errors.invalid_param("The 'sort_field' must be create_time, update_time or order_pay_time.")
    if sort_order not in ("ASC", "DESC"):
        raise errors.invalid_param("The 'sort_order' query parameter must be 'ASC' or 'DESC'.")
    body = call.json()
    status = body.get("package_status")
    if status is not None and status not in PACKAGE_STATUSES:
        raise errors.invalid_param(f"Unknown package_status {status!r}.")
    names = ("create_time_ge", "create_time_lt", "update_time_ge", "update_time_lt")
    bounds = {name: _bound(body, name) for name in names}
    shop, data = rules.shop(call), call.shop_data
    packages = all_packages(shop, data)

    def candidates() -> list[Package]:
        found = []
        for p in packages:
            if status is not None and p.status != status:
                continue
            if not _within(p.create_time, bounds["create_time_ge"], bounds["create_time_lt"]):
                continue
            if not _within(p.update_time, bounds["update_time_ge"], bounds["update_time_lt"]):
                continue
            found.append(p)
        return found

    sign = 1 if sort_order == "ASC" else -1

    def key(p: Package) -> tuple[int, int]:
        if sort_field == "order_pay_time":
            value = data.orders[p.order_id].paid_time or 0
        else:
            value = p.update_time if sort_field == "update_time" else p.create_time
        return sign * value, sign * int(p.id)

    query = {"s": status, "sf": sort_field, "so": sort_order, **bounds}
    items, token, total = search_page(call, "packages", query, candidates, key, size)
    return {
        "packages": [package_summary(p) for p in items],
        "next_page_token": token,
        "total_count": total,
    }


def _within(value: int, low: int | None, high: int | None) -> bool:
    return (low is None or value >= low) and (high is None or value < high)


def _ship_package(call: Call, package_id: str, body: dict[str, Any], where: str = "") -> None:
    """Ship Package (T3.3): ``self_shipment`` for seller shipping, else TikTok's carrier."""
    shop = rules.shop(call)
    order, package = rules.package_of(call, package_id)
    rules.check_shippable(order)
    if package.status != TO_FULFILL:
        raise rules.fail(rules.ALREADY_SHIPPED)
    self_shipment = body.get("self_shipment")
    handover = body.get("handover_method")
    if handover is not None and handover not in ("PICKUP", "DROP_OFF"):
        raise errors.invalid_param(f"The '{where}handover_method' must be PICKUP or DROP_OFF.")
    if self_shipment is not None:
        if not isinstance(self_shipment, dict):
            raise errors.invalid_param(f"The '{where}self_shipment' field must be an object.")
        if logistics.shipping_type(shop, order) != logistics.SELLER:
            raise rules.fail(rules.NOT_SELLER_SHIPPING)
        tracking = rules.text_field(self_shipment, "tracking_number", f"{where}self_shipment.")
        provider_id = rules.text_field(self_shipment, "shipping_provider_id", f"{where}self_shipment.")
        provider = rules.seller_provider(shop, order, tracking, provider_id)
        ship_lines(
            call.state,
            call.state.dispatcher,
            shop,
            order,
            package.line_item_ids,
            tracking,
            (provider.id, provider.name),
        )
        return
    if logistics.shipping_type(shop, order) != logistics.TIKTOK:
        raise rules.refused(21011022, "The self_shipment field is required for seller shipping.")
    # SEA local sellers: the collection method comes from Seller Center, handover_method is ignored.
    slot = None
    if shop.region not in logistics.SEA_REGIONS:
        slot = check_pickup_slot(call, package, handover, body.get("pickup_slot"), where)
    ship_lines(
        call.state,
        call.state.dispatcher,
        shop,
        order,
        package.line_item_ids,
        None,
        logistics.tiktok_carrier(shop.region),
        handover_method=(handover or "PICKUP") if shop.region not in logistics.SEA_REGIONS else "",
        pickup_slot=slot,
    )


async def ship_package(call: Call) -> dict[str, Any]:
    _ship_package(call, call.path_params["package_id"], call.json())
    return {}


async def batch_ship_packages(call: Call) -> dict[str, Any]:
    """Batch Ship Packages (T3.4): each package succeeds or fails alone, inside a `code: 0` answer."""
    entries = call.json().get("packages")
    if not isinstance(entries, list) or not entries:
        raise errors.invalid_param("The 'packages' field must be a non-empty array.")
    if len(entries) > MAX_BATCH:
        raise errors.invalid_param(f"The 'packages' field accepts at most {MAX_BATCH} packages.")
    failures = []
    for n, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not entry["id"]:
            raise errors.invalid_param(f"The 'packages[{n}].id' field is required.")
        try:
            _ship_package(call, entry["id"], entry, f"packages[{n}].")
        except TikTokError as refusal:
            if refusal.http_status != 200:
                raise
            failures.append(
                {"code": refusal.code, "message": refusal.message, "detail": {"package_id": entry["id"]}}
            )
    return {"errors": failures}


async def mark_package_as_shipped(call: Call) -> dict[str, Any]:
    """Mark Package As Shipped (T3.5): seller shipping in US, UK, ES, IE, IT, DE, FR and JP."""
    shop = rules.shop(call)
    if shop.region not in logistics.MARK_AS_SHIPPED_REGIONS:
        raise rules.fail(rules.REGION_NOT_SUPPORTED)
    order = rules.order_of(call, call.path_params["order_id"])
    body = call.json()
    tracking = rules.text_field(body, "tracking_number")
    provider_id = rules.text_field(body, "shipping_provider_id")
    wanted = rules.line_ids_field(body, order)
    rules.check_shippable(order)
    if logistics.shipping_type(shop, order) != logistics.SELLER:
        raise rules.fail(rules.NOT_SELLER_SHIPPING)
    provider = rules.seller_provider(shop, order, tracking, provider_id)
    lines = rules.lines_to_ship(call.shop_data, shop, order, wanted)
    package = ship_lines(
        call.state, call.state.dispatcher, shop, order, lines, tracking, (provider.id, provider.name)
    )
    answer: dict[str, Any] = {
        "order_id": order.id,
        "order_line_item_ids": list(package.line_item_ids),
        "package_id": package.id,
    }
    warning = logistics.us_warning(provider, tracking) if shop.region == "US" else ""
    if warning:
        answer["warning"] = {"message": warning}
    return answer


def _update_shipping_info(call: Call, order: Order, package: Package | None) -> None:
    """Update Shipping Info (T3.6): seller shipping, after shipping, once, within 72 h where
    TikTok keeps that window."""
    shop, data = rules.shop(call), call.shop_data
    body = call.json()
    tracking = rules.text_field(body, "tracking_number")
    provider_id = rules.text_field(body, "shipping_provider_id")
    if order.fulfillment_type != logistics.BY_SELLER:
        raise rules.fail(rules.FULFILLED_BY_TIKTOK)
    if order.status == "CANCELLED":
        raise rules.fail(rules.ORDER_CANCELLED)
    if logistics.shipping_type(shop, order) != logistics.SELLER:
        raise rules.fail(rules.NOT_SELLER_SHIPPING)
    if order.status in ("DELIVERED", "COMPLETED"):
        raise rules.refused(21011030, "The order has been delivered.")
    shipped = [
        p for p in packages_of(shop, data, order) if p.shipped_time is not None and p.status != CANCELLED
    ]
    if package is None:
        if len(shipped) > 1:
            raise rules.fail(rules.SPECIFY_LINES)
        package = shipped[0] if shipped else None
    if package is None or package.shipped_time is None:
        raise rules.refused(21011043, "The order has not been shipped yet.")
    if package.status == COMPLETED:
        raise rules.refused(21011030, "The package has been delivered.")
    if (
        shop.region in logistics.UPDATE_WINDOW_REGIONS
        and call.now - package.shipped_time > logistics.UPDATE_WINDOW_S
    ):
        raise rules.refused(
            21011050, "The shipping information can only be updated within 72 hours of shipping."
        )
    if package.info_updates >= 1:
        raise rules.refused(21011051, "The shipping information can only be updated once.")
    provider = rules.seller_provider(shop, order, tracking, provider_id)
    package.info_updates += 1
    package.tracking_number = tracking
    package.shipping_provider_id, package.shipping_provider_name = provider.id, provider.name
    package.update_time = order.update_time = call.now
    package.tracking_events.append(("The seller updated the shipping information", call.now * 1000))
    if order.tracking_number and shipped and shipped[0] is package:
        order.tracking_number = tracking
    call.state.touch(shop.id)


async def update_order_shipping_info(call: Call) -> dict[str, Any]:
    order = rules.order_of(call, call.path_params["order_id"])
    _update_shipping_info(call, order, None)
    return {}


async def update_package_shipping_info(call: Call) -> dict[str, Any]:
    order, package = rules.package_of(call, call.path_params["package_id"])
    _update_shipping_info(call, order, package)
    return {}


async def get_tracking(call: Call) -> dict[str, Any]:
    """Get Tracking (T3.7): newest event first, times in milliseconds."""
    order = rules.order_of(call, call.path_params["order_id"])
    events = [
        event
        for package in packages_of(rules.shop(call), call.shop_data, order)
        for event in package.tracking_events
    ]
    events.sort(key=lambda event: event[1])
    events.reverse()  # newest first; of events in the same millisecond, the later one first
    return {"tracking": [{"description": text, "update_time_millis": ms} for text, ms in events]}


def _write(resource: str, handler: Any) -> Route:
    return Route("POST", "fulfillment", ("202309",), resource, handler, shop_scoped=True, writes=True)


ROUTES = [
    Route("GET", "fulfillment", ("202309",), "packages/{package_id}", get_package_detail, shop_scoped=True),
    Route("POST", "fulfillment", ("202309",), "packages/search", search_packages, shop_scoped=True),
    _write("packages/ship", batch_ship_packages),
    _write("packages/{package_id}/ship", ship_package),
    _write("orders/{order_id}/packages", mark_package_as_shipped),
    _write("orders/{order_id}/shipping_info/update", update_order_shipping_info),
    _write("packages/{package_id}/shipping_info/update", update_package_shipping_info),
    Route("GET", "fulfillment", ("202309",), "orders/{order_id}/tracking", get_tracking, shop_scoped=True),
]
