"""The partner APIs that follow an order after its import: shipping (TikTok's packages, SHOPLINE's
fulfillments) and returns (TikTok's returns, SHOPLINE's refunds). Adapters raise ``PartnerError``
subclasses only."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Protocol, runtime_checkable

from domain.channel import (
    ResultPage,
    ShopCredentials,
    ShoplineCredentials,
    TimeWindow,
)
from domain.ids import (
    OrderId,
    ShoplineOrderId,
)
from domain.logistics import (
    DeliveryOption,
    DocumentType,
    HandoverMethod,
    HandoverOptions,
    NewFulfillment,
    ParcelSize,
    PickupSlot,
    SelfShipment,
    ShippedPackage,
    ShippingDocument,
    ShippingProvider,
    ShippingService,
    ShoplineFulfillment,
    ShoplineLineItem,
    TikTokPackage,
    TrackingEvent,
    TrackingInfo,
)
from domain.returns import TikTokReturnData
from domain.returns.shopline import NewShoplineRefund, ShoplineOrderItem, ShoplineRefund


@runtime_checkable
class TikTokFulfillmentApi(Protocol):
    """TikTok's fulfillment and logistics API (fulfillment-and-webhooks.md Part T) for one shop.

    Raises ``PartnerError`` subclasses only; a refusal carries TikTok's code, so callers can tell
    "already shipped" (read the package back: success) from a real refusal."""

    async def package(self, credentials: ShopCredentials, package_id: str) -> TikTokPackage: ...

    async def mark_package_shipped(
        self,
        credentials: ShopCredentials,
        order_id: OrderId,
        line_item_ids: Sequence[str],
        tracking_number: str,
        shipping_provider_id: str,
    ) -> ShippedPackage:
        """Seller shipping in US, UK, ES, IE, IT, DE, FR, JP (T3.5); no ``line_item_ids`` ships
        the whole order."""
        ...

    async def ship_package(
        self,
        credentials: ShopCredentials,
        package_id: str,
        *,
        self_shipment: SelfShipment | None = None,
        handover_method: HandoverMethod | None = None,
        pickup_slot: PickupSlot | None = None,
    ) -> None:
        """Ship Package (T3.3): ``self_shipment`` for seller shipping outside Mark Package As
        Shipped's markets, else TikTok shipping with a handover method."""
        ...

    async def update_shipping_info(
        self,
        credentials: ShopCredentials,
        order_id: OrderId,
        tracking_number: str,
        shipping_provider_id: str,
        *,
        package_id: str | None = None,
    ) -> None:
        """T3.6: per package for split orders, else per order; once, within TikTok's window."""
        ...

    async def delivery_options(
        self, credentials: ShopCredentials, warehouse_id: str
    ) -> list[DeliveryOption]: ...

    async def shipping_providers(
        self, credentials: ShopCredentials, delivery_option_id: str
    ) -> list[ShippingProvider]:
        """Empty when TikTok fulfills the option itself (``21008117``)."""
        ...

    async def handover_options(self, credentials: ShopCredentials, package_id: str) -> HandoverOptions: ...

    async def shipping_document(
        self, credentials: ShopCredentials, package_id: str, document_type: DocumentType
    ) -> ShippingDocument: ...

    async def tracking(self, credentials: ShopCredentials, order_id: OrderId) -> list[TrackingEvent]: ...

    async def eligible_shipping_services(
        self,
        credentials: ShopCredentials,
        order_id: OrderId,
        line_item_ids: Sequence[str],
        parcel: ParcelSize,
    ) -> list[ShippingService]:
        """US TikTok shipping: the label services TikTok offers for these lines (T3.12)."""
        ...

    async def create_package(
        self,
        credentials: ShopCredentials,
        order_id: OrderId,
        line_item_ids: Sequence[str],
        parcel: ParcelSize,
        shipping_service_id: str,
    ) -> TikTokPackage:
        """US TikTok shipping: buys the label and answers the new package (T3.12)."""
        ...


@runtime_checkable
class TikTokReturnsApi(Protocol):
    """TikTok's Return & Refund API for returns (Search, Approve, Reject Return). Raises
    ``PartnerError`` subclasses only."""

    def search_returns(
        self, credentials: ShopCredentials, window: TimeWindow, *, page_size: int = 100
    ) -> AsyncIterator[ResultPage[TikTokReturnData]]:
        """Returns updated in ``window`` (start inclusive, end exclusive), page by page."""
        ...

    async def order_returns(self, credentials: ShopCredentials, order_id: OrderId) -> list[TikTokReturnData]:
        """Every return of one order, any status."""
        ...

    async def get_return(self, credentials: ShopCredentials, return_id: str) -> TikTokReturnData | None: ...

    async def approve_return(self, credentials: ShopCredentials, return_id: str, decision: str) -> None:
        """``decision`` is TikTok's decision name for the return's type and status
        (``APPROVE_REFUND``, ``APPROVE_RETURN``, ``APPROVE_RECEIVED_PACKAGE`` …); approving what
        TikTok already shows approved succeeds."""
        ...

    async def reject_return(
        self, credentials: ShopCredentials, return_id: str, decision: str, reason: str, comment: str = ""
    ) -> None:
        """``reason`` must be one of ``return_reject_reasons``."""
        ...

    async def return_reject_reasons(self, credentials: ShopCredentials, return_id: str) -> list[str]:
        """Reject reason names TikTok accepts now for the return."""
        ...


@runtime_checkable
class ShoplineFulfillmentApi(Protocol):
    """SHOPLINE's order-level fulfillments (fulfillment-and-webhooks.md Part S) for one store.

    Raises ``PartnerError`` subclasses only."""

    async def order_line_items(
        self, credentials: ShoplineCredentials, order_id: ShoplineOrderId
    ) -> list[ShoplineLineItem]: ...

    async def create_fulfillment(
        self, credentials: ShoplineCredentials, order_id: ShoplineOrderId, fulfillment: NewFulfillment
    ) -> ShoplineFulfillment: ...

    async def fulfillments(
        self, credentials: ShoplineCredentials, order_id: ShoplineOrderId
    ) -> list[ShoplineFulfillment]: ...

    async def update_fulfillment_tracking(
        self,
        credentials: ShoplineCredentials,
        order_id: ShoplineOrderId,
        fulfillment_id: str,
        tracking: Sequence[TrackingInfo],
    ) -> ShoplineFulfillment:
        """An overwrite: tracking entries left out are cleared (S4)."""
        ...

    async def cancel_fulfillment(
        self, credentials: ShoplineCredentials, order_id: ShoplineOrderId, fulfillment_id: str
    ) -> ShoplineFulfillment: ...


@runtime_checkable
class ShoplineRefundsApi(Protocol):
    """SHOPLINE order refunds (reference B3). Raises ``PartnerError`` subclasses only."""

    async def order_items(
        self, credentials: ShoplineCredentials, order_id: ShoplineOrderId
    ) -> list[ShoplineOrderItem]: ...

    async def find_refund(
        self, credentials: ShoplineCredentials, order_id: ShoplineOrderId, marker: str
    ) -> ShoplineRefund | None:
        """The order's refund carrying ``marker`` in its note, if SHOPLINE has one."""
        ...

    async def create_refund(
        self, credentials: ShoplineCredentials, refund: NewShoplineRefund
    ) -> ShoplineRefund:
        """Creates the refund once: after a lost reply the order's refunds are read back for the
        marker before anything is sent again."""
        ...
