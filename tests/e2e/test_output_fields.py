"""Output fields filled from partner data, read through gRPC after the sandbox's data flows in:
App.install_time, Sku.attributes, OrderLine.sku_title and Buyer.masked_phone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from multichannel.v1 import (
    app_pb2,
    app_pb2_grpc,
    catalog_pb2,
    catalog_pb2_grpc,
    order_pb2,
    order_pb2_grpc,
    shop_pb2,
    shop_pb2_grpc,
    task_pb2,
    task_pb2_grpc,
)
from sandbox.tiktok.render import order_json
from tests.e2e.installation import completion_request


@pytest.fixture
def sandbox_size() -> str:
    return "tiny"


async def _finish(harness, task_name: str) -> task_pb2.Task:  # type: ignore[no-untyped-def]
    tasks = task_pb2_grpc.TaskServiceStub(harness.channel)
    last = None
    async for event in tasks.WatchTask(task_pb2.WatchTaskRequest(name=task_name), timeout=60):
        if event.HasField("task"):
            last = event.task
    assert last is not None and last.state == task_pb2.TASK_STATE_SUCCEEDED, last
    return last


async def _install(harness) -> app_pb2.App:  # type: ignore[no-untyped-def]
    apps = app_pb2_grpc.AppServiceStub(harness.channel)
    handle = harness.sandbox.shopline_handle
    started = await apps.StartInstallation(app_pb2.StartInstallationRequest(store_handle=handle))
    callback = harness.sandbox.control.install_shopline(handle, custom_field=started.state)["params"]
    return (await apps.CompleteInstallation(completion_request(callback))).app


async def _authorize_and_import(harness, app: str) -> str:  # type: ignore[no-untyped-def]
    shops = shop_pb2_grpc.ShopServiceStub(harness.channel)
    started = await shops.StartAuthorization(shop_pb2.StartAuthorizationRequest(parent=app, region_code="US"))
    code = harness.sandbox.control.grant_authorization()["code"]
    outcome = await shops.CompleteAuthorization(
        shop_pb2.CompleteAuthorizationRequest(parent=app, state=started.state, code=code)
    )
    await _finish(harness, outcome.history_import_tasks[0])
    return outcome.shops[0].name


async def test_install_time_is_when_the_installation_was_last_completed(harness) -> None:  # type: ignore[no-untyped-def]
    apps = app_pb2_grpc.AppServiceStub(harness.channel)
    first = await _install(harness)
    assert first.install_time == first.create_time and first.install_time.seconds > 0

    harness.clock.advance(timedelta(minutes=2))
    again = await _install(harness)
    got = (await apps.GetApp(app_pb2.GetAppRequest(name=first.name))).app

    assert again.name == first.name and got.create_time == first.create_time
    assert again.install_time == got.install_time
    assert got.install_time.seconds - first.install_time.seconds >= 120


async def test_sku_attributes_come_from_get_product_after_the_product_refresh(harness) -> None:  # type: ignore[no-untyped-def]
    app = await _install(harness)
    shop = await _authorize_and_import(harness, app.name)
    catalog = catalog_pb2_grpc.CatalogServiceStub(harness.channel)
    (tiktok_shop_id,) = list(harness.sandbox.control.tiktok.shops)
    source = harness.sandbox.control.tiktok.data(tiktok_shop_id)

    async def skus() -> dict[str, catalog_pb2.Sku]:
        listed = await catalog.ListProducts(catalog_pb2.ListProductsRequest(parent=shop, page_size=100))
        assert not listed.next_page_token
        return {sku.tiktok_sku_id: sku for product in listed.products for sku in product.skus}

    # The history import reads Search Products, which carries no sales attributes.
    assert all(list(sku.attributes) == [] for sku in (await skus()).values())

    await harness.container.jobs.product_refresh().refresh_all()

    found = await skus()
    assert sorted(found) == sorted(source.skus)
    for sku_id, sku in found.items():
        assert list(sku.attributes) == [f"Color: {source.skus[sku_id].color}"]


async def test_order_lines_and_buyer_carry_tiktoks_sku_name_and_masked_phone(harness) -> None:  # type: ignore[no-untyped-def]
    app = await _install(harness)
    shop = await _authorize_and_import(harness, app.name)
    orders = order_pb2_grpc.OrderServiceStub(harness.channel)
    control = harness.sandbox.control
    (tiktok_shop_id,) = list(control.tiktok.shops)
    source = control.tiktok.data(tiktok_shop_id)
    order_id = str(control.create_order(tiktok_shop_id, status="UNPAID")["id"])
    # TikTok's logistics carry it: TikTok masks the recipient's phone.
    control.set_order_logistics(tiktok_shop_id, order_id, shipping_type="TIKTOK")

    async def synced() -> order_pb2.Order:
        started = await orders.SyncOrders(order_pb2.SyncOrdersRequest(parent=shop))
        await _finish(harness, started.task.name)
        name = f"{shop}/orders/{order_id}"
        return (await orders.GetOrder(order_pb2.GetOrderRequest(name=name))).order

    unpaid = await synced()
    (line,) = unpaid.lines
    sku = source.skus[line.tiktok_sku_id]
    assert (line.product_title, line.sku_title) == (source.products[sku.product_id].title, sku.color)
    assert (unpaid.buyer.masked_phone, unpaid.buyer.masked_name) == ("", "")  # TikTok withholds them

    control.set_order_status(tiktok_shop_id, order_id, "AWAITING_SHIPMENT")
    paid = await synced()

    sent = order_json(control.tiktok.shops[tiktok_shop_id], source, source.orders[order_id])
    address = sent["recipient_address"]
    assert paid.buyer.masked_phone == address["phone_number"] and "*" in paid.buyer.masked_phone
    assert paid.buyer.masked_name == address["name"]
    assert [(line.product_title, line.sku_title) for line in paid.lines] == [
        (source.products[sku.product_id].title, sku.color)
    ]
