"""Price rules: the TikTok price derived from a SHOPLINE price."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal
from enum import Enum

from domain.errors import InvalidPriceRule, PriceCurrencyMismatch, PriceNotPositive, PriceOutOfRange
from domain.money import Money, check_currency_code

MAX_MARKUP = Decimal(100)
MARKUP_DIGITS = 6
RATE_DIGITS = 10
MAX_EXCHANGE_RATE = Decimal(1_000_000)
"""Far above any pair of real currencies (1 USD is about 25,000 VND); callers are held to it."""
MAX_FIXED_AMOUNT = Decimal(1_000_000_000)
"""The largest fixed amount a rule may add or subtract, in the target currency."""


class PriceRounding(Enum):
    """How a computed price is rounded to the target currency's minor units."""

    HALF_UP = "HALF_UP"
    """Half away from zero: 12.345 → 12.35."""
    HALF_EVEN = "HALF_EVEN"
    """Half to even: 12.345 → 12.34."""
    UP = "UP"
    """Away from zero: 12.341 → 12.35."""
    DOWN = "DOWN"
    """Towards zero: 12.349 → 12.34."""

    @property
    def decimal_mode(self) -> str:
        return _DECIMAL_MODES[self]


_DECIMAL_MODES = {
    PriceRounding.HALF_UP: ROUND_HALF_UP,
    PriceRounding.HALF_EVEN: ROUND_HALF_EVEN,
    PriceRounding.UP: ROUND_UP,
    PriceRounding.DOWN: ROUND_DOWN,
}


def _fraction_digits(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


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
        if _fraction_digits(self.rate) > RATE_DIGITS:
            raise InvalidPriceRule("exchange_rate", f"must have at most {RATE_DIGITS} fractional digits")


@dataclass(frozen=True)
class PriceRule:
    """``round(source * rate * (1 + markup) + fixed)`` in the target currency's minor units.

    ``markup`` is a fraction (``Decimal("0.15")`` is +15 %); ``fixed`` is in the target currency.
    A source in another currency is converted first, and only with a configured rate. A disabled
    rule still computes target prices; it only stops prices being pushed. ``auto_sync`` pushes
    changed SHOPLINE prices as soon as SHOPLINE reports them, without waiting for a price sync.
    """

    target_currency: str
    markup: Decimal = Decimal(0)
    fixed: Decimal = Decimal(0)
    exchange_rate: ExchangeRate | None = None
    rounding: PriceRounding = PriceRounding.HALF_UP
    enabled: bool = True
    auto_sync: bool = False

    @property
    def syncs_automatically(self) -> bool:
        return self.enabled and self.auto_sync

    def __post_init__(self) -> None:
        check_currency_code(self.target_currency)
        for name in ("markup", "fixed"):
            value = getattr(self, name)
            if not isinstance(value, Decimal) or not value.is_finite():
                raise InvalidPriceRule(name, "must be a finite Decimal")
        if self.markup <= -1:
            raise InvalidPriceRule("markup", "must be greater than -1 (a price cannot drop by 100 % or more)")
        if self.markup > MAX_MARKUP:
            raise InvalidPriceRule("markup", f"must be at most {MAX_MARKUP} (+10000 %)")
        if _fraction_digits(self.markup) > MARKUP_DIGITS:
            raise InvalidPriceRule("markup", f"must have at most {MARKUP_DIGITS} fractional digits")
        if self.exchange_rate is not None and self.exchange_rate.target != self.target_currency:
            raise InvalidPriceRule("exchange_rate", "must convert into the rule's target currency")
        if not isinstance(self.rounding, PriceRounding):
            raise InvalidPriceRule("rounding", "must be a PriceRounding")

    def apply(self, source: Money) -> Money:
        try:
            base = self._in_target_currency(source)
            price = Money(base.amount * (1 + self.markup) + self.fixed, self.target_currency).rounded(
                self.rounding.decimal_mode
            )
        except ArithmeticError:
            # decimal's InvalidOperation or Overflow: more digits than a price can have.
            raise PriceOutOfRange(
                "price_rule", f"the rule turns {source} into an amount too large for {self.target_currency}"
            ) from None
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
