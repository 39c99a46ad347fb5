"""Catalog: SHOPLINE variant cache, per-shop price rules, store currency.

Revision ID: 0003_catalog
Revises: 0002_channel_data
Create Date: 2026-11-24
"""

from collections.abc import Sequence

revision: str = "0003_catalog"
down_revision: str | None = "0002_channel_data"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
