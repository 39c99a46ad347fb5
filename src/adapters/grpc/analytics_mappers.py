"""Analytics requests and reports to and from protobuf."""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp

from adapters.grpc.names import channel_sku_name, inventory_pool_name, shop_name
from domain.analytics import (
    CustomerSummaryRow,
    ReportRange,
    SalesChannel,
    SalesGrouping,
    SalesSummaryRow,
    TopProduct,
    TopProductsRanking,
    from_e4,
)
from domain.errors import InvalidArgument
from domain.ids import AppId
from domain.money import Money
from multichannel.v1 import analytics_pb2, common_pb2

_CHANNEL_TO_PROTO = {
    SalesChannel.TIKTOK_SHOP: analytics_pb2.SALES_CHANNEL_TIKTOK_SHOP,
    SalesChannel.SHOPLINE_STORE: analytics_pb2.SALES_CHANNEL_SHOPLINE_STORE,
}
_GROUPING_FROM_PROTO = {
    analytics_pb2.SALES_GROUP_BY_UNSPECIFIED: SalesGrouping.DAY,
    analytics_pb2.SALES_GROUP_BY_DAY: SalesGrouping.DAY,
    analytics_pb2.SALES_GROUP_BY_SHOP: SalesGrouping.SHOP,
    analytics_pb2.SALES_GROUP_BY_CHANNEL: SalesGrouping.CHANNEL,
}
_RANKING_FROM_PROTO = {
    analytics_pb2.TOP_PRODUCTS_ORDER_BY_UNSPECIFIED: TopProductsRanking.UNITS,
    analytics_pb2.TOP_PRODUCTS_ORDER_BY_UNITS: TopProductsRanking.UNITS,
    analytics_pb2.TOP_PRODUCTS_ORDER_BY_SALES: TopProductsRanking.SALES,
}


def _moment(request: object, field: str) -> datetime:
    if not request.HasField(field):  # type: ignore[attr-defined]
        raise InvalidArgument(field, "is required")
    stamp: Timestamp = getattr(request, field)
    if not 0 <= stamp.nanos < 1_000_000_000:
        raise InvalidArgument(field, "is not a valid timestamp")
    try:
        return stamp.ToDatetime(tzinfo=UTC)
    except (ValueError, OverflowError):
        raise InvalidArgument(field, "is not a valid timestamp") from None


def report_range(request: object) -> ReportRange:
    return ReportRange(_moment(request, "start_time"), _moment(request, "end_time"))


def grouping_from_proto(value: int) -> SalesGrouping:
    try:
        return _GROUPING_FROM_PROTO[value]  # type: ignore[index]
    except KeyError:
        raise InvalidArgument("group_by", f"{value} is not a SalesGroupBy value") from None


def ranking_from_proto(value: int) -> TopProductsRanking:
    try:
        return _RANKING_FROM_PROTO[value]  # type: ignore[index]
    except KeyError:
        raise InvalidArgument("order_by", f"{value} is not a TopProductsOrderBy value") from None


def money(value: Money) -> common_pb2.Money:
    return common_pb2.Money(currency_code=value.currency, amount=format(value.amount, "f"))


def _e4(amount_e4: int, currency: str) -> common_pb2.Money:
    return money(from_e4(amount_e4, currency))


def sales_row_to_proto(app_id: AppId, row: SalesSummaryRow) -> analytics_pb2.SalesSummaryRow:
    figures = row.figures
    currency = figures.currency
    return analytics_pb2.SalesSummaryRow(
        date=row.day or "",
        shop=shop_name(app_id, row.shop_id) if row.shop_id else "",
        channel=_CHANNEL_TO_PROTO[row.channel] if row.channel else analytics_pb2.SALES_CHANNEL_UNSPECIFIED,
        currency_code=currency,
        order_count=figures.order_count,
        unit_count=figures.unit_count,
        gross_sales=_e4(figures.gross_e4, currency),
        discounts=_e4(figures.discount_e4, currency),
        net_sales=_e4(figures.net_e4, currency),
        cancelled_order_count=figures.cancelled_order_count,
        cancellation_rate=format(figures.cancellation_rate, "f"),
        average_order_value=money(figures.average_order_value),
        unique_buyer_count=figures.unique_buyer_count,
    )


def top_product_to_proto(app_id: AppId, product: TopProduct) -> analytics_pb2.TopProduct:
    return analytics_pb2.TopProduct(
        shopline_variant_id=product.variant_id or "",
        inventory_pool=(
            inventory_pool_name(app_id, product.variant_id) if product.pool_id and product.variant_id else ""
        ),
        skus=sorted(channel_sku_name(app_id, s.shop_id, s.product_id, s.sku_id) for s in product.skus),
        title=product.title,
        sku_code=product.sku_code,
        unit_count=product.unit_count,
        order_count=product.order_count,
        net_sales=[_e4(amount, currency) for currency, amount in product.net_sales_e4],
    )


def customer_row_to_proto(app_id: AppId, row: CustomerSummaryRow) -> analytics_pb2.CustomerSummaryRow:
    return analytics_pb2.CustomerSummaryRow(
        channel=_CHANNEL_TO_PROTO[row.channel],
        shop=shop_name(app_id, row.shop_id) if row.shop_id else "",
        unique_buyer_count=row.unique_buyer_count,
        repeat_buyer_count=row.repeat_buyer_count,
        new_buyer_count=row.new_buyer_count,
        returning_buyer_count=row.returning_buyer_count,
        cross_channel_buyer_count=row.cross_channel_buyer_count,
    )
