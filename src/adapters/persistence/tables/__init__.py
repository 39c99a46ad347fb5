"""Table definitions (SQLAlchemy Core). Aggregates are mapped explicitly, never instrumented.

The tables are defined by family in the modules of this package, all on the one ``metadata`` of
``schema``; importing the package defines them all (migrations read ``metadata`` from here).
"""

from __future__ import annotations

from adapters.persistence.tables.access import api_keys
from adapters.persistence.tables.accounts import (
    apps,
    customer_links,
    oauth_states,
    shop_links,
    shopline_tokens,
    shops,
    tiktok_tokens,
)
from adapters.persistence.tables.analytics import store_order_lines, store_order_sync, store_orders
from adapters.persistence.tables.catalog import channel_products, channel_skus, shopline_variants
from adapters.persistence.tables.channel_orders import import_ledger, order_open_lines, orders
from adapters.persistence.tables.inventory import (
    inventory_pools,
    inventory_push_states,
    pool_linked_skus,
    pool_reservations,
)
from adapters.persistence.tables.returns import order_returns
from adapters.persistence.tables.schema import metadata
from adapters.persistence.tables.shipping import (
    carrier_mappings,
    order_shipments,
    own_shopline_fulfillments,
    shipping_provider_cache,
)
from adapters.persistence.tables.tasks_and_requests import completed_requests, tasks
from adapters.persistence.tables.webhooks import webhook_inbox, webhook_subscription_checks

SHOP_OWNED_TABLES = (
    tiktok_tokens,
    pool_reservations,
    pool_linked_skus,
    inventory_push_states,
    orders,
    order_open_lines,
    order_returns,
    channel_products,
    channel_skus,
    tasks,
    oauth_states,
    order_shipments,
    carrier_mappings,
    shipping_provider_cache,
)
"""Tables whose rows belong to one shop (``shop_id``); deleting the shop leaves none behind."""

__all__ = [
    "SHOP_OWNED_TABLES",
    "api_keys",
    "apps",
    "carrier_mappings",
    "channel_products",
    "channel_skus",
    "completed_requests",
    "customer_links",
    "import_ledger",
    "inventory_pools",
    "inventory_push_states",
    "metadata",
    "oauth_states",
    "order_open_lines",
    "order_returns",
    "order_shipments",
    "orders",
    "own_shopline_fulfillments",
    "pool_linked_skus",
    "pool_reservations",
    "shipping_provider_cache",
    "shop_links",
    "shopline_tokens",
    "shopline_variants",
    "shops",
    "store_order_lines",
    "store_order_sync",
    "store_orders",
    "tasks",
    "tiktok_tokens",
    "webhook_inbox",
    "webhook_subscription_checks",
]
