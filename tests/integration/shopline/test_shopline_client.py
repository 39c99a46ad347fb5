"""Every SHOPLINE port call against the sandbox, including lost responses on order creation."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from adapters.http.ratelimit import KeyedRateLimiter
from adapters.http.retry import RetryPolicy
from domain.channel import BuyerInfo, NewShoplineOrder, ShoplineCredentials, ShoplineOrderLine, TimeWindow
from domain.errors import (
    PartnerAuthExpired,
    PartnerRateLimited,
    PartnerRejected,
    PartnerScopeMissing,
    PartnerUnavailable,
)
from domain.ids import ShoplineOrderId, ShoplineVariantId
from domain.money import Money
from domain.secret import Secret

from .conftest import make_client  # noqa: TID252

ORDERS = "POST /admin/openapi/*/orders.json"


def new_order(
    variant: dict, marker: str = "TT-576461413038785752", quantity: int = 2, name: str | None = None
) -> NewShoplineOrder:
    """By default the order number is the marker, which SHOPLINE's `search_content` finds."""
    price = Money.of(variant["price"], "USD")
    return NewShoplineOrder(
        channel_marker=marker,
        name=marker if name is None else name,
        currency="USD",
        lines=(ShoplineOrderLine(ShoplineVariantId(variant["id"]), "Imported line", quantity, price),),
        total=price.times(quantity) + Money.of("4.99", "USD"),
        buyer=BuyerInfo(user_id="7494845267308415300", email="v2abc@scs2.tiktok.com", name="Alex T***"),
    )


def orders_with_marker(sandbox, marker: str) -> list[dict]:
    store = sandbox.control.shopline.store(sandbox.shopline_handle)
    return [
        o
        for o in store.orders.values()
        if any(a.get("value") == marker for a in o.payload.get("note_attributes", []))
    ]


async def test_install_url_and_callback_verification(sandbox, client, clock) -> None:
    url = client.install_url(
        "sandbox-store", ["read_orders", "write_orders"], "https://mcc.example/cb?x=1", "csrf"
    )
    parts = urlsplit(url)
    assert url.startswith(
        sandbox.shopline_url_template.format(handle="sandbox-store") + "/admin/oauth-web/#/oauth/authorize?"
    )
    query = parse_qs(parts.fragment.split("?", 1)[1])
    assert query == {
        "appKey": [sandbox.credentials.shopline_app_key],
        "responseType": ["code"],
        "scope": ["read_orders,write_orders"],
        "redirectUri": ["https://mcc.example/cb?x=1"],
        "customField": ["csrf"],
    }
    params = sandbox.control.install_shopline(custom_field="csrf value/+")["params"]
    assert client.verify_callback(params)
    assert not client.verify_callback({**params, "handle": "other-store"})
    assert not client.verify_callback({k: v for k, v in params.items() if k != "sign"})
    clock.advance(11 * 60)
    assert not client.verify_callback(params)
    install_request = sandbox.control.shopline_install_request()["params"]
    clock.advance(-11 * 60)
    assert client.verify_callback(sandbox.control.shopline_install_request()["params"])
    assert install_request


async def test_token_create_and_refresh(sandbox, client, clock) -> None:
    installed = sandbox.control.install_shopline()
    grant = await client.create_token(sandbox.shopline_handle, installed["code"])
    assert grant.expires_at - datetime.fromtimestamp(clock.now(), UTC) > timedelta(hours=9)
    assert "read_orders" in grant.scopes
    with pytest.raises(PartnerRejected) as caught:
        await client.create_token(sandbox.shopline_handle, installed["code"])
    assert caught.value.code == "OAUTH_CODE_INVALID"
    with pytest.raises(PartnerRateLimited):
        await client.refresh_token(sandbox.shopline_handle)  # right after minting: REQUEST_FREQUENTLY
    clock.advance(120)
    fresh = await client.refresh_token(sandbox.shopline_handle)
    assert fresh.access_token.reveal() != grant.access_token.reveal()
    locations = await client.locations(ShoplineCredentials(sandbox.shopline_handle, fresh.access_token))
    assert locations


async def test_wrong_secret_is_rejected(sandbox, http, clock, sleeps) -> None:
    wrong = make_client(sandbox, http, clock, sleeps, app_secret="not-the-secret")
    installed = sandbox.control.install_shopline()
    assert not wrong.verify_callback(installed["params"])
    with pytest.raises(PartnerRejected) as caught:
        await wrong.create_token(sandbox.shopline_handle, installed["code"])
    assert caught.value.code == "SIGN_INVALID"


async def test_variants_page_through_every_product(sandbox, http, clock, sleeps, credentials) -> None:
    small_pages = make_client(sandbox, http, clock, sleeps, product_page_size=7)
    pages = [page async for page in small_pages.variants(credentials, "USD")]
    variants = [v for page in pages for v in page]
    store = sandbox.control.shopline.store(sandbox.shopline_handle)
    assert len(pages) >= 6
    assert sorted(v.variant_id for v in variants) == sorted(store.variants)
    first = variants[0]
    assert first.price.currency == "USD" and isinstance(first.price.amount, Decimal)
    assert first.inventory_item_id and first.updated_at.tzinfo is not None


async def test_store_currency_comes_from_the_store_information(sandbox, client, credentials) -> None:
    assert await client.store_currency(credentials) == "USD"
    sandbox.control.set_store_currency(sandbox.shopline_handle, "SGD")
    assert await client.store_currency(credentials) == "SGD"
    pages = [page async for page in client.variants(credentials, "SGD")]
    assert {v.price.currency for page in pages for v in page} == {"SGD"}


async def test_variants_updated_since_reads_only_changed_products(sandbox, client, credentials) -> None:
    handle = sandbox.shopline_handle
    sandbox.control.set_clock(sandbox.control.clock.now() + 3600)
    changed = sandbox.control.shopline_variants(handle, 1)[0]
    sandbox.control.set_variant_price(handle, changed["id"], "77.00")
    since = datetime.fromtimestamp(sandbox.control.clock.now() - 1, UTC)
    pages = [page async for page in client.variants(credentials, "USD", updated_since=since)]
    variants = {v.variant_id: v for page in pages for v in page}
    store = sandbox.control.shopline.store(handle)
    product = store.products[store.variants[changed["id"]].product_id]
    assert set(variants) == set(product.variant_ids)
    assert variants[ShoplineVariantId(changed["id"])].price == Money.of("77.00", "USD")


async def test_variant_price_inventory_levels_and_locations(sandbox, client, credentials) -> None:
    variant = sandbox.control.shopline_variants(sandbox.shopline_handle, 1)[0]
    await client.update_variant_price(credentials, ShoplineVariantId(variant["id"]), Money.of("19.9", "USD"))
    assert sandbox.control.shopline_variants(sandbox.shopline_handle, 1)[0]["price"] == "19.90"
    fetched = await client.get_variant(credentials, ShoplineVariantId(variant["id"]), "USD")
    assert fetched.price == Money.of("19.90", "USD") and fetched.sku == variant["sku"]

    locations = await client.locations(credentials)
    default = next(loc for loc in locations if loc.is_default)
    level = await client.set_inventory_level(
        credentials, variant["inventory_item_id"], default.location_id, 42
    )
    assert (level.available, level.variant_id) == (42, variant["id"])
    levels = await client.inventory_levels(credentials, [variant["inventory_item_id"]], [default.location_id])
    assert [lv.available for lv in levels] == [42]

    many = [v["inventory_item_id"] for v in sandbox.control.shopline_variants(sandbox.shopline_handle, 120)]
    assert len(await client.inventory_levels(credentials, many, [])) >= len(many)

    with pytest.raises(PartnerRejected) as caught:
        await client.set_inventory_level(credentials, "999", default.location_id, 1)
    assert caught.value.code == "422" and caught.value.request_id


async def test_a_call_outside_the_installed_scopes_names_the_scope_and_is_not_retried(
    sandbox, client, sleeps
) -> None:
    handle = sandbox.shopline_handle
    url = client.install_url(handle, ["read_products", "read_orders"], "http://127.0.0.1/callback")
    installed = sandbox.control.install_shopline(handle, authorization_url=url)
    grant = await client.create_token(handle, installed["code"])
    assert grant.scopes == ("read_products", "read_orders")
    credentials = ShoplineCredentials(handle, grant.access_token)
    variant = sandbox.control.shopline_variants(handle, 1)[0]
    with pytest.raises(PartnerScopeMissing) as caught:
        await client.set_inventory_level(credentials, variant["inventory_item_id"], "1", 5)
    assert caught.value.scope == "write_inventory" and caught.value.code == "403"
    assert "re-authorize" in str(caught.value)
    with pytest.raises(PartnerScopeMissing) as caught:
        await client.store_currency(credentials)
    assert caught.value.scope == "read_store_information"
    assert sleeps.taken == []


async def test_create_find_and_cancel_an_order(sandbox, client, credentials) -> None:
    variant = sandbox.control.shopline_variants(sandbox.shopline_handle, 1)[0]
    ref = await client.create_order(credentials, new_order(variant))
    assert ref.channel_marker == "TT-576461413038785752" and ref.status == "open"
    stored = sandbox.control.shopline.store(sandbox.shopline_handle).orders[ref.order_id]
    assert stored.payload["inventory_behaviour"] == "decrement_ignoring_policy"
    assert "TT-576461413038785752" in stored.payload["tags"]
    assert stored.payload["shipping_line"]["price"] == "4.99"

    assert await client.find_order_by_channel_marker(credentials, "TT-576461413038785752") == ref
    assert await client.find_order_by_channel_marker(credentials, "TT-1") is None

    await client.cancel_order(credentials, ref.order_id, restock=True, reason="customer")
    await client.cancel_order(
        credentials, ref.order_id, restock=True, reason="customer"
    )  # already done: fine
    assert stored.status == "cancelled"
    with pytest.raises(PartnerRejected) as caught:
        await client.cancel_order(credentials, ShoplineOrderId("404404"), restock=False, reason="x")
    assert caught.value.code == "404"


async def test_lost_create_response_yields_exactly_one_order(sandbox, client, credentials) -> None:
    variant = sandbox.control.shopline_variants(sandbox.shopline_handle, 1)[0]
    sandbox.control.add_fault("lost_response", service="shopline", pattern=ORDERS, count=1)
    ref = await client.create_order(credentials, new_order(variant, "tiktok:1:lost-reply"))
    assert ref.channel_marker == "tiktok:1:lost-reply"
    assert [o.id for o in orders_with_marker(sandbox, "tiktok:1:lost-reply")] == [ref.order_id]


async def test_lost_create_response_with_a_5xx_yields_exactly_one_order(sandbox, client, credentials) -> None:
    variant = sandbox.control.shopline_variants(sandbox.shopline_handle, 1)[0]
    sandbox.control.add_fault("lost_response", service="shopline", pattern=ORDERS, count=2, status=502)
    # An order number without the marker: found again by scanning the orders created since.
    ref = await client.create_order(credentials, new_order(variant, "tiktok:1:lost-502", name="#TT-9"))
    assert [o.id for o in orders_with_marker(sandbox, "tiktok:1:lost-502")] == [ref.order_id]


async def test_create_failing_before_the_write_is_created_once_on_retry(sandbox, client, credentials) -> None:
    variant = sandbox.control.shopline_variants(sandbox.shopline_handle, 1)[0]
    sandbox.control.add_fault("error", service="shopline", pattern=ORDERS, count=2, status=503)
    sandbox.control.add_fault("reset", service="shopline", pattern=ORDERS, count=1)
    ref = await client.create_order(credentials, new_order(variant, "tiktok:1:flaky"))
    assert [o.id for o in orders_with_marker(sandbox, "tiktok:1:flaky")] == [ref.order_id]


async def test_create_timeout_after_the_write_yields_exactly_one_order(
    sandbox, http, clock, sleeps, credentials
) -> None:
    waited: list[float] = []

    async def real_sleep(seconds: float) -> None:
        # The server's delay is real time, so this test's back-off must pass real time too.
        waited.append(seconds)
        await asyncio.sleep(seconds)

    impatient = make_client(
        sandbox,
        http,
        clock,
        real_sleep,
        timeout=httpx.Timeout(0.5, connect=2.0),
        retry_policy=RetryPolicy(base_delay_s=0.1, jitter_s=0.0),
    )
    variant = sandbox.control.shopline_variants(sandbox.shopline_handle, 1)[0]
    sandbox.control.add_fault("latency", service="shopline", pattern=ORDERS, count=1, latency_s=0.8)
    ref = await impatient.create_order(credentials, new_order(variant, "tiktok:1:slow"))
    assert waited == [0.5]
    assert [o.id for o in orders_with_marker(sandbox, "tiktok:1:slow")] == [ref.order_id]


async def test_validation_errors_are_not_retried(sandbox, client, credentials) -> None:
    bad = NewShoplineOrder(
        channel_marker="tiktok:1:bad",
        name="TTbad",
        currency="USD",
        lines=(ShoplineOrderLine(ShoplineVariantId("1"), "x", 1, Money.of("1", "USD")),),
        total=Money.of("1", "USD"),
    )
    with pytest.raises(PartnerRejected) as caught:
        await client.create_order(credentials, bad)
    assert caught.value.code == "422"
    assert orders_with_marker(sandbox, "tiktok:1:bad") == []


async def test_orders_updated_in_a_window(sandbox, client, credentials, clock) -> None:
    variant = sandbox.control.shopline_variants(sandbox.shopline_handle, 1)[0]
    start = datetime.fromtimestamp(clock.now_s(), UTC)
    created = [
        await client.create_order(credentials, new_order(variant, f"tiktok:1:w{n}", 1)) for n in range(3)
    ]
    end = datetime.fromtimestamp(clock.now_s() + 1, UTC)
    refs = [r async for page in client.orders_updated(credentials, TimeWindow(start, end)) for r in page]
    assert {r.order_id for r in created} <= {r.order_id for r in refs}
    later = [
        r
        async for page in client.orders_updated(credentials, TimeWindow(end, end + timedelta(hours=1)))
        for r in page
    ]
    assert later == []


async def test_429_on_reads_is_retried_with_backoff(sandbox, client, credentials, sleeps) -> None:
    sandbox.control.set_rate_limit("shopline", 1.0, 2)
    for _ in range(5):
        assert await client.locations(credentials)
    assert sleeps.taken and min(sleeps.taken) >= 1.0


async def test_client_side_leaky_bucket_keeps_under_the_store_limit(
    sandbox, http, clock, sleeps, credentials
) -> None:
    sandbox.control.set_rate_limit("shopline", 4.0, 40)
    paced = make_client(
        sandbox, http, clock, sleeps, rate_limiter=KeyedRateLimiter(3.9, 40, clock=clock.now, sleep=sleeps)
    )
    for _ in range(48):
        await paced.locations(credentials)
    assert sleeps.taken and max(sleeps.taken) < 1.0


async def test_server_errors_on_reads_are_retried_then_reported(sandbox, client, credentials) -> None:
    sandbox.control.add_fault(
        "error", service="shopline", pattern="GET /admin/openapi/*/locations/*", count=2
    )
    assert await client.locations(credentials)
    sandbox.control.add_fault(
        "error", service="shopline", pattern="GET /admin/openapi/*/locations/*", count=9
    )
    with pytest.raises(PartnerUnavailable) as caught:
        await client.locations(credentials)
    assert caught.value.code == "500"


async def test_expired_token_is_an_auth_error(sandbox, client, credentials) -> None:
    sandbox.control.expire_shopline_tokens()
    with pytest.raises(PartnerAuthExpired) as caught:
        await client.locations(credentials)
    assert caught.value.code == "401"
    with pytest.raises(PartnerAuthExpired):
        await client.locations(ShoplineCredentials(sandbox.shopline_handle, Secret("nope")))


def test_webhook_signature_hex_or_base64_over_raw_bytes(client, sandbox) -> None:
    body = b'{"id":1,"topic":"orders/create"}'
    digest = hmac.new(sandbox.credentials.shopline_app_secret.encode(), body, hashlib.sha256).digest()
    assert client.verify_webhook(body, digest.hex())
    assert client.verify_webhook(body, digest.hex().upper())
    assert client.verify_webhook(body, base64.b64encode(digest).decode())
    assert not client.verify_webhook(body + b"\n", digest.hex())
    assert not client.verify_webhook(body, None)
    assert not client.verify_webhook(body, "not base64 or hex")


async def test_cancel_whose_answer_was_lost_is_confirmed_by_reading_the_order(
    sandbox, client, credentials
) -> None:
    variant = sandbox.control.shopline_variants(sandbox.shopline_handle, 1)[0]
    ref = await client.create_order(credentials, new_order(variant, "TT-cancel-lost"))
    sandbox.control.add_fault("lost_response", service="shopline", pattern="POST */cancel.json", count=1)
    await client.cancel_order(credentials, ref.order_id, restock=True, reason="customer")
    stored = sandbox.control.shopline.store(sandbox.shopline_handle).orders[ref.order_id]
    assert stored.status == "cancelled"
    assert sandbox.control.faults() == []
