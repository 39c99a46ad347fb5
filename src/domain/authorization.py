"""Domain services around authorization: the one-shop-per-app rule and failed refreshes."""

from __future__ import annotations

from datetime import datetime

from domain.errors import ShopLinkedToAnotherApp
from domain.ids import AppId, ShopId
from domain.ports import ShopRegistry
from domain.shop import DisplayName, Shop, ShopIdentity
from domain.tokens import TikTokToken


class ShopLinking:
    """Links TikTok shops to apps through the registry, so a shop belongs to at most one app.

    The registry's claim is atomic (a unique constraint), so two concurrent authorizations of
    the same shop into two apps cannot both win.
    """

    def __init__(self, registry: ShopRegistry) -> None:
        self._registry = registry

    async def link(
        self,
        app_id: AppId,
        identity: ShopIdentity,
        existing: Shop | None,
        new_shop_id: ShopId,
        now: datetime,
        display_name: DisplayName | None = None,
    ) -> Shop:
        """Authorizes a new shop, or re-authorizes ``existing`` (the shop as we already hold it).

        Raises ``ShopLinkedToAnotherApp`` without saying which app holds the shop.
        """
        if existing is not None and existing.app_id != app_id:
            raise ShopLinkedToAnotherApp(identity.tiktok_shop_id)
        await self._registry.claim(identity.tiktok_shop_id, app_id)
        if existing is not None:
            existing.reauthorize(identity, now)
            if display_name is not None:
                existing.rename(display_name)
            return existing
        return Shop.authorize(new_shop_id, app_id, identity, now, display_name)

    async def unlink(self, shop: Shop) -> None:
        """Frees the TikTok shop id for any app; call when the shop is deleted."""
        await self._registry.release(shop.tiktok_shop_id, shop.app_id)


def refresh_rejected(token: TikTokToken, shop: Shop, now: datetime) -> None:
    """TikTok refused the refresh token: the token is revoked and the seller must re-authorize."""
    token.reject_refresh(now)
    shop.mark_needs_reauthorization(now)


def seller_deauthorized(token: TikTokToken | None, shop: Shop, now: datetime) -> None:
    """The seller removed the app on TikTok: the grant is void and the shop waits for a new one."""
    if token is not None:
        token.reject_refresh(now)
    shop.mark_deauthorized(now)
