"""Webhook health: when each account's subscriptions were last found complete, and an index for
an account's newest deliveries.

Revision ID: 0013_webhook_health
Revises: 0012_webhook_inbox
Create Date: 2026-12-11
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from adapters.persistence.column_types import UtcDateTime

revision: str = "0013_webhook_health"
down_revision: str | None = "0012_webhook_inbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "webhook_subscription_checks",
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("account", sa.String(255), nullable=False),
        sa.Column("subscribed_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("source", "account", name="pk_webhook_subscription_checks"),
    )
    op.create_index("ix_webhook_inbox_account", "webhook_inbox", ["source", "account", "received_at"])


def downgrade() -> None:
    op.drop_index("ix_webhook_inbox_account", table_name="webhook_inbox")
    op.drop_table("webhook_subscription_checks")
