"""Table definitions (SQLAlchemy Core). Aggregates are mapped explicitly, never instrumented."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
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
    text,
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
    # The SHOPLINE store's currency as SHOPLINE reports it; NULL until first read (0003_catalog).
    Column("store_currency", String(3), nullable=True),
    # When the installation was last completed; NULL for rows from before 0008 (read: created_at).
    Column("installed_at", UtcDateTime, nullable=True),
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
    # The shop's own price rule; NULL means the app's default rule applies (0003_catalog).
    Column("price_rule", JSON, nullable=True),
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
    _shop_reference(primary_key=True),
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
    _shop_reference(),
    Column("cap", Integer, nullable=True),
    Column("product_id", String(64), nullable=True),  # 0004_inventory
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
    # subtotal (decimal string), currency, line_item_ids, original_subtotal, product_name,
    # sku_name}], so a batch upsert is one row per order.
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
    # 0005_orders: the money breakdown (exact decimal strings in the order currency), and the same
    # figures times 10^4 as integers for aggregation (gross = products before discounts, discount =
    # seller + platform, net = gross - discount; shipping and tax excluded).
    Column("unit_count", Integer, nullable=False),
    Column("subtotal_amount", DecimalString, nullable=False),
    Column("discount_amount", DecimalString, nullable=False),
    Column("shipping_fee_amount", DecimalString, nullable=False),
    Column("tax_amount", DecimalString, nullable=False),
    Column("gross_e4", BigInteger, nullable=False),
    Column("discount_e4", BigInteger, nullable=False),
    Column("net_e4", BigInteger, nullable=False),
    Column("buyer_key", String(255), nullable=False),
    Column("paid_time", UtcDateTime, nullable=True),
    Column("cancel_reason", Text, nullable=True),
    Column("cancel_request_time", UtcDateTime, nullable=True),
    Column("cancel_resolve_time", UtcDateTime, nullable=True),
    Column("import_attempt_count", Integer, nullable=False),
    Column("import_claimed_until", UtcDateTime, nullable=True),
    Column("synced_at", UtcDateTime, nullable=True),
    Column("shopline_cancel_pending", Boolean, nullable=False),
    # 0008_output_fields: the recipient phone as TikTok gives it (masked); empty when withheld.
    Column("buyer_phone", String(64), nullable=False, server_default=""),
    Index("ix_orders_shop_id_update_time", "shop_id", "update_time"),
    Index("ix_orders_shop_id_create_time", "shop_id", "create_time"),
    Index("ix_orders_app_id_create_time", "app_id", "create_time"),
    # Partial: only the few orders whose SHOPLINE cancel is still owed, so inserts barely pay for it.
    Index(
        "ix_orders_shop_id_shopline_cancel_pending",
        "shop_id",
        sqlite_where=text("shopline_cancel_pending = 1"),
        postgresql_where=text("shopline_cancel_pending"),
    ),
    # 0006_analytics: a buyer's earlier orders in a shop (new vs returning buyers).
    Index("ix_orders_shop_id_buyer_key_create_time", "shop_id", "buyer_key", "create_time"),
)

# 0010_open_order_lines: the lines of orders that still hold stock (``Order.open_lines``), by SKU,
# so a SKU linked after its orders arrived finds them without reading every order's lines.
order_open_lines = Table(
    "order_open_lines",
    metadata,
    _shop_reference(primary_key=True),
    Column("sku_id", ordered_key(), primary_key=True),
    Column("order_id", ordered_key(), primary_key=True),
    Column("quantity", Integer, nullable=False),
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
    # 0008_output_fields: TikTok sales attributes [[name, value], ...] from Get Product; SQL NULL until
    # the product has been read there (search results do not carry them).
    Column("attributes", JSON(none_as_null=True), nullable=True),
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

# A cache of the SHOPLINE store's variants (SKU code, price, inventory item), refreshed from
# SHOPLINE; links, auto-link and price sync read it instead of calling SHOPLINE per SKU.
shopline_variants = Table(
    "shopline_variants",
    metadata,
    Column("app_id", ordered_key(), ForeignKey("apps.id", ondelete="CASCADE"), primary_key=True),
    Column("variant_id", ordered_key(), primary_key=True),
    Column("product_id", String(64), nullable=False),
    Column("sku", String(255), nullable=False),
    Column("title", Text, nullable=False),
    Column("price_amount", DecimalString, nullable=False),
    Column("price_currency", String(3), nullable=False),
    Column("inventory_item_id", String(64), nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_shopline_variants_app_id_sku", "app_id", "sku"),
)

# --- Inventory (migration 0004_inventory) ---------------------------------------------------

# Per linked TikTok SKU: the quantity it should show (written with every pool change, in the same
# transaction) and how pushing it went. ``desired_seq`` grows with each new desired quantity.
inventory_push_states = Table(
    "inventory_push_states",
    metadata,
    Column("pool_id", ordered_key(), ForeignKey("inventory_pools.id", ondelete="CASCADE"), primary_key=True),
    Column("sku_id", ordered_key(), primary_key=True),
    Column("app_id", ordered_key(), ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    _shop_reference(),
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

# --- Orders (migration 0005_orders) ---------------------------------------------------------

# --- Analytics (migration 0006_analytics) ---------------------------------------------------

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

# --- Client request ids (migrations 0007_completed_requests, 0009_completed_request_results) ---

# A client's retry key and what its first call did; app-owned, so a DeleteShop retry still finds it.
completed_requests = Table(
    "completed_requests",
    metadata,
    Column("app_id", ordered_key(), ForeignKey("apps.id", ondelete="CASCADE"), primary_key=True),
    Column("request_id", String(64), primary_key=True),
    Column("operation", String(64), nullable=False),
    Column("subject", String(255), nullable=False),
    Column("completed_at", UtcDateTime, nullable=False),
    # Migration 0009_completed_request_results: what the call produced, e.g. the task it started.
    Column("result", String(255), nullable=True),
)

SHOP_OWNED_TABLES = (
    tiktok_tokens,
    pool_reservations,
    pool_linked_skus,
    inventory_push_states,
    orders,
    order_open_lines,
    channel_products,
    channel_skus,
    tasks,
    oauth_states,
)
"""Tables whose rows belong to one shop (``shop_id``); deleting the shop leaves none behind."""
