"""InventoryService end to end against the sandbox: on-hand in, pushes out, updates, push task."""

from __future__ import annotations

import asyncio

import grpc
import pytest
from google.protobuf import field_mask_pb2

from domain.events import LineQuantity, OrderLinesReserved
from domain.ids import AppId, ChannelSkuId, OrderId, ShopId
from multichannel.v1 import (
    inventory_pb2,
    inventory_pb2_grpc,
    task_pb2,
)
from tests.e2e.test_catalog import Catalog, _ready, _violations


@pytest.fixture
def sandbox_size() -> str:
    return "tiny"


def _shown(catalog: Catalog, sku_id: str) -> int:
    """What TikTok offers on the SKU: the sum over its warehouses."""
    return sum(catalog.tiktok.skus[sku_id].inventory.values())


async def _settled(harness) -> None:  # type: ignore[no-untyped-def]
    await harness.container.jobs.stock_pusher().sweep()


_HOLDING = {"UNPAID", "ON_HOLD", "AWAITING_SHIPMENT", "PARTIALLY_SHIPPING", "AWAITING_COLLECTION"}


async def _linked_pool(catalog: Catalog) -> tuple[str, list[str]]:
    """A pool with two SKUs that no open order carries, so its figures are SHOPLINE's alone (the
    holds of open orders are covered in ``test_open_order_holds``)."""
    variant = sorted(catalog.store.variants)[0]
    held = {
        sku
        for order in catalog.tiktok.orders.values()
        if order.status in _HOLDING
        for sku in order.unit_sku_ids
    }
    skus = sorted(set(catalog.tiktok.skus) - held)[:2]
    for sku_id in skus:
        await catalog.link(sku_id, variant)
    return variant, skus


async def _set_on_hand(harness, catalog: Catalog, variant: str, quantity: int) -> None:  # type: ignore[no-untyped-def]
    control = harness.sandbox.control
    control.advance_clock(2)  # SHOPLINE versions levels by the second
    control.set_shopline_inventory(catalog.handle, variant, quantity)
    await harness.container.jobs.on_hand_refresh().run()
    await _settled(harness)


async def test_on_hand_change_reaches_every_linked_sku_and_updates_follow(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await _ready(harness)
    stub = inventory_pb2_grpc.InventoryServiceStub(harness.channel)
    variant, skus = await _linked_pool(catalog)
    name = f"{catalog.app}/inventoryPools/{variant}"

    await _set_on_hand(harness, catalog, variant, 17)
    pool = (await stub.GetInventoryPool(inventory_pb2.GetInventoryPoolRequest(name=name))).inventory_pool
    assert (pool.on_hand, pool.held, pool.available, pool.oversold) == (17, 0, 17, False)
    assert [s.tiktok_sku_id for s in pool.channel_skus] == skus
    assert {(s.pushed_quantity, s.last_push_result) for s in pool.channel_skus} == {
        (17, inventory_pb2.PUSH_RESULT_SUCCEEDED)
    }
    assert [_shown(catalog, sku) for sku in skus] == [17, 17]

    # A burst of changes ends with the last value on TikTok.
    for safety in range(1, 11):
        await stub.UpdateInventoryPool(
            inventory_pb2.UpdateInventoryPoolRequest(
                inventory_pool=inventory_pb2.InventoryPool(name=name, safety_stock=safety),
                update_mask=field_mask_pb2.FieldMask(paths=["safety_stock"]),
            )
        )
    await _settled(harness)
    assert [_shown(catalog, sku) for sku in skus] == [7, 7]

    capped = inventory_pb2.ChannelSkuStock(sku=catalog.sku_name(skus[0]), cap=3)
    updated = await stub.UpdateInventoryPool(
        inventory_pb2.UpdateInventoryPoolRequest(
            inventory_pool=inventory_pb2.InventoryPool(name=name, safety_stock=5, channel_skus=[capped]),
            update_mask=field_mask_pb2.FieldMask(paths=["safety_stock", "channel_skus"]),
        )
    )
    assert (updated.inventory_pool.safety_stock, updated.inventory_pool.available) == (5, 12)
    assert [s.cap for s in updated.inventory_pool.channel_skus if s.HasField("cap")] == [3]
    await _settled(harness)
    assert [_shown(catalog, sku) for sku in skus] == [3, 12]

    for request, field in (
        (inventory_pb2.InventoryPool(name=name, safety_stock=-1), "inventory_pool.safety_stock"),
        (inventory_pb2.InventoryPool(name="apps/x", safety_stock=1), "inventory_pool.name"),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.UpdateInventoryPool(
                inventory_pb2.UpdateInventoryPoolRequest(
                    inventory_pool=request, update_mask=field_mask_pb2.FieldMask(paths=["safety_stock"])
                )
            )
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert _violations(caught.value) == [field]

    # Drift on TikTok is repaired by the reconciliation.
    harness.sandbox.control.set_stock(catalog.tiktok_shop_id, skus[1], 99)
    report = await harness.container.jobs.stock_reconciliation().run()
    assert report.drifted == 1
    await _settled(harness)
    assert [_shown(catalog, sku) for sku in skus] == [3, 12]

    listed = await stub.ListInventoryPools(
        inventory_pb2.ListInventoryPoolsRequest(parent=catalog.app, low_stock_threshold=12)
    )
    assert [p.shopline_variant_id for p in listed.inventory_pools] == [variant]
    linked_only = await stub.ListInventoryPools(
        inventory_pb2.ListInventoryPoolsRequest(parent=catalog.app, unlinked_only=True)
    )
    assert variant not in [p.shopline_variant_id for p in linked_only.inventory_pools]


async def test_push_inventory_task_pushes_every_linked_sku(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await _ready(harness)
    stub = inventory_pb2_grpc.InventoryServiceStub(harness.channel)
    variant, skus = await _linked_pool(catalog)
    await _set_on_hand(harness, catalog, variant, 9)
    for sku in skus:
        harness.sandbox.control.set_stock(catalog.tiktok_shop_id, sku, 0)

    request_id = "6c0a1f0e-8f5e-4f59-9d0c-5b2b7a0f3c11"
    started = await stub.PushInventory(
        inventory_pb2.PushInventoryRequest(parent=catalog.app, request_id=request_id)
    )
    again = await stub.PushInventory(
        inventory_pb2.PushInventoryRequest(parent=catalog.app, request_id=request_id)
    )
    assert again.task.name == started.task.name
    finished = await catalog.run(started.task)
    assert finished.state == task_pb2.TASK_STATE_SUCCEEDED, finished.failure_reason
    assert finished.updated_count == len(skus)
    assert [_shown(catalog, sku) for sku in skus] == [9, 9]

    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.PushInventory(inventory_pb2.PushInventoryRequest(parent=catalog.app, request_id="nope"))
    assert _violations(caught.value) == ["request_id"]


async def test_push_inventory_reads_shopline_first_and_a_failed_read_fails_the_task(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await _ready(harness)
    stub = inventory_pb2_grpc.InventoryServiceStub(harness.channel)
    control = harness.sandbox.control
    variant, skus = await _linked_pool(catalog)
    await _set_on_hand(harness, catalog, variant, 9)
    name = f"{catalog.app}/inventoryPools/{variant}"

    async def push() -> task_pb2.Task:
        started = await stub.PushInventory(inventory_pb2.PushInventoryRequest(parent=name))
        return await catalog.run(started.task)

    control.advance_clock(2)  # SHOPLINE versions levels by the second
    control.set_shopline_inventory(catalog.handle, variant, 4)  # not read by the service yet
    stale = await stub.GetInventoryPool(inventory_pb2.GetInventoryPoolRequest(name=name))
    assert stale.inventory_pool.on_hand == 9
    pushed = await push()
    assert pushed.state == task_pb2.TASK_STATE_SUCCEEDED, pushed.failure_reason
    assert (pushed.updated_count, pushed.failed_count) == (len(skus), 0)
    assert [_shown(catalog, sku) for sku in skus] == [4, 4]
    fresh = await stub.GetInventoryPool(inventory_pb2.GetInventoryPoolRequest(name=name))
    assert fresh.inventory_pool.on_hand == 4

    # SHOPLINE refuses the read for a scope the grant lacks: nothing is pushed, the reason says why.
    control.advance_clock(2)
    control.set_shopline_inventory(catalog.handle, variant, 1)
    control.add_fault("error", service="shopline", pattern="GET */inventory_levels.json", status=403)
    refused = await push()
    control.clear_faults()
    assert refused.state == task_pb2.TASK_STATE_FAILED
    assert refused.failure_reason.startswith(
        "nothing was pushed: the on-hand could not be read from SHOPLINE"
    )
    assert "lacks the access scope" in refused.failure_reason and "re-install" in refused.failure_reason
    assert (refused.done_count, refused.updated_count) == (0, 0)
    assert [_shown(catalog, sku) for sku in skus] == [4, 4]

    # The app was uninstalled from the store: the task says to re-install it.
    control.uninstall_shopline(catalog.handle)
    uninstalled = await push()
    assert uninstalled.state == task_pb2.TASK_STATE_FAILED
    assert "SHOPLINE refused the app's access token (401)" in uninstalled.failure_reason
    assert "re-install the app on the SHOPLINE store, then retry the task" in uninstalled.failure_reason
    assert [_shown(catalog, sku) for sku in skus] == [4, 4]


async def test_200_concurrent_orders_on_50_units_leave_every_linked_sku_at_zero(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await _ready(harness)
    stub = inventory_pb2_grpc.InventoryServiceStub(harness.channel)
    variant, skus = await _linked_pool(catalog)
    await _set_on_hand(harness, catalog, variant, 50)
    assert [_shown(catalog, sku) for sku in skus] == [50, 50]
    app_id, shop_id = catalog.app.split("/")[1], catalog.shop.split("/")[3]
    effects = harness.container.jobs.stock_effects()

    async def order(n: int) -> None:
        event = OrderLinesReserved(
            AppId(app_id),
            ShopId(shop_id),
            OrderId(f"hot-{n:04d}"),
            (LineQuantity(ChannelSkuId(skus[n % 2]), 1),),
        )
        async with harness.container.persistence.unit_of_work() as uow:
            await effects.apply(uow, [event])
            await uow.commit()

    await asyncio.gather(*(order(n) for n in range(200)))
    await _settled(harness)
    name = f"{catalog.app}/inventoryPools/{variant}"
    pool = (await stub.GetInventoryPool(inventory_pb2.GetInventoryPoolRequest(name=name))).inventory_pool
    assert (pool.on_hand, pool.held, pool.available, pool.oversold, pool.oversold_quantity) == (
        50,
        200,
        0,
        True,
        150,
    )
    assert pool.held - pool.oversold_quantity == 50  # exactly the stock is covered
    flagged = await stub.ListInventoryPools(
        inventory_pb2.ListInventoryPoolsRequest(parent=catalog.app, oversold_only=True)
    )
    assert [p.shopline_variant_id for p in flagged.inventory_pools] == [variant]
    assert {(s.pushed_quantity, s.last_push_result) for s in pool.channel_skus} == {
        (0, inventory_pb2.PUSH_RESULT_SUCCEEDED)
    }
    assert [_shown(catalog, sku) for sku in skus] == [0, 0]
