"""TikTok webhooks (reference §5): payload `{type, tts_notification_id, shop_id, timestamp, data}`
signed with `Authorization: hex(HMAC(app_secret, app_key + body))`."""

from __future__ import annotations

import itertools
import json
from typing import Any

from sandbox.signing import tiktok_webhook_signature
from sandbox.tiktok.state import TikTokState
from sandbox.webhooks import TIKTOK_FINAL_STATUSES, TIKTOK_RETRY_DELAYS, Delivery, WebhookDispatcher

EVENT_TYPES: dict[int, str] = {
    1: "ORDER_STATUS_CHANGE",
    2: "REVERSE_STATUS_UPDATE",
    3: "RECIPIENT_ADDRESS_UPDATE",
    4: "PACKAGE_UPDATE",
    5: "PRODUCT_STATUS_CHANGE",
    6: "SELLER_DEAUTHORIZATION",
    7: "UPCOMING_AUTHORIZATION_EXPIRATION",
    11: "CANCELLATION_STATUS_CHANGE",
    12: "RETURN_STATUS_CHANGE",
    15: "PRODUCT_INFORMATION_CHANGE",
    16: "PRODUCT_CREATION",
}

# What the Event API takes as `event_type` (reference W5: exactly these 17); other types are
# subscribed in Partner Center only.
SUBSCRIBABLE_EVENT_TYPES = frozenset(
    {
        "ORDER_STATUS_CHANGE",
        "RECIPIENT_ADDRESS_UPDATE",
        "PACKAGE_UPDATE",
        "PRODUCT_STATUS_CHANGE",
        "SELLER_DEAUTHORIZATION",
        "UPCOMING_AUTHORIZATION_EXPIRATION",
        "CANCELLATION_STATUS_CHANGE",
        "RETURN_STATUS_CHANGE",
        "NEW_CONVERSATION",
        "NEW_MESSAGE",
        "PRODUCT_INFORMATION_CHANGE",
        "PRODUCT_CREATION",
        "PRODUCT_CATEGORY_CHANGE",
        "NEW_MESSAGE_LISTENER",
        "INVOICE_STATUS_CHANGE",
        "PRODUCT_AUDIT_STATUS_CHANGE",
        "REVERSE_STATUS_UPDATE",
    }
)

_notification_ids = itertools.count(7_380_066_284_010_030_890)


def webhook_body(shop_id: str, event_type: int, data: dict[str, Any], timestamp: int) -> bytes:
    payload = {
        "type": event_type,
        "tts_notification_id": str(next(_notification_ids)),
        "shop_id": shop_id,
        "timestamp": timestamp,
        "data": data,
    }
    return json.dumps(payload, separators=(",", ":")).encode()


def emit(
    state: TikTokState,
    dispatcher: WebhookDispatcher | None,
    shop_id: str,
    event_type: int,
    data: dict[str, Any],
    url: str | None = None,
) -> Delivery | None:
    """Queue a signed webhook to the shop's subscription for this event, else the app-level URL
    (the reference leaves their precedence open; the more specific one wins here)."""
    if dispatcher is None:
        return None
    name = EVENT_TYPES.get(event_type, f"TYPE_{event_type}")
    subscribed = state.data(shop_id).webhooks.get(name)
    target = url or (subscribed[0] if subscribed else None) or state.webhook_url
    if not target:
        return None
    body = webhook_body(shop_id, event_type, data, state.clock.now_s())
    headers = {
        "Content-Type": "application/json",
        "Authorization": tiktok_webhook_signature(state.app.app_key, state.app.app_secret, body),
    }
    return dispatcher.enqueue(
        target,
        body,
        headers,
        TIKTOK_RETRY_DELAYS,
        label=f"tiktok:{name}",
        signature_header="Authorization",
        final_statuses=TIKTOK_FINAL_STATUSES,
    )
