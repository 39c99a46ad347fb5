"""Products, variants, inventory levels and locations (reference B1, B2)."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from typing import Any

from adapters.shopline.scopes import (
    READ_PRODUCTS,
    READ_STORE_INFORMATION,
    WRITE_INVENTORY,
    WRITE_PRODUCTS,
)
from adapters.shopline.transport import RestCall, ShoplineTransport, iterate_pages

PRODUCT_PAGE_LIMIT = 250
MAX_ITEM_IDS_PER_LEVEL_QUERY = 50


def list_products(
    transport: ShoplineTransport,
    handle: str,
    token: str,
    *,
    limit: int = PRODUCT_PAGE_LIMIT,
    updated_at_min: str | None = None,
) -> AsyncGenerator[Any, None]:
    params: dict[str, str | int] = {} if updated_at_min is None else {"updated_at_min": updated_at_min}
    return iterate_pages(
        transport, handle, token, RestCall("GET", "products/products.json", READ_PRODUCTS, params), limit
    )


async def store_information(transport: ShoplineTransport, handle: str, token: str) -> Any:
    """Store id, name, domain, settlement currency … (scope `read_store_information`)."""
    return (
        await transport.call(handle, token, RestCall("GET", "merchants/shop.json", READ_STORE_INFORMATION))
    ).data


async def get_variant(transport: ShoplineTransport, handle: str, token: str, variant_id: str) -> Any:
    return (
        await transport.call(
            handle, token, RestCall("GET", f"products/variants/{variant_id}.json", READ_PRODUCTS)
        )
    ).data


async def update_variant_price(
    transport: ShoplineTransport, handle: str, token: str, variant_id: str, price: str
) -> Any:
    body = {"variant": {"id": variant_id, "price": price}}
    return (
        await transport.call(
            handle, token, RestCall("PUT", f"products/variants/{variant_id}.json", WRITE_PRODUCTS, body=body)
        )
    ).data


async def inventory_levels(
    transport: ShoplineTransport,
    handle: str,
    token: str,
    inventory_item_ids: Sequence[str],
    location_ids: Sequence[str],
) -> list[Any]:
    """Raw response bodies, one per batch of at most 50 inventory items."""
    bodies = []
    for start in range(0, len(inventory_item_ids), MAX_ITEM_IDS_PER_LEVEL_QUERY):
        params = {
            "inventory_item_ids": ",".join(inventory_item_ids[start : start + MAX_ITEM_IDS_PER_LEVEL_QUERY])
        }
        if location_ids:
            params["location_ids"] = ",".join(location_ids)
        bodies.append(
            (
                await transport.call(
                    handle, token, RestCall("GET", "inventory_levels.json", WRITE_INVENTORY, params)
                )
            ).data
        )
    return bodies


async def set_inventory_level(
    transport: ShoplineTransport,
    handle: str,
    token: str,
    inventory_item_id: str,
    location_id: str,
    available: int,
) -> Any:
    """An absolute value, so a repeat is harmless and the call is retried like a read."""
    body = {"inventory_item_id": inventory_item_id, "location_id": location_id, "available": available}
    return (
        await transport.call(
            handle, token, RestCall("POST", "inventory_levels/set.json", WRITE_INVENTORY, body=body)
        )
    ).data


async def list_locations(transport: ShoplineTransport, handle: str, token: str) -> Any:
    return (await transport.call(handle, token, RestCall("GET", "locations/list.json", WRITE_INVENTORY))).data
