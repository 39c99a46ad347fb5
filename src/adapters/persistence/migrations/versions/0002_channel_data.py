"""Shops, shop registry, encrypted tokens, pools, orders, catalog, tasks, import ledger, OAuth states.

Revision ID: 0002_channel_data
Revises: 0001_baseline
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from adapters.persistence.column_types import DecimalString, UtcDateTime, ordered_key

revision: str = "0002_channel_data"
down_revision: str | None = "0001_baseline"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_ledger",
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("tiktok_shop_id", sa.String(length=64), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("shopline_order_id", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "tiktok_shop_id", "order_id", name="pk_import_ledger"),
    )
    op.create_table(
        "inventory_pools",
        sa.Column("id", ordered_key(), nullable=False),
        sa.Column("app_id", ordered_key(), nullable=False),
        sa.Column("variant_id", sa.String(length=64), nullable=False),
        sa.Column("on_hand", sa.Integer(), nullable=False),
        sa.Column("on_hand_version", UtcDateTime(), nullable=True),
        sa.Column("safety_stock", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name="fk_inventory_pools_app_id_apps", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_inventory_pools"),
        sa.UniqueConstraint("app_id", "variant_id", name="uq_inventory_pools_app_id_variant_id"),
    )
    op.create_index("ix_inventory_pools_app_id_id", "inventory_pools", ["app_id", "id"], unique=False)
    op.create_table(
        "shop_links",
        sa.Column("tiktok_shop_id", ordered_key(), nullable=False),
        sa.Column("app_id", ordered_key(), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name="fk_shop_links_app_id_apps", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tiktok_shop_id", name="pk_shop_links"),
    )
    op.create_index("ix_shop_links_app_id", "shop_links", ["app_id"], unique=False)
    op.create_table(
        "shopline_tokens",
        sa.Column("app_id", ordered_key(), nullable=False),
        sa.Column("access_token", sa.LargeBinary(), nullable=False),
        sa.Column("issued_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("revoked_at", UtcDateTime(), nullable=True),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name="fk_shopline_tokens_app_id_apps", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("app_id", name="pk_shopline_tokens"),
    )
    op.create_index("ix_shopline_tokens_key_id", "shopline_tokens", ["key_id"], unique=False)
    op.create_table(
        "shops",
        sa.Column("id", ordered_key(), nullable=False),
        sa.Column("app_id", ordered_key(), nullable=False),
        sa.Column("tiktok_shop_id", sa.String(length=64), nullable=False),
        sa.Column("cipher", sa.String(length=255), nullable=False),
        sa.Column("region", sa.String(length=8), nullable=False),
        sa.Column("seller_type", sa.String(length=32), nullable=False),
        sa.Column("tiktok_name", sa.String(length=255), nullable=False),
        sa.Column("display_name", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("authorized_at", UtcDateTime(), nullable=False),
        sa.Column("reauthorized_at", UtcDateTime(), nullable=True),
        sa.Column("orders_synced_until", UtcDateTime(), nullable=True),
        sa.Column("products_synced_until", UtcDateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["app_id"], ["apps.id"], name="fk_shops_app_id_apps", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_shops"),
        sa.UniqueConstraint("tiktok_shop_id", name="uq_shops_tiktok_shop_id"),
    )
    op.create_index("ix_shops_app_id_id", "shops", ["app_id", "id"], unique=False)
    op.create_index("ix_shops_cipher", "shops", ["cipher"], unique=False)
    op.create_table(
        "channel_products",
        sa.Column("shop_id", ordered_key(), nullable=False),
        sa.Column("id", ordered_key(), nullable=False),
        sa.Column("app_id", ordered_key(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=64), nullable=False),
        sa.Column("update_time", UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name="fk_channel_products_shop_id_shops", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("shop_id", "id", name="pk_channel_products"),
    )
    op.create_table(
        "oauth_states",
        sa.Column("state_hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("app_id", ordered_key(), nullable=True),
        sa.Column("region", sa.String(length=8), nullable=True),
        sa.Column("display_name", sa.String(length=255), nullable=True),
        sa.Column("shop_id", ordered_key(), nullable=True),
        sa.Column("store_handle", sa.String(length=63), nullable=True),
        sa.Column("redirect_uri", sa.Text(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name="fk_oauth_states_app_id_apps", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name="fk_oauth_states_shop_id_shops", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("state_hash", name="pk_oauth_states"),
    )
    op.create_index("ix_oauth_states_expires_at", "oauth_states", ["expires_at"], unique=False)
    op.create_table(
        "orders",
        sa.Column("shop_id", ordered_key(), nullable=False),
        sa.Column("id", ordered_key(), nullable=False),
        sa.Column("app_id", ordered_key(), nullable=False),
        sa.Column("tiktok_shop_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("total_amount", DecimalString(), nullable=False),
        sa.Column("total_currency", sa.String(length=3), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("buyer_user_id", sa.String(length=255), nullable=False),
        sa.Column("buyer_email", sa.String(length=255), nullable=False),
        sa.Column("buyer_name", sa.String(length=255), nullable=False),
        sa.Column("create_time", UtcDateTime(), nullable=False),
        sa.Column("update_time", UtcDateTime(), nullable=False),
        sa.Column("first_seen_at", UtcDateTime(), nullable=False),
        sa.Column("cancellation_state", sa.String(length=32), nullable=False),
        sa.Column("cancel_id", sa.String(length=64), nullable=True),
        sa.Column("cancel_response_deadline", UtcDateTime(), nullable=True),
        sa.Column("import_state", sa.String(length=32), nullable=False),
        sa.Column("shopline_order_id", sa.String(length=64), nullable=True),
        sa.Column("import_failure_reason", sa.Text(), nullable=True),
        sa.Column("import_attempted_at", UtcDateTime(), nullable=True),
        sa.Column("stock_state", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name="fk_orders_shop_id_shops", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("shop_id", "id", name="pk_orders"),
    )
    op.create_index("ix_orders_app_id_create_time", "orders", ["app_id", "create_time"], unique=False)
    op.create_index("ix_orders_shop_id_create_time", "orders", ["shop_id", "create_time"], unique=False)
    op.create_index("ix_orders_shop_id_update_time", "orders", ["shop_id", "update_time"], unique=False)
    op.create_table(
        "pool_linked_skus",
        sa.Column("pool_id", ordered_key(), nullable=False),
        sa.Column("sku_id", ordered_key(), nullable=False),
        sa.Column("shop_id", ordered_key(), nullable=False),
        sa.Column("cap", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["pool_id"],
            ["inventory_pools.id"],
            name="fk_pool_linked_skus_pool_id_inventory_pools",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name="fk_pool_linked_skus_shop_id_shops", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("pool_id", "sku_id", name="pk_pool_linked_skus"),
    )
    op.create_index("ix_pool_linked_skus_shop_id", "pool_linked_skus", ["shop_id"], unique=False)
    op.create_index("ix_pool_linked_skus_sku_id", "pool_linked_skus", ["sku_id"], unique=False)
    op.create_table(
        "pool_reservations",
        sa.Column("pool_id", ordered_key(), nullable=False),
        sa.Column("shop_id", ordered_key(), nullable=False),
        sa.Column("order_id", ordered_key(), nullable=False),
        sa.Column("sku_id", ordered_key(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reserved_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pool_id"],
            ["inventory_pools.id"],
            name="fk_pool_reservations_pool_id_inventory_pools",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name="fk_pool_reservations_shop_id_shops", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("pool_id", "shop_id", "order_id", "sku_id", name="pk_pool_reservations"),
    )
    op.create_index("ix_pool_reservations_shop_id", "pool_reservations", ["shop_id"], unique=False)
    op.create_table(
        "tasks",
        sa.Column("id", ordered_key(), nullable=False),
        sa.Column("app_id", ordered_key(), nullable=False),
        sa.Column("shop_id", ordered_key(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("created_count", sa.Integer(), nullable=False),
        sa.Column("updated_count", sa.Integer(), nullable=False),
        sa.Column("skipped_count", sa.Integer(), nullable=False),
        sa.Column("failed_count", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("last_errors", sa.JSON(), nullable=False),
        sa.Column("checkpoint", sa.Text(), nullable=True),
        sa.Column("lease_owner", sa.String(length=255), nullable=True),
        sa.Column("lease_expires_at", UtcDateTime(), nullable=True),
        sa.Column("started_at", UtcDateTime(), nullable=True),
        sa.Column("finished_at", UtcDateTime(), nullable=True),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["app_id"], ["apps.id"], name="fk_tasks_app_id_apps", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name="fk_tasks_shop_id_shops", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_tasks"),
    )
    op.create_index("ix_tasks_app_id_created_at_id", "tasks", ["app_id", "created_at", "id"], unique=False)
    op.create_index("ix_tasks_app_id_id", "tasks", ["app_id", "id"], unique=False)
    op.create_index("ix_tasks_shop_id", "tasks", ["shop_id"], unique=False)
    op.create_index("ix_tasks_state_created_at", "tasks", ["state", "created_at"], unique=False)
    op.create_index("ix_tasks_state_lease_expires_at", "tasks", ["state", "lease_expires_at"], unique=False)
    op.create_table(
        "tiktok_tokens",
        sa.Column("shop_id", ordered_key(), nullable=False),
        sa.Column("access_token", sa.LargeBinary(), nullable=False),
        sa.Column("access_expires_at", UtcDateTime(), nullable=False),
        sa.Column("refresh_token", sa.LargeBinary(), nullable=False),
        sa.Column("refresh_expires_at", UtcDateTime(), nullable=False),
        sa.Column("issued_at", UtcDateTime(), nullable=False),
        sa.Column("revoked_at", UtcDateTime(), nullable=True),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name="fk_tiktok_tokens_shop_id_shops", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("shop_id", name="pk_tiktok_tokens"),
    )
    op.create_index("ix_tiktok_tokens_key_id", "tiktok_tokens", ["key_id"], unique=False)
    op.create_table(
        "channel_skus",
        sa.Column("shop_id", ordered_key(), nullable=False),
        sa.Column("product_id", ordered_key(), nullable=False),
        sa.Column("sku_id", ordered_key(), nullable=False),
        sa.Column("seller_sku", sa.String(length=255), nullable=False),
        sa.Column("price_amount", DecimalString(), nullable=True),
        sa.Column("price_currency", sa.String(length=3), nullable=True),
        sa.Column("inventory", sa.JSON(), nullable=False),
        sa.Column("link_variant_id", sa.String(length=64), nullable=True),
        sa.Column("link_kind", sa.String(length=16), nullable=True),
        sa.Column("linked_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["shop_id", "product_id"],
            ["channel_products.shop_id", "channel_products.id"],
            name="fk_channel_skus_product",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("shop_id", "product_id", "sku_id", name="pk_channel_skus"),
    )
    op.create_index("ix_channel_skus_link_variant_id", "channel_skus", ["link_variant_id"], unique=False)
    op.create_index("ix_channel_skus_shop_id_sku_id", "channel_skus", ["shop_id", "sku_id"], unique=False)


def downgrade() -> None:
    op.drop_table("channel_skus")
    op.drop_table("tiktok_tokens")
    op.drop_table("tasks")
    op.drop_table("pool_reservations")
    op.drop_table("pool_linked_skus")
    op.drop_table("orders")
    op.drop_table("oauth_states")
    op.drop_table("channel_products")
    op.drop_table("shops")
    op.drop_table("shopline_tokens")
    op.drop_table("shop_links")
    op.drop_table("inventory_pools")
    op.drop_table("import_ledger")
