"""A carrier name resolved to a TikTok shipping provider for one order's delivery option."""

from __future__ import annotations

from collections.abc import Callable

from domain.channel import ShopCredentials
from domain.fulfillment import Resolution, resolve_provider
from domain.ids import ShopId
from domain.ports import UnitOfWork
from services.fulfillment.providers import ProviderCatalog


class CarrierResolver:
    def __init__(self, unit_of_work: Callable[[], UnitOfWork], catalog: ProviderCatalog) -> None:
        self._unit_of_work = unit_of_work
        self._catalog = catalog

    async def resolve(
        self, shop_id: ShopId, credentials: ShopCredentials, delivery_option_id: str, carrier_name: str
    ) -> Resolution:
        """(a) override, (b) name match, (c) default, against the option's providers; a miss on a
        cache that is not recent reads the option again once before giving up."""
        if not delivery_option_id:
            return Resolution(
                None,
                blocked_reason="TikTok has not told the order's delivery option yet; "
                "the shipment waits for the next order sync",
            )
        async with self._unit_of_work() as uow:
            mappings = await uow.carrier_mappings.for_shop(shop_id)
        cached = await self._catalog.for_option(shop_id, credentials, delivery_option_id)
        if cached.fulfilled_by_tiktok:
            return Resolution(
                None, blocked_reason=f"TikTok ships delivery option {delivery_option_id} itself"
            )
        resolution = resolve_provider(carrier_name, mappings, cached.providers, delivery_option_id)
        if resolution.provider is None:
            reread = await self._catalog.after_miss(shop_id, credentials, cached)
            if reread is not None:
                resolution = resolve_provider(carrier_name, mappings, reread.providers, delivery_option_id)
        return resolution
