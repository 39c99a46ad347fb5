"""OrderService: listing, reading, import into SHOPLINE, cancellations and sync on request."""

from __future__ import annotations

from datetime import UTC

from grpc import aio

from adapters.grpc.mappers import task_to_proto
from adapters.grpc.names import parse_order_name, parse_order_parent, parse_request_id, parse_shop_name
from adapters.grpc.order_mapping import (
    cancellation_state_from_proto,
    import_scope_from_proto,
    import_state_from_proto,
    order_statuses_from_proto,
    order_to_proto,
)
from adapters.grpc.paging import PageTokenCodec
from adapters.grpc.return_mapping import (
    parse_return_name,
    parse_return_parent,
    return_statuses_from_proto,
    return_to_proto,
)
from adapters.grpc.servicers.order_shipping import OrderShippingRpcs
from domain.errors import InvalidArgument
from domain.order import Order, OrderFilter
from domain.returns import ReturnFilter
from multichannel.v1 import order_pb2, order_pb2_grpc
from services.fulfillment.mappings import CarrierMappings
from services.fulfillment.providers import ProviderCatalog
from services.fulfillment.shipping import SellerShipping
from services.fulfillment.tiktok_shipping import TikTokShippingCommands
from services.orders.handling import OrderCommands, OrderQueries, OrderRef
from services.returns.handling import ReturnCommands, ReturnQueries

REASON_MAX = 128
COMMENT_MAX = 500


def _ref(name: str) -> OrderRef:
    return OrderRef(*parse_order_name(name))


def _reason(value: str, field: str = "reason") -> str:
    if not value:
        raise InvalidArgument(field, "is required (a TikTok reason name)")
    if len(value) > REASON_MAX:
        raise InvalidArgument(field, f"must be at most {REASON_MAX} characters")
    return value


class OrderServicer(OrderShippingRpcs, order_pb2_grpc.OrderServiceServicer):
    def __init__(
        self,
        queries: OrderQueries,
        commands: OrderCommands,
        page_tokens: PageTokenCodec,
        *,
        return_queries: ReturnQueries | None = None,
        return_commands: ReturnCommands | None = None,
        shipping: SellerShipping | None = None,
        carrier_mappings: CarrierMappings | None = None,
        providers: ProviderCatalog | None = None,
        tiktok_shipping: TikTokShippingCommands | None = None,
    ) -> None:
        self._queries = queries
        self._commands = commands
        self._page_tokens = page_tokens
        self._return_queries = return_queries
        self._return_commands = return_commands
        self._shipping = shipping
        self._carrier_mappings = carrier_mappings
        self._providers = providers
        self._tiktok_shipping = tiktok_shipping

    def _returns(self) -> tuple[ReturnQueries, ReturnCommands]:
        if self._return_queries is None or self._return_commands is None:
            raise RuntimeError("the order servicer was built without the return use cases")
        return self._return_queries, self._return_commands

    async def _message(self, order: Order) -> order_pb2.Order:
        return order_to_proto(await self._queries.view(order))

    async def ListOrders(
        self, request: order_pb2.ListOrdersRequest, context: aio.ServicerContext
    ) -> order_pb2.ListOrdersResponse:
        app_id, shop_id = parse_order_parent(request.parent)
        start = (
            request.create_start_time.ToDatetime(tzinfo=UTC)
            if request.HasField("create_start_time")
            else None
        )
        end = request.create_end_time.ToDatetime(tzinfo=UTC) if request.HasField("create_end_time") else None
        if start is not None and end is not None and end <= start:
            raise InvalidArgument("create_end_time", "must be after create_start_time")
        criteria = OrderFilter(
            app_id,
            shop_id,
            statuses=order_statuses_from_proto(request.statuses),
            import_state=import_state_from_proto(request.import_state),
            cancellation_state=cancellation_state_from_proto(request.cancellation_state),
            created_from=start,
            created_before=end,
        )
        paging = self._page_tokens.open(
            request.page_size,
            request.page_token,
            "ListOrders",
            request.parent,
            sorted(request.statuses),
            request.import_state,
            request.cancellation_state,
            start.isoformat() if start else "",
            end.isoformat() if end else "",
        )
        page = await self._queries.list(criteria, page_size=paging.size, after=paging.after)
        return order_pb2.ListOrdersResponse(
            orders=[order_to_proto(view) for view in page.items],
            next_page_token=paging.next_token(page.next_cursor),
        )

    async def GetOrder(
        self, request: order_pb2.GetOrderRequest, context: aio.ServicerContext
    ) -> order_pb2.GetOrderResponse:
        return order_pb2.GetOrderResponse(order=order_to_proto(await self._queries.get(_ref(request.name))))

    async def ImportOrder(
        self, request: order_pb2.ImportOrderRequest, context: aio.ServicerContext
    ) -> order_pb2.ImportOrderResponse:
        ref = _ref(request.name)
        request_id = parse_request_id(request.request_id)
        scope = import_scope_from_proto(request.import_scope)
        order = await self._commands.import_order(ref, scope, request_id=request_id)
        return order_pb2.ImportOrderResponse(order=await self._message(order))

    async def CancelOrder(
        self, request: order_pb2.CancelOrderRequest, context: aio.ServicerContext
    ) -> order_pb2.CancelOrderResponse:
        ref = _ref(request.name)
        reason = _reason(request.reason)
        request_id = parse_request_id(request.request_id)
        order = await self._commands.cancel(ref, reason, request_id=request_id)
        return order_pb2.CancelOrderResponse(order=await self._message(order))

    async def ApproveCancellation(
        self, request: order_pb2.ApproveCancellationRequest, context: aio.ServicerContext
    ) -> order_pb2.ApproveCancellationResponse:
        ref = _ref(request.name)
        request_id = parse_request_id(request.request_id)
        order = await self._commands.approve_cancellation(ref, request_id=request_id)
        return order_pb2.ApproveCancellationResponse(order=await self._message(order))

    async def RejectCancellation(
        self, request: order_pb2.RejectCancellationRequest, context: aio.ServicerContext
    ) -> order_pb2.RejectCancellationResponse:
        ref = _ref(request.name)
        reason = _reason(request.reason)
        if len(request.comment) > COMMENT_MAX:
            raise InvalidArgument("comment", f"must be at most {COMMENT_MAX} characters")
        request_id = parse_request_id(request.request_id)
        order = await self._commands.reject_cancellation(ref, reason, request_id=request_id)
        return order_pb2.RejectCancellationResponse(order=await self._message(order))

    async def SyncOrders(
        self, request: order_pb2.SyncOrdersRequest, context: aio.ServicerContext
    ) -> order_pb2.SyncOrdersResponse:
        app_id, shop_id = parse_shop_name(request.parent, "parent")
        task = await self._commands.sync(app_id, shop_id, parse_request_id(request.request_id))
        return order_pb2.SyncOrdersResponse(task=task_to_proto(task))

    # --- returns ----------------------------------------------------------------------------

    async def ListReturns(
        self, request: order_pb2.ListReturnsRequest, context: aio.ServicerContext
    ) -> order_pb2.ListReturnsResponse:
        queries, _ = self._returns()
        app_id, shop_id, order_id = parse_return_parent(request.parent)
        statuses = return_statuses_from_proto(request.statuses)
        paging = self._page_tokens.open(
            request.page_size, request.page_token, "ListReturns", request.parent, sorted(request.statuses)
        )
        criteria = ReturnFilter(app_id, shop_id, order_id, statuses)
        page = await queries.list(criteria, page_size=paging.size, after=paging.after)
        return order_pb2.ListReturnsResponse(
            returns=[return_to_proto(found) for found in page.items],
            next_page_token=paging.next_token(page.next_cursor),
        )

    async def ApproveReturn(
        self, request: order_pb2.ApproveReturnRequest, context: aio.ServicerContext
    ) -> order_pb2.ApproveReturnResponse:
        _, commands = self._returns()
        ref = parse_return_name(request.name)
        request_id = parse_request_id(request.request_id)
        found = await commands.approve(ref, request_id=request_id)
        return order_pb2.ApproveReturnResponse(order_return=return_to_proto(found))

    async def RejectReturn(
        self, request: order_pb2.RejectReturnRequest, context: aio.ServicerContext
    ) -> order_pb2.RejectReturnResponse:
        _, commands = self._returns()
        ref = parse_return_name(request.name)
        reason = _reason(request.reason)
        if len(request.comment) > COMMENT_MAX:
            raise InvalidArgument("comment", f"must be at most {COMMENT_MAX} characters")
        request_id = parse_request_id(request.request_id)
        found = await commands.reject(ref, reason, request.comment, request_id=request_id)
        return order_pb2.RejectReturnResponse(order_return=return_to_proto(found))
