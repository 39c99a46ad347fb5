"""From a partner-side change to its effect, through real signed webhooks: the sandbox sends them
to the HTTP edge, the edge stores them, the inbox drain acts on them. Nothing polls unless a
test runs a poll itself; every step is awaited, never timed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from google.protobuf import field_mask_pb2
from sqlalchemy import text

from domain.webhooks import WebhookSource
from multichannel.v1 import (
    app_pb2,
    app_pb2_grpc,
    catalog_pb2,
    common_pb2,
    inventory_pb2,
    inventory_pb2_grpc,
    shop_pb2,
    shop_pb2_grpc,
    task_pb2,
    task_pb2_grpc,
)
from sandbox.tiktok.operations import approve_cancellation
from tests.e2e.test_catalog import Catalog, _ready
from tests.e2e.test_inventory import _linked_pool, _shown


@pytest.fixture
def sandbox_size() -> str:
    return "tiny"


@pytest.fixture
def webhooks_to_edge() -> bool:
    return True


async def delivered(harness) -> int:  # type: ignore[no-untyped-def]
    """Sends every due webhook, waits until the drain has acted on what the edge stored, and
    lets the stock pushes it wrote go out; returns how many sendings were attempted."""
    sent = await harness.sandbox.control.deliver_webhooks()
    await harness.container.jobs.inbox_drain().idle()
    await harness.container.jobs.stock_pusher().sweep()
    return sent


async def ready(harness) -> Catalog:  # type: ignore[no-untyped-def]
    """The app installed, its shop authorized and imported, and what that sent already acted on."""
    catalog = await _ready(harness)
    await delivered(harness)
    return catalog


async def pool(harness, catalog: Catalog, variant: str) -> inventory_pb2.InventoryPool:  # type: ignore[no-untyped-def]
    stub = inventory_pb2_grpc.InventoryServiceStub(harness.channel)
    name = f"{catalog.app}/inventoryPools/{variant}"
    return (await stub.GetInventoryPool(inventory_pb2.GetInventoryPoolRequest(name=name))).inventory_pool


async def shop(harness, catalog: Catalog) -> shop_pb2.Shop:  # type: ignore[no-untyped-def]
    stub = shop_pb2_grpc.ShopServiceStub(harness.channel)
    return (await stub.GetShop(shop_pb2.GetShopRequest(name=catalog.shop))).shop


async def inbox(harness) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    async with harness.container.persistence.engine().connect() as conn:
        rows = await conn.execute(text("SELECT * FROM webhook_inbox ORDER BY received_at, delivery_key"))
        return [dict(row) for row in rows.mappings()]


def tick(harness, seconds: int) -> None:  # type: ignore[no-untyped-def]
    """Both clocks move together, so what the partners stamp is never in the service's future."""
    harness.sandbox.control.advance_clock(seconds)
    harness.clock.advance(timedelta(seconds=seconds))


async def stocked_pool(harness, catalog: Catalog, on_hand: int) -> tuple[str, list[str]]:  # type: ignore[no-untyped-def]
    """A pool of two linked SKUs whose on-hand came in through the SHOPLINE stock webhook."""
    variant, skus = await _linked_pool(catalog)
    tick(harness, 2)  # SHOPLINE versions levels by the second
    harness.sandbox.control.set_shopline_inventory(catalog.handle, variant, on_hand)
    await delivered(harness)
    return variant, skus


async def tasks_of(harness, catalog: Catalog, kind: int) -> list[task_pb2.Task]:  # type: ignore[no-untyped-def]
    stub = task_pb2_grpc.TaskServiceStub(harness.channel)
    listed = await stub.ListTasks(task_pb2.ListTasksRequest(parent=catalog.app, kind=kind, page_size=100))
    return list(listed.tasks)


async def order_sync_ran(harness, catalog: Catalog) -> None:  # type: ignore[no-untyped-def]
    """One run of the periodic order sync, awaited to the end of every task it started."""
    assert await harness.container.jobs.order_syncs().start_for_active_shops() >= 1
    for task in await tasks_of(harness, catalog, task_pb2.TASK_KIND_ORDER_SYNC):
        finished = await catalog.run(task)
        assert finished.state == task_pb2.TASK_STATE_SUCCEEDED, finished.failure_reason


def sale(harness, catalog: Catalog, sku_id: str, quantity: int) -> str:  # type: ignore[no-untyped-def]
    order = harness.sandbox.control.create_order(
        catalog.tiktok_shop_id, [(sku_id, quantity)], status="AWAITING_SHIPMENT"
    )
    return str(order["id"])


def buyer_cancels(harness, catalog: Catalog, order_id: str) -> None:  # type: ignore[no-untyped-def]
    """The buyer asks (event 11, pending) and the seller approves (events 1 and 11)."""
    control = harness.sandbox.control
    requested = control.request_buyer_cancellation(catalog.tiktok_shop_id, order_id)
    approve_cancellation(control.tiktok, control.dispatcher, catalog.tiktok_shop_id, requested["cancel_id"])


# --- TikTok ----------------------------------------------------------------------------------


async def test_a_tiktok_sale_is_held_and_pushed_to_the_other_linked_skus_then_released_on_cancel(
    harness,
) -> None:  # type: ignore[no-untyped-def]
    catalog = await ready(harness)
    variant, (sold, other) = await stocked_pool(harness, catalog, 17)
    assert (await pool(harness, catalog, variant)).on_hand == 17
    assert _shown(catalog, other) == 17

    order_id = sale(harness, catalog, sold, 3)
    assert await delivered(harness) >= 1
    held = await pool(harness, catalog, variant)
    assert (held.held, held.available) == (3, 14)
    assert {s.tiktok_sku_id: s.pushed_quantity for s in held.channel_skus} == {sold: 14, other: 14}
    assert _shown(catalog, other) == 14

    buyer_cancels(harness, catalog, order_id)
    await delivered(harness)
    released = await pool(harness, catalog, variant)
    assert (released.held, released.available) == (0, 17)
    assert _shown(catalog, other) == 17


async def test_a_new_tiktok_product_reaches_the_catalog(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await ready(harness)
    before = {product.tiktok_product_id for product in await catalog.products()}
    created = harness.sandbox.control.create_product(catalog.tiktok_shop_id, ["WEBHOOK-SKU-1"], price="12.50")
    await delivered(harness)
    after = {product.tiktok_product_id: product for product in await catalog.products()}
    assert set(after) - before == {created["id"]}
    assert [sku.seller_sku for sku in after[created["id"]].skus] == ["WEBHOOK-SKU-1"]


async def test_deauthorization_then_reauthorization_brings_the_shop_back_with_its_data(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await ready(harness)
    before = await shop(harness, catalog)
    control = harness.sandbox.control
    assert control.revoke_grant(shop_id=catalog.tiktok_shop_id)
    await delivered(harness)
    revoked = await shop(harness, catalog)
    assert revoked.status == shop_pb2.SHOP_STATUS_DEAUTHORIZED
    assert revoked.status_reason

    tick(harness, 1)  # events are stamped in whole seconds
    shops = shop_pb2_grpc.ShopServiceStub(harness.channel)
    started = await shops.StartAuthorization(
        shop_pb2.StartAuthorizationRequest(parent=catalog.app, region_code="US", shop=catalog.shop)
    )
    code = control.grant_authorization()["code"]  # the seller consents again: a new grant
    await shops.CompleteAuthorization(
        shop_pb2.CompleteAuthorizationRequest(parent=catalog.app, state=started.state, code=code)
    )
    await delivered(harness)
    back = await shop(harness, catalog)
    assert back.status == shop_pb2.SHOP_STATUS_ACTIVE
    assert (back.product_count, back.order_count) == (before.product_count, before.order_count)


async def test_an_upcoming_authorization_expiry_shows_on_the_shop(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await ready(harness)
    assert not (await shop(harness, catalog)).expiring_soon
    assert harness.sandbox.control.warn_authorization_expiry(catalog.tiktok_shop_id, days_left=10)
    await delivered(harness)
    assert (await shop(harness, catalog)).expiring_soon


# --- SHOPLINE --------------------------------------------------------------------------------


async def test_a_shopline_stock_change_reaches_the_pool_and_every_linked_tiktok_sku(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await ready(harness)
    variant, skus = await stocked_pool(harness, catalog, 17)
    tick(harness, 2)
    harness.sandbox.control.set_shopline_inventory(catalog.handle, variant, 9)
    await delivered(harness)
    changed = await pool(harness, catalog, variant)
    assert (changed.on_hand, changed.available) == (9, 9)
    assert [_shown(catalog, sku) for sku in skus] == [9, 9]


async def test_a_shopline_price_change_starts_a_price_sync_when_the_shop_syncs_automatically(
    harness,
) -> None:  # type: ignore[no-untyped-def]
    catalog = await ready(harness)
    variant, (sku, _other) = await stocked_pool(harness, catalog, 5)
    await catalog.stub.UpdatePriceRule(
        catalog_pb2.UpdatePriceRuleRequest(
            price_rule=common_pb2.PriceRule(name=f"{catalog.shop}/priceRule", enabled=True, auto_sync=True),
            update_mask=field_mask_pb2.FieldMask(paths=["enabled", "auto_sync"]),
        )
    )
    assert await tasks_of(harness, catalog, task_pb2.TASK_KIND_PRICE_SYNC) == []
    tick(harness, 2)
    harness.sandbox.control.set_variant_price(catalog.handle, variant, "19.99")
    await delivered(harness)
    (started,) = await tasks_of(harness, catalog, task_pb2.TASK_KIND_PRICE_SYNC)
    assert started.shop == catalog.shop
    finished = await catalog.run(started)
    assert finished.state == task_pb2.TASK_STATE_SUCCEEDED, finished.failure_reason
    assert catalog.tiktok.skus[sku].sale_price == "19.99"


async def test_customers_redact_forgets_the_buyer_of_their_store_orders(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await ready(harness)
    control = harness.sandbox.control
    variant = sorted(catalog.store.variants)[0]
    control.create_store_order(catalog.handle, [[variant, 1]], customer_id="redact-me")
    control.create_store_order(catalog.handle, [[variant, 1]], customer_id="keep-me")
    await delivered(harness)
    await harness.container.jobs.store_order_sync().run()

    async def buyers() -> list[str]:
        async with harness.container.persistence.engine().connect() as conn:
            rows = await conn.execute(text("SELECT buyer_key FROM store_orders WHERE buyer_key LIKE 'id:%'"))
            return sorted(row[0] for row in rows)

    assert {"id:redact-me", "id:keep-me"} <= set(await buyers())
    assert control.emit_redact(catalog.handle, "customers/redact", customer_ids=["redact-me"]) == 1
    await delivered(harness)
    assert "id:redact-me" not in await buyers()
    assert "id:keep-me" in await buyers()


async def test_the_app_uninstalled_in_shopline_is_marked_uninstalled(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await ready(harness)
    harness.sandbox.control.uninstall_shopline(catalog.handle)
    await delivered(harness)
    apps = app_pb2_grpc.AppServiceStub(harness.channel)
    app = (await apps.GetApp(app_pb2.GetAppRequest(name=catalog.app))).app
    assert app.installation_state == app_pb2.INSTALLATION_STATE_UNINSTALLED


# --- delivery faults -------------------------------------------------------------------------


async def test_a_duplicated_delivery_is_acted_on_once(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await ready(harness)
    variant, (sold, _other) = await stocked_pool(harness, catalog, 17)
    harness.sandbox.control.add_webhook_fault("duplicate", count=1)
    sale(harness, catalog, sold, 2)
    assert await delivered(harness) == 2
    assert harness.container.http.webhook_stats().of(WebhookSource.TIKTOK).redelivered == 1
    assert (await pool(harness, catalog, variant)).held == 2


async def test_a_hold_and_its_release_delivered_in_reverse_end_at_the_newest_state(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await ready(harness)
    variant, (sold, other) = await stocked_pool(harness, catalog, 17)
    control = harness.sandbox.control
    control.add_webhook_fault("hold")
    order_id = sale(harness, catalog, sold, 4)
    tick(harness, 1)
    buyer_cancels(harness, catalog, order_id)
    assert await delivered(harness) == 0
    assert control.release_webhooks("reverse") >= 2
    await delivered(harness)
    settled = await pool(harness, catalog, variant)
    assert (settled.held, settled.available) == (0, 17)
    assert _shown(catalog, other) == 17


async def test_an_event_for_a_shop_the_service_does_not_know_is_acknowledged_and_dropped(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await ready(harness)
    orders_before = (await shop(harness, catalog)).order_count
    control = harness.sandbox.control
    stranger = control.create_shop(region="US")["id"]
    sku = control.sample_skus(stranger, 1, active_only=True)[0]["id"]
    control.create_order(stranger, [(sku, 1)], status="AWAITING_SHIPMENT")
    await delivered(harness)
    log = control.webhook_log()["finished"]
    assert log[-1]["history"][-1][1] == 200
    (row,) = [r for r in await inbox(harness) if r["account"] == stranger]
    assert row["processed_at"] is not None
    assert (await shop(harness, catalog)).order_count == orders_before


async def test_a_corrupted_signature_is_refused_stores_nothing_and_the_order_sync_catches_up(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await ready(harness)
    variant, (sold, other) = await stocked_pool(harness, catalog, 17)
    stored_before = len(await inbox(harness))
    harness.sandbox.control.add_webhook_fault("corrupt", count=1)
    sale(harness, catalog, sold, 2)
    assert await delivered(harness) == 1
    assert harness.sandbox.control.webhook_log()["finished"][-1]["history"][-1][1] == 401
    assert len(await inbox(harness)) == stored_before
    assert harness.container.http.webhook_stats().of(WebhookSource.TIKTOK).signature_failures == 1
    assert (await pool(harness, catalog, variant)).held == 0

    await order_sync_ran(harness, catalog)
    await harness.container.jobs.stock_pusher().sweep()
    assert (await pool(harness, catalog, variant)).held == 2
    assert _shown(catalog, other) == 15
