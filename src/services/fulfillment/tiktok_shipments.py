"""TikTok's shipments → SHOPLINE fulfillments, for orders whose tracking TikTok issues (TikTok
shipping, fulfilled by TikTok): fulfillment-and-webhooks.md M1.

The order says which packages are owed (``Order.shipments_owed_to_shopline``, kept by the order
intake whenever TikTok's facts change), so the work is durable: the owing orders are found again
after a restart, by the periodic sweep as well as by the wake-up after each commit. One mirror at
a time works on an order (a claim on the order, like the import's). Per package: TikTok's package
is read (its tracking and carrier are the truth), the SHOPLINE order's lines are matched to the
package's units, and SHOPLINE is asked first whether a fulfillment with that tracking number
exists (a lost reply of an earlier attempt, or the merchant's own entry) before one is created.
SHOPLINE's API has no call to move a fulfillment's shipment status, so delivery is not mirrored.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from domain.channel import ShopCredentials, ShoplineCredentials
from domain.errors import (
    AppNotFound,
    ConcurrencyConflict,
    OrderNotFound,
    PartnerRejected,
    PartnerUnavailable,
    PreconditionFailed,
    ShopNotFound,
    TokenNotFound,
)
from domain.events import ShoplineFulfillmentsOwed
from domain.ids import OrderId, ShopId, ShoplineOrderId
from domain.logistics import NewFulfillment, ShoplineFulfillment, TrackingInfo
from domain.order import Order
from domain.order.tiktok_shipments import TikTokShipment, fulfillment_lines, package_under_way
from domain.ports import Clock, ShoplineFulfillmentApi, TikTokFulfillmentApi, UnitOfWork
from services.orders.shopline_import import linked_variants
from services.shared.concurrency import BackgroundDrain, Wakeup
from services.shared.stale_writes import retry_stale
from services.shops.sessions import ShopSessions
from services.tasks.jobs import RetryPolicy

log = logging.getLogger("mcc.fulfillment")

CLAIM_FOR = timedelta(minutes=5)
"""Longer than reading the packages and creating their fulfillments can take with retries."""
OTHER_CARRIER = "Other"
"""SHOPLINE's catch-all tracking company; its enumeration of carriers is not public."""


class ShipmentMirrorWakeup(Wakeup):
    """Wakes the mirror after a committed order change owes SHOPLINE fulfillments."""

    async def orders_changed(self, events: Sequence[ShoplineFulfillmentsOwed]) -> None:
        if events:
            self.wake()


@dataclass(frozen=True)
class _Claimed:
    order: Order
    tiktok: ShopCredentials
    shopline: ShoplineCredentials
    shopline_order_id: ShoplineOrderId


class TikTokShipmentMirror(BackgroundDrain):
    failure_message = "TikTok shipment mirror failed"

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        tiktok: TikTokFulfillmentApi,
        shopline: ShoplineFulfillmentApi,
        *,
        wakeup: ShipmentMirrorWakeup | None = None,
        batch: int = 100,
        concurrency: int = 4,
    ) -> None:
        super().__init__(wakeup)
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._tiktok = tiktok
        self._shopline = shopline
        self._sessions = ShopSessions(unit_of_work, clock, RetryPolicy())
        self._batch = batch
        self._slots = asyncio.Semaphore(concurrency)

    async def drain(self) -> int:
        """Mirrors every owing order once per drain (a failure waits for the next sweep)."""
        attempted: set[tuple[ShopId, OrderId]] = set()
        while True:
            self.begin_round()
            async with self._unit_of_work() as uow:
                owing = await uow.orders.owing_shopline_fulfillments(limit=self._batch + len(attempted))
            fresh = [o for o in owing if (o.shop_id, o.id) not in attempted][: self._batch]
            if not fresh:
                if self.woken_meanwhile:
                    continue
                return len(attempted)
            attempted.update((o.shop_id, o.id) for o in fresh)
            await asyncio.gather(*(self._in_slot(o.shop_id, o.id) for o in fresh))

    async def _in_slot(self, shop_id: ShopId, order_id: OrderId) -> None:
        async with self._slots:
            try:
                await self.mirror(shop_id, order_id)
            except PartnerUnavailable as error:
                log.info("SHOPLINE fulfillment deferred order_id=%s: %s", order_id, error.code)

    async def mirror(self, shop_id: ShopId, order_id: OrderId) -> int:
        """Creates the order's owed SHOPLINE fulfillments; returns how many packages were mirrored.

        A partner that stays unavailable leaves the rest owed (raised after releasing the claim);
        a refusal is recorded on the order and waits for TikTok's next change of it."""
        claimed = await self._claim(shop_id, order_id)
        if claimed is None:
            return 0
        mirrored = 0
        try:
            existing = await self._shopline.fulfillments(claimed.shopline, claimed.shopline_order_id)
            for shipment in claimed.order.shipments_owed_to_shopline:
                fulfillment_id = await self._mirror_one(claimed, shipment, existing)
                if fulfillment_id is not None:
                    await self._record(shop_id, order_id, shipment.package_id, fulfillment_id)
                    mirrored += 1
        except (PartnerRejected, PreconditionFailed) as error:
            reason = error.message
            log.warning("SHOPLINE fulfillment refused order_id=%s: %s", order_id, reason)
            await self._change(shop_id, order_id, lambda order: order.mirror_refused(reason))
            return mirrored
        except BaseException:
            await self._change(shop_id, order_id, Order.release_mirror)
            raise
        await self._change(shop_id, order_id, Order.release_mirror)
        return mirrored

    async def _mirror_one(
        self, claimed: _Claimed, shipment: TikTokShipment, existing: list[ShoplineFulfillment]
    ) -> str | None:
        """The SHOPLINE fulfillment id for the package, created if needed; None while TikTok's
        package is not under way after all (the order's snapshot ran ahead of the package)."""
        package = await self._tiktok.package(claimed.tiktok, shipment.package_id)
        if not package.tracking_number or not package_under_way(package.status, claimed.order.logistics):
            return None
        for fulfillment in existing:
            numbers = {info.tracking_number for info in fulfillment.tracking}
            if fulfillment.status != "cancelled" and package.tracking_number in numbers:
                return fulfillment.fulfillment_id
        shipment = TikTokShipment(
            shipment.package_id,
            package.tracking_number,
            package.shipping_provider_name or shipment.shipping_provider_name,
            package.line_item_ids or shipment.line_item_ids,
        )
        shopline_lines = await self._shopline.order_line_items(claimed.shopline, claimed.shopline_order_id)
        async with self._unit_of_work() as uow:
            linked = await linked_variants(
                uow, claimed.order.shop_id, {line.product_id for line in claimed.order.lines}
            )
        lines = fulfillment_lines(shipment, claimed.order.lines, shopline_lines, linked)
        tracking = TrackingInfo(tracking_company(shipment.shipping_provider_name), shipment.tracking_number)
        created = await self._shopline.create_fulfillment(
            claimed.shopline, claimed.shopline_order_id, NewFulfillment(lines, (tracking,))
        )
        existing.append(created)
        log.info(
            "SHOPLINE fulfillment created order_id=%s package_id=%s fulfillment_id=%s",
            claimed.order.id,
            shipment.package_id,
            created.fulfillment_id,
        )
        return created.fulfillment_id

    # --- the order's side -------------------------------------------------------------------

    async def _claim(self, shop_id: ShopId, order_id: OrderId) -> _Claimed | None:
        session = await self._sessions.open(shop_id)
        if isinstance(session, str):
            log.info("TikTok shipments not mirrored shop_id=%s: %s", shop_id, session)
            return None
        try:
            async with self._unit_of_work() as uow:
                order = await uow.orders.get(shop_id, order_id)
                shopline_order_id = order.import_status.shopline_order_id
                if not order.shipments_owed_to_shopline or shopline_order_id is None:
                    return None
                app = await uow.apps.get(order.app_id)
                token = await uow.tokens.get_shopline(order.app_id)
                now = self._clock.now()
                if not order.claim_mirror(now, now + CLAIM_FOR):
                    return None
                await uow.orders.update(order)
                await uow.commit()
        except (OrderNotFound, ShopNotFound, AppNotFound, TokenNotFound, ConcurrencyConflict):
            return None  # gone, or another mirror claimed it first
        credentials = ShoplineCredentials(app.store_handle, token.access_token)
        return _Claimed(order, session.credentials, credentials, shopline_order_id)

    async def _record(self, shop_id: ShopId, order_id: OrderId, package_id: str, fulfillment_id: str) -> None:
        """With the order, the fulfillment is noted as ours: its webhooks are echoes that the
        seller shipping must not send back to TikTok."""

        async def write() -> None:
            async with self._unit_of_work() as uow:
                order = await uow.orders.find(shop_id, order_id)
                shopline_order_id = None if order is None else order.import_status.shopline_order_id
                if order is None or shopline_order_id is None:
                    return
                order.record_mirrored(package_id, fulfillment_id)
                await uow.orders.update(order)
                await uow.own_shopline_fulfillments.record(
                    order.app_id, shopline_order_id, fulfillment_id, self._clock.now()
                )
                await uow.commit()

        await retry_stale(write)

    async def _change(self, shop_id: ShopId, order_id: OrderId, change: Callable[[Order], None]) -> None:
        async def write() -> None:
            async with self._unit_of_work() as uow:
                order = await uow.orders.find(shop_id, order_id)
                if order is None:
                    return
                change(order)
                await uow.orders.update(order)
                await uow.commit()

        await retry_stale(write)


def tracking_company(provider_name: str) -> str:
    """SHOPLINE's name for TikTok's carrier where they are known to agree, else ``Other``."""
    folded = "".join(ch for ch in provider_name.casefold() if ch.isalnum())
    return _SHOPLINE_CARRIERS.get(folded, OTHER_CARRIER)


# The SHOPLINE tracking companies seen in its documentation (fulfillment-and-webhooks.md S3), by
# their folded names; its full enumeration is not public, and a name outside it may be refused.
_SHOPLINE_CARRIERS = {
    "sf": "SF",
    "sfexpress": "SF",
    "sfinternational": "SF International",
    "4px": "4PX",
}
