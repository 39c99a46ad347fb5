"""Webhook subscriptions (reference B6): one topic per call, `api_version` mandatory and at
least v20240601."""

from __future__ import annotations

from sandbox.shopline.errors import ShoplineError
from sandbox.shopline.gateway import Reply, SlCall, SlRoute
from sandbox.shopline.render import iso


async def create_webhook(call: SlCall) -> Reply:
    body = call.json().get("webhook")
    if not isinstance(body, dict):
        raise ShoplineError(400, "body.webhook is required")
    if "api_version" not in body:
        raise ShoplineError(400, "body.webhook:The required property 'api_version' is missing")
    if not isinstance(body["api_version"], str) or body["api_version"] < "v20240601":
        raise ShoplineError(422, "Only event versions v20240601 and later can be subscribed through the API")
    address, topic = body.get("address"), body.get("topic")
    if not isinstance(address, str) or not address or len(address) > 255:
        raise ShoplineError(422, "address must be a URL of at most 255 characters")
    if not isinstance(topic, str) or "/" not in topic:
        raise ShoplineError(422, "topic is invalid")
    webhook_id = call.state.new_id("30")
    hook = {
        "id": webhook_id,
        "address": address,
        "topic": topic,
        "api_version": body["api_version"],
        "created_at": iso(call.now),
        "updated_at": iso(call.now),
    }
    call.store.webhooks[webhook_id] = hook
    return Reply({"webhook": hook})


async def list_webhooks(call: SlCall) -> Reply:
    return Reply({"webhooks": list(call.store.webhooks.values())})


async def count_webhooks(call: SlCall) -> Reply:
    return Reply({"count": len(call.store.webhooks)})


async def delete_webhook(call: SlCall) -> Reply:
    if call.store.webhooks.pop(call.path_params["webhook_id"], None) is None:
        raise ShoplineError(404, "The webhook does not exist.")
    return Reply({})


ROUTES = [
    SlRoute("POST", "webhooks.json", create_webhook),
    SlRoute("GET", "webhooks.json", list_webhooks),
    SlRoute("GET", "webhooks/count.json", count_webhooks),
    SlRoute("DELETE", "webhooks/{webhook_id}.json", delete_webhook),
]
