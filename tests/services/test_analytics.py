"""Analytics use cases: the app must exist, rows come in the promised order, requests are checked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.analytics import ReportRange, SalesChannel, SalesGrouping, TopProductsRanking
from domain.app import App
from domain.errors import AppNotFound, InvalidArgument
from domain.ids import AppId
from services.analytics.sales import SalesAnalytics
from tests import analytics_dataset as dataset
from tests.fakes import FakeDatabase, FakeSalesReports, FakeUnitOfWork

BASE = datetime(2026, 5, 4, tzinfo=UTC)
PERIOD = ReportRange(BASE, BASE + timedelta(days=4))
APP = AppId("app-a")


async def _analytics(*, with_shops: bool = True) -> tuple[SalesAnalytics, dataset.Dataset]:
    database = FakeDatabase()
    data = dataset.build(BASE, APP, ("shop-z", "shop-a"), ("v-1", "v-2"))
    async with FakeUnitOfWork(database) as uow:
        await uow.apps.add(App.install(APP, "web-store", BASE))
        if with_shops:
            for shop in dataset.shops(data, BASE):
                await uow.shops.add(shop)
            await uow.channel_products.save_many(dataset.channel_products(data, BASE))
            await uow.orders.save_many(dataset.tiktok_orders(data))
        await uow.store_orders.upsert_many(APP, [o for o in dataset.store_orders(data) if o.is_store_sale])
        await uow.commit()
    return SalesAnalytics(lambda: FakeUnitOfWork(database), FakeSalesReports(database)), data


async def test_shop_rows_come_by_shop_name_with_the_store_last() -> None:
    analytics, _ = await _analytics()
    rows = await analytics.sales_summary(APP, PERIOD, SalesGrouping.SHOP)
    # "shop-z" is named "Alpha US", "shop-a" "Beta GB"; the store sells in SGD and USD.
    assert [(r.shop_id, r.figures.currency) for r in rows] == [
        ("shop-z", "USD"),
        ("shop-a", "GBP"),
        (None, "SGD"),
        (None, "USD"),
    ]
    assert rows[-1].channel is SalesChannel.SHOPLINE_STORE


async def test_day_rows_are_ordered_by_date_then_currency() -> None:
    analytics, _ = await _analytics()
    rows = await analytics.sales_summary(APP, PERIOD, SalesGrouping.DAY, "Asia/Singapore")
    keys = [(r.day, r.figures.currency) for r in rows]
    assert keys == sorted(keys)
    assert keys[0] == ("2026-05-04", "GBP")


async def test_customer_rows_list_every_shop_and_the_store_even_without_buyers() -> None:
    analytics, _ = await _analytics()
    later = ReportRange(BASE + timedelta(days=30), BASE + timedelta(days=31))
    rows = await analytics.customer_summary(APP, later)
    assert [(r.channel, r.shop_id, r.unique_buyer_count) for r in rows] == [
        (SalesChannel.TIKTOK_SHOP, "shop-z", 0),
        (SalesChannel.TIKTOK_SHOP, "shop-a", 0),
        (SalesChannel.SHOPLINE_STORE, None, 0),
    ]


async def test_unknown_app_is_not_found() -> None:
    analytics, _ = await _analytics()
    with pytest.raises(AppNotFound):
        await analytics.sales_summary(AppId("nope"), PERIOD, SalesGrouping.DAY)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda a: a.sales_summary(APP, PERIOD, SalesGrouping.DAY, "Mars/Olympus"), "time_zone"),
        (lambda a: a.sales_summary(APP, PERIOD, SalesGrouping.DAY, "../etc/passwd"), "time_zone"),
        (
            lambda a: a.top_products(APP, PERIOD, TopProductsRanking.SALES, "usd", offset=0, limit=5),
            "currency_code",
        ),
        (
            lambda a: a.top_products(APP, PERIOD, TopProductsRanking.SALES, "", offset=0, limit=5),
            "currency_code",
        ),
    ],
)
async def test_bad_requests_name_the_field(call, field: str) -> None:  # type: ignore[no-untyped-def]
    analytics, _ = await _analytics()
    with pytest.raises(InvalidArgument, match=f"^{field}:"):
        await call(analytics)


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (BASE, BASE, "end_time"),
        (BASE, BASE - timedelta(seconds=1), "end_time"),
        (BASE, BASE + timedelta(days=366, seconds=1), "end_time"),
    ],
)
def test_report_ranges_are_checked(start: datetime, end: datetime, field: str) -> None:
    with pytest.raises(InvalidArgument, match=f"^{field}:"):
        ReportRange(start, end)
    assert ReportRange(BASE, BASE + timedelta(days=366)).end > BASE
