"""Apps, TikTok shops and the links between them, partner tokens and pending OAuth states."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    false,
)

from adapters.persistence.column_types import UtcDateTime, ordered_key
from adapters.persistence.tables.schema import metadata

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
    # When the merchant uninstalled the app; NULL while installed (0011_app_uninstall).
    Column("uninstalled_at", UtcDateTime, nullable=True),
    # The restock rule of TikTok refunds; NULL for rows from before 0019 (read: the default).
    Column("return_restock", String(32), nullable=True),
    # Email for orders TikTok ships with the buyer's hidden; NULL: none (0016_app_default_email).
    Column("default_email", String(64), nullable=True),
    # Whether buyers of imported orders become SHOPLINE customers (0017_customer_links).
    Column("sync_customers", Boolean, nullable=False, server_default=false()),
)


# Which SHOPLINE customer each TikTok buyer of the app became (0017_customer_links).
customer_links = Table(
    "customer_links",
    metadata,
    Column("app_id", String(64), ForeignKey("apps.id", ondelete="CASCADE"), primary_key=True),
    Column("tiktok_user_id", String(255), primary_key=True),
    Column("shopline_customer_id", String(64), nullable=False),
    Column("matched_by", String(16), nullable=False),
    Column("linked_at", UtcDateTime, nullable=False),
    Index("ix_customer_links_customer", "app_id", "shopline_customer_id"),
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
