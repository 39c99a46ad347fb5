"""A return as TikTok's Return & Refund API reports it (Search Returns, reference §4.3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.ids import ChannelSkuId, OrderId
from domain.money import Money


@dataclass(frozen=True)
class RefundAmount:
    """TikTok's ``refund_amount``: what the buyer gets back, in the order's currency."""

    total: Money
    subtotal: Money
    shipping_fee: Money
    tax: Money


@dataclass(frozen=True)
class TikTokReturnLineItem:
    """One returned unit: TikTok lists one return line item per unit, like order line items."""

    return_line_item_id: str
    order_line_item_id: str
    sku_id: ChannelSkuId
    seller_sku: str
    refund_total: Money | None = None


@dataclass(frozen=True)
class TikTokReturnData:
    return_id: str
    order_id: OrderId
    return_type: str
    status: str
    role: str
    line_items: tuple[TikTokReturnLineItem, ...]
    refund: RefundAmount | None
    create_time: datetime
    update_time: datetime
    reason: str = ""
    """TikTok's reason text (``return_reason_text``), shown to the seller."""
