"""Every TikTok port call against the sandbox, with faults, expiry and revocation."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from adapters.http.ratelimit import KeyedRateLimiter
from adapters.tiktok import products
from adapters.tiktok.client import TikTokChannelClient
from domain.channel import (
    CancellationStatus,
    InventoryUpdate,
    PriceUpdate,
    ShopCredentials,
    TimeWindow,
    WarehouseQuantity,
)
from domain.errors import ChannelProductClosed, PartnerRejected, PartnerTokenRevoked, PartnerUnavailable
from domain.ids import ChannelProductId, ChannelSkuId, OrderId
from domain.money import Money
from domain.secret import Secret

from .conftest import make_client  # noqa: TID252


def everything(clock) -> TimeWindow:
    now = datetime.fromtimestamp(clock.now_s() + 1, UTC)
    return TimeWindow(now - timedelta(days=400), now)


async def collect(pages) -> tuple[list, int]:
    items, count = [], 0
    async for page in pages:
        items.extend(page.items)
        count += 1
    return items, count


async def test_authorization_url_code_exchange_and_shop_discovery(sandbox, client, http, clock) -> None:
    url = client.authorization_url("US", state="csrf-1")
    query = parse_qs(urlsplit(url).query)
    assert query == {"service_id": [sandbox.credentials.tiktok_service_id], "state": ["csrf-1"]}
    response = await http.get(url)
    callback = response.json()["result"]
    assert callback["state"] == "csrf-1"

    grant = await client.exchange_code(callback["code"])
    assert grant.access_expires_at == datetime.fromtimestamp(clock.now_s() + 7 * 86400, UTC)
    assert grant.refresh_expires_at > grant.access_expires_at
    assert "Secret('********')" in repr(grant)
    shops = await client.authorized_shops(grant.access_token)
    assert {s.tiktok_shop_id for s in shops} == {s["id"] for s in sandbox.control.shops()}
    assert all(s.cipher and s.region for s in shops)

    with pytest.raises(PartnerRejected) as caught:
        await client.exchange_code(callback["code"])  # single use
    assert caught.value.code == "36004004"


def test_consent_hosts_by_market(http) -> None:
    real = TikTokChannelClient(
        http,
        api_url="https://open-api.example",
        auth_url="https://auth.example",
        app_key="k",
        app_secret="s",
        service_id="7310000000000000001",
    )
    assert real.authorization_url("US").startswith(
        "https://services.us.tiktokshop.com/open/authorize?service_id="
    )
    assert real.authorization_url("GB", "x").startswith("https://services.tiktokshop.com/open/authorize?")


async def test_search_products_pages_through_every_product(sandbox, client, shop, clock) -> None:
    found, pages = await collect(client.search_products(shop.credentials, everything(clock), page_size=7))
    ids = [p.product_id for p in found]
    assert pages >= 5
    assert len(ids) == len(set(ids)) and len(ids) > 30
    sku = found[0].skus[0]
    assert isinstance(sku.sku_id, str) and sku.price is not None and sku.price.amount.as_tuple()
    assert all(w.quantity >= 0 for p in found for s in p.skus for w in s.inventory)


async def test_product_search_splits_windows_over_the_result_cap(sandbox, client, shop, clock) -> None:
    window = everything(clock)
    whole, _ = await collect(client.search_products(shop.credentials, window, page_size=100))
    start, end = int(window.start.timestamp()), int(window.end.timestamp()) - 1
    split_ids = []
    async for data in products.search_products(
        client.transport,
        _Tokens(shop.credentials),
        shop.credentials.shop_cipher,
        start,
        end,
        page_size=4,
        result_cap=6,
    ):
        assert int(data["total_count"]) <= 6 or len(data["products"]) <= 6
        split_ids.extend(p["id"] for p in data["products"])
    assert Counter(split_ids) == Counter(p.product_id for p in whole)


class _Tokens:
    def __init__(self, credentials: ShopCredentials) -> None:
        self.credentials = credentials

    async def access_token(self) -> str:
        return self.credentials.access_token.reveal()

    async def refresh(self, rejected_token: str) -> str | None:
        return None


async def test_get_product_inventory_and_price_updates(sandbox, client, shop) -> None:
    sample = sandbox.control.sample_skus(shop.shop_id, 1, active_only=True, multi_warehouse=True)[0]
    product = await client.get_product(shop.credentials, ChannelProductId(sample["product_id"]))
    sku = next(s for s in product.skus if s.sku_id == sample["id"])
    assert sku.price == Money.of(sample["price"], sku.price.currency)
    assert len(sku.inventory) == 2

    update = InventoryUpdate(
        ChannelSkuId(sku.sku_id),
        tuple(WarehouseQuantity(w.warehouse_id, 5 + n) for n, w in enumerate(sku.inventory)),
    )
    assert await client.update_inventory(shop.credentials, product.product_id, [update]) == []
    after = sandbox.control.sample_skus(shop.shop_id, 50, active_only=True, multi_warehouse=True)
    assert next(s for s in after if s["id"] == sku.sku_id)["inventory"] == {
        w.warehouse_id: 5 + n for n, w in enumerate(sku.inventory)
    }
    inventory = await client.search_inventory(shop.credentials, product_ids=[product.product_id])
    searched = next(i for i in inventory if i.sku_id == sku.sku_id)
    assert searched.product_id == product.product_id
    assert {w.warehouse_id: w.quantity for w in searched.available} == {
        w.warehouse_id: 5 + n for n, w in enumerate(sku.inventory)
    }

    partial = InventoryUpdate(
        ChannelSkuId(sku.sku_id), (WarehouseQuantity(sku.inventory[0].warehouse_id, 1),)
    )
    with pytest.raises(PartnerRejected) as caught:
        await client.update_inventory(shop.credentials, product.product_id, [partial])
    assert caught.value.code == "12019028" and caught.value.request_id

    new_price = (
        Money.of("12.34", sku.price.currency) if sku.price.currency != "JPY" else Money.of("1234", "JPY")
    )
    assert (
        await client.update_prices(
            shop.credentials, product.product_id, [PriceUpdate(ChannelSkuId(sku.sku_id), new_price)]
        )
        == []
    )
    refreshed = await client.get_product(shop.credentials, product.product_id)
    assert next(s for s in refreshed.skus if s.sku_id == sku.sku_id).price == new_price


async def test_stock_and_prices_of_a_frozen_product_are_refused_as_closed(sandbox, client, shop) -> None:
    sku = sandbox.control.sample_skus(shop.shop_id, 1, active_only=True)[0]
    product_id = ChannelProductId(sku["product_id"])
    warehouses = [WarehouseQuantity(warehouse, 0) for warehouse in sku["inventory"]]
    update = InventoryUpdate(ChannelSkuId(sku["id"]), (replace(warehouses[0], quantity=3), *warehouses[1:]))
    sandbox.control.set_product_status(shop.shop_id, product_id, "FREEZE")
    with pytest.raises(ChannelProductClosed) as refused:
        await client.update_inventory(shop.credentials, product_id, [update])
    assert refused.value.code == "12019113" and "error 12019113" in refused.value.message
    price = PriceUpdate(ChannelSkuId(sku["id"]), Money(Decimal("9.99"), "USD"))
    with pytest.raises(ChannelProductClosed):
        await client.update_prices(shop.credentials, product_id, [price])
    sandbox.control.set_product_status(shop.shop_id, product_id, "ACTIVATE")
    assert await client.update_inventory(shop.credentials, product_id, [update]) == []


async def test_search_orders_pages_in_update_time_order_and_details_in_batches(
    sandbox, client, shop, clock
) -> None:
    found, pages = await collect(client.search_orders(shop.credentials, everything(clock), page_size=25))
    assert pages >= 10
    ids = [o.order_id for o in found]
    assert len(ids) == len(set(ids)) == len(sandbox.control.tiktok.data(shop.shop_id).orders)
    times = [o.update_time for o in found]
    assert times == sorted(times)
    order = next(o for o in found if len(o.line_items) > 1)
    assert order.total.currency == order.currency and all(
        line.sale_price.currency == order.currency for line in order.line_items
    )

    details = await client.get_orders(shop.credentials, [OrderId(i) for i in ids[:120]])
    assert [d.order_id for d in details] == ids[:120]
    units = Counter(line.sku_id for line in details[0].line_items)
    assert sum(units.values()) == len(details[0].line_items)


async def test_search_order_ids_pages_the_same_orders_as_the_full_search(
    sandbox, client, shop, clock
) -> None:
    full, pages = await collect(client.search_orders(shop.credentials, everything(clock), page_size=25))
    ids, id_pages = await collect(client.search_order_ids(shop.credentials, everything(clock), page_size=25))
    assert ids == [order.order_id for order in full] and id_pages == pages


async def test_orders_search_window_is_start_inclusive_end_exclusive(sandbox, client, shop, clock) -> None:
    orders, _ = await collect(client.search_orders(shop.credentials, everything(clock)))
    pivot = orders[len(orders) // 2].update_time
    before, _ = await collect(
        client.search_orders(shop.credentials, TimeWindow(orders[0].update_time, pivot))
    )
    after, _ = await collect(
        client.search_orders(
            shop.credentials, TimeWindow(pivot, orders[-1].update_time + timedelta(seconds=1))
        )
    )
    assert len(before) + len(after) == len(orders)
    assert all(o.update_time < pivot for o in before) and all(o.update_time >= pivot for o in after)


async def test_cancellations_search_approve_reject_and_seller_cancel(sandbox, client, shop, clock) -> None:
    found, _ = await collect(client.search_cancellations(shop.credentials, everything(clock), page_size=5))
    pending = [c for c in found if c.status is CancellationStatus.PENDING]
    assert len(pending) >= 2
    assert pending[0].response_deadline is not None
    of_order = await client.order_cancellations(shop.credentials, pending[0].order_id)
    assert pending[0] in of_order and {c.order_id for c in of_order} == {pending[0].order_id}
    await client.approve_cancellation(shop.credentials, pending[0].cancel_id)
    await client.reject_cancellation(shop.credentials, pending[1].cancel_id, "")
    again, _ = await collect(client.search_cancellations(shop.credentials, everything(clock)))
    status = {c.cancel_id: c.status for c in again}
    assert status[pending[0].cancel_id] is not CancellationStatus.PENDING
    assert status[pending[1].cancel_id] is not CancellationStatus.PENDING

    order = sandbox.control.create_order(shop.shop_id, status="AWAITING_SHIPMENT")
    reasons = await client.cancel_reasons(shop.credentials, OrderId(order["id"]))
    assert reasons
    cancel_id = await client.cancel_order(shop.credentials, OrderId(order["id"]), reasons[-1])
    assert cancel_id.isdigit()
    # Asked again, the order is found cancelled already: the same cancellation counts as done.
    assert await client.cancel_order(shop.credentials, OrderId(order["id"]), "not-a-reason") == cancel_id
    other = sandbox.control.create_order(shop.shop_id, status="AWAITING_SHIPMENT")
    with pytest.raises(PartnerRejected):
        await client.cancel_order(shop.credentials, OrderId(other["id"]), "not-a-reason")


async def test_warehouses(sandbox, client, shop) -> None:
    found = await client.warehouses(shop.credentials)
    assert {w.warehouse_id for w in found} == set(sandbox.control.tiktok.shops[shop.shop_id].warehouse_ids)
    assert sum(w.is_default for w in found) == 1


async def test_expired_access_token_is_refreshed_once_and_the_rotation_persisted(
    sandbox, client, shop, store
) -> None:
    sandbox.control.expire_tokens()
    found = await client.warehouses(shop.credentials)
    assert found and store.rotations == 1
    assert store.grant.access_token.reveal() != shop.credentials.access_token.reveal()


async def test_concurrent_calls_with_an_expired_token_share_one_refresh(sandbox, client, shop, store) -> None:
    import asyncio

    sandbox.control.expire_tokens()
    results = await asyncio.gather(*(client.warehouses(shop.credentials) for _ in range(5)))
    assert all(results) and store.rotations == 1


async def test_revoked_grant_surfaces_as_token_revoked(sandbox, client, shop) -> None:
    sandbox.control.revoke_grant(shop_id=shop.shop_id)
    with pytest.raises(PartnerTokenRevoked) as caught:
        await client.warehouses(shop.credentials)
    assert caught.value.code == "36004005"


async def test_expired_refresh_token_is_revoked(sandbox, client, store, shop) -> None:
    sandbox.control.expire_tokens(refresh=True)
    with pytest.raises(PartnerTokenRevoked) as caught:
        await client.refresh(store.grant.refresh_token)
    assert caught.value.code == "36004001"


async def test_rate_limited_calls_back_off_until_they_pass(sandbox, client, shop, sleeps) -> None:
    sandbox.control.set_rate_limit("tiktok", 1.0, 1)
    for _ in range(4):
        await client.warehouses(shop.credentials)
    assert sleeps.taken and all(delay >= 1.0 for delay in sleeps.taken)


async def test_the_client_side_limiter_avoids_429s(sandbox, http, clock, sleeps, shop, store) -> None:
    sandbox.control.set_rate_limit("tiktok", 2.0, 2)
    # A little under the server's rate, so the client never meets a 429 (which would back off >= 1 s).
    limiter = KeyedRateLimiter(1.8, 1, clock=clock.now, sleep=sleeps)
    limited = make_client(sandbox, http, clock, sleeps, store, limiter)
    for _ in range(6):
        await limited.warehouses(shop.credentials)
    assert len(sleeps.taken) == 5 and max(sleeps.taken) < 1.0


async def test_server_errors_are_retried_for_reads_but_not_for_seller_cancel(
    sandbox, client, shop, clock
) -> None:
    sandbox.control.add_fault("error", service="tiktok", pattern="GET /logistics/*", count=3, status=503)
    assert await client.warehouses(shop.credentials)

    order = sandbox.control.create_order(shop.shop_id, status="AWAITING_SHIPMENT")
    sandbox.control.add_fault(
        "error", service="tiktok", pattern="POST /return_refund/202309/cancellations", count=1
    )
    with pytest.raises(PartnerUnavailable):
        await client.cancel_order(shop.credentials, OrderId(order["id"]), "")
    assert sandbox.control.faults() == []


async def test_connection_resets_are_retried_for_reads(sandbox, client, shop, clock) -> None:
    sandbox.control.add_fault("reset", service="tiktok", pattern="GET /logistics/*", count=2)
    assert await client.warehouses(shop.credentials)


async def test_persistent_outage_becomes_partner_unavailable_after_five_attempts(
    sandbox, client, shop, sleeps
) -> None:
    sandbox.control.add_fault("error", service="tiktok", pattern="GET /logistics/*", count=10)
    with pytest.raises(PartnerUnavailable) as caught:
        await client.warehouses(shop.credentials)
    assert caught.value.code == "36009003" and len(sleeps.taken) == 4
    assert sandbox.control.faults()[0]["fired"] == 5


async def test_unknown_product_is_a_rejection_with_tiktoks_code(sandbox, client, shop) -> None:
    with pytest.raises(PartnerRejected) as caught:
        await client.get_product(shop.credentials, ChannelProductId("1"))
    assert caught.value.code == "12019150" and caught.value.request_id


async def test_a_wrong_app_secret_is_reported_as_a_signature_rejection(
    sandbox, http, clock, sleeps, shop
) -> None:
    wrong = TikTokChannelClient(
        http,
        api_url=sandbox.tiktok_api_url,
        auth_url=sandbox.tiktok_auth_url,
        app_key=sandbox.credentials.tiktok_app_key,
        app_secret="not-the-secret",
        service_id=sandbox.credentials.tiktok_service_id,
        clock=clock.now,
        sleep=sleeps,
    )
    with pytest.raises(PartnerRejected) as caught:
        await wrong.warehouses(shop.credentials)
    assert caught.value.code == "106001"
    with pytest.raises(PartnerRejected):
        await wrong.authorized_shops(Secret("nope"))


async def test_approval_whose_answer_was_lost_is_retried_and_counts_as_done(
    sandbox, client, shop, clock
) -> None:
    found, _ = await collect(client.search_cancellations(shop.credentials, everything(clock)))
    pending = next(c for c in found if c.status is CancellationStatus.PENDING)
    sandbox.control.add_fault("lost_response", service="tiktok", pattern="POST */approve", count=1)
    await client.approve_cancellation(shop.credentials, pending.cancel_id)
    await client.approve_cancellation(shop.credentials, pending.cancel_id)  # repeated: still fine
    with pytest.raises(PartnerRejected) as caught:
        await client.reject_cancellation(shop.credentials, pending.cancel_id, "")
    assert caught.value.code == "12052901"


def test_webhook_verification_with_the_app_credentials(sandbox, client) -> None:
    from sandbox.signing import tiktok_webhook_signature

    body = b'{"type":1,"shop_id":"1","timestamp":1,"data":{"order_id":"2"}}'
    credentials = sandbox.credentials
    header = tiktok_webhook_signature(credentials.tiktok_app_key, credentials.tiktok_app_secret, body)
    assert client.verify_webhook(body, header)
    assert not client.verify_webhook(body + b" ", header)
