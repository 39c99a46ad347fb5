"""Region currencies and exact decimal price strings (reference TikTok §7)."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

REGION_CURRENCY: dict[str, str] = {
    "US": "USD",
    "GB": "GBP",
    "SG": "SGD",
    "MY": "MYR",
    "JP": "JPY",
    "ID": "IDR",
    "TH": "THB",
    "PH": "PHP",
    "VN": "VND",
    "MX": "MXN",
    "BR": "BRL",
    "DE": "EUR",
    "FR": "EUR",
    "IT": "EUR",
    "ES": "EUR",
    "IE": "EUR",
    "CZ": "CZK",
    "HU": "HUF",
    "PL": "PLN",
}

# Currencies quoted in whole units (VND and IDR per the reference; JPY and HUF have no minor unit in use).
ZERO_DECIMAL_CURRENCIES = frozenset({"JPY", "VND", "IDR", "HUF"})

# Rough USD conversion rates, only so generated prices look plausible per region.
USD_RATES: dict[str, Decimal] = {
    "USD": Decimal("1"),
    "GBP": Decimal("0.79"),
    "SGD": Decimal("1.35"),
    "MYR": Decimal("4.7"),
    "JPY": Decimal("150"),
    "IDR": Decimal("15500"),
    "THB": Decimal("36"),
    "PHP": Decimal("56"),
    "VND": Decimal("24000"),
    "MXN": Decimal("17"),
    "BRL": Decimal("5"),
    "EUR": Decimal("0.92"),
    "CZK": Decimal("23"),
    "HUF": Decimal("360"),
    "PLN": Decimal("4"),
}

_TWO_PLACES = Decimal("0.01")
_WHOLE = Decimal("1")
_PRICE_TEXT = re.compile(r"^(0|[1-9]\d{0,8})(\.\d{1,2})?$")
_WHOLE_PRICE_TEXT = re.compile(r"^(0|[1-9]\d{0,11})$")


def quantize(amount: Decimal, currency: str) -> Decimal:
    step = _WHOLE if currency in ZERO_DECIMAL_CURRENCIES else _TWO_PLACES
    return amount.quantize(step, rounding=ROUND_HALF_UP)


def format_amount(amount: Decimal, currency: str) -> str:
    return str(quantize(amount, currency))


def convert_from_usd(usd: Decimal, currency: str) -> str:
    return format_amount(usd * USD_RATES.get(currency, Decimal("1")), currency)


def is_valid_price_text(text: object, currency: str) -> bool:
    if not isinstance(text, str):
        return False
    pattern = _WHOLE_PRICE_TEXT if currency in ZERO_DECIMAL_CURRENCIES else _PRICE_TEXT
    return bool(pattern.match(text)) and Decimal(text) > 0


def add_amounts(amounts: list[str], currency: str) -> str:
    return format_amount(sum((Decimal(a) for a in amounts), Decimal("0")), currency)
