"""Webhook subscriptions (reference B6, fulfillment-and-webhooks S6): `POST webhooks.json` (one
topic per call, `api_version` mandatory), `GET webhooks.json`, and `PUT`/`DELETE
{id}/webhooks.json`, the official path form. Creating is not idempotent (a repeat subscribes
twice), so it is retried only when the request certainly never left."""

from __future__ import annotations

from typing import Any

from adapters.shopline.mapping import MalformedResponse
from adapters.shopline.scopes import WEBHOOKS
from adapters.shopline.transport import RestCall, ShoplineTransport
from domain.webhook_subscriptions import WebhookSubscription


async def create(
    transport: ShoplineTransport, handle: str, token: str, topic: str, address: str, api_version: str
) -> Any:
    body = {"webhook": {"address": address, "api_version": api_version, "topic": topic}}
    call = RestCall("POST", "webhooks.json", WEBHOOKS, body=body, idempotent=False)
    return (await transport.call(handle, token, call)).data


async def list_all(transport: ShoplineTransport, handle: str, token: str) -> Any:
    return (await transport.call(handle, token, RestCall("GET", "webhooks.json", WEBHOOKS))).data


async def update_address(
    transport: ShoplineTransport, handle: str, token: str, subscription_id: str, address: str
) -> Any:
    call = RestCall(
        "PUT", f"{subscription_id}/webhooks.json", WEBHOOKS, body={"webhook": {"address": address}}
    )
    return (await transport.call(handle, token, call)).data


async def delete(transport: ShoplineTransport, handle: str, token: str, subscription_id: str) -> None:
    await transport.call(handle, token, RestCall("DELETE", f"{subscription_id}/webhooks.json", WEBHOOKS))


def subscription(raw: Any) -> WebhookSubscription:
    webhook_id, topic, address = raw.get("id"), raw.get("topic"), raw.get("address")
    if isinstance(webhook_id, bool) or not isinstance(webhook_id, int | str) or str(webhook_id) == "":
        raise MalformedResponse("a webhook has no id")
    if not isinstance(topic, str) or not isinstance(address, str):
        raise MalformedResponse("a webhook lacks its topic or address")
    return WebhookSubscription(topic, address, str(webhook_id), str(raw.get("api_version") or ""))


def subscriptions(data: Any) -> list[WebhookSubscription]:
    return [subscription(raw) for raw in (data or {}).get("webhooks") or []]
