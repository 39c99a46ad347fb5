"""The API's resource names (``apps/{app}/shops/{shop}`` …), as errors and views report them.

One spelling for the whole service: a ``NotFound`` names what the caller asked for in full, so it
reads the same whichever layer noticed the resource was missing.
"""

from __future__ import annotations


def app_name(app_id: str) -> str:
    return f"apps/{app_id}"


def shop_name(app_id: str, shop_id: str) -> str:
    return f"{app_name(app_id)}/shops/{shop_id}"


def order_name(app_id: str, shop_id: str, order_id: str) -> str:
    return f"{shop_name(app_id, shop_id)}/orders/{order_id}"


def product_name(app_id: str, shop_id: str, product_id: str) -> str:
    return f"{shop_name(app_id, shop_id)}/products/{product_id}"


def pool_name(app_id: str, pool: str) -> str:
    return f"{app_name(app_id)}/inventoryPools/{pool}"


def task_name(app_id: str, task_id: str) -> str:
    return f"{app_name(app_id)}/tasks/{task_id}"


def sku_name(app_id: str, shop_id: str, product_id: str, sku_id: str) -> str:
    return f"{product_name(app_id, shop_id, product_id)}/skus/{sku_id}"
