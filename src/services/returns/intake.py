"""Every way a TikTok return arrives (a webhook's read-back, a seller decision's read-back) goes
through here: the return is recorded on its order, newer reports win, and what TikTok refunded
becomes a refund due in SHOPLINE in the same transaction."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from functools import partial

from domain.errors import InvalidReturnData
from domain.ids import AppId, ShopId
from domain.ports import Clock, UnitOfWork
from domain.returns import OrderReturn, RefundState, TikTokReturnData
from services.shared.stale_writes import retry_stale

log = logging.getLogger("mcc.returns")


class ReturnIntake:
    def __init__(self, unit_of_work: Callable[[], UnitOfWork], clock: Clock) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock

    async def take(
        self, app_id: AppId, shop_id: ShopId, reports: Sequence[TikTokReturnData]
    ) -> list[OrderReturn]:
        """Records the reports; returns the returns as held afterwards (malformed ones left out)."""
        held = []
        for report in reports:
            try:
                held.append(await retry_stale(partial(self._take_one, app_id, shop_id, report)))
            except InvalidReturnData as error:
                log.warning("return dropped shop_id=%s return_id=%s: %s", shop_id, report.return_id, error)
        return held

    async def _take_one(self, app_id: AppId, shop_id: ShopId, report: TikTokReturnData) -> OrderReturn:
        async with self._unit_of_work() as uow:
            found = await uow.order_returns.find(shop_id, report.return_id)
            if found is None:
                found = OrderReturn.first_seen(app_id, shop_id, report, self._clock.now())
                await uow.order_returns.add(found)
            elif found.apply_update(report):
                await uow.order_returns.update(found)
            else:
                return found
            await uow.commit()
        if found.refund_state is RefundState.DUE:
            log.info("return refunded on TikTok shop_id=%s return_id=%s", shop_id, found.return_id)
        return found
