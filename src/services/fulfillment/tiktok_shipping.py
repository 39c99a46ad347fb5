"""TikTok shipping, arranged by an operator: TikTok picks the carrier and issues the label
(fulfillment-and-webhooks.md T1, T3.3, T3.10, T3.12).

In the US a label is bought per set of line items (Create Packages, with the parcel's weight and
size); elsewhere the packages exist from payment on and Ship Package hands them over (pickup or
drop-off). Calling again after a lost reply is safe: TikTok's "already shipped" answers are read
back and count as done when the package is on its way. Afterwards the order is read again from
TikTok, so its packages, tracking and the SHOPLINE mirror follow at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from domain.channel import ShopCredentials
from domain.errors import InvalidArgument, PartnerRejected, ShippingNotPossible
from domain.logistics import (
    DocumentType,
    HandoverMethod,
    PackageStatus,
    ParcelSize,
    PickupSlot,
    ShippingDocument,
    ShippingType,
    TikTokPackage,
)
from domain.order import Order, OrderStatus
from domain.ports import Clock, TikTokChannelApi, TikTokFulfillmentApi, UnitOfWork
from domain.shop import Region
from services.orders.handling import OrderRef, order_and_credentials
from services.orders.intake import IntakeShop, OrderIntake

log = logging.getLogger("mcc.fulfillment")

ALREADY_SHIPPED = frozenset({"21011040", "21008099", "11006021", "21011006", "21011020", "21022025"})
"""TikTok's answers for a package (or label) that is already on its way (T3.3, T3.12)."""
SHIPPABLE = frozenset({OrderStatus.AWAITING_SHIPMENT, OrderStatus.PARTIALLY_SHIPPING})


@dataclass(frozen=True)
class TikTokShipmentRequest:
    """What the operator chose; ``line_item_ids`` empty means every unit not shipped yet."""

    line_item_ids: tuple[str, ...] = ()
    handover_method: HandoverMethod | None = None
    pickup_slot: PickupSlot | None = None
    parcel: ParcelSize | None = None
    """US only: the label is priced by weight and size."""
    shipping_service_id: str = ""
    """US only: empty takes TikTok's default service."""


class TikTokShippingCommands:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        tiktok: TikTokChannelApi,
        fulfillment: TikTokFulfillmentApi,
        intake: OrderIntake,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._tiktok = tiktok
        self._fulfillment = fulfillment
        self._intake = intake

    async def arrange(
        self, ref: OrderRef, request: TikTokShipmentRequest
    ) -> tuple[Order, list[TikTokPackage]]:
        """Arranges TikTok shipping for the chosen units; returns the order read again and the
        packages now on their way."""
        order, credentials, region = await self._prepare(ref)
        shipped = _already_shipped(order, request.line_item_ids)
        if shipped:  # a repeat (after a lost answer, say): what TikTok holds is the answer
            return order, [await self._fulfillment.package(credentials, package) for package in shipped]
        _check_shippable(order, ref)
        lines = _chosen_lines(order, request.line_item_ids)
        if region is Region.US:
            packages = [await self._buy_label(credentials, order, lines, request)]
        else:
            packages = [
                await self._hand_over(credentials, package_id, request)
                for package_id in _packages_holding(order, lines)
            ]
        return await self._refreshed(ref, credentials), packages

    async def label(self, ref: OrderRef, package_id: str, document_type: DocumentType) -> ShippingDocument:
        """The label's address (valid 24 hours) for a package of this order."""
        order, credentials, _ = await self._prepare(ref)
        package = await self._fulfillment.package(credentials, package_id)
        if order.id not in package.order_ids:
            raise InvalidArgument("package_id", f"package {package_id} is not a package of {ref.name}")
        return await self._fulfillment.shipping_document(credentials, package_id, document_type)

    # --- the calls --------------------------------------------------------------------------

    async def _buy_label(
        self, credentials: ShopCredentials, order: Order, lines: Sequence[str], request: TikTokShipmentRequest
    ) -> TikTokPackage:
        if request.parcel is None:
            raise InvalidArgument(
                "tiktok_shipment.parcel", "US labels need the parcel's weight and dimensions"
            )
        service_id = request.shipping_service_id
        if not service_id:
            services = await self._fulfillment.eligible_shipping_services(
                credentials, order.id, lines, request.parcel
            )
            chosen = next((s for s in services if s.is_default), services[0] if services else None)
            if chosen is None:
                raise ShippingNotPossible(_name(order), "TikTok offers no shipping service for these items")
            service_id = chosen.service_id
        try:
            return await self._fulfillment.create_package(
                credentials, order.id, lines, request.parcel, service_id
            )
        except PartnerRejected as error:
            if error.code not in ALREADY_SHIPPED:
                raise
            shipped = await self._shipped_package_holding(credentials, order, lines)
            if shipped is None:
                raise
            return shipped

    async def _hand_over(
        self, credentials: ShopCredentials, package_id: str, request: TikTokShipmentRequest
    ) -> TikTokPackage:
        try:
            await self._fulfillment.ship_package(
                credentials,
                package_id,
                handover_method=request.handover_method or HandoverMethod.PICKUP,
                pickup_slot=request.pickup_slot,
            )
        except PartnerRejected as error:
            if error.code not in ALREADY_SHIPPED:
                raise
        package = await self._fulfillment.package(credentials, package_id)
        if package.status is PackageStatus.TO_FULFILL:
            raise ShippingNotPossible(f"packages/{package_id}", "TikTok did not take the package")
        return package

    async def _shipped_package_holding(
        self, credentials: ShopCredentials, order: Order, lines: Sequence[str]
    ) -> TikTokPackage | None:
        """After "already shipped": the package TikTok holds for these lines, read from the order."""
        (fresh,) = await self._tiktok.get_orders(credentials, [order.id]) or (None,)
        if fresh is None:
            return None
        package_ids = {s.package_id for s in fresh.line_shipments if s.line_item_id in lines and s.package_id}
        for package_id in sorted(package_ids):
            package = await self._fulfillment.package(credentials, package_id)
            if package.status is not PackageStatus.TO_FULFILL:
                return package
        return None

    # --- the order's side -------------------------------------------------------------------

    async def _prepare(self, ref: OrderRef) -> tuple[Order, ShopCredentials, Region]:
        order, credentials, shop = await order_and_credentials(self._unit_of_work, self._clock, ref)
        logistics = order.logistics
        if logistics.fulfilled_by_tiktok:
            raise ShippingNotPossible(ref.name, "TikTok fulfills this order itself; nothing is to be shipped")
        if logistics.shipping_type is not ShippingType.TIKTOK:
            raise ShippingNotPossible(
                ref.name, "the seller's own carrier ships this order; use a seller shipment"
            )
        return order, credentials, shop.region

    async def _refreshed(self, ref: OrderRef, credentials: ShopCredentials) -> Order:
        details = await self._tiktok.get_orders(credentials, [ref.order_id])
        async with self._unit_of_work() as uow:
            shop = await uow.shops.get(ref.shop_id)
        await self._intake.take(IntakeShop(shop.app_id, shop.id, shop.tiktok_shop_id), details)
        async with self._unit_of_work() as uow:
            return await uow.orders.get(ref.shop_id, ref.order_id)


def _already_shipped(order: Order, wanted: Sequence[str]) -> list[str]:
    """The packages holding the chosen units (every unit when none is chosen) when all of them are
    on their way already; else nothing."""
    units = set(wanted) or {item for line in order.lines for item in line.line_item_ids}
    shipped = {
        s.line_item_id: s.package_id
        for s in order.line_shipments
        if s.package_id and s.package_status not in ("", "TO_FULFILL", "CANCELLED")
    }
    if not units or not units <= set(shipped):
        return []
    return sorted({shipped[unit] for unit in units})


def _check_shippable(order: Order, ref: OrderRef) -> None:
    if order.cancelled:
        raise ShippingNotPossible(ref.name, "the order is cancelled")
    if order.status not in SHIPPABLE:
        raise ShippingNotPossible(
            ref.name, f"TikTok ships orders that await shipment, not {order.status.value}"
        )


def _chosen_lines(order: Order, wanted: Sequence[str]) -> tuple[str, ...]:
    units = [item for line in order.lines for item in line.line_item_ids]
    shipped = {s.line_item_id for s in order.line_shipments if s.package_status not in ("", "TO_FULFILL")}
    if not wanted:
        chosen = tuple(item for item in units if item not in shipped)
        if not chosen:
            raise ShippingNotPossible(_name(order), "every item of the order is shipped already")
        return chosen
    for item in wanted:
        if item not in units:
            raise InvalidArgument(
                "tiktok_shipment.line_item_ids", f"{item!r} is not a line item of the order"
            )
    return tuple(dict.fromkeys(wanted))


def _packages_holding(order: Order, lines: Sequence[str]) -> list[str]:
    """Outside the US the packages exist from payment on and hold the order's line items."""
    found = sorted({s.package_id for s in order.line_shipments if s.line_item_id in lines and s.package_id})
    if not found:
        raise ShippingNotPossible(_name(order), "TikTok has no package for these items yet; sync the order")
    return found


def _name(order: Order) -> str:
    return f"apps/{order.app_id}/shops/{order.shop_id}/orders/{order.id}"
