"""Inventory pools with their reservations and linked SKUs, and the stock each linked SKU should show."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from adapters.persistence.column_types import UtcDateTime, ordered_key
from adapters.persistence.tables.schema import metadata, shop_reference

inventory_pools = Table(
    "inventory_pools",
    metadata,
    Column("id", ordered_key(), primary_key=True),
    Column("app_id", ordered_key(), ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("variant_id", String(64), nullable=False),
    Column("on_hand", Integer, nullable=False),
    Column("on_hand_version", UtcDateTime, nullable=True),
    Column("safety_stock", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    # 0004_inventory: units ever committed, and figures derived from the pool on every write so
    # pools can be filtered in SQL (oversold, low stock, unlinked).
    Column("committed", Integer, nullable=False, server_default="0"),
    Column("held", Integer, nullable=False, server_default="0"),
    Column("available", Integer, nullable=False, server_default="0"),
    Column("oversold", Integer, nullable=False, server_default="0"),
    Column("linked_sku_count", Integer, nullable=False, server_default="0"),
    UniqueConstraint("app_id", "variant_id", name="uq_inventory_pools_app_id_variant_id"),
    Index("ix_inventory_pools_app_id_id", "app_id", "id"),
)

pool_reservations = Table(
    "pool_reservations",
    metadata,
    Column("pool_id", ordered_key(), ForeignKey("inventory_pools.id", ondelete="CASCADE"), primary_key=True),
    shop_reference(primary_key=True),
    Column("order_id", ordered_key(), primary_key=True),
    Column("sku_id", ordered_key(), primary_key=True),
    Column("quantity", Integer, nullable=False),
    Column("state", String(16), nullable=False),
    Column("reserved_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime, nullable=True),  # 0004_inventory
    Index("ix_pool_reservations_shop_id", "shop_id"),
    Index("ix_pool_reservations_shop_id_order_id", "shop_id", "order_id"),  # 0004_inventory
)

pool_linked_skus = Table(
    "pool_linked_skus",
    metadata,
    Column("pool_id", ordered_key(), ForeignKey("inventory_pools.id", ondelete="CASCADE"), primary_key=True),
    Column("sku_id", ordered_key(), primary_key=True),
    shop_reference(),
    Column("cap", Integer, nullable=True),
    Column("product_id", String(64), nullable=True),  # 0004_inventory
    Index("ix_pool_linked_skus_sku_id", "sku_id"),
    Index("ix_pool_linked_skus_shop_id", "shop_id"),
)

# 0004_inventory, per linked TikTok SKU: the quantity it should show (written with every pool change,
# in the same transaction) and how pushing it went. ``desired_seq`` grows with each new desired quantity.
inventory_push_states = Table(
    "inventory_push_states",
    metadata,
    Column("pool_id", ordered_key(), ForeignKey("inventory_pools.id", ondelete="CASCADE"), primary_key=True),
    Column("sku_id", ordered_key(), primary_key=True),
    Column("app_id", ordered_key(), ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    shop_reference(),
    Column("product_id", String(64), nullable=True),
    Column("desired", Integer, nullable=False),
    Column("desired_seq", Integer, nullable=False),
    Column("pushed", Integer, nullable=True),
    Column("pushed_at", UtcDateTime, nullable=True),
    Column("result", String(16), nullable=False),
    Column("error", Text, nullable=False),
    Column("failures", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=True),
    Column("lease_owner", String(255), nullable=True),
    Column("lease_until", UtcDateTime, nullable=True),
    Index("ix_inventory_push_states_result_next_attempt_at", "result", "next_attempt_at"),
    Index("ix_inventory_push_states_app_id_pool_id_sku_id", "app_id", "pool_id", "sku_id"),
    Index("ix_inventory_push_states_shop_id", "shop_id"),
)
