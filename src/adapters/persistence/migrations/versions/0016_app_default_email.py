"""Apps keep a default email, given to SHOPLINE for orders TikTok ships with the buyer's hidden.

Revision ID: 0016_app_default_email
Revises: 0015_api_keys
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_app_default_email"
down_revision: str | None = "0015_api_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("apps", sa.Column("default_email", sa.String(64), nullable=True))


def downgrade() -> None:
    op.drop_column("apps", "default_email")
