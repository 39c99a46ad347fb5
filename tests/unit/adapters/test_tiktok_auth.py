"""Token host calls: absolute expiries, revocation codes, what is (not) repeated, no leaks."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from urllib.parse import parse_qsl

import httpx
import pytest

from adapters.tiktok.auth import TikTokAuthClient
from domain.errors import PartnerRateLimited, PartnerRejected, PartnerTokenRevoked, PartnerUnavailable
from domain.secret import Secret

APP_SECRET = "tiktok-unit-app-secret"
SAMPLE = {
    "code": 0,
    "message": "success",
    "request_id": "2024080809462301024509910319695C45",
    "data": {
        "access_token": "TTP_Fw8rBwAAAAAkW03FYd09DG-9INtpw361hWthei8S3fHX8iPJ5AUv99fLSCYD9-UucaqxTgNRzKZxi5",
        "access_token_expire_in": 1660556783,
        "refresh_token": "TTP_NTUxZTNhYTQ2ZDk2YmRmZWNmYWY2YWY2YzkxNGYwNjQ3YjkzYTllYjA0YmNlMw",
        "refresh_token_expire_in": 1691487031,
        "open_id": "7010736057180325637",
        "seller_name": "Test Seller",
        "seller_base_region": "US",
        "user_type": 0,
        "granted_scopes": ["seller.affiliate_collaboration.read", "seller.affiliate_collaboration.write"],
    },
}


def answer(payload: dict, status: int = 200) -> httpx.Response:
    return httpx.Response(status, content=json.dumps(payload).encode())


def failure(code: int, message: str, status: int = 400) -> httpx.Response:
    return answer({"code": code, "message": message, "request_id": "R-T", "data": None}, status)


class Server:
    def __init__(self, script) -> None:
        self.script = list(script)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        return step


def make_auth(server: Server, clock) -> TikTokAuthClient:
    return TikTokAuthClient(
        httpx.AsyncClient(transport=httpx.MockTransport(server)),
        auth_url="https://auth.tiktok-shops.com",
        app_key="6dt7o5taa35ra",
        app_secret=APP_SECRET,
        service_id="7310000000000000001",
        clock=clock,
        sleep=clock.sleep,
    )


def test_consent_url_by_market(fake_clock) -> None:
    auth = make_auth(Server([]), fake_clock)
    assert auth.authorization_url("US", "s1") == (
        "https://services.us.tiktokshop.com/open/authorize?service_id=7310000000000000001&state=s1"
    )
    assert auth.authorization_url("GB") == (
        "https://services.tiktokshop.com/open/authorize?service_id=7310000000000000001"
    )


async def test_code_exchange_reads_expiries_as_absolute_times_and_logs_no_secret(fake_clock, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    server = Server([answer(SAMPLE)])
    grant = await make_auth(server, fake_clock).exchange_code("TTP_code")
    assert grant.access_expires_at == datetime(2022, 8, 15, 9, 46, 23, tzinfo=UTC)
    assert grant.refresh_expires_at == datetime.fromtimestamp(1691487031, UTC)
    assert grant.open_id == "7010736057180325637" and grant.seller_base_region == "US"
    assert len(grant.granted_scopes) == 2
    request = server.requests[0]
    assert request.url.path == "/api/v2/token/get"
    query = dict(parse_qsl(request.url.query.decode()))
    assert query["grant_type"] == "authorized_code" and query["auth_code"] == "TTP_code"
    assert "x-tts-access-token" not in request.headers and "sign" not in query
    assert APP_SECRET not in caplog.text and "TTP_Fw8" not in caplog.text
    assert "TTP_Fw8" not in repr(grant)


async def test_code_exchange_is_never_repeated_after_an_ambiguous_failure(fake_clock) -> None:
    for step in (
        httpx.ReadTimeout("slow"),
        failure(36009003, "Internal error", 500),
        failure(36009002, "Too many", 429),
    ):
        server = Server([step])
        with pytest.raises((PartnerUnavailable, PartnerRateLimited)):
            await make_auth(server, fake_clock).exchange_code("TTP_code")
        assert len(server.requests) == 1


async def test_used_code_is_rejected(fake_clock) -> None:
    with pytest.raises(PartnerRejected) as caught:
        await make_auth(Server([failure(36004004, "Invalid auth code.")]), fake_clock).exchange_code("x")
    assert caught.value.code == "36004004" and caught.value.request_id == "R-T"


@pytest.mark.parametrize(
    ("code", "message"), [(36004001, "rt has expired"), (36004005, "can not find related auth record")]
)
async def test_refresh_rejections_mean_revoked(fake_clock, code, message) -> None:
    server = Server([failure(code, message)])
    with pytest.raises(PartnerTokenRevoked) as caught:
        await make_auth(server, fake_clock).refresh(Secret("TTP_refresh"))
    assert caught.value.code == str(code)
    query = dict(parse_qsl(server.requests[0].url.query.decode()))
    assert query["grant_type"] == "refresh_token" and query["refresh_token"] == "TTP_refresh"


async def test_refresh_is_repeated_only_when_throttled_or_never_sent(fake_clock) -> None:
    server = Server([httpx.ConnectError("refused"), failure(36009002, "Too many", 429), answer(SAMPLE)])
    await make_auth(server, fake_clock).refresh(Secret("TTP_refresh"))
    assert len(server.requests) == 3

    server = Server([httpx.ReadTimeout("slow")])
    with pytest.raises(PartnerUnavailable):
        await make_auth(server, fake_clock).refresh(Secret("TTP_refresh"))
    assert len(server.requests) == 1
