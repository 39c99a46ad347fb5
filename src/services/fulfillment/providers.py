"""TikTok's shipping providers per delivery option, cached per shop for carrier mapping (M2).

A shop's cache is rebuilt daily from its sales warehouses' delivery options (options TikTok
ships itself answer ``21008117`` and are kept as such, without providers), and one option is
read again whenever a carrier does not resolve against a cache older than a few minutes, so a
provider TikTok added since the last refresh is found.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from domain.channel import ShopCredentials
from domain.errors import PartnerError, PartnerRejected, ShopNotActive
from domain.fulfillment import CachedProviders
from domain.ids import AppId, ShopId
from domain.ports import Clock, TikTokChannelApi, TikTokFulfillmentApi, UnitOfWork
from domain.shop import ShopStatus
from services.fulfillment.access import shop_credentials, shop_of_app

log = logging.getLogger("mcc.fulfillment")

FULFILLED_BY_TIKTOK = "21008117"
SALES_WAREHOUSE = "SALES_WAREHOUSE"
SEND_BY_SELLER = "SEND_BY_SELLER"
REREAD_AFTER = timedelta(minutes=5)
"""A miss re-reads an option only when its cache is older than this (no call per retry)."""
SCAN_PAGE = 100


class ProviderCatalog:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        tiktok: TikTokChannelApi,
        fulfillment: TikTokFulfillmentApi,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._tiktok = tiktok
        self._fulfillment = fulfillment

    async def for_option(
        self, shop_id: ShopId, credentials: ShopCredentials, delivery_option_id: str
    ) -> CachedProviders:
        """The option's providers: cached while fresh, else read from TikTok and cached."""
        async with self._unit_of_work() as uow:
            cached = await uow.shipping_providers.find(shop_id, delivery_option_id)
        if cached is not None and cached.fresh(self._clock.now()):
            return cached
        return await self._read_option(shop_id, credentials, delivery_option_id, cached)

    async def after_miss(
        self, shop_id: ShopId, credentials: ShopCredentials, cached: CachedProviders
    ) -> CachedProviders | None:
        """The option read again when the carrier was not among ``cached`` and that is not
        recent; None when there is nothing newer to read."""
        if self._clock.now() - cached.fetched_at < REREAD_AFTER:
            return None
        return await self._read_option(shop_id, credentials, cached.delivery_option_id, cached)

    async def listed(
        self, app_id: AppId, shop_id: ShopId, delivery_option_id: str = ""
    ) -> list[CachedProviders]:
        """``ListShippingProviders``: one delivery option, or every option of the shop."""
        if not delivery_option_id:
            return await self.for_shop(app_id, shop_id)
        async with self._unit_of_work() as uow:
            shop = await shop_of_app(uow, app_id, shop_id)
            credentials = await shop_credentials(uow, shop, self._clock.now())
        return [await self.for_option(shop_id, credentials, delivery_option_id)]

    async def for_shop(self, app_id: AppId, shop_id: ShopId) -> list[CachedProviders]:
        """Every delivery option of the shop with its providers, refreshed when stale."""
        now = self._clock.now()
        async with self._unit_of_work() as uow:
            shop = await shop_of_app(uow, app_id, shop_id)
            cached = await uow.shipping_providers.for_shop(shop_id)
            if cached and all(entry.fresh(now) for entry in cached):
                return cached
            credentials = await shop_credentials(uow, shop, now)
        return await self.refresh_shop(shop_id, credentials)

    async def refresh_shop(self, shop_id: ShopId, credentials: ShopCredentials) -> list[CachedProviders]:
        """Warehouses → delivery options → providers; options TikTok no longer offers are dropped."""
        warehouses = await self._tiktok.warehouses(credentials)
        entries: list[CachedProviders] = []
        for warehouse in warehouses:
            if warehouse.type and warehouse.type != SALES_WAREHOUSE:
                continue
            for option in await self._fulfillment.delivery_options(credentials, warehouse.warehouse_id):
                if any(entry.delivery_option_id == option.delivery_option_id for entry in entries):
                    continue
                entry = await self._fetch(
                    shop_id, credentials, option.delivery_option_id, option.name, option.type
                )
                if not entry.fulfilled_by_tiktok:  # no seller carriers to map to
                    entries.append(entry)
        async with self._unit_of_work() as uow:
            for entry in entries:
                await uow.shipping_providers.put(entry)
            await uow.shipping_providers.drop_others(shop_id, [e.delivery_option_id for e in entries])
            await uow.commit()
        return sorted(entries, key=lambda entry: entry.delivery_option_id)

    async def refresh_all(self) -> None:
        """Periodic (daily): every active shop's cache; one shop's failure does not stop the rest."""
        for shop_id in await self._active_shops():
            try:
                async with self._unit_of_work() as uow:
                    shop = await uow.shops.get(shop_id)
                    credentials = await shop_credentials(uow, shop, self._clock.now())
                await self.refresh_shop(shop_id, credentials)
            except (PartnerError, ShopNotActive) as error:
                log.warning("shipping providers not refreshed shop_id=%s error=%s", shop_id, error.reason)

    async def _read_option(
        self,
        shop_id: ShopId,
        credentials: ShopCredentials,
        delivery_option_id: str,
        cached: CachedProviders | None,
    ) -> CachedProviders:
        name = "" if cached is None else cached.delivery_option_name
        entry = await self._fetch(shop_id, credentials, delivery_option_id, name)
        async with self._unit_of_work() as uow:
            await uow.shipping_providers.put(entry)
            await uow.commit()
        return entry

    async def _fetch(
        self,
        shop_id: ShopId,
        credentials: ShopCredentials,
        delivery_option_id: str,
        name: str,
        kind: str = "",
    ) -> CachedProviders:
        """TikTok answers ``21008117`` (or no providers) for an option it ships itself."""
        now = self._clock.now()
        try:
            providers = await self._fulfillment.shipping_providers(credentials, delivery_option_id)
        except PartnerRejected as error:
            if error.code != FULFILLED_BY_TIKTOK:
                raise
            providers = []
        by_tiktok = not providers and kind != SEND_BY_SELLER
        return CachedProviders(shop_id, delivery_option_id, tuple(providers), now, name, by_tiktok)

    async def _active_shops(self) -> list[ShopId]:
        found: list[ShopId] = []
        async with self._unit_of_work() as uow:
            apps_after: str | None = None
            while True:
                apps = await uow.apps.list(page_size=SCAN_PAGE, after=apps_after)
                for app in apps.items:
                    if app.uninstalled:
                        continue
                    shops_after: str | None = None
                    while True:
                        shops = await uow.shops.list(
                            app.id, page_size=SCAN_PAGE, after=shops_after, status=ShopStatus.ACTIVE
                        )
                        found.extend(shop.id for shop in shops.items)
                        if shops.next_cursor is None:
                            break
                        shops_after = shops.next_cursor
                if apps.next_cursor is None:
                    return found
                apps_after = apps.next_cursor
