"""Periodic product refresh from TikTok for every ACTIVE shop, by ``update_time``.

Each run searches ``[watermark - overlap, now)``: the overlap catches products whose change TikTok
stamped late, and ``ChannelProduct.apply_sync`` ignores what is not newer than what we hold. Each
page is written in one transaction (with the pools of SKUs a change unlinked); the watermark
moves to ``now`` only after the last page, so a failed run is repeated from the same point.
Shops whose history import has not finished (no watermark yet) are left to that import.

Search results carry no SKU sales attributes; after the search, each run reads Get Product for up
to ``ATTRIBUTE_READS_PER_RUN`` products whose attributes are unknown (new or changed ones, and
those the history import brought in), so the backlog of a large catalog drains over a few runs.

A product webhook refreshes that one product through Get Product (``refresh_product``), written
the same way as a search page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import aclosing
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.catalog import ChannelProduct
from domain.channel import ChannelProductData, ShopCredentials, TimeWindow
from domain.errors import PartnerError, PoolAlreadyExists, TokenNotFound
from domain.ids import AppId, ChannelProductId, ShopId
from domain.ports import Clock, TikTokChannelApi, UnitOfWork
from domain.shop import ShopStatus
from services.catalog.links import LinkChange, PoolLinks, link_changes
from services.shared.stale_writes import retry_stale

log = logging.getLogger("mcc.catalog")

PRODUCT_SYNC_OVERLAP = timedelta(minutes=10)
PAGE_SIZE = 100
SCAN_PAGE = 100
ATTRIBUTE_READS_PER_RUN = 500


@dataclass(frozen=True)
class ProductRefreshReport:
    shop_id: ShopId
    created: int
    updated: int
    unchanged: int


class ProductRefresh:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        tiktok: TikTokChannelApi,
        pool_links: PoolLinks,
        *,
        page_size: int = PAGE_SIZE,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._tiktok = tiktok
        self._pool_links = pool_links
        self._page_size = page_size

    async def refresh_all(self) -> list[ProductRefreshReport]:
        """Every ACTIVE shop of every app; one shop's failure is logged and the others go on."""
        reports = []
        for app_id, shop_id in await self._active_shops():
            try:
                report = await self.refresh_shop(app_id, shop_id)
            except (PartnerError, TokenNotFound) as error:
                log.warning("product refresh failed shop_id=%s: %s", shop_id, error.message)
                continue
            if report is not None:
                reports.append(report)
        return reports

    async def refresh_shop(self, app_id: AppId, shop_id: ShopId) -> ProductRefreshReport | None:
        """None when the shop is not ACTIVE or its history import has not finished."""
        now = self._clock.now()
        async with self._unit_of_work() as uow:
            shop = await uow.shops.get(shop_id)
            token = await uow.tokens.get_tiktok(shop_id)
        if shop.status is not ShopStatus.ACTIVE or shop.products_synced_until is None:
            return None
        window = TimeWindow(shop.products_synced_until - PRODUCT_SYNC_OVERLAP, now)
        credentials = ShopCredentials(shop.cipher, token.access_token)
        report = ProductRefreshReport(shop_id, 0, 0, 0)
        pages = self._tiktok.search_products(credentials, window, page_size=self._page_size)
        async with aclosing(pages) as reader:  # type: ignore[type-var]
            async for page in reader:
                report = await self._write(app_id, shop_id, page.items, report)
        await self._advance(shop_id, now)
        await self.fill_attributes(shop_id, credentials)
        return report

    async def refresh_product(
        self, shop_id: ShopId, product_id: ChannelProductId
    ) -> ProductRefreshReport | None:
        """Reads one product and writes it as a search page would (with its sales attributes);
        None when the shop is not ACTIVE. ``PartnerError`` when TikTok fails."""
        async with self._unit_of_work() as uow:
            shop = await uow.shops.get(shop_id)
            token = await uow.tokens.get_tiktok(shop_id)
        if shop.status is not ShopStatus.ACTIVE:
            return None
        data = await self._tiktok.get_product(ShopCredentials(shop.cipher, token.access_token), product_id)
        report = await self._write(shop.app_id, shop_id, (data,), ProductRefreshReport(shop_id, 0, 0, 0))
        await self._record_attributes(shop_id, data)
        return report

    async def fill_attributes(self, shop_id: ShopId, credentials: ShopCredentials) -> int:
        """Reads Get Product for products whose SKU sales attributes are unknown; how many changed.

        A product TikTok fails to return is logged and left for the next run.
        """
        async with self._unit_of_work() as uow:
            product_ids = await uow.channel_products.lacking_attributes(
                shop_id, limit=ATTRIBUTE_READS_PER_RUN
            )
        changed = 0
        for product_id in product_ids:
            try:
                data = await self._tiktok.get_product(credentials, product_id)
            except PartnerError as error:
                log.warning(
                    "sales attributes unread shop_id=%s product_id=%s: %s", shop_id, product_id, error.message
                )
                continue
            changed += await self._record_attributes(shop_id, data)
        return changed

    async def _record_attributes(self, shop_id: ShopId, data: ChannelProductData) -> int:
        async def write() -> int:
            async with self._unit_of_work() as uow:
                product = await uow.channel_products.find(shop_id, data.product_id)
                if product is None or not product.record_attributes(data):
                    return 0
                await uow.channel_products.update(product)
                await uow.commit()
                return 1

        return await retry_stale(write)

    async def _write(
        self,
        app_id: AppId,
        shop_id: ShopId,
        rows: tuple[ChannelProductData, ...],
        report: ProductRefreshReport,
    ) -> ProductRefreshReport:
        async def write() -> ProductRefreshReport:
            async with self._unit_of_work() as uow:
                app = await uow.apps.get(app_id)
                stored = await uow.channel_products.find_many(shop_id, [row.product_id for row in rows])
                batch: list[ChannelProduct] = []
                changes: list[LinkChange] = []
                created = updated = unchanged = 0
                for row in rows:
                    product = stored.get(row.product_id)
                    if product is None:
                        batch.append(ChannelProduct.synced(app_id, shop_id, row))
                        created += 1
                        continue
                    before = product.linked_variants()
                    if not product.apply_sync(row):
                        unchanged += 1
                        continue
                    changes += link_changes(product, before)
                    batch.append(product)
                    updated += 1
                await self._pool_links.apply(uow, app, changes)
                if batch:
                    await uow.channel_products.save_many(batch)
                await uow.commit()
                return ProductRefreshReport(
                    shop_id,
                    report.created + created,
                    report.updated + updated,
                    report.unchanged + unchanged,
                )

        return await retry_stale(write, also=(PoolAlreadyExists,))

    async def _advance(self, shop_id: ShopId, until: datetime) -> None:
        async def write() -> None:
            async with self._unit_of_work() as uow:
                shop = await uow.shops.get(shop_id)
                shop.advance_products_watermark(until)
                await uow.shops.update(shop)
                await uow.commit()

        await retry_stale(write)

    async def _active_shops(self) -> list[tuple[AppId, ShopId]]:
        found: list[tuple[AppId, ShopId]] = []
        async with self._unit_of_work() as uow:
            apps_after: str | None = None
            while True:
                apps = await uow.apps.list(page_size=SCAN_PAGE, after=apps_after)
                for app in apps.items:
                    if app.uninstalled:
                        continue  # its work stopped with the uninstallation
                    shops_after: str | None = None
                    while True:
                        shops = await uow.shops.list(
                            app.id, page_size=SCAN_PAGE, after=shops_after, status=ShopStatus.ACTIVE
                        )
                        found.extend((app.id, shop.id) for shop in shops.items)
                        if shops.next_cursor is None:
                            break
                        shops_after = shops.next_cursor
                if apps.next_cursor is None:
                    return found
                apps_after = apps.next_cursor
