"""Stateful fakes of the fulfillment ports: TikTok's packages and ship calls, SHOPLINE's fulfillments.

They keep the partner rules the connector depends on (fulfillment-and-webhooks.md T1-T3, S3-S4):
which market uses which ship call, status gating, providers per delivery option, "already
shipped" refusals with TikTok's codes, one shipping-info update, SHOPLINE's fulfillable quantities.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from domain.channel import SHOPLINE, TIKTOK, ShopCredentials, ShoplineCredentials
from domain.errors import PartnerRejected
from domain.ids import OrderId, ShoplineOrderId
from domain.logistics import (
    DeliveryOption,
    DocumentType,
    FulfillmentLine,
    FulfillmentType,
    HandoverMethod,
    HandoverOptions,
    NewFulfillment,
    PackageStatus,
    ParcelSize,
    PickupSlot,
    SelfShipment,
    ShippedPackage,
    ShippingDocument,
    ShippingProvider,
    ShippingService,
    ShippingType,
    ShoplineFulfillment,
    ShoplineLineItem,
    TikTokPackage,
    TrackingEvent,
    TrackingInfo,
)
from tests.fakes.faults import FaultInjection
from tests.fakes.runtime import FakeClock

MARK_AS_SHIPPED_MARKETS = frozenset({"US", "GB", "ES", "IE", "IT", "DE", "FR", "JP"})
SHIPPABLE = frozenset({"AWAITING_SHIPMENT", "PARTIALLY_SHIPPING"})
# One shipping-info change within 72 hours of shipping here; one change anyway elsewhere (T3.6).
UPDATE_WINDOW_MARKETS = frozenset({"US", "GB", "ID", "TH", "SG", "MY", "VN", "PH"})
UPDATE_WINDOW = timedelta(hours=72)


def _rejected(code: str, message: str) -> PartnerRejected:
    return PartnerRejected(TIKTOK, code, message)


@dataclass
class FakeTikTokOrder:
    order_id: OrderId
    market: str
    line_item_ids: tuple[str, ...]
    delivery_option_id: str
    status: str = "AWAITING_SHIPMENT"
    fulfillment_type: FulfillmentType = FulfillmentType.BY_SELLER
    shipping_type: ShippingType = ShippingType.SELLER
    packages: list[str] = field(default_factory=list)


@dataclass
class _FakePackage:
    package: TikTokPackage
    shipped_at: datetime | None = None
    info_updates: int = 0


class FakeTikTokFulfillmentApi(FaultInjection):
    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self._clock = clock
        self.orders: dict[tuple[str, OrderId], FakeTikTokOrder] = {}
        self.packages: dict[str, _FakePackage] = {}
        self.providers: dict[str, list[ShippingProvider]] = {}
        self.options: dict[str, list[DeliveryOption]] = {}
        self._ids = itertools.count(1_153_000_000_000_000_001)

    # --- set-up -----------------------------------------------------------------------------

    def add_order(self, shop_cipher: str, order: FakeTikTokOrder) -> None:
        """Outside the US and UK the package exists from payment on (T1)."""
        self.orders[(shop_cipher, order.order_id)] = order
        if order.market not in ("US", "GB") and order.fulfillment_type is FulfillmentType.BY_SELLER:
            self._new_package(order, order.line_item_ids, PackageStatus.TO_FULFILL)

    def add_providers(self, delivery_option_id: str, *providers: ShippingProvider) -> None:
        self.providers.setdefault(delivery_option_id, []).extend(providers)

    # --- the port ---------------------------------------------------------------------------

    async def package(self, credentials: ShopCredentials, package_id: str) -> TikTokPackage:
        self._call("package")
        return self._package(credentials, package_id).package

    async def mark_package_shipped(
        self,
        credentials: ShopCredentials,
        order_id: OrderId,
        line_item_ids: Sequence[str],
        tracking_number: str,
        shipping_provider_id: str,
    ) -> ShippedPackage:
        self._call("mark_package_shipped")
        order = self._order(credentials, order_id)
        if order.market not in MARK_AS_SHIPPED_MARKETS:
            raise _rejected("21008106", "Region not supported.")
        self._check_seller_shipping(order, tracking_number, shipping_provider_id)
        if set(line_item_ids) - set(order.line_item_ids):
            raise _rejected("36009004", "Invalid parameter. A line item ID belongs to another order.")
        if not line_item_ids and self._shipped_lines(order):
            raise _rejected("21011048", "The order has multiple packages. Specify the order line items.")
        lines = tuple(line_item_ids) or self._unshipped(order)
        if set(lines) & set(self._shipped_lines(order)):
            raise _rejected("21011040", "The package has been shipped.")
        package = self._new_package(
            order, lines, PackageStatus.PROCESSING, tracking_number, shipping_provider_id
        )
        self._after_shipping(order)
        return ShippedPackage(order.order_id, package.package_id, lines)

    async def ship_package(
        self,
        credentials: ShopCredentials,
        package_id: str,
        *,
        self_shipment: SelfShipment | None = None,
        handover_method: HandoverMethod | None = None,
        pickup_slot: PickupSlot | None = None,
    ) -> None:
        self._call("ship_package")
        held = self._package(credentials, package_id)
        order = self._order(credentials, OrderId(held.package.order_ids[0]))
        if held.package.status is not PackageStatus.TO_FULFILL:
            raise _rejected("21011040", "The package has been shipped.")
        if self_shipment is not None:
            self._check_seller_shipping(
                order, self_shipment.tracking_number, self_shipment.shipping_provider_id
            )
            tracking, provider = self_shipment.tracking_number, self_shipment.shipping_provider_id
        else:
            if order.shipping_type is not ShippingType.TIKTOK:
                raise _rejected("21011022", "self_shipment is required for seller shipping.")
            self._check_status(order)
            tracking, provider = f"TT{package_id[-10:]}", "tiktok-carrier"
        held.package = replace(
            held.package,
            status=PackageStatus.PROCESSING,
            tracking_number=tracking,
            shipping_provider_id=provider,
            handover_method="" if handover_method is None else handover_method.value,
        )
        held.shipped_at = self._clock.now()
        self._after_shipping(order)

    async def update_shipping_info(
        self,
        credentials: ShopCredentials,
        order_id: OrderId,
        tracking_number: str,
        shipping_provider_id: str,
        *,
        package_id: str | None = None,
    ) -> None:
        self._call("update_shipping_info")
        order = self._order(credentials, order_id)
        if order.fulfillment_type is not FulfillmentType.BY_SELLER:
            raise _rejected("21008025", "The order is fulfilled by TikTok.")
        if order.shipping_type is not ShippingType.SELLER:
            raise _rejected("21011004", "The order is not shipped by the seller.")
        shipped = [self.packages[p] for p in order.packages if self.packages[p].shipped_at is not None]
        if not shipped:
            raise _rejected("21011043", "The order has not been shipped yet.")
        if package_id is None and len(shipped) > 1:
            raise _rejected("21011048", "The order has multiple packages; update per package.")
        held = next((p for p in shipped if p.package.package_id == package_id), shipped[0])
        shipped_at = held.shipped_at
        if (
            order.market in UPDATE_WINDOW_MARKETS
            and shipped_at
            and self._clock.now() - shipped_at > UPDATE_WINDOW
        ):
            raise _rejected("21011050", "Shipping information can only be updated within 72 hours.")
        if held.info_updates >= 1:
            raise _rejected("21011051", "Shipping information can be updated only once.")
        self._check_tracking(tracking_number)
        self._check_provider(order, shipping_provider_id)
        held.info_updates += 1
        held.package = replace(
            held.package, tracking_number=tracking_number, shipping_provider_id=shipping_provider_id
        )

    async def delivery_options(self, credentials: ShopCredentials, warehouse_id: str) -> list[DeliveryOption]:
        self._call("delivery_options")
        return list(self.options.get(warehouse_id, ()))

    async def shipping_providers(
        self, credentials: ShopCredentials, delivery_option_id: str
    ) -> list[ShippingProvider]:
        self._call("shipping_providers")
        return list(self.providers.get(delivery_option_id, ()))

    async def handover_options(self, credentials: ShopCredentials, package_id: str) -> HandoverOptions:
        self._call("handover_options")
        self._package(credentials, package_id)
        return HandoverOptions(can_pickup=True, can_drop_off=True)

    async def shipping_document(
        self, credentials: ShopCredentials, package_id: str, document_type: DocumentType
    ) -> ShippingDocument:
        self._call("shipping_document")
        held = self._package(credentials, package_id)
        if held.package.shipping_type is not ShippingType.TIKTOK:
            raise _rejected("21008017", "Not a TikTok-shipping package.")
        if held.shipped_at is None:
            raise _rejected("21023035", "Arrange shipment first.")
        return ShippingDocument(
            f"https://labels.example/{package_id}/{document_type.value}", held.package.tracking_number
        )

    async def tracking(self, credentials: ShopCredentials, order_id: OrderId) -> list[TrackingEvent]:
        self._call("tracking")
        order = self._order(credentials, order_id)
        return [
            TrackingEvent("Shipment arranged", held.shipped_at)
            for held in (self.packages[p] for p in order.packages)
            if held.shipped_at is not None
        ]

    async def eligible_shipping_services(
        self,
        credentials: ShopCredentials,
        order_id: OrderId,
        line_item_ids: Sequence[str],
        parcel: ParcelSize,
    ) -> list[ShippingService]:
        self._call("eligible_shipping_services")
        order = self._order(credentials, order_id)
        if order.market != "US" or order.shipping_type is not ShippingType.TIKTOK:
            raise _rejected("21008106", "Region not supported.")
        return [ShippingService("svc-ground", "Ground", "tiktok-carrier", "TikTok Carrier", True)]

    async def create_package(
        self,
        credentials: ShopCredentials,
        order_id: OrderId,
        line_item_ids: Sequence[str],
        parcel: ParcelSize,
        shipping_service_id: str,
    ) -> TikTokPackage:
        self._call("create_package")
        order = self._order(credentials, order_id)
        if order.market != "US" or order.shipping_type is not ShippingType.TIKTOK:
            raise _rejected("21008106", "Region not supported.")
        self._check_status(order)
        lines = tuple(line_item_ids) or self._unshipped(order)
        if set(lines) & set(self._shipped_lines(order)):
            raise _rejected("21022025", "The label has already been bought.")
        package = self._new_package(
            order, lines, PackageStatus.PROCESSING, f"TT{next(self._ids) % 10**10}", "tiktok-carrier"
        )
        self._after_shipping(order)
        return package

    # --- rules ------------------------------------------------------------------------------

    def _order(self, credentials: ShopCredentials, order_id: OrderId) -> FakeTikTokOrder:
        order = self.orders.get((credentials.shop_cipher, order_id))
        if order is None:
            raise _rejected("21008111", "The order or package does not belong to the current seller.")
        return order

    def _package(self, credentials: ShopCredentials, package_id: str) -> _FakePackage:
        held = self.packages.get(package_id)
        if held is None or (credentials.shop_cipher, OrderId(held.package.order_ids[0])) not in self.orders:
            raise _rejected("21008111", "The order or package does not belong to the current seller.")
        return held

    def _check_status(self, order: FakeTikTokOrder) -> None:
        if order.fulfillment_type is not FulfillmentType.BY_SELLER:
            raise _rejected("21008025", "The order is fulfilled by TikTok.")
        if order.status == "CANCELLED":
            raise _rejected("21011041", "The order has been cancelled.")
        if order.status not in SHIPPABLE:
            raise _rejected("21042057", "The order is not in the Awaiting shipment status.")

    def _check_seller_shipping(self, order: FakeTikTokOrder, tracking: str, provider_id: str) -> None:
        self._check_status(order)
        if order.shipping_type is not ShippingType.SELLER:
            raise _rejected("21011004", "The order is not shipped by the seller.")
        self._check_tracking(tracking)
        self._check_provider(order, provider_id)

    @staticmethod
    def _check_tracking(tracking: str) -> None:
        if not tracking or not tracking.isascii() or not tracking.isalnum():
            raise _rejected("21004012", "The tracking number contains special characters.")
        if not 6 <= len(tracking) <= 32:
            raise _rejected("21011022", "The tracking number is invalid.")

    def _check_provider(self, order: FakeTikTokOrder, provider_id: str) -> None:
        if provider_id not in {p.provider_id for p in self.providers.get(order.delivery_option_id, ())}:
            raise _rejected("21011022", "The shipping provider is invalid for the delivery option.")

    def _shipped_lines(self, order: FakeTikTokOrder) -> list[str]:
        return [
            line
            for package_id in order.packages
            if self.packages[package_id].package.status is not PackageStatus.TO_FULFILL
            for line in self.packages[package_id].package.line_item_ids
        ]

    def _unshipped(self, order: FakeTikTokOrder) -> tuple[str, ...]:
        shipped = set(self._shipped_lines(order))
        return tuple(line for line in order.line_item_ids if line not in shipped)

    def _new_package(
        self,
        order: FakeTikTokOrder,
        lines: tuple[str, ...],
        status: PackageStatus,
        tracking: str = "",
        provider_id: str = "",
    ) -> TikTokPackage:
        package = TikTokPackage(
            package_id=str(next(self._ids)),
            order_ids=(order.order_id,),
            line_item_ids=lines,
            status=status,
            shipping_type=order.shipping_type,
            tracking_number=tracking,
            shipping_provider_id=provider_id,
            delivery_option_id=order.delivery_option_id,
        )
        shipped_at = None if status is PackageStatus.TO_FULFILL else self._clock.now()
        self.packages[package.package_id] = _FakePackage(package, shipped_at)
        order.packages.append(package.package_id)
        return package

    def _after_shipping(self, order: FakeTikTokOrder) -> None:
        order.status = "AWAITING_COLLECTION" if not self._unshipped(order) else "PARTIALLY_SHIPPING"


@dataclass
class _FakeShoplineOrder:
    lines: list[ShoplineLineItem]
    fulfillments: list[ShoplineFulfillment] = field(default_factory=list)


class FakeShoplineFulfillmentApi(FaultInjection):
    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self._clock = clock
        self.orders: dict[tuple[str, ShoplineOrderId], _FakeShoplineOrder] = {}
        self._ids = itertools.count(9_100_001)

    def add_order(
        self, store_handle: str, order_id: ShoplineOrderId, lines: Sequence[ShoplineLineItem]
    ) -> None:
        self.orders[(store_handle, order_id)] = _FakeShoplineOrder(list(lines))

    async def order_line_items(
        self, credentials: ShoplineCredentials, order_id: ShoplineOrderId
    ) -> list[ShoplineLineItem]:
        self._call("order_line_items")
        return list(self._order(credentials, order_id).lines)

    async def create_fulfillment(
        self, credentials: ShoplineCredentials, order_id: ShoplineOrderId, fulfillment: NewFulfillment
    ) -> ShoplineFulfillment:
        self._call("create_fulfillment")
        order = self._order(credentials, order_id)
        if not fulfillment.lines:
            raise PartnerRejected(SHOPLINE, "400", "line_items is required")
        by_id = {line.line_item_id: line for line in order.lines}
        for wanted in fulfillment.lines:
            line = by_id.get(wanted.line_item_id)
            if line is None or not 0 < wanted.quantity <= line.fulfillable_quantity:
                raise PartnerRejected(SHOPLINE, "400", "line item quantity exceeds the fulfillable quantity")
        order.lines = [
            replace(
                line, fulfillable_quantity=line.fulfillable_quantity - self._quantity(fulfillment.lines, line)
            )
            for line in order.lines
        ]
        created = ShoplineFulfillment(
            fulfillment_id=str(next(self._ids)),
            order_id=order_id,
            status="success",
            lines=fulfillment.lines,
            tracking=fulfillment.tracking,
            updated_at=self._clock.now(),
        )
        order.fulfillments.append(created)
        return created

    async def fulfillments(
        self, credentials: ShoplineCredentials, order_id: ShoplineOrderId
    ) -> list[ShoplineFulfillment]:
        self._call("fulfillments")
        return list(self._order(credentials, order_id).fulfillments)

    async def update_fulfillment_tracking(
        self,
        credentials: ShoplineCredentials,
        order_id: ShoplineOrderId,
        fulfillment_id: str,
        tracking: Sequence[TrackingInfo],
    ) -> ShoplineFulfillment:
        self._call("update_fulfillment_tracking")
        return self._replace(credentials, order_id, fulfillment_id, tracking=tuple(tracking))

    async def cancel_fulfillment(
        self, credentials: ShoplineCredentials, order_id: ShoplineOrderId, fulfillment_id: str
    ) -> ShoplineFulfillment:
        self._call("cancel_fulfillment")
        order = self._order(credentials, order_id)
        current = self._find(order, fulfillment_id)
        if current.status == "cancelled":
            raise PartnerRejected(SHOPLINE, "400", "the fulfillment is already cancelled")
        order.lines = [
            replace(
                line, fulfillable_quantity=line.fulfillable_quantity + self._quantity(current.lines, line)
            )
            for line in order.lines
        ]
        return self._replace(credentials, order_id, fulfillment_id, status="cancelled")

    def _replace(
        self,
        credentials: ShoplineCredentials,
        order_id: ShoplineOrderId,
        fulfillment_id: str,
        **changes: object,
    ) -> ShoplineFulfillment:
        order = self._order(credentials, order_id)
        current = self._find(order, fulfillment_id)
        changed = replace(current, updated_at=self._clock.now(), **changes)  # type: ignore[arg-type]
        order.fulfillments[order.fulfillments.index(current)] = changed
        return changed

    @staticmethod
    def _quantity(lines: Sequence[FulfillmentLine], line: ShoplineLineItem) -> int:
        return sum(wanted.quantity for wanted in lines if wanted.line_item_id == line.line_item_id)

    @staticmethod
    def _find(order: _FakeShoplineOrder, fulfillment_id: str) -> ShoplineFulfillment:
        for fulfillment in order.fulfillments:
            if fulfillment.fulfillment_id == fulfillment_id:
                return fulfillment
        raise PartnerRejected(SHOPLINE, "404", "fulfillment not found")

    def _order(self, credentials: ShoplineCredentials, order_id: ShoplineOrderId) -> _FakeShoplineOrder:
        order = self.orders.get((credentials.store_handle, order_id))
        if order is None:
            raise PartnerRejected(SHOPLINE, "404", "order not found")
        return order
