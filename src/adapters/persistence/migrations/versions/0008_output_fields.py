"""Output fields filled from partner data: install time, SKU sales attributes, buyer phone.

Every new column is nullable or has a server default, so rows written before stay valid: an app
without ``installed_at`` reads as installed when it was created, a SKU without ``attributes`` has
not been read from Get Product yet, and an order without a phone shows none.

Revision ID: 0008_output_fields
Revises: 0007_completed_requests
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from adapters.persistence.column_types import UtcDateTime

revision: str = "0008_output_fields"
down_revision: str | None = "0007_completed_requests"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("apps", sa.Column("installed_at", UtcDateTime(), nullable=True))
    op.add_column("channel_skus", sa.Column("attributes", sa.JSON(none_as_null=True), nullable=True))
    op.add_column("orders", sa.Column("buyer_phone", sa.String(length=64), nullable=False, server_default=""))


def downgrade() -> None:
    op.drop_column("orders", "buyer_phone")
    op.drop_column("channel_skus", "attributes")
    op.drop_column("apps", "installed_at")
