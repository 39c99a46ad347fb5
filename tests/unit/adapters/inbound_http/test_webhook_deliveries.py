"""Verified bodies become deliveries: topic, account and the de-duplication key."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from adapters.inbound_http.deliveries import MalformedDelivery, shopline_delivery, tiktok_delivery
from domain.webhooks import WebhookSource

NOW = datetime(2026, 12, 10, tzinfo=UTC)


def test_a_tiktok_delivery_is_keyed_by_its_notification_id_and_named_by_its_type() -> None:
    body = b'{"type":11,"tts_notification_id":"7327112393057371910","shop_id":"7494","data":{}}'
    delivery = tiktok_delivery(body, NOW)
    assert (delivery.source, delivery.delivery_key, delivery.topic, delivery.account) == (
        WebhookSource.TIKTOK,
        "7327112393057371910",
        "CANCELLATION_STATUS_CHANGE",
        "7494",
    )
    assert (delivery.body, delivery.received_at, delivery.processed) == (body.decode(), NOW, False)


def test_a_tiktok_delivery_without_an_id_is_keyed_by_its_digest_and_an_unnamed_type_by_number() -> None:
    body = b'{"type":71,"shop_id":"7494","data":{}}'
    delivery = tiktok_delivery(body, NOW)
    assert delivery.delivery_key == "sha256:" + hashlib.sha256(body).hexdigest()
    assert delivery.topic == "TYPE_71"


@pytest.mark.parametrize(
    "body", [b"not json", b"[1]", b'{"shop_id":"1"}', b'{"type":"1"}', b'{"type":true}', b"\xff"]
)
def test_a_tiktok_body_that_is_not_an_event_is_malformed(body: bytes) -> None:
    with pytest.raises(MalformedDelivery):
        tiktok_delivery(body, NOW)


def test_a_shopline_delivery_takes_its_topic_store_and_key_from_the_headers() -> None:
    headers = {
        "X-Shopline-Topic": "inventory_levels/update",
        "X-Shopline-Shop-Domain": "Open001.myshopline.com",
        "X-Shopline-Webhook-Id": "e2c7a4a0-1",
    }
    delivery = shopline_delivery(b'{"inventory_item_id":1}', headers, NOW)
    assert (delivery.source, delivery.delivery_key, delivery.topic, delivery.account) == (
        WebhookSource.SHOPLINE,
        "e2c7a4a0-1",
        "inventory_levels/update",
        "open001",
    )


def test_a_shopline_delivery_without_id_or_domain_falls_back_to_digest_and_payload_handle() -> None:
    body = b'{"operate":"UNINSTALL","handle":"open001"}'
    delivery = shopline_delivery(body, {"X-Shopline-Topic": "apps/installed_uninstalled"}, NOW)
    assert delivery.delivery_key == "sha256:" + hashlib.sha256(body).hexdigest()
    assert delivery.account == "open001"


def test_an_overlong_delivery_id_is_replaced_by_the_digest() -> None:
    headers = {"X-Shopline-Topic": "products/update", "X-Shopline-Webhook-Id": "x" * 500}
    assert shopline_delivery(b"{}", headers, NOW).delivery_key.startswith("sha256:")


@pytest.mark.parametrize(
    ("body", "headers"),
    [(b"{}", {}), (b"{}", {"X-Shopline-Topic": " "}), (b"[]", {"X-Shopline-Topic": "products/update"})],
)
def test_a_shopline_delivery_without_topic_or_object_is_malformed(
    body: bytes, headers: dict[str, str]
) -> None:
    with pytest.raises(MalformedDelivery):
        shopline_delivery(body, headers, NOW)
