"""Conflicts: a resource that already exists, and one someone else changed or holds."""

from __future__ import annotations

from domain.errors.base import AlreadyExists, ConcurrencyConflict


class AppAlreadyExists(AlreadyExists):
    reason = "APP_ALREADY_EXISTS"
    resource_type = "App"


class ShopAlreadyExists(AlreadyExists):
    reason = "SHOP_ALREADY_EXISTS"
    resource_type = "Shop"


class TaskAlreadyExists(AlreadyExists):
    reason = "TASK_ALREADY_EXISTS"
    resource_type = "Task"


class OrderAlreadyExists(AlreadyExists):
    reason = "ORDER_ALREADY_EXISTS"
    resource_type = "Order"


class PoolAlreadyExists(AlreadyExists):
    reason = "POOL_ALREADY_EXISTS"
    resource_type = "InventoryPool"


class ChannelProductAlreadyExists(AlreadyExists):
    reason = "CHANNEL_PRODUCT_ALREADY_EXISTS"
    resource_type = "ChannelProduct"


class OrderAlreadyImported(AlreadyExists):
    """The import ledger already maps this channel order to a different SHOPLINE order."""

    reason = "ORDER_ALREADY_IMPORTED"
    resource_type = "ImportedOrder"


class TaskLeaseHeld(ConcurrencyConflict):
    reason = "TASK_LEASE_HELD"


class TaskLeaseLost(ConcurrencyConflict):
    reason = "TASK_LEASE_LOST"


class StaleWrite(ConcurrencyConflict):
    """Persistence detected that the row changed since it was read (optimistic locking)."""

    reason = "STALE_WRITE"
