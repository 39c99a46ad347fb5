"""Outgoing webhooks: an event for every change, the subscription APIs, retries and faults."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import pytest
from aiohttp import web

from sandbox.clock import SandboxClock
from sandbox.runner import RunningSandbox
from sandbox.signing import verify_shopline_webhook, verify_tiktok_webhook
from sandbox.webhooks import SHOPLINE_RETRY_DELAYS, TIKTOK_RETRY_DELAYS, WebhookDispatcher

WEBHOOKS = "/event/202309/webhooks"
PARKED = "http://127.0.0.1:9/parked"  # never sent: these tests read the queue without pumping
B6_HEADERS = (
    "X-Shopline-Topic",
    "X-Shopline-Hmac-Sha256",
    "X-Shopline-Shop-Domain",
    "X-Shopline-Shop-Id",
    "X-Shopline-Merchant-Id",
    "X-Shopline-API-Version",
    "X-Shopline-Webhook-Id",
)


@dataclass
class Receiver:
    url: str
    answer: Callable[[int], int] = lambda _n: 200
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    def bodies(self) -> list[dict[str, object]]:
        return [json.loads(body) for _headers, body in self.received]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    box = Receiver("")

    async def receive(request: web.Request) -> web.Response:
        box.received.append((dict(request.headers), await request.read()))
        return web.Response(status=box.answer(len(box.received)))

    app = web.Application()
    app.router.add_post("/hook", receive)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    box.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/hook"  # type: ignore[union-attr]
    try:
        yield box
    finally:
        await runner.cleanup()


def queued(sandbox: RunningSandbox) -> list[str]:
    return [delivery.label for delivery in sandbox.control.dispatcher.pending]


# ---------------------------------------------------------------- every change sends its event


async def test_every_tiktok_change_queues_its_signed_event(sandbox, tiktok):
    control, shop = sandbox.control, tiktok.shop_id()
    control.configure_webhooks(tiktok_url=PARKED)
    sku = control.sample_skus(shop, 1, active_only=True)[0]
    control.set_stock(shop, sku["id"], 7)
    control.set_price(shop, sku["id"], sku["price"])
    control.set_product_status(shop, sku["product_id"], "SELLER_DEACTIVATED")
    control.create_product(shop, ["NEW-1"])
    order = control.create_order(shop, [(sku["id"], 1)], status="AWAITING_SHIPMENT")
    control.request_buyer_cancellation(shop, order["id"])
    control.warn_authorization_expiry(shop)
    control.revoke_grant(shop_id=shop)  # the grant covers every shop: each is told
    mine = [d for d in control.dispatcher.pending if json.loads(d.body)["shop_id"] == shop]
    assert [d.label for d in mine] == [
        "tiktok:PRODUCT_INFORMATION_CHANGE",
        "tiktok:PRODUCT_INFORMATION_CHANGE",
        "tiktok:PRODUCT_STATUS_CHANGE",
        "tiktok:PRODUCT_CREATION",
        "tiktok:ORDER_STATUS_CHANGE",
        "tiktok:CANCELLATION_STATUS_CHANGE",
        "tiktok:UPCOMING_AUTHORIZATION_EXPIRATION",
        "tiktok:SELLER_DEAUTHORIZATION",
    ]
    assert len(control.dispatcher.pending) == len(mine) + len(tiktok.shops) - 1
    creds = sandbox.credentials
    for delivery in control.dispatcher.pending:
        assert json.loads(delivery.body)["tts_notification_id"]
        assert verify_tiktok_webhook(
            creds.tiktok_app_key, creds.tiktok_app_secret, delivery.body, delivery.headers["Authorization"]
        )
    expiry = json.loads(mine[6].body)["data"]
    assert isinstance(expiry["expiration_time"], str) and int(expiry["expiration_time"]) > control.now()


async def test_every_shopline_change_queues_its_event_with_the_b6_headers(sandbox, shopline):
    control, handle = sandbox.control, shopline.handle
    control.configure_webhooks(shopline_url=PARKED, handle=handle)
    variant = control.shopline_variants(handle, 1)[0]
    control.set_shopline_inventory(handle, variant["id"], 5)
    control.set_variant_price(handle, variant["id"], "12.50")
    control.delete_shopline_product(handle, variant["product_id"])
    control.emit_redact(handle, "customers/redact", ["C-1"])
    control.emit_redact(handle, "merchants/redact")
    control.uninstall_shopline(handle)
    assert queued(sandbox) == [
        "shopline:inventory_levels/update",
        "shopline:products/update",
        "shopline:products/delete",
        "shopline:customers/redact",
        "shopline:merchants/redact",
        "shopline:apps/installed_uninstalled",
    ]
    pending = control.dispatcher.pending
    for delivery in pending:
        assert all(delivery.headers.get(name) for name in B6_HEADERS)
        assert delivery.headers["X-Shopline-Shop-Domain"] == f"{handle}.myshopline.com"
        assert verify_shopline_webhook(
            sandbox.credentials.shopline_app_secret, delivery.body, delivery.headers["X-Shopline-Hmac-Sha256"]
        )
    assert len({d.headers["X-Shopline-Webhook-Id"] for d in pending}) == len(pending)
    assert json.loads(pending[0].body)["available"] == 5
    updated = json.loads(pending[1].body)
    assert any(v["price"] == "12.50" for v in updated["variants"])
    assert json.loads(pending[2].body) == {"id": variant["product_id"]}
    assert json.loads(pending[5].body)["operate"] == "UNINSTALL"


async def test_variant_update_and_restocking_cancel_through_the_api_send_events(sandbox, shopline):
    control, handle = sandbox.control, shopline.handle
    control.configure_webhooks(shopline_url=PARKED, handle=handle)
    variant = control.shopline_variants(handle, 1)[0]
    updated = await shopline.request(
        "PUT", f"products/variants/{variant['id']}.json", json={"variant": {"price": "9.99"}}
    )
    assert updated.status_code == 200
    lines = [{"variant_id": variant["id"], "quantity": 2}]
    order = {
        "order": {"name": "W-9", "line_items": lines, "inventory_behaviour": "decrement_ignoring_policy"}
    }
    created = (await shopline.request("POST", "orders.json", json=order)).json()["order"]
    control.dispatcher.pending.clear()
    cancelled = await shopline.request("POST", f"orders/{created['id']}/cancel.json", json={"restock": True})
    assert cancelled.status_code == 200
    assert queued(sandbox) == ["shopline:inventory_levels/update", "shopline:orders/cancelled"]


async def test_a_cancel_in_the_admin_restocks_and_sends_the_signed_order(sandbox, shopline):
    control, handle = sandbox.control, shopline.handle
    control.configure_webhooks(shopline_url=PARKED, handle=handle)
    variant = control.shopline_variants(handle, 1)[0]
    control.set_shopline_inventory(handle, variant["id"], 5)
    stocked = control.shopline_variants(handle, 1)[0]["inventory_quantity"]
    marker = [{"name": "mcc_channel_order", "value": "TIKTOK_SHOP:1:2"}]
    lines = [{"variant_id": variant["id"], "quantity": 2}]
    body = {
        "order": {
            "name": "TIKTOK_SHOP:1:2",
            "line_items": lines,
            "note_attributes": marker,
            "inventory_behaviour": "decrement_ignoring_policy",
        }
    }
    created = (await shopline.request("POST", "orders.json", json=body)).json()["order"]
    assert control.shopline_variants(handle, 1)[0]["inventory_quantity"] == stocked - 2
    control.dispatcher.pending.clear()

    control.cancel_store_order_in_admin(handle, created["id"], restock=True)
    assert queued(sandbox) == ["shopline:inventory_levels/update", "shopline:orders/cancelled"]
    assert control.shopline_variants(handle, 1)[0]["inventory_quantity"] == stocked
    delivery = control.dispatcher.pending[1]
    assert delivery.headers["X-Shopline-Topic"] == "orders/cancelled"
    assert verify_shopline_webhook(
        sandbox.credentials.shopline_app_secret, delivery.body, delivery.headers["X-Shopline-Hmac-Sha256"]
    )
    order = json.loads(delivery.body)
    assert (order["id"], order["status"], order["cancel_reason"]) == (created["id"], "cancelled", "customer")
    assert order["cancelled_at"] and order["note_attributes"] == marker
    assert order["line_items"][0]["fulfillable_quantity"] == 0
    with pytest.raises(Exception, match="already been cancelled"):
        control.cancel_store_order_in_admin(handle, created["id"])
    refused = await shopline.request("POST", f"orders/{created['id']}/cancel.json", json={"restock": True})
    assert refused.status_code == 422


# ---------------------------------------------------------------- subscription APIs


async def test_tiktok_event_api_is_strict_and_routes_events_to_the_shop_address(sandbox, tiktok, receiver):
    cipher, shop = tiktok.cipher(), tiktok.shop_id()
    sandbox.control.configure_webhooks(tiktok_url=PARKED)
    body = {"address": receiver.url, "event_type": "ORDER_STATUS_CHANGE"}
    assert await tiktok.ok("PUT", WEBHOOKS, body=body, cipher=cipher) == {}
    listed = await tiktok.ok("GET", WEBHOOKS, cipher=cipher)
    assert listed["total_count"] == 1 and listed["webhooks"][0]["address"] == receiver.url
    for bad in (
        {"address": receiver.url, "event_type": "INVENTORY_STATUS_CHANGE"},  # not one of the 17
        {"address": "https://x.example/" + "a" * 240, "event_type": "PRODUCT_CREATION"},
    ):
        refused = (await tiktok.call("PUT", WEBHOOKS, body=bad, cipher=cipher)).json()
        assert refused["code"] != 0
    no_cipher = (await tiktok.call("PUT", WEBHOOKS, body=body)).json()
    assert no_cipher["code"] != 0
    nothing_there = {"event_type": "PRODUCT_CREATION"}
    assert await tiktok.ok("DELETE", WEBHOOKS, body=nothing_there, cipher=cipher) == {}

    order = sandbox.control.sample_orders(shop, status="AWAITING_SHIPMENT", limit=1)[0]
    sandbox.control.set_order_status(shop, order["id"], "AWAITING_COLLECTION")
    await sandbox.control.deliver_webhooks()
    assert [b["data"]["order_id"] for b in receiver.bodies()] == [order["id"]]  # type: ignore[index]


async def test_shopline_subscriptions_under_the_official_paths(sandbox, shopline):
    url = "https://mcc.example/webhooks/shopline"
    created = await shopline.request(
        "POST",
        "webhooks.json",
        json={"webhook": {"address": url, "topic": "inventory_levels/update", "api_version": "v20251201"}},
    )
    hook = created.json()["webhook"]
    assert created.status_code == 200 and isinstance(hook["id"], int)
    assert (await shopline.request("GET", "webhooks/count.json")).json() == {"count": 1}
    moved = await shopline.request(
        "PUT", f"{hook['id']}/webhooks.json", json={"webhook": {"address": url + "/v2"}}
    )
    assert moved.json()["webhook"]["address"] == url + "/v2"
    got = (await shopline.request("GET", f"{hook['id']}/webhooks.json")).json()["webhook"]
    assert got["address"] == url + "/v2" and got["topic"] == "inventory_levels/update"
    assert (await shopline.request("DELETE", f"webhooks/{hook['id']}.json")).status_code == 404
    assert (await shopline.request("DELETE", f"{hook['id']}/webhooks.json")).status_code == 200
    assert (await shopline.request("GET", f"{hook['id']}/webhooks.json")).status_code == 404
    for bad in (
        {"address": url, "topic": "orders/nonsense", "api_version": "v20251201"},
        {"address": url, "topic": "orders/create", "api_version": "v20240301"},
        {"address": "https://x.example/" + "a" * 240, "topic": "orders/create", "api_version": "v20251201"},
    ):
        assert (await shopline.request("POST", "webhooks.json", json={"webhook": bad})).status_code == 422


# ---------------------------------------------------------------- retries


async def test_shopline_retries_19_times_then_deletes_the_subscription(sandbox, shopline, receiver):
    receiver.answer = lambda _n: 500
    await shopline.request(
        "POST",
        "webhooks.json",
        json={"webhook": {"address": receiver.url, "topic": "products/update", "api_version": "v20251201"}},
    )
    variant = sandbox.control.shopline_variants(shopline.handle, 1)[0]
    sandbox.control.set_variant_price(shopline.handle, variant["id"], "3.00")
    for delay in (0.0, *SHOPLINE_RETRY_DELAYS):
        sandbox.control.advance_clock(delay)
        assert await sandbox.control.deliver_webhooks() == 1
    assert len(receiver.received) == len(SHOPLINE_RETRY_DELAYS) + 1 == 19
    assert len({headers["X-Shopline-Webhook-Id"] for headers, _ in receiver.received}) == 1
    assert sandbox.control.shopline.store(shopline.handle).webhooks == {}  # (the token expired meanwhile)


async def test_retry_scale_compresses_the_schedule_and_tiktok_takes_401_as_answered(
    sandbox, tiktok, receiver
):
    receiver.answer = lambda n: 500 if n == 1 else 401
    sandbox.control.configure_webhooks(tiktok_url=receiver.url, retry_scale=0.001)
    sandbox.control.set_product_status(
        tiktok.shop_id(), tiktok_product(sandbox, tiktok), "SELLER_DEACTIVATED"
    )
    await sandbox.control.deliver_webhooks()
    sandbox.control.advance_clock(TIKTOK_RETRY_DELAYS[0] * 0.001)
    assert await sandbox.control.deliver_webhooks() == 1
    sandbox.control.advance_clock(TIKTOK_RETRY_DELAYS[-1])
    assert await sandbox.control.deliver_webhooks() == 0
    assert len(receiver.received) == 2
    assert sandbox.control.webhook_log()["finished"][-1]["outcome"] == "answered"


def tiktok_product(sandbox: RunningSandbox, tiktok) -> str:  # type: ignore[no-untyped-def]
    return str(sandbox.control.sample_skus(tiktok.shop_id(), 1, active_only=True)[0]["product_id"])


# ---------------------------------------------------------------- faults


def drops(seed: int) -> list[bool]:
    dispatcher = WebhookDispatcher(SandboxClock(), seed=seed)
    dispatcher.faults.add("drop", fraction=0.3)
    return [dispatcher.enqueue(PARKED, b"{}", {}, ()).outcome == "dropped" for _ in range(60)]


def test_dropping_a_fraction_is_reproducible_under_a_seed():
    assert drops(3) == drops(3)
    assert drops(3) != drops(4)
    assert 5 < sum(drops(3)) < 35


async def test_drop_next_n_duplicate_and_corrupt(sandbox, shopline, receiver):
    control, handle = sandbox.control, shopline.handle
    control.configure_webhooks(shopline_url=receiver.url, handle=handle)
    receiver.answer = lambda n: 401 if n == 1 else 200
    control.add_webhook_fault("drop", count=2)
    control.add_webhook_fault("corrupt", count=1)
    variants = control.shopline_variants(handle, 3)
    for n, variant in enumerate(variants):
        control.set_shopline_inventory(handle, variant["id"], n + 1)
    await control.deliver_webhooks()
    control.advance_clock(SHOPLINE_RETRY_DELAYS[0])
    await control.deliver_webhooks()
    secret = sandbox.credentials.shopline_app_secret
    (first, first_body), (again, again_body) = receiver.received
    assert first_body == again_body and json.loads(first_body)["available"] == 3
    assert not verify_shopline_webhook(secret, first_body, first["X-Shopline-Hmac-Sha256"])
    assert verify_shopline_webhook(secret, again_body, again["X-Shopline-Hmac-Sha256"])
    assert first["X-Shopline-Webhook-Id"] == again["X-Shopline-Webhook-Id"]

    receiver.received.clear()
    control.add_webhook_fault("duplicate", count=1)
    control.set_shopline_inventory(handle, variants[0]["id"], 9)
    await control.deliver_webhooks()
    assert len(receiver.received) == 2
    assert len({headers["X-Shopline-Webhook-Id"] for headers, _ in receiver.received}) == 1


async def test_held_webhooks_are_released_out_of_order_over_http(sandbox, tiktok, receiver, http):
    control, shop = sandbox.control, tiktok.shop_id()
    base = f"{sandbox.tiktok_api_url}/_sandbox"
    control.configure_webhooks(tiktok_url=receiver.url)
    fault = await http.post(f"{base}/add_webhook_fault", json={"kind": "hold", "count": 3})
    assert fault.status_code == 200 and fault.json()["result"]["kind"] == "hold"
    skus = control.sample_skus(shop, 3, active_only=True)
    orders = [control.create_order(shop, [(sku["id"], 1)])["id"] for sku in skus]
    assert await control.deliver_webhooks() == 0
    released = await http.post(f"{base}/release_webhooks", json={"order": "reverse"})
    assert released.json()["result"] == 3
    await control.deliver_webhooks()
    assert [b["data"]["order_id"] for b in receiver.bodies()] == orders[::-1]  # type: ignore[index]
    bad = await http.post(f"{base}/add_webhook_fault", json={"kind": "explode"})
    assert bad.status_code == 400
