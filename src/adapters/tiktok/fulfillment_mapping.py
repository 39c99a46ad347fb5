"""TikTok fulfillment and logistics replies → domain values (fulfillment-and-webhooks T3, T4).

Unknown statuses or shipping types are malformed answers, never guesses."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from adapters.tiktok.malformed import MalformedResponse
from domain.logistics import (
    DeliveryOption,
    HandoverOptions,
    PackageStatus,
    PickupSlot,
    ShippedPackage,
    ShippingDocument,
    ShippingProvider,
    ShippingService,
    ShippingType,
    TikTokPackage,
    TrackingEvent,
)


def _object(raw: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise MalformedResponse(f"{what} is not an object")
    return raw


def _list(raw: Mapping[str, Any], name: str) -> list[Any]:
    value = raw.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise MalformedResponse(f"{name} is not a list")
    return value


def _text(raw: Mapping[str, Any], name: str, *, required: bool = False) -> str:
    value = raw.get(name)
    if value is None or value == "":
        if required:
            raise MalformedResponse(f"{name} is missing")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise MalformedResponse(f"{name} is not text")
    return str(value)


def _seconds(value: Any, name: str) -> datetime:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise MalformedResponse(f"{name} is not a Unix time")
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (ValueError, OverflowError):
        raise MalformedResponse(f"{name} is not a Unix time") from None


def package(raw: Any) -> TikTokPackage:
    """Get Package Detail (T3.1)."""
    data = _object(raw, "package")
    try:
        status = PackageStatus.parse(_text(data, "package_status", required=True))
        shipping = _text(data, "shipping_type")
        shipping_type = ShippingType(shipping) if shipping else None
    except ValueError:
        raise MalformedResponse("package.package_status or package.shipping_type is unknown") from None
    orders = [_text(_object(o, "package.orders[]"), "id", required=True) for o in _list(data, "orders")]
    update_time = data.get("update_time")
    return TikTokPackage(
        package_id=_text(data, "package_id", required=True),
        order_ids=tuple(orders),
        line_item_ids=tuple(str(x) for x in _list(data, "order_line_item_ids")),
        status=status,
        shipping_type=shipping_type,
        tracking_number=_text(data, "tracking_number"),
        shipping_provider_id=_text(data, "shipping_provider_id"),
        shipping_provider_name=_text(data, "shipping_provider_name"),
        delivery_option_id=_text(data, "delivery_option_id"),
        handover_method=_text(data, "handover_method"),
        update_time=None if update_time in (None, "", 0) else _seconds(update_time, "package.update_time"),
    )


def shipped_package(raw: Any) -> ShippedPackage:
    """Mark Package As Shipped (T3.5); ``warning.message`` only for US local sellers."""
    data = _object(raw, "data")
    warning = data.get("warning")
    message = _text(_object(warning, "warning"), "message") if warning is not None else ""
    return ShippedPackage(
        order_id=_text(data, "order_id", required=True),
        package_id=_text(data, "package_id", required=True),
        line_item_ids=tuple(str(x) for x in _list(data, "order_line_item_ids")),
        warning=message,
    )


def delivery_options(raw: Any) -> list[DeliveryOption]:
    data = _object(raw, "data")
    return [
        DeliveryOption(_text(item, "id", required=True), _text(item, "name"), _text(item, "type"))
        for item in (_object(o, "delivery_options[]") for o in _list(data, "delivery_options"))
    ]


def shipping_providers(raw: Any) -> list[ShippingProvider]:
    data = _object(raw, "data")
    return [
        ShippingProvider(_text(item, "id", required=True), _text(item, "name", required=True))
        for item in (_object(p, "shipping_providers[]") for p in _list(data, "shipping_providers"))
    ]


def handover_options(raw: Any) -> HandoverOptions:
    """Handover time slots (T3.11); TikTok spells the slot flag ``avaliable``."""
    data = _object(raw, "data")
    slots = []
    for item in (_object(s, "pickup_slots[]") for s in _list(data, "pickup_slots")):
        available = item.get("avaliable", item.get("available", True))
        slots.append(
            PickupSlot(
                _seconds(item.get("start_time"), "pickup_slots[].start_time"),
                _seconds(item.get("end_time"), "pickup_slots[].end_time"),
                bool(available),
            )
        )
    return HandoverOptions(
        can_pickup=bool(data.get("can_pickup", False)),
        can_drop_off=bool(data.get("can_drop_off", False)),
        pickup_slots=tuple(slots),
        drop_off_point_url=_text(data, "drop_off_point_url"),
    )


def shipping_document(raw: Any) -> ShippingDocument:
    data = _object(raw, "data")
    return ShippingDocument(_text(data, "doc_url", required=True), _text(data, "tracking_number"))


def tracking(raw: Any) -> list[TrackingEvent]:
    """Get Tracking (T3.7): times in milliseconds."""
    data = _object(raw, "data")
    events = []
    for item in (_object(e, "tracking[]") for e in _list(data, "tracking")):
        millis = item.get("update_time_millis")
        if isinstance(millis, bool) or not isinstance(millis, int | str):
            raise MalformedResponse("tracking[].update_time_millis is not a time in milliseconds")
        try:
            at = datetime.fromtimestamp(int(millis) / 1000, UTC)
        except (ValueError, OverflowError):
            raise MalformedResponse("tracking[].update_time_millis is not a time in milliseconds") from None
        events.append(TrackingEvent(_text(item, "description"), at))
    return events


def shipping_services(raw: Any) -> list[ShippingService]:
    data = _object(raw, "data")
    return [
        ShippingService(
            service_id=_text(item, "id", required=True),
            name=_text(item, "name"),
            shipping_provider_id=_text(item, "shipping_provider_id"),
            shipping_provider_name=_text(item, "shipping_provider_name"),
            is_default=bool(item.get("is_default", False)),
        )
        for item in (_object(s, "shipping_services[]") for s in _list(data, "shipping_services"))
    ]


def created_package(raw: Any) -> TikTokPackage:
    """Create Packages (T3.12): the new package, shipped with TikTok's carrier."""
    data = _object(raw, "data")
    service = data.get("shipping_service_info")
    info = _object(service, "shipping_service_info") if service is not None else {}
    return TikTokPackage(
        package_id=_text(data, "package_id", required=True),
        order_ids=(_text(data, "order_id", required=True),),
        line_item_ids=tuple(str(x) for x in _list(data, "order_line_item_ids")),
        status=PackageStatus.PROCESSING,
        shipping_type=ShippingType.TIKTOK,
        shipping_provider_id=_text(info, "shipping_provider_id"),
        shipping_provider_name=_text(info, "shipping_provider_name"),
    )
