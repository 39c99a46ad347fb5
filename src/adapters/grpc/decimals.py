"""Decimal strings from requests (markups, rates, money amounts): plain notation, bounded.

Only ``-123.45``-shaped text is taken: no exponent (``1e999999`` is finite, yet no price computed
from it can be rounded), no NaN or infinity, and a bounded number of digits on each side, so every
value accepted here can be stored, multiplied and rounded without leaving ``Decimal``'s precision.
"""

from __future__ import annotations

import re
from decimal import Decimal

from domain.errors import InvalidArgument, quoted

_DECIMAL_TEXT = re.compile(r"-?([0-9]+)(?:\.([0-9]+))?")


def bounded_decimal(
    text: str, field: str, *, maximum: Decimal, fraction_digits: int, example: str = "0.15"
) -> Decimal:
    """``text`` as a Decimal whose magnitude is at most ``maximum``, with at most ``fraction_digits``
    digits after the point; else ``InvalidArgument`` naming ``field``."""
    matched = _DECIMAL_TEXT.fullmatch(text)
    if matched is None:
        raise InvalidArgument(field, f'{quoted(text)} is not a decimal number like "{example}"')
    if len(matched[2] or "") > fraction_digits:
        raise InvalidArgument(field, f"must have at most {fraction_digits} fractional digits")
    # Leading zeros aside, more integer digits than the maximum has means too large: no need to parse.
    if len(matched[1].lstrip("0")) > len(str(int(maximum))) or abs(value := Decimal(text)) > maximum:
        raise InvalidArgument(field, f"must be at most {maximum} in magnitude")
    return value
