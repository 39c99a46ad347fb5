"""TikTok webhook 12 ``RETURN_STATUS_CHANGE``: a hint. The return is read again through Search
Returns and recorded through the return intake; a refund TikTok made goes on to SHOPLINE.

An order TikTok reports a return for but that is not held yet is read first, through the order
intake, so the refund knows whether the order is in SHOPLINE."""

from __future__ import annotations

import logging
from collections.abc import Callable

from domain.ids import OrderId, TikTokShopId
from domain.ports import Clock, TikTokChannelApi, TikTokReturnsApi, UnitOfWork
from domain.returns import RefundState
from domain.webhooks import WebhookDelivery
from services.orders.intake import OrderIntake
from services.returns.intake import ReturnIntake
from services.returns.refunds import ReturnRefunder
from services.shops.sessions import ShopSession, ShopSessions
from services.tasks.jobs import RetryPolicy
from services.webhooks.payloads import TikTokEvent, text

log = logging.getLogger("mcc.webhooks")


class ReturnEventReactions:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        tiktok: TikTokChannelApi,
        returns: TikTokReturnsApi,
        orders: OrderIntake,
        intake: ReturnIntake,
        refunder: ReturnRefunder,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._tiktok = tiktok
        self._returns = returns
        self._orders = orders
        self._intake = intake
        self._refunder = refunder
        self._sessions = ShopSessions(unit_of_work, clock, RetryPolicy())

    async def return_changed(self, delivery: WebhookDelivery) -> None:
        data = TikTokEvent.parse(delivery.body).data
        return_id = text(data, "return_id")
        order_id = OrderId(text(data, "order_id"))
        session = await self._session(delivery)
        if session is None:
            return
        report = await self._returns.get_return(session.credentials, return_id)
        if report is None:
            log.info("webhook return not found on TikTok shop_id=%s return_id=%s", session.shop_id, return_id)
            return
        await self._ensure_order(session, order_id)
        taken = await self._intake.take(session.intake.app_id, session.shop_id, [report])
        if taken and taken[0].refund_state is RefundState.DUE:
            await self._refunder.refund(session.shop_id, return_id)

    async def _ensure_order(self, session: ShopSession, order_id: OrderId) -> None:
        async with self._unit_of_work() as uow:
            held = await uow.orders.find(session.shop_id, order_id)
        if held is not None:
            return
        details = await self._tiktok.get_orders(session.credentials, [order_id])
        if details:
            await self._orders.take(session.intake, details)

    async def _session(self, delivery: WebhookDelivery) -> ShopSession | None:
        async with self._unit_of_work() as uow:
            shop = (
                await uow.shops.find_by_tiktok_shop_id(TikTokShopId(delivery.account))
                if delivery.account
                else None
            )
        if shop is None:
            log.info("webhook dropped: unknown shop topic=%s key=%s", delivery.topic, delivery.delivery_key)
            return None
        session = await self._sessions.open(shop.id)
        if isinstance(session, str):
            log.info("webhook dropped shop_id=%s topic=%s: %s", shop.id, delivery.topic, session)
            return None
        return session
