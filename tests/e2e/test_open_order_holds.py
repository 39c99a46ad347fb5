"""Open orders hold stock in the shared pools whenever their SKUs are linked, also when the link
comes after the orders: authorize, history import, auto-link, then ``held`` is the units of the
open orders and TikTok is offered what is left."""

from __future__ import annotations

import pytest

from multichannel.v1 import (
    catalog_pb2,
    inventory_pb2,
    inventory_pb2_grpc,
    order_pb2,
    order_pb2_grpc,
    task_pb2,
)
from sandbox.datagen import DatasetSpec
from tests.e2e.test_catalog import _ready
from tests.e2e.test_inventory import _set_on_hand, _shown


@pytest.fixture
def sandbox_size() -> DatasetSpec:
    # One shop with enough open orders that some carry SKUs auto-link can match.
    return DatasetSpec(shops=1, products_per_shop=20, skus_per_product=2, orders_per_shop=200)


_OPEN = {
    order_pb2.ORDER_STATUS_UNPAID,
    order_pb2.ORDER_STATUS_ON_HOLD,
    order_pb2.ORDER_STATUS_AWAITING_SHIPMENT,
    order_pb2.ORDER_STATUS_PARTIALLY_SHIPPING,
    order_pb2.ORDER_STATUS_AWAITING_COLLECTION,
}


async def _open_units_by_sku(harness, shop: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Units of the shop's open, unimported orders the seller fulfills, per TikTok SKU, summed from
    ListOrders."""
    orders = order_pb2_grpc.OrderServiceStub(harness.channel)
    units: dict[str, int] = {}
    token = ""
    while True:
        page = await orders.ListOrders(
            order_pb2.ListOrdersRequest(parent=shop, page_size=100, page_token=token)
        )
        for order in page.orders:
            if (
                order.status in _OPEN
                and order.shopline_import.state != order_pb2.IMPORT_STATE_IMPORTED
                # TikTok fulfills these from its own warehouses: the pools never hold them.
                and order.fulfillment_type == order_pb2.FULFILLMENT_TYPE_BY_SELLER
            ):
                for line in order.lines:
                    units[line.tiktok_sku_id] = units.get(line.tiktok_sku_id, 0) + line.quantity
        token = page.next_page_token
        if not token:
            return units


async def test_skus_linked_after_the_history_import_hold_their_open_orders(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await _ready(harness)
    stub = inventory_pb2_grpc.InventoryServiceStub(harness.channel)
    open_units = await _open_units_by_sku(harness, catalog.shop)
    assert sum(open_units.values()) > 0, "the sandbox shop should have open orders"

    linked = await catalog.run(
        (await catalog.stub.AutoLinkSkus(catalog_pb2.AutoLinkSkusRequest(parent=catalog.shop))).task
    )
    assert linked.state == task_pb2.TASK_STATE_SUCCEEDED, linked.failure_reason
    pools = (
        await stub.ListInventoryPools(
            inventory_pb2.ListInventoryPoolsRequest(parent=catalog.app, page_size=1000)
        )
    ).inventory_pools
    expected = {
        pool.shopline_variant_id: sum(open_units.get(sku.tiktok_sku_id, 0) for sku in pool.channel_skus)
        for pool in pools
    }
    assert {pool.shopline_variant_id: pool.held for pool in pools} == expected
    assert sum(expected.values()) > 0, "some open order should carry a linked SKU"

    # TikTok is offered what the pool has left: on-hand less held less the safety stock.
    busiest = max(pools, key=lambda pool: expected[pool.shopline_variant_id])
    held = expected[busiest.shopline_variant_id]
    await _set_on_hand(harness, catalog, busiest.shopline_variant_id, held + 5)
    pool = (
        await stub.GetInventoryPool(inventory_pb2.GetInventoryPoolRequest(name=busiest.name))
    ).inventory_pool
    assert (pool.held, pool.available) == (held, 5 - pool.safety_stock)
    assert {_shown(catalog, sku.tiktok_sku_id) for sku in pool.channel_skus} == {5 - pool.safety_stock}

    # Unlinking a SKU takes its open orders' units out of the pool with it.
    first = pool.channel_skus[0]
    await catalog.stub.UnlinkSku(catalog_pb2.UnlinkSkuRequest(sku=first.sku))
    after = (
        await stub.GetInventoryPool(inventory_pb2.GetInventoryPoolRequest(name=busiest.name))
    ).inventory_pool
    assert after.held == held - open_units.get(first.tiktok_sku_id, 0)
