"""Who may ship what (fulfillment-and-webhooks T2, T3): the refusals the fulfillment endpoints
share, with TikTok's codes. Business refusals answer HTTP 200 with a non-zero code."""

from __future__ import annotations

from typing import Any

from sandbox.tiktok import errors, logistics
from sandbox.tiktok.errors import TikTokError
from sandbox.tiktok.gateway import Call
from sandbox.tiktok.models import Order, Package, Shop, ShopData
from sandbox.tiktok.packages import (
    PACKAGE_ID_BASE,
    SHIPPABLE_ORDER_STATUSES,
    line_ids,
    packages_of,
    shipped_lines,
)


def refused(code: int, message: str) -> TikTokError:
    return TikTokError(code, message, 200)


REGION_NOT_SUPPORTED = (21008106, "This API is not supported in the region of the shop.")
FULFILLED_BY_TIKTOK = (21008025, "The order is fulfilled by TikTok; the seller cannot ship it.")
NOT_SELLER_SHIPPING = (21011004, "The order does not use seller shipping.")
ORDER_CANCELLED = (21011041, "The order has been cancelled.")
ALREADY_SHIPPED = (21011040, "The package has already been shipped.")
NOT_AWAITING_SHIPMENT = (21042057, "The order is not in the Awaiting shipment status.")
PROVIDER_INVALID = (21011022, "The shipping provider is not available for the delivery option of the order.")
SPECIFY_LINES = (21011048, "The order has multiple packages. Specify the order line items to ship.")
NOT_TIKTOK_SHIPPING = (21008017, "The package is not shipped by TikTok.")


def fail(spec: tuple[int, str]) -> TikTokError:
    return refused(*spec)


def shop(call: Call) -> Shop:
    assert call.shop is not None
    return call.shop


def order_of(call: Call, order_id: str) -> Order:
    order = call.shop_data.orders.get(order_id)
    if order is None:
        raise errors.error(errors.ORDER_NOT_OWNED)
    return order


def package_of(call: Call, package_id: str) -> tuple[Order, Package]:
    data = call.shop_data
    package = data.packages.get(package_id)
    if package is None and package_id.isdigit():
        # Packages of orders nobody has read yet exist too; their ids follow from the order's.
        residue = int(package_id) - PACKAGE_ID_BASE
        for order in data.orders.values():
            if int(order.id) % 10**12 == residue - residue % 1000:
                packages_of(shop(call), data, order)
        package = data.packages.get(package_id)
    if package is None:
        raise errors.error(errors.ORDER_NOT_OWNED)
    order = data.orders[package.order_id]
    packages_of(shop(call), data, order)
    return order, package


def check_shippable(order: Order) -> None:
    """Status gating shared by every ship call (T2): FBT, cancelled, then awaiting shipment."""
    if order.fulfillment_type != logistics.BY_SELLER:
        raise fail(FULFILLED_BY_TIKTOK)
    if order.status == "CANCELLED":
        raise fail(ORDER_CANCELLED)
    if order.status not in SHIPPABLE_ORDER_STATUSES:
        if order.status in ("AWAITING_COLLECTION", "IN_TRANSIT", "DELIVERED", "COMPLETED"):
            raise fail(ALREADY_SHIPPED)
        raise fail(NOT_AWAITING_SHIPMENT)


def text_field(body: dict[str, Any], name: str, where: str = "") -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise errors.invalid_param(f"The '{where}{name}' field is required.")
    return value


def seller_provider(shop_: Shop, order: Order, tracking_number: str, provider_id: str) -> logistics.Provider:
    """The provider named for a seller-shipped order, after checking the tracking number."""
    problem = logistics.tracking_problem(tracking_number)
    if problem is not None:
        raise refused(*problem)
    option = logistics.delivery_option(shop_, order)
    for provider in logistics.option_providers(shop_, option):
        if provider.id == provider_id:
            return provider
    raise fail(PROVIDER_INVALID)


def line_ids_field(body: dict[str, Any], order: Order) -> list[str] | None:
    raw = body.get("order_line_item_ids")
    if raw is None or raw == []:
        return None
    if not isinstance(raw, list) or not all(isinstance(x, str) and x for x in raw):
        raise errors.invalid_param("The 'order_line_item_ids' field must be an array of line item IDs.")
    if len(set(raw)) != len(raw):
        raise errors.invalid_param("The 'order_line_item_ids' field holds a line item ID twice.")
    own = {str(int(order.id) + 1 + i) for i in range(len(order.unit_sku_ids))}
    if set(raw) - own:
        raise errors.invalid_param("The 'order_line_item_ids' field holds an ID of another order.")
    return list(raw)


def lines_to_ship(data: ShopData, shop_: Shop, order: Order, wanted: list[str] | None) -> list[str]:
    """The lines a ship call covers: the given ones, none shipped yet; or, with none given, the
    whole order, which must not be partly shipped."""
    done = shipped_lines(packages_of(shop_, data, order))
    if wanted is None:
        if done:
            raise fail(SPECIFY_LINES)
        return list(line_ids(order))
    if set(wanted) & done:
        raise fail(ALREADY_SHIPPED)
    return wanted
