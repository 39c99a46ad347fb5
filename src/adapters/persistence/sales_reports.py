"""`SalesReports` in SQL: every figure is aggregated by the database, never by loading orders.

Counted orders are the paid TikTok orders (``paid_time`` set, status not UNPAID) and the stored
store orders (only paid ones are stored) created in the range. The same statements run on SQLite
and PostgreSQL; only JSON expansion, string aggregation and local dates differ per dialect.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.column_types import UtcDateTime
from domain.analytics import (
    CustomerSummaryRow,
    ReportRange,
    SalesChannel,
    SalesFigures,
    SalesGrouping,
    SalesSummaryRow,
    SkuRef,
    TopProduct,
    TopProductsPage,
    TopProductsRanking,
)
from domain.ids import AppId, ShopId, ShoplineVariantId

STORE_SCOPE = ""  # the group key of the SHOPLINE store where TikTok rows carry a shop id

_TIKTOK_COUNTED = (
    "o.app_id = :app_id AND o.create_time >= :start AND o.create_time < :end"
    " AND o.paid_time IS NOT NULL AND o.status <> 'UNPAID'"
)
_STORE_COUNTED = "s.app_id = :app_id AND s.created_at >= :start AND s.created_at < :end"

_SUMMARY = """
SELECT g, currency, COUNT(*) AS order_count,
       SUM(CASE WHEN cancelled = 1 THEN 0 ELSE unit_count END) AS unit_count,
       SUM(CASE WHEN cancelled = 1 THEN 0 ELSE gross_e4 END) AS gross_e4,
       SUM(CASE WHEN cancelled = 1 THEN 0 ELSE discount_e4 END) AS discount_e4,
       SUM(CASE WHEN cancelled = 1 THEN 0 ELSE net_e4 END) AS net_e4,
       SUM(cancelled) AS cancelled_count,
       COUNT(DISTINCT buyer) AS buyer_count
FROM (
  SELECT {tiktok_group} AS g, o.currency AS currency,
         CASE WHEN o.status = 'CANCELLED' THEN 1 ELSE 0 END AS cancelled,
         o.unit_count AS unit_count, o.gross_e4 AS gross_e4, o.discount_e4 AS discount_e4,
         o.net_e4 AS net_e4,
         CASE WHEN o.buyer_key <> '' THEN 't:' || o.buyer_key END AS buyer
  FROM orders o WHERE {tiktok_counted}
  UNION ALL
  SELECT {store_group}, s.currency, CASE WHEN s.cancelled THEN 1 ELSE 0 END,
         s.unit_count, s.gross_e4, s.discount_e4, s.net_e4,
         CASE WHEN s.buyer_key <> '' THEN 's:' || s.buyer_key END
  FROM store_orders s WHERE {store_counted}
) counted
GROUP BY g, currency
"""

# Units and sales per product: a linked TikTok SKU counts for its SHOPLINE variant (together with
# the variant's store sales), an unlinked one on its own. Cancelled orders are left out.
_TOP_PRODUCTS = """
WITH facts AS (
  SELECT cs.link_variant_id AS variant_id,
         CASE WHEN cs.link_variant_id IS NULL THEN o.shop_id || '/' || {line_sku} END AS unlinked_key,
         'apps/' || o.app_id || '/shops/' || o.shop_id || '/products/' || {line_product}
           || '/skus/' || {line_sku} AS sku_name,
         {line_title} AS title, {line_seller_sku} AS sku_code, o.currency AS currency,
         {line_quantity} AS quantity, {line_net_e4} AS net_e4,
         't:' || o.shop_id || ':' || o.id AS order_ref
  FROM {order_lines}
  LEFT JOIN channel_skus cs
    ON cs.shop_id = o.shop_id AND cs.product_id = {line_product} AND cs.sku_id = {line_sku}
  WHERE {tiktok_counted} AND o.status <> 'CANCELLED'
  UNION ALL
  SELECT sl.variant_id, NULL, NULL, sl.title, sl.sku, s.currency, sl.quantity, sl.net_e4,
         's:' || s.order_id
  FROM store_orders s
  JOIN store_order_lines sl ON sl.app_id = s.app_id AND sl.order_id = s.order_id
  WHERE {store_counted} AND NOT s.cancelled AND sl.variant_id IS NOT NULL
),
per_currency AS (
  SELECT variant_id, unlinked_key, currency, SUM(quantity) AS units,
         COUNT(DISTINCT order_ref) AS orders, SUM(net_e4) AS net_e4, MIN(sku_name) AS first_sku,
         MAX(title) AS title, MAX(sku_code) AS sku_code, {distinct_skus} AS skus
  FROM facts GROUP BY variant_id, unlinked_key, currency
),
products AS (
  SELECT p.variant_id AS variant_id, SUM(p.units) AS units, SUM(p.orders) AS orders,
         SUM(CASE WHEN p.currency = :currency THEN p.net_e4 END) AS ranked_sales,
         {net_list} AS nets, {sku_lists} AS skus, COALESCE(MIN(p.first_sku), '') AS first_sku,
         COALESCE(MAX(v.title), MAX(p.title), '') AS title,
         COALESCE(MAX(v.sku), MAX(p.sku_code), '') AS sku_code, MAX(ip.id) AS pool_id
  FROM per_currency p
  LEFT JOIN shopline_variants v ON v.app_id = :app_id AND v.variant_id = p.variant_id
  LEFT JOIN inventory_pools ip ON ip.app_id = :app_id AND ip.variant_id = p.variant_id
  GROUP BY p.variant_id, p.unlinked_key
)
SELECT variant_id, units, orders, nets, skus, title, sku_code, pool_id, first_sku
FROM products
ORDER BY {ranking}, title {collate}, COALESCE(variant_id, '') {collate}, first_sku {collate}
LIMIT :limit OFFSET :offset
"""

_CUSTOMERS = """
WITH counted AS (
  SELECT o.shop_id AS scope, o.buyer_key AS buyer_key, COUNT(*) AS n
  FROM orders o WHERE {tiktok_counted} AND o.buyer_key <> ''
  GROUP BY o.shop_id, o.buyer_key
  UNION ALL
  SELECT '', s.buyer_key, COUNT(*)
  FROM store_orders s WHERE {store_counted} AND s.buyer_key <> ''
  GROUP BY s.buyer_key
)
SELECT c.scope AS scope, COUNT(*) AS buyers,
       SUM(CASE WHEN c.n >= 2 THEN 1 ELSE 0 END) AS repeat_buyers,
       SUM(CASE WHEN
             (c.scope <> '' AND EXISTS (
                SELECT 1 FROM orders e
                WHERE e.shop_id = c.scope AND e.buyer_key = c.buyer_key AND e.create_time < :start
                  AND e.paid_time IS NOT NULL AND e.status <> 'UNPAID'))
             OR (c.scope = '' AND EXISTS (
                SELECT 1 FROM store_orders e
                WHERE e.app_id = :app_id AND e.buyer_key = c.buyer_key AND e.created_at < :start))
           THEN 1 ELSE 0 END) AS returning_buyers,
       SUM(CASE WHEN
             (c.scope <> '' AND EXISTS (
                SELECT 1 FROM customer_links l
                JOIN store_orders s ON s.app_id = l.app_id AND s.buyer_key = 'id:' || l.shopline_customer_id
                WHERE l.app_id = :app_id AND l.tiktok_user_id = c.buyer_key AND {store_counted}))
             OR (c.scope = '' AND EXISTS (
                SELECT 1 FROM customer_links l
                JOIN orders o ON o.app_id = l.app_id AND o.buyer_key = l.tiktok_user_id
                WHERE l.app_id = :app_id AND c.buyer_key = 'id:' || l.shopline_customer_id
                  AND {tiktok_counted}))
           THEN 1 ELSE 0 END) AS cross_channel_buyers
FROM counted c
GROUP BY c.scope
"""


class _Dialect:
    """The SQL fragments that differ between SQLite and PostgreSQL."""

    def __init__(self, name: str) -> None:
        self.postgres = name == "postgresql"

    def line(self, key: str) -> str:
        return f"(l.value ->> '{key}')" if self.postgres else f"json_extract(l.value, '$.{key}')"

    @property
    def order_lines(self) -> str:
        if self.postgres:
            return "orders o CROSS JOIN LATERAL json_array_elements(o.lines) AS l(value)"
        return "orders o CROSS JOIN json_each(o.lines) AS l"

    @property
    def line_quantity(self) -> str:
        return f"CAST({self.line('quantity')} AS BIGINT)" if self.postgres else self.line("quantity")

    @property
    def line_net_e4(self) -> str:
        # Line subtotals are decimal strings; PostgreSQL converts them exactly. SQLite has no
        # decimals: a double holds every amount below 10^11 closely enough to round back exactly.
        if self.postgres:
            return f"CAST(ROUND(CAST({self.line('subtotal')} AS NUMERIC) * 10000) AS BIGINT)"
        return f"CAST(ROUND(CAST({self.line('subtotal')} AS REAL) * 10000) AS INTEGER)"

    def distinct_list(self, expression: str) -> str:
        if self.postgres:
            return f"string_agg(DISTINCT {expression}, ',')"
        return f"group_concat(DISTINCT {expression})"

    def plain_list(self, expression: str) -> str:
        return f"string_agg({expression}, ',')" if self.postgres else f"group_concat({expression}, ',')"

    @property
    def collate(self) -> str:
        # Ties order by code point on both backends (PostgreSQL would use the locale).
        return 'COLLATE "C"' if self.postgres else ""

    def sales_last(self, column: str) -> str:
        return f"{column} DESC NULLS LAST" if self.postgres else f"{column} IS NULL, {column} DESC"


class SqlSalesReports:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._dialect = _Dialect(engine.dialect.name)

    async def sales_summary(
        self, app_id: AppId, period: ReportRange, grouping: SalesGrouping, time_zone: str
    ) -> list[SalesSummaryRow]:
        sql, extra = self.sales_summary_sql(period, grouping, time_zone)
        rows = await self._fetch(sql, app_id, period, extra)
        return [_summary_row(grouping, row) for row in rows]

    def sales_summary_sql(
        self, period: ReportRange, grouping: SalesGrouping, time_zone: str
    ) -> tuple[str, dict[str, Any]]:
        """The statement and its parameters beyond ``app_id``, ``start`` and ``end``."""
        extra: dict[str, Any] = {}
        if grouping is SalesGrouping.DAY:
            tiktok_group = self._local_day("o.create_time", time_zone, period, extra)
            store_group = self._local_day("s.created_at", time_zone, period, extra)
        elif grouping is SalesGrouping.SHOP:
            tiktok_group, store_group = "o.shop_id", f"'{STORE_SCOPE}'"
        else:
            tiktok_group, store_group = "'t'", "'s'"
        sql = _SUMMARY.format(
            tiktok_group=tiktok_group,
            store_group=store_group,
            tiktok_counted=_TIKTOK_COUNTED,
            store_counted=_STORE_COUNTED,
        )
        return sql, extra

    async def top_products(
        self,
        app_id: AppId,
        period: ReportRange,
        ranking: TopProductsRanking,
        currency: str | None,
        *,
        offset: int,
        limit: int,
    ) -> TopProductsPage:
        d = self._dialect
        sql = _TOP_PRODUCTS.format(
            order_lines=d.order_lines,
            line_sku=d.line("sku_id"),
            line_product=d.line("product_id"),
            line_title=d.line("title"),
            line_seller_sku=d.line("seller_sku"),
            line_quantity=d.line_quantity,
            line_net_e4=d.line_net_e4,
            tiktok_counted=_TIKTOK_COUNTED,
            store_counted=_STORE_COUNTED,
            distinct_skus=d.distinct_list("sku_name"),
            net_list=d.plain_list("p.currency || '=' || CAST(p.net_e4 AS TEXT)"),
            sku_lists=d.plain_list("p.skus"),
            ranking="units DESC" if ranking is TopProductsRanking.UNITS else d.sales_last("ranked_sales"),
            collate=d.collate,
        )
        extra = {"currency": currency or "", "limit": limit + 1, "offset": offset}
        rows = await self._fetch(sql, app_id, period, extra)
        items = tuple(_top_product(row) for row in rows[:limit])
        return TopProductsPage(items, offset + limit if len(rows) > limit else None)

    async def customer_summary(self, app_id: AppId, period: ReportRange) -> list[CustomerSummaryRow]:
        sql = _CUSTOMERS.format(tiktok_counted=_TIKTOK_COUNTED, store_counted=_STORE_COUNTED)
        rows = await self._fetch(sql, app_id, period, {})
        found = []
        for row in rows:
            store = row.scope == STORE_SCOPE
            returning = int(row.returning_buyers or 0)
            found.append(
                CustomerSummaryRow(
                    channel=SalesChannel.SHOPLINE_STORE if store else SalesChannel.TIKTOK_SHOP,
                    shop_id=None if store else ShopId(row.scope),
                    unique_buyer_count=int(row.buyers),
                    repeat_buyer_count=int(row.repeat_buyers or 0),
                    new_buyer_count=int(row.buyers) - returning,
                    returning_buyer_count=returning,
                    cross_channel_buyer_count=int(row.cross_channel_buyers or 0),
                )
            )
        return found

    def _local_day(self, column: str, zone: str, period: ReportRange, params: dict[str, Any]) -> str:
        """The calendar day of ``column`` in ``zone`` as YYYY-MM-DD."""
        if self._dialect.postgres:
            params["zone"] = zone
            return f"to_char({column} AT TIME ZONE :zone, 'YYYY-MM-DD')"
        # SQLite knows no zones: the zone's UTC offsets over the range become a CASE over instants.
        segments = offset_segments(ZoneInfo(zone), period.start, period.end)
        if len(segments) == 1:
            return f"date({column}, '{segments[0][1]:+d} seconds')"
        branches = []
        for n, (until, offset) in enumerate(segments[:-1]):
            params[f"until_{n}"] = until
            branches.append(f"WHEN {column} < :until_{n} THEN '{offset:+d} seconds'")
        return f"date({column}, CASE {' '.join(branches)} ELSE '{segments[-1][1]:+d} seconds' END)"

    async def _fetch(
        self, sql: str, app_id: AppId, period: ReportRange, extra: dict[str, Any]
    ) -> Sequence[Any]:
        params = {"app_id": app_id, "start": period.start, "end": period.end, **extra}
        statement = text(sql).bindparams(
            *(bindparam(name, type_=UtcDateTime()) for name, v in params.items() if isinstance(v, datetime))
        )
        async with self._engine.connect() as connection:
            return (await connection.execute(statement, params)).all()


def offset_segments(zone: ZoneInfo, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """``(until, utc_offset_seconds)`` pieces covering ``[start, end)``: the offset holds before
    ``until`` (the last piece's ``until`` is ``end``)."""

    def offset_at(moment: datetime) -> int:
        delta = moment.astimezone(zone).utcoffset()
        return int(delta.total_seconds()) if delta is not None else 0

    segments: list[tuple[datetime, int]] = []
    current, offset = start, offset_at(start)
    step = timedelta(hours=1)
    while current < end:
        probe = min(current + step, end)
        if offset_at(probe) != offset and probe < end:
            low, high = current, probe  # the change lies in (low, high]
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if offset_at(middle) == offset:
                    low = middle
                else:
                    high = middle
            high = high.replace(microsecond=0)
            segments.append((high, offset))
            current, offset = high, offset_at(high)
            continue
        current = probe
    segments.append((end, offset))
    return segments


def _summary_row(grouping: SalesGrouping, row: Any) -> SalesSummaryRow:
    figures = SalesFigures(
        currency=row.currency,
        order_count=int(row.order_count),
        unit_count=int(row.unit_count or 0),
        gross_e4=int(row.gross_e4 or 0),
        discount_e4=int(row.discount_e4 or 0),
        net_e4=int(row.net_e4 or 0),
        cancelled_order_count=int(row.cancelled_count or 0),
        unique_buyer_count=int(row.buyer_count),
    )
    if grouping is SalesGrouping.DAY:
        return SalesSummaryRow(figures, day=str(row.g))
    if grouping is SalesGrouping.SHOP:
        store = row.g == STORE_SCOPE
        return SalesSummaryRow(
            figures,
            shop_id=None if store else ShopId(row.g),
            channel=SalesChannel.SHOPLINE_STORE if store else SalesChannel.TIKTOK_SHOP,
        )
    channel = SalesChannel.SHOPLINE_STORE if row.g == "s" else SalesChannel.TIKTOK_SHOP
    return SalesSummaryRow(figures, channel=channel)


def _top_product(row: Any) -> TopProduct:
    nets: dict[str, int] = {}
    for entry in (row.nets or "").split(","):
        if entry:
            currency, amount = entry.split("=")
            nets[currency] = nets.get(currency, 0) + int(amount)
    names = sorted({name for name in (row.skus or "").split(",") if name})
    return TopProduct(
        variant_id=None if row.variant_id is None else ShoplineVariantId(row.variant_id),
        pool_id=row.pool_id,
        skus=tuple(_sku_ref(name) for name in names),
        title=row.title,
        sku_code=row.sku_code,
        unit_count=int(row.units),
        order_count=int(row.orders),
        net_sales_e4=tuple(sorted(nets.items())),
    )


def _sku_ref(name: str) -> SkuRef:
    # apps/{app}/shops/{shop}/products/{product}/skus/{sku}
    parts = name.split("/")
    return SkuRef(shop_id=ShopId(parts[3]), product_id=parts[5], sku_id=parts[7])
