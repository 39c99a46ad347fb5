"""The SHOPLINE client against an in-process sandbox; back-off sleeps advance the sandbox clock."""

from __future__ import annotations

import pytest

from adapters.http.ratelimit import KeyedRateLimiter
from adapters.shopline.client import ShoplineClient
from domain.channel import ShoplineCredentials

API_VERSION = "v20251201"


@pytest.fixture
def sandbox_seed() -> int:
    return 5


def make_client(sandbox, http, clock, sleeps, **overrides) -> ShoplineClient:
    options = {
        "app_key": sandbox.credentials.shopline_app_key,
        "app_secret": sandbox.credentials.shopline_app_secret,
        "url_template": sandbox.shopline_url_template,
        "api_version": API_VERSION,
        "rate_limiter": KeyedRateLimiter(None),
        "clock": clock.now,
        "sleep": sleeps,
        **overrides,
    }
    return ShoplineClient(http, **options)


@pytest.fixture
def client(sandbox, http, clock, sleeps) -> ShoplineClient:
    return make_client(sandbox, http, clock, sleeps)


@pytest.fixture
async def credentials(sandbox, client) -> ShoplineCredentials:
    handle = sandbox.shopline_handle
    installed = sandbox.control.install_shopline(handle)
    assert client.verify_callback(installed["params"])
    grant = await client.create_token(handle, installed["code"])
    return ShoplineCredentials(handle, grant.access_token)
