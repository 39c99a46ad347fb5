"""The SHOPLINE store's own orders, read for analytics (migration 0006_analytics)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from adapters.persistence.column_types import UtcDateTime, ordered_key
from adapters.persistence.tables.schema import metadata

# The SHOPLINE store's own paid orders (never those imported from a channel). Amounts are exact
# integers x 10^4 in the order currency, so reports sum them in the database without rounding.
store_orders = Table(
    "store_orders",
    metadata,
    Column("app_id", ordered_key(), ForeignKey("apps.id", ondelete="CASCADE"), primary_key=True),
    Column("order_id", ordered_key(), primary_key=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("cancelled", Boolean, nullable=False),
    Column("unit_count", Integer, nullable=False),
    Column("gross_e4", BigInteger, nullable=False),
    Column("discount_e4", BigInteger, nullable=False),
    Column("net_e4", BigInteger, nullable=False),
    Column("buyer_key", String(255), nullable=False),
    Index("ix_store_orders_app_id_created_at", "app_id", "created_at"),
    Index("ix_store_orders_app_id_buyer_key_created_at", "app_id", "buyer_key", "created_at"),
)

store_order_lines = Table(
    "store_order_lines",
    metadata,
    Column("app_id", ordered_key(), primary_key=True),
    Column("order_id", ordered_key(), primary_key=True),
    Column("line_no", Integer, primary_key=True),
    Column("variant_id", String(64), nullable=True),
    Column("title", Text, nullable=False),
    Column("sku", String(255), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("net_e4", BigInteger, nullable=False),
    ForeignKeyConstraint(
        ["app_id", "order_id"],
        ["store_orders.app_id", "store_orders.order_id"],
        name="fk_store_order_lines_order",
        ondelete="CASCADE",
    ),
    Index("ix_store_order_lines_app_id_variant_id", "app_id", "variant_id"),
)

# How far each app's store orders have been read (their newest `updated_at` seen, committed).
store_order_sync = Table(
    "store_order_sync",
    metadata,
    Column("app_id", ordered_key(), ForeignKey("apps.id", ondelete="CASCADE"), primary_key=True),
    Column("synced_until", UtcDateTime, nullable=False),
)
