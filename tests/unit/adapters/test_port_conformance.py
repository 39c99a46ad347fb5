"""The adapters implement the domain's partner ports (checked at runtime here, and by mypy)."""

from __future__ import annotations

import httpx

from adapters.shopline.client import ShoplineClient
from adapters.tiktok.auth import TikTokAuthClient
from adapters.tiktok.client import TikTokChannelClient
from domain.ports import ShoplineApi, TikTokChannelApi, TikTokTokenRefresh


async def test_clients_implement_the_partner_ports() -> None:
    async with httpx.AsyncClient() as http:
        tiktok: TikTokChannelApi = TikTokChannelClient(
            http,
            api_url="https://open-api.tiktokglobalshop.com",
            auth_url="https://auth.tiktok-shops.com",
            app_key="key",
            app_secret="secret",
            service_id="7310000000000000001",
        )
        shopline: ShoplineApi = ShoplineClient(http, app_key="key", app_secret="secret")
        assert isinstance(tiktok, TikTokChannelApi)
        assert isinstance(shopline, ShoplineApi)
        assert "secret" not in repr(tiktok) + repr(shopline)


async def test_the_token_host_client_alone_renews_tiktok_grants() -> None:
    async with httpx.AsyncClient() as http:
        auth: TikTokTokenRefresh = TikTokAuthClient(
            http,
            auth_url="https://auth.tiktok-shops.com",
            app_key="key",
            app_secret="secret",
            service_id="7310000000000000001",
        )
        assert isinstance(auth, TikTokTokenRefresh)
