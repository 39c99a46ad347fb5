"""The HTTP edge of a running service: signed webhooks into the inbox, OAuth callbacks, probes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from sqlalchemy import text

from domain.authorization_state import TIKTOK_STATE_LIFETIME
from domain.webhooks import WebhookSource
from multichannel.v1 import app_pb2, app_pb2_grpc, shop_pb2, shop_pb2_grpc
from tests.e2e.installation import completion_request

SHOPLINE_CALLBACK = "/oauth/shopline/callback"
TIKTOK_CALLBACK = "/oauth/tiktok/callback"


@pytest.fixture
def sandbox_size() -> str:
    return "tiny"


@pytest.fixture
async def http():  # type: ignore[no-untyped-def]
    async with aiohttp.ClientSession() as session:
        yield session


async def _inbox(harness) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """Every stored delivery, once the drain has acted on what was stored."""
    await harness.container.jobs.inbox_drain().idle()
    async with harness.container.persistence.engine().connect() as conn:
        rows = await conn.execute(text("SELECT * FROM webhook_inbox ORDER BY received_at, delivery_key"))
        return [dict(row) for row in rows.mappings()]


def _tiktok_signed(harness, payload: dict[str, Any]) -> tuple[bytes, dict[str, str]]:  # type: ignore[no-untyped-def]
    body = json.dumps(payload, separators=(",", ":")).encode()
    settings = harness.settings
    signature = hmac.new(
        settings.tiktok_app_secret.encode(), settings.tiktok_app_key.encode() + body, hashlib.sha256
    ).hexdigest()
    return body, {"Authorization": signature, "Content-Type": "application/json"}


def _shopline_signed(harness, body: bytes, *, encoding: str = "hex") -> dict[str, str]:  # type: ignore[no-untyped-def]
    digest = hmac.new(harness.settings.shopline_app_secret.encode(), body, hashlib.sha256).digest()
    signature = digest.hex() if encoding == "hex" else base64.b64encode(digest).decode()
    return {
        "X-Shopline-Hmac-Sha256": signature,
        "X-Shopline-Topic": "products/update",
        "X-Shopline-Shop-Domain": f"{harness.sandbox.shopline_handle}.myshopline.com",
        "X-Shopline-Webhook-Id": "wh-1",
        "Content-Type": "application/json",
    }


ORDER_EVENT = {
    "type": 1,
    "tts_notification_id": "7380066284010030890",
    "shop_id": "7495540735365777507",
    "timestamp": 1718305585,
    "data": {"order_id": "576653688135258178", "order_status": "UNPAID", "update_time": 1718305585},
}


# --- webhooks --------------------------------------------------------------------------------


async def test_sandbox_webhooks_from_both_partners_are_stored_once_and_processed(harness) -> None:  # type: ignore[no-untyped-def]
    control = harness.sandbox.control
    (tiktok_shop_id,) = list(control.tiktok.shops)
    handle = harness.sandbox.shopline_handle
    control.configure_webhooks(
        tiktok_url=f"{harness.http_url}/webhooks/tiktok",
        shopline_url=f"{harness.http_url}/webhooks/shopline",
        handle=handle,
    )
    assert control.emit_tiktok_webhook(tiktok_shop_id, 1, {"order_id": "1", "order_status": "UNPAID"})
    assert control.emit_shopline_webhook(handle, "inventory_levels/update", {"inventory_item_id": 7}) == 1
    assert await control.deliver_webhooks() == 2
    assert [attempt for d in control.webhook_log()["finished"] for _, attempt in d["history"]] == [200, 200]

    rows = await _inbox(harness)
    assert [(r["source"], r["topic"], r["account"]) for r in rows] == [
        ("TIKTOK", "ORDER_STATUS_CHANGE", tiktok_shop_id),
        ("SHOPLINE", "inventory_levels/update", handle),
    ]
    assert all(r["processed_at"] is not None and r["attempts"] == 1 for r in rows)
    stats = harness.container.http.webhook_stats()
    assert stats.of(WebhookSource.TIKTOK).received == stats.of(WebhookSource.SHOPLINE).received == 1


async def test_a_replayed_tiktok_delivery_is_answered_200_and_stored_once(harness, http) -> None:  # type: ignore[no-untyped-def]
    body, headers = _tiktok_signed(harness, ORDER_EVENT)
    for _ in range(3):
        async with http.post(f"{harness.http_url}/webhooks/tiktok", data=body, headers=headers) as reply:
            assert (reply.status, await reply.read()) == (200, b"")
    rows = await _inbox(harness)
    assert [(r["delivery_key"], r["body"]) for r in rows] == [("7380066284010030890", body.decode())]
    assert harness.container.http.webhook_stats().of(WebhookSource.TIKTOK).redelivered == 2


@pytest.mark.parametrize("encoding", ["hex", "base64"])
async def test_a_replayed_shopline_delivery_is_stored_once_whatever_the_encoding(
    harness, http, encoding
) -> None:  # type: ignore[no-untyped-def]
    body = b'{"id":8123,"title":"Mug"}'
    headers = _shopline_signed(harness, body, encoding=encoding)
    for _ in range(2):
        async with http.post(f"{harness.http_url}/webhooks/shopline", data=body, headers=headers) as reply:
            assert reply.status == 200
    rows = await _inbox(harness)
    assert [(r["source"], r["delivery_key"], r["topic"]) for r in rows] == [
        ("SHOPLINE", "wh-1", "products/update")
    ]


async def test_a_bad_or_missing_signature_is_401_stores_nothing_and_is_counted(harness, http) -> None:  # type: ignore[no-untyped-def]
    body, headers = _tiktok_signed(harness, ORDER_EVENT)
    tampered = body.replace(b"UNPAID", b"PAID")
    async with http.post(f"{harness.http_url}/webhooks/tiktok", data=tampered, headers=headers) as reply:
        assert (reply.status, await reply.read()) == (401, b"")
    async with http.post(f"{harness.http_url}/webhooks/tiktok", data=body) as reply:
        assert reply.status == 401
    shopline_headers = _shopline_signed(harness, b"{}")
    async with http.post(
        f"{harness.http_url}/webhooks/shopline", data=b"{ }", headers=shopline_headers
    ) as reply:
        assert (reply.status, await reply.read()) == (401, b"")

    assert await _inbox(harness) == []
    stats = harness.container.http.webhook_stats()
    assert stats.of(WebhookSource.TIKTOK).signature_failures == 2
    assert stats.of(WebhookSource.SHOPLINE).signature_failures == 1
    assert stats.of(WebhookSource.SHOPLINE).last_signature_failure_at is not None
    assert stats.of(WebhookSource.TIKTOK).received == 0


async def test_an_oversize_body_is_413_and_malformed_json_is_400(harness, http) -> None:  # type: ignore[no-untyped-def]
    oversize = {**ORDER_EVENT, "data": {"padding": "x" * (1 << 20)}}
    body, headers = _tiktok_signed(harness, oversize)
    async with http.post(f"{harness.http_url}/webhooks/tiktok", data=body, headers=headers) as reply:
        assert reply.status == 413
    not_json = b"{not json"
    async with http.post(
        f"{harness.http_url}/webhooks/shopline", data=not_json, headers=_shopline_signed(harness, not_json)
    ) as reply:
        assert reply.status == 400
    assert await _inbox(harness) == []


async def test_a_signed_delivery_whose_ids_hold_a_nul_is_400_and_stores_nothing(harness, http) -> None:  # type: ignore[no-untyped-def]
    for event in ({**ORDER_EVENT, "tts_notification_id": "73\u0000"}, {**ORDER_EVENT, "shop_id": "74\u0000"}):
        body, headers = _tiktok_signed(harness, event)
        assert b"\\u0000" in body
        async with http.post(f"{harness.http_url}/webhooks/tiktok", data=body, headers=headers) as reply:
            assert reply.status == 400
            assert "NUL" in await reply.text()
    utf16 = json.dumps(ORDER_EVENT).encode("utf-16")
    async with http.post(
        f"{harness.http_url}/webhooks/shopline", data=utf16, headers=_shopline_signed(harness, utf16)
    ) as reply:
        assert reply.status == 400
    assert await _inbox(harness) == []


# --- probes ----------------------------------------------------------------------------------


async def test_health_and_readiness_answer_while_the_database_is_current(harness, http) -> None:  # type: ignore[no-untyped-def]
    async with http.get(f"{harness.http_url}/healthz") as reply:
        assert reply.status == 200
    async with http.get(f"{harness.http_url}/readyz") as reply:
        assert (reply.status, await reply.text()) == (200, "ready\n")


# --- OAuth callbacks -------------------------------------------------------------------------


async def _start_installation(harness) -> str:  # type: ignore[no-untyped-def]
    """The merchant's redirect back to the edge, as the sandbox store builds it."""
    apps = app_pb2_grpc.AppServiceStub(harness.channel)
    started = await apps.StartInstallation(
        app_pb2.StartInstallationRequest(
            store_handle=harness.sandbox.shopline_handle, redirect_uri=harness.http_url + SHOPLINE_CALLBACK
        )
    )
    granted = harness.sandbox.control.install_shopline(
        harness.sandbox.shopline_handle, authorization_url=started.authorization_url
    )
    return str(granted["callback_url"])


async def test_the_shopline_callback_installs_the_app_once(harness, http) -> None:  # type: ignore[no-untyped-def]
    callback_url = await _start_installation(harness)
    assert callback_url.startswith(harness.http_url + SHOPLINE_CALLBACK + "?")
    async with http.get(callback_url) as reply:
        page = await reply.text()
        assert reply.status == 200, page
        assert reply.content_type == "text/html"
    assert harness.sandbox.shopline_handle in page and "installed" in page
    listed = await app_pb2_grpc.AppServiceStub(harness.channel).ListApps(app_pb2.ListAppsRequest())
    assert [app.store_handle for app in listed.apps] == [harness.sandbox.shopline_handle]

    async with http.get(callback_url) as replayed:
        assert replayed.status == 409
        assert "start again" in (await replayed.text()).lower()


async def test_a_shopline_callback_with_a_wrong_signature_installs_nothing(harness, http) -> None:  # type: ignore[no-untyped-def]
    callback_url = await _start_installation(harness)
    forged = callback_url.replace("handle=", "handle=x") if "handle=" in callback_url else callback_url
    async with http.get(forged) as reply:
        page = await reply.text()
        assert reply.status == 400
    assert "signature does not match" in page
    listed = await app_pb2_grpc.AppServiceStub(harness.channel).ListApps(app_pb2.ListAppsRequest())
    assert list(listed.apps) == []


async def _installed_app(harness) -> str:  # type: ignore[no-untyped-def]
    apps = app_pb2_grpc.AppServiceStub(harness.channel)
    handle = harness.sandbox.shopline_handle
    started = await apps.StartInstallation(app_pb2.StartInstallationRequest(store_handle=handle))
    callback = harness.sandbox.control.install_shopline(handle, authorization_url=started.authorization_url)
    installed = await apps.CompleteInstallation(completion_request(callback["params"]))
    return str(installed.app.name)


async def _start_authorization(harness, app: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    shops = shop_pb2_grpc.ShopServiceStub(harness.channel)
    started = await shops.StartAuthorization(shop_pb2.StartAuthorizationRequest(parent=app, region_code="US"))
    code = harness.sandbox.control.grant_authorization()["code"]
    return started.state, code


async def test_the_tiktok_callback_links_the_shop_and_a_replay_is_refused(harness, http) -> None:  # type: ignore[no-untyped-def]
    app = await _installed_app(harness)
    state, code = await _start_authorization(harness, app)
    url = f"{harness.http_url}{TIKTOK_CALLBACK}"
    query = {"code": code, "state": state, "app_key": harness.settings.tiktok_app_key, "locale": "en"}
    async with http.get(url, params=query) as reply:
        page = await reply.text()
        assert reply.status == 200, page
    assert "Linked" in page and code not in page and state not in page
    shops = await shop_pb2_grpc.ShopServiceStub(harness.channel).ListShops(
        shop_pb2.ListShopsRequest(parent=app)
    )
    assert len(shops.shops) == 1

    async with http.get(url, params=query) as replayed:
        assert replayed.status == 409
        assert "expired or was already used" in await replayed.text()


async def test_an_expired_tiktok_state_links_nothing_and_says_to_start_again(harness, http) -> None:  # type: ignore[no-untyped-def]
    app = await _installed_app(harness)
    state, code = await _start_authorization(harness, app)
    harness.clock.advance(TIKTOK_STATE_LIFETIME + timedelta(minutes=1))
    async with http.get(
        f"{harness.http_url}{TIKTOK_CALLBACK}", params={"code": code, "state": state}
    ) as reply:
        assert reply.status == 409
        assert "start again" in (await reply.text()).lower()
    shops = await shop_pb2_grpc.ShopServiceStub(harness.channel).ListShops(
        shop_pb2.ListShopsRequest(parent=app)
    )
    assert list(shops.shops) == []


async def test_a_tiktok_callback_without_a_code_is_400(harness, http) -> None:  # type: ignore[no-untyped-def]
    async with http.get(f"{harness.http_url}{TIKTOK_CALLBACK}", params={"state": "s"}) as reply:
        assert reply.status == 400
        assert "code: is required" in await reply.text()


@pytest.mark.parametrize(
    ("query", "named"),
    [({"state": "s\x00", "code": "c"}, "state"), ({"state": "s", "code": "c" * 5000}, "code")],
)
async def test_a_callback_parameter_with_a_nul_or_too_long_is_400_naming_it(  # type: ignore[no-untyped-def]
    harness, http, query, named
) -> None:
    for path in (TIKTOK_CALLBACK, "/oauth/shopline/callback"):
        async with http.get(f"{harness.http_url}{path}", params=query) as reply:
            assert reply.status == 400, path
            page = await reply.text()
            assert f"{named}: " in page and len(page) < 4000
