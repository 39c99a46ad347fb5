"""Resource names (``apps/{app}``, ``apps/{app}/shops/{shop}`` …) built and parsed at the edge.

Parsing a name is also where its app is checked against the caller's apps: every name a request
carries is resolved here, so this is the one place a caller is kept inside its apps.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from adapters.grpc.access.caller import may_see, note_resource
from domain.errors import (
    AppNotFound,
    ChannelProductNotFound,
    ChannelSkuNotFound,
    InvalidArgument,
    NotFound,
    OrderNotFound,
    PoolNotFound,
    ShopNotFound,
    TaskNotFound,
    quoted,
)
from domain.ids import AppId, ChannelProductId, ChannelSkuId, OrderId, ShopId, ShoplineVariantId, TaskId

_SEGMENT = r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}"
_APP = re.compile(rf"apps/({_SEGMENT})")
_SHOP = re.compile(rf"apps/({_SEGMENT})/shops/({_SEGMENT})")
_TASK = re.compile(rf"apps/({_SEGMENT})/tasks/({_SEGMENT})")
_ORDER = re.compile(rf"apps/({_SEGMENT})/shops/({_SEGMENT})/orders/([0-9]{{1,64}})")
_ORDER_PARENT = re.compile(rf"apps/({_SEGMENT})/shops/({_SEGMENT}|-)")


def app_name(app_id: str) -> str:
    return f"apps/{app_id}"


def shop_name(app_id: str, shop_id: str) -> str:
    return f"apps/{app_id}/shops/{shop_id}"


def task_name(app_id: str, task_id: str) -> str:
    return f"apps/{app_id}/tasks/{task_id}"


def order_name(app_id: str, shop_id: str, order_id: str) -> str:
    return f"apps/{app_id}/shops/{shop_id}/orders/{order_id}"


def inventory_pool_name(app_id: str, variant_id: str) -> str:
    """Pools are named by the SHOPLINE variant they hold the stock of."""
    return f"apps/{app_id}/inventoryPools/{variant_id}"


def channel_sku_name(app_id: str, shop_id: str, product_id: str, sku_id: str) -> str:
    return f"apps/{app_id}/shops/{shop_id}/products/{product_id}/skus/{sku_id}"


_INVENTORY_POOL = re.compile(rf"apps/({_SEGMENT})/inventoryPools/({_SEGMENT})")


def parse_inventory_pool_name(name: str, field: str = "name") -> tuple[AppId, ShoplineVariantId]:
    """``apps/{app}/inventoryPools/{pool}``, where {pool} is the SHOPLINE variant id."""
    match = _match(_INVENTORY_POOL, name, field, "apps/{app}/inventoryPools/{pool}")
    return _visible(match.group(1), name, PoolNotFound), ShoplineVariantId(match.group(2))


def _visible(app_id: str, name: str, missing: Callable[[str], NotFound]) -> AppId:
    """``app_id`` when the caller may see it; else the NOT_FOUND of an app that does not exist, so
    another merchant's app stays unseen."""
    app = AppId(app_id)
    note_resource(name)
    if not may_see(app):
        raise missing(name)
    return app


def _match(pattern: re.Pattern[str], name: str, field: str, shape: str) -> re.Match[str]:
    if not name:
        raise InvalidArgument(field, f"is required ({shape})")
    match = pattern.fullmatch(name)
    if match is None:
        raise InvalidArgument(field, f"{quoted(name)} is not a name of the form {shape}")
    return match


def parse_app_name(name: str, field: str = "name") -> AppId:
    return _visible(_match(_APP, name, field, "apps/{app}").group(1), name, AppNotFound)


def parse_shop_name(name: str, field: str = "name") -> tuple[AppId, ShopId]:
    match = _match(_SHOP, name, field, "apps/{app}/shops/{shop}")
    return _visible(match.group(1), name, ShopNotFound), ShopId(match.group(2))


def parse_task_name(name: str, field: str = "name") -> tuple[AppId, TaskId]:
    match = _match(_TASK, name, field, "apps/{app}/tasks/{task}")
    return _visible(match.group(1), name, TaskNotFound), TaskId(match.group(2))


def parse_order_name(name: str, field: str = "name") -> tuple[AppId, ShopId, OrderId]:
    match = _match(_ORDER, name, field, "apps/{app}/shops/{shop}/orders/{order}")
    return _visible(match.group(1), name, OrderNotFound), ShopId(match.group(2)), OrderId(match.group(3))


def parse_order_parent(name: str, field: str = "parent") -> tuple[AppId, ShopId | None]:
    """A shop, or ``apps/{app}/shops/-`` for every shop of the app (shop None)."""
    match = _match(_ORDER_PARENT, name, field, "apps/{app}/shops/{shop} or apps/{app}/shops/-")
    shop = match.group(2)
    if shop == "-":
        return _visible(match.group(1), name, lambda _: AppNotFound(app_name(match.group(1)))), None
    return _visible(match.group(1), name, ShopNotFound), ShopId(shop)


# --- catalog ---------------------------------------------------------------------------------

_TIKTOK_ID = r"[0-9A-Za-z_-]{1,64}"
_PRODUCT = re.compile(rf"apps/({_SEGMENT})/shops/({_SEGMENT})/products/({_TIKTOK_ID})")
_SKU = re.compile(rf"apps/({_SEGMENT})/shops/({_SEGMENT})/products/({_TIKTOK_ID})/skus/({_TIKTOK_ID})")
_PRICE_RULE = re.compile(rf"apps/({_SEGMENT})/shops/({_SEGMENT})/priceRule")


def product_name(app_id: str, shop_id: str, product_id: str) -> str:
    return f"{shop_name(app_id, shop_id)}/products/{product_id}"


def sku_name(app_id: str, shop_id: str, product_id: str, sku_id: str) -> str:
    return f"{product_name(app_id, shop_id, product_id)}/skus/{sku_id}"


def price_rule_name(app_id: str, shop_id: str) -> str:
    return f"{shop_name(app_id, shop_id)}/priceRule"


def parse_product_name(name: str, field: str = "name") -> tuple[AppId, ShopId, ChannelProductId]:
    match = _match(_PRODUCT, name, field, "apps/{app}/shops/{shop}/products/{product}")
    app_id = _visible(match.group(1), name, ChannelProductNotFound)
    return app_id, ShopId(match.group(2)), ChannelProductId(match.group(3))


def parse_sku_name(name: str, field: str = "sku") -> tuple[AppId, ShopId, ChannelProductId, ChannelSkuId]:
    match = _match(_SKU, name, field, "apps/{app}/shops/{shop}/products/{product}/skus/{sku}")
    ids = match.groups()
    app_id = _visible(ids[0], name, ChannelSkuNotFound)
    return app_id, ShopId(ids[1]), ChannelProductId(ids[2]), ChannelSkuId(ids[3])


def parse_price_rule_name(name: str, field: str = "name") -> tuple[AppId, ShopId]:
    match = _match(_PRICE_RULE, name, field, "apps/{app}/shops/{shop}/priceRule")
    shop = shop_name(match.group(1), match.group(2))
    return _visible(match.group(1), name, lambda _: ShopNotFound(shop)), ShopId(match.group(2))


def parse_request_id(value: str, field: str = "request_id") -> str | None:
    """An optional client retry key: None when absent, else a UUID in RFC 4122 text form."""
    if not value:
        return None
    try:
        uuid.UUID(value)
    except ValueError:
        raise InvalidArgument(field, "must be a UUID in RFC 4122 text form") from None
    return value.lower()
