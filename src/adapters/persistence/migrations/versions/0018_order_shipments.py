"""Seller shipping: shipment records per (order, line items, tracking number), carrier mappings
per shop, TikTok's shipping providers per delivery option, the SHOPLINE fulfillments this service
created itself, and an index to find an order by its SHOPLINE order.

Revision ID: 0018_order_shipments
Revises: 0017_customer_links
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from adapters.persistence.column_types import UtcDateTime, ordered_key

revision: str = "0018_order_shipments"
down_revision: str | None = "0017_customer_links"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _shop_reference(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["shop_id"], ["shops.id"], name=f"fk_{table}_shop_id_shops", ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "order_shipments",
        sa.Column("shop_id", ordered_key(), nullable=False),
        sa.Column("id", ordered_key(), nullable=False),
        sa.Column("app_id", ordered_key(), nullable=False),
        sa.Column("order_id", ordered_key(), nullable=False),
        sa.Column("lines_digest", sa.String(40), nullable=False),
        sa.Column("tracking_number", sa.String(64), nullable=False),
        sa.Column("line_item_ids", sa.JSON(), nullable=False),
        sa.Column("carrier_name", sa.String(255), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("shopline_fulfillment_id", sa.String(64), nullable=False),
        sa.Column("provider_id", sa.String(64), nullable=False),
        sa.Column("provider_name", sa.String(255), nullable=False),
        sa.Column("explicit_provider", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("package_ids", sa.JSON(), nullable=False),
        sa.Column("blocked_reason", sa.Text(), nullable=False),
        sa.Column("failure_code", sa.String(32), nullable=False),
        sa.Column("failure_message", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UtcDateTime(), nullable=True),
        sa.Column("lease_until", UtcDateTime(), nullable=True),
        sa.Column("confirmed_at", UtcDateTime(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("tracking_change", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("tracking_change_state", sa.String(16), nullable=False),
        sa.Column("changed_tracking", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _shop_reference("order_shipments"),
        sa.PrimaryKeyConstraint("shop_id", "id", name="pk_order_shipments"),
        sa.UniqueConstraint(
            "shop_id", "order_id", "lines_digest", "tracking_number", name="uq_order_shipments_key"
        ),
    )
    op.create_index("ix_order_shipments_shop_id_order_id", "order_shipments", ["shop_id", "order_id"])
    op.create_index(
        "ix_order_shipments_app_id_fulfillment", "order_shipments", ["app_id", "shopline_fulfillment_id"]
    )
    op.create_index("ix_order_shipments_state", "order_shipments", ["state", "next_attempt_at"])
    op.create_table(
        "carrier_mappings",
        sa.Column("shop_id", ordered_key(), nullable=False),
        sa.Column("carrier_key", ordered_key(128), nullable=False),
        sa.Column("carrier_name", sa.String(255), nullable=False),
        sa.Column("provider_id", sa.String(64), nullable=False),
        sa.Column("provider_name", sa.String(255), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        _shop_reference("carrier_mappings"),
        sa.PrimaryKeyConstraint("shop_id", "carrier_key", name="pk_carrier_mappings"),
    )
    op.create_table(
        "shipping_provider_cache",
        sa.Column("shop_id", ordered_key(), nullable=False),
        sa.Column("delivery_option_id", ordered_key(), nullable=False),
        sa.Column("delivery_option_name", sa.String(255), nullable=False),
        sa.Column("providers", sa.JSON(), nullable=False),
        sa.Column("fulfilled_by_tiktok", sa.Boolean(), nullable=False),
        sa.Column("fetched_at", UtcDateTime(), nullable=False),
        _shop_reference("shipping_provider_cache"),
        sa.PrimaryKeyConstraint("shop_id", "delivery_option_id", name="pk_shipping_provider_cache"),
    )
    op.create_table(
        "own_shopline_fulfillments",
        sa.Column("app_id", ordered_key(), nullable=False),
        sa.Column("fulfillment_id", ordered_key(), nullable=False),
        sa.Column("shopline_order_id", sa.String(64), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("app_id", "fulfillment_id", name="pk_own_shopline_fulfillments"),
    )
    op.create_index("ix_orders_app_id_shopline_order_id", "orders", ["app_id", "shopline_order_id"])


def downgrade() -> None:
    op.drop_index("ix_orders_app_id_shopline_order_id", table_name="orders")
    op.drop_table("own_shopline_fulfillments")
    op.drop_table("shipping_provider_cache")
    op.drop_table("carrier_mappings")
    for index in (
        "ix_order_shipments_state",
        "ix_order_shipments_app_id_fulfillment",
        "ix_order_shipments_shop_id_order_id",
    ):
        op.drop_index(index, table_name="order_shipments")
    op.drop_table("order_shipments")
