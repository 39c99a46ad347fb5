"""Packages TikTok ships: for orders whose carrier TikTok chooses (TikTok shipping, or fulfilled
by TikTok), TikTok is the source of truth for tracking and the SHOPLINE order only mirrors it
(fulfillment-and-webhooks.md M1).

A package is mirrored once it carries a tracking number and is under way: for TikTok shipping from
the arranged shipment on (the label exists, the merchant hands the package over); for orders TikTok
fulfills, once its carrier has it (TikTok's warehouse may re-pack until then).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.errors import UnmatchedShipment
from domain.ids import ChannelSkuId, ShoplineVariantId
from domain.logistics import (
    FulfillmentLine,
    LineShipment,
    OrderLogistics,
    PackageStatus,
    ShippingType,
    ShoplineLineItem,
)
from domain.order.lines import OrderLine

_UNDER_WAY_TIKTOK_SHIPPING = frozenset({"PROCESSING", "FULFILLING", "COMPLETED"})
_UNDER_WAY_TIKTOK_FULFILLED = frozenset({"FULFILLING", "COMPLETED"})


@dataclass(frozen=True)
class TikTokShipment:
    """One package TikTok shipped: what the SHOPLINE fulfillment is made of."""

    package_id: str
    tracking_number: str
    shipping_provider_name: str
    line_item_ids: tuple[str, ...]


def tiktok_issues_tracking(logistics: OrderLogistics) -> bool:
    return logistics.fulfilled_by_tiktok or logistics.shipping_type is ShippingType.TIKTOK


def tiktok_shipments(logistics: OrderLogistics, lines: Iterable[LineShipment]) -> tuple[TikTokShipment, ...]:
    """The packages under way with a tracking number, in first-seen order; none unless TikTok
    issues the order's tracking."""
    if not tiktok_issues_tracking(logistics):
        return ()
    under_way = _UNDER_WAY_TIKTOK_FULFILLED if logistics.fulfilled_by_tiktok else _UNDER_WAY_TIKTOK_SHIPPING
    grouped: dict[str, list[LineShipment]] = {}
    for line in lines:
        if line.package_id and line.tracking_number and line.package_status in under_way:
            grouped.setdefault(line.package_id, []).append(line)
    return tuple(
        TikTokShipment(
            package_id=package_id,
            tracking_number=units[0].tracking_number,
            shipping_provider_name=units[0].shipping_provider_name,
            line_item_ids=tuple(unit.line_item_id for unit in units),
        )
        for package_id, units in grouped.items()
    )


def package_under_way(status: PackageStatus, logistics: OrderLogistics) -> bool:
    """The same rule for a package read from Get Package Detail."""
    under_way = _UNDER_WAY_TIKTOK_FULFILLED if logistics.fulfilled_by_tiktok else _UNDER_WAY_TIKTOK_SHIPPING
    return status.value in under_way


@dataclass(frozen=True)
class ShoplineMirror:
    """Which of TikTok's packages are mirrored as SHOPLINE fulfillments, and the work in flight."""

    fulfillments: tuple[tuple[str, str], ...] = ()
    """(TikTok package id, SHOPLINE fulfillment id), in the order they were created."""
    claimed_until: datetime | None = None
    """While a mirror is creating fulfillments, no other may start (until this time)."""
    failure: str = ""
    """Why SHOPLINE refused the last attempt; tried again when TikTok's packages change."""

    def mirrored(self, package_id: str) -> bool:
        return any(package == package_id for package, _ in self.fulfillments)

    @property
    def fulfillment_ids(self) -> frozenset[str]:
        """SHOPLINE fulfillments the service created itself: their webhooks are our own echoes."""
        return frozenset(fulfillment for _, fulfillment in self.fulfillments)


def fulfillment_lines(
    shipment: TikTokShipment,
    order_lines: Sequence[OrderLine],
    shopline_lines: Sequence[ShoplineLineItem],
    linked: Mapping[ChannelSkuId, ShoplineVariantId],
) -> tuple[FulfillmentLine, ...]:
    """The SHOPLINE lines and quantities holding the package's units (one TikTok line item is one
    unit). A TikTok SKU's units were imported as lines of its linked variant, or as custom lines
    with its seller SKU or title, possibly split in two (a remainder unit); units go to the lines
    with room left, in SHOPLINE's order."""
    room = {line.line_item_id: line.fulfillable_quantity for line in shopline_lines}
    taken: dict[str, int] = {}
    for order_line in order_lines:
        units = sum(1 for item in shipment.line_item_ids if item in order_line.line_item_ids)
        if not units:
            continue
        variant = linked.get(order_line.sku_id)
        candidates = [
            line
            for line in shopline_lines
            if (variant is not None and line.variant_id == variant)
            or (variant is None and _same_custom_line(line, order_line))
        ]
        for line in candidates:
            share = min(units, room[line.line_item_id])
            if share:
                room[line.line_item_id] -= share
                taken[line.line_item_id] = taken.get(line.line_item_id, 0) + share
                units -= share
        if units:
            raise UnmatchedShipment(
                f"packages/{shipment.package_id}",
                f"{units} unit(s) of SKU {order_line.sku_id} match no unfulfilled line of the SHOPLINE order",
            )
    known = {item for line in order_lines for item in line.line_item_ids}
    if not taken or set(shipment.line_item_ids) - known:
        raise UnmatchedShipment(
            f"packages/{shipment.package_id}", "it holds line items the order does not have"
        )
    return tuple(FulfillmentLine(line_id, quantity) for line_id, quantity in taken.items())


def _same_custom_line(line: ShoplineLineItem, order_line: OrderLine) -> bool:
    if line.variant_id:
        return False
    if order_line.seller_sku and line.sku:
        return line.sku == order_line.seller_sku
    return bool(line.title) and line.title == order_line.title
