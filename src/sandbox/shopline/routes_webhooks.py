"""Webhook subscriptions (reference B6, fulfillment-and-webhooks S6): one topic per call,
`api_version` mandatory and at least v20240601, address at most 255 characters. A single
subscription lives under the official (odd-looking) path `{id}/webhooks.json`. No access scope is
documented for these endpoints, so none is checked."""

from __future__ import annotations

from typing import Any

from sandbox.shopline.errors import ShoplineError
from sandbox.shopline.gateway import Reply, SlCall, SlRoute
from sandbox.shopline.render import iso

# Topic strings of reference B6 (`GetSupportedTopic()` of the SDK's webhook packages).
TOPICS = frozenset(
    {
        "apps/installed_uninstalled",
        "appsubscription/create",
        "appsubscription/paid",
        "appsubscription/expiration",
        "products/create",
        "products/update",
        "products/delete",
        "products/status_changed",
        "inventory_levels/update",
        "inventory_levels/connect",
        "inventory_levels/disconnect",
        "inventory_items/create",
        "inventory_items/update",
        "inventory_items/delete",
        "orders/create",
        "orders/updated",
        "orders/paid",
        "orders/cancelled",
        "orders/fulfilled",
        "orders/partially_fulfilled",
        "orders/edited",
        "orders/delete",
        "refunds/create",
        "refunds/update",
        "fulfillments/create",
        "fulfillments/update",
        "logistics/create",
        "logistics/update",
        "logistics/delete",
        "customers/redact",
        "merchants/redact",
        "merchants/update",
        "others/update",
    }
)
FIRST_API_VERSION = "v20240601"
MAX_ADDRESS = 255


def _address(body: dict[str, Any]) -> str:
    address = body.get("address")
    if not isinstance(address, str) or not address or len(address) > MAX_ADDRESS:
        raise ShoplineError(422, f"address must be a URL of at most {MAX_ADDRESS} characters")
    return address


def _api_version(body: dict[str, Any]) -> str:
    version = body["api_version"]
    if not isinstance(version, str) or version < FIRST_API_VERSION:
        raise ShoplineError(422, "Only event versions v20240601 and later can be subscribed through the API")
    return version


def _webhook_body(call: SlCall) -> dict[str, Any]:
    body = call.json().get("webhook")
    if not isinstance(body, dict):
        raise ShoplineError(400, "body.webhook is required")
    return body


def _hook(call: SlCall) -> dict[str, Any]:
    hook = call.store.webhooks.get(call.path_params["webhook_id"])
    if hook is None:
        raise ShoplineError(404, "The webhook does not exist.")
    return hook


async def create_webhook(call: SlCall) -> Reply:
    body = _webhook_body(call)
    if "api_version" not in body:
        raise ShoplineError(400, "body.webhook:The required property 'api_version' is missing")
    api_version = _api_version(body)
    address, topic = _address(body), body.get("topic")
    if not isinstance(topic, str) or topic not in TOPICS:
        raise ShoplineError(422, "topic is invalid")
    webhook_id = call.state.new_webhook_id()
    hook = {
        "id": webhook_id,
        "address": address,
        "topic": topic,
        "api_version": api_version,
        "created_at": iso(call.now),
        "updated_at": iso(call.now),
    }
    call.store.webhooks[str(webhook_id)] = hook
    return Reply({"webhook": hook})


async def list_webhooks(call: SlCall) -> Reply:
    return Reply({"webhooks": list(call.store.webhooks.values())})


async def count_webhooks(call: SlCall) -> Reply:
    return Reply({"count": len(call.store.webhooks)})


async def get_webhook(call: SlCall) -> Reply:
    return Reply({"webhook": _hook(call)})


async def update_webhook(call: SlCall) -> Reply:
    hook = _hook(call)
    body = _webhook_body(call)
    address = _address(body)
    api_version = _api_version(body) if "api_version" in body else hook["api_version"]
    hook.update(address=address, api_version=api_version, updated_at=iso(call.now))
    return Reply({"webhook": hook})


async def delete_webhook(call: SlCall) -> Reply:
    _hook(call)
    del call.store.webhooks[call.path_params["webhook_id"]]
    return Reply({})


ROUTES = [
    SlRoute("POST", "webhooks.json", create_webhook),
    SlRoute("GET", "webhooks.json", list_webhooks),
    SlRoute("GET", "webhooks/count.json", count_webhooks),
    SlRoute("GET", "{webhook_id}/webhooks.json", get_webhook),
    SlRoute("PUT", "{webhook_id}/webhooks.json", update_webhook),
    SlRoute("DELETE", "{webhook_id}/webhooks.json", delete_webhook),
]
