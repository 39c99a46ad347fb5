"""What a completed client request produced, so a repeated start call returns the task it started.

Revision ID: 0009_completed_request_results
Revises: 0008_output_fields
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_completed_request_results"
down_revision: str | None = "0008_output_fields"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("completed_requests", sa.Column("result", sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("completed_requests") as batch:
        batch.drop_column("result")
