"""TikTok's retryable fulfillment system errors reach callers as `PartnerUnavailable` and are
not repeated for a ship call; other refusals stay `PartnerRejected` with TikTok's code."""

from __future__ import annotations

import json

import httpx
import pytest

from adapters.http.retry import RetryPolicy
from adapters.tiktok.fulfillment import TikTokFulfillmentClient
from adapters.tiktok.shop_tokens import ShopTokens
from adapters.tiktok.transport import TikTokTransport
from domain.channel import ShopCredentials
from domain.errors import PartnerRejected, PartnerUnavailable
from domain.ids import OrderId
from domain.secret import Secret

CREDENTIALS = ShopCredentials("ROW_cipher", Secret("token"))


def client_answering(code: int, seen: list[httpx.Request]) -> TikTokFulfillmentClient:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        payload = {"code": code, "message": "System error", "request_id": "RID", "data": None}
        return httpx.Response(200, content=json.dumps(payload).encode())

    async def no_sleep(_seconds: float) -> None:
        return None

    transport = TikTokTransport(
        httpx.AsyncClient(transport=httpx.MockTransport(answer)),
        base_url="https://open-api.example",
        app_key="key",
        app_secret="secret",
        retry_policy=RetryPolicy(),
        clock=lambda: 1_700_000_000.0,
        sleep=no_sleep,
    )
    return TikTokFulfillmentClient(transport, lambda credentials: ShopTokens(credentials, None))


@pytest.mark.parametrize("code", [21001003, 21042076, 11001031])
async def test_retryable_system_errors_are_unavailable_and_sent_once(code):
    seen: list[httpx.Request] = []
    client = client_answering(code, seen)
    with pytest.raises(PartnerUnavailable) as error:
        await client.mark_package_shipped(CREDENTIALS, OrderId("1"), [], "9400111899223197428490", "1")
    assert error.value.code == str(code) and len(seen) == 1


async def test_refusals_keep_tiktoks_code():
    seen: list[httpx.Request] = []
    client = client_answering(21011040, seen)
    with pytest.raises(PartnerRejected) as error:
        await client.ship_package(CREDENTIALS, "1153")
    assert not isinstance(error.value, PartnerUnavailable) and error.value.code == "21011040"
