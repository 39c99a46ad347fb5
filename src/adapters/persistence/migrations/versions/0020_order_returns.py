"""TikTok returns of orders with their SHOPLINE refunds, and the app's restock rule for them.

Revision ID: 0020_order_returns
Revises: 0019_tiktok_shipment_mirror
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from adapters.persistence.column_types import UtcDateTime, ordered_key

revision: str = "0020_order_returns"
down_revision: str | None = "0019_tiktok_shipment_mirror"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("apps", sa.Column("return_restock", sa.String(32), nullable=True))
    op.create_table(
        "order_returns",
        sa.Column("shop_id", ordered_key(), nullable=False),
        sa.Column("return_id", ordered_key(), nullable=False),
        sa.Column("app_id", ordered_key(), nullable=False),
        sa.Column("order_id", ordered_key(), nullable=False),
        sa.Column("return_type", sa.String(32), nullable=False),
        sa.Column("status", sa.String(48), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("refund", sa.JSON(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("create_time", UtcDateTime(), nullable=False),
        sa.Column("update_time", UtcDateTime(), nullable=False),
        sa.Column("first_seen_at", UtcDateTime(), nullable=False),
        sa.Column("refund_state", sa.String(16), nullable=False),
        sa.Column("shopline_refund_id", sa.String(64), nullable=True),
        sa.Column("restocked", sa.Boolean(), nullable=False),
        sa.Column("refunded_at", UtcDateTime(), nullable=True),
        sa.Column("refund_claimed_until", UtcDateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name="fk_order_returns_shop_id_shops", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("shop_id", "return_id", name="pk_order_returns"),
    )
    op.create_index("ix_order_returns_listing", "order_returns", ["shop_id", "create_time", "return_id"])
    op.create_index("ix_order_returns_order", "order_returns", ["shop_id", "order_id"])


def downgrade() -> None:
    op.drop_index("ix_order_returns_order", table_name="order_returns")
    op.drop_index("ix_order_returns_listing", table_name="order_returns")
    op.drop_table("order_returns")
    # A plain DROP COLUMN: batch mode would copy and drop `apps`, cascading to every shop.
    op.drop_column("apps", "return_restock")
