"""TikTok replies as port results: malformed data and closed-product refusals become domain errors."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from adapters.tiktok import mapping
from adapters.tiktok.transport import PARTNER
from domain.errors import ChannelProductClosed, PartnerRejected

T = TypeVar("T")


def mapped(convert: Callable[[Any], T], raw: Any, request_id: str = "") -> T:
    try:
        return convert(raw)
    except (mapping.MalformedResponse, AttributeError, KeyError, TypeError, ValueError) as exc:
        raise PartnerRejected(PARTNER, "malformed_response", str(exc), request_id) from None


PRODUCT_STATUS_INVALID = "12019113"
"""TikTok refuses stock and price updates of a frozen or deleted product (reference §3.5, §3.6)."""


@contextlib.contextmanager
def closed_product_refusals() -> Iterator[None]:
    try:
        yield
    except PartnerRejected as error:
        if error.code != PRODUCT_STATUS_INVALID:
            raise
        raise ChannelProductClosed(
            error.partner, error.code, error.partner_message, error.request_id
        ) from None
