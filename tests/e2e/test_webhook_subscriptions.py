"""With a public URL, installation and authorization subscribe the partners' webhooks to it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from multichannel.v1 import app_pb2, app_pb2_grpc, shop_pb2, shop_pb2_grpc
from sandbox.runner import RunningSandbox
from services.webhooks.subscriptions import SHOPLINE_TOPICS, TIKTOK_EVENT_TYPES
from tests.e2e.conftest import Harness, running_harness
from tests.e2e.installation import completion_request


@pytest.fixture
def sandbox_size() -> str:
    return "tiny"


@pytest.fixture
async def public(database_url: str, sandbox: RunningSandbox) -> AsyncIterator[Harness]:
    async with running_harness(database_url, sandbox, public=True) as running:
        yield running


async def _subscribed(harness: Harness) -> None:
    """Waits for the subscriptions the committed installation / authorization scheduled."""
    await harness.container.persistence.webhook_subscribing().idle()


async def _install(harness: Harness) -> str:
    apps = app_pb2_grpc.AppServiceStub(harness.channel)
    handle = harness.sandbox.shopline_handle
    started = await apps.StartInstallation(app_pb2.StartInstallationRequest(store_handle=handle))
    callback = harness.sandbox.control.install_shopline(handle, authorization_url=started.authorization_url)
    installed = await apps.CompleteInstallation(completion_request(callback["params"]))
    return str(installed.app.name)


async def _authorize(harness: Harness, app: str) -> shop_pb2.Shop:
    shops = shop_pb2_grpc.ShopServiceStub(harness.channel)
    started = await shops.StartAuthorization(shop_pb2.StartAuthorizationRequest(parent=app, region_code="US"))
    code = harness.sandbox.control.grant_authorization()["code"]
    completed = await shops.CompleteAuthorization(
        shop_pb2.CompleteAuthorizationRequest(parent=app, state=started.state, code=code)
    )
    return completed.shops[0]


async def test_installation_and_authorization_subscribe_the_partners_to_the_edge(public: Harness) -> None:
    app = await _install(public)
    await _subscribed(public)
    store = public.sandbox.control.shopline.store(public.sandbox.shopline_handle)
    held = {hook["topic"]: hook["address"] for hook in store.webhooks.values()}
    assert held == dict.fromkeys(SHOPLINE_TOPICS, f"{public.http_url}/webhooks/shopline")

    shop = await _authorize(public, app)
    await _subscribed(public)
    events = public.sandbox.control.tiktok.data(shop.tiktok_shop_id).webhooks
    assert {event: address for event, (address, *_times) in events.items()} == dict.fromkeys(
        TIKTOK_EVENT_TYPES, f"{public.http_url}/webhooks/tiktok"
    )


async def test_without_a_public_url_nothing_is_subscribed(harness: Harness) -> None:
    app = await _install(harness)
    shop = await _authorize(harness, app)
    await _subscribed(harness)
    assert public_free(harness, shop)


def public_free(harness: Harness, shop: shop_pb2.Shop) -> bool:
    store = harness.sandbox.control.shopline.store(harness.sandbox.shopline_handle)
    return not store.webhooks and not harness.sandbox.control.tiktok.data(shop.tiktok_shop_id).webhooks
