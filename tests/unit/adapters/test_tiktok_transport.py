"""Retry, back-off, Retry-After, re-signing, token refresh and error mapping of the TikTok transport."""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable
from urllib.parse import parse_qsl

import httpx
import pytest

from adapters.http.ratelimit import KeyedRateLimiter
from adapters.http.retry import RetryPolicy
from adapters.tiktok import signing
from adapters.tiktok.client import TikTokChannelClient
from adapters.tiktok.transport import ApiCall, TikTokTransport
from domain.channel import ShopCredentials
from domain.errors import (
    PartnerAuthExpired,
    PartnerRateLimited,
    PartnerRejected,
    PartnerUnavailable,
)
from domain.secret import Secret
from tests.fakes import FakeAccessTokenRefresher

APP_KEY = "unit-app-key"
APP_SECRET = "unit-app-secret-value"
TOKEN = "ROW_first-access-token"
NEW_TOKEN = "ROW_second-access-token"


class Tokens:
    def __init__(self) -> None:
        self.current = TOKEN
        self.refreshes: list[str] = []

    async def access_token(self) -> str:
        return self.current

    async def refresh(self, rejected_token: str) -> str:
        self.refreshes.append(rejected_token)
        self.current = NEW_TOKEN
        return self.current


def envelope(code: int = 0, data: object = None, message: str = "Success", request_id: str = "RID-1") -> dict:
    return {"code": code, "message": message, "request_id": request_id, "data": data}


def reply(status: int, payload: dict, headers: dict | None = None) -> httpx.Response:
    return httpx.Response(status, content=json.dumps(payload).encode(), headers=headers)


class Server:
    """Answers from a script, one entry per request, and records what it received."""

    def __init__(
        self, script: list[httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]]
    ) -> None:
        self.script = list(script)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        if callable(step):
            return step(request)
        return step

    def query(self, n: int) -> dict[str, str]:
        return dict(parse_qsl(self.requests[n].url.query.decode()))


def make_transport(server: Server, clock, limiter: KeyedRateLimiter | None = None) -> TikTokTransport:
    return TikTokTransport(
        httpx.AsyncClient(transport=httpx.MockTransport(server)),
        base_url="https://open-api.test",
        app_key=APP_KEY,
        app_secret=APP_SECRET,
        rate_limiter=limiter,
        retry_policy=RetryPolicy(rng=random.Random(7)),
        clock=clock,
        sleep=clock.sleep,
    )


SEARCH = ApiCall(
    "POST", "/order/202309/orders/search", {"page_size": 50}, {"update_time_ge": 1}, shop_cipher="ROW_c"
)
CANCEL = ApiCall(
    "POST",
    "/return_refund/202309/cancellations",
    body={"order_id": "1"},
    shop_cipher="ROW_c",
    idempotent=False,
)


def assert_signed_correctly(request: httpx.Request) -> None:
    pairs = parse_qsl(request.url.query.decode(), keep_blank_values=True)
    received = dict(pairs)["sign"]
    assert received == signing.sign(APP_SECRET, request.url.path, pairs, request.content)


async def test_success_returns_data_and_request_id(fake_clock) -> None:
    server = Server([reply(200, envelope(data={"orders": []}, request_id="R-OK"))])
    result = await make_transport(server, fake_clock).call(SEARCH, Tokens())
    assert result.data == {"orders": []} and result.request_id == "R-OK"
    request = server.requests[0]
    assert request.headers["x-tts-access-token"] == TOKEN
    assert request.headers["content-type"] == "application/json"
    assert request.content == b'{"update_time_ge":1}'
    assert_signed_correctly(request)
    assert server.query(0)["shop_cipher"] == "ROW_c"


async def test_429_is_retried_honouring_retry_after_and_resigned_with_a_new_timestamp(fake_clock) -> None:
    limited = envelope(36009002, message="Too many requests.")
    server = Server([reply(429, limited, {"Retry-After": "7"}), reply(200, envelope(data={}))])
    await make_transport(server, fake_clock).call(SEARCH, Tokens())
    assert len(server.requests) == 2
    assert fake_clock.sleeps[0] >= 7
    first, second = server.query(0), server.query(1)
    assert int(second["timestamp"]) >= int(first["timestamp"]) + 7
    assert first["sign"] != second["sign"]
    for request in server.requests:
        assert_signed_correctly(request)


async def test_rate_limit_code_with_http_200_is_retried_even_for_non_idempotent_calls(fake_clock) -> None:
    server = Server(
        [reply(200, envelope(36009002, message="Too many")), reply(200, envelope(data={"cancel_id": "9"}))]
    )
    result = await make_transport(server, fake_clock).call(CANCEL, Tokens())
    assert result.data == {"cancel_id": "9"}


async def test_backoff_is_exponential_with_jitter_and_stops_after_five_attempts(fake_clock) -> None:
    server = Server([reply(503, envelope(36009003, message="Internal error")) for _ in range(5)])
    with pytest.raises(PartnerUnavailable) as caught:
        await make_transport(server, fake_clock).call(SEARCH, Tokens())
    assert len(server.requests) == 5
    assert len(fake_clock.sleeps) == 4
    for n, delay in enumerate(fake_clock.sleeps):
        assert 2**n <= delay <= 2**n + 0.5
    assert caught.value.code == "36009003" and caught.value.partner == "tiktok"


async def test_rate_limited_error_after_exhausting_retries(fake_clock) -> None:
    server = Server([reply(429, envelope(36009002, message="Too many")) for _ in range(5)])
    with pytest.raises(PartnerRateLimited):
        await make_transport(server, fake_clock).call(SEARCH, Tokens())
    assert len(server.requests) == 5


async def test_server_errors_are_not_retried_for_non_idempotent_calls(fake_clock) -> None:
    server = Server([reply(500, envelope(36009003, message="Internal error"))])
    with pytest.raises(PartnerUnavailable):
        await make_transport(server, fake_clock).call(CANCEL, Tokens())
    assert len(server.requests) == 1 and fake_clock.sleeps == []


async def test_timeouts_are_retried_only_for_idempotent_calls(fake_clock) -> None:
    server = Server([httpx.ReadTimeout("slow"), reply(200, envelope(data={}))])
    await make_transport(server, fake_clock).call(SEARCH, Tokens())
    assert len(server.requests) == 2

    server = Server([httpx.ReadTimeout("slow")])
    with pytest.raises(PartnerUnavailable) as caught:
        await make_transport(server, fake_clock).call(CANCEL, Tokens())
    assert caught.value.code == "timeout"
    assert caught.value.__cause__ is None and caught.value.__context__ is None


async def test_refused_connections_are_retried_even_for_non_idempotent_calls(fake_clock) -> None:
    server = Server([httpx.ConnectError("refused"), reply(200, envelope(data={"cancel_id": "1"}))])
    result = await make_transport(server, fake_clock).call(CANCEL, Tokens())
    assert result.data == {"cancel_id": "1"}


async def test_expired_token_is_refreshed_once_then_the_call_is_repeated_with_the_new_token(
    fake_clock,
) -> None:
    expired = envelope(105002, message="Expired credentials.")
    server = Server([reply(401, expired), reply(200, envelope(data={"shops": []}))])
    tokens = Tokens()
    await make_transport(server, fake_clock).call(ApiCall("GET", "/authorization/202309/shops"), tokens)
    assert tokens.refreshes == [TOKEN]
    assert server.requests[1].headers["x-tts-access-token"] == NEW_TOKEN
    assert "shop_cipher" not in server.query(1)
    assert fake_clock.sleeps == []


async def test_a_second_expiry_after_refresh_is_an_auth_error(fake_clock) -> None:
    expired = envelope(105002, message="Expired credentials.", request_id="R-EXP")
    server = Server([reply(401, expired), reply(401, expired)])
    tokens = Tokens()
    with pytest.raises(PartnerAuthExpired) as caught:
        await make_transport(server, fake_clock).call(SEARCH, tokens)
    assert len(tokens.refreshes) == 1
    assert caught.value.request_id == "R-EXP"


async def test_business_errors_are_rejections_carrying_code_message_and_request_id(fake_clock) -> None:
    server = Server(
        [reply(200, envelope(12019150, message="The product ID does not exist.", request_id="R-9"))]
    )
    with pytest.raises(PartnerRejected) as caught:
        await make_transport(server, fake_clock).call(SEARCH, Tokens())
    error = caught.value
    assert (error.code, error.partner_message, error.request_id) == (
        "12019150",
        "The product ID does not exist.",
        "R-9",
    )
    assert len(server.requests) == 1


async def test_signature_errors_with_401_are_not_mistaken_for_token_expiry(fake_clock) -> None:
    server = Server(
        [reply(401, envelope(106001, message="Invalid credentials. The 'sign' query parameter is invalid."))]
    )
    tokens = Tokens()
    with pytest.raises(PartnerRejected):
        await make_transport(server, fake_clock).call(SEARCH, tokens)
    assert tokens.refreshes == []


async def test_non_json_gateway_errors_are_mapped_by_status(fake_clock) -> None:
    server = Server([httpx.Response(502, content=b"<html>bad gateway</html>") for _ in range(5)])
    with pytest.raises(PartnerUnavailable) as caught:
        await make_transport(server, fake_clock).call(SEARCH, Tokens())
    assert caught.value.code == "http_502"


async def test_no_secret_token_or_signature_reaches_logs_or_errors(fake_clock, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    server = Server(
        [
            httpx.ReadTimeout("slow"),
            reply(401, envelope(105002, message="Expired")),
            reply(500, envelope(36009003)),
        ]
        + [reply(500, envelope(36009003)) for _ in range(5)]
    )
    with pytest.raises(PartnerUnavailable) as caught:
        await make_transport(server, fake_clock).call(SEARCH, Tokens())
    signatures = [dict(parse_qsl(r.url.query.decode()))["sign"] for r in server.requests]
    text = caplog.text + str(caught.value) + repr(caught.value.metadata())
    for secret in (APP_SECRET, TOKEN, NEW_TOKEN, *signatures):
        assert secret not in text
    assert "?" not in caplog.text


async def test_the_rate_limiter_spaces_calls_of_one_shop(fake_clock) -> None:
    limiter = KeyedRateLimiter(2, 1, clock=fake_clock, sleep=fake_clock.sleep)
    server = Server([reply(200, envelope(data={})) for _ in range(3)])
    transport = make_transport(server, fake_clock, limiter)
    for _ in range(3):
        await transport.call(SEARCH, Tokens())
    assert fake_clock.sleeps == pytest.approx([0.5, 0.5])


async def test_the_client_asks_the_refresher_it_was_constructed_with(fake_clock) -> None:
    refresher = FakeAccessTokenRefresher(fresh=Secret(NEW_TOKEN))
    server = Server(
        [
            reply(401, envelope(105002, message="Expired credentials.")),
            reply(200, envelope(data={"warehouses": []})),
        ]
    )
    client = TikTokChannelClient(
        httpx.AsyncClient(transport=httpx.MockTransport(server)),
        api_url="https://open-api.test",
        auth_url="https://auth.test",
        app_key=APP_KEY,
        app_secret=APP_SECRET,
        service_id="7310000000000000001",
        rate_limiter=KeyedRateLimiter(None),
        token_refresher=refresher,
        clock=fake_clock,
        sleep=fake_clock.sleep,
    )
    credentials = ShopCredentials("ROW_c", Secret(TOKEN))
    assert await client.warehouses(credentials) == []
    assert refresher.asked == [credentials]
    assert server.requests[1].headers["x-tts-access-token"] == NEW_TOKEN
