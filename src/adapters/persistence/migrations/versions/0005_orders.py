"""Orders: money breakdown, cancellation times, import attempts, sync state.

Revision ID: 0005_orders
Revises: 0004_inventory
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from adapters.persistence.column_types import DecimalString, UtcDateTime

revision: str = "0005_orders"
down_revision: str | None = "0004_inventory"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _new_columns() -> list[sa.Column[object]]:
    """Rows written before this revision get zero amounts and counts until a sync rewrites them."""
    return [
        sa.Column("unit_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("subtotal_amount", DecimalString(), nullable=False, server_default="0"),
        sa.Column("discount_amount", DecimalString(), nullable=False, server_default="0"),
        sa.Column("shipping_fee_amount", DecimalString(), nullable=False, server_default="0"),
        sa.Column("tax_amount", DecimalString(), nullable=False, server_default="0"),
        sa.Column("gross_e4", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("discount_e4", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("net_e4", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("buyer_key", sa.String(length=255), nullable=False, server_default=""),
        sa.Column("paid_time", UtcDateTime(), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("cancel_request_time", UtcDateTime(), nullable=True),
        sa.Column("cancel_resolve_time", UtcDateTime(), nullable=True),
        sa.Column("import_attempt_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("import_claimed_until", UtcDateTime(), nullable=True),
        sa.Column("synced_at", UtcDateTime(), nullable=True),
        sa.Column("shopline_cancel_pending", sa.Boolean(), nullable=False, server_default=sa.false()),
    ]


def upgrade() -> None:
    for column in _new_columns():
        op.add_column("orders", column)
    op.create_index(
        "ix_orders_shop_id_shopline_cancel_pending",
        "orders",
        ["shop_id"],
        unique=False,
        sqlite_where=sa.text("shopline_cancel_pending = 1"),
        postgresql_where=sa.text("shopline_cancel_pending"),
    )


def downgrade() -> None:
    op.drop_index("ix_orders_shop_id_shopline_cancel_pending", table_name="orders")
    with op.batch_alter_table("orders") as batch:
        for column in reversed(_new_columns()):
            batch.drop_column(column.name)
