"""The webhook inbox: verified deliveries, unique per (source, delivery key), until processed.

Revision ID: 0012_webhook_inbox
Revises: 0011_app_uninstall
Create Date: 2026-12-10
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from adapters.persistence.column_types import UtcDateTime, ordered_key

revision: str = "0012_webhook_inbox"
down_revision: str | None = "0011_app_uninstall"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "webhook_inbox",
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("delivery_key", ordered_key(128), nullable=False),
        sa.Column("topic", sa.String(128), nullable=False),
        sa.Column("account", sa.String(255), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        sa.Column("processed_at", UtcDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("source", "delivery_key", name="pk_webhook_inbox"),
    )
    op.create_index(
        "ix_webhook_inbox_pending",
        "webhook_inbox",
        ["received_at", "delivery_key"],
        postgresql_where=sa.text("processed_at IS NULL"),
        sqlite_where=sa.text("processed_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_webhook_inbox_pending", table_name="webhook_inbox")
    op.drop_table("webhook_inbox")
