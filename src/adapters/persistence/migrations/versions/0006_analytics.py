"""Analytics: SHOPLINE store orders and reporting indexes.

Revision ID: 0006_analytics
Revises: 0005_orders
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from adapters.persistence.column_types import UtcDateTime, ordered_key

revision: str = "0006_analytics"
down_revision: str | None = "0005_orders"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "store_orders",
        sa.Column("app_id", ordered_key(), nullable=False),
        sa.Column("order_id", ordered_key(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("unit_count", sa.Integer(), nullable=False),
        sa.Column("gross_e4", sa.BigInteger(), nullable=False),
        sa.Column("discount_e4", sa.BigInteger(), nullable=False),
        sa.Column("net_e4", sa.BigInteger(), nullable=False),
        sa.Column("buyer_key", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name="fk_store_orders_app_id_apps", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("app_id", "order_id", name="pk_store_orders"),
    )
    op.create_index("ix_store_orders_app_id_created_at", "store_orders", ["app_id", "created_at"])
    op.create_index(
        "ix_store_orders_app_id_buyer_key_created_at", "store_orders", ["app_id", "buyer_key", "created_at"]
    )
    op.create_table(
        "store_order_lines",
        sa.Column("app_id", ordered_key(), nullable=False),
        sa.Column("order_id", ordered_key(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("variant_id", sa.String(length=64), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("sku", sa.String(length=255), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("net_e4", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id", "order_id"],
            ["store_orders.app_id", "store_orders.order_id"],
            name="fk_store_order_lines_order",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("app_id", "order_id", "line_no", name="pk_store_order_lines"),
    )
    op.create_index("ix_store_order_lines_app_id_variant_id", "store_order_lines", ["app_id", "variant_id"])
    op.create_table(
        "store_order_sync",
        sa.Column("app_id", ordered_key(), nullable=False),
        sa.Column("synced_until", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name="fk_store_order_sync_app_id_apps", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("app_id", name="pk_store_order_sync"),
    )
    op.create_index(
        "ix_orders_shop_id_buyer_key_create_time", "orders", ["shop_id", "buyer_key", "create_time"]
    )


def downgrade() -> None:
    op.drop_index("ix_orders_shop_id_buyer_key_create_time", table_name="orders")
    op.drop_table("store_order_sync")
    op.drop_index("ix_store_order_lines_app_id_variant_id", table_name="store_order_lines")
    op.drop_table("store_order_lines")
    op.drop_index("ix_store_orders_app_id_buyer_key_created_at", table_name="store_orders")
    op.drop_index("ix_store_orders_app_id_created_at", table_name="store_orders")
    op.drop_table("store_orders")
