"""Exact money: a ``Decimal`` amount with an ISO 4217 currency; no floats, no mixed currencies."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from domain.errors import CurrencyMismatch, InvalidMoney, quoted

# Currencies priced in whole units; every other currency uses two decimals.
ZERO_DECIMAL_CURRENCIES = frozenset({"JPY", "KRW", "VND"})


def minor_unit_digits(currency: str) -> int:
    return 0 if currency in ZERO_DECIMAL_CURRENCIES else 2


_CHECKED_CODES: set[str] = set()
"""Codes already found well-formed: bulk imports build millions of amounts in a few currencies."""


def check_currency_code(currency: str) -> str:
    if currency in _CHECKED_CODES:
        return currency
    if len(currency) != 3 or not currency.isascii() or not currency.isalpha() or not currency.isupper():
        raise InvalidMoney("currency", f"{quoted(currency)} is not an ISO 4217 currency code")
    if len(_CHECKED_CODES) < 1024:
        _CHECKED_CODES.add(currency)
    return currency


@dataclass(frozen=True, order=False)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal) or isinstance(self.amount, bool):
            raise InvalidMoney("amount", "must be a Decimal, never a float")
        if not self.amount.is_finite():
            raise InvalidMoney("amount", "must be a finite number")
        check_currency_code(self.currency)

    @classmethod
    def of(cls, amount: str | int | Decimal, currency: str) -> Money:
        """Parse a partner's decimal string (``"121.11"``) or an integer exactly."""
        if isinstance(amount, float | bool):
            raise InvalidMoney("amount", "must be a decimal string, int or Decimal, never a float")
        try:
            value = Decimal(amount)
        except (InvalidOperation, ValueError):
            raise InvalidMoney("amount", f"{quoted(amount)} is not a decimal number") from None
        return cls(value, currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    def _same_currency(self, other: Money) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatch("money", f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def times(self, factor: Decimal | int) -> Money:
        if isinstance(factor, float | bool):
            raise InvalidMoney("factor", "must be a Decimal or int, never a float")
        return Money(self.amount * factor, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount >= other.amount

    def rounded(self, rounding: str = ROUND_HALF_UP) -> Money:
        """Rounded to the currency's minor unit (half-up unless a ``decimal`` rounding mode is given)."""
        exponent = Decimal(1).scaleb(-minor_unit_digits(self.currency))
        return Money(self.amount.quantize(exponent, rounding=rounding), self.currency)

    def is_positive(self) -> bool:
        return self.amount > 0

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
