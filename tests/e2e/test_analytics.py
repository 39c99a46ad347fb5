"""Analytics end to end: TikTok orders in the database, store orders read from the SHOPLINE sandbox,
figures through gRPC equal to an independent computation, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
import pytest
from google.protobuf import field_mask_pb2
from google.protobuf.timestamp_pb2 import Timestamp
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from domain.ids import AppId
from multichannel.v1 import analytics_pb2, analytics_pb2_grpc, app_pb2, app_pb2_grpc, shop_pb2, shop_pb2_grpc
from tests import analytics_dataset as dataset
from tests.e2e.conftest import Harness
from tests.e2e.installation import completion_request

HANDLE = "analytics-store"
ZONE = "Asia/Singapore"


def _stamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


async def _install(harness: Harness) -> str:
    apps = app_pb2_grpc.AppServiceStub(harness.channel)
    harness.sandbox.control.create_store(HANDLE, "tiny")
    started = await apps.StartInstallation(app_pb2.StartInstallationRequest(store_handle=HANDLE))
    callback = harness.sandbox.control.install_shopline(HANDLE, authorization_url=started.authorization_url)[
        "params"
    ]
    done = await apps.CompleteInstallation(completion_request(callback))
    return done.app.name


async def _two_shops(harness: Harness, app: str) -> tuple[str, str]:
    """Authorizes a US and a GB shop and names them "Alpha US" and "Beta GB"; returns their ids."""
    control = harness.sandbox.control
    us = control.create_shop("US", "Sandbox US", products=0, orders=0)["id"]
    gb = control.create_shop("GB", "Sandbox GB", products=0, orders=0)["id"]
    shops = shop_pb2_grpc.ShopServiceStub(harness.channel)
    started = await shops.StartAuthorization(shop_pb2.StartAuthorizationRequest(parent=app, region_code="US"))
    code = control.grant_authorization([us, gb])["code"]
    done = await shops.CompleteAuthorization(
        shop_pb2.CompleteAuthorizationRequest(parent=app, state=started.state, code=code)
    )
    names = {}
    for shop in done.shops:
        label = "Alpha US" if shop.tiktok_shop_id == us else "Beta GB"
        await shops.UpdateShop(
            shop_pb2.UpdateShopRequest(
                shop=shop_pb2.Shop(name=shop.name, display_name=label),
                update_mask=field_mask_pb2.FieldMask(paths=["display_name"]),
            )
        )
        names[label] = shop.name.rsplit("/", 1)[1]
    return names["Alpha US"], names["Beta GB"]


async def _seed(harness: Harness, app: str) -> tuple[dataset.Dataset, datetime]:
    app_id = AppId(app.split("/")[1])
    us, gb = await _two_shops(harness, app)
    control = harness.sandbox.control
    variants = [v["id"] for v in control.shopline_variants(HANDLE, 2)]
    base = dataset.utc_midnight(datetime.now(UTC)) - timedelta(days=8)
    data = dataset.build(base, app_id, (us, gb), (variants[0], variants[1]))
    async with harness.container.persistence.unit_of_work() as uow:
        await uow.channel_products.save_many(dataset.channel_products(data, base))
        await uow.shopline_variants.upsert_many(app_id, dataset.shopline_variants(data, base))
        await uow.orders.save_many(dataset.tiktok_orders(data))
        await uow.commit()
    for fact in data.store:
        control.create_store_order(
            HANDLE,
            [[line.variant_id, line.quantity, line.price, line.discount] for line in fact.lines],
            customer_id=fact.buyer or None,
            financial_status="paid" if fact.paid else "unpaid",
            created_at=fact.created.timestamp(),
            cancelled=fact.cancelled,
            currency=fact.currency,
            note_attributes=[{"name": "mcc_channel_order", "value": "TIKTOK:1:2"}] if fact.imported else None,
        )
    harness.clock.advance(timedelta(minutes=1))  # the window's end lies after the sandbox's last update
    report = await harness.container.jobs.store_order_sync().sync_app(app_id)
    assert report.stored == sum(1 for fact in data.store if fact.paid and not fact.imported)
    return data, base


@pytest.fixture
async def seeded(harness: Harness) -> tuple[Harness, str, dataset.Dataset, datetime]:
    app = await _install(harness)
    data, base = await _seed(harness, app)
    return harness, app, data, base


def _money(value: Any) -> str:
    return value.amount


async def test_sales_summary_through_grpc_equals_the_independent_figures(seeded: Any) -> None:
    harness, app, data, base = seeded
    stub = analytics_pb2_grpc.AnalyticsServiceStub(harness.channel)
    start, end = base, base + timedelta(days=4)
    cases = [
        (analytics_pb2.SALES_GROUP_BY_DAY, "day", ZONE),
        (analytics_pb2.SALES_GROUP_BY_UNSPECIFIED, "day", ""),
        (analytics_pb2.SALES_GROUP_BY_SHOP, "shop", ""),
        (analytics_pb2.SALES_GROUP_BY_CHANNEL, "channel", ""),
    ]
    for group_by, grouping, zone in cases:
        response = await stub.GetSalesSummary(
            analytics_pb2.GetSalesSummaryRequest(
                parent=app, start_time=_stamp(start), end_time=_stamp(end), group_by=group_by, time_zone=zone
            )
        )
        found = []
        for row in response.rows:
            if grouping == "day":
                group: object = row.date
            elif grouping == "shop":
                group = row.shop.rsplit("/", 1)[1] if row.shop else dataset.STORE
            else:
                group = "store" if row.channel == analytics_pb2.SALES_CHANNEL_SHOPLINE_STORE else "tiktok"
            amounts = (row.gross_sales, row.discounts, row.net_sales, row.average_order_value)
            assert {m.currency_code for m in amounts} == {row.currency_code}
            found.append(
                (
                    group,
                    row.currency_code,
                    row.order_count,
                    row.unit_count,
                    _money(row.gross_sales),
                    _money(row.discounts),
                    _money(row.net_sales),
                    row.cancelled_order_count,
                    row.cancellation_rate,
                    _money(row.average_order_value),
                    row.unique_buyer_count,
                )
            )
        # Exact figures in the promised order (the independent computation orders them too).
        assert found == dataset.expected_summary(data, start, end, grouping, zone or "UTC"), grouping


async def test_top_products_through_grpc_page_by_page(seeded: Any) -> None:
    harness, app, data, base = seeded
    stub = analytics_pb2_grpc.AnalyticsServiceStub(harness.channel)
    start, end = base, base + timedelta(days=4)
    for order_by, currency in [
        (analytics_pb2.TOP_PRODUCTS_ORDER_BY_UNITS, None),
        (analytics_pb2.TOP_PRODUCTS_ORDER_BY_SALES, "USD"),
    ]:
        collected: list[analytics_pb2.TopProduct] = []
        token = ""
        while True:
            page = await stub.ListTopProducts(
                analytics_pb2.ListTopProductsRequest(
                    parent=app,
                    start_time=_stamp(start),
                    end_time=_stamp(end),
                    order_by=order_by,
                    currency_code=currency or "",
                    page_size=2,
                    page_token=token,
                )
            )
            assert len(page.top_products) <= 2
            collected.extend(page.top_products)
            token = page.next_page_token
            if not token:
                break
        found = [
            (
                p.shopline_variant_id,
                sorted(tuple(name.split("/")[i] for i in (3, 5, 7)) for name in p.skus),
                p.title,
                p.sku_code,
                p.unit_count,
                p.order_count,
                {m.currency_code: m.amount for m in p.net_sales},
            )
            for p in collected
        ]
        assert found == dataset.expected_top_products(data, start, end, currency)
        assert all(name.startswith(f"{app}/shops/") for p in collected for name in p.skus)


async def test_customer_summary_through_grpc(seeded: Any) -> None:
    harness, app, data, base = seeded
    stub = analytics_pb2_grpc.AnalyticsServiceStub(harness.channel)
    start, end = base, base + timedelta(days=4)
    response = await stub.GetCustomerSummary(
        analytics_pb2.GetCustomerSummaryRequest(parent=app, start_time=_stamp(start), end_time=_stamp(end))
    )
    found = [
        (
            row.shop.rsplit("/", 1)[1] if row.shop else dataset.STORE,
            row.unique_buyer_count,
            row.repeat_buyer_count,
            row.new_buyer_count,
            row.returning_buyer_count,
        )
        for row in response.rows
    ]
    assert found == dataset.expected_customers(data, start, end)
    assert [row.channel for row in response.rows] == [
        analytics_pb2.SALES_CHANNEL_TIKTOK_SHOP,
        analytics_pb2.SALES_CHANNEL_TIKTOK_SHOP,
        analytics_pb2.SALES_CHANNEL_SHOPLINE_STORE,
    ]


def _violations(error: grpc.aio.AioRpcError) -> list[str]:
    fields = []
    for detail in rpc_status.from_call(error).details:
        bad = error_details_pb2.BadRequest()
        if detail.Unpack(bad):
            fields += [violation.field for violation in bad.field_violations]
    return fields


async def test_bad_requests_are_invalid_argument_naming_the_field(harness: Harness) -> None:
    app = await _install(harness)
    stub = analytics_pb2_grpc.AnalyticsServiceStub(harness.channel)
    now = datetime.now(UTC)
    start, end = _stamp(now - timedelta(days=1)), _stamp(now)
    summary = analytics_pb2.GetSalesSummaryRequest
    top = analytics_pb2.ListTopProductsRequest
    cases = [
        (stub.GetSalesSummary, summary(parent="apps", start_time=start, end_time=end), "parent"),
        (stub.GetSalesSummary, summary(parent=app, end_time=end), "start_time"),
        (stub.GetSalesSummary, summary(parent=app, start_time=start), "end_time"),
        (stub.GetSalesSummary, summary(parent=app, start_time=end, end_time=start), "end_time"),
        (
            stub.GetSalesSummary,
            summary(parent=app, start_time=_stamp(now - timedelta(days=367)), end_time=end),
            "end_time",
        ),
        (
            stub.GetSalesSummary,
            summary(parent=app, start_time=start, end_time=end, time_zone="Nowhere/City"),
            "time_zone",
        ),
        (stub.GetSalesSummary, summary(parent=app, start_time=start, end_time=end, group_by=42), "group_by"),
        (
            stub.ListTopProducts,
            top(
                parent=app, start_time=start, end_time=end, order_by=analytics_pb2.TOP_PRODUCTS_ORDER_BY_SALES
            ),
            "currency_code",
        ),
        (
            stub.ListTopProducts,
            top(
                parent=app,
                start_time=start,
                end_time=end,
                order_by=analytics_pb2.TOP_PRODUCTS_ORDER_BY_SALES,
                currency_code="usd",
            ),
            "currency_code",
        ),
        (stub.ListTopProducts, top(parent=app, start_time=start, end_time=end, page_size=-1), "page_size"),
        (
            stub.ListTopProducts,
            top(parent=app, start_time=start, end_time=end, page_token="forged"),
            "page_token",
        ),
        (
            stub.GetCustomerSummary,
            analytics_pb2.GetCustomerSummaryRequest(parent=app, start_time=start),
            "end_time",
        ),
    ]
    for method, request, field in cases:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await method(request)
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT, field
        assert _violations(caught.value) == [field]

    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.GetSalesSummary(summary(parent="apps/missing", start_time=start, end_time=end))
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
