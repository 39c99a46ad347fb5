"""Baseline: apps.

Revision ID: 0001_baseline
Revises:
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from adapters.persistence.column_types import UtcDateTime

revision: str = "0001_baseline"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "apps",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("store_handle", sa.String(63), nullable=False),
        sa.Column("auto_import_orders", sa.Boolean(), nullable=False),
        sa.Column("import_scope", sa.String(32), nullable=False),
        sa.Column("default_safety_stock", sa.Integer(), nullable=False),
        sa.Column("location_ids", sa.JSON(), nullable=False),
        sa.Column("default_price_rule", sa.JSON(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_apps"),
        sa.UniqueConstraint("store_handle", name="uq_apps_store_handle"),
    )


def downgrade() -> None:
    op.drop_table("apps")
