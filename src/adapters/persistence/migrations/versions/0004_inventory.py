"""Inventory: per-SKU push state and pool bookkeeping.

Revision ID: 0004_inventory
Revises: 0003_catalog
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from adapters.persistence.column_types import UtcDateTime, ordered_key

revision: str = "0004_inventory"
down_revision: str | None = "0003_catalog"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_POOL_FIGURES = ("committed", "held", "available", "oversold", "linked_sku_count")


def upgrade() -> None:
    for name in _POOL_FIGURES:
        op.add_column("inventory_pools", sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
    op.add_column("pool_reservations", sa.Column("finished_at", UtcDateTime(), nullable=True))
    op.create_index("ix_pool_reservations_shop_id_order_id", "pool_reservations", ["shop_id", "order_id"])
    op.add_column("pool_linked_skus", sa.Column("product_id", sa.String(length=64), nullable=True))
    op.create_table(
        "inventory_push_states",
        sa.Column("pool_id", ordered_key(), nullable=False),
        sa.Column("sku_id", ordered_key(), nullable=False),
        sa.Column("app_id", ordered_key(), nullable=False),
        sa.Column("shop_id", ordered_key(), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=True),
        sa.Column("desired", sa.Integer(), nullable=False),
        sa.Column("desired_seq", sa.Integer(), nullable=False),
        sa.Column("pushed", sa.Integer(), nullable=True),
        sa.Column("pushed_at", UtcDateTime(), nullable=True),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UtcDateTime(), nullable=True),
        sa.Column("lease_owner", sa.String(length=255), nullable=True),
        sa.Column("lease_until", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["pool_id"],
            ["inventory_pools.id"],
            name="fk_inventory_push_states_pool_id_inventory_pools",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name="fk_inventory_push_states_app_id_apps", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name="fk_inventory_push_states_shop_id_shops", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("pool_id", "sku_id", name="pk_inventory_push_states"),
    )
    op.create_index(
        "ix_inventory_push_states_result_next_attempt_at",
        "inventory_push_states",
        ["result", "next_attempt_at"],
    )
    op.create_index(
        "ix_inventory_push_states_app_id_pool_id_sku_id",
        "inventory_push_states",
        ["app_id", "pool_id", "sku_id"],
    )
    op.create_index("ix_inventory_push_states_shop_id", "inventory_push_states", ["shop_id"])
    _backfill()


def _backfill() -> None:
    """Pools written before this revision: their figures, and a due push for every linked SKU."""
    op.execute(
        "UPDATE inventory_pools SET"
        " held = (SELECT COALESCE(SUM(r.quantity), 0) FROM pool_reservations r"
        "   WHERE r.pool_id = inventory_pools.id AND r.state = 'HELD'),"
        " committed = (SELECT COALESCE(SUM(r.quantity), 0) FROM pool_reservations r"
        "   WHERE r.pool_id = inventory_pools.id AND r.state = 'COMMITTED'),"
        " linked_sku_count = (SELECT COUNT(*) FROM pool_linked_skus l WHERE l.pool_id = inventory_pools.id)"
    )
    op.execute(
        "UPDATE inventory_pools SET"
        " available = CASE WHEN on_hand - held - safety_stock > 0"
        "   THEN on_hand - held - safety_stock ELSE 0 END,"
        " oversold = CASE"
        "   WHEN on_hand - safety_stock <= 0 THEN held"
        "   WHEN held - (on_hand - safety_stock) > 0 THEN held - (on_hand - safety_stock)"
        "   ELSE 0 END"
    )
    op.execute(
        "INSERT INTO inventory_push_states (pool_id, sku_id, app_id, shop_id, product_id, desired,"
        " desired_seq, pushed, pushed_at, result, error, failures, next_attempt_at, lease_owner,"
        " lease_until)"
        " SELECT l.pool_id, l.sku_id, p.app_id, l.shop_id, NULL,"
        " CASE WHEN l.cap IS NOT NULL AND l.cap < p.available THEN l.cap ELSE p.available END,"
        " 1, NULL, NULL, 'PENDING', '', 0, NULL, NULL, NULL"
        " FROM pool_linked_skus l JOIN inventory_pools p ON p.id = l.pool_id"
    )


def downgrade() -> None:
    op.drop_index("ix_inventory_push_states_shop_id", table_name="inventory_push_states")
    op.drop_index("ix_inventory_push_states_app_id_pool_id_sku_id", table_name="inventory_push_states")
    op.drop_index("ix_inventory_push_states_result_next_attempt_at", table_name="inventory_push_states")
    op.drop_table("inventory_push_states")
    with op.batch_alter_table("pool_linked_skus") as batch:
        batch.drop_column("product_id")
    op.drop_index("ix_pool_reservations_shop_id_order_id", table_name="pool_reservations")
    with op.batch_alter_table("pool_reservations") as batch:
        batch.drop_column("finished_at")
    with op.batch_alter_table("inventory_pools") as batch:
        for name in reversed(_POOL_FIGURES):
            batch.drop_column(name)
