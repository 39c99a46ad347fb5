"""`SqlSalesReports` on SQLite and PostgreSQL against an independent computation of the figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.persistence.sales_reports import SqlSalesReports, offset_segments
from domain.analytics import (
    ReportRange,
    SalesChannel,
    SalesGrouping,
    SalesSummaryRow,
    TopProduct,
    TopProductsRanking,
    from_e4,
)
from domain.customers import CustomerLink, MatchedBy
from domain.ids import AppId, ShopId, ShoplineCustomerId
from domain.ports import SalesReports
from tests import analytics_dataset as dataset
from tests.fakes import FakeSalesReports
from tests.integration.persistence import builders
from tests.integration.persistence.conftest import Backend

# A range over the spring change of Europe/London (2026-03-29 01:00 UTC).
BASE = datetime(2026, 3, 27, tzinfo=UTC)
START, END = BASE, BASE + timedelta(days=4)
APP = "app-a"
SHOPS = ("shop-us", "shop-gb")
VARIANTS = ("var-1", "var-2")


async def _seed(backend: Backend) -> dataset.Dataset:
    data = dataset.build(BASE, APP, SHOPS, VARIANTS)
    async with backend.new_uow() as uow:
        await uow.apps.add(builders.app(APP))
        await uow.apps.add(builders.app("app-other"))
        for shop_id in (*SHOPS, "shop-other"):
            await uow.shops.add(builders.shop(shop_id, "app-other" if shop_id == "shop-other" else APP))
        await uow.channel_products.save_many(dataset.channel_products(data, BASE))
        await uow.shopline_variants.upsert_many(AppId(APP), dataset.shopline_variants(data, BASE))
        await uow.orders.save_many(dataset.tiktok_orders(data))
        await uow.store_orders.upsert_many(
            AppId(APP), [o for o in dataset.store_orders(data) if o.is_store_sale]
        )
        # Another app's sales never show up.
        other = dataset.build(BASE, "app-other", ("shop-other", "shop-other"), VARIANTS)
        await uow.orders.save_many([o for o in dataset.tiktok_orders(other) if o.shop_id == "shop-other"][:3])
        await uow.store_orders.upsert_many(AppId("app-other"), dataset.store_orders(other)[:3])
        await uow.commit()
    return data


def _summary(rows: list[SalesSummaryRow], grouping: str) -> list[tuple[object, ...]]:
    found = []
    for row in rows:
        f = row.figures
        if grouping == "day":
            group: object = row.day
        elif grouping == "shop":
            group = row.shop_id or dataset.STORE
        else:
            group = "store" if row.channel is SalesChannel.SHOPLINE_STORE else "tiktok"
        found.append(
            (
                group,
                f.currency,
                f.order_count,
                f.unit_count,
                str(from_e4(f.gross_e4, f.currency).amount),
                str(from_e4(f.discount_e4, f.currency).amount),
                str(from_e4(f.net_e4, f.currency).amount),
                f.cancelled_order_count,
                str(f.cancellation_rate),
                str(f.average_order_value.amount),
                f.unique_buyer_count,
            )
        )
    return found


def _product(product: TopProduct) -> tuple[object, ...]:
    return (
        product.variant_id or "",
        sorted((s.shop_id, s.product_id, s.sku_id) for s in product.skus),
        product.title,
        product.sku_code,
        product.unit_count,
        product.order_count,
        {currency: str(from_e4(amount, currency).amount) for currency, amount in product.net_sales_e4},
    )


def _reports(backend: Backend) -> SalesReports:
    if backend.engine is None:
        return FakeSalesReports(backend.new_uow().database)
    return SqlSalesReports(backend.engine)


@pytest.fixture
async def seeded(backend: Backend) -> tuple[SalesReports, dataset.Dataset]:
    """The SQL adapter on both databases, and the fake, over the same data set."""
    data = await _seed(backend)
    return _reports(backend), data


PERIOD = ReportRange(START, END)


@pytest.mark.parametrize(
    ("grouping", "zone"),
    [
        ("day", "UTC"),
        ("day", "Asia/Singapore"),
        ("day", "Europe/London"),
        ("day", "America/Los_Angeles"),
        ("shop", "UTC"),
        ("channel", "UTC"),
    ],
)
async def test_sales_summary_equals_the_independent_figures(seeded: Any, grouping: str, zone: str) -> None:
    reports, data = seeded
    rows = await reports.sales_summary(AppId(APP), PERIOD, SalesGrouping(grouping.upper()), zone)
    expected = dataset.expected_summary(data, START, END, grouping, zone)
    assert sorted(_summary(rows, grouping), key=repr) == sorted(expected, key=repr)
    assert len(expected) >= 3


async def test_singapore_days_split_orders_either_side_of_local_midnight(seeded: Any) -> None:
    reports, _ = seeded
    rows = await reports.sales_summary(AppId(APP), PERIOD, SalesGrouping.DAY, "Asia/Singapore")
    usd_days = {row.day: row.figures.order_count for row in rows if row.figures.currency == "USD"}
    # 15:59 UTC is still the 27th in Singapore, 16:01 UTC is the 28th.
    assert usd_days["2026-03-27"] == 2  # store order at 10:00 UTC and the TikTok one at 15:59
    # 16:01 UTC on the 27th and 03:00 UTC on the 28th (cancelled; it still counts as an order).
    assert usd_days["2026-03-28"] == 2


@pytest.mark.parametrize(("ranking", "currency"), [("UNITS", None), ("SALES", "USD"), ("SALES", "GBP")])
async def test_top_products_equal_the_independent_ranking(
    seeded: Any, ranking: str, currency: str | None
) -> None:
    reports, data = seeded
    page = await reports.top_products(
        AppId(APP), PERIOD, TopProductsRanking(ranking), currency, offset=0, limit=100
    )
    assert page.next_offset is None
    assert [_product(p) for p in page.items] == dataset.expected_top_products(data, START, END, currency)


async def test_top_products_page_by_offset(seeded: Any) -> None:
    reports, data = seeded
    collected: list[TopProduct] = []
    offset: int | None = 0
    while offset is not None:
        page = await reports.top_products(
            AppId(APP), PERIOD, TopProductsRanking.UNITS, None, offset=offset, limit=2
        )
        assert len(page.items) <= 2
        collected.extend(page.items)
        offset = page.next_offset
    assert [_product(p) for p in collected] == dataset.expected_top_products(data, START, END)
    linked = next(p for p in collected if p.variant_id == "var-1")
    assert [s.shop_id for s in linked.skus] == [ShopId("shop-gb"), ShopId("shop-us")]


async def test_customer_summary_equals_the_independent_figures(seeded: Any) -> None:
    reports, data = seeded
    rows = await reports.customer_summary(AppId(APP), PERIOD)
    found = sorted(
        (
            row.shop_id or dataset.STORE,
            row.unique_buyer_count,
            row.repeat_buyer_count,
            row.new_buyer_count,
            row.returning_buyer_count,
        )
        for row in rows
    )
    assert found == sorted(dataset.expected_customers(data, START, END))


async def test_buyers_matched_across_channels_through_customer_links_equal_a_hand_count(
    backend: Backend,
) -> None:
    """In the range: US buyers b1, b2; GB buyers b1, g7, g8; store customers s1, s2 (s3 unpaid,
    s4's order imported from a channel). Linked: b1 -> s1, g7 -> s2, b2 -> s9 (no store order),
    b3 -> s2 (only an unpaid order), and in another app g8 -> s2."""
    await _seed(backend)
    async with backend.new_uow() as uow:
        for app_id, buyer, customer in [
            (APP, "b1", "s1"),
            (APP, "g7", "s2"),
            (APP, "b2", "s9"),
            (APP, "b3", "s2"),
            ("app-other", "g8", "s2"),
        ]:
            link = CustomerLink(AppId(app_id), buyer, ShoplineCustomerId(customer), MatchedBy.EMAIL, BASE)
            await uow.customer_links.save(link)
        await uow.commit()
    rows = await _reports(backend).customer_summary(AppId(APP), PERIOD)
    matched = {row.shop_id or dataset.STORE: row.cross_channel_buyer_count for row in rows}
    # shop-us: b1 (s1 bought in the store); shop-gb: b1 and g7; the store: s1 (via b1) and s2 (via g7).
    assert matched == {"shop-us": 1, "shop-gb": 2, dataset.STORE: 2}


async def test_an_app_without_orders_has_no_rows(backend: Backend) -> None:
    await _seed(backend)
    reports = _reports(backend)
    empty = AppId("app-none")
    assert await reports.sales_summary(empty, PERIOD, SalesGrouping.DAY, "UTC") == []
    assert await reports.customer_summary(empty, PERIOD) == []
    page = await reports.top_products(empty, PERIOD, TopProductsRanking.UNITS, None, offset=0, limit=5)
    assert page.items == () and page.next_offset is None


def test_offset_segments_follow_daylight_saving_changes() -> None:
    from zoneinfo import ZoneInfo

    segments = offset_segments(ZoneInfo("Europe/London"), START, END)
    assert segments == [(datetime(2026, 3, 29, 1, tzinfo=UTC), 0), (END, 3600)]
    assert offset_segments(ZoneInfo("Asia/Singapore"), START, END) == [(END, 8 * 3600)]
