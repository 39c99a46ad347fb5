"""AnalyticsService: sales, top products and buyers, translated to and from protobuf."""

from __future__ import annotations

from grpc import aio

from adapters.grpc.analytics_mappers import (
    customer_row_to_proto,
    grouping_from_proto,
    ranking_from_proto,
    report_range,
    sales_row_to_proto,
    top_product_to_proto,
)
from adapters.grpc.names import parse_app_name
from adapters.grpc.paging import PageTokenCodec
from domain.analytics import TopProductsRanking
from domain.errors import InvalidArgument
from multichannel.v1 import analytics_pb2, analytics_pb2_grpc
from services.analytics.sales import SalesAnalytics


class AnalyticsServicer(analytics_pb2_grpc.AnalyticsServiceServicer):
    def __init__(self, analytics: SalesAnalytics, page_tokens: PageTokenCodec) -> None:
        self._analytics = analytics
        self._page_tokens = page_tokens

    async def GetSalesSummary(
        self, request: analytics_pb2.GetSalesSummaryRequest, context: aio.ServicerContext
    ) -> analytics_pb2.GetSalesSummaryResponse:
        app_id = parse_app_name(request.parent, "parent")
        period = report_range(request)
        grouping = grouping_from_proto(request.group_by)
        rows = await self._analytics.sales_summary(app_id, period, grouping, request.time_zone)
        return analytics_pb2.GetSalesSummaryResponse(rows=[sales_row_to_proto(app_id, row) for row in rows])

    async def ListTopProducts(
        self, request: analytics_pb2.ListTopProductsRequest, context: aio.ServicerContext
    ) -> analytics_pb2.ListTopProductsResponse:
        app_id = parse_app_name(request.parent, "parent")
        period = report_range(request)
        ranking = ranking_from_proto(request.order_by)
        if ranking is TopProductsRanking.SALES and not request.currency_code:
            raise InvalidArgument("currency_code", "is required when ranking by sales")
        currency = request.currency_code if ranking is TopProductsRanking.SALES else ""
        paging = self._page_tokens.open(
            request.page_size,
            request.page_token,
            "ListTopProducts",
            request.parent,
            period.start.isoformat(),
            period.end.isoformat(),
            ranking.value,
            currency,
        )
        offset = int(paging.after) if paging.after is not None and paging.after.isdigit() else 0
        page = await self._analytics.top_products(
            app_id, period, ranking, currency, offset=offset, limit=paging.size
        )
        next_cursor = None if page.next_offset is None else str(page.next_offset)
        return analytics_pb2.ListTopProductsResponse(
            top_products=[top_product_to_proto(app_id, product) for product in page.items],
            next_page_token=paging.next_token(next_cursor),
        )

    async def GetCustomerSummary(
        self, request: analytics_pb2.GetCustomerSummaryRequest, context: aio.ServicerContext
    ) -> analytics_pb2.GetCustomerSummaryResponse:
        app_id = parse_app_name(request.parent, "parent")
        period = report_range(request)
        rows = await self._analytics.customer_summary(app_id, period)
        return analytics_pb2.GetCustomerSummaryResponse(
            rows=[customer_row_to_proto(app_id, row) for row in rows]
        )
