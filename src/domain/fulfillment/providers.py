"""TikTok's shipping providers per delivery option, as cached for carrier mapping (M2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.ids import ShopId
from domain.logistics import ShippingProvider

PROVIDERS_FRESH_FOR = timedelta(days=1)


@dataclass(frozen=True)
class CachedProviders:
    """The providers TikTok offers for one delivery option of a shop, and when they were read.

    ``fulfilled_by_tiktok``: TikTok answered that it ships this option itself (``21008117``), so
    it has no seller providers."""

    shop_id: ShopId
    delivery_option_id: str
    providers: tuple[ShippingProvider, ...]
    fetched_at: datetime
    delivery_option_name: str = ""
    fulfilled_by_tiktok: bool = False

    def fresh(self, now: datetime) -> bool:
        return now - self.fetched_at < PROVIDERS_FRESH_FOR
