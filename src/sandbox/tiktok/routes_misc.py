"""Warehouses (reference §3.13) and per-shop webhook subscriptions (§3.14, W5): `shop_cipher`
required, one of the 17 Event API types, address at most 255 characters; `DELETE` succeeds even
when nothing is configured. (TikTok also wants https on a domain without a port, W4; the sandbox
takes loopback http addresses so local receivers can subscribe.)"""

from __future__ import annotations

from typing import Any

from sandbox.tiktok import errors
from sandbox.tiktok.events import SUBSCRIBABLE_EVENT_TYPES
from sandbox.tiktok.gateway import Call, Route


async def get_warehouses(call: Call) -> dict[str, Any]:
    assert call.shop is not None
    shop = call.shop
    return {
        "warehouses": [
            {
                "id": warehouse_id,
                "name": f"{shop.region} warehouse {n + 1}",
                "effect_status": "ENABLED",
                "type": "SALES_WAREHOUSE",
                "sub_type": "DOMESTIC_WAREHOUSE",
                "is_default": n == 0,
                "address": {"region_code": shop.region, "city": "Sandbox City", "postal_code": "10001"},
            }
            for n, warehouse_id in enumerate(shop.warehouse_ids)
        ]
    }


async def list_webhooks(call: Call) -> dict[str, Any]:
    hooks = call.shop_data.webhooks
    return {
        "total_count": len(hooks),
        "webhooks": [
            {"address": address, "event_type": event, "create_time": created, "update_time": updated}
            for event, (address, created, updated) in hooks.items()
        ],
    }


def _event_type(body: dict[str, Any]) -> str:
    event = body.get("event_type")
    if event not in SUBSCRIBABLE_EVENT_TYPES:
        raise errors.invalid_param("Unknown 'event_type'.")
    return str(event)


async def put_webhook(call: Call) -> dict[str, Any]:
    body = call.json()
    event = _event_type(body)
    address = body.get("address")
    if not isinstance(address, str) or not address or len(address) > 255:
        raise errors.invalid_param("The 'address' must be a URL of at most 255 characters.")
    hooks = call.shop_data.webhooks
    created = hooks[event][1] if event in hooks else call.now
    hooks[event] = (address, created, call.now)
    return {}


async def delete_webhook(call: Call) -> dict[str, Any]:
    call.shop_data.webhooks.pop(_event_type(call.json()), None)
    return {}


ROUTES = [
    Route("GET", "logistics", ("202309",), "warehouses", get_warehouses, shop_scoped=True),
    Route("GET", "event", ("202309",), "webhooks", list_webhooks, shop_scoped=True),
    Route("PUT", "event", ("202309",), "webhooks", put_webhook, shop_scoped=True, writes=True),
    Route("DELETE", "event", ("202309",), "webhooks", delete_webhook, shop_scoped=True, writes=True),
]
