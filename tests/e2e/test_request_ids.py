"""Request ids over gRPC: a repeated id has one effect, and an id reused for another call is refused."""

from __future__ import annotations

import grpc
import pytest
from google.protobuf import field_mask_pb2

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
from tests.e2e.test_catalog import _ready, _violations

FIRST = "1f6c2a9e-4b3d-4e8a-9c7b-2d1e0f3a4b51"
SECOND = "2a7d3b0f-5c4e-4f9b-8d6c-3e2f1a0b5c62"
THIRD = "3b8e4c1a-6d5f-4a0c-9e7d-4f3a2b1c6d73"


@pytest.fixture
def sandbox_size() -> str:
    return "tiny"


async def _refused(call) -> list[str]:  # type: ignore[no-untyped-def]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    return _violations(caught.value)


async def test_link_and_unlink_repeated_with_their_request_id_change_nothing_again(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await _ready(harness)
    sku_id = sorted(catalog.tiktok.skus)[0]
    first, second = sorted(catalog.store.variants)[:2]
    link = catalog_pb2.LinkSkuRequest(
        sku=catalog.sku_name(sku_id), shopline_variant_id=first, request_id=FIRST
    )
    assert (await catalog.stub.LinkSku(link)).sku.shopline_variant_id == first
    await catalog.link(sku_id, second)  # a later change by another call
    replayed = await catalog.stub.LinkSku(link)
    assert replayed.sku.shopline_variant_id == second  # as it is now: not linked again

    unlink = catalog_pb2.UnlinkSkuRequest(sku=catalog.sku_name(sku_id), request_id=SECOND)
    assert (await catalog.stub.UnlinkSku(unlink)).sku.link_state == catalog_pb2.LINK_STATE_UNLINKED
    await catalog.link(sku_id, first)
    assert (await catalog.stub.UnlinkSku(unlink)).sku.shopline_variant_id == first

    other_sku = catalog_pb2.UnlinkSkuRequest(
        sku=catalog.sku_name(sorted(catalog.tiktok.skus)[1]), request_id=SECOND
    )
    assert await _refused(catalog.stub.UnlinkSku(other_sku)) == ["request_id"]
    other_variant = catalog_pb2.LinkSkuRequest(
        sku=catalog.sku_name(sku_id), shopline_variant_id=second, request_id=FIRST
    )
    assert await _refused(catalog.stub.LinkSku(other_variant)) == ["request_id"]
    bad = catalog_pb2.LinkSkuRequest(sku=catalog.sku_name(sku_id), shopline_variant_id=first, request_id="x")
    assert await _refused(catalog.stub.LinkSku(bad)) == ["request_id"]


async def test_updates_repeated_with_their_request_id_apply_once_and_other_updates_are_refused(
    harness,
) -> None:  # type: ignore[no-untyped-def]
    catalog = await _ready(harness)
    apps = app_pb2_grpc.AppServiceStub(harness.channel)
    turn_on = app_pb2.UpdateAppRequest(
        app=app_pb2.App(name=catalog.app, settings=app_pb2.AppSettings(auto_import_orders=True)),
        update_mask=field_mask_pb2.FieldMask(paths=["settings.auto_import_orders"]),
        request_id=FIRST,
    )
    assert (await apps.UpdateApp(turn_on)).app.settings.auto_import_orders
    turn_off = app_pb2.UpdateAppRequest(
        app=app_pb2.App(name=catalog.app, settings=app_pb2.AppSettings(auto_import_orders=False)),
        update_mask=field_mask_pb2.FieldMask(paths=["settings.auto_import_orders"]),
    )
    await apps.UpdateApp(turn_off)
    assert not (await apps.UpdateApp(turn_on)).app.settings.auto_import_orders  # replayed, not applied
    turn_off.request_id = FIRST
    assert await _refused(apps.UpdateApp(turn_off)) == ["request_id"]

    shops = shop_pb2_grpc.ShopServiceStub(harness.channel)
    rename = shop_pb2.UpdateShopRequest(
        shop=shop_pb2.Shop(name=catalog.shop, display_name="First name"),
        update_mask=field_mask_pb2.FieldMask(paths=["display_name"]),
        request_id=SECOND,
    )
    await shops.UpdateShop(rename)
    await shops.UpdateShop(
        shop_pb2.UpdateShopRequest(
            shop=shop_pb2.Shop(name=catalog.shop, display_name="Second name"),
            update_mask=field_mask_pb2.FieldMask(paths=["display_name"]),
        )
    )
    assert (await shops.UpdateShop(rename)).shop.display_name == "Second name"

    rule = catalog_pb2.UpdatePriceRuleRequest(
        price_rule=common_pb2.PriceRule(name=f"{catalog.shop}/priceRule", markup="0.1"),
        update_mask=field_mask_pb2.FieldMask(paths=["markup"]),
        request_id=THIRD,
    )
    assert (await catalog.stub.UpdatePriceRule(rule)).price_rule.markup == "0.1"
    rule.request_id = SECOND  # the rename's id
    assert await _refused(catalog.stub.UpdatePriceRule(rule)) == ["request_id"]


async def test_pool_update_and_task_cancel_repeated_with_their_request_id(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await _ready(harness)
    sku_id = sorted(catalog.tiktok.skus)[0]
    variant = sorted(catalog.store.variants)[0]
    await catalog.link(sku_id, variant)
    pools = inventory_pb2_grpc.InventoryServiceStub(harness.channel)
    name = f"{catalog.app}/inventoryPools/{variant}"

    def safety(stock: int, request_id: str = "") -> inventory_pb2.UpdateInventoryPoolRequest:
        return inventory_pb2.UpdateInventoryPoolRequest(
            inventory_pool=inventory_pb2.InventoryPool(name=name, safety_stock=stock),
            update_mask=field_mask_pb2.FieldMask(paths=["safety_stock"]),
            request_id=request_id,
        )

    assert (await pools.UpdateInventoryPool(safety(2, FIRST))).inventory_pool.safety_stock == 2
    await pools.UpdateInventoryPool(safety(5))
    assert (await pools.UpdateInventoryPool(safety(2, FIRST))).inventory_pool.safety_stock == 5
    assert await _refused(pools.UpdateInventoryPool(safety(7, FIRST))) == ["request_id"]

    tasks = task_pb2_grpc.TaskServiceStub(harness.channel)
    started = await catalog.stub.AutoLinkSkus(catalog_pb2.AutoLinkSkusRequest(parent=catalog.shop))
    cancel = task_pb2.CancelTaskRequest(name=started.task.name, request_id=SECOND)
    cancelled = (await tasks.CancelTask(cancel)).task
    assert (await tasks.CancelTask(cancel)).task.state == cancelled.state
    retry = task_pb2.RetryTaskRequest(name=started.task.name, request_id=SECOND)
    assert await _refused(tasks.RetryTask(retry)) == ["request_id"]
