"""SHOPLINE webhook delivery (reference B6): JSON body signed with
`X-Shopline-Hmac-Sha256: hex(HMAC-SHA256(app_secret, body))`, plus topic, shop and id headers.
The webhook id stays the same on redelivery. A subscription whose delivery fails all 19 attempts
is deleted, as SHOPLINE does."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from sandbox.shopline.models import Store
from sandbox.shopline.render import iso, product_json
from sandbox.shopline.state import ShoplineState
from sandbox.signing import shopline_webhook_hmac
from sandbox.webhooks import SHOPLINE_RETRY_DELAYS, Delivery

# The event version of the app-level receiver set by control (`configure_webhooks`).
APP_LEVEL_VERSION = "v20251201"


def emit(
    state: ShoplineState, store: Store, topic: str, payload: dict[str, Any], url: str | None = None
) -> list[Delivery]:
    if state.dispatcher is None:
        return []
    targets: list[tuple[str, str, str | None]] = (
        [(url, APP_LEVEL_VERSION, None)]
        if url
        else [
            (hook["address"], hook["api_version"], str(hook["id"]))
            for hook in store.webhooks.values()
            if hook["topic"] == topic
        ]
    )
    if not url and store.handle in state.webhook_urls:
        targets.append((state.webhook_urls[store.handle], APP_LEVEL_VERSION, None))
    body = json.dumps(payload, separators=(",", ":")).encode()
    deliveries = []
    for address, api_version, webhook_id in targets:
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
        deliveries.append(
            state.dispatcher.enqueue(
                address,
                body,
                headers,
                SHOPLINE_RETRY_DELAYS,
                label=f"shopline:{topic}",
                signature_header="X-Shopline-Hmac-Sha256",
                on_abandoned=_unsubscribe(store, webhook_id),
            )
        )
    return deliveries


def _unsubscribe(store: Store, webhook_id: str | None) -> Callable[[], None] | None:
    if webhook_id is None:
        return None

    def unsubscribe() -> None:
        store.webhooks.pop(webhook_id, None)

    return unsubscribe


def product_updated(state: ShoplineState, store: Store, product_id: str) -> list[Delivery]:
    """`products/update` with the product as the API renders it (variants and prices included)."""
    return emit(state, store, "products/update", product_json(store, store.products[product_id]))


def level_updated(state: ShoplineState, store: Store, item_id: str, location_id: str) -> list[Delivery]:
    """`inventory_levels/update` with the level's new quantity (reference B2 fields)."""
    available = store.levels.get((item_id, location_id), 0)
    payload = {
        "inventory_item_id": item_id,
        "location_id": location_id,
        "available": available,
        "variant_id": store.variant_by_item.get(item_id),
        "updated_at": iso(store.level_updated.get((item_id, location_id), state.clock.now_s())),
    }
    return emit(state, store, "inventory_levels/update", payload)
