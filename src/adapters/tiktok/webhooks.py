"""The per-shop Event API (reference §3.14, W5): `PUT`/`GET`/`DELETE /event/202309/webhooks`,
signed like any Open API call, `shop_cipher` required. Setting or removing one event type's address
is idempotent, so every call may be retried."""

from __future__ import annotations

from typing import Any

from adapters.tiktok.malformed import MalformedResponse
from adapters.tiktok.transport import AccessTokenSource, ApiCall, TikTokTransport
from domain.webhook_subscriptions import WebhookSubscription

WEBHOOKS_PATH = "/event/202309/webhooks"


async def put_webhook(
    transport: TikTokTransport, tokens: AccessTokenSource, shop_cipher: str, event_type: str, address: str
) -> None:
    body = {"address": address, "event_type": event_type}
    await transport.call(ApiCall("PUT", WEBHOOKS_PATH, body=body, shop_cipher=shop_cipher), tokens)


async def delete_webhook(
    transport: TikTokTransport, tokens: AccessTokenSource, shop_cipher: str, event_type: str
) -> None:
    body = {"event_type": event_type}
    await transport.call(ApiCall("DELETE", WEBHOOKS_PATH, body=body, shop_cipher=shop_cipher), tokens)


async def list_webhooks(transport: TikTokTransport, tokens: AccessTokenSource, shop_cipher: str) -> Any:
    return (await transport.call(ApiCall("GET", WEBHOOKS_PATH, shop_cipher=shop_cipher), tokens)).data


def subscriptions(data: Any) -> list[WebhookSubscription]:
    found = []
    for row in (data or {}).get("webhooks") or []:
        event_type, address = row.get("event_type"), row.get("address")
        if not isinstance(event_type, str) or not isinstance(address, str):
            raise MalformedResponse("a webhook lacks its event_type or address")
        found.append(WebhookSubscription(event_type, address))
    return found
