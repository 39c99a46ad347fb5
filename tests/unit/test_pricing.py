"""Price rules: rounding modes in the currency's minor units, limits, conversion."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.errors import InvalidPriceRule, PriceCurrencyMismatch, PriceNotPositive
from domain.money import Money
from domain.pricing import ExchangeRate, PriceRounding, PriceRule


def usd(amount: str) -> Money:
    return Money(Decimal(amount), "USD")


@pytest.mark.parametrize(
    ("source", "rounding", "expected"),
    [
        ("12.345", PriceRounding.HALF_UP, "12.35"),
        ("12.345", PriceRounding.HALF_EVEN, "12.34"),
        ("12.355", PriceRounding.HALF_EVEN, "12.36"),
        ("12.341", PriceRounding.UP, "12.35"),
        ("12.349", PriceRounding.DOWN, "12.34"),
        ("12.340", PriceRounding.UP, "12.34"),
    ],
)
def test_each_rounding_mode_rounds_to_cents(source: str, rounding: PriceRounding, expected: str) -> None:
    assert PriceRule("USD", rounding=rounding).apply(usd(source)) == usd(expected)


@pytest.mark.parametrize(
    ("rounding", "expected"),
    [(PriceRounding.HALF_UP, "1505"), (PriceRounding.HALF_EVEN, "1504"), (PriceRounding.UP, "1505")],
)
def test_zero_decimal_currencies_round_to_whole_units(rounding: PriceRounding, expected: str) -> None:
    rule = PriceRule("JPY", markup=Decimal("0.5"), rounding=rounding)
    assert rule.apply(Money(Decimal("1003"), "JPY")) == Money(Decimal(expected), "JPY")  # 1504.5


def test_markup_then_fixed_amount_after_conversion() -> None:
    rule = PriceRule(
        "GBP",
        markup=Decimal("0.10"),
        fixed=Decimal("-0.50"),
        exchange_rate=ExchangeRate("SGD", "GBP", Decimal("0.58")),
        rounding=PriceRounding.UP,
    )
    # 10 SGD -> 5.80 GBP -> 6.38 -> 5.88
    assert rule.apply(Money(Decimal("10"), "SGD")) == Money(Decimal("5.88"), "GBP")
    with pytest.raises(PriceCurrencyMismatch):
        rule.apply(Money(Decimal("10"), "MYR"))
    with pytest.raises(PriceNotPositive):
        PriceRule("USD", fixed=Decimal("-20")).apply(usd("10"))


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: PriceRule("USD", markup=Decimal("-1")), "markup"),
        (lambda: PriceRule("USD", markup=Decimal("100.01")), "markup"),
        (lambda: PriceRule("USD", markup=Decimal("0.1234567")), "markup"),
        (lambda: ExchangeRate("SGD", "USD", Decimal("0.12345678901")), "exchange_rate"),
        (lambda: ExchangeRate("SGD", "USD", Decimal("0")), "exchange_rate"),
        (lambda: PriceRule("USD", exchange_rate=ExchangeRate("SGD", "GBP", Decimal("1"))), "exchange_rate"),
    ],
)
def test_rule_limits_name_the_field(build, field: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidPriceRule) as caught:
        build()
    assert caught.value.field == field


def test_markup_limits_are_inclusive_of_100_and_six_digits() -> None:
    assert PriceRule("USD", markup=Decimal("100")).apply(usd("1")) == usd("101")
    assert PriceRule("USD", markup=Decimal("0.123456")).markup == Decimal("0.123456")
