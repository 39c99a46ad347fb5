"""Shipping facts exchanged with the partners: how a TikTok order is fulfilled, where it goes,
its packages, TikTok's carriers and delivery options, and SHOPLINE's fulfillments.

Values only (fulfillment-and-webhooks.md Parts T, S, M); the order's own fulfillment state is
built on them elsewhere. Buyer data (names, phones, addresses) stays out of reprs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum

from domain.ids import ShoplineOrderId


class FulfillmentType(Enum):
    """Who fulfills the order (T1)."""

    BY_SELLER = "FULFILLMENT_BY_SELLER"
    BY_TIKTOK = "FULFILLMENT_BY_TIKTOK"
    BY_DILAYANI_TOKOPEDIA = "FULFILLMENT_BY_DILAYANI_TOKOPEDIA"


class ShippingType(Enum):
    """For orders the seller fulfills: whose carrier takes the package (T1)."""

    TIKTOK = "TIKTOK"
    SELLER = "SELLER"


@dataclass(frozen=True)
class AddressPart:
    """One level of TikTok's ``district_info`` (country, state, city, ...)."""

    level_name: str
    name: str


@dataclass(frozen=True)
class RecipientAddress:
    """``recipient_address`` as TikTok gives it: masked ("desensitized") under TikTok's logistics.

    Buyer data: never logged, never in error messages."""

    name: str = field(default="", repr=False)
    first_name: str = field(default="", repr=False)
    last_name: str = field(default="", repr=False)
    phone: str = field(default="", repr=False)
    full_address: str = field(default="", repr=False)
    address_detail: str = field(default="", repr=False)
    address_lines: tuple[str, ...] = field(default=(), repr=False)
    """``address_line1`` .. ``address_line4`` in order, trailing empty ones dropped."""
    postal_code: str = field(default="", repr=False)
    region_code: str = ""
    districts: tuple[AddressPart, ...] = field(default=(), repr=False)
    post_town: str = field(default="", repr=False)
    """UK only."""

    @property
    def empty(self) -> bool:
        """TikTok withholds the address while the order is UNPAID or ON_HOLD."""
        return not (self.full_address or self.address_detail or self.address_lines or self.name)


@dataclass(frozen=True)
class OrderLogistics:
    """How and when a TikTok order must ship (Get Order Detail, §3.8)."""

    fulfillment_type: FulfillmentType = FulfillmentType.BY_SELLER
    shipping_type: ShippingType | None = None
    """None for orders TikTok fulfills."""
    delivery_option_id: str = ""
    delivery_option_name: str = ""
    delivery_type: str = ""
    warehouse_id: str = ""
    buyer_message: str = field(default="", repr=False)
    rts_sla_time: datetime | None = None
    """Ready-to-ship deadline: the order must reach AWAITING_COLLECTION by then."""
    tts_sla_time: datetime | None = None
    shipping_due_time: datetime | None = None
    collection_due_time: datetime | None = None
    delivery_due_time: datetime | None = None
    has_updated_recipient_address: bool = False

    @property
    def fulfilled_by_tiktok(self) -> bool:
        return self.fulfillment_type is not FulfillmentType.BY_SELLER


@dataclass(frozen=True)
class LineShipment:
    """What Get Order Detail says of one line item (one unit) and its package."""

    line_item_id: str
    package_id: str = ""
    package_status: str = ""
    tracking_number: str = ""
    shipping_provider_id: str = ""
    shipping_provider_name: str = ""


# --- TikTok fulfillment and logistics API ------------------------------------------------------


class PackageStatus(Enum):
    """Package status (T4); order lines add ``TO_FULFILL`` (also spelled ``TO FULFILL``)."""

    TO_FULFILL = "TO_FULFILL"
    PROCESSING = "PROCESSING"
    FULFILLING = "FULFILLING"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"

    @classmethod
    def parse(cls, text: str) -> PackageStatus:
        return cls(text.replace(" ", "_"))


@dataclass(frozen=True)
class TikTokPackage:
    """Get Package Detail (T3.1), the parts the connector uses."""

    package_id: str
    order_ids: tuple[str, ...]
    line_item_ids: tuple[str, ...]
    status: PackageStatus
    shipping_type: ShippingType | None
    tracking_number: str = ""
    shipping_provider_id: str = ""
    shipping_provider_name: str = ""
    delivery_option_id: str = ""
    handover_method: str = ""
    update_time: datetime | None = None


@dataclass(frozen=True)
class ShippedPackage:
    """Mark Package As Shipped's answer (T3.5); ``warning`` is TikTok's US tracking-number warning."""

    order_id: str
    package_id: str
    line_item_ids: tuple[str, ...]
    warning: str = ""


@dataclass(frozen=True)
class DeliveryOption:
    """Get Warehouse Delivery Options (T3.8)."""

    delivery_option_id: str
    name: str
    type: str
    """``STANDARD``, ``EXPRESS``, ``ECONOMY`` or ``SEND_BY_SELLER``."""


@dataclass(frozen=True)
class ShippingProvider:
    """Get Shipping Providers (T3.9): the carriers TikTok accepts for one delivery option."""

    provider_id: str
    name: str


class HandoverMethod(Enum):
    PICKUP = "PICKUP"
    DROP_OFF = "DROP_OFF"


@dataclass(frozen=True)
class PickupSlot:
    start_time: datetime
    end_time: datetime
    available: bool = True


@dataclass(frozen=True)
class HandoverOptions:
    """Get Package Handover Time Slots (T3.11)."""

    can_pickup: bool
    can_drop_off: bool
    pickup_slots: tuple[PickupSlot, ...] = ()
    drop_off_point_url: str = ""


@dataclass(frozen=True)
class SelfShipment:
    """Seller shipping through Ship Package (SEA, LATAM): both fields required (T3.3)."""

    tracking_number: str
    shipping_provider_id: str


class DocumentType(Enum):
    SHIPPING_LABEL = "SHIPPING_LABEL"
    PACKING_SLIP = "PACKING_SLIP"
    SHIPPING_LABEL_AND_PACKING_SLIP = "SHIPPING_LABEL_AND_PACKING_SLIP"
    SHIPPING_LABEL_PICTURE = "SHIPPING_LABEL_PICTURE"


@dataclass(frozen=True)
class ShippingDocument:
    """A label's address, valid 24 hours (T3.10)."""

    url: str
    tracking_number: str


@dataclass(frozen=True)
class TrackingEvent:
    description: str
    time: datetime


@dataclass(frozen=True)
class ParcelSize:
    """Weight and dimensions for US label purchase (T3.12); numbers travel as strings."""

    weight: Decimal
    weight_unit: str
    """``GRAM`` or ``POUND``."""
    length: Decimal
    width: Decimal
    height: Decimal
    dimension_unit: str
    """``CM`` or ``INCH``."""


@dataclass(frozen=True)
class ShippingService:
    """Get Eligible Shipping Service (T3.12)."""

    service_id: str
    name: str
    shipping_provider_id: str
    shipping_provider_name: str
    is_default: bool = False


# --- SHOPLINE fulfillments ---------------------------------------------------------------------


@dataclass(frozen=True)
class TrackingInfo:
    tracking_company: str
    tracking_number: str
    tracking_url: str = ""


@dataclass(frozen=True)
class FulfillmentLine:
    """A SHOPLINE order line item (``id`` of the line snapshot) and how many of its units."""

    line_item_id: str
    quantity: int


@dataclass(frozen=True)
class NewFulfillment:
    lines: tuple[FulfillmentLine, ...]
    tracking: tuple[TrackingInfo, ...]
    notify_customer: bool = False


@dataclass(frozen=True)
class ShoplineFulfillment:
    """A fulfillment of a SHOPLINE order (S3), as created or as its webhook tells it."""

    fulfillment_id: str
    order_id: ShoplineOrderId
    status: str
    """``success`` or ``cancelled``."""
    lines: tuple[FulfillmentLine, ...]
    tracking: tuple[TrackingInfo, ...]
    shipment_status: str = ""
    updated_at: datetime | None = None


@dataclass(frozen=True)
class ShoplineLineItem:
    """A line of a SHOPLINE order, to map its fulfillments back to TikTok line items."""

    line_item_id: str
    variant_id: str
    sku: str
    quantity: int
    fulfillable_quantity: int


@dataclass(frozen=True)
class ShoplineAddress:
    """A SHOPLINE order's ``shipping_address`` (order create and update, B3). Buyer data: kept out
    of reprs and logs."""

    first_name: str = field(default="", repr=False)
    last_name: str = field(default="", repr=False)
    phone: str = field(default="", repr=False)
    email: str = field(default="", repr=False)
    address1: str = field(default="", repr=False)
    address2: str = field(default="", repr=False)
    area: str = field(default="", repr=False)
    """District or county."""
    city: str = field(default="", repr=False)
    province: str = field(default="", repr=False)
    country: str = ""
    country_code: str = ""
    zip: str = field(default="", repr=False)
