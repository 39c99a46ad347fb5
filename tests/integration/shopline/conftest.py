"""The SHOPLINE client against an in-process sandbox; back-off sleeps advance the sandbox clock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest

from adapters.http.ratelimit import KeyedRateLimiter
from adapters.shopline.client import ShoplineClient
from domain.channel import ShoplineCredentials
from sandbox.clock import SandboxClock
from sandbox.runner import RunningSandbox, start_sandbox

API_VERSION = "v20251201"


@pytest.fixture
def clock() -> SandboxClock:
    return SandboxClock()


@pytest.fixture
async def sandbox(clock: SandboxClock) -> AsyncIterator[RunningSandbox]:
    running = await start_sandbox(seed=5, size="small", clock=clock, deliver_webhooks_in_background=False)
    try:
        yield running
    finally:
        await running.close()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=5.0)) as client:
        yield client


@dataclass
class Sleeps:
    clock: SandboxClock
    taken: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.taken.append(seconds)
        self.clock.advance(seconds)
        await asyncio.sleep(0)


@pytest.fixture
def sleeps(clock: SandboxClock) -> Sleeps:
    return Sleeps(clock)


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
