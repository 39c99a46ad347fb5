"""TikTok's fulfillment and logistics API (`domain.ports.TikTokFulfillmentApi`), version 202309.

Calls go through the channel client's transport (signing, rate limit, token refresh). Reads are
repeated after transient failures; ship calls, shipping-info updates and label purchases are
not, since TikTok takes no idempotency key for them: after an ambiguous failure the caller reads
the package back ("already shipped" codes tell it the first attempt went through). Refusals are
`PartnerRejected` with TikTok's code; the system errors TikTok documents as worth retrying
(T3.3, T3.10) are `PartnerUnavailable`, like a timeout.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from adapters.tiktok import fulfillment_mapping as mapping
from adapters.tiktok.replies import mapped
from adapters.tiktok.transport import AccessTokenSource, ApiCall, TikTokTransport
from domain.channel import ShopCredentials
from domain.errors import PartnerError, PartnerRejected, PartnerUnavailable
from domain.ids import OrderId
from domain.logistics import (
    DeliveryOption,
    DocumentType,
    HandoverMethod,
    HandoverOptions,
    ParcelSize,
    PickupSlot,
    SelfShipment,
    ShippedPackage,
    ShippingDocument,
    ShippingProvider,
    ShippingService,
    TikTokPackage,
    TrackingEvent,
)

FULFILLMENT = "/fulfillment/202309"
LOGISTICS = "/logistics/202309"
# System errors of the ship calls and label generation that succeed when tried again later.
RETRYABLE_CODES = frozenset(
    {
        "11001031",
        "21001003",
        "21001008",
        "21001011",
        "21022029",
        "21042001",
        "21042076",
        "36009003",
        "11034037",
        "11034023",
    }
)
FULFILLED_BY_TIKTOK = "21008117"
"""Get Shipping Providers for an option TikTok ships itself: no providers to choose from."""

TokensFor = Callable[[ShopCredentials], AccessTokenSource]


@contextlib.contextmanager
def _partner_errors() -> Iterator[None]:
    try:
        yield
    except PartnerRejected as refusal:
        if refusal.code not in RETRYABLE_CODES:
            raise
        raise PartnerUnavailable(
            refusal.partner, refusal.code, refusal.partner_message, refusal.request_id
        ) from None


def _parcel(parcel: ParcelSize) -> dict[str, Any]:
    return {
        "weight": {"value": format(parcel.weight, "f"), "unit": parcel.weight_unit},
        "dimension": {
            "length": format(parcel.length, "f"),
            "width": format(parcel.width, "f"),
            "height": format(parcel.height, "f"),
            "unit": parcel.dimension_unit,
        },
    }


class TikTokFulfillmentClient:
    """Implements `TikTokFulfillmentApi` over the channel client's `TikTokTransport`."""

    def __init__(self, transport: TikTokTransport, tokens_for: TokensFor) -> None:
        self._transport = transport
        self._tokens_for = tokens_for

    def __repr__(self) -> str:
        return f"TikTokFulfillmentClient({self._transport!r})"

    async def _call(
        self,
        credentials: ShopCredentials,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        body: Any = None,
        idempotent: bool = True,
    ) -> tuple[Any, str]:
        call = ApiCall(
            method,
            path,
            params=dict(params or {}),
            body=body,
            shop_cipher=credentials.shop_cipher,
            idempotent=idempotent,
        )
        with _partner_errors():
            reply = await self._transport.call(call, self._tokens_for(credentials))
        return reply.data if reply.data is not None else {}, reply.request_id

    async def package(self, credentials: ShopCredentials, package_id: str) -> TikTokPackage:
        data, request_id = await self._call(
            credentials, "GET", f"{FULFILLMENT}/packages/{_segment(package_id)}"
        )
        return mapped(mapping.package, data, request_id)

    async def mark_package_shipped(
        self,
        credentials: ShopCredentials,
        order_id: OrderId,
        line_item_ids: Sequence[str],
        tracking_number: str,
        shipping_provider_id: str,
    ) -> ShippedPackage:
        body: dict[str, Any] = {
            "tracking_number": tracking_number,
            "shipping_provider_id": shipping_provider_id,
        }
        if line_item_ids:
            body["order_line_item_ids"] = list(line_item_ids)
        data, request_id = await self._call(
            credentials,
            "POST",
            f"{FULFILLMENT}/orders/{_segment(order_id)}/packages",
            body=body,
            idempotent=False,
        )
        return mapped(mapping.shipped_package, data, request_id)

    async def ship_package(
        self,
        credentials: ShopCredentials,
        package_id: str,
        *,
        self_shipment: SelfShipment | None = None,
        handover_method: HandoverMethod | None = None,
        pickup_slot: PickupSlot | None = None,
    ) -> None:
        body: dict[str, Any] = {}
        if self_shipment is not None:
            body["self_shipment"] = {
                "tracking_number": self_shipment.tracking_number,
                "shipping_provider_id": self_shipment.shipping_provider_id,
            }
        if handover_method is not None:
            body["handover_method"] = handover_method.value
        if pickup_slot is not None:
            body["pickup_slot"] = {
                "start_time": int(pickup_slot.start_time.timestamp()),
                "end_time": int(pickup_slot.end_time.timestamp()),
            }
        await self._call(
            credentials,
            "POST",
            f"{FULFILLMENT}/packages/{_segment(package_id)}/ship",
            body=body,
            idempotent=False,
        )

    async def update_shipping_info(
        self,
        credentials: ShopCredentials,
        order_id: OrderId,
        tracking_number: str,
        shipping_provider_id: str,
        *,
        package_id: str | None = None,
    ) -> None:
        path = (
            f"{FULFILLMENT}/orders/{_segment(order_id)}/shipping_info/update"
            if package_id is None
            else f"{FULFILLMENT}/packages/{_segment(package_id)}/shipping_info/update"
        )
        body = {"tracking_number": tracking_number, "shipping_provider_id": shipping_provider_id}
        await self._call(credentials, "POST", path, body=body, idempotent=False)

    async def delivery_options(self, credentials: ShopCredentials, warehouse_id: str) -> list[DeliveryOption]:
        data, request_id = await self._call(
            credentials, "GET", f"{LOGISTICS}/warehouses/{_segment(warehouse_id)}/delivery_options"
        )
        return mapped(mapping.delivery_options, data, request_id)

    async def shipping_providers(
        self, credentials: ShopCredentials, delivery_option_id: str
    ) -> list[ShippingProvider]:
        try:
            data, request_id = await self._call(
                credentials,
                "GET",
                f"{LOGISTICS}/delivery_options/{_segment(delivery_option_id)}/shipping_providers",
            )
        except PartnerError as error:
            if error.code == FULFILLED_BY_TIKTOK:
                return []
            raise
        return mapped(mapping.shipping_providers, data, request_id)

    async def handover_options(self, credentials: ShopCredentials, package_id: str) -> HandoverOptions:
        data, request_id = await self._call(
            credentials, "GET", f"{FULFILLMENT}/packages/{_segment(package_id)}/handover_time_slots"
        )
        return mapped(mapping.handover_options, data, request_id)

    async def shipping_document(
        self, credentials: ShopCredentials, package_id: str, document_type: DocumentType
    ) -> ShippingDocument:
        data, request_id = await self._call(
            credentials,
            "GET",
            f"{FULFILLMENT}/packages/{_segment(package_id)}/shipping_documents",
            params={"document_type": document_type.value},
        )
        return mapped(mapping.shipping_document, data, request_id)

    async def tracking(self, credentials: ShopCredentials, order_id: OrderId) -> list[TrackingEvent]:
        data, request_id = await self._call(
            credentials, "GET", f"{FULFILLMENT}/orders/{_segment(order_id)}/tracking"
        )
        return mapped(mapping.tracking, data, request_id)

    async def eligible_shipping_services(
        self,
        credentials: ShopCredentials,
        order_id: OrderId,
        line_item_ids: Sequence[str],
        parcel: ParcelSize,
    ) -> list[ShippingService]:
        body: dict[str, Any] = {"order_line_item_ids": list(line_item_ids), **_parcel(parcel)}
        data, request_id = await self._call(
            credentials,
            "POST",
            f"{FULFILLMENT}/orders/{_segment(order_id)}/shipping_services/query",
            body=body,
        )
        return mapped(mapping.shipping_services, data, request_id)

    async def create_package(
        self,
        credentials: ShopCredentials,
        order_id: OrderId,
        line_item_ids: Sequence[str],
        parcel: ParcelSize,
        shipping_service_id: str,
    ) -> TikTokPackage:
        """Buys the label, then reads the package for its tracking number; if that read fails the
        label is bought all the same, so the answer of the purchase itself is returned."""
        body: dict[str, Any] = {
            "order_id": order_id,
            **_parcel(parcel),
            "shipping_service_id": shipping_service_id,
        }
        if line_item_ids:
            body["order_line_item_ids"] = list(line_item_ids)
        data, request_id = await self._call(
            credentials, "POST", f"{FULFILLMENT}/packages", body=body, idempotent=False
        )
        created = mapped(mapping.created_package, data, request_id)
        try:
            return await self.package(credentials, created.package_id)
        except PartnerError:
            return created


def _segment(value: str) -> str:
    """An id as one path segment: whatever a caller passed, the URL stays well formed (an id that
    is not TikTok's is then TikTok's own refusal)."""
    return quote(value, safe="")
