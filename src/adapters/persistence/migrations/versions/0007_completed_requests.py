"""Client request ids of completed calls, so a retry replays the first call's result.

Revision ID: 0007_completed_requests
Revises: 0006_analytics
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from adapters.persistence.column_types import UtcDateTime, ordered_key

revision: str = "0007_completed_requests"
down_revision: str | None = "0006_analytics"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "completed_requests",
        sa.Column("app_id", ordered_key(), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("operation", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("completed_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name="fk_completed_requests_app_id_apps", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("app_id", "request_id", name="pk_completed_requests"),
    )


def downgrade() -> None:
    op.drop_table("completed_requests")
