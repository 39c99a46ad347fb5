"""What TikTok's webhooks do (reference §5.2). Each is a hint: the order, cancellation or product
it names is read again through the API and goes through the same path as a poll (the order
intake, the product refresh), which ignores what is not newer than what is held. Log lines name
shops and orders by id only, never buyer data."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from domain.authorization import seller_deauthorized
from domain.errors import DomainError
from domain.ids import ChannelProductId, OrderId, TikTokShopId
from domain.ports import Clock, TikTokChannelApi, UnitOfWork
from domain.shop import Shop
from domain.webhooks import WebhookDelivery
from services.catalog.product_refresh import ProductRefresh
from services.orders.intake import OrderIntake
from services.orders.shopline_import import OrderImporter
from services.shared.stale_writes import retry_stale
from services.shops.management import find_tiktok_token
from services.shops.sessions import ShopSession, ShopSessions
from services.tasks.cancelling import cancel_unfinished_tasks
from services.tasks.jobs import RetryPolicy
from services.webhooks.payloads import TikTokEvent, text, unix_time

log = logging.getLogger("mcc.webhooks")


class TikTokEventReactions:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        tiktok: TikTokChannelApi,
        intake: OrderIntake,
        importer: OrderImporter,
        products: ProductRefresh,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._tiktok = tiktok
        self._intake = intake
        self._importer = importer
        self._products = products
        self._sessions = ShopSessions(unit_of_work, clock, RetryPolicy())

    # --- orders (1, 3) and cancellations (11) -----------------------------------------------

    async def order_changed(self, delivery: WebhookDelivery) -> None:
        order_id = OrderId(text(TikTokEvent.parse(delivery.body).data, "order_id"))
        session = await self._session(delivery)
        if session is not None:
            await self._refresh_order(session, order_id)

    async def recipient_changed(self, delivery: WebhookDelivery) -> None:
        """Type 3: the order is read again (its new address), then its SHOPLINE order takes the
        address unless something of it has shipped already."""
        order_id = OrderId(text(TikTokEvent.parse(delivery.body).data, "order_id"))
        session = await self._session(delivery)
        if session is None:
            return
        await self._refresh_order(session, order_id)
        async with self._unit_of_work() as uow:
            order = await uow.orders.find(session.shop_id, order_id)
        if order is not None:
            await self._importer.follow_recipient_address(order)

    async def cancellation_changed(self, delivery: WebhookDelivery) -> None:
        """The order is read again (a completed cancellation releases its stock), then a pending
        buyer request is recorded on it, read from TikTok rather than taken from the payload."""
        order_id = OrderId(text(TikTokEvent.parse(delivery.body).data, "order_id"))
        session = await self._session(delivery)
        if session is None:
            return
        await self._refresh_order(session, order_id)
        requests = await self._tiktok.order_cancellations(session.credentials, order_id)
        pending = [request for request in requests if request.pending_buyer_request]
        if pending:
            await self._intake.take_cancellation_requests(session.intake, pending)

    async def _refresh_order(self, session: ShopSession, order_id: OrderId) -> None:
        details = await self._tiktok.get_orders(session.credentials, [order_id])
        if not details:
            log.info("webhook order not found on TikTok shop_id=%s order_id=%s", session.shop_id, order_id)
            return
        report = await self._intake.take(session.intake, details)
        for item, reason in report.errors + report.import_errors:
            log.warning("webhook order intake %s: %s", item, reason)
        async with self._unit_of_work() as uow:
            order = await uow.orders.find(session.shop_id, order_id)
        if order is not None and order.shopline_cancel_pending:
            try:
                await self._importer.cancel_in_shopline(order)
            except DomainError as error:  # the order sync retries every pending SHOPLINE cancel
                log.warning("webhook SHOPLINE cancel deferred order_id=%s: %s", order_id, error.message)

    # --- products (5, 15, 16) ---------------------------------------------------------------

    async def product_changed(self, delivery: WebhookDelivery) -> None:
        product_id = ChannelProductId(text(TikTokEvent.parse(delivery.body).data, "product_id"))
        shop = await self._shop(delivery)
        if shop is None:
            return
        if await self._products.refresh_product(shop.id, product_id) is None:
            log.info("webhook product ignored: shop_id=%s is %s", shop.id, shop.status.value)

    # --- authorization (6, 7) ---------------------------------------------------------------

    async def seller_deauthorized(self, delivery: WebhookDelivery) -> None:
        """The shop becomes DEAUTHORIZED, its grant is void and its unfinished tasks are
        cancelled; a re-authorization brings it back ACTIVE with all its data. A deauthorization
        sent before the latest authorization is stale and changes nothing."""
        event = TikTokEvent.parse(delivery.body)
        now = self._clock.now()

        async def write() -> None:
            async with self._unit_of_work() as uow:
                shop = await self._find_shop(uow, delivery)
                if shop is None or _sent_before_authorization(event.sent_at, shop):
                    return
                token = await find_tiktok_token(uow, shop.id)
                seller_deauthorized(token, shop, now)
                if token is not None:
                    await uow.tokens.save_tiktok(token)
                await uow.shops.update(shop)
                await cancel_unfinished_tasks(uow, shop.app_id, now, shop.id)
                await uow.commit()
                log.info("shop deauthorized by the seller shop_id=%s", shop.id)

        await retry_stale(write)

    async def authorization_expiring(self, delivery: WebhookDelivery) -> None:
        """TikTok warns that the grant ends at ``expiration_time``: the shop then shows
        ``expiring_soon`` until the seller re-authorizes."""
        event = TikTokEvent.parse(delivery.body)
        ends_at = unix_time(event.data, "expiration_time")

        async def write() -> None:
            async with self._unit_of_work() as uow:
                shop = await self._find_shop(uow, delivery)
                if shop is None or _sent_before_authorization(event.sent_at, shop):
                    return
                token = await find_tiktok_token(uow, shop.id)
                if token is None or not token.grant_ends_by(ends_at):
                    return
                await uow.tokens.save_tiktok(token)
                await uow.commit()

        await retry_stale(write)

    # --- helpers ----------------------------------------------------------------------------

    async def _shop(self, delivery: WebhookDelivery) -> Shop | None:
        async with self._unit_of_work() as uow:
            return await self._find_shop(uow, delivery)

    @staticmethod
    async def _find_shop(uow: UnitOfWork, delivery: WebhookDelivery) -> Shop | None:
        shop = (
            await uow.shops.find_by_tiktok_shop_id(TikTokShopId(delivery.account))
            if delivery.account
            else None
        )
        if shop is None:
            log.info("webhook dropped: unknown shop topic=%s key=%s", delivery.topic, delivery.delivery_key)
        return shop

    async def _session(self, delivery: WebhookDelivery) -> ShopSession | None:
        shop = await self._shop(delivery)
        if shop is None:
            return None
        session = await self._sessions.open(shop.id)
        if isinstance(session, str):
            log.info("webhook dropped shop_id=%s topic=%s: %s", shop.id, delivery.topic, session)
            return None
        return session


def _sent_before_authorization(sent_at: datetime, shop: Shop) -> bool:
    """TikTok stamps events in whole seconds; an event from before the shop's latest
    (re-)authorization speaks of a grant that was replaced since."""
    latest = shop.reauthorized_at or shop.authorized_at
    return sent_at < latest.replace(microsecond=0)
