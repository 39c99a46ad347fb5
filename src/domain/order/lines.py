"""An order's lines: TikTok's one-item-per-unit lines grouped by SKU, and the lines still holding stock."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from domain.channel import TikTokLineItem
from domain.errors import MixedCurrencyOrder
from domain.ids import ChannelProductId, ChannelSkuId, OrderId, ShopId
from domain.money import Money


@dataclass(frozen=True)
class OrderLine:
    """All units of one SKU in the order."""

    sku_id: ChannelSkuId
    product_id: ChannelProductId
    seller_sku: str
    title: str
    quantity: int
    subtotal: Money
    """Exact sum of the units' sale prices."""
    line_item_ids: tuple[str, ...]
    original_subtotal: Money | None = None
    """Exact sum of the units' original prices; None when TikTok did not send them."""
    product_name: str = ""
    """TikTok's product name at order time; empty for lines stored before it was kept apart."""
    sku_name: str = ""
    """TikTok's SKU name at order time (e.g. ``Red, M``); empty when TikTok sent none."""


@dataclass(frozen=True)
class OpenOrderLine:
    """A line of an order that still holds stock: reserved, neither released nor committed.

    Whichever pool the line's SKU is linked to holds exactly these units for the order."""

    shop_id: ShopId
    order_id: OrderId
    sku_id: ChannelSkuId
    quantity: int


def aggregate_lines(
    order_id: OrderId, currency: str, items: Iterable[TikTokLineItem]
) -> tuple[OrderLine, ...]:
    """Groups TikTok's one-item-per-unit lines by SKU, summing prices exactly."""
    grouped: dict[ChannelSkuId, list[TikTokLineItem]] = {}
    for item in items:
        if item.sale_price.currency != currency:
            raise MixedCurrencyOrder(order_id, f"{currency}, {item.sale_price.currency}")
        grouped.setdefault(item.sku_id, []).append(item)
    lines = []
    for sku_id, units in grouped.items():
        # Summed as Decimals (the currencies are checked): this runs for every order of an import.
        subtotal = sum((unit.sale_price.amount for unit in units), Decimal(0))
        original_sum = Decimal(0)
        original: Decimal | None = None
        for unit in units:
            price = unit.original_price
            if price is None:
                break
            if price.currency != currency:
                raise MixedCurrencyOrder(order_id, f"{currency}, {price.currency}")
            original_sum += price.amount
        else:
            original = original_sum
        first = units[0]
        title = f"{first.product_name} - {first.sku_name}" if first.sku_name else first.product_name
        lines.append(
            OrderLine(
                sku_id=sku_id,
                product_id=first.product_id,
                seller_sku=first.seller_sku.strip(),
                title=title,
                quantity=len(units),
                subtotal=Money(subtotal, currency),
                line_item_ids=tuple(u.line_item_id for u in units),
                original_subtotal=None if original is None else Money(original, currency),
                product_name=first.product_name,
                sku_name=first.sku_name,
            )
        )
    return tuple(sorted(lines, key=lambda line: line.sku_id))
