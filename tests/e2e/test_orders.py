"""Orders end to end: sync, exactly-once import into SHOPLINE and cancellations, through gRPC."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import grpc
import pytest
from google.protobuf import field_mask_pb2

from multichannel.v1 import (
    app_pb2,
    app_pb2_grpc,
    order_pb2,
    order_pb2_grpc,
    shop_pb2,
    shop_pb2_grpc,
    task_pb2,
    task_pb2_grpc,
)
from tests.e2e.conftest import Harness
from tests.e2e.installation import completion_request

HANDLE = "orders-store"


@pytest.fixture
def sandbox_size() -> str:
    return "tiny"


@dataclass
class Setup:
    harness: Harness
    app: str
    shop: str
    tiktok_shop_id: str

    @property
    def orders(self) -> order_pb2_grpc.OrderServiceStub:
        return order_pb2_grpc.OrderServiceStub(self.harness.channel)

    @property
    def control(self):  # type: ignore[no-untyped-def]
        return self.harness.sandbox.control

    def order_name(self, order_id: str, shop: str | None = None) -> str:
        return f"{shop or self.shop}/orders/{order_id}"

    def shopline_orders(self) -> list[dict[str, str]]:
        return list(self.control.shopline_orders(HANDLE))

    def new_order(self, status: str = "AWAITING_SHIPMENT") -> str:
        return str(self.control.create_order(self.tiktok_shop_id, status=status)["id"])

    async def sync(self, shop: str | None = None) -> task_pb2.Task:
        started = await self.orders.SyncOrders(order_pb2.SyncOrdersRequest(parent=shop or self.shop))
        assert started.task.kind == task_pb2.TASK_KIND_ORDER_SYNC
        finished = await _watch_to_end(self.harness, started.task.name)
        assert finished.state == task_pb2.TASK_STATE_SUCCEEDED, finished.failure_reason
        return finished

    async def get(self, order_id: str, shop: str | None = None) -> order_pb2.Order:
        return (
            await self.orders.GetOrder(order_pb2.GetOrderRequest(name=self.order_name(order_id, shop)))
        ).order


async def _watch_to_end(harness: Harness, task_name: str) -> task_pb2.Task:
    tasks = task_pb2_grpc.TaskServiceStub(harness.channel)
    last = None
    async for event in tasks.WatchTask(task_pb2.WatchTaskRequest(name=task_name), timeout=60):
        if event.HasField("task"):
            last = event.task
    assert last is not None
    return last


async def _install(harness: Harness, *, auto_import: bool) -> str:
    apps = app_pb2_grpc.AppServiceStub(harness.channel)
    harness.sandbox.control.create_store(HANDLE)
    started = await apps.StartInstallation(app_pb2.StartInstallationRequest(store_handle=HANDLE))
    callback = harness.sandbox.control.install_shopline(HANDLE, authorization_url=started.authorization_url)[
        "params"
    ]
    done = await apps.CompleteInstallation(completion_request(callback))
    await apps.UpdateApp(
        app_pb2.UpdateAppRequest(
            app=app_pb2.App(
                name=done.app.name,
                settings=app_pb2.AppSettings(
                    auto_import_orders=auto_import,
                    order_import_scope=app_pb2.ORDER_IMPORT_SCOPE_ALL_WITH_CUSTOM_ITEMS,
                    # Sandbox orders ship with TikTok's logistics and hide the buyer's email.
                    default_email="orders@orders-store.example",
                ),
            ),
            update_mask=field_mask_pb2.FieldMask(
                paths=["settings.auto_import_orders", "settings.order_import_scope", "settings.default_email"]
            ),
        )
    )
    return done.app.name


async def _authorize(harness: Harness, app: str, shop_ids: list[str] | None = None) -> shop_pb2.Shop:
    shops = shop_pb2_grpc.ShopServiceStub(harness.channel)
    started = await shops.StartAuthorization(shop_pb2.StartAuthorizationRequest(parent=app, region_code="UK"))
    code = harness.sandbox.control.grant_authorization(shop_ids)["code"]
    outcome = await shops.CompleteAuthorization(
        shop_pb2.CompleteAuthorizationRequest(parent=app, state=started.state, code=code)
    )
    finished = await _watch_to_end(harness, outcome.history_import_tasks[0])
    assert finished.state == task_pb2.TASK_STATE_SUCCEEDED, finished.failure_reason
    return outcome.shops[0]


async def _setup(harness: Harness, *, auto_import: bool = True) -> Setup:
    app = await _install(harness, auto_import=auto_import)
    tiktok_shop_id = str(harness.sandbox.control.shops()[0]["id"])
    shop = await _authorize(harness, app, [tiktok_shop_id])
    return Setup(harness, app, shop.name, tiktok_shop_id)


def _marker(setup: Setup, order_id: str) -> str:
    return f"TIKTOK_SHOP:{setup.tiktok_shop_id}:{order_id}"


async def test_poll_repoll_and_an_older_update_leave_one_order_imported_once(harness) -> None:  # type: ignore[no-untyped-def]
    setup = await _setup(harness)
    order_id = setup.new_order("AWAITING_SHIPMENT")
    await setup.sync()
    await setup.sync()  # the overlapping window sees the order again
    await asyncio.sleep(1.1)  # TikTok times are whole seconds: the change gets a later one
    setup.control.set_order_status(setup.tiktok_shop_id, order_id, "IN_TRANSIT")
    await setup.sync()
    newest = await setup.get(order_id)
    # An update older than the one held: TikTok's data refreshing late.
    held = setup.control.tiktok.data(setup.tiktok_shop_id).orders[order_id]
    held.status, held.update_time = "AWAITING_SHIPMENT", newest.update_time.seconds - 60
    await setup.sync()

    order = await setup.get(order_id)
    assert order.status == order_pb2.ORDER_STATUS_IN_TRANSIT
    assert order.update_time == newest.update_time
    assert order.shopline_import.state == order_pb2.IMPORT_STATE_IMPORTED
    assert order.shopline_import.attempt_count == 1
    listed = await setup.orders.ListOrders(order_pb2.ListOrdersRequest(parent=f"{setup.app}/shops/-"))
    assert [o.tiktok_order_id for o in listed.orders].count(order_id) == 1
    marked = [o for o in setup.shopline_orders() if o["name"] == _marker(setup, order_id)]
    assert len(marked) == 1
    assert marked[0]["id"] == order.shopline_import.shopline_order_id


async def test_delete_reauthorize_and_resync_create_no_second_shopline_order(harness) -> None:  # type: ignore[no-untyped-def]
    setup = await _setup(harness)
    order_id = setup.new_order("AWAITING_SHIPMENT")
    await setup.sync()
    before = setup.shopline_orders()
    assert _marker(setup, order_id) in [o["name"] for o in before]

    shops = shop_pb2_grpc.ShopServiceStub(harness.channel)
    await shops.DeleteShop(shop_pb2.DeleteShopRequest(name=setup.shop))
    again = await _authorize(harness, setup.app, [setup.tiktok_shop_id])
    assert again.name != setup.shop
    await setup.sync(again.name)

    assert setup.shopline_orders() == before
    order = await setup.get(order_id, again.name)
    assert order.shopline_import.state == order_pb2.IMPORT_STATE_IMPORTED
    assert order.shopline_import.shopline_order_id == next(
        o["id"] for o in before if o["name"] == _marker(setup, order_id)
    )


async def test_a_lost_create_order_response_leaves_exactly_one_shopline_order(harness) -> None:  # type: ignore[no-untyped-def]
    setup = await _setup(harness, auto_import=False)
    order_id = setup.new_order("AWAITING_SHIPMENT")
    await setup.sync()
    before = len(setup.shopline_orders())
    waiting = (await setup.get(order_id)).shopline_import
    assert (waiting.state, waiting.reason) == (
        order_pb2.IMPORT_STATE_NOT_IMPORTED,
        "automatic import is off for this app; use ImportOrder",
    )
    setup.control.add_fault("lost_response", service="shopline", pattern="POST */orders.json", count=1)

    imported = (
        await setup.orders.ImportOrder(order_pb2.ImportOrderRequest(name=setup.order_name(order_id)))
    ).order

    after = setup.shopline_orders()
    assert len(after) == before + 1
    marked = [o for o in after if o["name"] == _marker(setup, order_id)]
    assert [o["id"] for o in marked] == [imported.shopline_import.shopline_order_id]
    again = await setup.orders.ImportOrder(order_pb2.ImportOrderRequest(name=setup.order_name(order_id)))
    assert again.order.shopline_import.shopline_order_id == imported.shopline_import.shopline_order_id
    assert len(setup.shopline_orders()) == before + 1


async def test_buyer_cancellation_approved_and_rejected(harness) -> None:  # type: ignore[no-untyped-def]
    setup = await _setup(harness, auto_import=False)
    approved_id = setup.new_order("AWAITING_SHIPMENT")
    rejected_id = setup.new_order("AWAITING_SHIPMENT")
    setup.control.request_buyer_cancellation(setup.tiktok_shop_id, approved_id)
    setup.control.request_buyer_cancellation(setup.tiktok_shop_id, rejected_id)
    await setup.sync()

    requested = await setup.orders.ListOrders(
        order_pb2.ListOrdersRequest(
            parent=setup.shop, cancellation_state=order_pb2.CANCELLATION_STATE_REQUESTED_BY_BUYER
        )
    )
    # The seeded shop may hold older pending requests too; they are listed as well.
    assert {approved_id, rejected_id} <= {o.tiktok_order_id for o in requested.orders}
    assert all(
        o.cancellation.state == order_pb2.CANCELLATION_STATE_REQUESTED_BY_BUYER for o in requested.orders
    )
    assert all(o.cancellation.response_deadline_time.seconds > 0 for o in requested.orders)

    approved = await setup.orders.ApproveCancellation(
        order_pb2.ApproveCancellationRequest(name=setup.order_name(approved_id))
    )
    assert approved.order.cancellation.state == order_pb2.CANCELLATION_STATE_APPROVED
    rejected = await setup.orders.RejectCancellation(
        order_pb2.RejectCancellationRequest(
            name=setup.order_name(rejected_id), reason="seller_reject_apply_product_has_been_packed"
        )
    )
    assert rejected.order.cancellation.state == order_pb2.CANCELLATION_STATE_REJECTED
    cancellations = setup.control.tiktok.data(setup.tiktok_shop_id).cancellations.values()
    statuses = {c.order_id: c.status for c in cancellations}
    assert statuses[approved_id] in ("CANCELLATION_REQUEST_SUCCESS", "CANCELLATION_REQUEST_COMPLETE")
    assert statuses[rejected_id] in ("CANCELLATION_REQUEST_CANCEL", "CANCELLATION_REQUEST_CANCELLED")

    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await setup.orders.ApproveCancellation(
            order_pb2.ApproveCancellationRequest(name=setup.order_name(rejected_id))
        )
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION


async def test_seller_cancel_checks_the_reason_with_tiktok(harness) -> None:  # type: ignore[no-untyped-def]
    setup = await _setup(harness, auto_import=False)
    order_id = setup.new_order("AWAITING_SHIPMENT")
    await setup.sync()

    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await setup.orders.CancelOrder(order_pb2.CancelOrderRequest(name=setup.order_name(order_id)))
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "reason" in (caught.value.details() or "")
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await setup.orders.CancelOrder(
            order_pb2.CancelOrderRequest(name=setup.order_name(order_id), reason="because")
        )
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "seller_cancel" in (caught.value.details() or "")

    await asyncio.sleep(1.1)  # TikTok times are whole seconds: the cancellation gets a later one
    cancelled = await setup.orders.CancelOrder(
        order_pb2.CancelOrderRequest(
            name=setup.order_name(order_id), reason="seller_cancel_paid_reason_address_not_deliver"
        )
    )
    assert cancelled.order.cancellation.state == order_pb2.CANCELLATION_STATE_CANCELLED_BY_SELLER
    assert cancelled.order.cancellation.reason == "seller_cancel_paid_reason_address_not_deliver"
    assert setup.control.tiktok.data(setup.tiktok_shop_id).orders[order_id].status == "CANCELLED"
    await setup.sync()
    assert (await setup.get(order_id)).status == order_pb2.ORDER_STATUS_CANCELLED


async def test_an_order_cancelled_after_import_is_cancelled_in_shopline_with_restock(harness) -> None:  # type: ignore[no-untyped-def]
    setup = await _setup(harness)
    order_id = setup.new_order("AWAITING_SHIPMENT")
    await setup.sync()
    imported = await setup.get(order_id)
    assert imported.shopline_import.state == order_pb2.IMPORT_STATE_IMPORTED

    await asyncio.sleep(1.1)
    setup.control.set_order_status(setup.tiktok_shop_id, order_id, "CANCELLED")
    await setup.sync()

    order = await setup.get(order_id)
    assert order.status == order_pb2.ORDER_STATUS_CANCELLED
    shopline_order = next(
        o for o in setup.shopline_orders() if o["id"] == imported.shopline_import.shopline_order_id
    )
    assert shopline_order["status"] == "cancelled"


async def test_requests_are_validated_field_by_field(harness) -> None:  # type: ignore[no-untyped-def]
    setup = await _setup(harness, auto_import=False)
    cases = [
        (setup.orders.GetOrder, order_pb2.GetOrderRequest(name="apps/x/orders/1"), "name"),
        (setup.orders.ListOrders, order_pb2.ListOrdersRequest(parent=setup.shop, page_size=-1), "page_size"),
        (
            setup.orders.ListOrders,
            order_pb2.ListOrdersRequest(parent=setup.shop, statuses=[order_pb2.ORDER_STATUS_UNSPECIFIED]),
            "statuses",
        ),
        (
            setup.orders.ImportOrder,
            order_pb2.ImportOrderRequest(name=setup.order_name("1"), request_id="not-a-uuid"),
            "request_id",
        ),
        (
            setup.orders.RejectCancellation,
            order_pb2.RejectCancellationRequest(name=setup.order_name("1")),
            "reason",
        ),
    ]
    for method, request, field in cases:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await method(request)
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT, field
        assert field in (caught.value.details() or ""), field
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await setup.get("1")
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
