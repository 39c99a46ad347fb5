"""The money of an order: products before discounts, discounts, shipping and tax."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from domain.channel import TikTokOrderData
from domain.errors import MixedCurrencyOrder
from domain.money import Money
from domain.order.lines import OrderLine


@lru_cache(maxsize=64)
def _zero(currency: str) -> Money:
    return Money.zero(currency)


@dataclass(frozen=True)
class OrderAmounts:
    """The money of an order in its currency: products before discounts, discounts, fees."""

    subtotal: Money
    """Products at original prices (gross sales)."""
    discount: Money
    """Seller plus platform discounts on products, as a positive amount."""
    shipping_fee: Money
    tax: Money

    @property
    def net(self) -> Money:
        """Products after discounts; shipping and tax excluded."""
        return self.subtotal - self.discount

    @classmethod
    def zero(cls, currency: str) -> OrderAmounts:
        nothing = _zero(currency)
        return cls(nothing, nothing, nothing, nothing)

    @classmethod
    def of(cls, data: TikTokOrderData, lines: tuple[OrderLine, ...]) -> OrderAmounts:
        """TikTok's payment breakdown, completed from the lines where TikTok left fields out."""
        currency = data.currency
        subtotal = data.subtotal
        if subtotal is None:
            gross = sum(((line.original_subtotal or line.subtotal).amount for line in lines), Decimal(0))
            subtotal = Money(gross, currency)
        zero = _zero(currency)
        if data.seller_discount is None and data.platform_discount is None:
            sold = sum((line.subtotal.amount for line in lines), Decimal(0))
            discount = Money(max(subtotal.amount - sold, Decimal(0)), currency)
        elif data.platform_discount is None or data.seller_discount is None:
            discount = data.seller_discount or data.platform_discount or zero
        else:
            discount = data.seller_discount + data.platform_discount
        amounts = cls(
            subtotal=subtotal,
            discount=discount,
            shipping_fee=data.shipping_fee or zero,
            tax=data.tax or zero,
        )
        for part in (amounts.subtotal, amounts.discount, amounts.shipping_fee, amounts.tax):
            if part.currency != currency:
                raise MixedCurrencyOrder(data.order_id, f"{currency}, {part.currency}")
        return amounts
