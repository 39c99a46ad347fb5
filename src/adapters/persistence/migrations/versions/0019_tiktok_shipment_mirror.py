"""Orders remember which of TikTok's packages are mirrored as SHOPLINE fulfillments, and whether
some are still owed (a partial index for the mirror's sweep).

Revision ID: 0019_tiktok_shipment_mirror
Revises: 0018_order_shipments
Create Date: 2026-12-12
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_tiktok_shipment_mirror"
down_revision: str | None = "0018_order_shipments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("shopline_mirror", sa.JSON(none_as_null=True), nullable=True))
    op.add_column(
        "orders",
        sa.Column("shopline_fulfillment_pending", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index(
        "ix_orders_shopline_fulfillment_pending",
        "orders",
        ["update_time"],
        sqlite_where=sa.text("shopline_fulfillment_pending = 1"),
        postgresql_where=sa.text("shopline_fulfillment_pending"),
    )


def downgrade() -> None:
    op.drop_index("ix_orders_shopline_fulfillment_pending", table_name="orders")
    op.drop_column("orders", "shopline_fulfillment_pending")
    op.drop_column("orders", "shopline_mirror")
