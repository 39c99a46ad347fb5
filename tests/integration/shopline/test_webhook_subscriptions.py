"""The SHOPLINE client's webhook subscription calls against the sandbox."""

from __future__ import annotations

import pytest

from domain.errors import PartnerRejected

ADDRESS = "https://mcc.example/webhooks/shopline"


async def test_subscribe_list_move_and_delete(client, credentials):
    created = await client.subscribe_webhook(credentials, "inventory_levels/update", ADDRESS, "v20251201")
    assert created.topic == "inventory_levels/update" and created.address == ADDRESS
    assert created.subscription_id and created.api_version == "v20251201"
    await client.update_webhook_address(credentials, created.subscription_id, ADDRESS + "/v2")
    (listed,) = await client.webhook_subscriptions(credentials)
    assert listed.subscription_id == created.subscription_id and listed.address == ADDRESS + "/v2"
    await client.delete_webhook(credentials, created.subscription_id)
    assert await client.webhook_subscriptions(credentials) == []
    with pytest.raises(PartnerRejected):
        await client.delete_webhook(credentials, created.subscription_id)


async def test_old_event_versions_and_unknown_topics_are_refused(client, credentials):
    with pytest.raises(PartnerRejected):
        await client.subscribe_webhook(credentials, "orders/create", ADDRESS, "v20240301")
    with pytest.raises(PartnerRejected):
        await client.subscribe_webhook(credentials, "orders/nonsense", ADDRESS, "v20251201")
