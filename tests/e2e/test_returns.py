"""Returns end to end: the sandbox's buyer opens a return on a delivered TikTok order, webhook 12
reaches the HTTP edge, the operator approves or rejects through gRPC, and TikTok's refund becomes
exactly one SHOPLINE refund, restocking per the app's rule so the pool follows SHOPLINE's on-hand."""

from __future__ import annotations

import grpc
import pytest
from google.protobuf import field_mask_pb2
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from multichannel.v1 import app_pb2, app_pb2_grpc, order_pb2, order_pb2_grpc
from tests.e2e.test_catalog import Catalog
from tests.e2e.test_webhook_chain import delivered, pool, ready, sale, stocked_pool, tick

REFUNDS = "POST /admin/openapi/*/order/refund.json"


@pytest.fixture
def sandbox_size() -> str:
    return "tiny"


@pytest.fixture
def webhooks_to_edge() -> bool:
    return True


async def settings(harness, catalog: Catalog, restock: int) -> None:  # type: ignore[no-untyped-def]
    apps = app_pb2_grpc.AppServiceStub(harness.channel)
    await apps.UpdateApp(
        app_pb2.UpdateAppRequest(
            app=app_pb2.App(
                name=catalog.app,
                settings=app_pb2.AppSettings(auto_import_orders=True, return_restock=restock),
            ),
            update_mask=field_mask_pb2.FieldMask(
                paths=["settings.auto_import_orders", "settings.return_restock"]
            ),
        )
    )


async def delivered_sale(harness, catalog: Catalog, restock: int) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
    """A linked variant with 17 on hand, two units of it sold on TikTok, imported into SHOPLINE
    (on-hand 15) and delivered; returns (variant, order id, SHOPLINE order id)."""
    await settings(harness, catalog, restock)
    variant, (sold, _other) = await stocked_pool(harness, catalog, 17)
    order_id = sale(harness, catalog, sold, 2)
    await delivered(harness)
    control = harness.sandbox.control
    for status in ("IN_TRANSIT", "DELIVERED"):
        tick(harness, 5)
        control.set_order_status(catalog.tiktok_shop_id, order_id, status)
    await delivered(harness)
    orders = order_pb2_grpc.OrderServiceStub(harness.channel)
    order = (await orders.GetOrder(order_pb2.GetOrderRequest(name=f"{catalog.shop}/orders/{order_id}"))).order
    assert order.status == order_pb2.ORDER_STATUS_DELIVERED
    assert order.shopline_import.state == order_pb2.IMPORT_STATE_IMPORTED
    assert (await pool(harness, catalog, variant)).on_hand == 15
    return variant, order_id, order.shopline_import.shopline_order_id


async def returns_of(harness, catalog: Catalog, order_id: str) -> list[order_pb2.OrderReturn]:  # type: ignore[no-untyped-def]
    orders = order_pb2_grpc.OrderServiceStub(harness.channel)
    listed = await orders.ListReturns(
        order_pb2.ListReturnsRequest(parent=f"{catalog.shop}/orders/{order_id}")
    )
    return list(listed.returns)


def refunds(harness, catalog: Catalog, shopline_order_id: str) -> list[dict]:  # type: ignore[no-untyped-def]
    return harness.sandbox.control.shopline_refunds(catalog.handle, shopline_order_id)


async def test_return_and_refund_approved_through_the_api_refunds_once_and_restocks(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await ready(harness)
    variant, order_id, shopline_order_id = await delivered_sale(
        harness, catalog, app_pb2.RETURN_RESTOCK_ON_RETURN_RECEIVED
    )
    control = harness.sandbox.control
    orders = order_pb2_grpc.OrderServiceStub(harness.channel)

    tick(harness, 5)
    opened = control.open_return(catalog.tiktok_shop_id, order_id, "RETURN_AND_REFUND")
    await delivered(harness)
    [pending] = await returns_of(harness, catalog, order_id)
    assert pending.tiktok_return_id == opened["return_id"]
    assert pending.status == order_pb2.RETURN_STATUS_RETURN_OR_REFUND_REQUEST_PENDING
    assert pending.awaiting_seller_decision and pending.type == order_pb2.RETURN_TYPE_RETURN_AND_REFUND
    assert [(line.quantity, line.refund_total.currency_code) for line in pending.lines] == [(2, "USD")]

    tick(harness, 5)
    approved = (await orders.ApproveReturn(order_pb2.ApproveReturnRequest(name=pending.name))).order_return
    assert approved.status == order_pb2.RETURN_STATUS_AWAITING_BUYER_SHIP
    await delivered(harness)

    tick(harness, 5)
    control.move_return(catalog.tiktok_shop_id, opened["return_id"], "BUYER_SHIPPED_ITEM")
    await delivered(harness)
    tick(harness, 5)
    received = (await orders.ApproveReturn(order_pb2.ApproveReturnRequest(name=pending.name))).order_return
    assert received.status == order_pb2.RETURN_STATUS_RETURN_OR_REFUND_REQUEST_SUCCESS
    assert received.shopline_refund.state == order_pb2.SHOPLINE_REFUND_STATE_REFUNDED
    assert received.shopline_refund.restocked
    await delivered(harness)
    tick(harness, 5)
    control.move_return(catalog.tiktok_shop_id, opened["return_id"], "RETURN_OR_REFUND_REQUEST_COMPLETE")
    await delivered(harness)

    [made] = refunds(harness, catalog, shopline_order_id)
    assert made["id"] == received.shopline_refund.shopline_refund_id
    assert [(item["quantity"], item["restock_type"]) for item in made["refund_line_items"]] == [(2, "return")]
    assert (await pool(harness, catalog, variant)).on_hand == 17
    [done] = await returns_of(harness, catalog, order_id)
    assert done.status == order_pb2.RETURN_STATUS_RETURN_OR_REFUND_REQUEST_COMPLETE


async def test_a_refund_without_restock_leaves_shopline_and_the_pool_alone(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await ready(harness)
    variant, order_id, shopline_order_id = await delivered_sale(
        harness, catalog, app_pb2.RETURN_RESTOCK_NEVER
    )
    control = harness.sandbox.control
    tick(harness, 5)
    opened = control.open_return(catalog.tiktok_shop_id, order_id, "REFUND")
    await delivered(harness)
    orders = order_pb2_grpc.OrderServiceStub(harness.channel)
    name = f"{catalog.shop}/returns/{opened['return_id']}"
    tick(harness, 5)
    approved = (await orders.ApproveReturn(order_pb2.ApproveReturnRequest(name=name))).order_return
    assert approved.shopline_refund.state == order_pb2.SHOPLINE_REFUND_STATE_REFUNDED
    assert not approved.shopline_refund.restocked
    await delivered(harness)
    [made] = refunds(harness, catalog, shopline_order_id)
    assert {item["restock_type"] for item in made["refund_line_items"]} == {"no_restock"}
    assert (await pool(harness, catalog, variant)).on_hand == 15


async def test_lost_refund_replies_make_exactly_one_shopline_refund(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await ready(harness)
    variant, order_id, shopline_order_id = await delivered_sale(
        harness, catalog, app_pb2.RETURN_RESTOCK_ON_RETURN_RECEIVED
    )
    control = harness.sandbox.control
    tick(harness, 5)
    opened = control.open_return(catalog.tiktok_shop_id, order_id, "REFUND", quantity=1)
    await delivered(harness)
    # SHOPLINE makes every refund asked for but the replies of the first two are lost.
    control.add_fault("lost_response", service="shopline", pattern=REFUNDS, count=2, status=502)
    orders = order_pb2_grpc.OrderServiceStub(harness.channel)
    tick(harness, 5)
    approved = (
        await orders.ApproveReturn(
            order_pb2.ApproveReturnRequest(name=f"{catalog.shop}/returns/{opened['return_id']}")
        )
    ).order_return
    assert approved.shopline_refund.state == order_pb2.SHOPLINE_REFUND_STATE_REFUNDED
    assert control.faults()[0]["fired"] == 1  # lost once, then found again instead of re-sent
    await delivered(harness)  # the webhooks of the refund change nothing more
    made = refunds(harness, catalog, shopline_order_id)
    assert [r["id"] for r in made] == [approved.shopline_refund.shopline_refund_id]
    assert sum(item["quantity"] for item in made[0]["refund_line_items"]) == 1
    assert (await pool(harness, catalog, variant)).on_hand == 15  # refund only: nothing came back


def _error_info(error: grpc.aio.AioRpcError) -> error_details_pb2.ErrorInfo:
    status = rpc_status.from_call(error)
    assert status is not None
    for detail in status.details:
        info = error_details_pb2.ErrorInfo()
        if detail.Unpack(info):
            return info
    raise AssertionError("no ErrorInfo")


async def test_bad_input_and_tiktok_refusals_answer_with_the_field_or_tiktoks_code(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await ready(harness)
    _variant, order_id, _ = await delivered_sale(harness, catalog, app_pb2.RETURN_RESTOCK_NEVER)
    control = harness.sandbox.control
    orders = order_pb2_grpc.OrderServiceStub(harness.channel)
    tick(harness, 5)
    opened = control.open_return(catalog.tiktok_shop_id, order_id, "RETURN_AND_REFUND")
    await delivered(harness)
    name = f"{catalog.shop}/returns/{opened['return_id']}"

    with pytest.raises(grpc.aio.AioRpcError) as bad_name:
        await orders.ApproveReturn(order_pb2.ApproveReturnRequest(name=f"{catalog.shop}/orders/{order_id}"))
    assert bad_name.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert _error_info(bad_name.value).metadata["field"] == "name"
    with pytest.raises(grpc.aio.AioRpcError) as no_reason:
        await orders.RejectReturn(order_pb2.RejectReturnRequest(name=name))
    assert _error_info(no_reason.value).metadata["field"] == "reason"
    with pytest.raises(grpc.aio.AioRpcError) as unknown_reason:
        await orders.RejectReturn(order_pb2.RejectReturnRequest(name=name, reason="made_up"))
    assert unknown_reason.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    with pytest.raises(grpc.aio.AioRpcError) as bad_filter:
        await orders.ListReturns(order_pb2.ListReturnsRequest(parent=catalog.shop, statuses=[0]))
    assert _error_info(bad_filter.value).metadata["field"] == "statuses"
    with pytest.raises(grpc.aio.AioRpcError) as missing:
        await orders.ApproveReturn(order_pb2.ApproveReturnRequest(name=f"{catalog.shop}/returns/1"))
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND

    # The buyer withdraws on TikTok and the webhook has not arrived yet: TikTok refuses.
    tick(harness, 5)
    control.add_webhook_fault("hold", count=1)
    control.move_return(catalog.tiktok_shop_id, opened["return_id"], "RETURN_OR_REFUND_REQUEST_CANCEL")
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await orders.ApproveReturn(order_pb2.ApproveReturnRequest(name=name))
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert _error_info(refused.value).metadata["code"] == "12052903"
    control.release_webhooks()
    await delivered(harness)
    [withdrawn] = await returns_of(harness, catalog, order_id)
    assert withdrawn.status == order_pb2.RETURN_STATUS_RETURN_OR_REFUND_REQUEST_CANCEL
    with pytest.raises(grpc.aio.AioRpcError) as settled:
        await orders.RejectReturn(
            order_pb2.RejectReturnRequest(name=name, reason="seller_reject_apply_product_has_been_packed")
        )
    assert settled.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert _error_info(settled.value).reason == "RETURN_NOT_AWAITING_SELLER"
