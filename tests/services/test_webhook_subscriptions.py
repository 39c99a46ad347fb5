"""Keeping the partners' webhook subscriptions pointed at the public URL, over the fakes."""

from __future__ import annotations

import pytest

from domain.channel import SHOPLINE, TIKTOK, ShoplineCredentials
from domain.errors import PartnerUnavailable, ShopNotFound
from domain.events import AppInstalled, DomainEvent, ShopAuthorized, ShopReauthorized
from domain.ids import AppId, ShopId
from services.webhooks.subscribing import SubscriptionScheduler
from services.webhooks.subscriptions import SHOPLINE_TOPICS, TIKTOK_EVENT_TYPES, WebhookSubscriptions
from tests.services.support_auth import Harness, tiktok_shop

PUBLIC_URL = "https://mcc.example/"
TIKTOK_ADDRESS = "https://mcc.example/webhooks/tiktok"
SHOPLINE_ADDRESS = "https://mcc.example/webhooks/shopline"


def subscriptions(h: Harness, public_url: str | None = PUBLIC_URL) -> WebhookSubscriptions:
    return WebhookSubscriptions(h.uow, h.tiktok, h.shopline, h.clock, public_url)


async def _app_with_shops(h: Harness, *numbers: int) -> tuple[AppId, list[ShopId]]:
    app_id = await h.installed_app()
    outcome = await h.authorize(app_id, *(tiktok_shop(n) for n in numbers))
    return app_id, [linked.view.shop.id for linked in outcome.linked]


def tiktok_held(h: Harness, number: int) -> dict[str, str]:
    return h.tiktok.shop(tiktok_shop(number).cipher).webhooks


def shopline_held(h: Harness) -> dict[str, str]:
    return {s.topic: s.address for s in h.shopline.store("open001").webhooks.values()}


async def test_a_shop_is_subscribed_to_every_event_it_reacts_to_once() -> None:
    h = Harness()
    app_id, [shop_id] = await _app_with_shops(h, 1)
    service = subscriptions(h)

    assert await service.subscribe_shop(app_id, shop_id) == len(TIKTOK_EVENT_TYPES)
    assert tiktok_held(h, 1) == dict.fromkeys(TIKTOK_EVENT_TYPES, TIKTOK_ADDRESS)
    calls = len(h.tiktok.calls)
    assert await service.subscribe_shop(app_id, shop_id) == 0
    assert h.tiktok.calls[calls:] == ["webhook_subscriptions"]


async def test_an_app_is_subscribed_to_every_topic_and_a_stale_address_is_moved() -> None:
    h = Harness()
    app_id = await h.installed_app()
    service = subscriptions(h)
    async with h.uow() as uow:
        token = await uow.tokens.get_shopline(app_id)
    credentials = ShoplineCredentials("open001", token.access_token)
    await h.shopline.subscribe_webhook(credentials, "products/update", "https://old.example/x", "v20251201")

    assert await service.subscribe_app(app_id) == len(SHOPLINE_TOPICS)
    assert shopline_held(h) == dict.fromkeys(SHOPLINE_TOPICS, SHOPLINE_ADDRESS)
    assert len(h.shopline.store("open001").webhooks) == len(SHOPLINE_TOPICS)  # moved, not doubled
    assert "update_webhook_address" in h.shopline.calls
    assert await service.subscribe_app(app_id) == 0


async def test_without_a_public_url_nothing_is_subscribed() -> None:
    h = Harness()
    app_id, [shop_id] = await _app_with_shops(h, 1)
    service = subscriptions(h, None)
    calls = (len(h.tiktok.calls), len(h.shopline.calls))

    assert await service.subscribe_shop(app_id, shop_id) == 0
    assert await service.subscribe_app(app_id) == 0
    assert (await service.repair_all()).apps_checked == 0
    assert (len(h.tiktok.calls), len(h.shopline.calls)) == calls


def test_a_public_url_too_long_for_the_partners_is_refused() -> None:
    with pytest.raises(ValueError, match="public_url"):
        subscriptions(Harness(), "https://mcc.example/" + "a" * 240)


async def test_a_shop_of_another_app_is_not_found() -> None:
    h = Harness()
    _app_id, [shop_id] = await _app_with_shops(h, 1)
    with pytest.raises(ShopNotFound):
        await subscriptions(h).subscribe_shop(AppId("app-other"), shop_id)


async def test_repair_restores_what_is_missing_or_elsewhere_and_goes_on_after_failures() -> None:
    h = Harness()
    app_id, [first, second, unauthorized] = await _app_with_shops(h, 1, 2, 3)
    service = subscriptions(h)
    await service.subscribe_app(app_id)
    for shop_id in (first, second):
        await service.subscribe_shop(app_id, shop_id)
    del tiktok_held(h, 1)["ORDER_STATUS_CHANGE"]  # e.g. removed in Partner Center
    tiktok_held(h, 2)["SELLER_DEAUTHORIZATION"] = "https://old.example/tts"
    del h.database.state.tiktok_tokens[unauthorized]
    h.shopline.store("open001").webhooks.clear()  # SHOPLINE deleted them after 19 failures
    h.shopline.fail_next(PartnerUnavailable(SHOPLINE, "503", "down"))

    report = await service.repair_all()

    assert (report.apps_checked, report.shops_checked) == (1, 3)
    assert (report.changed, report.skipped, report.deferred) == (2, 1, 1)
    assert tiktok_held(h, 1) == tiktok_held(h, 2) == dict.fromkeys(TIKTOK_EVENT_TYPES, TIKTOK_ADDRESS)

    again = await service.repair_all()
    assert (again.changed, again.deferred) == (len(SHOPLINE_TOPICS), 0)
    assert shopline_held(h) == dict.fromkeys(SHOPLINE_TOPICS, SHOPLINE_ADDRESS)


async def test_a_tiktok_failure_propagates_from_subscribe_shop() -> None:
    h = Harness()
    app_id, [shop_id] = await _app_with_shops(h, 1)
    h.tiktok.fail_next(PartnerUnavailable(TIKTOK, "36009003", "busy"))
    with pytest.raises(PartnerUnavailable):
        await subscriptions(h).subscribe_shop(app_id, shop_id)


# --- subscribing as a reaction to authorization and installation ---------------------------


def _published(h: Harness, *kinds: type[DomainEvent]) -> list[DomainEvent]:
    return [event for event in h.publisher.published if isinstance(event, kinds)]


async def test_an_installed_app_and_an_authorized_shop_are_subscribed_in_the_background() -> None:
    h = Harness()
    app_id, [shop_id] = await _app_with_shops(h, 1)
    scheduler = SubscriptionScheduler()
    scheduler.attach(subscriptions(h))
    assert _published(h, AppInstalled) == [AppInstalled(app_id, h.clock.now())]

    await scheduler.apps_installed(_published(h, AppInstalled))
    await scheduler.shops_authorized(_published(h, ShopAuthorized, ShopReauthorized))
    await scheduler.idle()

    assert shopline_held(h) == dict.fromkeys(SHOPLINE_TOPICS, SHOPLINE_ADDRESS)
    assert tiktok_held(h, 1) == dict.fromkeys(TIKTOK_EVENT_TYPES, TIKTOK_ADDRESS)
    assert _published(h, ShopAuthorized)[0].shop_id == shop_id


async def test_a_reauthorized_shop_is_subscribed_again() -> None:
    h = Harness()
    app_id, [shop_id] = await _app_with_shops(h, 1)
    tiktok_held(h, 1).clear()
    h.publisher.published.clear()
    await h.authorize(app_id, tiktok_shop(1), reauthorize=shop_id)
    scheduler = SubscriptionScheduler()
    scheduler.attach(subscriptions(h))

    await scheduler.shops_authorized(_published(h, ShopAuthorized, ShopReauthorized))
    await scheduler.idle()

    assert _published(h, ShopReauthorized)
    assert tiktok_held(h, 1) == dict.fromkeys(TIKTOK_EVENT_TYPES, TIKTOK_ADDRESS)


async def test_a_partner_failure_is_logged_and_left_to_the_repair(caplog: pytest.LogCaptureFixture) -> None:
    h = Harness()
    _app_id, [first, second] = await _app_with_shops(h, 1, 2)
    scheduler = SubscriptionScheduler()
    scheduler.attach(subscriptions(h))
    h.tiktok.fail_next(PartnerUnavailable(TIKTOK, "36009003", "busy"))

    await scheduler.shops_authorized(_published(h, ShopAuthorized))
    await scheduler.idle()

    # one shop failed and waits for the repair; the other was subscribed all the same
    assert sorted(len(tiktok_held(h, n)) for n in (1, 2)) == [0, len(TIKTOK_EVENT_TYPES)]
    assert "the periodic repair tries again" in caplog.text
    await subscriptions(h).repair_all()
    assert tiktok_held(h, 1) == tiktok_held(h, 2) == dict.fromkeys(TIKTOK_EVENT_TYPES, TIKTOK_ADDRESS)
    assert {first, second} == {e.shop_id for e in _published(h, ShopAuthorized)}


async def test_nothing_is_scheduled_without_a_public_url_or_before_attaching() -> None:
    h = Harness()
    app_id, _ = await _app_with_shops(h, 1)
    calls = (len(h.tiktok.calls), len(h.shopline.calls))
    for attached in (None, subscriptions(h, None)):
        scheduler = SubscriptionScheduler()
        if attached is not None:
            scheduler.attach(attached)
        await scheduler.shops_authorized(_published(h, ShopAuthorized))
        await scheduler.apps_installed([AppInstalled(app_id, h.clock.now())])
        await scheduler.idle()
    assert (len(h.tiktok.calls), len(h.shopline.calls)) == calls
