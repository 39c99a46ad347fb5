"""Analytics queries: sales, top products and buyers across an app's TikTok shops and its store.

The figures come from the `SalesReports` port (aggregated by the database); these use cases check
the app, validate the request and put rows in the order the API promises.
"""

from __future__ import annotations

from collections.abc import Callable

from domain.analytics import (
    CustomerSummaryRow,
    ReportRange,
    SalesChannel,
    SalesGrouping,
    SalesSummaryRow,
    TopProductsPage,
    TopProductsRanking,
    report_currency,
    report_time_zone,
)
from domain.ids import AppId, ShopId
from domain.ports import SalesReports, UnitOfWork

_SHOP_PAGE = 100


class SalesAnalytics:
    def __init__(self, unit_of_work: Callable[[], UnitOfWork], reports: SalesReports) -> None:
        self._unit_of_work = unit_of_work
        self._reports = reports

    async def sales_summary(
        self, app_id: AppId, period: ReportRange, grouping: SalesGrouping, time_zone: str = ""
    ) -> list[SalesSummaryRow]:
        zone = report_time_zone(time_zone)
        names = await self._shop_names(app_id)
        rows = await self._reports.sales_summary(app_id, period, grouping, zone)

        def order(row: SalesSummaryRow) -> tuple[object, ...]:
            currency = row.figures.currency
            if grouping is SalesGrouping.DAY:
                return (row.day or "", currency)
            if grouping is SalesGrouping.SHOP:
                return (*_shop_position(row.shop_id, names), currency)
            return (row.channel is SalesChannel.SHOPLINE_STORE, currency)

        return sorted(rows, key=order)

    async def top_products(
        self,
        app_id: AppId,
        period: ReportRange,
        ranking: TopProductsRanking,
        currency: str,
        *,
        offset: int,
        limit: int,
    ) -> TopProductsPage:
        ranked_currency = report_currency(currency) if ranking is TopProductsRanking.SALES else None
        await self._shop_names(app_id)  # the app must exist
        return await self._reports.top_products(
            app_id, period, ranking, ranked_currency, offset=offset, limit=limit
        )

    async def customer_summary(self, app_id: AppId, period: ReportRange) -> list[CustomerSummaryRow]:
        """One row per shop of the app (by name; zeros when it had no buyers), then the store."""
        names = await self._shop_names(app_id)
        found = {row.shop_id: row for row in await self._reports.customer_summary(app_id, period)}
        rows = [
            found.get(shop_id) or _no_buyers(SalesChannel.TIKTOK_SHOP, shop_id)
            for shop_id in sorted(names, key=lambda shop_id: _shop_position(shop_id, names))
        ]
        rows.append(found.get(None) or _no_buyers(SalesChannel.SHOPLINE_STORE, None))
        return rows

    async def _shop_names(self, app_id: AppId) -> dict[ShopId, str]:
        """The app's shops by display name; ``AppNotFound`` when there is no such app."""
        names: dict[ShopId, str] = {}
        async with self._unit_of_work() as uow:
            await uow.apps.get(app_id)
            after: str | None = None
            while True:
                page = await uow.shops.list(app_id, page_size=_SHOP_PAGE, after=after)
                names.update({shop.id: shop.display_name.value for shop in page.items})
                if page.next_cursor is None:
                    return names
                after = page.next_cursor


def _shop_position(shop_id: ShopId | None, names: dict[ShopId, str]) -> tuple[int, str, str]:
    """Shops by name (then id), the store last."""
    if shop_id is None:
        return (1, "", "")
    return (0, names.get(shop_id, ""), shop_id)


def _no_buyers(channel: SalesChannel, shop_id: ShopId | None) -> CustomerSummaryRow:
    return CustomerSummaryRow(channel, shop_id, 0, 0, 0, 0)
