"""Seller shipping between the domain and protobuf: an order's fulfillment, carrier mappings,
shipping providers, and the names of carrier mappings."""

from __future__ import annotations

import re
from collections.abc import Sequence

from adapters.grpc.mappers import timestamp
from adapters.grpc.names import shop_name
from domain.errors import InvalidArgument
from domain.fulfillment import CachedProviders, CarrierMapping, FulfillmentState
from domain.ids import AppId, ShopId
from domain.logistics import FulfillmentType, ShippingType
from domain.order import Order
from multichannel.v1 import order_pb2, shipping_pb2
from services.fulfillment.views import FulfillmentView

_SEGMENT = r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}"
_CARRIER_MAPPING = re.compile(rf"apps/({_SEGMENT})/shops/({_SEGMENT})/carrierMappings/([a-z0-9]{{1,128}})")
CARRIER_MAPPING_SHAPE = "apps/{app}/shops/{shop}/carrierMappings/{carrier}"

_STATE_TO_PROTO = {
    FulfillmentState.UNFULFILLED: shipping_pb2.FULFILLMENT_STATE_UNFULFILLED,
    FulfillmentState.PARTIALLY_SHIPPED: shipping_pb2.FULFILLMENT_STATE_PARTIALLY_SHIPPED,
    FulfillmentState.SHIPPED: shipping_pb2.FULFILLMENT_STATE_SHIPPED,
    FulfillmentState.DELIVERED: shipping_pb2.FULFILLMENT_STATE_DELIVERED,
    FulfillmentState.FULFILLMENT_BLOCKED: shipping_pb2.FULFILLMENT_STATE_FULFILLMENT_BLOCKED,
}
_SHIPPING_TYPE_TO_PROTO = {
    ShippingType.TIKTOK: shipping_pb2.SHIPPING_TYPE_TIKTOK,
    ShippingType.SELLER: shipping_pb2.SHIPPING_TYPE_SELLER,
}
FULFILLMENT_TYPE_TO_PROTO = {
    FulfillmentType.BY_SELLER: order_pb2.FULFILLMENT_TYPE_BY_SELLER,
    FulfillmentType.BY_TIKTOK: order_pb2.FULFILLMENT_TYPE_BY_TIKTOK,
    FulfillmentType.BY_DILAYANI_TOKOPEDIA: order_pb2.FULFILLMENT_TYPE_BY_DILAYANI_TOKOPEDIA,
}


def carrier_mapping_name(app_id: str, shop_id: str, key: str) -> str:
    return f"{shop_name(app_id, shop_id)}/carrierMappings/{key}"


def parse_carrier_mapping_name(name: str, field: str) -> tuple[AppId, ShopId, str]:
    if not name:
        raise InvalidArgument(field, f"is required ({CARRIER_MAPPING_SHAPE})")
    match = _CARRIER_MAPPING.fullmatch(name)
    if match is None:
        raise InvalidArgument(
            field,
            f"{name!r} is not a name of the form {CARRIER_MAPPING_SHAPE} "
            "({carrier}: the carrier's name in lower case letters and digits, or default)",
        )
    return AppId(match.group(1)), ShopId(match.group(2)), match.group(3)


def fulfillment_to_proto(order: Order, view: FulfillmentView | None) -> shipping_pb2.OrderFulfillment:
    logistics = order.logistics
    message = shipping_pb2.OrderFulfillment(
        shipping_type=_SHIPPING_TYPE_TO_PROTO.get(
            logistics.shipping_type, shipping_pb2.SHIPPING_TYPE_UNSPECIFIED
        )
        if logistics.shipping_type is not None
        else shipping_pb2.SHIPPING_TYPE_UNSPECIFIED,
        delivery_option_id=logistics.delivery_option_id,
        delivery_option_name=logistics.delivery_option_name,
    )
    if view is None:
        return message
    state = view.fulfillment
    message.state = _STATE_TO_PROTO[state.state]
    message.blocked_reason = state.blocked_reason
    message.carrier_name = state.carrier_to_map
    message.packages.extend(
        shipping_pb2.OrderPackage(
            package_id=package.package_id,
            status=package.status,
            tracking_number=package.tracking_number,
            shipping_provider_name=package.provider_name,
            line_item_ids=list(package.line_item_ids),
            tracking_update_error=package.tracking_update_refusal,
        )
        for package in view.packages
    )
    return message


def carrier_mapping_to_proto(
    app_id: str, shop_id: str, mapping: CarrierMapping
) -> shipping_pb2.CarrierMapping:
    return shipping_pb2.CarrierMapping(
        name=carrier_mapping_name(app_id, shop_id, mapping.carrier_key),
        carrier_name=mapping.carrier_name,
        shipping_provider_id=mapping.provider_id,
        shipping_provider_name=mapping.provider_name,
        update_time=timestamp(mapping.updated_at),
    )


def delivery_options_to_proto(
    entries: Sequence[CachedProviders],
) -> list[shipping_pb2.DeliveryOptionProviders]:
    return [
        shipping_pb2.DeliveryOptionProviders(
            delivery_option_id=entry.delivery_option_id,
            delivery_option_name=entry.delivery_option_name,
            fulfilled_by_tiktok=entry.fulfilled_by_tiktok,
            shipping_providers=[
                shipping_pb2.ShippingProvider(shipping_provider_id=p.provider_id, name=p.name)
                for p in entry.providers
            ],
            fetch_time=timestamp(entry.fetched_at),
        )
        for entry in entries
    ]
