"""The SHOPLINE side of a return: the imported order's line items and its refunds (reference B3)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.ids import ShoplineOrderId, ShoplineVariantId


@dataclass(frozen=True)
class ShoplineOrderItem:
    """A line item of a SHOPLINE order as SHOPLINE numbers it."""

    line_item_id: str
    variant_id: ShoplineVariantId | None
    title: str
    quantity: int
    location_id: str | None = None


@dataclass(frozen=True)
class ShoplineRefundLine:
    line_item_id: str
    quantity: int
    restock: bool
    location_id: str | None = None


@dataclass(frozen=True)
class NewShoplineRefund:
    order_id: ShoplineOrderId
    marker: str
    """Identifies the refund inside SHOPLINE (its note), so a lost reply can be found again."""
    currency: str
    lines: tuple[ShoplineRefundLine, ...]


@dataclass(frozen=True)
class ShoplineRefund:
    refund_id: str
    order_id: ShoplineOrderId
    note: str
    lines: tuple[ShoplineRefundLine, ...]
