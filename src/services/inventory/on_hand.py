"""Reads SHOPLINE on-hand for pools: the sum over the app's mapped locations.

The default location stands in when the app maps none. The observation's version is the newest
level's ``updated_at``, so an older read never overwrites a newer one in the pool. No
transaction is held while SHOPLINE answers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from domain.app import App
from domain.channel import ShoplineCredentials
from domain.ids import ShoplineVariantId
from domain.inventory_pool import OnHandObservation
from domain.ports import Clock, ShoplineApi, UnitOfWork


class OnHandReader:
    def __init__(self, unit_of_work: Callable[[], UnitOfWork], shopline: ShoplineApi, clock: Clock) -> None:
        self._unit_of_work = unit_of_work
        self._shopline = shopline
        self._clock = clock
        self._default_locations: dict[str, str] = {}

    async def read(
        self, app: App, credentials: ShoplineCredentials, variant_ids: Sequence[ShoplineVariantId]
    ) -> dict[ShoplineVariantId, OnHandObservation]:
        """SHOPLINE on-hand of ``variant_ids``; variants unknown to the cache or without a level
        at the mapped locations are left out."""
        if not variant_ids:
            return {}
        async with self._unit_of_work() as uow:
            variants = await uow.shopline_variants.get_many(app.id, variant_ids)
        by_item = {v.inventory_item_id: v.variant_id for v in variants.values() if v.inventory_item_id}
        if not by_item:
            return {}
        locations = await self._locations(app, credentials)
        levels = await self._shopline.inventory_levels(credentials, sorted(by_item), locations)
        totals: dict[ShoplineVariantId, OnHandObservation] = {}
        for level in levels:
            variant_id = by_item.get(level.inventory_item_id)
            if variant_id is None or level.location_id not in locations:
                continue
            seen = totals.get(variant_id)
            if seen is None:
                totals[variant_id] = OnHandObservation(level.available, level.updated_at)
            else:
                totals[variant_id] = OnHandObservation(
                    seen.quantity + level.available, max(seen.version, level.updated_at)
                )
        return totals

    async def _locations(self, app: App, credentials: ShoplineCredentials) -> list[str]:
        if app.settings.location_ids:
            return list(app.settings.location_ids)
        default = self._default_locations.get(credentials.store_handle)
        if default is None:
            found = await self._shopline.locations(credentials)
            chosen = next((loc for loc in found if loc.is_default), None) or next(
                (loc for loc in found if loc.active), None
            )
            if chosen is None:
                return []
            default = self._default_locations[credentials.store_handle] = chosen.location_id
        return [default]
