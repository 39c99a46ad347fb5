"""The catalog: TikTok products and SKUs, and the cached SHOPLINE variants."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from adapters.persistence.column_types import DecimalString, UtcDateTime, ordered_key
from adapters.persistence.tables.schema import metadata, shop_reference

channel_products = Table(
    "channel_products",
    metadata,
    shop_reference(primary_key=True),
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

# 0003_catalog: a cache of the SHOPLINE store's variants (SKU code, price, inventory item),
# refreshed from SHOPLINE; links, auto-link and price sync read it instead of calling SHOPLINE per SKU.
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
    # Stock webhooks name the inventory item, not the variant (0011_app_uninstall).
    Index("ix_shopline_variants_app_id_inventory_item_id", "app_id", "inventory_item_id"),
)
