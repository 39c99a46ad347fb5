"""Compact in-memory records of the SHOPLINE simulator."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Location:
    id: str
    name: str
    is_default: bool


@dataclass(slots=True)
class Variant:
    id: str
    product_id: str
    inventory_item_id: str
    sku: str
    price: str
    option1: str
    inventory_policy: str = "deny"
    inventory_tracker: bool = True
    created_at: int = 0
    updated_at: int = 0


@dataclass(slots=True)
class Product:
    id: str
    title: str
    handle: str
    status: str
    created_at: int
    updated_at: int
    variant_ids: list[str]


@dataclass(slots=True)
class OrderLine:
    id: str
    variant_id: str | None
    product_id: str | None
    sku: str | None
    title: str
    price: str
    quantity: int
    location_id: str | None
    decremented: bool
    discount: str = "0"  # allocated to this line (store-native orders; imports carry none)


@dataclass(slots=True)
class Fulfillment:
    """A shipment of some units of an order (fulfillment-and-webhooks S3)."""

    id: str
    name: str  # "#1001.1"
    status: str  # success | cancelled
    lines: list[tuple[str, int]]  # (line item id, quantity)
    tracking: list[dict[str, str]]  # {tracking_company, tracking_number, tracking_url}
    created_at: int
    updated_at: int
    shipment_status: str | None = None


@dataclass(slots=True)
class Order:
    id: str
    name: str
    created_at: int
    updated_at: int
    currency: str
    financial_status: str
    fulfillment_status: str
    lines: list[OrderLine]
    payload: dict[str, Any]  # the remaining fields as sent (customer, addresses, notes, tags …)
    status: str = "open"
    cancelled_at: int | None = None
    cancel_reason: str | None = None
    fulfillments: list[Fulfillment] = field(default_factory=list)
    refunds: list[dict[str, Any]] = field(default_factory=list)  # rendered refunds, oldest first


def line_item_id(order_id: str, index: int) -> str:
    """An order line's id: an int64 (S3), unique through the order id's counter digits."""
    return f"1{order_id[-15:]}{index + 1:03d}"


@dataclass(slots=True)
class Customer:
    id: str
    email: str | None
    phone: str | None
    first_name: str
    last_name: str
    note: str
    tags: str
    created_at: int
    updated_at: int
    orders_count: int = 0


@dataclass(slots=True)
class Store:
    handle: str
    id: str
    currency: str
    locations: dict[str, Location] = field(default_factory=dict)
    products: dict[str, Product] = field(default_factory=dict)
    variants: dict[str, Variant] = field(default_factory=dict)
    variant_by_item: dict[str, str] = field(default_factory=dict)
    levels: dict[tuple[str, str], int] = field(default_factory=dict)  # (inventory_item_id, location_id)
    level_updated: dict[tuple[str, str], int] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)
    webhooks: dict[str, dict[str, Any]] = field(default_factory=dict)
    next_order_number: int = 1001
    customers: dict[str, Customer] = field(default_factory=dict)

    @property
    def default_location_id(self) -> str:
        return next(loc.id for loc in self.locations.values() if loc.is_default)
