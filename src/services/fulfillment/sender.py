"""Sends recorded seller shipments to TikTok, exactly once each.

A shipment is claimed (``SENT``, with a lease) in its own transaction before TikTok is called, so
two senders never call for it at once and a sender that dies mid-call leaves a trace. Every
attempt after the first reads the order back from TikTok before calling: if the lines already
carry this tracking number, the earlier call went through and its answer was lost, so the
shipment is confirmed without calling again. "Already shipped" refusals are read back the same
way. The market decides the call: Mark Package As Shipped (line level) in US, UK, the EU markets
and JP; Ship Package with ``self_shipment`` elsewhere (SEA), package by package.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.channel import ShopCredentials, TikTokOrderData
from domain.errors import (
    NotFound,
    PartnerError,
    PartnerRejected,
    ShipmentStateInvalid,
    ShopNotActive,
    StaleWrite,
)
from domain.fulfillment import SellerShipment, ShipmentsDue, ShipmentState, TrackingUpdateState
from domain.fulfillment.shipment import SEND_LEASE
from domain.ids import ShopId
from domain.logistics import FulfillmentType, LineShipment, SelfShipment, ShippingProvider, ShippingType
from domain.order import Order
from domain.ports import Clock, TikTokChannelApi, TikTokFulfillmentApi, UnitOfWork
from services.fulfillment.access import shop_credentials
from services.fulfillment.resolution import CarrierResolver
from services.shared.concurrency import BackgroundDrain, Wakeup

log = logging.getLogger("mcc.fulfillment")

SEND_SHIPMENTS = "send_shipments"
"""The job that wakes the sender (its rows are the durable record)."""
MARK_AS_SHIPPED_MARKETS = frozenset({"US", "GB", "ES", "IE", "IT", "DE", "FR", "JP"})
ALREADY_SHIPPED = frozenset({"21011040", "21008099", "11006021", "21011006", "21011020"})


class ShipmentWakeup(Wakeup):
    """Wakes the sender after a commit made shipments due; separate from the sender so the event
    publisher (which the sender's units of work use) does not depend on it."""

    async def shipments_due(self, events: Sequence[ShipmentsDue]) -> None:
        if events:
            self.wake()


def seller_shipped(order: Order) -> bool:
    logistics = order.logistics
    return (
        logistics.fulfillment_type is FulfillmentType.BY_SELLER
        and logistics.shipping_type is ShippingType.SELLER
    )


@dataclass(frozen=True)
class _Outcome:
    """How an attempt ended, applied to the shipment in the transaction that records it."""

    state: ShipmentState
    provider: ShippingProvider | None = None
    packages: tuple[str, ...] = ()
    reason: str = ""
    code: str = ""

    def apply(self, shipment: SellerShipment, now: datetime) -> None:
        if self.provider is not None:
            shipment.resolved(self.provider.provider_id, self.provider.name)
        if self.state is ShipmentState.CONFIRMED:
            shipment.confirm(self.packages, now)
        elif self.state is ShipmentState.BLOCKED:
            shipment.block(self.reason, now)
        elif self.state is ShipmentState.FAILED:
            shipment.fail(self.code, self.reason, now)
        else:
            shipment.retry_later(now)


_RETRY = _Outcome(ShipmentState.PENDING)


class ShipmentSender(BackgroundDrain):
    failure_message = "shipment round failed"

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        tiktok: TikTokChannelApi,
        fulfillment: TikTokFulfillmentApi,
        resolver: CarrierResolver,
        *,
        wakeup: ShipmentWakeup | None = None,
        batch: int = 100,
    ) -> None:
        super().__init__(wakeup)
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._tiktok = tiktok
        self._fulfillment = fulfillment
        self._resolver = resolver
        self._batch = batch

    async def drain(self) -> int:
        """Sends due shipments (and due tracking changes) until none is left; returns how many
        were attempted. Each is attempted at most once per call."""
        attempted: set[tuple[ShopId, str]] = set()
        while True:
            self.begin_round()
            async with self._unit_of_work() as uow:
                due = await uow.shipments.due(self._clock.now(), limit=self._batch + len(attempted))
            fresh = [s for s in due if (s.shop_id, s.shipment_id) not in attempted]
            if not fresh:
                if self.woken_meanwhile:
                    continue
                return len(attempted)
            for shipment in fresh[: self._batch]:
                attempted.add((shipment.shop_id, shipment.shipment_id))
                try:
                    if shipment.state is ShipmentState.CONFIRMED:
                        await self.change_tracking(shipment.shop_id, shipment.shipment_id)
                    else:
                        await self.send(shipment.shop_id, shipment.shipment_id)
                except Exception:
                    log.exception("shipment attempt failed shipment_id=%s", shipment.shipment_id)

    # --- shipping ---------------------------------------------------------------------------

    async def send(self, shop_id: ShopId, shipment_id: str) -> SellerShipment | None:
        """One attempt at a due shipment; the shipment as it stands afterwards."""
        claimed = await self._claim(shop_id, shipment_id)
        if claimed is None:
            return await self._current(shop_id, shipment_id)
        try:
            outcome = await self._attempt(claimed)
        except PartnerRejected as error:
            outcome = _Outcome(ShipmentState.FAILED, reason=error.partner_message, code=error.code)
        except (PartnerError, ShopNotActive) as error:
            log.info("shipment retried later shipment_id=%s reason=%s", shipment_id, error.reason)
            outcome = _RETRY
        except NotFound as error:  # the order or shop went away meanwhile
            outcome = _Outcome(ShipmentState.FAILED, reason=str(error))
        return await self._finish(claimed, outcome)

    async def _attempt(self, shipment: SellerShipment) -> _Outcome:
        now = self._clock.now()
        async with self._unit_of_work() as uow:
            order = await uow.orders.get(shipment.shop_id, shipment.order_id)
            shop = await uow.shops.get(shipment.shop_id)
            credentials = await shop_credentials(uow, shop, now)
        if not seller_shipped(order):
            return _Outcome(
                ShipmentState.FAILED, reason="the order is not shipped by the seller with its own carrier"
            )
        detail: TikTokOrderData | None = None
        if shipment.attempts > 1:  # an earlier attempt may have gone through unheard
            detail = await self._order_detail(credentials, shipment)
            shipped = _shipped_with(detail.line_shipments, shipment, shipment.tracking_number)
            if shipped is not None:
                return _Outcome(ShipmentState.CONFIRMED, packages=shipped)
        delivery_option = order.logistics.delivery_option_id
        if not delivery_option and not shipment.explicit_provider:  # not synced yet: ask TikTok
            detail = detail or await self._order_detail(credentials, shipment)
            delivery_option = detail.logistics.delivery_option_id
        provider = await self._provider(shipment, delivery_option, credentials)
        if isinstance(provider, str):
            return _Outcome(ShipmentState.BLOCKED, reason=provider)
        try:
            if shop.region.value in MARK_AS_SHIPPED_MARKETS:
                answer = await self._fulfillment.mark_package_shipped(
                    credentials,
                    shipment.order_id,
                    shipment.line_item_ids,
                    shipment.tracking_number,
                    provider.provider_id,
                )
                packages: tuple[str, ...] = (answer.package_id,)
                if answer.warning:
                    log.info("TikTok warned on a tracking number shipment_id=%s", shipment.shipment_id)
            else:
                detail = detail or await self._order_detail(credentials, shipment)
                plan = _packages_for(detail.line_shipments, shipment)
                if plan is None:  # TikTok has not packed every line yet
                    return _RETRY
                if isinstance(plan, str):
                    return _Outcome(ShipmentState.BLOCKED, provider, reason=plan)
                for package_id in plan:
                    await self._ship_package(credentials, package_id, shipment, provider)
                packages = plan
        except PartnerRejected as error:
            # "Already shipped" (or no longer awaiting shipment): it counts as shipped when TikTok
            # shows the lines with this very tracking number.
            shipped = _shipped_with(
                (await self._order_detail(credentials, shipment)).line_shipments,
                shipment,
                shipment.tracking_number,
            )
            if shipped is None:
                message = error.partner_message
                if error.code in ALREADY_SHIPPED:
                    message = f"{message} (shipped on TikTok with another tracking number)"
                return _Outcome(ShipmentState.FAILED, provider, reason=message, code=error.code)
            packages = shipped
        return _Outcome(ShipmentState.CONFIRMED, provider, packages=packages)

    async def _ship_package(
        self,
        credentials: ShopCredentials,
        package_id: str,
        shipment: SellerShipment,
        provider: ShippingProvider,
    ) -> None:
        try:
            await self._fulfillment.ship_package(
                credentials,
                package_id,
                self_shipment=SelfShipment(shipment.tracking_number, provider.provider_id),
            )
        except PartnerRejected as error:
            if error.code not in ALREADY_SHIPPED:
                raise
            package = await self._fulfillment.package(credentials, package_id)
            if package.tracking_number.strip() != shipment.tracking_number:
                raise

    async def _provider(
        self, shipment: SellerShipment, delivery_option_id: str, credentials: ShopCredentials
    ) -> ShippingProvider | str:
        """The provider to send, or why there is none (the shipment is blocked)."""
        if shipment.explicit_provider:
            return ShippingProvider(shipment.provider_id, shipment.provider_name)
        resolution = await self._resolver.resolve(
            shipment.shop_id, credentials, delivery_option_id, shipment.carrier_name
        )
        if resolution.provider is None:
            return resolution.blocked_reason
        return resolution.provider

    async def _order_detail(self, credentials: ShopCredentials, shipment: SellerShipment) -> TikTokOrderData:
        [detail] = await self._tiktok.get_orders(credentials, [shipment.order_id])
        return detail

    # --- changing the tracking number ---------------------------------------------------------

    async def change_tracking(self, shop_id: ShopId, shipment_id: str) -> SellerShipment | None:
        """Sends a shipment's pending tracking change (Update Shipping Info, once per shipment)."""
        shipment = await self._current(shop_id, shipment_id)
        change = None if shipment is None else shipment.tracking_change
        if shipment is None or change is None or change.state is not TrackingUpdateState.PENDING:
            return shipment
        now = self._clock.now()
        async with self._unit_of_work() as uow:
            order = await uow.orders.get(shop_id, shipment.order_id)
            credentials = await shop_credentials(uow, await uow.shops.get(shop_id), now)
        if (
            change.carrier_name
            and change.carrier_name != shipment.carrier_name
            and not shipment.explicit_provider
        ):
            resolution = await self._resolver.resolve(
                shop_id, credentials, order.logistics.delivery_option_id, change.carrier_name
            )
            if resolution.provider is None:
                reason = resolution.blocked_reason
                return await self._record_change(
                    shipment, lambda s: s.tracking_change_refused("", reason, now)
                )
            provider_id = resolution.provider.provider_id
        else:
            provider_id = shipment.provider_id
        package_id = shipment.package_ids[0] if len(shipment.package_ids) == 1 else None
        try:
            await self._fulfillment.update_shipping_info(
                credentials, shipment.order_id, change.tracking_number, provider_id, package_id=package_id
            )
        except PartnerRejected as error:
            if package_id is not None:  # "updated already" after a lost answer: read it back
                package = await self._fulfillment.package(credentials, package_id)
                if package.tracking_number.strip() == change.tracking_number:
                    return await self._record_change(shipment, lambda s: s.tracking_changed(now))
            code, message = error.code, error.partner_message
            return await self._record_change(
                shipment, lambda s: s.tracking_change_refused(code, message, now)
            )
        except PartnerError as error:
            log.info("tracking change retried later shipment_id=%s reason=%s", shipment_id, error.reason)
            return await self._record_change(shipment, lambda s: s.tracking_change_later(now))
        return await self._record_change(shipment, lambda s: s.tracking_changed(now))

    async def _record_change(
        self, shipment: SellerShipment, change: Callable[[SellerShipment], None]
    ) -> SellerShipment | None:
        async with self._unit_of_work() as uow:
            current = await uow.shipments.find(shipment.shop_id, shipment.shipment_id)
            if current is None or current.tracking_change != shipment.tracking_change:
                return current  # changed meanwhile: the newer request stands
            change(current)
            await uow.shipments.update(current)
            await uow.commit()
        return current

    # --- records ----------------------------------------------------------------------------

    async def _claim(self, shop_id: ShopId, shipment_id: str) -> SellerShipment | None:
        try:
            async with self._unit_of_work() as uow:
                shipment = await uow.shipments.find(shop_id, shipment_id)
                if shipment is None or not shipment.due(self._clock.now()):
                    return None
                shipment.claim(self._clock.now(), SEND_LEASE)
                await uow.shipments.update(shipment)
                await uow.commit()
                return shipment
        except StaleWrite:
            return None  # another sender claimed it first

    async def _finish(self, claimed: SellerShipment, outcome: _Outcome) -> SellerShipment | None:
        async with self._unit_of_work() as uow:
            shipment = await uow.shipments.find(claimed.shop_id, claimed.shipment_id)
            if (
                shipment is None
                or shipment.state is not ShipmentState.SENT
                or shipment.attempts != claimed.attempts
            ):
                return shipment  # the lease ran out and another attempt took over
            try:
                outcome.apply(shipment, self._clock.now())
            except ShipmentStateInvalid:
                log.exception("shipment outcome not applicable shipment_id=%s", claimed.shipment_id)
                return shipment
            await uow.shipments.update(shipment)
            await uow.commit()
        log.info(
            "shipment attempt done shipment_id=%s state=%s code=%s",
            shipment.shipment_id,
            shipment.state.value,
            shipment.failure_code,
        )
        return shipment

    async def _current(self, shop_id: ShopId, shipment_id: str) -> SellerShipment | None:
        async with self._unit_of_work() as uow:
            return await uow.shipments.find(shop_id, shipment_id)


def _shipped_with(
    lines: Sequence[LineShipment], shipment: SellerShipment, tracking: str
) -> tuple[str, ...] | None:
    """The packages of the shipment's lines when TikTok shows every one of them shipped with
    ``tracking``; None otherwise."""
    wanted = set(shipment.line_item_ids)
    found = [line for line in lines if line.line_item_id in wanted]
    if len(found) != len(wanted):
        return None
    if not all(line.tracking_number.strip() == tracking for line in found):
        return None
    return tuple(dict.fromkeys(line.package_id for line in found if line.package_id))


def _packages_for(lines: Sequence[LineShipment], shipment: SellerShipment) -> tuple[str, ...] | str | None:
    """The packages holding exactly the shipment's lines (Ship Package ships whole packages), why
    they cannot be shipped as recorded, or None while TikTok shows no package for some line."""
    wanted = set(shipment.line_item_ids)
    by_line = {line.line_item_id: line.package_id for line in lines}
    missing = sorted(line for line in wanted if not by_line.get(line))
    if missing:
        return None
    packages = tuple(dict.fromkeys(by_line[line] for line in shipment.line_item_ids))
    extra = sorted(line for line, package in by_line.items() if package in packages and line not in wanted)
    if extra:
        return (
            f"TikTok packs these items with {len(extra)} other item(s) of the order; "
            "fulfil them together in SHOPLINE, or split the package on TikTok first"
        )
    return packages
