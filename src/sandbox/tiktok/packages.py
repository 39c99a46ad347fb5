"""Packages of sandbox orders (fulfillment-and-webhooks T1, T2, T4) and the moves that change them.

Packages are materialized on first read and reconciled with the order's status on every read, so
an order moved by the control surface (or generated already shipped) shows the packages TikTok
would show: a package exists from payment on outside the US and UK (see
``logistics.package_before_shipping``), shipped orders have every unit in a shipped package with
a tracking number, cancelled orders have their packages cancelled.

Shipping moves the order (PARTIALLY_SHIPPING, or AWAITING_COLLECTION with type 1 once every unit
is shipped); a partial shipment splits the lines off into their own package and sends type 4
(``SPLIT``, Part W). Carrier scans move packages to FULFILLING, then COMPLETED, and the order to
IN_TRANSIT and DELIVERED once every package got there.
"""

from __future__ import annotations

from collections.abc import Sequence

from sandbox.tiktok import logistics
from sandbox.tiktok.events import emit
from sandbox.tiktok.models import Order, Package, Shop, ShopData
from sandbox.tiktok.operations import set_order_status
from sandbox.tiktok.state import TikTokState
from sandbox.webhooks import WebhookDispatcher

TO_FULFILL, PROCESSING, FULFILLING, COMPLETED, CANCELLED = (
    "TO_FULFILL",
    "PROCESSING",
    "FULFILLING",
    "COMPLETED",
    "CANCELLED",
)
_RANK = {TO_FULFILL: 0, PROCESSING: 1, FULFILLING: 2, COMPLETED: 3}
# The package status every package of an order has at least once the order is in this status.
_FLOOR = {"AWAITING_COLLECTION": PROCESSING, "IN_TRANSIT": FULFILLING, "DELIVERED": COMPLETED}
_FLOOR["COMPLETED"] = COMPLETED
PACKAGE_ID_BASE = 1_153_486_604_836_000_000
SHIPPABLE_ORDER_STATUSES = frozenset({"AWAITING_SHIPMENT", "PARTIALLY_SHIPPING"})
_PAID_UNSHIPPED = frozenset({"ON_HOLD", "AWAITING_SHIPMENT", "PARTIALLY_SHIPPING"})
_EVENT = {
    PROCESSING: "Shipment arranged: the package is ready for the carrier",
    FULFILLING: "In transit: the carrier has collected the package",
    COMPLETED: "Delivered",
}


def line_ids(order: Order) -> tuple[str, ...]:
    return tuple(str(int(order.id) + 1 + i) for i in range(len(order.unit_sku_ids)))


def _new_package(data: ShopData, shop: Shop, order: Order, lines: Sequence[str], at: int) -> Package:
    held = data.package_ids_by_order.setdefault(order.id, [])
    package_id = str(PACKAGE_ID_BASE + int(order.id) % 10**12 + len(held))
    package = Package(
        id=package_id,
        order_id=order.id,
        line_item_ids=tuple(lines),
        status=TO_FULFILL,
        shipping_type=logistics.shipping_type(shop, order),
        delivery_option_id=logistics.delivery_option(shop, order).id,
        create_time=at,
        update_time=at,
    )
    data.packages[package_id] = package
    held.append(package_id)
    return package


def _mark_shipped(
    shop: Shop, order: Order, package: Package, tracking: str, provider: tuple[str, str], at: int
) -> None:
    package.status, package.update_time, package.shipped_time = PROCESSING, at, at
    package.tracking_number = tracking
    package.shipping_provider_id, package.shipping_provider_name = provider
    package.tracking_events.append((_EVENT[PROCESSING], at * 1000))
    if not order.tracking_number:
        order.tracking_number = tracking


def _system_provider(shop: Shop, order: Order) -> tuple[str, str]:
    if (
        logistics.shipping_type(shop, order) == logistics.TIKTOK
        or order.fulfillment_type != logistics.BY_SELLER
    ):
        return logistics.tiktok_carrier(shop.region)
    first = logistics.providers(shop.region)[0]
    return first.id, first.name


def tiktok_tracking_number(package_id: str) -> str:
    return f"TT{package_id[-12:]}"


def packages_of(shop: Shop, data: ShopData, order: Order) -> list[Package]:
    """The order's packages, consistent with its status (see the module docstring)."""
    held = data.package_ids_by_order.setdefault(order.id, [])
    packages = [data.packages[p] for p in held]
    at = order.update_time
    packaged = {line for p in packages for line in p.line_item_ids}
    unpackaged = [line for line in line_ids(order) if line not in packaged]
    status = order.status
    if status in _FLOOR:
        for package in packages:
            if package.status == TO_FULFILL:
                tracking = order.tracking_number or tiktok_tracking_number(package.id)
                _mark_shipped(shop, order, package, tracking, _system_provider(shop, order), at)
        if unpackaged:
            package = _new_package(data, shop, order, unpackaged, at)
            tracking = order.tracking_number or tiktok_tracking_number(package.id)
            _mark_shipped(shop, order, package, tracking, _system_provider(shop, order), at)
            packages.append(package)
        floor = _FLOOR[status]
        for package in packages:
            if package.status != CANCELLED and _RANK[package.status] < _RANK[floor]:
                _advance(package, floor, at)
    elif status == "CANCELLED":
        for package in packages:
            if package.status not in (COMPLETED, CANCELLED):
                package.status, package.update_time = CANCELLED, at
    elif status in _PAID_UNSHIPPED and unpackaged and logistics.package_before_shipping(shop, order):
        packages.append(_new_package(data, shop, order, unpackaged, at))
    return packages


def _advance(package: Package, status: str, at: int) -> None:
    for step in (FULFILLING, COMPLETED):
        if _RANK[package.status] < _RANK[step] <= _RANK[status]:
            package.tracking_events.append((_EVENT[step], at * 1000))
    package.status, package.update_time = status, at


def all_packages(shop: Shop, data: ShopData) -> list[Package]:
    """Every package of the shop (materializing those of orders not read yet)."""
    for order in data.orders.values():
        packages_of(shop, data, order)
    return list(data.packages.values())


def package_of_line(packages: Sequence[Package], line_id: str) -> Package | None:
    for package in packages:
        if line_id in package.line_item_ids:
            return package
    return None


def shipped_lines(packages: Sequence[Package]) -> set[str]:
    return {line for p in packages if p.status not in (TO_FULFILL, CANCELLED) for line in p.line_item_ids}


def ship_lines(
    state: TikTokState,
    dispatcher: WebhookDispatcher | None,
    shop: Shop,
    order: Order,
    lines: Sequence[str],
    tracking: str | None,
    provider: tuple[str, str],
    *,
    handover_method: str = "",
    pickup_slot: tuple[int, int] | None = None,
) -> Package:
    """Ships ``lines`` (unshipped units of ``order``, checked by the caller) in one package;
    without a ``tracking`` number TikTok's carrier issues one."""
    data = state.data(shop.id)
    now = state.clock.now_s()
    packages = packages_of(shop, data, order)
    wanted = set(lines)
    target: Package | None = None
    split = False
    for package in packages:
        if package.status != TO_FULFILL:
            continue
        if set(package.line_item_ids) == wanted:
            target = package
        elif wanted & set(package.line_item_ids):
            package.line_item_ids = tuple(x for x in package.line_item_ids if x not in wanted)
            package.update_time = now
            split = True
    if target is None:
        target = _new_package(data, shop, order, [x for x in line_ids(order) if x in wanted], now)
        packages = [*packages, target]
    target.handover_method, target.pickup_slot = handover_method, pickup_slot
    _mark_shipped(shop, order, target, tracking or tiktok_tracking_number(target.id), provider, now)
    order.update_time = now
    remaining = set(line_ids(order)) - shipped_lines(packages)
    split = split or bool(remaining)
    state.touch(shop.id)
    if split:
        emit(
            state,
            dispatcher,
            shop.id,
            4,
            {
                "sc_type": "SPLIT",
                "role_type": "ROLE_SELLER",
                "package_list": [{"package_id": p.id, "order_id_list": [order.id]} for p in packages],
                "update_time": now,
            },
        )
    if remaining:
        order.status = "PARTIALLY_SHIPPING"
    else:
        set_order_status(state, dispatcher, shop.id, order.id, "AWAITING_COLLECTION")
    return target


class ScanRefused(ValueError):
    pass


def scan_package(
    state: TikTokState, dispatcher: WebhookDispatcher | None, shop: Shop, package_id: str, status: str
) -> Package:
    """A carrier scan: ``IN_TRANSIT`` (collected) or ``DELIVERED``. The order follows once every
    package of it got there."""
    data = state.data(shop.id)
    package = data.packages.get(package_id)
    if package is None:
        raise KeyError(f"unknown package {package_id} in shop {shop.id}")
    wanted = {"IN_TRANSIT": FULFILLING, "DELIVERED": COMPLETED}.get(status)
    if wanted is None:
        raise ValueError("status must be IN_TRANSIT or DELIVERED")
    if package.status in (TO_FULFILL, CANCELLED) or _RANK[package.status] >= _RANK[wanted]:
        raise ScanRefused(f"package {package_id} is {package.status}; it cannot become {wanted}")
    now = state.clock.now_s()
    _advance(package, wanted, now)
    order = data.orders[package.order_id]
    order.update_time = now
    state.touch(shop.id)
    packages = [p for p in packages_of(shop, data, order) if p.status != CANCELLED]
    every_line_shipped = set(line_ids(order)) <= shipped_lines(packages)
    lowest = min(_RANK[p.status] for p in packages)
    collected = lowest >= _RANK[FULFILLING]
    if every_line_shipped and collected and order.status in ("AWAITING_COLLECTION", "PARTIALLY_SHIPPING"):
        set_order_status(state, dispatcher, shop.id, order.id, "IN_TRANSIT")
    if order.status == "IN_TRANSIT" and lowest >= _RANK[COMPLETED]:
        set_order_status(state, dispatcher, shop.id, order.id, "DELIVERED")
    return package
