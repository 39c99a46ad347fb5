"""Recipient data and orders fulfilled by TikTok, end to end: the sandbox sends real signed
webhooks to the HTTP edge, the service imports into the SHOPLINE sandbox, and everything is read
back through gRPC. Covers the address, phone and notes of an imported order, the app's default
email for TikTok-shipped orders, TikTok's address updates (webhook 3) and FBT orders."""

from __future__ import annotations

import grpc
import pytest
from google.protobuf import field_mask_pb2
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from multichannel.v1 import app_pb2, app_pb2_grpc, order_pb2, order_pb2_grpc
from sandbox.shopline.models import Order as ShoplineOrder
from tests.e2e.test_catalog import Catalog
from tests.e2e.test_webhook_chain import delivered, pool, ready, stocked_pool, tick

DEFAULT_EMAIL = "orders@shop.example"


@pytest.fixture
def sandbox_size() -> str:
    return "tiny"


@pytest.fixture
def webhooks_to_edge() -> bool:
    return True


async def _settings(harness, catalog: Catalog, **settings: object) -> app_pb2.App:  # type: ignore[no-untyped-def]
    apps = app_pb2_grpc.AppServiceStub(harness.channel)
    reply = await apps.UpdateApp(
        app_pb2.UpdateAppRequest(
            app=app_pb2.App(name=catalog.app, settings=app_pb2.AppSettings(**settings)),  # type: ignore[arg-type]
            update_mask=field_mask_pb2.FieldMask(paths=[f"settings.{name}" for name in settings]),
        )
    )
    return reply.app


async def _auto_import(harness, catalog: Catalog, default_email: str = "") -> None:  # type: ignore[no-untyped-def]
    await _settings(
        harness,
        catalog,
        auto_import_orders=True,
        order_import_scope=app_pb2.ORDER_IMPORT_SCOPE_ALL_WITH_CUSTOM_ITEMS,
    )
    if default_email:
        await _settings(harness, catalog, default_email=default_email)


async def _order(harness, catalog: Catalog, order_id: str) -> order_pb2.Order:  # type: ignore[no-untyped-def]
    stub = order_pb2_grpc.OrderServiceStub(harness.channel)
    name = f"{catalog.shop}/orders/{order_id}"
    return (await stub.GetOrder(order_pb2.GetOrderRequest(name=name))).order


def _shopline_order(catalog: Catalog, order_id: str) -> ShoplineOrder:
    marker = f"TIKTOK_SHOP:{catalog.tiktok_shop_id}:{order_id}"
    [found] = [
        order
        for order in catalog.store.orders.values()
        if any(a.get("value") == marker for a in order.payload.get("note_attributes", []))
    ]
    return found


def _notes(order: ShoplineOrder) -> dict[str, str]:
    return {a["name"]: a["value"] for a in order.payload["note_attributes"]}


def _shopline_on_hand(catalog: Catalog, variant: str) -> int:
    item = catalog.store.variants[variant].inventory_item_id
    return sum(quantity for (item_id, _), quantity in catalog.store.levels.items() if item_id == item)


def _sale(harness, catalog: Catalog, sku_id: str, quantity: int = 1, **options: str) -> str:  # type: ignore[no-untyped-def]
    control = harness.sandbox.control
    created = control.create_order(
        catalog.tiktok_shop_id, [(sku_id, quantity)], status="AWAITING_SHIPMENT", **options
    )
    if "fulfillment_type" not in options:  # TikTok's logistics carry it: the buyer's data stays hidden
        control.set_order_logistics(catalog.tiktok_shop_id, created["id"], shipping_type="TIKTOK")
    return str(created["id"])


def _violations(error: grpc.aio.AioRpcError) -> list[str]:
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    assert status is not None
    fields = []
    for detail in status.details:
        bad = error_details_pb2.BadRequest()
        if detail.Unpack(bad):
            fields += [violation.field for violation in bad.field_violations]
    return fields


async def test_a_tiktok_shipped_order_needs_the_default_email_and_then_carries_address_phone_and_notes(
    harness,
) -> None:  # type: ignore[no-untyped-def]
    catalog = await ready(harness)
    await _auto_import(harness, catalog)
    sku = sorted(catalog.tiktok.skus)[0]
    order_id = _sale(harness, catalog, sku, 2, buyer_message="Please ring twice")
    await delivered(harness)

    failed = await _order(harness, catalog, order_id)
    assert failed.shopline_import.state == order_pb2.IMPORT_STATE_FAILED
    assert "default email" in failed.shopline_import.reason
    assert "settings.default_email" in failed.shopline_import.reason
    stub = order_pb2_grpc.OrderServiceStub(harness.channel)
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await stub.ImportOrder(order_pb2.ImportOrderRequest(name=failed.name))
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION

    with pytest.raises(grpc.aio.AioRpcError) as invalid:
        await _settings(harness, catalog, default_email="not an email")
    assert invalid.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert _violations(invalid.value) == ["app.settings.default_email"]
    app = await _settings(harness, catalog, default_email=DEFAULT_EMAIL)
    assert app.settings.default_email == DEFAULT_EMAIL

    imported = (await stub.ImportOrder(order_pb2.ImportOrderRequest(name=failed.name))).order
    assert imported.shopline_import.state == order_pb2.IMPORT_STATE_IMPORTED
    assert imported.fulfillment_type == order_pb2.FULFILLMENT_TYPE_BY_SELLER
    created = _shopline_order(catalog, order_id)
    tiktok_view = harness.sandbox.control.tiktok.data(catalog.tiktok_shop_id).orders[order_id]
    assert created.payload["customer"]["email"] == DEFAULT_EMAIL
    address = created.payload["shipping_address"]
    assert address["email"] == DEFAULT_EMAIL
    assert address["first_name"].endswith("***") and address["last_name"].endswith("***")
    assert "*****" in address["phone"] and address["phone"].startswith("(+1)")
    assert "***" in address["address1"]
    assert address["country_code"] == "US" and address["country"] == "United States"
    assert address["province"] == "California" and address["city"] == "Los Angeles"
    assert address["zip"]
    notes = _notes(created)
    assert notes["tiktok_buyer_message"] == "Please ring twice" == tiktok_view.buyer_message
    assert notes["tiktok_fulfillment_type"] == "FULFILLMENT_BY_SELLER"
    assert created.payload["buyer_note"] == "Please ring twice"


async def test_an_address_change_on_tiktok_reaches_the_shopline_order_until_it_is_fulfilled(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await ready(harness)
    await _auto_import(harness, catalog, DEFAULT_EMAIL)
    control = harness.sandbox.control
    order_id = _sale(harness, catalog, sorted(catalog.tiktok.skus)[0])
    await delivered(harness)
    created = _shopline_order(catalog, order_id)
    old_zip = created.payload["shipping_address"]["zip"]

    tick(harness, 5)
    control.change_recipient_address(
        catalog.tiktok_shop_id, order_id, address_line1="77 Harbour Road", postal_code="90210"
    )
    assert await delivered(harness) >= 1
    moved = created.payload["shipping_address"]
    assert (moved["address1"], moved["zip"]) == ("7*** H*** R***", "90210")
    assert moved["zip"] != old_zip and moved["email"] == DEFAULT_EMAIL

    # Fulfilled in SHOPLINE meanwhile: the parcel went to the address it had; it stays.
    created.payload["fulfillments"] = [{"id": "f-1", "status": "success"}]
    control.change_recipient_address(catalog.tiktok_shop_id, order_id, postal_code="10001")
    await delivered(harness)
    assert created.payload["shipping_address"]["zip"] == "90210"


async def test_an_fbt_order_never_touches_the_pool_imports_without_decrement_and_is_flagged(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await ready(harness)
    variant, (sold, _other) = await stocked_pool(harness, catalog, 17)
    await _auto_import(harness, catalog, DEFAULT_EMAIL)
    before = await pool(harness, catalog, variant)
    assert (before.on_hand, before.held, before.available) == (17, 0, 17)
    assert _shopline_on_hand(catalog, variant) == 17

    fbt = _sale(harness, catalog, sold, 3, fulfillment_type="FULFILLMENT_BY_TIKTOK")
    await delivered(harness)
    after = await pool(harness, catalog, variant)
    assert (after.on_hand, after.held, after.available) == (17, 0, 17)
    assert _shopline_on_hand(catalog, variant) == 17
    created = _shopline_order(catalog, fbt)
    assert created.payload["inventory_behaviour"] == "bypass"
    assert _notes(created)["tiktok_fulfillment_type"] == "FULFILLMENT_BY_TIKTOK"

    stub = order_pb2_grpc.OrderServiceStub(harness.channel)
    listed = {
        order.tiktok_order_id: order
        for order in (
            await stub.ListOrders(order_pb2.ListOrdersRequest(parent=catalog.shop, page_size=100))
        ).orders
    }
    assert listed[fbt].fulfillment_type == order_pb2.FULFILLMENT_TYPE_BY_TIKTOK
    assert listed[fbt].shopline_import.state == order_pb2.IMPORT_STATE_IMPORTED

    # A seller-fulfilled sale of the same SKU does take units, in the pool and in SHOPLINE.
    seller = _sale(harness, catalog, sold, 2)
    await delivered(harness)
    assert _shopline_on_hand(catalog, variant) == 15
    assert (await _order(harness, catalog, seller)).fulfillment_type == order_pb2.FULFILLMENT_TYPE_BY_SELLER
