"""SHOPLINE transport and order creation with httpx.MockTransport and a fake clock."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from urllib.parse import parse_qsl

import httpx
import pytest

from adapters.http.ratelimit import KeyedRateLimiter
from adapters.shopline.client import ShoplineClient
from adapters.shopline.transport import next_page_info
from domain.channel import NewShoplineOrder, ShoplineCredentials, ShoplineOrderLine
from domain.errors import (
    InvalidStoreHandle,
    PartnerAuthExpired,
    PartnerRateLimited,
    PartnerRejected,
    PartnerScopeMissing,
    PartnerUnavailable,
)
from domain.ids import ShoplineVariantId
from domain.money import Money
from domain.secret import Secret

TOKEN = "eyJhbGciOiJIUzUxMiJ9.secret-token"
CREDENTIALS = ShoplineCredentials("open001", Secret(TOKEN))
ORDER_JSON = {
    "id": "2101",
    "name": "TT-1",
    "status": "open",
    "updated_at": "2026-11-24T10:00:00+00:00",
    "note_attributes": [{"name": "mcc_channel_order", "value": "TT-1"}],
}


def respond(status: int, payload: object, headers: dict | None = None) -> httpx.Response:
    return httpx.Response(
        status, content=json.dumps(payload).encode(), headers={"traceId": "T-1", **(headers or {})}
    )


class Server:
    def __init__(self, script) -> None:
        self.script = list(script)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        return step(request) if callable(step) else step


def make_client(server: Server, clock, **overrides) -> ShoplineClient:
    return ShoplineClient(
        httpx.AsyncClient(transport=httpx.MockTransport(server)),
        app_key="ak",
        app_secret="shopline-secret-value",
        url_template="https://{handle}.myshopline.test",
        api_version="v20260301",
        rate_limiter=overrides.pop("rate_limiter", KeyedRateLimiter(None)),
        clock=clock,
        sleep=clock.sleep,
        **overrides,
    )


def order() -> NewShoplineOrder:
    price = Money.of("10.00", "USD")
    return NewShoplineOrder(
        channel_marker="TT-1",
        name="TT-1",
        currency="USD",
        lines=(ShoplineOrderLine(ShoplineVariantId("55"), "Socks", 2, price),),
        total=Money.of("25.00", "USD"),
    )


def test_next_page_info_from_link_header() -> None:
    url = "https://s.myshopline.com/admin/openapi/v1/products/products.json?limit=2&page_info="
    link = f'<{url}abc%3D%3D>; rel="previous", <{url}def%2B%2F>; rel="next"'
    assert next_page_info(link) == "def+/"
    assert next_page_info(None) is None
    assert next_page_info(link.split(", ")[0]) is None


async def test_rest_requests_use_version_template_bearer_and_compact_json(fake_clock) -> None:
    server = Server([respond(200, {"variant": {}})])
    await make_client(server, fake_clock).update_variant_price(
        CREDENTIALS, ShoplineVariantId("55"), Money.of("9.5", "USD")
    )
    request = server.requests[0]
    assert (
        str(request.url)
        == "https://open001.myshopline.test/admin/openapi/v20260301/products/variants/55.json"
    )
    assert request.method == "PUT"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["content-type"] == "application/json; charset=utf-8"
    assert request.content == b'{"variant":{"id":"55","price":"9.50"}}'


async def test_get_requests_carry_the_json_content_type_too(fake_clock) -> None:
    server = Server([respond(200, {"locations": []})])
    await make_client(server, fake_clock).locations(CREDENTIALS)
    request = server.requests[0]
    assert request.method == "GET" and request.content == b""
    assert request.headers["content-type"] == "application/json; charset=utf-8"


async def test_handles_that_could_change_the_host_are_refused(fake_clock) -> None:
    with pytest.raises(InvalidStoreHandle):
        await make_client(Server([]), fake_clock).locations(ShoplineCredentials("evil.com/x", Secret("t")))


async def test_429_on_a_read_is_retried_after_retry_after(fake_clock) -> None:
    limited = respond(429, {"errors": "Too many request"}, {"Retry-After": "3"})
    server = Server([limited, respond(200, {"locations": []})])
    assert await make_client(server, fake_clock).locations(CREDENTIALS) == []
    assert len(server.requests) == 2 and fake_clock.sleeps[0] >= 3


async def test_persistent_429_becomes_rate_limited(fake_clock) -> None:
    server = Server([respond(429, {"errors": "Too many request"}) for _ in range(5)])
    with pytest.raises(PartnerRateLimited) as caught:
        await make_client(server, fake_clock).locations(CREDENTIALS)
    assert caught.value.request_id == "T-1" and caught.value.partner_message == "Too many request"


@pytest.mark.parametrize(
    ("status", "error"),
    [(401, PartnerAuthExpired), (404, PartnerRejected), (422, PartnerRejected), (402, PartnerRejected)],
)
async def test_status_codes_map_to_port_errors(fake_clock, status, error) -> None:
    server = Server([respond(status, {"errors": {"price": ["is invalid"]}})])
    with pytest.raises(error) as caught:
        await make_client(server, fake_clock).locations(CREDENTIALS)
    assert caught.value.code == str(status) and "is invalid" in caught.value.partner_message
    assert len(server.requests) == 1


async def test_a_403_is_a_missing_scope_named_after_the_endpoint_and_never_retried(fake_clock) -> None:
    server = Server([respond(403, {"errors": "Forbidden"})])
    with pytest.raises(PartnerScopeMissing) as caught:
        await make_client(server, fake_clock).set_inventory_level(CREDENTIALS, "7", "1", 3)
    assert caught.value.scope == "write_inventory" and caught.value.request_id == "T-1"
    assert "re-authorize" in str(caught.value) and "'write_inventory'" in str(caught.value)
    assert len(server.requests) == 1 and fake_clock.sleeps == []


async def test_reset_during_create_is_followed_by_a_lookup_not_a_second_post(fake_clock) -> None:
    found = respond(200, {"orders": [ORDER_JSON]})
    server = Server([httpx.RemoteProtocolError("peer closed"), found])
    ref = await make_client(server, fake_clock).create_order(CREDENTIALS, order())
    assert ref.order_id == "2101" and ref.channel_marker == "TT-1"
    assert [r.method for r in server.requests] == ["POST", "GET"]
    lookup = dict(parse_qsl(server.requests[1].url.query.decode()))
    assert lookup["search_content"] == "TT-1" and lookup["status"] == "any"


async def test_create_posts_again_only_when_the_lookups_find_nothing(fake_clock) -> None:
    nothing = respond(200, {"orders": []})
    server = Server([respond(503, {"errors": "busy"}), nothing, nothing, respond(201, {"order": ORDER_JSON})])
    ref = await make_client(server, fake_clock).create_order(CREDENTIALS, order())
    assert ref.order_id == "2101"
    assert [r.method for r in server.requests] == ["POST", "GET", "GET", "POST"]
    scan = dict(parse_qsl(server.requests[2].url.query.decode()))
    since = datetime.fromisoformat(scan["created_at_min"])
    assert since <= datetime.fromtimestamp(fake_clock.now, UTC)
    first, second = json.loads(server.requests[0].content), json.loads(server.requests[3].content)
    assert first == second
    body = first["order"]
    assert body["inventory_behaviour"] == "decrement_ignoring_policy"
    assert body["note_attributes"] == [{"name": "mcc_channel_order", "value": "TT-1"}]
    assert "TT-1" in body["tags"].split(",")
    assert body["line_items"] == [{"title": "Socks", "quantity": 2, "price": "10.00", "variant_id": "55"}]
    assert body["shipping_line"]["price"] == "5.00"
    assert body["financial_status"] == "paid"


async def test_refused_connection_on_create_is_simply_retried(fake_clock) -> None:
    server = Server([httpx.ConnectError("refused"), respond(201, {"order": ORDER_JSON})])
    await make_client(server, fake_clock).create_order(CREDENTIALS, order())
    assert [r.method for r in server.requests] == ["POST", "POST"]


async def test_validation_failure_on_create_is_not_retried(fake_clock) -> None:
    server = Server([respond(422, {"errors": "order.line_items[0].variant_id does not exist"})])
    with pytest.raises(PartnerRejected):
        await make_client(server, fake_clock).create_order(CREDENTIALS, order())
    assert len(server.requests) == 1


async def test_create_gives_up_after_five_ambiguous_attempts(fake_clock) -> None:
    nothing = respond(200, {"orders": []})
    script = [respond(500, {"errors": "x"})]
    for _ in range(4):
        script += [nothing, nothing, respond(500, {"errors": "x"})]
    server = Server(script)
    with pytest.raises(PartnerUnavailable):
        await make_client(server, fake_clock).create_order(CREDENTIALS, order())
    assert [r.method for r in server.requests].count("POST") == 5


async def test_token_calls_are_signed_per_attempt_and_never_leak(fake_clock, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    granted = respond(
        200,
        {
            "code": 200,
            "i18nCode": "SUCCESS",
            "data": {
                "accessToken": TOKEN,
                "expireTime": "2026-11-25T04:00:00.000+00:00",
                "scope": "read_orders,write_orders",
            },
        },
    )
    server = Server([httpx.ConnectError("refused"), granted])
    client = make_client(server, fake_clock)
    grant = await client.create_token("open001", "the-code")
    assert grant.expires_at == datetime(2026, 11, 25, 4, tzinfo=UTC)
    assert grant.scopes == ("read_orders", "write_orders")
    first, second = server.requests
    assert str(second.url) == "https://open001.myshopline.test/admin/oauth/token/create"
    assert second.content == b'{"code":"the-code"}'
    assert first.headers["timestamp"] != second.headers["timestamp"]
    assert first.headers["sign"] != second.headers["sign"]
    assert (
        TOKEN not in caplog.text and "shopline-secret-value" not in caplog.text and TOKEN not in repr(grant)
    )


async def test_token_endpoint_errors(fake_clock) -> None:
    def oauth(status: int, code: str) -> httpx.Response:
        return respond(status, {"code": status, "i18nCode": code, "message": code.lower(), "data": None})

    server = Server(
        [oauth(400, "STORE_NOT_INSTALL_APP"), oauth(429, "REQUEST_FREQUENTLY"), httpx.ReadTimeout("slow")]
    )
    client = make_client(server, fake_clock)
    from domain.errors import PartnerTokenRevoked

    with pytest.raises(PartnerTokenRevoked):
        await client.refresh_token("open001")
    with pytest.raises(PartnerRateLimited):
        await client.refresh_token("open001")
    with pytest.raises(PartnerUnavailable):
        await client.refresh_token("open001")  # a refresh whose outcome is unknown is not repeated
    assert len(server.requests) == 3
