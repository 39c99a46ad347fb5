"""Order endpoints (reference §3.7, §3.8) and warehouses (§3.13), API version 202309."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from typing import Any

from adapters.tiktok.transport import (
    AccessTokenSource,
    ApiCall,
    TikTokTransport,
    update_time_search,
)

SEARCH_PATH = "/order/202309/orders/search"
DETAIL_PATH = "/order/202309/orders"
WAREHOUSES_PATH = "/logistics/202309/warehouses"
MAX_DETAIL_IDS = 50
MAX_PAGE_SIZE = 100


def search_orders(
    transport: TikTokTransport,
    tokens: AccessTokenSource,
    shop_cipher: str,
    update_time_ge: int,
    update_time_lt: int,
    *,
    page_size: int = MAX_PAGE_SIZE,
) -> AsyncGenerator[dict[str, Any], None]:
    """Pages of orders with `update_time_ge <= update_time < update_time_lt`, oldest update first."""
    return update_time_search(
        transport,
        tokens,
        SEARCH_PATH,
        shop_cipher,
        update_time_ge,
        update_time_lt,
        page_size=page_size,
        max_page_size=MAX_PAGE_SIZE,
    )


async def get_order_details(
    transport: TikTokTransport, tokens: AccessTokenSource, shop_cipher: str, order_ids: Sequence[str]
) -> list[Any]:
    """Raw orders, fetched in batches of at most 50 comma-joined ids."""
    found: list[Any] = []
    for start in range(0, len(order_ids), MAX_DETAIL_IDS):
        batch = order_ids[start : start + MAX_DETAIL_IDS]
        call = ApiCall("GET", DETAIL_PATH, params={"ids": ",".join(batch)}, shop_cipher=shop_cipher)
        data = (await transport.call(call, tokens)).data
        found.extend((data or {}).get("orders") or [])
    return found


async def get_warehouses(transport: TikTokTransport, tokens: AccessTokenSource, shop_cipher: str) -> Any:
    return (await transport.call(ApiCall("GET", WAREHOUSES_PATH, shop_cipher=shop_cipher), tokens)).data
