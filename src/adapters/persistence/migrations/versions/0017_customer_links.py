"""Customers and cancellations from SHOPLINE: the app setting that imports buyers as SHOPLINE
customers, which SHOPLINE customer each TikTok buyer became, and what a merchant's SHOPLINE cancel
of an imported order became on TikTok.

Revision ID: 0017_customer_links
Revises: 0016_app_default_email
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from adapters.persistence.column_types import UtcDateTime

revision: str = "0017_customer_links"
down_revision: str | None = "0016_app_default_email"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "apps", sa.Column("sync_customers", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column("orders", sa.Column("shopline_cancellation", sa.JSON(none_as_null=True), nullable=True))
    op.add_column(
        "orders", sa.Column("tiktok_cancel_owed", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.create_index(
        "ix_orders_shop_id_tiktok_cancel_owed",
        "orders",
        ["shop_id"],
        sqlite_where=sa.text("tiktok_cancel_owed = 1"),
        postgresql_where=sa.text("tiktok_cancel_owed"),
    )
    op.create_table(
        "customer_links",
        sa.Column("app_id", sa.String(64), nullable=False),
        sa.Column("tiktok_user_id", sa.String(255), nullable=False),
        sa.Column("shopline_customer_id", sa.String(64), nullable=False),
        sa.Column("matched_by", sa.String(16), nullable=False),
        sa.Column("linked_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name="fk_customer_links_app_id_apps", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("app_id", "tiktok_user_id", name="pk_customer_links"),
    )
    op.create_index("ix_customer_links_customer", "customer_links", ["app_id", "shopline_customer_id"])


def downgrade() -> None:
    op.drop_index("ix_customer_links_customer", table_name="customer_links")
    op.drop_table("customer_links")
    op.drop_index("ix_orders_shop_id_tiktok_cancel_owed", table_name="orders")
    op.drop_column("orders", "tiktok_cancel_owed")
    op.drop_column("orders", "shopline_cancellation")
    op.drop_column("apps", "sync_customers")
