"""Order: a TikTok order as we hold it, its cancellation and its import into SHOPLINE.

The aggregate lives in ``aggregate`` (its stored state in ``fields``); its value types are split by
concern: ``status``, ``lines``, ``amounts``, ``cancellation``, ``shopline_cancellation``, ``imports``
and ``listing``.
"""

from domain.order.aggregate import Order
from domain.order.amounts import OrderAmounts
from domain.order.cancellation import Cancellation, CancellationState
from domain.order.imports import PLATFORM, ImportKey, ImportLine, ImportState, ImportStatus
from domain.order.lines import OpenOrderLine, OrderLine, aggregate_lines
from domain.order.listing import OrderFilter, newest_first_position, parse_newest_first_position
from domain.order.shopline_cancellation import (
    ShoplineCancellation,
    ShoplineCancellationState,
    seller_cancellable,
)
from domain.order.status import (
    IMPORTABLE,
    SELLER_CANCELLABLE,
    STOCK_HOLDING,
    OrderStatus,
    StockState,
    UpdateOutcome,
)

__all__ = [
    "IMPORTABLE",
    "PLATFORM",
    "SELLER_CANCELLABLE",
    "STOCK_HOLDING",
    "Cancellation",
    "CancellationState",
    "ImportKey",
    "ImportLine",
    "ImportState",
    "ImportStatus",
    "OpenOrderLine",
    "Order",
    "OrderAmounts",
    "OrderFilter",
    "OrderLine",
    "OrderStatus",
    "ShoplineCancellation",
    "ShoplineCancellationState",
    "StockState",
    "UpdateOutcome",
    "aggregate_lines",
    "newest_first_position",
    "parse_newest_first_position",
    "seller_cancellable",
]
