"""The lines of orders that still hold stock, by SKU, filled from the orders already stored.

Revision ID: 0010_open_order_lines
Revises: 0009_completed_request_results
Create Date: 2026-12-04
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from adapters.persistence.column_types import ordered_key

revision: str = "0010_open_order_lines"
down_revision: str | None = "0009_completed_request_results"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BACKFILL_BATCH = 1_000


def upgrade() -> None:
    table = op.create_table(
        "order_open_lines",
        sa.Column("shop_id", ordered_key(), nullable=False),
        sa.Column("sku_id", ordered_key(), nullable=False),
        sa.Column("order_id", ordered_key(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name="fk_order_open_lines_shop_id_shops", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("shop_id", "sku_id", "order_id", name="pk_order_open_lines"),
    )
    orders = sa.table(
        "orders", sa.column("shop_id"), sa.column("id"), sa.column("lines"), sa.column("stock_state")
    )
    holding = sa.select(orders.c.shop_id, orders.c.id, orders.c.lines).where(
        orders.c.stock_state == "RESERVED"
    )
    bind = op.get_bind()
    rows: list[dict[str, object]] = []
    for shop_id, order_id, lines in bind.execute(holding):
        for line in json.loads(lines) if isinstance(lines, str) else lines:
            rows.append(
                {
                    "shop_id": shop_id,
                    "sku_id": line["sku_id"],
                    "order_id": order_id,
                    "quantity": line["quantity"],
                }
            )
        if len(rows) >= BACKFILL_BATCH:
            op.bulk_insert(table, rows)
            rows = []
    if rows:
        op.bulk_insert(table, rows)


def downgrade() -> None:
    op.drop_table("order_open_lines")
