"""Value types exchanged with the partner ports (TikTok Shop and SHOPLINE).

Adapters translate wire formats into these; nothing here knows about HTTP or JSON. Money is
exact, times are timezone-aware, ids are strings, and tokens are ``Secret``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Generic, TypeVar

from domain.ids import (
    ChannelProductId,
    ChannelSkuId,
    OrderId,
    ShoplineCustomerId,
    ShoplineOrderId,
    ShoplineVariantId,
    TikTokShopId,
)
from domain.logistics import LineShipment, OrderLogistics, RecipientAddress, ShoplineAddress
from domain.money import Money
from domain.secret import Secret

T = TypeVar("T")

TIKTOK = "tiktok"
SHOPLINE = "shopline"


@dataclass(frozen=True)
class ResultPage(Generic[T]):
    """One page of a partner search; ``total_count`` is the partner's count for the whole search."""

    items: tuple[T, ...]
    total_count: int


@dataclass(frozen=True)
class TimeWindow:
    """``start`` inclusive, ``end`` exclusive."""

    start: datetime
    end: datetime


# --- TikTok ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShopCredentials:
    """What every shop-scoped TikTok call needs."""

    shop_cipher: str
    access_token: Secret


@dataclass(frozen=True)
class AuthorizedShop:
    """One entry of Get Authorized Shops; ``region`` is TikTok's raw two-letter code."""

    tiktok_shop_id: TikTokShopId
    cipher: str
    region: str
    seller_type: str
    name: str
    code: str = ""


@dataclass(frozen=True)
class WarehouseQuantity:
    warehouse_id: str
    quantity: int


@dataclass(frozen=True)
class SalesAttribute:
    """One sales attribute of a TikTok SKU, e.g. ``Color`` = ``Red``."""

    name: str
    value: str


@dataclass(frozen=True)
class ChannelSkuData:
    sku_id: ChannelSkuId
    seller_sku: str
    price: Money | None
    inventory: tuple[WarehouseQuantity, ...] = ()
    attributes: tuple[SalesAttribute, ...] | None = None
    """None when the response did not carry them: only Get Product does, search results do not."""


@dataclass(frozen=True)
class ChannelProductData:
    product_id: ChannelProductId
    title: str
    status: str
    update_time: datetime
    skus: tuple[ChannelSkuData, ...]


@dataclass(frozen=True)
class InventoryUpdate:
    """Absolute sellable quantities for one SKU, listing every warehouse of the SKU."""

    sku_id: ChannelSkuId
    quantities: tuple[WarehouseQuantity, ...]


@dataclass(frozen=True)
class PriceUpdate:
    sku_id: ChannelSkuId
    price: Money


@dataclass(frozen=True)
class ItemFailure:
    """A per-item failure inside an otherwise successful batch call."""

    item_ref: str
    code: str
    message: str


@dataclass(frozen=True)
class TikTokLineItem:
    """TikTok sends one line item per unit."""

    line_item_id: str
    sku_id: ChannelSkuId
    product_id: ChannelProductId
    seller_sku: str
    product_name: str
    sku_name: str
    sale_price: Money
    original_price: Money | None = None
    """The unit's price before seller and platform discounts; None when TikTok left it out."""


@dataclass(frozen=True)
class BuyerInfo:
    """Buyer data as TikTok gives it (already masked); no more than the order needs."""

    user_id: str = ""
    email: str = ""
    name: str = ""
    phone: str = field(default="", repr=False)
    """The recipient phone, masked by TikTok (e.g. ``(+1)213*****12``); kept out of reprs and logs."""

    def updated_by(self, newer: BuyerInfo) -> BuyerInfo:
        """What a later snapshot tells; fields TikTok withholds there (sent empty) keep their value."""
        return BuyerInfo(
            user_id=newer.user_id or self.user_id,
            email=newer.email or self.email,
            name=newer.name or self.name,
            phone=newer.phone or self.phone,
        )


@dataclass(frozen=True)
class TikTokOrderData:
    order_id: OrderId
    status: str
    """TikTok's raw status (``CANCEL`` is accepted as ``CANCELLED``)."""
    create_time: datetime
    update_time: datetime
    currency: str
    total: Money
    line_items: tuple[TikTokLineItem, ...]
    buyer: BuyerInfo = BuyerInfo()
    subtotal: Money | None = None
    """Products at original prices (TikTok ``original_total_product_price``); None when absent."""
    seller_discount: Money | None = None
    platform_discount: Money | None = None
    shipping_fee: Money | None = None
    tax: Money | None = None
    paid_time: datetime | None = None
    cancel_reason: str = ""
    cancel_time: datetime | None = None
    recipient: RecipientAddress = field(default_factory=RecipientAddress)
    """Empty while TikTok withholds it (UNPAID, ON_HOLD)."""
    logistics: OrderLogistics = field(default_factory=OrderLogistics)
    line_shipments: tuple[LineShipment, ...] = ()
    """Per line item (one unit each): its package and tracking, as far as TikTok tells them."""
    package_ids: tuple[str, ...] = ()
    """``packages[].id``; in the US and UK empty until a package is shipped."""


class CancellationStatus(Enum):
    PENDING = "CANCELLATION_REQUEST_PENDING"
    SUCCESS = "CANCELLATION_REQUEST_SUCCESS"
    CANCELLED = "CANCELLATION_REQUEST_CANCEL"
    COMPLETE = "CANCELLATION_REQUEST_COMPLETE"

    @classmethod
    def parse(cls, text: str) -> CancellationStatus:
        return cls.CANCELLED if text == "CANCELLATION_REQUEST_CANCELLED" else cls(text)


@dataclass(frozen=True)
class TikTokCancellation:
    cancel_id: str
    order_id: OrderId
    cancel_type: str
    status: CancellationStatus
    role: str
    reason: str
    create_time: datetime
    update_time: datetime
    response_deadline: datetime | None = None

    @property
    def pending_buyer_request(self) -> bool:
        """A buyer's request still waiting for the seller's answer (the doc samples spell the
        buyer's type two ways, so the role decides as well)."""
        by_buyer = self.role == "BUYER" or self.cancel_type == "BUYER_CANCEL"
        return self.status is CancellationStatus.PENDING and by_buyer


@dataclass(frozen=True)
class Warehouse:
    warehouse_id: str
    name: str
    type: str
    effect_status: str
    is_default: bool


# --- SHOPLINE -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShoplineCredentials:
    store_handle: str
    access_token: Secret


@dataclass(frozen=True)
class ShoplineVariant:
    variant_id: ShoplineVariantId
    product_id: str
    sku: str
    title: str
    price: Money
    inventory_item_id: str
    updated_at: datetime


@dataclass(frozen=True)
class InventoryLevel:
    inventory_item_id: str
    location_id: str
    variant_id: ShoplineVariantId
    available: int
    updated_at: datetime


@dataclass(frozen=True)
class ShoplineLocation:
    location_id: str
    name: str
    active: bool
    is_default: bool


@dataclass(frozen=True)
class ShoplineOrderLine:
    """A variant line, or a custom item when ``variant_id`` is None."""

    variant_id: ShoplineVariantId | None
    title: str
    quantity: int
    unit_price: Money
    location_id: str | None = None


@dataclass(frozen=True)
class NoteAttribute:
    """One ``note_attributes[]`` entry of a SHOPLINE order."""

    name: str
    value: str = field(repr=False)


@dataclass(frozen=True)
class NewShoplineOrder:
    channel_marker: str
    """Identifies the channel order inside SHOPLINE, so a lost reply can be found again."""
    name: str
    currency: str
    lines: tuple[ShoplineOrderLine, ...]
    total: Money
    buyer: BuyerInfo = BuyerInfo()
    paid: bool = True
    shipping_address: ShoplineAddress | None = None
    """Where the order goes, as TikTok gives it (masked under TikTok's logistics)."""
    note_attributes: tuple[NoteAttribute, ...] = ()
    """Shown to the merchant on the order: the buyer's message, delivery option and SLA times."""
    buyer_note: str = field(default="", repr=False)
    decrement_stock: bool = True
    """False for orders TikTok fulfills from its own warehouses: SHOPLINE's stock never held them."""
    customer_id: ShoplineCustomerId | None = None
    """The SHOPLINE customer the order is created with (the app syncs customers); None: none."""


@dataclass(frozen=True)
class ShoplineOrderRef:
    order_id: ShoplineOrderId
    channel_marker: str | None
    status: str
    updated_at: datetime
