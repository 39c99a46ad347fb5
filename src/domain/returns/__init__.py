"""Returns and refunds: TikTok's return requests of an order and their refund in SHOPLINE.

The aggregate lives in ``aggregate``; TikTok's vocabulary in ``status``; what TikTok reports in
``data``; listing criteria in ``listing``.
"""

from domain.returns.aggregate import OrderReturn, RefundLine, RefundState, ReturnLine, aggregate_return_lines
from domain.returns.data import RefundAmount, TikTokReturnData, TikTokReturnLineItem
from domain.returns.listing import ReturnFilter, newest_first_position, parse_newest_first_position
from domain.returns.status import (
    REFUNDED_ON_TIKTOK,
    REFUNDING_TYPES,
    TERMINAL,
    ReturnRole,
    ReturnStatus,
    ReturnType,
    SellerAction,
    seller_action,
)

__all__ = [
    "REFUNDED_ON_TIKTOK",
    "REFUNDING_TYPES",
    "TERMINAL",
    "OrderReturn",
    "RefundAmount",
    "RefundLine",
    "RefundState",
    "ReturnFilter",
    "ReturnLine",
    "ReturnRole",
    "ReturnStatus",
    "ReturnType",
    "SellerAction",
    "TikTokReturnData",
    "TikTokReturnLineItem",
    "aggregate_return_lines",
    "newest_first_position",
    "parse_newest_first_position",
    "seller_action",
]
