"""A shop as a background job works on it: who it is, and the TikTok access token it calls with.

The token upkeep may renew the access token while a long job runs; a job that meets an expired
or unavailable partner picks the renewed token up before it tries again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TypeVar

from domain.channel import ShopCredentials
from domain.errors import AppNotFound, PartnerAuthExpired, PartnerUnavailable, ShopNotFound, TokenNotFound
from domain.ids import ShopId
from domain.ports import Clock, UnitOfWork
from domain.shop import ShopStatus
from services.orders.intake import IntakeShop
from services.tasks.jobs import RetryPolicy, TaskRun, retrying

T = TypeVar("T")

TRANSIENT = (PartnerUnavailable, PartnerAuthExpired)
"""Retried while the task stays RUNNING; an expired access token may be renewed meanwhile."""


@dataclass
class ShopSession:
    intake: IntakeShop
    credentials: ShopCredentials
    orders_watermark: datetime | None
    products_watermark: datetime | None

    @property
    def shop_id(self) -> ShopId:
        return self.intake.shop_id


class ShopSessions:
    def __init__(self, unit_of_work: Callable[[], UnitOfWork], clock: Clock, retry: RetryPolicy) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._retry = retry

    async def open(self, shop_id: ShopId) -> ShopSession | str:
        """The shop with its current credentials, or why a job cannot work on it."""
        try:
            async with self._unit_of_work() as uow:
                shop = await uow.shops.get(shop_id)
                token = await uow.tokens.get_tiktok(shop_id)
                app = await uow.apps.get(shop.app_id)
        except (ShopNotFound, TokenNotFound, AppNotFound):
            return "the shop was deleted or has no TikTok authorization"
        if app.uninstalled:
            return "the app was uninstalled from its SHOPLINE store; install it again"
        if shop.status is not ShopStatus.ACTIVE or token.needs_reauthorization(self._clock.now()):
            return "the shop's TikTok authorization was revoked or has expired; re-authorize the shop"
        return ShopSession(
            IntakeShop(shop.app_id, shop.id, shop.tiktok_shop_id),
            ShopCredentials(shop.cipher, token.access_token),
            shop.orders_synced_until,
            shop.products_synced_until,
        )

    async def refresh(self, session: ShopSession) -> None:
        """Picks up an access token that the token upkeep renewed meanwhile."""
        async with self._unit_of_work() as uow:
            token = await uow.tokens.get_tiktok(session.shop_id)
        session.credentials = replace(session.credentials, access_token=token.access_token)

    async def retrying(self, run: TaskRun, session: ShopSession, call: Callable[[], Awaitable[T]]) -> T:
        """``call``, tried again after transient partner failures with the renewed token."""
        return await retrying(
            run, self._retry, call, transient=TRANSIENT, before_retry=lambda: self.refresh(session)
        )

    async def wait_to_retry(self, run: TaskRun, session: ShopSession, failures: int) -> bool:
        """After the ``failures``-th transient failure in a row of a streamed search: False when
        the task is to stop or has failed too often, else waits, renews the token and says go on."""
        if failures >= self._retry.attempts or run.stop_requested:
            return False
        await run.pause(self._retry.delay(failures))
        await self.refresh(session)
        return True
