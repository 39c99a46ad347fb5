"""A fake of the ``SalesReports`` read model, computed in Python over a ``FakeDatabase``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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
    to_e4,
)
from domain.ids import (
    AppId,
    ShopId,
    ShoplineVariantId,
)
from tests.fakes.unit_of_work import FakeDatabase


@dataclass(frozen=True)
class _CountedSale:
    scope: ShopId | None  # None for the store
    ref: str
    created: datetime
    currency: str
    cancelled: bool
    units: int
    gross_e4: int
    discount_e4: int
    buyer: str
    lines: tuple[tuple[ShoplineVariantId | None, SkuRef | None, str, str, int, int], ...]
    # (variant, TikTok SKU, title, sku code, quantity, net x 10^4)


class FakeSalesReports:
    """`SalesReports` computed in Python over the committed state of a ``FakeDatabase``."""

    def __init__(self, database: FakeDatabase) -> None:
        self._database = database

    def _counted(self, app_id: AppId) -> list[_CountedSale]:
        state = self._database.state
        links = {
            (product.shop_id, product.id, sku.sku_id): sku.link.variant_id
            for product in state.products.values()
            for sku in product.skus
            if sku.link is not None
        }
        found = []
        for order in state.orders.values():
            if order.app_id != app_id or order.paid_time is None or order.status.value == "UNPAID":
                continue
            lines = tuple(
                (
                    links.get((order.shop_id, line.product_id, line.sku_id)),
                    SkuRef(order.shop_id, line.product_id, line.sku_id),
                    line.title,
                    line.seller_sku,
                    line.quantity,
                    to_e4(line.subtotal.amount),
                )
                for line in order.lines
            )
            amounts = order.amounts
            found.append(
                _CountedSale(
                    order.shop_id,
                    f"t:{order.shop_id}:{order.id}",
                    order.create_time,
                    order.currency,
                    order.status.value == "CANCELLED",
                    order.unit_count,
                    to_e4(amounts.subtotal.amount),
                    to_e4(amounts.discount.amount),
                    f"t:{order.buyer.user_id}" if order.buyer.user_id else "",
                    lines,
                )
            )
        for (owner, _), sale in state.store_orders.items():
            if owner != app_id:
                continue
            store_lines = tuple(
                (line.variant_id, None, line.title, line.sku, line.quantity, line.net_e4)
                for line in sale.lines
                if line.variant_id is not None
            )
            found.append(
                _CountedSale(
                    None,
                    f"s:{sale.order_id}",
                    sale.created_at,
                    sale.currency,
                    sale.cancelled,
                    sale.unit_count,
                    sale.gross_e4,
                    sale.discount_e4,
                    f"s:{sale.buyer_key}" if sale.buyer_key else "",
                    store_lines,
                )
            )
        return found

    async def sales_summary(
        self, app_id: AppId, period: ReportRange, grouping: SalesGrouping, time_zone: str
    ) -> list[SalesSummaryRow]:
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(time_zone)
        groups: dict[tuple[object, str], list[_CountedSale]] = {}
        for sale in self._counted(app_id):
            if not period.start <= sale.created < period.end:
                continue
            key: object = (
                sale.created.astimezone(zone).date().isoformat()
                if grouping is SalesGrouping.DAY
                else sale.scope
                if grouping is SalesGrouping.SHOP
                else sale.scope is None
            )
            groups.setdefault((key, sale.currency), []).append(sale)
        rows = []
        for (key, currency), sales in groups.items():
            kept = [s for s in sales if not s.cancelled]
            gross = sum(s.gross_e4 for s in kept)
            discount = sum(s.discount_e4 for s in kept)
            figures = SalesFigures(
                currency,
                len(sales),
                sum(s.units for s in kept),
                gross,
                discount,
                gross - discount,
                len(sales) - len(kept),
                len({s.buyer for s in sales if s.buyer}),
            )
            if grouping is SalesGrouping.DAY:
                rows.append(SalesSummaryRow(figures, day=str(key)))
            elif grouping is SalesGrouping.SHOP:
                store = key is None
                channel = SalesChannel.SHOPLINE_STORE if store else SalesChannel.TIKTOK_SHOP
                shop_id = None if store else ShopId(str(key))
                rows.append(SalesSummaryRow(figures, shop_id=shop_id, channel=channel))
            else:
                channel = SalesChannel.SHOPLINE_STORE if key else SalesChannel.TIKTOK_SHOP
                rows.append(SalesSummaryRow(figures, channel=channel))
        return rows

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
        state = self._database.state
        products: dict[object, dict[str, object]] = {}
        for sale in self._counted(app_id):
            if sale.cancelled or not period.start <= sale.created < period.end:
                continue
            for variant, sku, title, code, quantity, net in sale.lines:
                key = variant if variant is not None else sku
                entry = products.setdefault(
                    key,
                    {"skus": set(), "units": 0, "orders": set(), "nets": {}, "title": title, "code": code},
                )
                if sku is not None:
                    entry["skus"].add(sku)  # type: ignore[attr-defined]
                entry["units"] += quantity  # type: ignore[operator]
                entry["orders"].add(sale.ref)  # type: ignore[attr-defined]
                nets: dict[str, int] = entry["nets"]  # type: ignore[assignment]
                nets[sale.currency] = nets.get(sale.currency, 0) + net
        pools = {pool.variant_id: pool.id for pool in state.pools.values() if pool.app_id == app_id}
        items = []
        for key, entry in products.items():
            variant = key if isinstance(key, str) else None
            cached = state.shopline_variants.get((app_id, ShoplineVariantId(variant))) if variant else None
            skus = tuple(sorted(entry["skus"], key=_sku_name))  # type: ignore[call-overload]
            items.append(
                TopProduct(
                    variant_id=None if variant is None else ShoplineVariantId(variant),
                    pool_id=pools.get(ShoplineVariantId(variant)) if variant else None,
                    skus=skus,
                    title=cached.title if cached else str(entry["title"]),
                    sku_code=cached.sku if cached else str(entry["code"]),
                    unit_count=int(entry["units"]),  # type: ignore[call-overload]
                    order_count=len(entry["orders"]),  # type: ignore[arg-type]
                    net_sales_e4=tuple(sorted(entry["nets"].items())),  # type: ignore[attr-defined]
                )
            )

        def rank(product: TopProduct) -> tuple[object, ...]:
            first = _sku_name(product.skus[0]) if product.skus else ""
            ties = (product.title, product.variant_id or "", first)
            if ranking is TopProductsRanking.UNITS:
                return (-product.unit_count, *ties)
            sales = dict(product.net_sales_e4).get(currency or "")
            return (sales is None, -(sales or 0), *ties)

        ranked = sorted(items, key=rank)
        page = ranked[offset : offset + limit]
        return TopProductsPage(tuple(page), offset + limit if len(ranked) > offset + limit else None)

    async def customer_summary(self, app_id: AppId, period: ReportRange) -> list[CustomerSummaryRow]:
        in_range: dict[ShopId | None, dict[str, int]] = {}
        before: set[tuple[ShopId | None, str]] = set()
        for sale in self._counted(app_id):
            if not sale.buyer:
                continue
            if period.start <= sale.created < period.end:
                counts = in_range.setdefault(sale.scope, {})
                counts[sale.buyer] = counts.get(sale.buyer, 0) + 1
            elif sale.created < period.start:
                before.add((sale.scope, sale.buyer))
        rows = []
        links = {
            uid: link.shopline_customer_id
            for (owner, uid), link in self._database.state.customer_links.items()
            if owner == app_id
        }
        tiktok_buyers = {buyer for scope, counts in in_range.items() if scope is not None for buyer in counts}
        store_buyers = set(in_range.get(None, {}))

        def elsewhere(scope: ShopId | None, buyer: str) -> bool:
            """The buyer also bought in range on the other channel, through a customer link."""
            if scope is not None:
                customer = links.get(buyer.removeprefix("t:"))
                return customer is not None and f"s:id:{customer}" in store_buyers
            return any(
                f"s:id:{customer}" == buyer and f"t:{uid}" in tiktok_buyers for uid, customer in links.items()
            )

        for scope, counts in in_range.items():
            returning = sum(1 for buyer in counts if (scope, buyer) in before)
            rows.append(
                CustomerSummaryRow(
                    SalesChannel.SHOPLINE_STORE if scope is None else SalesChannel.TIKTOK_SHOP,
                    scope,
                    len(counts),
                    sum(1 for n in counts.values() if n >= 2),
                    len(counts) - returning,
                    returning,
                    sum(1 for buyer in counts if elsewhere(scope, buyer)),
                )
            )
        return rows


def _sku_name(sku: SkuRef) -> str:
    return f"{sku.shop_id}/products/{sku.product_id}/skus/{sku.sku_id}"
