"""Where an order stands: its TikTok status and the lifecycle sets, its stock effect, an update's outcome."""

from __future__ import annotations

from enum import Enum

from domain.errors import InvalidOrderData


class OrderStatus(Enum):
    UNPAID = "UNPAID"
    ON_HOLD = "ON_HOLD"
    AWAITING_SHIPMENT = "AWAITING_SHIPMENT"
    PARTIALLY_SHIPPING = "PARTIALLY_SHIPPING"
    AWAITING_COLLECTION = "AWAITING_COLLECTION"
    IN_TRANSIT = "IN_TRANSIT"
    DELIVERED = "DELIVERED"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"

    @classmethod
    def parse(cls, text: str) -> OrderStatus:
        if text == "CANCEL":  # the webhook spelling
            return cls.CANCELLED
        try:
            return cls(text)
        except ValueError:
            raise InvalidOrderData("status", f"{text!r} is not a TikTok order status") from None

    @property
    def terminal(self) -> bool:
        return self in _TERMINAL


_TERMINAL = frozenset({OrderStatus.CANCELLED, OrderStatus.COMPLETED})
LIFECYCLE = list(OrderStatus)
"""Statuses in the order an order passes them; CANCELLED may follow any of them."""
# Statuses in which the goods are still in the warehouse: a first sighting reserves stock.
STOCK_HOLDING = frozenset(
    {
        OrderStatus.UNPAID,
        OrderStatus.ON_HOLD,
        OrderStatus.AWAITING_SHIPMENT,
        OrderStatus.PARTIALLY_SHIPPING,
        OrderStatus.AWAITING_COLLECTION,
    }
)
# From AWAITING_SHIPMENT on the order is paid, past the buyer's free-cancel window, and has an address.
IMPORTABLE = frozenset(
    {
        OrderStatus.AWAITING_SHIPMENT,
        OrderStatus.PARTIALLY_SHIPPING,
        OrderStatus.AWAITING_COLLECTION,
        OrderStatus.IN_TRANSIT,
        OrderStatus.DELIVERED,
        OrderStatus.COMPLETED,
    }
)
SELLER_CANCELLABLE = frozenset(
    {OrderStatus.UNPAID, OrderStatus.ON_HOLD, OrderStatus.AWAITING_SHIPMENT, OrderStatus.AWAITING_COLLECTION}
)


class StockState(Enum):
    """Which stock effect the order last asked for."""

    NONE = "NONE"
    RESERVED = "RESERVED"
    RELEASED = "RELEASED"
    COMMITTED = "COMMITTED"


class UpdateOutcome(Enum):
    APPLIED = "APPLIED"
    DUPLICATE = "DUPLICATE"
    """Same ``update_time`` as held: nothing to do."""
    STALE = "STALE"
    """Older than what we hold: ignored."""
