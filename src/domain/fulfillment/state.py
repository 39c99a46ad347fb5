"""The order's fulfillment state, derived from what TikTok says of its lines and our shipments.

Never stored: TikTok's order status and line shipments (as last synced) and our own shipment
records (which TikTok may not have echoed yet) are enough to tell it at any time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

from domain.fulfillment.shipment import SellerShipment, ShipmentState
from domain.logistics import LineShipment, PackageStatus
from domain.order.status import OrderStatus


class FulfillmentState(Enum):
    UNFULFILLED = "UNFULFILLED"
    PARTIALLY_SHIPPED = "PARTIALLY_SHIPPED"
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"
    FULFILLMENT_BLOCKED = "FULFILLMENT_BLOCKED"


SHIPPED_ORDER_STATUSES = frozenset({OrderStatus.AWAITING_COLLECTION, OrderStatus.IN_TRANSIT})
DELIVERED_ORDER_STATUSES = frozenset({OrderStatus.DELIVERED, OrderStatus.COMPLETED})
_SHIPPED_PACKAGE_STATUSES = frozenset(
    {PackageStatus.PROCESSING, PackageStatus.FULFILLING, PackageStatus.COMPLETED}
)


@dataclass(frozen=True)
class OrderFulfillment:
    state: FulfillmentState
    blocked_reason: str = ""
    carrier_to_map: str = ""
    """For a carrier without a TikTok shipping provider: the SHOPLINE carrier name to map."""
    shipped_line_item_ids: frozenset[str] = frozenset()


def line_shipped_on_tiktok(line: LineShipment) -> bool:
    """TikTok reports the line's package past ``TO_FULFILL`` (or a tracking number on it)."""
    if line.tracking_number:
        return True
    try:
        return PackageStatus.parse(line.package_status) in _SHIPPED_PACKAGE_STATUSES
    except ValueError:
        return False


def order_fulfillment(
    status: OrderStatus,
    line_item_ids: Iterable[str],
    line_shipments: Sequence[LineShipment],
    shipments: Sequence[SellerShipment],
) -> OrderFulfillment:
    """Delivered beats everything; then a blocked or refused shipment of lines not shipped
    otherwise; then how many of the order's line items are shipped."""
    all_lines = frozenset(line_item_ids)
    shipped = frozenset(line.line_item_id for line in line_shipments if line_shipped_on_tiktok(line))
    shipped |= frozenset(
        line
        for shipment in shipments
        if shipment.state is ShipmentState.CONFIRMED
        for line in shipment.line_item_ids
    )
    shipped &= all_lines
    if status in DELIVERED_ORDER_STATUSES:
        return OrderFulfillment(FulfillmentState.DELIVERED, shipped_line_item_ids=shipped)
    stuck = [
        shipment
        for shipment in sorted(shipments, key=lambda s: (s.updated_at, s.shipment_id), reverse=True)
        if shipment.state in (ShipmentState.BLOCKED, ShipmentState.FAILED)
        and not set(shipment.line_item_ids) <= shipped
    ]
    if stuck and status is not OrderStatus.CANCELLED:
        latest = stuck[0]
        if latest.state is ShipmentState.BLOCKED:
            return OrderFulfillment(
                FulfillmentState.FULFILLMENT_BLOCKED, latest.blocked_reason, latest.carrier_name, shipped
            )
        reason = (
            f"TikTok refused the shipment ({latest.failure_code}): {latest.failure_message}"
            if latest.failure_code
            else f"the shipment was not sent: {latest.failure_message}"
        )
        return OrderFulfillment(FulfillmentState.FULFILLMENT_BLOCKED, reason, shipped_line_item_ids=shipped)
    if status in SHIPPED_ORDER_STATUSES or (all_lines and shipped == all_lines):
        return OrderFulfillment(FulfillmentState.SHIPPED, shipped_line_item_ids=shipped)
    if shipped or status is OrderStatus.PARTIALLY_SHIPPING:
        return OrderFulfillment(FulfillmentState.PARTIALLY_SHIPPED, shipped_line_item_ids=shipped)
    return OrderFulfillment(FulfillmentState.UNFULFILLED)
