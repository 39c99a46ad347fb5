"""SHOPLINE webhook delivery (reference B6): JSON body signed with
`X-Shopline-Hmac-Sha256: hex(HMAC-SHA256(app_secret, body))`, plus topic, shop and id headers.
The webhook id stays the same on redelivery."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sandbox.shopline.models import Store
from sandbox.shopline.state import ShoplineState
from sandbox.signing import shopline_webhook_hmac
from sandbox.webhooks import SHOPLINE_RETRY_DELAYS, Delivery


def emit(
    state: ShoplineState, store: Store, topic: str, payload: dict[str, Any], url: str | None = None
) -> list[Delivery]:
    if state.dispatcher is None:
        return []
    targets = (
        [(url, "v20251201")]
        if url
        else [
            (hook["address"], hook["api_version"])
            for hook in store.webhooks.values()
            if hook["topic"] == topic
        ]
    )
    if not url and store.handle in state.webhook_urls:
        targets.append((state.webhook_urls[store.handle], "v20251201"))
    body = json.dumps(payload, separators=(",", ":")).encode()
    deliveries = []
    for address, api_version in targets:
        headers = {
            "Content-Type": "application/json",
            "X-Shopline-Topic": topic,
            "X-Shopline-Hmac-Sha256": shopline_webhook_hmac(state.app.app_secret, body),
            "X-Shopline-Shop-Domain": f"{store.handle}.myshopline.com",
            "X-Shopline-Shop-Id": store.id,
            "X-Shopline-Merchant-Id": store.id,
            "X-Shopline-API-Version": api_version,
            "X-Shopline-Webhook-Id": str(uuid.uuid4()),
        }
        deliveries.append(state.dispatcher.enqueue(address, body, headers, SHOPLINE_RETRY_DELAYS))
    return deliveries
