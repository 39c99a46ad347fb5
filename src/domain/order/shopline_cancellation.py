"""A cancellation the merchant made in SHOPLINE on an imported order, and what became of it on TikTok.

TikTok owns the order's state (reference fulfillment M1), so a SHOPLINE cancel is a request to
cancel on TikTok as the seller; TikTok lets the seller cancel only early in the lifecycle, and
at AWAITING_COLLECTION only in the US (reference fulfillment T2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from domain.order.status import OrderStatus

_SELLER_CANCELLABLE_EVERYWHERE = frozenset(
    {OrderStatus.UNPAID, OrderStatus.ON_HOLD, OrderStatus.AWAITING_SHIPMENT}
)
_SELLER_CANCELLABLE_MARKETS_AT_COLLECTION = frozenset({"US"})


def seller_cancellable(status: OrderStatus, region: str) -> bool:
    """Whether TikTok lets the seller cancel a whole order in ``status`` in the market ``region``."""
    if status in _SELLER_CANCELLABLE_EVERYWHERE:
        return True
    return status is OrderStatus.AWAITING_COLLECTION and region in _SELLER_CANCELLABLE_MARKETS_AT_COLLECTION


def seller_cancellable_statuses(region: str) -> tuple[OrderStatus, ...]:
    return tuple(status for status in OrderStatus if seller_cancellable(status, region))


class ShoplineCancellationState(Enum):
    NONE = "NONE"
    """The merchant has not cancelled the order in SHOPLINE (or it was our own echo)."""
    PENDING = "PENDING"
    """Cancelled in SHOPLINE; the cancellation on TikTok is owed (a retry is safe)."""
    CANCELLED_ON_TIKTOK = "CANCELLED_ON_TIKTOK"
    NOT_CANCELLABLE = "NOT_CANCELLABLE"
    """TikTok's rules do not let the seller cancel the order now; nothing was sent."""
    REFUSED = "REFUSED"
    """TikTok refused the cancellation; its code and message are kept."""


@dataclass(frozen=True)
class ShoplineCancellation:
    state: ShoplineCancellationState = ShoplineCancellationState.NONE
    cancelled_at: datetime | None = None
    """When the merchant cancelled the SHOPLINE order."""
    reason: str = ""
    """Why the order could not be cancelled on TikTok (NOT_CANCELLABLE, REFUSED)."""
    partner_code: str = ""
    partner_message: str = ""
    cancel_id: str = ""
    """TikTok's cancel id once the order is cancelled there."""
    resolved_at: datetime | None = None

    @property
    def requested(self) -> bool:
        return self.state is not ShoplineCancellationState.NONE

    @property
    def owed(self) -> bool:
        return self.state is ShoplineCancellationState.PENDING
