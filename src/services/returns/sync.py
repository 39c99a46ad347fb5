"""The safety net for webhook 12: the order sync also searches the returns TikTok changed in its
window and records them, then retries every SHOPLINE refund of the shop that is still due (one a
failed webhook left behind, or one whose order was being imported)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import aclosing

from domain.channel import ShopCredentials, TimeWindow
from domain.errors import DomainError
from domain.ids import AppId, ShopId
from domain.ports import TikTokReturnsApi, UnitOfWork
from services.returns.intake import ReturnIntake
from services.returns.refunds import ReturnRefunder
from services.shared.concurrency import closing_pages

log = logging.getLogger("mcc.returns")


class ReturnSync:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        tiktok: TikTokReturnsApi,
        intake: ReturnIntake,
        refunder: ReturnRefunder,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._tiktok = tiktok
        self._intake = intake
        self._refunder = refunder

    async def search(
        self, app_id: AppId, shop_id: ShopId, credentials: ShopCredentials, window: TimeWindow
    ) -> int:
        """Records the returns TikTok changed in ``window``; returns how many it reported.
        Partner failures propagate (the caller retries the search as a whole)."""
        reported = 0
        search = self._tiktok.search_returns(credentials, window)
        async with aclosing(closing_pages(search)) as pages:
            async for page in pages:
                reported += len(page.items)
                await self._intake.take(app_id, shop_id, page.items)
        return reported

    async def refund_due(self, shop_id: ShopId, subject: Callable[[str], str]) -> list[tuple[str, str]]:
        """Makes every due SHOPLINE refund of the shop; returns (subject, reason) of those that failed."""
        async with self._unit_of_work() as uow:
            due = await uow.order_returns.due_refunds(shop_id)
        failures = []
        for found in due:
            try:
                await self._refunder.refund(shop_id, found.return_id)
            except DomainError as error:
                log.warning(
                    "return refund failed shop_id=%s return_id=%s: %s", shop_id, found.return_id, error.reason
                )
                failures.append((subject(found.return_id), f"SHOPLINE refund failed: {error.message}"))
        return failures
