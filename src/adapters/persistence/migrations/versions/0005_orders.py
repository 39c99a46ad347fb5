"""Orders: money breakdown, cancellation times, import attempts, sync state.

Revision ID: 0005_orders
Revises: 0004_inventory
Create Date: 2026-11-24
"""

from collections.abc import Sequence

revision: str = "0005_orders"
down_revision: str | None = "0004_inventory"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
