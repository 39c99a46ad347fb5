"""Periodic inventory upkeep: on-hand refresh from SHOPLINE and drift repair on TikTok.

Both walk every app page by page (memory stays flat whatever the number of pools) and hold no
transaction while a partner answers.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from domain.app import App
from domain.channel import ShopCredentials, ShoplineCredentials
from domain.errors import PartnerError, TokenNotFound
from domain.ids import AppId, ChannelProductId, ShopId
from domain.ports import Clock, TikTokChannelApi, UnitOfWork
from domain.stock_push import PushResult, PushState, inventory_update
from services.inventory_push import PushUnavailable, StockPusher
from services.on_hand import OnHandReader

log = logging.getLogger("mcc.inventory")

PAGE = 100


@dataclass
class RefreshReport:
    pools_read: int = 0
    pools_changed: int = 0
    apps_skipped: int = 0


async def _apps(unit_of_work: Callable[[], UnitOfWork]) -> list[App]:
    apps: list[App] = []
    after: str | None = None
    while True:
        async with unit_of_work() as uow:
            page = await uow.apps.list(page_size=PAGE, after=after)
        apps.extend(page.items)
        if page.next_cursor is None:
            return apps
        after = page.next_cursor


class OnHandRefresh:
    """Reads SHOPLINE on-hand for every pool and applies newer observations."""

    def __init__(self, unit_of_work: Callable[[], UnitOfWork], reader: OnHandReader, clock: Clock) -> None:
        self._unit_of_work = unit_of_work
        self._reader = reader
        self._clock = clock

    async def run(self) -> RefreshReport:
        report = RefreshReport()
        for app in await _apps(self._unit_of_work):
            try:
                await self.refresh_app(app.id, report)
            except PartnerError as error:
                report.apps_skipped += 1
                log.warning("on-hand refresh skipped app_id=%s error=%s", app.id, error.message)
        return report

    async def refresh_app(self, app_id: AppId, report: RefreshReport | None = None) -> RefreshReport:
        report = report or RefreshReport()
        async with self._unit_of_work() as uow:
            app = await uow.apps.get(app_id)
            try:
                token = await uow.tokens.get_shopline(app_id)
            except TokenNotFound:
                report.apps_skipped += 1
                return report
        credentials = ShoplineCredentials(app.store_handle, token.access_token)
        after: str | None = None
        while True:
            async with self._unit_of_work() as uow:
                page = await uow.inventory_pools.list(app_id, page_size=PAGE, after=after)
            pools = {pool.variant_id: pool.id for pool in page.items}
            observations = await self._reader.read(app, credentials, sorted(pools))
            report.pools_read += len(pools)
            if observations:
                async with self._unit_of_work() as uow:
                    now = self._clock.now()
                    for variant_id in sorted(observations, key=lambda v: pools[v]):
                        pool = await uow.inventory_pools.lock(pools[variant_id])
                        changed = pool.observe_on_hand(observations[variant_id])
                        pruned = pool.prune_finished(now)
                        if changed or pruned:
                            await uow.inventory_pools.update(pool)
                            report.pools_changed += int(changed)
                    await uow.commit()
            if page.next_cursor is None:
                return report
            after = page.next_cursor


@dataclass
class ReconcileReport:
    skus_checked: int = 0
    drifted: int = 0
    unreadable: int = 0


class StockReconciliation:
    """Re-reads TikTok stock of SKUs pushed successfully and re-pushes where it drifted."""

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        tiktok: TikTokChannelApi,
        pusher: StockPusher,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._tiktok = tiktok
        self._pusher = pusher

    async def run(self) -> ReconcileReport:
        report = ReconcileReport()
        for app in await _apps(self._unit_of_work):
            await self.reconcile_app(app.id, report)
        if report.drifted:
            self._pusher.wake()
        return report

    async def reconcile_app(self, app_id: AppId, report: ReconcileReport | None = None) -> ReconcileReport:
        report = report or ReconcileReport()
        after: str | None = None
        credentials: dict[ShopId, ShopCredentials | str] = {}
        while True:
            async with self._unit_of_work() as uow:
                page = await uow.push_states.list_for_app(app_id, page_size=PAGE, after=after)
            settled = [s for s in page.items if s.result is PushResult.SUCCEEDED]
            by_product: dict[tuple[ShopId, ChannelProductId], list[PushState]] = defaultdict(list)
            for state in settled:
                try:
                    shop_credentials = await self._pusher.credentials(state.shop_id, credentials)
                    target = await self._pusher.target(state, shop_credentials)
                except (PushUnavailable, PartnerError):
                    report.unreadable += 1
                    continue
                by_product[(state.shop_id, target.product_id)].append(state)
            drifted: list[PushState] = []
            for (shop_id, product_id), states in sorted(by_product.items()):
                try:
                    shop_credentials = await self._pusher.credentials(shop_id, credentials)
                    data = await self._tiktok.get_product(shop_credentials, product_id)
                except (PushUnavailable, PartnerError):
                    report.unreadable += len(states)
                    continue
                shown = {sku.sku_id: sku.inventory for sku in data.skus}
                for state in states:
                    report.skus_checked += 1
                    target = await self._pusher.target(state, shop_credentials)
                    expected = inventory_update(state.sku_id, target.warehouse_ids, state.desired).quantities
                    if tuple(sorted(shown.get(state.sku_id, ()), key=lambda q: q.warehouse_id)) != tuple(
                        sorted(expected, key=lambda q: q.warehouse_id)
                    ):
                        drifted.append(state)
            if drifted:
                async with self._unit_of_work() as uow:
                    for state in drifted:
                        await uow.push_states.request(state.pool_id, state.sku_id)
                    await uow.commit()
                report.drifted += len(drifted)
            if page.next_cursor is None:
                return report
            after = page.next_cursor
