"""ShipOrder's tiktok_shipment and GetShippingLabel's document type ↔ the TikTok-shipping use case."""

from __future__ import annotations

from datetime import UTC
from decimal import Decimal

from adapters.grpc.decimals import bounded_decimal
from domain.errors import InvalidArgument
from domain.logistics import DocumentType, HandoverMethod, ParcelSize, PickupSlot
from multichannel.v1 import order_pb2
from services.fulfillment.tiktok_shipping import TikTokShipmentRequest

PARCEL_MAXIMUM = Decimal(99_999)
SERVICE_ID_MAX = 64

_HANDOVER = {
    order_pb2.HANDOVER_METHOD_UNSPECIFIED: None,
    order_pb2.HANDOVER_METHOD_PICKUP: HandoverMethod.PICKUP,
    order_pb2.HANDOVER_METHOD_DROP_OFF: HandoverMethod.DROP_OFF,
}
_WEIGHT_UNITS = {order_pb2.WEIGHT_UNIT_GRAM: "GRAM", order_pb2.WEIGHT_UNIT_POUND: "POUND"}
_DIMENSION_UNITS = {order_pb2.DIMENSION_UNIT_CM: "CM", order_pb2.DIMENSION_UNIT_INCH: "INCH"}
_DOCUMENTS = {order_pb2.SHIPPING_DOCUMENT_TYPE_UNSPECIFIED: DocumentType.SHIPPING_LABEL} | {
    order_pb2.ShippingDocumentType.Value(f"SHIPPING_DOCUMENT_TYPE_{kind.value}"): kind
    for kind in DocumentType
}
_FIELD = "tiktok_shipment"


def tiktok_shipment_from_proto(
    message: order_pb2.TikTokShipment, line_item_ids: tuple[str, ...]
) -> TikTokShipmentRequest:
    if message.handover_method not in _HANDOVER:
        raise InvalidArgument(f"{_FIELD}.handover_method", "must be PICKUP or DROP_OFF")
    if len(message.shipping_service_id) > SERVICE_ID_MAX:
        raise InvalidArgument(f"{_FIELD}.shipping_service_id", f"must be at most {SERVICE_ID_MAX} characters")
    return TikTokShipmentRequest(
        line_item_ids=line_item_ids,
        handover_method=_HANDOVER[message.handover_method],
        pickup_slot=_pickup_slot(message),
        parcel=_parcel(message.parcel) if message.HasField("parcel") else None,
        shipping_service_id=message.shipping_service_id.strip(),
    )


def document_type_from_proto(value: int) -> DocumentType:
    if value not in _DOCUMENTS:
        raise InvalidArgument("document_type", "is not a shipping document type")
    return _DOCUMENTS[value]


def _pickup_slot(message: order_pb2.TikTokShipment) -> PickupSlot | None:
    has_start, has_end = message.HasField("pickup_start_time"), message.HasField("pickup_end_time")
    if not has_start and not has_end:
        return None
    if not (has_start and has_end):
        raise InvalidArgument(
            f"{_FIELD}.pickup_end_time", "pickup_start_time and pickup_end_time go together"
        )
    start = message.pickup_start_time.ToDatetime(tzinfo=UTC)
    end = message.pickup_end_time.ToDatetime(tzinfo=UTC)
    if end <= start:
        raise InvalidArgument(f"{_FIELD}.pickup_end_time", "must be after pickup_start_time")
    return PickupSlot(start, end)


def _parcel(message: order_pb2.Parcel) -> ParcelSize:
    def amount(name: str) -> Decimal:
        field = f"{_FIELD}.parcel.{name}"
        value = bounded_decimal(
            getattr(message, name), field, maximum=PARCEL_MAXIMUM, fraction_digits=6, example="1.5"
        )
        if value <= 0:
            raise InvalidArgument(field, "must be positive")
        return value

    if message.weight_unit not in _WEIGHT_UNITS:
        raise InvalidArgument(f"{_FIELD}.parcel.weight_unit", "must be GRAM or POUND")
    if message.dimension_unit not in _DIMENSION_UNITS:
        raise InvalidArgument(f"{_FIELD}.parcel.dimension_unit", "must be CM or INCH")
    return ParcelSize(
        weight=amount("weight"),
        weight_unit=_WEIGHT_UNITS[message.weight_unit],
        length=amount("length"),
        width=amount("width"),
        height=amount("height"),
        dimension_unit=_DIMENSION_UNITS[message.dimension_unit],
    )
