"""Catalog rules: one link per SKU, auto-link by exact SKU code, price rules in minor units."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.catalog import ChannelProduct, LinkKind, VariantSkuIndex
from domain.channel import ChannelProductData, ChannelSkuData, SalesAttribute
from domain.errors import (
    ChannelSkuNotFound,
    CurrencyMismatch,
    InvalidPriceRule,
    PriceCurrencyMismatch,
    PriceNotPositive,
)
from domain.events import SkuLinked, SkuUnlinked
from domain.ids import AppId, ChannelProductId, ChannelSkuId, ShoplineVariantId
from domain.money import Money
from domain.pricing import ExchangeRate, PriceRule
from tests.unit.builders import SHOP, T0, at

V1, V2, V3 = ShoplineVariantId("v1"), ShoplineVariantId("v2"), ShoplineVariantId("v3")


def product(*seller_skus: str, price: str = "10.00") -> ChannelProduct:
    skus = tuple(
        ChannelSkuData(ChannelSkuId(f"s{i}"), code, Money.of(price, "USD"))
        for i, code in enumerate(seller_skus)
    )
    data = ChannelProductData(ChannelProductId("p1"), "Socks", "ACTIVATE", T0, skus)
    return ChannelProduct.synced(AppId("app"), SHOP, data)


def sku(p: ChannelProduct, sku_id: str) -> LinkKind | None:
    link = p.sku(ChannelSkuId(sku_id)).link
    return None if link is None else link.kind


def test_auto_link_matches_the_exact_trimmed_sku_code() -> None:
    p = product("  RED-01 ", "red-01", "BLUE")
    report = p.auto_link(VariantSkuIndex([(V1, "RED-01"), (V2, " BLUE\t")]), T0)
    assert report.linked == ["s0", "s2"]
    assert report.unmatched == ["s1"]  # case-sensitive
    assert p.linked_variants() == {"s0": "v1", "s2": "v2"}
    assert sku(p, "s0") is LinkKind.AUTO


def test_auto_link_skips_skus_shared_by_several_variants() -> None:
    p = product("DUP")
    report = p.auto_link(VariantSkuIndex([(V1, "DUP"), (V2, "DUP ")]), T0)
    assert report.ambiguous == ["s0"]
    assert p.linked_variants() == {}


def test_blank_sku_codes_never_match() -> None:
    p = product("  ")
    report = p.auto_link(VariantSkuIndex([(V1, ""), (V2, " ")]), T0)
    assert report.unmatched == ["s0"]


def test_auto_link_never_overrides_a_manual_link() -> None:
    p = product("RED")
    p.link_sku(ChannelSkuId("s0"), V3, T0)
    report = p.auto_link(VariantSkuIndex([(V1, "RED")]), at(hours=1))
    assert report.already_linked == ["s0"]
    assert p.linked_variants() == {"s0": "v3"}
    assert sku(p, "s0") is LinkKind.MANUAL


def test_a_sku_links_to_at_most_one_variant() -> None:
    p = product("RED")
    p.link_sku(ChannelSkuId("s0"), V1, T0)
    p.link_sku(ChannelSkuId("s0"), V2, at(hours=1))
    assert p.linked_variants() == {"s0": "v2"}
    assert p.pull_events() == [
        SkuLinked(SHOP, ChannelProductId("p1"), ChannelSkuId("s0"), V1, True),
        SkuUnlinked(SHOP, ChannelProductId("p1"), ChannelSkuId("s0"), V1),
        SkuLinked(SHOP, ChannelProductId("p1"), ChannelSkuId("s0"), V2, True),
    ]


def test_a_variant_may_serve_many_skus() -> None:
    p = product("A", "B")
    p.link_sku(ChannelSkuId("s0"), V1, T0)
    p.link_sku(ChannelSkuId("s1"), V1, T0)
    assert p.linked_variants() == {"s0": "v1", "s1": "v1"}


def test_unknown_skus_cannot_be_linked_and_are_named_in_full() -> None:
    with pytest.raises(ChannelSkuNotFound) as caught:
        product("A").link_sku(ChannelSkuId("nope"), V1, T0)
    assert caught.value.resource_name == f"apps/app/shops/{SHOP}/products/p1/skus/nope"


def test_sync_keeps_links_of_remaining_skus_and_drops_removed_ones() -> None:
    p = product("A", "B")
    p.link_sku(ChannelSkuId("s0"), V1, T0)
    p.link_sku(ChannelSkuId("s1"), V2, T0)
    p.pull_events()
    newer = ChannelProductData(
        ChannelProductId("p1"),
        "Socks 2",
        "ACTIVATE",
        at(hours=1),
        (ChannelSkuData(ChannelSkuId("s0"), "A", None),),
    )
    assert p.apply_sync(newer)
    assert p.linked_variants() == {"s0": "v1"}
    assert p.pull_events() == [SkuUnlinked(SHOP, ChannelProductId("p1"), ChannelSkuId("s1"), V2)]
    assert not p.apply_sync(newer)


RED, SMALL = SalesAttribute("Color", "Red"), SalesAttribute("Size", "S")


def detail(*attributes: tuple[SalesAttribute, ...] | None, update=T0) -> ChannelProductData:  # type: ignore[no-untyped-def]
    skus = tuple(
        ChannelSkuData(ChannelSkuId(f"s{i}"), code, None, attributes=found)
        for i, (code, found) in enumerate(zip("AB", attributes, strict=False))
    )
    return ChannelProductData(ChannelProductId("p1"), "Socks", "ACTIVATE", update, skus)


def test_sales_attributes_are_unknown_after_a_search_and_taken_from_get_product() -> None:
    p = product("A", "B")
    assert p.needs_attributes and p.sku(ChannelSkuId("s0")).attributes is None
    assert p.record_attributes(detail((RED, SMALL), None))
    # Get Product leaves the list out for a SKU without attributes: it has none.
    assert p.sku(ChannelSkuId("s0")).attributes == (RED, SMALL)
    assert p.sku(ChannelSkuId("s1")).attributes == ()
    assert not p.needs_attributes
    assert not p.record_attributes(detail((RED, SMALL), ()))


def test_a_newer_search_result_makes_the_attributes_unknown_again_but_keeps_links() -> None:
    p = product("A", "B")
    p.record_attributes(detail((RED,), (SMALL,)))
    p.link_sku(ChannelSkuId("s0"), V1, T0)
    assert p.apply_sync(detail(None, None, update=at(hours=1)))
    assert p.needs_attributes and p.linked_variants() == {"s0": "v1"}
    assert p.apply_sync(detail((SMALL,), None, update=at(hours=2)))
    assert p.sku(ChannelSkuId("s0")).attributes == (SMALL,)


def test_a_sku_missing_from_get_product_shows_no_attributes() -> None:
    p = product("A", "B")
    assert p.record_attributes(detail((RED,)))
    assert p.sku(ChannelSkuId("s1")).attributes == ()


# --- price rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "currency", "markup", "fixed", "expected"),
    [
        ("10.00", "USD", "0.15", "0", "11.50"),
        ("9.99", "USD", "0.05", "0", "10.49"),  # 10.4895 rounds half-up
        ("0.125", "USD", "0", "0", "0.13"),  # half-up, not banker's
        ("1000", "JPY", "0.125", "0", "1125"),
        ("1001", "JPY", "0.1", "0.5", "1102"),  # 1101.6 -> 1102
        ("999", "JPY", "0.0005", "0", "999"),  # 999.4995 stays below the half
        ("999", "JPY", "0.0006", "0", "1000"),  # 999.5994
        ("1.005", "GBP", "0", "0", "1.01"),
    ],
)
def test_price_rule_rounds_half_up_in_minor_units(
    source: str, currency: str, markup: str, fixed: str, expected: str
) -> None:
    rule = PriceRule(currency, Decimal(markup), Decimal(fixed))
    assert rule.apply(Money.of(source, currency)) == Money.of(expected, currency)
    assert str(rule.apply(Money.of(source, currency)).amount) == expected


def test_price_rule_refuses_another_currency_without_a_rate() -> None:
    with pytest.raises(PriceCurrencyMismatch) as raised:
        PriceRule("USD").apply(Money.of("1000", "JPY"))
    assert raised.value.metadata()["source_currency"] == "JPY"


def test_price_rule_converts_first_with_a_rate() -> None:
    rule = PriceRule("USD", Decimal("0.10"), Decimal("1"), ExchangeRate("JPY", "USD", Decimal("0.0067")))
    # 1500 JPY * 0.0067 = 10.05 USD; * 1.10 = 11.055; + 1 = 12.055 -> 12.06
    assert rule.apply(Money.of("1500", "JPY")) == Money.of("12.06", "USD")
    with pytest.raises(PriceCurrencyMismatch):
        rule.apply(Money.of("10", "GBP"))


def test_price_rule_validation() -> None:
    with pytest.raises(InvalidPriceRule):
        PriceRule("USD", Decimal("-1"))
    with pytest.raises(InvalidPriceRule):
        PriceRule("USD", exchange_rate=ExchangeRate("JPY", "GBP", Decimal("0.005")))
    with pytest.raises(PriceNotPositive):
        PriceRule("USD", fixed=Decimal("-20")).apply(Money.of("10", "USD"))


def test_money_refuses_cross_currency_arithmetic_and_comparison() -> None:
    with pytest.raises(CurrencyMismatch):
        Money.of("1", "USD") + Money.of("1", "GBP")
    with pytest.raises(CurrencyMismatch):
        _ = Money.of("1", "USD") < Money.of("1", "GBP")
    assert Money.of("1", "USD") != Money.of("1", "GBP")


def _half_up(value: Fraction, digits: int) -> Fraction:
    """Round half away from zero on exact fractions, independently of ``decimal``."""
    scale = 10**digits
    scaled = abs(value) * scale
    whole = math.floor(scaled)
    if scaled - whole >= Fraction(1, 2):
        whole += 1
    return Fraction(whole if value >= 0 else -whole, scale)


@given(
    source=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000"), places=2),
    markup=st.decimals(min_value=Decimal("-0.5"), max_value=Decimal("3"), places=4),
    fixed=st.decimals(min_value=Decimal("0"), max_value=Decimal("50"), places=2),
    currency=st.sampled_from(["USD", "GBP", "SGD", "MYR", "JPY"]),
)
def test_price_rule_agrees_with_exact_arithmetic(
    source: Decimal, markup: Decimal, fixed: Decimal, currency: str
) -> None:
    digits = 0 if currency == "JPY" else 2
    expected = _half_up(Fraction(source) * (1 + Fraction(markup)) + Fraction(fixed), digits)
    rule = PriceRule(currency, markup, fixed)
    if expected <= 0:
        with pytest.raises(PriceNotPositive):
            rule.apply(Money(source, currency))
        return
    price = rule.apply(Money(source, currency))
    assert Fraction(price.amount) == expected
    assert -price.amount.as_tuple().exponent == digits  # type: ignore[operator]
