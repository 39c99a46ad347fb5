"""What shipping needs of a shop or store before calling a partner: its credentials, checked."""

from __future__ import annotations

from datetime import datetime

from domain.app import App
from domain.channel import ShopCredentials, ShoplineCredentials
from domain.errors import ShopNotActive, ShopNotFound, TokenNotFound
from domain.ids import AppId, ShopId
from domain.ports import UnitOfWork
from domain.shop import Shop, ShopStatus


async def shop_of_app(uow: UnitOfWork, app_id: AppId, shop_id: ShopId) -> Shop:
    """Another app's shop is not there as far as this app knows."""
    try:
        shop = await uow.shops.get(shop_id)
    except ShopNotFound:
        raise ShopNotFound(f"apps/{app_id}/shops/{shop_id}") from None
    if shop.app_id != app_id:
        raise ShopNotFound(f"apps/{app_id}/shops/{shop_id}")
    return shop


async def shop_credentials(uow: UnitOfWork, shop: Shop, now: datetime) -> ShopCredentials:
    """``ShopNotActive`` when the shop cannot call TikTok until it is re-authorized."""
    name = f"apps/{shop.app_id}/shops/{shop.id}"
    try:
        token = await uow.tokens.get_tiktok(shop.id)
    except TokenNotFound:
        raise ShopNotActive(name, "the shop has no TikTok authorization") from None
    if shop.status is not ShopStatus.ACTIVE or token.needs_reauthorization(now):
        raise ShopNotActive(name, "the shop needs to be re-authorized first")
    return ShopCredentials(shop.cipher, token.access_token)


async def store_credentials(uow: UnitOfWork, app: App) -> ShoplineCredentials:
    token = await uow.tokens.get_shopline(app.id)
    return ShoplineCredentials(app.store_handle, token.access_token)
