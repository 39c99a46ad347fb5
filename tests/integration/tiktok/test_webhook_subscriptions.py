"""The TikTok client's Event API calls against the sandbox."""

from __future__ import annotations

import pytest

from domain.errors import PartnerRejected
from domain.webhook_subscriptions import WebhookSubscription

ADDRESS = "https://mcc.example/webhooks/tiktok"


async def test_subscribe_list_replace_and_unsubscribe(client, shop):
    credentials = shop.credentials
    assert await client.webhook_subscriptions(credentials) == []
    await client.subscribe_webhook(credentials, "ORDER_STATUS_CHANGE", ADDRESS)
    await client.subscribe_webhook(credentials, "SELLER_DEAUTHORIZATION", ADDRESS)
    await client.subscribe_webhook(credentials, "ORDER_STATUS_CHANGE", ADDRESS + "/v2")
    listed = sorted(await client.webhook_subscriptions(credentials), key=lambda s: s.topic)
    assert listed == [
        WebhookSubscription("ORDER_STATUS_CHANGE", ADDRESS + "/v2"),
        WebhookSubscription("SELLER_DEAUTHORIZATION", ADDRESS),
    ]
    await client.unsubscribe_webhook(credentials, "ORDER_STATUS_CHANGE")
    await client.unsubscribe_webhook(credentials, "ORDER_STATUS_CHANGE")  # nothing left: still fine
    assert [s.topic for s in await client.webhook_subscriptions(credentials)] == ["SELLER_DEAUTHORIZATION"]


async def test_an_event_type_outside_the_event_api_is_refused(client, shop):
    with pytest.raises(PartnerRejected):
        await client.subscribe_webhook(shop.credentials, "INVENTORY_STATUS_CHANGE", ADDRESS)
