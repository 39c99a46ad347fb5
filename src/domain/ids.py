"""Identifier types shared by aggregates; aggregates refer to each other only through these."""

from __future__ import annotations

from typing import NewType

AppId = NewType("AppId", str)
ShopId = NewType("ShopId", str)
"""Our id of an authorized shop."""
TikTokShopId = NewType("TikTokShopId", str)
"""TikTok's id of a shop (a 64-bit integer as a string)."""
TaskId = NewType("TaskId", str)
OrderId = NewType("OrderId", str)
"""TikTok's order id."""
PoolId = NewType("PoolId", str)
ChannelProductId = NewType("ChannelProductId", str)
ChannelSkuId = NewType("ChannelSkuId", str)
ShoplineVariantId = NewType("ShoplineVariantId", str)
ShoplineOrderId = NewType("ShoplineOrderId", str)
ShoplineCustomerId = NewType("ShoplineCustomerId", str)
