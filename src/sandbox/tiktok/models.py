"""Compact in-memory records of the TikTok simulator (slots dataclasses; rendered to JSON on read)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Shop:
    id: str
    cipher: str
    code: str
    name: str
    region: str
    currency: str
    seller_type: str
    warehouse_ids: tuple[str, ...]


@dataclass(slots=True)
class Sku:
    id: str
    product_id: str
    seller_sku: str
    sale_price: str
    color: str
    inventory: dict[str, int]


@dataclass(slots=True)
class Product:
    id: str
    title: str
    status: str
    create_time: int
    update_time: int
    sku_ids: list[str]


@dataclass(slots=True)
class Order:
    id: str
    create_time: int
    update_time: int
    status: str
    unit_sku_ids: tuple[str, ...]  # one entry per unit: TikTok sends one line item per unit
    unit_prices: tuple[str, ...]  # sale price of each unit when the order was placed
    buyer_user_id: str
    shipping_fee: str
    warehouse_id: str
    paid_time: int | None = None
    is_buyer_request_cancel: bool = False
    request_cancel_time: int | None = None
    cancel_reason: str | None = None
    cancel_time: int | None = None
    cancellation_initiator: str | None = None
    tracking_number: str | None = None
    # Shipping facts (fulfillment-and-webhooks T1); None takes the shop's default rule
    # (sandbox.tiktok.logistics).
    fulfillment_type: str = "FULFILLMENT_BY_SELLER"
    shipping_type: str | None = None
    delivery_option_id: str | None = None
    # The buyer's note, and the address the buyer changed to (None: the generated one).
    buyer_message: str = ""
    recipient_change: dict[str, str] | None = None
    has_updated_recipient_address: bool = False


@dataclass(slots=True)
class Package:
    """A TikTok package (T3.1): some line items (one unit each) of one order, shipped together."""

    id: str
    order_id: str
    line_item_ids: tuple[str, ...]
    status: str  # TO_FULFILL, PROCESSING, FULFILLING, COMPLETED, CANCELLED
    shipping_type: str
    delivery_option_id: str
    create_time: int
    update_time: int
    tracking_number: str = ""
    shipping_provider_id: str = ""
    shipping_provider_name: str = ""
    handover_method: str = ""
    pickup_slot: tuple[int, int] | None = None
    shipped_time: int | None = None
    info_updates: int = 0
    tracking_events: list[tuple[str, int]] = field(default_factory=list)  # (description, ms)


@dataclass(slots=True)
class Cancellation:
    id: str
    order_id: str
    cancel_type: str
    status: str
    role: str
    reason: str
    reason_text: str
    create_time: int
    update_time: int
    deadline: int | None = None


@dataclass(slots=True)
class ReturnRequest:
    """A buyer's return, refund or replacement request on some units of an order (reference §4.3)."""

    id: str
    order_id: str
    return_type: str
    status: str
    role: str
    unit_indexes: tuple[int, ...]  # which units of the order (positions in `Order.unit_sku_ids`)
    reason: str
    reason_text: str
    create_time: int
    update_time: int
    idempotency_keys: set[str] = field(default_factory=set)


@dataclass(slots=True)
class ShopData:
    """Catalog and orders of one shop; `version` changes on every write (search caches key on it)."""

    products: dict[str, Product] = field(default_factory=dict)
    skus: dict[str, Sku] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)
    cancellations: dict[str, Cancellation] = field(default_factory=dict)
    returns: dict[str, ReturnRequest] = field(default_factory=dict)
    webhooks: dict[str, tuple[str, int, int]] = field(default_factory=dict)  # event_type -> address, times
    packages: dict[str, Package] = field(default_factory=dict)
    package_ids_by_order: dict[str, list[str]] = field(default_factory=dict)
    version: int = 0
