"""Resources that were looked for and are not there."""

from __future__ import annotations

from domain.errors.base import NotFound


class AppNotFound(NotFound):
    reason = "APP_NOT_FOUND"
    resource_type = "App"


class ShopNotFound(NotFound):
    reason = "SHOP_NOT_FOUND"
    resource_type = "Shop"


class TokenNotFound(NotFound):
    reason = "TOKEN_NOT_FOUND"
    resource_type = "Token"


class TaskNotFound(NotFound):
    reason = "TASK_NOT_FOUND"
    resource_type = "Task"


class OrderNotFound(NotFound):
    reason = "ORDER_NOT_FOUND"
    resource_type = "Order"


class PoolNotFound(NotFound):
    reason = "POOL_NOT_FOUND"
    resource_type = "InventoryPool"


class ChannelProductNotFound(NotFound):
    reason = "CHANNEL_PRODUCT_NOT_FOUND"
    resource_type = "ChannelProduct"


class ChannelSkuNotFound(NotFound):
    reason = "CHANNEL_SKU_NOT_FOUND"
    resource_type = "ChannelSku"


class ReservationNotFound(NotFound):
    reason = "RESERVATION_NOT_FOUND"
    resource_type = "Reservation"


class ShoplineVariantNotFound(NotFound):
    """Not among the SHOPLINE store's variants (as last read from SHOPLINE)."""

    reason = "SHOPLINE_VARIANT_NOT_FOUND"
    resource_type = "ShoplineVariant"
