"""The SHOPLINE variant cache: refreshed from SHOPLINE page by page, and the store's currency.

A refresh first reads the store's settlement currency (SHOPLINE prices are bare amounts) and
keeps it on the App. It then reads the products changed since the newest cached change, minus an
overlap for clock skew, and upserts each page in its own transaction; a first read, or a read
after the store currency changed, covers every product. No transaction is held during a call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import aclosing
from dataclasses import dataclass, replace
from datetime import timedelta

from domain.app import App
from domain.channel import ShoplineCredentials
from domain.errors import AppNotFound, PartnerError, StoreCurrencyUnknown, TokenNotFound
from domain.ids import AppId, ShoplineVariantId
from domain.ports import Clock, ShoplineApi, UnitOfWork
from services.shared.stale_writes import retry_stale

log = logging.getLogger("mcc.catalog")

REFRESH_OVERLAP = timedelta(minutes=10)
"""Re-read this much before the newest cached change, so changes stamped late are not missed."""
APP_PAGE = 100


@dataclass(frozen=True)
class VariantRefreshReport:
    app_id: AppId
    store_currency: str
    full: bool
    variants: int
    pages: int
    price_changed: frozenset[ShoplineVariantId] = frozenset()
    """Cached variants whose price this refresh changed (new variants are not counted)."""


class VariantRefresh:
    def __init__(self, unit_of_work: Callable[[], UnitOfWork], shopline: ShoplineApi, clock: Clock) -> None:
        self._unit_of_work = unit_of_work
        self._shopline = shopline
        self._clock = clock

    async def refresh(self, app_id: AppId, *, full: bool = False) -> VariantRefreshReport:
        """Brings the app's cache up to date; raises ``PartnerError`` when SHOPLINE fails."""
        credentials = await self._credentials(app_id)
        currency, changed = await self._read_store_currency(app_id, credentials)
        since = None
        if not (full or changed):
            async with self._unit_of_work() as uow:
                newest = await uow.shopline_variants.newest_update(app_id)
            since = None if newest is None else newest - REFRESH_OVERLAP
        variants = pages = 0
        price_changed: set[ShoplineVariantId] = set()
        reader = self._shopline.variants(credentials, currency, updated_since=since)
        async with aclosing(reader) as batches:  # type: ignore[type-var]
            async for batch in batches:
                # SKU codes are matched trimmed (``VariantSkuIndex``): cache them that way, so an
                # exact lookup by code finds them.
                trimmed = [replace(variant, sku=variant.sku.strip()) for variant in batch]
                async with self._unit_of_work() as uow:
                    cached = await uow.shopline_variants.get_many(app_id, [v.variant_id for v in trimmed])
                    await uow.shopline_variants.upsert_many(app_id, trimmed)
                    await uow.commit()
                price_changed.update(
                    v.variant_id
                    for v in trimmed
                    if (held := cached.get(v.variant_id)) is not None
                    and held.updated_at <= v.updated_at
                    and held.price != v.price
                )
                variants += len(batch)
                pages += 1
        return VariantRefreshReport(
            app_id, currency, since is None, variants, pages, frozenset(price_changed)
        )

    async def store_currency(self, app_id: AppId) -> str:
        """The store currency as last read, reading it from SHOPLINE when it was never read."""
        async with self._unit_of_work() as uow:
            app = await uow.apps.get(app_id)
        if app.store_currency is not None:
            return app.store_currency
        try:
            currency, _ = await self._read_store_currency(app_id, await self._credentials(app_id))
        except (PartnerError, TokenNotFound):
            raise StoreCurrencyUnknown(f"apps/{app_id}") from None
        return currency

    async def refresh_all(self) -> list[VariantRefreshReport]:
        """Every installed app (periodic job); one app's failure is logged and the others go on."""
        reports = []
        after: str | None = None
        while True:
            async with self._unit_of_work() as uow:
                page = await uow.apps.list(page_size=APP_PAGE, after=after)
                installed = [app.id for app in page.items if await _has_token(uow, app)]
            for app_id in installed:
                try:
                    reports.append(await self.refresh(app_id))
                except (PartnerError, TokenNotFound, AppNotFound) as error:
                    log.warning("variant refresh failed app_id=%s: %s", app_id, error.message)
            if page.next_cursor is None:
                return reports
            after = page.next_cursor

    async def _credentials(self, app_id: AppId) -> ShoplineCredentials:
        async with self._unit_of_work() as uow:
            app = await uow.apps.get(app_id)
            token = await uow.tokens.get_shopline(app_id)
        return ShoplineCredentials(app.store_handle, token.access_token)

    async def _read_store_currency(self, app_id: AppId, credentials: ShoplineCredentials) -> tuple[str, bool]:
        """The currency SHOPLINE reports, kept on the App; True when it changed."""
        currency = await self._shopline.store_currency(credentials)

        async def write() -> tuple[str, bool]:
            async with self._unit_of_work() as uow:
                app = await uow.apps.get(app_id)
                known = app.store_currency is not None
                if not app.record_store_currency(currency):
                    return currency, False
                await uow.apps.update(app)
                await uow.commit()
                return currency, known

        return await retry_stale(write)


async def _has_token(uow: UnitOfWork, app: App) -> bool:
    try:
        token = await uow.tokens.get_shopline(app.id)
    except TokenNotFound:
        return False
    return not token.revoked
