"""Seller shipping (0018_order_shipments): shipment records, carrier mappings, the providers cache
and the SHOPLINE fulfillments this service created itself."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Index, Integer, String, Table, Text, UniqueConstraint

from adapters.persistence.column_types import UtcDateTime, ordered_key
from adapters.persistence.tables.channel_orders import orders
from adapters.persistence.tables.schema import metadata, shop_reference

# One row per (order, line items, tracking number): ``lines_digest`` stands for the sorted line
# ids in the unique key; ``line_item_ids`` holds them.
order_shipments = Table(
    "order_shipments",
    metadata,
    shop_reference(primary_key=True),
    Column("id", ordered_key(), primary_key=True),
    Column("app_id", ordered_key(), nullable=False),
    Column("order_id", ordered_key(), nullable=False),
    Column("lines_digest", String(40), nullable=False),
    Column("tracking_number", String(64), nullable=False),
    Column("line_item_ids", JSON, nullable=False),
    Column("carrier_name", String(255), nullable=False),
    Column("source", String(32), nullable=False),
    Column("shopline_fulfillment_id", String(64), nullable=False),
    Column("provider_id", String(64), nullable=False),
    Column("provider_name", String(255), nullable=False),
    Column("explicit_provider", Boolean, nullable=False),
    Column("state", String(16), nullable=False),
    Column("package_ids", JSON, nullable=False),
    Column("blocked_reason", Text, nullable=False),
    Column("failure_code", String(32), nullable=False),
    Column("failure_message", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=True),
    Column("lease_until", UtcDateTime, nullable=True),
    Column("confirmed_at", UtcDateTime, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    # The one tracking change TikTok takes: {tracking_number, carrier_name, state, code, message}.
    Column("tracking_change", JSON(none_as_null=True), nullable=True),
    Column("tracking_change_state", String(16), nullable=False),
    Column("changed_tracking", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    UniqueConstraint("shop_id", "order_id", "lines_digest", "tracking_number", name="uq_order_shipments_key"),
    Index("ix_order_shipments_shop_id_order_id", "shop_id", "order_id"),
    Index("ix_order_shipments_app_id_fulfillment", "app_id", "shopline_fulfillment_id"),
    Index("ix_order_shipments_state", "state", "next_attempt_at"),
)

# Per shop: SHOPLINE carrier (its ``carrier_key``) → TikTok provider; key ``default`` is the default.
carrier_mappings = Table(
    "carrier_mappings",
    metadata,
    shop_reference(primary_key=True),
    Column("carrier_key", ordered_key(128), primary_key=True),
    Column("carrier_name", String(255), nullable=False),
    Column("provider_id", String(64), nullable=False),
    Column("provider_name", String(255), nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

# TikTok's providers per delivery option of a shop: [{id, name}], refreshed daily and on a miss.
shipping_provider_cache = Table(
    "shipping_provider_cache",
    metadata,
    shop_reference(primary_key=True),
    Column("delivery_option_id", ordered_key(), primary_key=True),
    Column("delivery_option_name", String(255), nullable=False),
    Column("providers", JSON, nullable=False),
    Column("fulfilled_by_tiktok", Boolean, nullable=False),
    Column("fetched_at", UtcDateTime, nullable=False),
)

# SHOPLINE fulfillments this service created (from TikTok's own shipping): their webhooks are
# echoes. Per app, no shop reference: the SHOPLINE order outlives a shop's deletion.
own_shopline_fulfillments = Table(
    "own_shopline_fulfillments",
    metadata,
    Column("app_id", ordered_key(), primary_key=True),
    Column("fulfillment_id", ordered_key(), primary_key=True),
    Column("shopline_order_id", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

# For ``imported_order``: the TikTok order a SHOPLINE order was imported from.
orders_shopline_order_index = Index(
    "ix_orders_app_id_shopline_order_id", orders.c.app_id, orders.c.shopline_order_id
)
