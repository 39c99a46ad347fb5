"""The partner clients: SHOPLINE, TikTok's token host and Open API, and token upkeep."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
from dependency_injector import containers, providers

from adapters.http.ratelimit import KeyedRateLimiter
from adapters.settings import Settings
from adapters.shopline.client import ShoplineClient
from adapters.shopline.fulfillments import ShoplineFulfillmentClient
from adapters.shopline.refunds import ShoplineRefundsClient
from adapters.tiktok.auth import TikTokAuthClient
from adapters.tiktok.client import TikTokChannelClient
from adapters.tiktok.fulfillment import TikTokFulfillmentClient
from adapters.tiktok.returns import TikTokReturnsClient
from domain.ports import AccessTokenRefresher
from services.shops.token_upkeep import TokenUpkeep

PARTNER_TIMEOUT = httpx.Timeout(20.0, connect=5.0)


async def _closed_at_shutdown(*clients: httpx.AsyncClient) -> AsyncIterator[None]:
    try:
        yield None
    finally:
        for client in clients:
            await client.aclose()


def _tiktok_auth(settings: Settings, http: httpx.AsyncClient) -> TikTokAuthClient:
    return TikTokAuthClient(
        http,
        auth_url=settings.tiktok_auth_url,
        app_key=settings.tiktok_app_key or "",
        app_secret=settings.tiktok_app_secret or "",
        service_id=settings.tiktok_service_id or "",
        consent_base_url=settings.tiktok_consent_url,
        timeout=PARTNER_TIMEOUT,
    )


def _tiktok_client(
    settings: Settings, http: httpx.AsyncClient, auth: TikTokAuthClient, refresher: AccessTokenRefresher
) -> TikTokChannelClient:
    return TikTokChannelClient(
        http,
        api_url=settings.tiktok_api_url,
        auth_url=settings.tiktok_auth_url,
        app_key=settings.tiktok_app_key or "",
        app_secret=settings.tiktok_app_secret or "",
        service_id=settings.tiktok_service_id or "",
        consent_base_url=settings.tiktok_consent_url,
        rate_limiter=KeyedRateLimiter(settings.tiktok_rate_limit_qps or None),
        token_refresher=refresher,
        auth=auth,
        timeout=PARTNER_TIMEOUT,
    )


def _tiktok_fulfillment(channel: TikTokChannelClient) -> TikTokFulfillmentClient:
    # Shares the channel client's transport: one rate limiter and one token refresh per shop.
    return TikTokFulfillmentClient(channel.transport, channel.shop_tokens)


def _shopline_fulfillment(shopline: ShoplineClient) -> ShoplineFulfillmentClient:
    return ShoplineFulfillmentClient(shopline.transport)


class Partners(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    persistence = providers.DependenciesContainer()

    tiktok_http = providers.Singleton(httpx.AsyncClient, timeout=PARTNER_TIMEOUT)
    shopline_http = providers.Singleton(httpx.AsyncClient, timeout=PARTNER_TIMEOUT)
    http_lifecycle = providers.Resource(_closed_at_shutdown, tiktok_http, shopline_http)

    shopline_api = providers.Singleton(
        ShoplineClient,
        shopline_http,
        app_key=providers.Callable(lambda s: s.shopline_app_key or "", core.settings),
        app_secret=providers.Callable(lambda s: s.shopline_app_secret or "", core.settings),
        url_template=core.settings.provided.shopline_url_template,
        api_version=core.settings.provided.shopline_api_version,
        timeout=PARTNER_TIMEOUT,
    )
    # Token upkeep refreshes through the token host client alone, so the channel client can be
    # handed upkeep as its refresher at construction.
    tiktok_auth = providers.Singleton(_tiktok_auth, core.settings, tiktok_http)
    token_upkeep = providers.Singleton(
        TokenUpkeep, persistence.unit_of_work.provider, tiktok_auth, shopline_api, core.clock
    )
    tiktok_api = providers.Singleton(_tiktok_client, core.settings, tiktok_http, tiktok_auth, token_upkeep)
    tiktok_fulfillment = providers.Singleton(_tiktok_fulfillment, tiktok_api)
    shopline_fulfillment = providers.Singleton(_shopline_fulfillment, shopline_api)
    tiktok_returns = providers.Singleton(TikTokReturnsClient, tiktok_api)
    shopline_refunds = providers.Singleton(ShoplineRefundsClient, shopline_api)
