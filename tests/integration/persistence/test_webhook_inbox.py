"""Webhook inbox contract: the fake, SQLite and PostgreSQL behave alike."""

from __future__ import annotations

import asyncio

from domain.webhooks import WebhookActivity, WebhookDelivery, WebhookSource
from tests.integration.persistence.builders import at


def delivery(key: str, minute: int = 0, source: WebhookSource = WebhookSource.TIKTOK) -> WebhookDelivery:
    return WebhookDelivery(
        source=source,
        delivery_key=key,
        topic="ORDER_STATUS_CHANGE",
        account="7495540735365777507",
        body='{"type":1,"data":{"order_id":"576653688135258178"}}',
        received_at=at(minute),
    )


async def test_a_new_delivery_is_stored_and_pending(backend) -> None:  # type: ignore[no-untyped-def]
    async with backend.new_uow() as uow:
        assert await uow.webhook_inbox.add(delivery("n-1")) is True
        await uow.commit()
    async with backend.new_uow() as uow:
        assert await uow.webhook_inbox.pending(limit=10) == [delivery("n-1")]


async def test_a_redelivery_is_not_stored_again(backend) -> None:  # type: ignore[no-untyped-def]
    async with backend.new_uow() as uow:
        await uow.webhook_inbox.add(delivery("n-1"))
        await uow.commit()
    async with backend.new_uow() as uow:
        later = delivery("n-1", minute=5)
        assert await uow.webhook_inbox.add(later) is False
        await uow.commit()
    async with backend.new_uow() as uow:
        assert await uow.webhook_inbox.pending(limit=10) == [delivery("n-1")]


async def test_the_same_key_from_another_source_is_another_delivery(backend) -> None:  # type: ignore[no-untyped-def]
    async with backend.new_uow() as uow:
        assert await uow.webhook_inbox.add(delivery("k"))
        assert await uow.webhook_inbox.add(delivery("k", source=WebhookSource.SHOPLINE))
        await uow.commit()
    async with backend.new_uow() as uow:
        assert len(await uow.webhook_inbox.pending(limit=10)) == 2


async def test_pending_is_oldest_first_and_limited(backend) -> None:  # type: ignore[no-untyped-def]
    async with backend.new_uow() as uow:
        for key, minute in (("c", 2), ("a", 0), ("b", 1), ("d", 3)):
            await uow.webhook_inbox.add(delivery(key, minute))
        await uow.commit()
    async with backend.new_uow() as uow:
        assert [d.delivery_key for d in await uow.webhook_inbox.pending(limit=3)] == ["a", "b", "c"]


async def test_a_processed_delivery_leaves_the_pending_list(backend) -> None:  # type: ignore[no-untyped-def]
    async with backend.new_uow() as uow:
        await uow.webhook_inbox.add(delivery("a", 0))
        await uow.webhook_inbox.add(delivery("b", 1))
        await uow.commit()
    async with backend.new_uow() as uow:
        await uow.webhook_inbox.save(delivery("a", 0).done(at(2)))
        await uow.webhook_inbox.save(delivery("b", 1).failed("TikTok is unavailable"))
        await uow.commit()
    async with backend.new_uow() as uow:
        assert await uow.webhook_inbox.pending(limit=10) == [delivery("b", 1).failed("TikTok is unavailable")]
        # Done once: a redelivery of a processed event is still no new delivery.
        assert await uow.webhook_inbox.add(delivery("a", 9)) is False


async def test_an_uncommitted_delivery_is_rolled_back(backend) -> None:  # type: ignore[no-untyped-def]
    async with backend.new_uow() as uow:
        await uow.webhook_inbox.add(delivery("a"))
    async with backend.new_uow() as uow:
        assert await uow.webhook_inbox.pending(limit=10) == []


async def test_concurrent_inserts_of_one_key_store_it_once(sql_backend) -> None:  # type: ignore[no-untyped-def]
    async def add() -> bool:
        async with sql_backend.new_uow() as uow:
            added = await uow.webhook_inbox.add(delivery("n-1"))
            await uow.commit()
            return bool(added)

    results = await asyncio.gather(*(add() for _ in range(5)))
    assert sorted(results) == [False] * 4 + [True]
    async with sql_backend.new_uow() as uow:
        assert len(await uow.webhook_inbox.pending(limit=10)) == 1


# --- webhook health: an account's activity and subscription check ---------------------------


async def test_activity_counts_an_accounts_deliveries_since_a_time_and_knows_the_newest(backend) -> None:  # type: ignore[no-untyped-def]
    other_account = WebhookDelivery(**{**delivery("x-1", 9).__dict__, "account": "someone-else"})
    async with backend.new_uow() as uow:
        for added in (delivery("n-1", 1), delivery("n-2", 5), delivery("n-3", 3), other_account):
            await uow.webhook_inbox.add(added)
        await uow.webhook_inbox.add(delivery("s-1", 7, WebhookSource.SHOPLINE))
        await uow.commit()
    async with backend.new_uow() as uow:
        activity = await uow.webhook_inbox.activity(WebhookSource.TIKTOK, "7495540735365777507", at(3))
    assert activity == WebhookActivity(subscribed_at=None, last_received_at=at(5), received_since=2)


async def test_an_account_without_deliveries_has_no_activity(backend) -> None:  # type: ignore[no-untyped-def]
    async with backend.new_uow() as uow:
        activity = await uow.webhook_inbox.activity(WebhookSource.SHOPLINE, "open001", at(0))
    assert activity == WebhookActivity(subscribed_at=None, last_received_at=None, received_since=0)


async def test_the_latest_subscription_check_is_kept_per_account(backend) -> None:  # type: ignore[no-untyped-def]
    async with backend.new_uow() as uow:
        await uow.webhook_inbox.record_subscribed(WebhookSource.SHOPLINE, "open001", at(1))
        await uow.webhook_inbox.record_subscribed(WebhookSource.TIKTOK, "open001", at(2))
        await uow.commit()
    async with backend.new_uow() as uow:
        await uow.webhook_inbox.record_subscribed(WebhookSource.SHOPLINE, "open001", at(4))
        await uow.commit()
    async with backend.new_uow() as uow:
        shopline = await uow.webhook_inbox.activity(WebhookSource.SHOPLINE, "open001", at(0))
        tiktok = await uow.webhook_inbox.activity(WebhookSource.TIKTOK, "open001", at(0))
    assert (shopline.subscribed_at, tiktok.subscribed_at) == (at(4), at(2))
