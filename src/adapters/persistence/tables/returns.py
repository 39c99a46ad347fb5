"""TikTok returns of orders and their SHOPLINE refunds (``domain.returns``)."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Index, Integer, String, Table, Text

from adapters.persistence.column_types import UtcDateTime, ordered_key
from adapters.persistence.tables.schema import metadata, shop_reference

# 0020_order_returns. Lines travel with their return: [{sku_id, seller_sku, quantity,
# refund_total (decimal string or null), currency, order_line_item_ids}]; the refund breakdown is
# {currency, total, subtotal, shipping_fee, tax} as decimal strings, or null.
order_returns = Table(
    "order_returns",
    metadata,
    shop_reference(primary_key=True),
    Column("return_id", ordered_key(), primary_key=True),
    Column("app_id", ordered_key(), nullable=False),
    Column("order_id", ordered_key(), nullable=False),
    Column("return_type", String(32), nullable=False),
    Column("status", String(48), nullable=False),
    Column("role", String(16), nullable=False),
    Column("lines", JSON, nullable=False),
    Column("refund", JSON, nullable=True),
    Column("reason", Text, nullable=False),
    Column("create_time", UtcDateTime, nullable=False),
    Column("update_time", UtcDateTime, nullable=False),
    Column("first_seen_at", UtcDateTime, nullable=False),
    Column("refund_state", String(16), nullable=False),
    Column("shopline_refund_id", String(64), nullable=True),
    Column("restocked", Boolean, nullable=False),
    Column("refunded_at", UtcDateTime, nullable=True),
    # While a refunder makes the SHOPLINE refund, no other may start (until this time).
    Column("refund_claimed_until", UtcDateTime, nullable=True),
    Column("version", Integer, nullable=False),
    # A shop's returns newest first, and one order's returns.
    Index("ix_order_returns_listing", "shop_id", "create_time", "return_id"),
    Index("ix_order_returns_order", "shop_id", "order_id"),
)
