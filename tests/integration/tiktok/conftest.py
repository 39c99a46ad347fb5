"""The TikTok client against an in-process sandbox on loopback ports.

The client reads time from the sandbox clock, and its back-off sleeps advance that clock instead of
waiting, so retries, Retry-After and refills cost no wall time.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest

from adapters.http.ratelimit import KeyedRateLimiter
from adapters.tiktok.auth import TikTokAuthClient
from adapters.tiktok.client import TikTokChannelClient
from domain.channel import ShopCredentials
from domain.secret import Secret
from domain.tokens import TikTokGrant
from sandbox.clock import SandboxClock
from sandbox.runner import RunningSandbox
from tests.integration.sleeps import Sleeps


@pytest.fixture
def sandbox_seed() -> int:
    return 11


@dataclass
class TokenStore:
    """What the service layer would persist: the newest grant, and how often it rotated."""

    grant: TikTokGrant | None = None
    rotations: int = 0


@pytest.fixture
def store() -> TokenStore:
    return TokenStore()


@dataclass
class StoreRefresher:
    """The service layer's `AccessTokenRefresher` in miniature: refresh through the token host,
    keep the rotated grant."""

    auth: TikTokAuthClient
    store: TokenStore | None

    async def refresh_for(self, _rejected: ShopCredentials) -> Secret | None:
        if self.store is None or self.store.grant is None:
            return None
        self.store.grant = await self.auth.refresh(self.store.grant.refresh_token)
        self.store.rotations += 1
        return self.store.grant.access_token


def make_client(
    sandbox: RunningSandbox,
    http: httpx.AsyncClient,
    clock: SandboxClock,
    sleeps: Sleeps,
    store: TokenStore | None = None,
    limiter: KeyedRateLimiter | None = None,
) -> TikTokChannelClient:
    credentials = sandbox.credentials
    auth = TikTokAuthClient(
        http,
        auth_url=sandbox.tiktok_auth_url,
        app_key=credentials.tiktok_app_key,
        app_secret=credentials.tiktok_app_secret,
        service_id=credentials.tiktok_service_id,
        consent_base_url=sandbox.tiktok_auth_url,
        clock=clock.now,
        sleep=sleeps,
    )
    return TikTokChannelClient(
        http,
        api_url=sandbox.tiktok_api_url,
        auth_url=sandbox.tiktok_auth_url,
        app_key=credentials.tiktok_app_key,
        app_secret=credentials.tiktok_app_secret,
        service_id=credentials.tiktok_service_id,
        consent_base_url=sandbox.tiktok_auth_url,
        rate_limiter=limiter or KeyedRateLimiter(None),
        token_refresher=StoreRefresher(auth, store),
        auth=auth,
        clock=clock.now,
        sleep=sleeps,
    )


@pytest.fixture
def client(sandbox, http, clock, sleeps, store) -> TikTokChannelClient:
    return make_client(sandbox, http, clock, sleeps, store)


@dataclass
class AuthorizedShop:
    shop_id: str
    credentials: ShopCredentials


@pytest.fixture
async def shop(sandbox: RunningSandbox, client: TikTokChannelClient, store: TokenStore) -> AuthorizedShop:
    """The first shop, authorized through the real code exchange and shop discovery."""
    code = sandbox.control.grant_authorization()["code"]
    store.grant = await client.exchange_code(code)
    shops = await client.authorized_shops(store.grant.access_token)
    first = shops[0]
    return AuthorizedShop(first.tiktok_shop_id, ShopCredentials(first.cipher, store.grant.access_token))
