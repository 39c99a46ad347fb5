"""Product endpoints (reference §3.2-§3.6), API version 202309.

Product search stops at 10 000 results per query, so a window whose `total_count` is larger is
split in halves by `update_time` until every part fits.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from contextlib import aclosing
from typing import Any

from adapters.tiktok.transport import AccessTokenSource, ApiCall, TikTokTransport, iterate_pages

SEARCH_PATH = "/product/202309/products/search"
INVENTORY_SEARCH_PATH = "/product/202309/inventory/search"
SEARCH_RESULT_CAP = 10_000
MAX_PAGE_SIZE = 100


def product_path(product_id: str) -> str:
    return f"/product/202309/products/{product_id}"


async def search_products(
    transport: TikTokTransport,
    tokens: AccessTokenSource,
    shop_cipher: str,
    update_time_ge: int,
    update_time_le: int,
    *,
    page_size: int = MAX_PAGE_SIZE,
    result_cap: int = SEARCH_RESULT_CAP,
) -> AsyncGenerator[dict[str, Any], None]:
    """Pages (`data`) of products with `update_time_ge <= update_time <= update_time_le`."""
    size = max(1, min(page_size, MAX_PAGE_SIZE))
    pending = [(update_time_ge, update_time_le)]
    while pending:
        start, end = pending.pop(0)
        call = ApiCall(
            "POST",
            SEARCH_PATH,
            params={"page_size": size},
            body={"update_time_ge": start, "update_time_le": end},
            shop_cipher=shop_cipher,
        )
        first = True
        async with aclosing(iterate_pages(transport, tokens, call)) as pages:
            async for data in pages:
                if first and int(data.get("total_count") or 0) > result_cap and end > start:
                    middle = start + (end - start) // 2
                    pending[:0] = [(start, middle), (middle + 1, end)]
                    break
                first = False
                yield data


async def get_product(
    transport: TikTokTransport, tokens: AccessTokenSource, shop_cipher: str, product_id: str
) -> Any:
    reply = await transport.call(ApiCall("GET", product_path(product_id), shop_cipher=shop_cipher), tokens)
    return reply.data


async def search_inventory(
    transport: TikTokTransport,
    tokens: AccessTokenSource,
    shop_cipher: str,
    *,
    product_ids: Sequence[str] = (),
    sku_ids: Sequence[str] = (),
) -> Any:
    body: dict[str, Any] = {}
    if product_ids:
        body["product_ids"] = list(product_ids)
    if sku_ids:
        body["sku_ids"] = list(sku_ids)
    reply = await transport.call(
        ApiCall("POST", INVENTORY_SEARCH_PATH, body=body, shop_cipher=shop_cipher), tokens
    )
    return reply.data


async def update_inventory(
    transport: TikTokTransport,
    tokens: AccessTokenSource,
    shop_cipher: str,
    product_id: str,
    skus: list[dict[str, Any]],
) -> Any:
    """Absolute quantities, so repeating the call is harmless: it is retried like a read."""
    call = ApiCall(
        "POST", f"{product_path(product_id)}/inventory/update", body={"skus": skus}, shop_cipher=shop_cipher
    )
    return (await transport.call(call, tokens)).data


async def update_prices(
    transport: TikTokTransport,
    tokens: AccessTokenSource,
    shop_cipher: str,
    product_id: str,
    skus: list[dict[str, Any]],
) -> Any:
    call = ApiCall(
        "POST", f"{product_path(product_id)}/prices/update", body={"skus": skus}, shop_cipher=shop_cipher
    )
    return (await transport.call(call, tokens)).data
