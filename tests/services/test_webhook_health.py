"""Webhook health on GetShop / GetApp: the subscription check, recent deliveries, signature failures."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.webhooks import WebhookDelivery, WebhookSource
from services.apps.queries import AppQueries
from services.shops.management import ShopManagement
from services.webhooks.health import WebhookHealth
from services.webhooks.subscriptions import WebhookSubscriptions
from tests.services.support_auth import Harness, tiktok_shop


class Failures:
    """The edge's per-partner signature failures, as ``WebhookStats`` reports them."""

    def __init__(self, **by_source: datetime) -> None:
        self._by_source = {WebhookSource[name]: at for name, at in by_source.items()}

    def last_signature_failure(self, source: WebhookSource) -> datetime | None:
        return self._by_source.get(source)


async def _received(h: Harness, source: WebhookSource, account: str, key: str, ago: timedelta) -> None:
    delivery = WebhookDelivery(source, key, "topic", account, "{}", h.clock.now() - ago)
    async with h.uow() as uow:
        await uow.webhook_inbox.add(delivery)
        await uow.commit()


async def test_a_shop_shows_its_own_deliveries_of_the_last_hour_and_the_partners_signature_failures() -> None:
    h = Harness()
    app_id = await h.installed_app()
    shop_id = (await h.authorize(app_id, tiktok_shop(1))).linked[0].view.shop.id
    account = tiktok_shop(1).tiktok_shop_id
    await _received(h, WebhookSource.TIKTOK, account, "old", timedelta(hours=2))
    await _received(h, WebhookSource.TIKTOK, account, "recent", timedelta(minutes=30))
    await _received(h, WebhookSource.TIKTOK, account, "newest", timedelta(minutes=1))
    await _received(h, WebhookSource.TIKTOK, "another-shop", "other", timedelta(0))
    await _received(h, WebhookSource.SHOPLINE, account, "other-partner", timedelta(0))
    failed_at = h.clock.now() - timedelta(minutes=5)
    shops = ShopManagement(h.uow, h.clock, signature_failures=Failures(TIKTOK=failed_at))

    view = await shops.get_shop(app_id, shop_id)

    assert view.webhook_health == WebhookHealth(
        subscribed=False,
        last_event_at=h.clock.now() - timedelta(minutes=1),
        events_last_hour=2,
        last_signature_failure_at=failed_at,
    )
    listed = await shops.list_shops(app_id, page_size=10, after=None)
    assert listed.items[0].webhook_health is None  # read by GetShop only


async def test_a_shop_is_subscribed_once_its_events_have_been_set_and_not_before() -> None:
    h = Harness()
    app_id = await h.installed_app()
    shop_id = (await h.authorize(app_id, tiktok_shop(1))).linked[0].view.shop.id
    shops = ShopManagement(h.uow, h.clock)
    health = (await shops.get_shop(app_id, shop_id)).webhook_health
    assert health is not None and not health.subscribed

    await WebhookSubscriptions(h.uow, h.tiktok, h.shopline, h.clock, "https://mcc.example").subscribe_shop(
        app_id, shop_id
    )

    health = (await shops.get_shop(app_id, shop_id)).webhook_health
    assert health is not None and health.subscribed and health.last_signature_failure_at is None


async def test_an_app_shows_its_store_deliveries_and_its_subscription_check() -> None:
    h = Harness()
    app_id = await h.installed_app("open001")
    await _received(h, WebhookSource.SHOPLINE, "open001", "s-1", timedelta(minutes=10))
    await _received(h, WebhookSource.SHOPLINE, "other-store", "s-2", timedelta(0))
    subscriptions = WebhookSubscriptions(h.uow, h.tiktok, h.shopline, h.clock, "https://mcc.example")
    await subscriptions.repair_all()
    failed_at = h.clock.now()

    failures = Failures(SHOPLINE=failed_at, TIKTOK=h.clock.now())
    view = await AppQueries(h.uow, h.clock, failures).get_app(app_id)

    assert view.webhook_health == WebhookHealth(
        subscribed=True,
        last_event_at=h.clock.now() - timedelta(minutes=10),
        events_last_hour=1,
        last_signature_failure_at=failed_at,
    )
