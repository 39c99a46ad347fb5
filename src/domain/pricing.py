"""Price rules: the TikTok price derived from a SHOPLINE price."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.errors import InvalidPriceRule, PriceCurrencyMismatch, PriceNotPositive
from domain.money import Money, check_currency_code


@dataclass(frozen=True)
class ExchangeRate:
    """One unit of ``source`` buys ``rate`` units of ``target``."""

    source: str
    target: str
    rate: Decimal

    def __post_init__(self) -> None:
        check_currency_code(self.source)
        check_currency_code(self.target)
        if not isinstance(self.rate, Decimal) or not self.rate.is_finite() or self.rate <= 0:
            raise InvalidPriceRule("exchange_rate", "must be a positive Decimal")


@dataclass(frozen=True)
class PriceRule:
    """``round(source * (1 + markup) + fixed)`` in the target currency's minor units, half-up.

    ``markup`` is a fraction (``Decimal("0.15")`` is +15 %); ``fixed`` is in the target currency.
    A source in another currency is converted first, and only with a configured rate.
    """

    target_currency: str
    markup: Decimal = Decimal(0)
    fixed: Decimal = Decimal(0)
    exchange_rate: ExchangeRate | None = None

    def __post_init__(self) -> None:
        check_currency_code(self.target_currency)
        for name in ("markup", "fixed"):
            value = getattr(self, name)
            if not isinstance(value, Decimal) or not value.is_finite():
                raise InvalidPriceRule(name, "must be a finite Decimal")
        if self.markup <= -1:
            raise InvalidPriceRule("markup", "must be greater than -1 (a price cannot drop by 100 % or more)")
        if self.exchange_rate is not None and self.exchange_rate.target != self.target_currency:
            raise InvalidPriceRule("exchange_rate", "must convert into the rule's target currency")

    def apply(self, source: Money) -> Money:
        base = self._in_target_currency(source)
        price = Money(base.amount * (1 + self.markup) + self.fixed, self.target_currency).rounded()
        if not price.is_positive():
            raise PriceNotPositive(
                "price_rule", f"the rule turns {source} into {price}, which is not a positive price"
            )
        return price

    def _in_target_currency(self, source: Money) -> Money:
        if source.currency == self.target_currency:
            return source
        rate = self.exchange_rate
        if rate is None or rate.source != source.currency:
            raise PriceCurrencyMismatch(source.currency, self.target_currency)
        return Money(source.amount * rate.rate, self.target_currency)
