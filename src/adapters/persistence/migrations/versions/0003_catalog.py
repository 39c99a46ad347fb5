"""Catalog: SHOPLINE variant cache, per-shop price rules, store currency.

Revision ID: 0003_catalog
Revises: 0002_channel_data
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from adapters.persistence.column_types import DecimalString, UtcDateTime, ordered_key

revision: str = "0003_catalog"
down_revision: str | None = "0002_channel_data"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shopline_variants",
        sa.Column("app_id", ordered_key(), nullable=False),
        sa.Column("variant_id", ordered_key(), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("sku", sa.String(length=255), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("price_amount", DecimalString(), nullable=False),
        sa.Column("price_currency", sa.String(length=3), nullable=False),
        sa.Column("inventory_item_id", sa.String(length=64), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name="fk_shopline_variants_app_id_apps", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("app_id", "variant_id", name="pk_shopline_variants"),
    )
    op.create_index("ix_shopline_variants_app_id_sku", "shopline_variants", ["app_id", "sku"], unique=False)
    op.add_column("apps", sa.Column("store_currency", sa.String(length=3), nullable=True))
    op.add_column("shops", sa.Column("price_rule", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("shops", "price_rule")
    op.drop_column("apps", "store_currency")
    op.drop_index("ix_shopline_variants_app_id_sku", table_name="shopline_variants")
    op.drop_table("shopline_variants")
