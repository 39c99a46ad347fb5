"""Polling is the safety net: with part of the webhooks lost, one run of the polls brings every
order, cancellation and stock level to what the partners hold."""

from __future__ import annotations

import random

import grpc
import pytest

from multichannel.v1 import order_pb2, order_pb2_grpc
from tests.e2e.test_catalog import Catalog
from tests.e2e.test_inventory import _HOLDING, _shown
from tests.e2e.test_webhook_chain import (
    buyer_cancels,
    delivered,
    order_sync_ran,
    pool,
    ready,
    sale,
    tick,
)

DROPPED_SHARE = 0.3


@pytest.fixture
def sandbox_size() -> str:
    return "tiny"


@pytest.fixture
def webhooks_to_edge() -> bool:
    return True


async def linked_pools(catalog: Catalog, pools: int, skus_each: int) -> dict[str, list[str]]:
    """Pools whose SKUs no open order carries yet, so their holds come from this test alone."""
    held = {
        sku
        for order in catalog.tiktok.orders.values()
        if order.status in _HOLDING
        for sku in order.unit_sku_ids
    }
    free = sorted(set(catalog.tiktok.skus) - held)
    variants = sorted(catalog.store.variants)[:pools]
    linked: dict[str, list[str]] = {}
    for n, variant in enumerate(variants):
        linked[variant] = free[n * skus_each : (n + 1) * skus_each]
        for sku_id in linked[variant]:
            await catalog.link(sku_id, variant)
    return linked


async def mismatches(harness, catalog: Catalog, pools: dict[str, list[str]], orders: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
    """Every order status, pool figure and TikTok quantity where the service and the partners differ."""
    found = []
    stub = order_pb2_grpc.OrderServiceStub(harness.channel)
    for order_id in orders:
        theirs = f"ORDER_STATUS_{catalog.tiktok.orders[order_id].status}"
        try:
            got = await stub.GetOrder(order_pb2.GetOrderRequest(name=f"{catalog.shop}/orders/{order_id}"))
            ours = order_pb2.OrderStatus.Name(got.order.status)
        except grpc.aio.AioRpcError as error:
            ours = error.code().name
        if ours != theirs:
            found.append(f"order {order_id}: {ours}, TikTok {theirs}")
    for variant, linked in pools.items():
        held = sum(
            1
            for order_id in orders
            if catalog.tiktok.orders[order_id].status in _HOLDING
            for sku in catalog.tiktok.orders[order_id].unit_sku_ids
            if sku in linked
        )
        item = catalog.store.variants[variant].inventory_item_id
        on_hand = catalog.store.levels[(item, catalog.store.default_location_id)]
        figures = await pool(harness, catalog, variant)
        if (figures.on_hand, figures.held) != (on_hand, held):
            found.append(f"pool {variant}: {figures.on_hand}/{figures.held}, partners {on_hand}/{held}")
        shown = {sku: _shown(catalog, sku) for sku in linked}
        if set(shown.values()) != {max(0, on_hand - held)}:
            found.append(f"pool {variant}: TikTok shows {shown}, available {on_hand - held}")
    return found


async def test_with_30_percent_of_webhooks_dropped_one_poll_converges_orders_cancellations_and_stock(
    harness,
) -> None:  # type: ignore[no-untyped-def]
    catalog = await ready(harness)
    control = harness.sandbox.control
    pools = await linked_pools(catalog, pools=3, skus_each=2)
    for variant in pools:
        control.set_shopline_inventory(catalog.handle, variant, 80)
    await delivered(harness)

    control.add_webhook_fault("drop", fraction=DROPPED_SHARE)
    choose = random.Random(14)  # a reproducible batch
    skus = [sku for linked in pools.values() for sku in linked]
    orders = [sale(harness, catalog, choose.choice(skus), choose.randint(1, 3)) for _ in range(20)]
    tick(harness, 1)
    for order_id in orders[::3]:
        buyer_cancels(harness, catalog, order_id)
    for level in (60, 45):
        tick(harness, 2)  # SHOPLINE versions levels by the second
        for n, variant in enumerate(pools):
            control.set_shopline_inventory(catalog.handle, variant, level - 7 * n)
    await delivered(harness)
    # The webhooks alone left the service behind: what it missed must come from the polls.
    assert await mismatches(harness, catalog, pools, orders) != []

    await order_sync_ran(harness, catalog)
    await harness.container.jobs.on_hand_refresh().run()
    await harness.container.jobs.stock_pusher().sweep()
    assert await mismatches(harness, catalog, pools, orders) == []
