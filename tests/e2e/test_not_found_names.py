"""NOT_FOUND answers name the resource the caller asked for in full, whichever kind it is and
whether it is missing or belongs to another app (which this app cannot tell apart)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from domain.app import App
from domain.catalog import ChannelProduct
from domain.channel import ChannelProductData, ChannelSkuData
from domain.ids import AppId, ChannelProductId, ChannelSkuId, PoolId, ShopId, ShoplineVariantId, TaskId
from domain.inventory_pool import InventoryPool
from domain.money import Money
from domain.shop import Shop
from domain.task import Task, TaskKind
from multichannel.v1 import (
    app_pb2,
    app_pb2_grpc,
    catalog_pb2,
    catalog_pb2_grpc,
    inventory_pb2,
    inventory_pb2_grpc,
    order_pb2,
    order_pb2_grpc,
    shop_pb2,
    shop_pb2_grpc,
    task_pb2,
    task_pb2_grpc,
)
from tests.unit.builders import T0, identity

Call = Callable[[grpc.aio.Channel, str], Awaitable[Any]]


async def _watch(channel: grpc.aio.Channel, name: str) -> None:
    async for _ in task_pb2_grpc.TaskServiceStub(channel).WatchTask(task_pb2.WatchTaskRequest(name=name)):
        pass


CALLS: dict[str, Call] = {
    "GetApp": lambda ch, name: app_pb2_grpc.AppServiceStub(ch).GetApp(app_pb2.GetAppRequest(name=name)),
    "GetShop": lambda ch, name: shop_pb2_grpc.ShopServiceStub(ch).GetShop(shop_pb2.GetShopRequest(name=name)),
    "DeleteShop": lambda ch, name: shop_pb2_grpc.ShopServiceStub(ch).DeleteShop(
        shop_pb2.DeleteShopRequest(name=name)
    ),
    "GetOrder": lambda ch, name: order_pb2_grpc.OrderServiceStub(ch).GetOrder(
        order_pb2.GetOrderRequest(name=name)
    ),
    "ImportOrder": lambda ch, name: order_pb2_grpc.OrderServiceStub(ch).ImportOrder(
        order_pb2.ImportOrderRequest(name=name)
    ),
    "GetInventoryPool": lambda ch, name: inventory_pb2_grpc.InventoryServiceStub(ch).GetInventoryPool(
        inventory_pb2.GetInventoryPoolRequest(name=name)
    ),
    "GetTask": lambda ch, name: task_pb2_grpc.TaskServiceStub(ch).GetTask(task_pb2.GetTaskRequest(name=name)),
    "CancelTask": lambda ch, name: task_pb2_grpc.TaskServiceStub(ch).CancelTask(
        task_pb2.CancelTaskRequest(name=name)
    ),
    "RetryTask": lambda ch, name: task_pb2_grpc.TaskServiceStub(ch).RetryTask(
        task_pb2.RetryTaskRequest(name=name)
    ),
    "WatchTask": _watch,
    "GetProduct": lambda ch, name: catalog_pb2_grpc.CatalogServiceStub(ch).GetProduct(
        catalog_pb2.GetProductRequest(name=name)
    ),
    "UnlinkSku": lambda ch, name: catalog_pb2_grpc.CatalogServiceStub(ch).UnlinkSku(
        catalog_pb2.UnlinkSkuRequest(product=name, sku_id="1729")
    ),
}

OUR_PRODUCT = "apps/app-1/shops/shop-1/products/1730"
ORDER_OF_THEIR_SHOP = "apps/app-1/shops/shop-2/orders/576461413038785752"

# (call, name asked for, resource type[, name of what is missing when it is the parent]);
# app-1 asks, app-2 owns shop-2, task-2 and pool-2.
CASES: list[tuple[str, ...]] = [
    ("GetApp", "apps/app-9", "App"),
    ("GetShop", "apps/app-1/shops/shop-9", "Shop"),
    ("GetShop", "apps/app-1/shops/shop-2", "Shop"),
    ("DeleteShop", "apps/app-1/shops/shop-2", "Shop"),
    ("GetOrder", "apps/app-1/shops/shop-1/orders/576461413038785752", "Order"),
    ("ImportOrder", "apps/app-1/shops/shop-1/orders/576461413038785752", "Order"),
    ("GetOrder", ORDER_OF_THEIR_SHOP, "Shop", "apps/app-1/shops/shop-2"),
    ("GetInventoryPool", "apps/app-1/inventoryPools/variant-9", "InventoryPool"),
    ("GetInventoryPool", "apps/app-1/inventoryPools/variant-2", "InventoryPool"),
    ("GetTask", "apps/app-1/tasks/task-9", "Task"),
    ("GetTask", "apps/app-1/tasks/task-2", "Task"),
    ("CancelTask", "apps/app-1/tasks/task-2", "Task"),
    ("RetryTask", "apps/app-1/tasks/task-9", "Task"),
    ("WatchTask", "apps/app-1/tasks/task-2", "Task"),
    ("GetProduct", "apps/app-1/shops/shop-1/products/1729", "ChannelProduct"),
    ("UnlinkSku", "apps/app-1/shops/shop-1/products/1729", "ChannelProduct"),
    ("UnlinkSku", OUR_PRODUCT, "ChannelSku", f"{OUR_PRODUCT}/skus/1729"),
]


async def _seed(harness) -> None:  # type: ignore[no-untyped-def]
    mine, theirs = AppId("app-1"), AppId("app-2")
    async with harness.container.persistence.unit_of_work() as uow:
        await uow.apps.add(App.install(mine, "store-1", T0))
        await uow.apps.add(App.install(theirs, "store-2", T0))
        await uow.shops.add(Shop.authorize(ShopId("shop-1"), mine, identity("7001", cipher="c1"), T0))
        await uow.shops.add(Shop.authorize(ShopId("shop-2"), theirs, identity("7002", cipher="c2"), T0))
        await uow.tasks.add(Task.create(TaskId("task-2"), theirs, TaskKind.AUTO_LINK, T0, ShopId("shop-2")))
        await uow.inventory_pools.add(
            InventoryPool.open(PoolId("pool-2"), theirs, ShoplineVariantId("variant-2"))
        )
        sock = ChannelSkuData(ChannelSkuId("1731"), "SOCK-1", Money.of("10", "GBP"))
        data = ChannelProductData(ChannelProductId("1730"), "Socks", "ACTIVATE", T0, (sock,))
        await uow.channel_products.add(ChannelProduct.synced(mine, ShopId("shop-1"), data))
        await uow.commit()


def _details(
    error: grpc.aio.AioRpcError,
) -> tuple[error_details_pb2.ErrorInfo, error_details_pb2.ResourceInfo]:
    status = rpc_status.from_call(error)
    assert status is not None
    info, resource = error_details_pb2.ErrorInfo(), error_details_pb2.ResourceInfo()
    unpacked = [detail.Unpack(info) or detail.Unpack(resource) for detail in status.details]
    assert sum(unpacked) == 2
    return info, resource


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case[0]}-{case[1]}")
async def test_not_found_names_the_resource_in_full(harness, case: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    call, asked, resource_type = case[:3]
    missing = case[3] if len(case) > 3 else asked
    await _seed(harness)

    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await CALLS[call](harness.channel, asked)

    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    info, resource = _details(caught.value)
    assert dict(info.metadata) == {"resource_type": resource_type, "resource_name": missing}
    assert (resource.resource_type, resource.resource_name) == (resource_type, missing)
    assert f"'{missing}'" in caught.value.details()
