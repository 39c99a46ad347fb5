"""A merchant's cancel of an imported order in SHOPLINE, carried to TikTok.

TikTok owns the order (reference fulfillment M1): the SHOPLINE cancel becomes a seller cancel on
TikTok (or the approval of the buyer's pending request) when TikTok's rules allow it in the shop's
market; otherwise the order shows why it could not be. The decision is written before TikTok is
asked (PENDING), so a lost answer leaves the cancellation owed and the next attempt asks again:
the adapter counts an order found cancelled on TikTok as done, so TikTok never sees two.

Stock comes back once, through SHOPLINE: the imported order's units were committed with SHOPLINE's
decrement, the merchant's cancel restocks them there, and the on-hand change reaches the pools as
any other. When TikTok then reports the order CANCELLED, nothing is sent back to SHOPLINE. The
``orders/cancelled`` that follows this service's own SHOPLINE cancel (after a cancellation on
TikTok) finds the order cancelled already and does nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from domain.channel import ShopCredentials
from domain.errors import DomainError, PartnerRejected, ShopNotActive, TokenNotFound
from domain.ids import AppId, ShopId, ShoplineOrderId
from domain.order import CancellationState, ImportKey, Order, OrderFilter
from domain.ports import Clock, TikTokChannelApi, UnitOfWork
from domain.resource_names import order_name
from domain.shop import Shop, ShopStatus
from services.shared.stale_writes import retry_stale

log = logging.getLogger("mcc.orders")

CANCELLED_IN_SHOPLINE = "Cancelled by the merchant in SHOPLINE"


@dataclass(frozen=True)
class StoreOrderCancelled:
    """SHOPLINE reported one of the store's orders cancelled (a webhook or the store order poll)."""

    app_id: AppId
    shopline_order_id: ShoplineOrderId
    channel_markers: tuple[str, ...]
    """Texts of the SHOPLINE order that may carry our channel marker (its name, note attributes)."""

    @property
    def import_key(self) -> ImportKey | None:
        for marker in self.channel_markers:
            key = ImportKey.from_marker(marker)
            if key is not None:
                return key
        return None


@dataclass(frozen=True)
class _Decision:
    order: Order
    shop: Shop
    ask_tiktok: bool


class ShoplineCancellations:
    def __init__(
        self, unit_of_work: Callable[[], UnitOfWork], clock: Clock, tiktok: TikTokChannelApi
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._tiktok = tiktok

    async def store_order_cancelled(self, event: StoreOrderCancelled) -> Order | None:
        """Carries the cancel to TikTok; returns the order, or None when the SHOPLINE order is not
        one this app imported. ``PartnerUnavailable`` (and an inactive shop) leave the cancellation
        PENDING and propagate, so the caller tries again later."""
        key = event.import_key
        if key is None:
            return None
        decision = await retry_stale(lambda: self._decide(event, key))
        if decision is None or not decision.ask_tiktok:
            return None if decision is None else decision.order
        return await self._cancel_on_tiktok(decision)

    async def carry_owed(self, app_id: AppId, shop_id: ShopId, page_size: int) -> list[tuple[str, str]]:
        """Asks TikTok again for every cancel of the shop still owed (its webhook's retries ran
        out while TikTok or the shop was unavailable); returns (order name, error) of those that
        are still owed."""
        errors: list[tuple[str, str]] = []
        owed = OrderFilter(app_id, shop_id, tiktok_cancel_owed=True)
        after: str | None = None
        while True:
            async with self._unit_of_work() as uow:
                shop = await uow.shops.get(shop_id)
                page = await uow.orders.search(owed, page_size=page_size, after=after)
            for order in page.items:
                try:
                    await self._cancel_on_tiktok(_Decision(order, shop, ask_tiktok=True))
                except DomainError as error:
                    errors.append(
                        (order_name(app_id, shop_id, order.id), f"TikTok cancel failed: {error.message}")
                    )
            after = page.next_cursor
            if after is None:
                return errors

    async def _decide(self, event: StoreOrderCancelled, key: ImportKey) -> _Decision | None:
        async with self._unit_of_work() as uow:
            shop = await uow.shops.find_by_tiktok_shop_id(key.tiktok_shop_id)
            if shop is None or shop.app_id != event.app_id:
                return None
            order = await uow.orders.find(shop.id, key.order_id)
            if order is None or order.import_status.shopline_order_id != event.shopline_order_id:
                return None
            before = order.shopline_cancellation
            ask = order.cancelled_in_shopline(self._clock.now(), shop.region.value)
            if order.shopline_cancellation != before:
                await uow.orders.update(order)
                await uow.commit()
                log.info(
                    "SHOPLINE cancel of imported order order_id=%s: %s",
                    order.id,
                    order.shopline_cancellation.state.value,
                )
        return _Decision(order, shop, ask)

    async def _cancel_on_tiktok(self, decision: _Decision) -> Order:
        order = decision.order
        credentials = await self._credentials(decision.shop)
        pending_request = order.cancellation
        try:
            if pending_request.state is CancellationState.REQUESTED and pending_request.cancel_id:
                await self._tiktok.approve_cancellation(credentials, pending_request.cancel_id)
                cancel_id = pending_request.cancel_id
            else:
                cancel_id = await self._tiktok.cancel_order(credentials, order.id, "")
        except PartnerRejected as refusal:
            log.info("TikTok refused the cancel of order_id=%s code=%s", order.id, refusal.code)
            code, message = refusal.code, refusal.message
            now = self._clock.now()
            return await self._record(
                order, lambda current: current.tiktok_refused_shopline_cancel(code, message, now)
            )
        return await self._record(
            order,
            lambda current: current.cancelled_on_tiktok_from_shopline(
                cancel_id, CANCELLED_IN_SHOPLINE, self._clock.now()
            ),
        )

    async def _credentials(self, shop: Shop) -> ShopCredentials:
        async with self._unit_of_work() as uow:
            try:
                token = await uow.tokens.get_tiktok(shop.id)
            except TokenNotFound:
                token = None
        if (
            token is None
            or shop.status is not ShopStatus.ACTIVE
            or token.needs_reauthorization(self._clock.now())
        ):
            raise ShopNotActive(
                f"apps/{shop.app_id}/shops/{shop.id}",
                "the shop needs to be re-authorized before TikTok can be asked",
            )
        return ShopCredentials(shop.cipher, token.access_token)

    async def _record(self, order: Order, change: Callable[[Order], None]) -> Order:
        async def write() -> Order:
            async with self._unit_of_work() as uow:
                current = await uow.orders.get(order.shop_id, order.id)
                change(current)
                await uow.orders.update(current)
                await uow.commit()
                return current

        return await retry_stale(write)
