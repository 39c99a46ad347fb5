"""With a public URL, installation and authorization subscribe the partners' webhooks to it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
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


async def test_a_delivery_to_the_subscribed_address_shows_in_webhook_health(public: Harness) -> None:
    app = await _install(public)
    shop = await _authorize(public, app)
    await _subscribed(public)
    shops = shop_pb2_grpc.ShopServiceStub(public.channel)
    before = (await shops.GetShop(shop_pb2.GetShopRequest(name=shop.name))).shop.webhook_health
    assert before.subscribed and before.events_last_hour == 0 and not before.HasField("last_event_time")

    async with aiohttp.ClientSession() as http:
        tiktok_edge = f"{public.http_url}/webhooks/tiktok"
        async with http.post(tiktok_edge, data=b"{}", headers={"Authorization": "0"}) as reply:
            assert reply.status == 401
    control = public.sandbox.control
    assert control.emit_tiktok_webhook(shop.tiktok_shop_id, 7, {"message": "expires soon"})
    assert await control.deliver_webhooks() == 1

    after = (await shops.GetShop(shop_pb2.GetShopRequest(name=shop.name))).shop.webhook_health
    assert after.subscribed and after.events_last_hour == 1
    assert after.HasField("last_event_time") and after.HasField("last_signature_failure_time")
    apps = app_pb2_grpc.AppServiceStub(public.channel)
    app_health = (await apps.GetApp(app_pb2.GetAppRequest(name=app))).app.webhook_health
    assert app_health.subscribed and app_health.events_last_hour == 0
    assert not app_health.HasField("last_signature_failure_time")  # the failure was TikTok's


async def test_the_periodic_repair_restores_a_removed_subscription(public: Harness) -> None:
    app = await _install(public)
    await _authorize(public, app)
    await _subscribed(public)
    store = public.sandbox.control.shopline.store(public.sandbox.shopline_handle)
    store.webhooks.clear()  # e.g. SHOPLINE deleted them after repeated failures

    report = await public.container.jobs.webhook_subscriptions().repair_all()

    assert (report.apps_checked, report.shops_checked, report.changed) == (1, 1, len(SHOPLINE_TOPICS))
    assert {hook["topic"] for hook in store.webhooks.values()} == set(SHOPLINE_TOPICS)


async def test_without_a_public_url_nothing_is_subscribed(harness: Harness) -> None:
    app = await _install(harness)
    shop = await _authorize(harness, app)
    await _subscribed(harness)
    assert public_free(harness, shop)


def public_free(harness: Harness, shop: shop_pb2.Shop) -> bool:
    store = harness.sandbox.control.shopline.store(harness.sandbox.shopline_handle)
    return not store.webhooks and not harness.sandbox.control.tiktok.data(shop.tiktok_shop_id).webhooks
