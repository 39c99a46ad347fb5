"""OrderService's shipping methods: ShipOrder (seller or TikTok shipping), GetShippingLabel,
ListShippingProviders, ListCarrierMappings and UpdateCarrierMapping (mixed into the OrderServicer)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from grpc import aio

from adapters.grpc.names import parse_order_name, parse_request_id, parse_shop_name
from adapters.grpc.paging import PageRequest, PageTokenCodec
from adapters.grpc.shipping_mapping import (
    carrier_mapping_to_proto,
    delivery_options_to_proto,
    parse_carrier_mapping_name,
)
from adapters.grpc.tiktok_shipping_mapping import document_type_from_proto, tiktok_shipment_from_proto
from domain.errors import InvalidArgument
from domain.order import Order
from multichannel.v1 import order_pb2
from services.fulfillment.mappings import CarrierMappings, MappingUpdate
from services.fulfillment.providers import ProviderCatalog
from services.fulfillment.shipping import SellerShipping
from services.fulfillment.tiktok_shipping import TikTokShippingCommands
from services.orders.handling import OrderRef

T = TypeVar("T")
LINE_ITEMS_MAX = 500
PROVIDER_ID_MAX = 64
DELIVERY_OPTION_MAX = 64
PACKAGE_ID_MAX = 32


class OrderShippingRpcs:
    _shipping: SellerShipping | None
    _carrier_mappings: CarrierMappings | None
    _providers: ProviderCatalog | None
    _tiktok_shipping: TikTokShippingCommands | None
    _page_tokens: PageTokenCodec

    async def _message(self, order: Order) -> order_pb2.Order:
        raise NotImplementedError

    async def ShipOrder(
        self, request: order_pb2.ShipOrderRequest, context: aio.ServicerContext
    ) -> order_pb2.ShipOrderResponse:
        if request.HasField("tiktok_shipment"):
            return await self._arrange_tiktok_shipment(request)
        app_id, shop_id, order_id = parse_order_name(request.name)
        if len(request.shipping_provider_id) > PROVIDER_ID_MAX:
            raise InvalidArgument("shipping_provider_id", f"must be at most {PROVIDER_ID_MAX} characters")
        line_item_ids = _line_item_ids(request.line_item_ids)
        request_id = parse_request_id(request.request_id)
        shipment = await _needed(self._shipping).ship_manually(
            app_id,
            shop_id,
            order_id,
            tracking_number=request.tracking_number,
            carrier_name=request.carrier_name,
            provider_id=request.shipping_provider_id,
            line_item_ids=list(line_item_ids),
            request_id=request_id,
        )
        order = await _needed(self._shipping).order_of(shipment)
        return order_pb2.ShipOrderResponse(order=await self._message(order))

    async def _arrange_tiktok_shipment(
        self, request: order_pb2.ShipOrderRequest
    ) -> order_pb2.ShipOrderResponse:
        app_id, shop_id, order_id = parse_order_name(request.name)
        for name in ("tracking_number", "carrier_name", "shipping_provider_id"):
            if getattr(request, name):
                raise InvalidArgument(
                    name, "must be empty with tiktok_shipment: TikTok issues the tracking number"
                )
        line_item_ids = _line_item_ids(request.line_item_ids)
        shipment = tiktok_shipment_from_proto(request.tiktok_shipment, line_item_ids)
        order, _ = await _needed(self._tiktok_shipping).arrange(OrderRef(app_id, shop_id, order_id), shipment)
        return order_pb2.ShipOrderResponse(order=await self._message(order))

    async def GetShippingLabel(
        self, request: order_pb2.GetShippingLabelRequest, context: aio.ServicerContext
    ) -> order_pb2.GetShippingLabelResponse:
        app_id, shop_id, order_id = parse_order_name(request.name)
        package_id = request.package_id.strip()
        if not package_id:
            raise InvalidArgument("package_id", "is required")
        if len(package_id) > PACKAGE_ID_MAX or not package_id.isdigit():
            raise InvalidArgument("package_id", "is not a TikTok package id")
        document_type = document_type_from_proto(request.document_type)
        label = await _needed(self._tiktok_shipping).label(
            OrderRef(app_id, shop_id, order_id), package_id, document_type
        )
        return order_pb2.GetShippingLabelResponse(url=label.url, tracking_number=label.tracking_number)

    async def ListShippingProviders(
        self, request: order_pb2.ListShippingProvidersRequest, context: aio.ServicerContext
    ) -> order_pb2.ListShippingProvidersResponse:
        app_id, shop_id = parse_shop_name(request.parent, "parent")
        option = request.delivery_option_id.strip()
        if len(option) > DELIVERY_OPTION_MAX or (option and not option.isdigit()):
            raise InvalidArgument("delivery_option_id", "is not a TikTok delivery option id (digits)")
        paging = self._page_tokens.open(
            request.page_size,
            request.page_token,
            "ListShippingProviders",
            request.parent,
            request.delivery_option_id,
        )
        entries = await _needed(self._providers).listed(app_id, shop_id, request.delivery_option_id.strip())
        page, next_token = _page(entries, lambda entry: entry.delivery_option_id, paging)
        return order_pb2.ListShippingProvidersResponse(
            delivery_options=delivery_options_to_proto(page), next_page_token=next_token
        )

    async def ListCarrierMappings(
        self, request: order_pb2.ListCarrierMappingsRequest, context: aio.ServicerContext
    ) -> order_pb2.ListCarrierMappingsResponse:
        app_id, shop_id = parse_shop_name(request.parent, "parent")
        paging = self._page_tokens.open(
            request.page_size, request.page_token, "ListCarrierMappings", request.parent
        )
        mappings = await _needed(self._carrier_mappings).list(app_id, shop_id)
        # The default sorts first: its cursor key is empty, every carrier key is not.
        page, next_token = _page(mappings, lambda m: "" if m.is_default else m.carrier_key, paging)
        return order_pb2.ListCarrierMappingsResponse(
            carrier_mappings=[carrier_mapping_to_proto(app_id, shop_id, m) for m in page],
            next_page_token=next_token,
        )

    async def UpdateCarrierMapping(
        self, request: order_pb2.UpdateCarrierMappingRequest, context: aio.ServicerContext
    ) -> order_pb2.UpdateCarrierMappingResponse:
        app_id, shop_id, key = parse_carrier_mapping_name(
            request.carrier_mapping.name, "carrier_mapping.name"
        )
        change = MappingUpdate(
            carrier_name=request.carrier_mapping.carrier_name,
            provider_id=request.carrier_mapping.shipping_provider_id,
            update_mask=tuple(request.update_mask.paths),
            allow_missing=request.allow_missing,
            request_id=parse_request_id(request.request_id),
        )
        mapping = await _needed(self._carrier_mappings).update(app_id, shop_id, key, change)
        return order_pb2.UpdateCarrierMappingResponse(
            carrier_mapping=carrier_mapping_to_proto(app_id, shop_id, mapping)
        )


def _line_item_ids(items: Sequence[str]) -> tuple[str, ...]:
    if len(items) > LINE_ITEMS_MAX:
        raise InvalidArgument("line_item_ids", f"must hold at most {LINE_ITEMS_MAX} line items")
    if any(not item.strip() for item in items):
        raise InvalidArgument("line_item_ids", "must not hold empty ids")
    return tuple(item.strip() for item in items)


def _needed(use_case: T | None) -> T:
    if use_case is None:  # a wiring error, never a caller's
        raise RuntimeError("seller shipping is not wired into the OrderServicer")
    return use_case


def _page(items: Sequence[T], key: Callable[[T], str], paging: PageRequest) -> tuple[list[T], str]:
    """In-memory keyset paging over ``items`` already sorted by ``key``."""
    remaining = [item for item in items if paging.after is None or key(item) > paging.after]
    page = remaining[: paging.size]
    more = len(remaining) > paging.size
    return page, paging.next_token(key(page[-1]) if more and page else None)
