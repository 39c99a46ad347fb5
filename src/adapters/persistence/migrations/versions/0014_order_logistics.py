"""Orders keep their shipping facts: fulfillment and shipping type, delivery option and SLA times,
the recipient address, and each line item's package and tracking.

Revision ID: 0014_order_logistics
Revises: 0013_webhook_health
Create Date: 2026-12-12
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_order_logistics"
down_revision: str | None = "0013_webhook_health"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for name in ("logistics", "recipient", "line_shipments"):
        op.add_column("orders", sa.Column(name, sa.JSON(none_as_null=True), nullable=True))


def downgrade() -> None:
    for name in ("line_shipments", "recipient", "logistics"):
        op.drop_column("orders", name)
