"""Inventory: per-SKU push state and pool bookkeeping.

Revision ID: 0004_inventory
Revises: 0003_catalog
Create Date: 2026-11-24
"""

from collections.abc import Sequence

revision: str = "0004_inventory"
down_revision: str | None = "0003_catalog"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
