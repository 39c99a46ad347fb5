"""When the merchant uninstalled an app (NULL for every app installed now, so all rows before),
and the variant cache found by inventory item (stock webhooks name the item, not the variant).

Revision ID: 0011_app_uninstall
Revises: 0010_open_order_lines
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from adapters.persistence.column_types import UtcDateTime

revision: str = "0011_app_uninstall"
down_revision: str | None = "0010_open_order_lines"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("apps", sa.Column("uninstalled_at", UtcDateTime(), nullable=True))
    op.create_index(
        "ix_shopline_variants_app_id_inventory_item_id", "shopline_variants", ["app_id", "inventory_item_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_shopline_variants_app_id_inventory_item_id", table_name="shopline_variants")
    op.drop_column("apps", "uninstalled_at")
