"""Read models: figures and overviews computed by the database in one query each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from domain.analytics import (
    CustomerSummaryRow,
    ReportRange,
    SalesGrouping,
    SalesSummaryRow,
    TopProductsPage,
    TopProductsRanking,
)
from domain.ids import (
    AppId,
    ShopId,
)
from domain.paging import Page
from domain.shop import Shop, ShopStatus
from domain.tokens import TikTokTokenLifetime


@runtime_checkable
class SalesReports(Protocol):
    """Sales and buyer figures of an app over its TikTok orders and its store orders, computed by
    the database. Counted orders: paid, created in the range; cancelled ones add no units or sales."""

    async def sales_summary(
        self, app_id: AppId, period: ReportRange, grouping: SalesGrouping, time_zone: str
    ) -> list[SalesSummaryRow]:
        """One row per group and currency, in no particular order."""
        ...

    async def top_products(
        self,
        app_id: AppId,
        period: ReportRange,
        ranking: TopProductsRanking,
        currency: str | None,
        *,
        offset: int,
        limit: int,
    ) -> TopProductsPage: ...

    async def customer_summary(self, app_id: AppId, period: ReportRange) -> list[CustomerSummaryRow]:
        """One row per TikTok shop with counted buyers and one for the store, in no particular order."""
        ...


@dataclass(frozen=True)
class CatalogCounts:
    """How much of a shop's TikTok catalog we hold."""

    products: int = 0
    skus: int = 0
    linked_skus: int = 0


@dataclass(frozen=True)
class ShopCounts:
    """What we hold of a shop."""

    products: int = 0
    skus: int = 0
    linked_skus: int = 0
    orders: int = 0


@dataclass(frozen=True)
class ShopOverview:
    """A shop with its credentials' lifetime and what we hold of it, as status views show it."""

    shop: Shop
    token: TikTokTokenLifetime | None
    counts: ShopCounts


@runtime_checkable
class ShopOverviews(Protocol):
    """Shop overviews read in one query each, whatever the number of shops on the page."""

    async def get(self, shop_id: ShopId) -> ShopOverview:
        """``ShopNotFound`` when there is no such shop."""
        ...

    async def list(
        self, app_id: AppId, *, page_size: int, after: str | None, status: ShopStatus | None = None
    ) -> Page[ShopOverview]:
        """Ordered and paged exactly like ``ShopRepository.list``."""
        ...
