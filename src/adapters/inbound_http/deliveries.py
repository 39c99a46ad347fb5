"""A verified webhook request turned into the delivery the inbox keeps (``domain.webhooks``)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from domain.webhooks import WebhookDelivery, WebhookSource

MAX_DELIVERY_KEY_LENGTH = 128
SHOPLINE_DOMAIN_SUFFIX = ".myshopline.com"

# tiktok-shop-api.md §5.2: the event types and their subscription names.
TIKTOK_EVENT_NAMES = {
    1: "ORDER_STATUS_CHANGE",
    2: "REVERSE_STATUS_UPDATE",
    3: "RECIPIENT_ADDRESS_UPDATE",
    4: "PACKAGE_UPDATE",
    5: "PRODUCT_STATUS_CHANGE",
    6: "SELLER_DEAUTHORIZATION",
    7: "UPCOMING_AUTHORIZATION_EXPIRATION",
    11: "CANCELLATION_STATUS_CHANGE",
    12: "RETURN_STATUS_CHANGE",
    13: "NEW_CONVERSATION",
    14: "NEW_MESSAGE",
    15: "PRODUCT_INFORMATION_CHANGE",
    16: "PRODUCT_CREATION",
    18: "PRODUCT_CATEGORY_CHANGE",
    33: "NEW_MESSAGE_LISTENER",
    36: "INVOICE_STATUS_CHANGE",
    37: "PRODUCT_AUDIT_STATUS_CHANGE",
}


class MalformedDelivery(ValueError):
    """A correctly signed body that is not the JSON the partner documents; the message is safe to show."""


def tiktok_delivery(raw_body: bytes, received_at: datetime) -> WebhookDelivery:
    payload = _json_object(raw_body)
    event_type = payload.get("type")
    if not isinstance(event_type, int) or isinstance(event_type, bool):
        raise MalformedDelivery("type: expected the event type number")
    account = payload.get("shop_id") or payload.get("open_id") or ""
    return WebhookDelivery(
        source=WebhookSource.TIKTOK,
        delivery_key=_delivery_key(payload.get("tts_notification_id"), raw_body),
        topic=TIKTOK_EVENT_NAMES.get(event_type, f"TYPE_{event_type}"),
        account=str(account),
        body=raw_body.decode(),
        received_at=received_at,
    )


def shopline_delivery(raw_body: bytes, headers: Mapping[str, str], received_at: datetime) -> WebhookDelivery:
    payload = _json_object(raw_body)
    topic = headers.get("X-Shopline-Topic", "").strip()
    if not topic:
        raise MalformedDelivery("X-Shopline-Topic: expected the webhook topic")
    return WebhookDelivery(
        source=WebhookSource.SHOPLINE,
        delivery_key=_delivery_key(headers.get("X-Shopline-Webhook-Id"), raw_body),
        topic=topic,
        account=store_handle(headers.get("X-Shopline-Shop-Domain", ""), payload),
        body=raw_body.decode(),
        received_at=received_at,
    )


def store_handle(shop_domain: str, payload: Mapping[str, Any]) -> str:
    """``open001`` of ``open001.myshopline.com``; the payload's ``handle`` when the header is absent."""
    domain = shop_domain.strip().lower().split(":")[0]
    if domain.endswith(SHOPLINE_DOMAIN_SUFFIX):
        return domain[: -len(SHOPLINE_DOMAIN_SUFFIX)]
    if domain:
        return domain.split(".")[0]
    return str(payload.get("handle") or "")


def _json_object(raw_body: bytes) -> dict[str, Any]:
    try:
        # UTF-8 only, as both partners send: the inbox keeps the body as this text.
        payload = json.loads(raw_body.decode())
    except (UnicodeDecodeError, ValueError):
        raise MalformedDelivery("the body is not JSON") from None
    if not isinstance(payload, dict):
        raise MalformedDelivery("the body is not a JSON object")
    return payload


def _delivery_key(partner_id: object, raw_body: bytes) -> str:
    """The partner's own delivery id; a digest of the body where there is none (or it is unusable)."""
    if isinstance(partner_id, int | str) and not isinstance(partner_id, bool):
        key = str(partner_id).strip()
        if key and len(key) <= MAX_DELIVERY_KEY_LENGTH:
            return key
    return "sha256:" + hashlib.sha256(raw_body).hexdigest()
