"""Fault injection (deterministic, scoped), the HTTP control surface, clock control and webhooks."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from aiohttp import web

from sandbox.faults import FaultInjector, FaultRule
from sandbox.signing import verify_shopline_webhook, verify_tiktok_webhook

SHOPS = "/authorization/202309/shops"
INVENTORY = "/product/202309/products/{}/inventory/update"


def decisions(seed: int, n: int = 40) -> list[bool]:
    injector = FaultInjector(seed)
    injector.add(FaultRule("error", "tiktok", "POST /order/*", probability=0.3))
    return [
        injector.decide("tiktok", "POST", "/order/202309/orders/search").terminal is not None
        for _ in range(n)
    ]


def test_fault_decisions_are_deterministic_under_a_seed():
    assert decisions(11) == decisions(11)
    assert decisions(11) != decisions(12)
    assert 0 < sum(decisions(11)) < 40


def test_faults_are_scoped_by_service_pattern_and_count():
    injector = FaultInjector(0)
    injector.add(FaultRule("reset", "shopline", "POST */orders.json", count=2))
    assert injector.decide("tiktok", "POST", "/admin/openapi/v20251201/orders.json").terminal is None
    assert injector.decide("shopline", "GET", "/admin/openapi/v20251201/orders.json").terminal is None
    fired = [
        injector.decide("shopline", "POST", "/admin/openapi/v20251201/orders.json").terminal for _ in range(3)
    ]
    assert [rule is not None for rule in fired] == [True, True, False]
    assert injector.rules == []


async def test_injected_5xx_then_recovery(tiktok, sandbox):
    sandbox.control.add_fault("error", service="tiktok", pattern="GET /authorization/*", count=1, status=503)
    failed = await tiktok.call("GET", SHOPS)
    assert failed.status_code == 503 and failed.json()["code"] == 36009003
    assert (await tiktok.call("GET", SHOPS)).json()["code"] == 0


async def test_injected_429_burst(tiktok, sandbox):
    sandbox.control.add_fault("rate_limit", service="tiktok", count=3)
    statuses = [(await tiktok.call("GET", SHOPS)).status_code for _ in range(4)]
    assert statuses == [429, 429, 429, 200]


async def test_connection_reset_gives_no_answer(tiktok, sandbox):
    sandbox.control.add_fault("reset", service="tiktok", count=1)
    with pytest.raises(httpx.HTTPError):
        await tiktok.call("GET", SHOPS)
    assert (await tiktok.call("GET", SHOPS)).json()["code"] == 0


async def test_latency_fault_delays_the_answer(tiktok, sandbox):
    sandbox.control.add_fault("latency", service="tiktok", latency_s=0.3, count=1)
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert (await tiktok.call("GET", SHOPS)).json()["code"] == 0
    assert loop.time() - started >= 0.3


async def test_tiktok_lost_response_applies_the_write_once(tiktok, sandbox):
    sku = sandbox.control.sample_skus(tiktok.shop_id(1), 1)[0]
    sandbox.control.add_fault(
        "lost_response", service="tiktok", pattern="*/inventory/update", count=1, status=500
    )
    body = {"skus": [{"id": sku["id"], "inventory": [{"quantity": 77}]}]}
    lost = await tiktok.call("POST", INVENTORY.format(sku["product_id"]), body=body, cipher=tiktok.cipher(1))
    assert lost.status_code == 500
    assert list(sandbox.control.tiktok.data(tiktok.shop_id(1)).skus[sku["id"]].inventory.values()) == [77]


async def test_control_over_http(sandbox, http):
    base = f"{sandbox.tiktok_api_url}/_sandbox"
    granted = (await http.post(f"{base}/grant_authorization", json={})).json()["result"]
    assert granted["code"].startswith("ROW_")
    shop = (
        await http.post(
            f"{sandbox.shopline_url_template.split('/stores')[0]}/_sandbox/create_shop",
            json={"region": "SG", "name": "Lion City", "products": 2, "orders": 3},
        )
    ).json()["result"]
    assert shop["region"] == "SG" and shop["currency"] == "SGD"
    state = (await http.get(f"{sandbox.tiktok_auth_url}/_sandbox/state")).json()
    assert any(s["name"] == "Lion City" for s in state["tiktok"]["shops"])
    unknown = await http.post(f"{base}/drop_database", json={})
    assert unknown.status_code == 404
    bad = await http.post(f"{base}/set_stock", json={"shop_id": "nope", "sku_id": "x", "quantity": 1})
    assert bad.status_code == 400
    moved = (await http.post(f"{base}/advance_clock", json={"seconds": 3600})).json()["result"]
    assert moved == pytest.approx(sandbox.control.now(), abs=5)


async def start_receiver(fail_first: int = 0):
    received: list[tuple[dict[str, str], bytes]] = []
    failures = {"left": fail_first}

    async def receive(request: web.Request) -> web.Response:
        received.append((dict(request.headers), await request.read()))
        if failures["left"] > 0:
            failures["left"] -= 1
            return web.Response(status=500)
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", receive)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}/hook", received


async def test_tiktok_webhook_is_signed_and_retried_on_the_reference_schedule(tiktok, sandbox):
    runner, url, received = await start_receiver(fail_first=1)
    try:
        sandbox.control.configure_webhooks(tiktok_url=url)
        order = sandbox.control.sample_orders(tiktok.shop_id(), status="AWAITING_SHIPMENT", limit=1)[0]
        sandbox.control.set_order_status(tiktok.shop_id(), order["id"], "AWAITING_COLLECTION")
        assert await sandbox.control.deliver_webhooks() == 1
        sandbox.control.advance_clock(119)
        assert await sandbox.control.deliver_webhooks() == 0
        sandbox.control.advance_clock(2)
        assert await sandbox.control.deliver_webhooks() == 1
        assert len(received) == 2 and received[0][1] == received[1][1]
        headers, body = received[1]
        creds = sandbox.credentials
        assert verify_tiktok_webhook(
            creds.tiktok_app_key, creds.tiktok_app_secret, body, headers["Authorization"]
        )
        payload = json.loads(body)
        assert payload["type"] == 1 and payload["shop_id"] == tiktok.shop_id()
        assert (
            payload["data"]["order_id"] == order["id"]
            and payload["data"]["order_status"] == "AWAITING_COLLECTION"
        )
    finally:
        await runner.cleanup()


async def test_shopline_webhook_subscription_receives_signed_order_create(sandbox, shopline):
    runner, url, received = await start_receiver()
    try:
        created = await shopline.request(
            "POST",
            "webhooks.json",
            json={"webhook": {"address": url, "topic": "orders/create", "api_version": "v20251201"}},
        )
        assert created.status_code == 200
        missing_version = await shopline.request(
            "POST", "webhooks.json", json={"webhook": {"address": url, "topic": "orders/create"}}
        )
        assert missing_version.status_code == 400
        variant = sandbox.control.shopline_variants(shopline.handle, 1)[0]
        order = {"order": {"name": "W-1", "line_items": [{"variant_id": variant["id"], "quantity": 1}]}}
        await shopline.request("POST", "orders.json", json=order)
        await sandbox.control.deliver_webhooks()
        headers, body = received[0]
        assert headers["X-Shopline-Topic"] == "orders/create" and headers["X-Shopline-Webhook-Id"]
        assert verify_shopline_webhook(
            sandbox.credentials.shopline_app_secret, body, headers["X-Shopline-Hmac-Sha256"]
        )
        assert json.loads(body)["name"] == "W-1"
    finally:
        await runner.cleanup()


async def test_clock_can_be_set_and_frozen(sandbox):
    sandbox.control.set_clock(1_900_000_000, frozen=True)
    assert sandbox.control.now() == 1_900_000_000
    sandbox.control.advance_clock(5)
    assert sandbox.control.now() == 1_900_000_005
