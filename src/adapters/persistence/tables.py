"""Table definitions (SQLAlchemy Core). Aggregates are mapped explicitly, never instrumented."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from adapters.persistence.column_types import DecimalString, UtcDateTime, ordered_key

# Stable constraint names, so migrations can refer to them on every backend.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

apps = Table(
    "apps",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("store_handle", String(63), nullable=False, unique=True),
    Column("auto_import_orders", Boolean, nullable=False),
    Column("import_scope", String(32), nullable=False),
    Column("default_safety_stock", Integer, nullable=False),
    Column("location_ids", JSON, nullable=False),
    Column("default_price_rule", JSON, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
)


def _shop_reference(**options: Any) -> Column[str]:
    """Every shop-owned row names its shop; deleting the shop deletes the row."""
    return Column(
        "shop_id", ordered_key(), ForeignKey("shops.id", ondelete="CASCADE"), nullable=False, **options
    )


shops = Table(
    "shops",
    metadata,
    Column("id", ordered_key(), primary_key=True),
    Column("app_id", ordered_key(), ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("tiktok_shop_id", String(64), nullable=False, unique=True),
    Column("cipher", String(255), nullable=False),
    Column("region", String(8), nullable=False),
    Column("seller_type", String(32), nullable=False),
    Column("tiktok_name", String(255), nullable=False),
    Column("display_name", String(255), nullable=False),
    Column("status", String(32), nullable=False),
    Column("authorized_at", UtcDateTime, nullable=False),
    Column("reauthorized_at", UtcDateTime, nullable=True),
    Column("orders_synced_until", UtcDateTime, nullable=True),
    Column("products_synced_until", UtcDateTime, nullable=True),
    Column("version", Integer, nullable=False),
    Index("ix_shops_app_id_id", "app_id", "id"),
    Index("ix_shops_cipher", "cipher"),
)

# The one-shop-per-app rule: the primary key lets exactly one app hold a TikTok shop id.
shop_links = Table(
    "shop_links",
    metadata,
    Column("tiktok_shop_id", ordered_key(), primary_key=True),
    Column("app_id", ordered_key(), ForeignKey("apps.id", ondelete="CASCADE"), nullable=False, index=True),
)

# Token values are AES-GCM ciphertexts; ``key_id`` names the key so rotation finds old rows.
tiktok_tokens = Table(
    "tiktok_tokens",
    metadata,
    Column("shop_id", ordered_key(), ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True),
    Column("access_token", LargeBinary, nullable=False),
    Column("access_expires_at", UtcDateTime, nullable=False),
    Column("refresh_token", LargeBinary, nullable=False),
    Column("refresh_expires_at", UtcDateTime, nullable=False),
    Column("issued_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime, nullable=True),
    Column("key_id", String(16), nullable=False, index=True),
    Column("version", Integer, nullable=False),
)

shopline_tokens = Table(
    "shopline_tokens",
    metadata,
    Column("app_id", ordered_key(), ForeignKey("apps.id", ondelete="CASCADE"), primary_key=True),
    Column("access_token", LargeBinary, nullable=False),
    Column("issued_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime, nullable=True),
    Column("key_id", String(16), nullable=False, index=True),
    Column("version", Integer, nullable=False),
)

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
    UniqueConstraint("app_id", "variant_id", name="uq_inventory_pools_app_id_variant_id"),
    Index("ix_inventory_pools_app_id_id", "app_id", "id"),
)

pool_reservations = Table(
    "pool_reservations",
    metadata,
    Column("pool_id", ordered_key(), ForeignKey("inventory_pools.id", ondelete="CASCADE"), primary_key=True),
    _shop_reference(primary_key=True),
    Column("order_id", ordered_key(), primary_key=True),
    Column("sku_id", ordered_key(), primary_key=True),
    Column("quantity", Integer, nullable=False),
    Column("state", String(16), nullable=False),
    Column("reserved_at", UtcDateTime, nullable=False),
    Index("ix_pool_reservations_shop_id", "shop_id"),
)

pool_linked_skus = Table(
    "pool_linked_skus",
    metadata,
    Column("pool_id", ordered_key(), ForeignKey("inventory_pools.id", ondelete="CASCADE"), primary_key=True),
    Column("sku_id", ordered_key(), primary_key=True),
    _shop_reference(),
    Column("cap", Integer, nullable=True),
    Index("ix_pool_linked_skus_sku_id", "sku_id"),
    Index("ix_pool_linked_skus_shop_id", "shop_id"),
)

orders = Table(
    "orders",
    metadata,
    _shop_reference(primary_key=True),
    Column("id", ordered_key(), primary_key=True),
    Column("app_id", ordered_key(), nullable=False),
    Column("tiktok_shop_id", String(64), nullable=False),
    Column("status", String(32), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("total_amount", DecimalString, nullable=False),
    Column("total_currency", String(3), nullable=False),
    # Lines travel with their order: [{sku_id, product_id, seller_sku, title, quantity,
    # subtotal (decimal string), currency, line_item_ids}], so a batch upsert is one row per order.
    Column("lines", JSON, nullable=False),
    Column("buyer_user_id", String(255), nullable=False),
    Column("buyer_email", String(255), nullable=False),
    Column("buyer_name", String(255), nullable=False),
    Column("create_time", UtcDateTime, nullable=False),
    Column("update_time", UtcDateTime, nullable=False),
    Column("first_seen_at", UtcDateTime, nullable=False),
    Column("cancellation_state", String(32), nullable=False),
    Column("cancel_id", String(64), nullable=True),
    Column("cancel_response_deadline", UtcDateTime, nullable=True),
    Column("import_state", String(32), nullable=False),
    Column("shopline_order_id", String(64), nullable=True),
    Column("import_failure_reason", Text, nullable=True),
    Column("import_attempted_at", UtcDateTime, nullable=True),
    Column("stock_state", String(16), nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_orders_shop_id_update_time", "shop_id", "update_time"),
    Index("ix_orders_shop_id_create_time", "shop_id", "create_time"),
    Index("ix_orders_app_id_create_time", "app_id", "create_time"),
)

channel_products = Table(
    "channel_products",
    metadata,
    _shop_reference(primary_key=True),
    Column("id", ordered_key(), primary_key=True),
    Column("app_id", ordered_key(), nullable=False),
    Column("title", Text, nullable=False),
    Column("status", String(64), nullable=False),
    Column("update_time", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
)

channel_skus = Table(
    "channel_skus",
    metadata,
    Column("shop_id", ordered_key(), primary_key=True),
    Column("product_id", ordered_key(), primary_key=True),
    Column("sku_id", ordered_key(), primary_key=True),
    Column("seller_sku", String(255), nullable=False),
    Column("price_amount", DecimalString, nullable=True),
    Column("price_currency", String(3), nullable=True),
    # [[warehouse_id, quantity], ...]
    Column("inventory", JSON, nullable=False),
    Column("link_variant_id", String(64), nullable=True),
    Column("link_kind", String(16), nullable=True),
    Column("linked_at", UtcDateTime, nullable=True),
    ForeignKeyConstraint(
        ["shop_id", "product_id"],
        ["channel_products.shop_id", "channel_products.id"],
        name="fk_channel_skus_product",
        ondelete="CASCADE",
    ),
    Index("ix_channel_skus_shop_id_sku_id", "shop_id", "sku_id"),
    Index("ix_channel_skus_link_variant_id", "link_variant_id"),
)

tasks = Table(
    "tasks",
    metadata,
    Column("id", ordered_key(), primary_key=True),
    Column("app_id", ordered_key(), ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("shop_id", ordered_key(), ForeignKey("shops.id", ondelete="CASCADE"), nullable=True),
    Column("kind", String(32), nullable=False),
    Column("state", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_count", Integer, nullable=False),
    Column("updated_count", Integer, nullable=False),
    Column("skipped_count", Integer, nullable=False),
    Column("failed_count", Integer, nullable=False),
    Column("done", Integer, nullable=False),
    Column("total", Integer, nullable=True),
    # [{item_ref, reason, at (ISO 8601)}], newest last, at most MAX_LAST_ERRORS
    Column("last_errors", JSON, nullable=False),
    Column("checkpoint", Text, nullable=True),
    Column("lease_owner", String(255), nullable=True),
    Column("lease_expires_at", UtcDateTime, nullable=True),
    Column("started_at", UtcDateTime, nullable=True),
    Column("finished_at", UtcDateTime, nullable=True),
    Column("failure_reason", Text, nullable=True),
    Column("attempts", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_tasks_app_id_id", "app_id", "id"),
    Index("ix_tasks_app_id_created_at_id", "app_id", "created_at", "id"),
    Index("ix_tasks_shop_id", "shop_id"),
    Index("ix_tasks_state_created_at", "state", "created_at"),
    Index("ix_tasks_state_lease_expires_at", "state", "lease_expires_at"),
)

# Which SHOPLINE order each channel order became. No foreign key: it outlives the shop, so a
# re-authorized seller's orders are never imported twice.
import_ledger = Table(
    "import_ledger",
    metadata,
    Column("platform", String(32), primary_key=True),
    Column("tiktok_shop_id", String(64), primary_key=True),
    Column("order_id", String(64), primary_key=True),
    Column("shopline_order_id", String(64), nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
)

# Pending OAuth states, stored by the SHA-256 of the state (never the state itself). A pending
# re-authorization names its shop and goes with it.
oauth_states = Table(
    "oauth_states",
    metadata,
    Column("state_hash", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("app_id", ordered_key(), ForeignKey("apps.id", ondelete="CASCADE"), nullable=True),
    Column("region", String(8), nullable=True),
    Column("display_name", String(255), nullable=True),
    Column("shop_id", ordered_key(), ForeignKey("shops.id", ondelete="CASCADE"), nullable=True),
    Column("store_handle", String(63), nullable=True),
    Column("redirect_uri", Text, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False, index=True),
)

# --- Catalog (migration 0003_catalog) -------------------------------------------------------

# --- Inventory (migration 0004_inventory) ---------------------------------------------------

# --- Orders (migration 0005_orders) ---------------------------------------------------------

# --- Analytics (migration 0006_analytics) ---------------------------------------------------

SHOP_OWNED_TABLES = (
    tiktok_tokens,
    pool_reservations,
    pool_linked_skus,
    orders,
    channel_products,
    channel_skus,
    tasks,
    oauth_states,
)
"""Tables whose rows belong to one shop (``shop_id``); deleting the shop leaves none behind."""
