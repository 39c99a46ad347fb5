"""An order's fulfillment as the API shows it: its state and its packages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.fulfillment import (
    OrderFulfillment,
    SellerShipment,
    ShipmentState,
    TrackingUpdateState,
    order_fulfillment,
)
from domain.order import Order


@dataclass(frozen=True)
class PackageView:
    package_id: str
    status: str
    tracking_number: str
    provider_name: str
    line_item_ids: tuple[str, ...]
    tracking_update_refusal: str = ""
    """Why TikTok did not (or would not) take a changed tracking number for this package."""


@dataclass(frozen=True)
class FulfillmentView:
    fulfillment: OrderFulfillment
    packages: tuple[PackageView, ...]


def fulfillment_view(order: Order, shipments: Sequence[SellerShipment]) -> FulfillmentView:
    """TikTok's packages as last synced, completed by our confirmed shipments TikTok has not
    echoed yet; per package the newest tracking and refusal of a tracking change."""
    state = order_fulfillment(order.status, _line_items(order), order.line_shipments, shipments)
    packages: dict[str, PackageView] = {}
    grouped: dict[str, list[str]] = {}
    for line in order.line_shipments:
        if line.package_id:
            grouped.setdefault(line.package_id, []).append(line.line_item_id)
            packages[line.package_id] = PackageView(
                line.package_id,
                line.package_status,
                line.tracking_number,
                line.shipping_provider_name,
                tuple(grouped[line.package_id]),
            )
    for shipment in shipments:
        if shipment.state is not ShipmentState.CONFIRMED:
            continue
        refusal = _refusal(shipment)
        for package_id in shipment.package_ids:
            known = packages.get(package_id)
            packages[package_id] = PackageView(
                package_id,
                known.status if known is not None and known.status else "PROCESSING",
                shipment.tracking_number,
                shipment.provider_name or (known.provider_name if known is not None else ""),
                known.line_item_ids if known is not None else shipment.line_item_ids,
                refusal,
            )
    return FulfillmentView(state, tuple(packages[key] for key in sorted(packages)))


def _line_items(order: Order) -> list[str]:
    return [unit for line in order.lines for unit in line.line_item_ids]


def _refusal(shipment: SellerShipment) -> str:
    change = shipment.tracking_change
    if change is None or change.state is not TrackingUpdateState.REFUSED:
        return ""
    code = f" ({change.refusal_code})" if change.refusal_code else ""
    return f"tracking number {change.tracking_number} not sent{code}: {change.refusal_message}"
