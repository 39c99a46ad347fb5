"""Buyers of imported orders as SHOPLINE customers, end to end: the app's sync_customers setting set
through gRPC, TikTok orders arriving as webhooks at the HTTP edge, ImportOrder creating the SHOPLINE
order with the buyer matched by email, or created once and found again through its link; then
GetCustomerSummary counting the buyers matched across channels, against a hand count."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from google.protobuf import field_mask_pb2
from google.protobuf.timestamp_pb2 import Timestamp

from domain.ids import AppId
from multichannel.v1 import analytics_pb2, analytics_pb2_grpc, app_pb2, app_pb2_grpc
from tests.e2e.test_shopline_cancellation import imported
from tests.e2e.test_webhook_chain import delivered, ready

BUYER_A = "7494845267300000001"
BUYER_B = "7494845267300000002"


@pytest.fixture
def sandbox_size() -> str:
    return "tiny"


@pytest.fixture
def webhooks_to_edge() -> bool:
    return True


def relay_email(buyer_user_id: str) -> str:
    """The anonymized address the sandbox, like TikTok, gives for a buyer."""
    return f"v2{buyer_user_id[-8:]}@scs2.tiktok.com"


def _stamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


async def test_buyers_become_customers_and_are_counted_across_channels(harness) -> None:  # type: ignore[no-untyped-def]
    catalog = await ready(harness)
    apps = app_pb2_grpc.AppServiceStub(harness.channel)
    updated = await apps.UpdateApp(
        app_pb2.UpdateAppRequest(
            app=app_pb2.App(
                name=catalog.app,
                settings=app_pb2.AppSettings(sync_customers=True, default_email="orders@store.example"),
            ),
            update_mask=field_mask_pb2.FieldMask(paths=["settings.sync_customers", "settings.default_email"]),
        )
    )
    assert updated.app.settings.sync_customers
    control = harness.sandbox.control
    store = control.shopline.store(catalog.handle)
    sku = sorted(catalog.tiktok.skus)[0]

    async def bought(buyer_user_id: str) -> str:
        """The buyer orders on TikTok; the order is imported; returns its SHOPLINE customer id."""
        order = control.create_order(
            catalog.tiktok_shop_id, [(sku, 1)], status="AWAITING_SHIPMENT", buyer_user_id=buyer_user_id
        )
        # TikTok's logistics carry it, so TikTok masks the buyer's phone.
        control.set_order_logistics(catalog.tiktok_shop_id, order["id"], shipping_type="TIKTOK")
        await delivered(harness)
        held = await imported(harness, catalog.shop, str(order["id"]))
        return str(store.orders[held.shopline_import.shopline_order_id].payload["customer"]["id"])

    # A web shopper of the store who is also buyer A on TikTok: matched by email.
    shopper = control.create_store_customer(catalog.handle, email=relay_email(BUYER_A), first_name="Ann")
    assert await bought(BUYER_A) == shopper["id"]
    # Buyer B is new: created once with what TikTok gives ...
    created = await bought(BUYER_B)
    assert created != shopper["id"]
    assert store.customers[created].email == relay_email(BUYER_B)
    assert store.customers[created].phone is None  # TikTok's masked phone is never sent
    # ... and found again through the link after the merchant changed the customer's email.
    control.update_store_customer(catalog.handle, created, email="b.renamed@example.com")
    assert await bought(BUYER_B) == created
    assert len(store.customers) == 2

    # Store sales of the shopper, and none of B (B's SHOPLINE orders are imports, not store sales).
    variant = sorted(store.variants)[0]
    control.create_store_order(catalog.handle, [[variant, 1]], customer_id=shopper["id"])
    control.create_store_order(catalog.handle, [[variant, 2]], customer_id=shopper["id"])
    harness.clock.advance(timedelta(minutes=1))
    app_id = AppId(catalog.app.split("/")[1])
    await harness.container.jobs.store_order_sync().sync_app(app_id)

    now = datetime.now(UTC) + harness.clock.offset
    summary = await analytics_pb2_grpc.AnalyticsServiceStub(harness.channel).GetCustomerSummary(
        analytics_pb2.GetCustomerSummaryRequest(
            parent=catalog.app,
            start_time=_stamp(now - timedelta(days=1)),
            end_time=_stamp(now + timedelta(days=1)),
        )
    )
    matched = {row.shop or "store": row.cross_channel_buyer_count for row in summary.rows}
    # By hand: on the shop, buyer A is the one buyer linked to a customer with a store sale (B's
    # customer has none); in the store, the shopper is the one customer linked to a TikTok buyer.
    assert matched == {catalog.shop: 1, "store": 1}
    store_row = next(row for row in summary.rows if not row.shop)
    assert store_row.unique_buyer_count >= 1
