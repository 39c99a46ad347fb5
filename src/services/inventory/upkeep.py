"""Inventory upkeep: on-hand refresh from SHOPLINE (periodic, and right after pools get linked SKUs)
and drift repair on TikTok.

Both walk every app page by page (memory stays flat whatever the number of pools) and hold no
transaction while a partner answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from domain.app import App
from domain.channel import ShopCredentials, ShoplineCredentials
from domain.errors import DomainError, PartnerError, TokenNotFound, TokenRevoked
from domain.events import PoolLinksChanged
from domain.ids import AppId, ChannelProductId, PoolId, ShopId, ShoplineVariantId
from domain.ports import Clock, TikTokChannelApi, UnitOfWork
from domain.stock_push import PushResult, PushState, inventory_update
from services.inventory.on_hand import OnHandReader
from services.inventory.push import PushUnavailable, StockPusher

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
        """Reads the on-hand of every pool of the app; an app without a usable SHOPLINE
        authorization is skipped."""
        report = report or RefreshReport()
        try:
            return await self.read_app(app_id, report)
        except (TokenNotFound, TokenRevoked):
            report.apps_skipped += 1
            return report

    async def refresh_pools(self, app_id: AppId, pools: Mapping[ShoplineVariantId, PoolId]) -> RefreshReport:
        """Reads the on-hand of just these pools (of one app), e.g. right after they were linked;
        an app without a usable SHOPLINE authorization is skipped."""
        report = RefreshReport()
        try:
            return await self.read_pools(app_id, pools, report)
        except (TokenNotFound, TokenRevoked):
            report.apps_skipped += 1
            return report

    async def read_app(self, app_id: AppId, report: RefreshReport | None = None) -> RefreshReport:
        """``refresh_app``, raising ``TokenNotFound`` or ``TokenRevoked`` for an app without a
        usable SHOPLINE authorization (and ``PartnerError`` when SHOPLINE fails)."""
        report = report or RefreshReport()
        app, credentials = await self._credentials(app_id)
        after: str | None = None
        while True:
            async with self._unit_of_work() as uow:
                page = await uow.inventory_pools.list(app_id, page_size=PAGE, after=after)
            await self._observe(app, credentials, {pool.variant_id: pool.id for pool in page.items}, report)
            if page.next_cursor is None:
                return report
            after = page.next_cursor

    async def read_pools(
        self,
        app_id: AppId,
        pools: Mapping[ShoplineVariantId, PoolId],
        report: RefreshReport | None = None,
    ) -> RefreshReport:
        """``refresh_pools``, raising as ``read_app`` does."""
        report = report or RefreshReport()
        app, credentials = await self._credentials(app_id)
        variants = sorted(pools)
        for start in range(0, len(variants), PAGE):
            chunk = {variant: pools[variant] for variant in variants[start : start + PAGE]}
            await self._observe(app, credentials, chunk, report)
        return report

    async def _credentials(self, app_id: AppId) -> tuple[App, ShoplineCredentials]:
        async with self._unit_of_work() as uow:
            app = await uow.apps.get(app_id)
            token = await uow.tokens.get_shopline(app_id)
        if token.revoked:
            raise TokenRevoked(f"apps/{app_id}/token", "SHOPLINE revoked the app's authorization")
        return app, ShoplineCredentials(app.store_handle, token.access_token)

    async def _observe(
        self,
        app: App,
        credentials: ShoplineCredentials,
        pools: Mapping[ShoplineVariantId, PoolId],
        report: RefreshReport,
    ) -> None:
        observations = await self._reader.read(app, credentials, sorted(pools))
        report.pools_read += len(pools)
        if not observations:
            return
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


class LinkedPoolObserver:
    """Reads SHOPLINE's on-hand for pools that just got linked SKUs, soon after
    the commit, so their channel SKUs show real stock without waiting for the periodic refresh.

    Bursts coalesce: the pools named meanwhile are read together by one background drain. Built
    before the refresh it drives (the publisher it subscribes to comes first), so the refresh is
    attached afterwards; until then events are ignored."""

    def __init__(self) -> None:
        self._refresh: OnHandRefresh | None = None
        self._pending: dict[AppId, dict[ShoplineVariantId, PoolId]] = {}
        self._drainer: asyncio.Task[None] | None = None

    def attach(self, refresh: OnHandRefresh) -> None:
        self._refresh = refresh

    async def links_changed(self, events: Sequence[PoolLinksChanged]) -> None:
        """Reaction to committed link changes: their pools' on-hand is read soon."""
        if self._refresh is None:
            return
        for event in events:
            self._pending.setdefault(event.app_id, {})[event.variant_id] = event.pool_id
        if self._pending and (self._drainer is None or self._drainer.done()):
            self._drainer = asyncio.ensure_future(self._drain())

    async def idle(self) -> None:
        while self._drainer is not None and not self._drainer.done():
            await asyncio.wait([self._drainer])

    async def stop(self) -> None:
        if self._drainer is not None:
            self._drainer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._drainer

    async def _drain(self) -> None:
        refresh = self._refresh
        while self._pending and refresh is not None:
            app_id, pools = self._pending.popitem()
            try:
                await refresh.refresh_pools(app_id, pools)
            except (DomainError, PartnerError) as error:
                # The periodic refresh reads them later.
                log.warning("on-hand read of linked pools failed app_id=%s error=%s", app_id, error.message)


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
