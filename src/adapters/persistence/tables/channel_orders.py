"""TikTok orders, the lines of those still holding stock, and the import ledger."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    String,
    Table,
    Text,
    false,
    text,
)

from adapters.persistence.column_types import DecimalString, UtcDateTime, ordered_key
from adapters.persistence.tables.schema import metadata, shop_reference

orders = Table(
    "orders",
    metadata,
    shop_reference(primary_key=True),
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
    # 0014_order_logistics: who fulfills the order and how (``OrderLogistics``), the recipient
    # address as TikTok gives it (buyer data), and per line item [id, package id, package status,
    # tracking number, provider id, provider name]. NULL for orders not synced since.
    Column("logistics", JSON(none_as_null=True), nullable=True),
    Column("recipient", JSON(none_as_null=True), nullable=True),
    Column("line_shipments", JSON(none_as_null=True), nullable=True),
    # 0017_customer_links: the merchant's SHOPLINE cancel of the imported order and its outcome on
    # TikTok ({state, cancelled_at, reason, partner_code, partner_message, cancel_id, resolved_at});
    # NULL when the merchant never cancelled it there.
    Column("shopline_cancellation", JSON(none_as_null=True), nullable=True),
    # The cancel on TikTok that a SHOPLINE cancel asked for is still owed (state PENDING).
    Column("tiktok_cancel_owed", Boolean, nullable=False, server_default=false()),
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
    Index(
        "ix_orders_shop_id_tiktok_cancel_owed",
        "shop_id",
        sqlite_where=text("tiktok_cancel_owed = 1"),
        postgresql_where=text("tiktok_cancel_owed"),
    ),
    # 0006_analytics: a buyer's earlier orders in a shop (new vs returning buyers).
    Index("ix_orders_shop_id_buyer_key_create_time", "shop_id", "buyer_key", "create_time"),
)

# 0010_open_order_lines: the lines of orders that still hold stock (``Order.open_lines``), by SKU,
# so a SKU linked after its orders arrived finds them without reading every order's lines.
order_open_lines = Table(
    "order_open_lines",
    metadata,
    shop_reference(primary_key=True),
    Column("sku_id", ordered_key(), primary_key=True),
    Column("order_id", ordered_key(), primary_key=True),
    Column("quantity", Integer, nullable=False),
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
