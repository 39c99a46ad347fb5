"""Seller shipping, SHOPLINE → TikTok: a fulfillment of an imported order (its webhook, or the
poll seeing it) or an operator's ``ShipOrder`` becomes a shipment record, which the sender ships.

Only orders the seller ships with its own carrier (``BY_SELLER`` + ``SELLER``) are shipped;
others are left alone with a log line. A fulfillment this service created itself (from TikTok's
shipping) is an echo and is skipped. Recording is idempotent: per SHOPLINE fulfillment, and per
(order, line items, tracking number).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from domain.app import App
from domain.channel import TIKTOK
from domain.errors import (
    InvalidArgument,
    OrderNotFound,
    OrderNotSellerShipped,
    PartnerError,
    ShipmentLinesUnavailable,
    ShipmentRefused,
    ShippingInfoUpdateRefused,
    ShopNotActive,
)
from domain.fulfillment import SellerShipment, ShipmentKey, ShipmentSource, ShipmentState
from domain.fulfillment.carriers import CARRIER_NAME_MAX
from domain.ids import AppId, OrderId, ShopId
from domain.logistics import ShoplineFulfillment, TrackingInfo
from domain.order import Order
from domain.ports import Clock, IdGenerator, ShoplineFulfillmentApi, UnitOfWork
from services.fulfillment.access import shop_of_app, store_credentials
from services.fulfillment.lines import taken_line_items, tiktok_line_items
from services.fulfillment.sender import ShipmentSender, seller_shipped
from services.shared.requests import ClientRequest
from services.shared.stale_writes import retry_stale

log = logging.getLogger("mcc.fulfillment")

SHIP_ORDER = "ShipOrder"
TRACKING_NUMBER_MAX = 64


class SellerShipping:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        ids: IdGenerator,
        store: ShoplineFulfillmentApi,
        sender: ShipmentSender,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._ids = ids
        self._store = store
        self._sender = sender

    # --- from SHOPLINE --------------------------------------------------------------------------

    async def fulfillment_seen(self, app: App, fulfillment: ShoplineFulfillment) -> list[SellerShipment]:
        """``fulfillments/create`` (and the poll): the fulfillment's shipments, recorded once."""
        fulfillment_id = fulfillment.fulfillment_id
        if fulfillment.status == "cancelled":
            log.info("cancelled fulfillment not shipped fulfillment_id=%s", fulfillment_id)
            return []
        async with self._unit_of_work() as uow:
            if await uow.own_shopline_fulfillments.created_by_us(app.id, fulfillment_id):
                log.debug("own fulfillment echo ignored fulfillment_id=%s", fulfillment_id)
                return []
            existing = await uow.shipments.for_fulfillment(app.id, fulfillment_id)
            if existing:
                return existing
            found = await uow.shipments.imported_order(app.id, fulfillment.order_id)
            order = None if found is None else await uow.orders.find(*found)
        if order is None:
            log.debug("fulfillment of a store order not imported here fulfillment_id=%s", fulfillment_id)
            return []
        if not seller_shipped(order):
            log.info(
                "fulfillment ignored: order not shipped by the seller order_id=%s fulfillment=%s shipping=%s",
                order.id,
                order.logistics.fulfillment_type.value,
                None if order.logistics.shipping_type is None else order.logistics.shipping_type.value,
            )
            return []
        if not fulfillment.tracking:
            log.info("fulfillment without a tracking number waits fulfillment_id=%s", fulfillment_id)
            return []
        if len(fulfillment.tracking) > 1:
            log.info(
                "fulfillment with several tracking numbers ships the first fulfillment_id=%s", fulfillment_id
            )
        async with self._unit_of_work() as uow:
            credentials = await store_credentials(uow, app)
        store_lines = await self._store.order_line_items(credentials, fulfillment.order_id)

        async def record() -> SellerShipment:
            async with self._unit_of_work() as uow:
                current = await uow.orders.get(order.shop_id, order.id)
                shipments = await uow.shipments.for_order(order.shop_id, order.id)
                links = await uow.channel_products.sku_links(
                    order.shop_id, [line.sku_id for line in current.lines]
                )
                lines = tiktok_line_items(
                    current, fulfillment.lines, store_lines, links, taken_line_items(current, shipments)
                )
                shipment = await self._record(
                    uow,
                    current,
                    lines,
                    fulfillment.tracking[0],
                    ShipmentSource.SHOPLINE_FULFILLMENT,
                    fulfillment_id,
                )
                await uow.commit()
                return shipment

        try:
            return [await retry_stale(record)]
        except ShipmentLinesUnavailable as error:
            log.warning(
                "fulfillment not shipped order_id=%s fulfillment_id=%s why=%s",
                order.id,
                fulfillment_id,
                error,
            )
            return []

    async def fulfillment_updated(self, app: App, fulfillment: ShoplineFulfillment) -> list[SellerShipment]:
        """``fulfillments/update``: a new tracking number goes to TikTok within its limits (once,
        72 hours; a refusal is kept on the shipment), or replaces one TikTok has not taken yet
        (waiting, blocked, refused). A fulfillment not shipped yet is shipped."""
        async with self._unit_of_work() as uow:
            shipments = await uow.shipments.for_fulfillment(app.id, fulfillment.fulfillment_id)
        if not shipments:
            return await self.fulfillment_seen(app, fulfillment)
        if fulfillment.status == "cancelled" or not fulfillment.tracking:
            log.info(
                "fulfillment change without a tracking number not sent fulfillment_id=%s",
                fulfillment.fulfillment_id,
            )
            return shipments
        tracking = fulfillment.tracking[0]
        changed = []
        for shipment in shipments:
            if shipment.state is ShipmentState.REPLACED:
                continue
            updated = await self._request_change(shipment, tracking)
            if updated is not None:
                changed.append(updated)
        return changed or shipments

    async def _request_change(
        self, shipment: SellerShipment, tracking: TrackingInfo
    ) -> SellerShipment | None:
        if shipment.state in (ShipmentState.PENDING, ShipmentState.BLOCKED, ShipmentState.FAILED):
            return await self._supersede(shipment, tracking)
        if shipment.state is not ShipmentState.CONFIRMED:
            log.info(
                "tracking change of a shipment not confirmed yet kept as is shipment_id=%s state=%s",
                shipment.shipment_id,
                shipment.state.value,
            )
            return None
        now = self._clock.now()
        async with self._unit_of_work() as uow:
            current = await uow.shipments.find(shipment.shop_id, shipment.shipment_id)
            if current is None:
                return None
            try:
                due = current.request_tracking_change(
                    tracking.tracking_number, tracking.tracking_company, now
                )
            except ShippingInfoUpdateRefused as error:
                current.refuse_tracking_change(
                    tracking.tracking_number, tracking.tracking_company, error.description, now
                )
                due = False
            await uow.shipments.update(current)
            await uow.commit()
        if not due:
            return current
        try:
            return await self._sender.change_tracking(current.shop_id, current.shipment_id)
        except (PartnerError, ShopNotActive) as error:  # kept pending: the sender's sweep sends it
            log.info("tracking change waits shipment_id=%s reason=%s", current.shipment_id, error.reason)
            return current

    async def _supersede(self, shipment: SellerShipment, tracking: TrackingInfo) -> SellerShipment | None:
        """TikTok has not taken the old tracking number (waiting, blocked or refused): the same
        lines ship with the new one instead."""
        if tracking.tracking_number.strip() == shipment.tracking_number:
            return None

        async def write() -> SellerShipment | None:
            async with self._unit_of_work() as uow:
                current = await uow.shipments.find(shipment.shop_id, shipment.shipment_id)
                order = await uow.orders.find(shipment.shop_id, shipment.order_id)
                if current is None or order is None or current.state is not shipment.state:
                    return None  # it moved on meanwhile; the next update sees it as it is
                current.supersede(self._clock.now())
                await uow.shipments.update(current)
                successor = await self._record(
                    uow,
                    order,
                    current.line_item_ids,
                    tracking,
                    current.source,
                    current.shopline_fulfillment_id,
                    current.provider_id if current.explicit_provider else "",
                )
                await uow.commit()
                return successor

        return await retry_stale(write)

    # --- from operators -----------------------------------------------------------------------

    async def ship_manually(
        self,
        app_id: AppId,
        shop_id: ShopId,
        order_id: OrderId,
        *,
        tracking_number: str,
        carrier_name: str = "",
        provider_id: str = "",
        line_item_ids: Sequence[str] = (),
        request_id: str | None = None,
    ) -> SellerShipment:
        """``ShipOrder``: the given (or every unshipped) line item ships with the tracking number,
        through the same records as SHOPLINE's fulfillments; TikTok's refusal is raised."""
        tracking_number = _tracking(tracking_number)
        if len(carrier_name) > CARRIER_NAME_MAX:
            raise InvalidArgument("carrier_name", f"must be at most {CARRIER_NAME_MAX} characters")
        if not carrier_name.strip() and not provider_id.strip():
            raise InvalidArgument("carrier_name", "a carrier name or a shipping provider id is required")
        name = f"apps/{app_id}/shops/{shop_id}/orders/{order_id}"
        request = ClientRequest(
            app_id, request_id, SHIP_ORDER, f"shops/{shop_id}/orders/{order_id}", tracking_number
        )

        async def record() -> tuple[SellerShipment, bool]:
            async with self._unit_of_work() as uow:
                await shop_of_app(uow, app_id, shop_id)
                order = await uow.orders.find(shop_id, order_id)
                if order is None:
                    raise OrderNotFound(name)
                if not seller_shipped(order):
                    raise OrderNotSellerShipped(
                        name, "only orders the seller ships with its own carrier ship here"
                    )
                replayed = await request.replayed(uow)
                if replayed is not None:  # this very call was made: answer its shipment as it is now
                    done = await uow.shipments.find(shop_id, replayed.result or "")
                    if done is None:
                        raise ShipmentLinesUnavailable(name, "the shipment of this request is gone")
                    return done, False
                shipments = await uow.shipments.for_order(shop_id, order_id)
                taken = taken_line_items(order, shipments)
                lines = _chosen_lines(order, line_item_ids, taken, name)
                existing = await uow.shipments.find_by_key(
                    ShipmentKey.of(shop_id, order_id, lines, tracking_number)
                )
                if existing is not None:
                    if existing.state is not ShipmentState.FAILED:
                        return existing, False  # the same lines with the same tracking number
                    existing.retry_failed(self._clock.now(), provider_id.strip(), carrier_name)
                    await uow.shipments.update(existing)
                    await request.record(uow, self._clock.now(), existing.shipment_id)
                    await uow.commit()
                    return existing, True
                busy = sorted(set(lines) & taken)
                if busy:
                    raise ShipmentLinesUnavailable(name, f"line item {busy[0]} is shipped or being shipped")
                tracking = TrackingInfo(carrier_name.strip(), tracking_number)
                shipment = await self._record(
                    uow, order, lines, tracking, ShipmentSource.OPERATOR, "", provider_id.strip()
                )
                await request.record(uow, self._clock.now(), shipment.shipment_id)
                await uow.commit()
                return shipment, True

        shipment, send = await retry_stale(record)
        if send or shipment.due(self._clock.now()):
            shipment = await self._sender.send(shop_id, shipment.shipment_id) or shipment
        if shipment.state is ShipmentState.FAILED and shipment.failure_code:
            raise ShipmentRefused(TIKTOK, shipment.failure_code, shipment.failure_message)
        return shipment

    async def order_of(self, shipment: SellerShipment) -> Order:
        async with self._unit_of_work() as uow:
            return await uow.orders.get(shipment.shop_id, shipment.order_id)

    # --- records ------------------------------------------------------------------------------

    async def _record(
        self,
        uow: UnitOfWork,
        order: Order,
        lines: Sequence[str],
        tracking: TrackingInfo,
        source: ShipmentSource,
        fulfillment_id: str,
        provider_id: str = "",
    ) -> SellerShipment:
        key = ShipmentKey.of(order.shop_id, order.id, lines, tracking.tracking_number)
        existing = await uow.shipments.find_by_key(key)
        if existing is not None:
            return existing
        shipment = SellerShipment.record(
            self._ids.new_id(),
            order.app_id,
            key,
            tracking.tracking_company,
            source,
            self._clock.now(),
            shopline_fulfillment_id=fulfillment_id,
            provider_id=provider_id,
        )
        await uow.shipments.add(shipment)
        log.info(
            "shipment recorded shipment_id=%s order_id=%s lines=%d source=%s",
            shipment.shipment_id,
            order.id,
            len(key.line_item_ids),
            source.value,
        )
        return shipment


def _tracking(value: str) -> str:
    tracking = value.strip()
    if not tracking:
        raise InvalidArgument("tracking_number", "is required")
    if len(tracking) > TRACKING_NUMBER_MAX:
        raise InvalidArgument("tracking_number", f"must be at most {TRACKING_NUMBER_MAX} characters")
    if not tracking.isascii() or not tracking.isalnum():
        raise InvalidArgument("tracking_number", "may hold only letters and digits (TikTok's rule)")
    return tracking


def _chosen_lines(order: Order, wanted: Sequence[str], taken: set[str], name: str) -> tuple[str, ...]:
    known = [unit for line in order.lines for unit in line.line_item_ids]
    if not wanted:
        free = tuple(unit for unit in known if unit not in taken)
        if not free:
            raise ShipmentLinesUnavailable(name, "every line item of the order is shipped or being shipped")
        return free
    unknown = sorted(set(wanted) - set(known))
    if unknown:
        raise InvalidArgument("line_item_ids", f"{unknown[0]} is not a line item of the order")
    return tuple(dict.fromkeys(wanted))
