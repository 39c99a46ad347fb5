"""Product endpoints (reference §3.2-§3.6) and their business rules."""

from __future__ import annotations

from typing import Any

from sandbox.money import is_valid_price_text
from sandbox.tiktok import errors
from sandbox.tiktok.gateway import Call, Route
from sandbox.tiktok.models import Product
from sandbox.tiktok.render import product_json
from sandbox.tiktok.search import page_size, search_page

PRODUCT_STATUSES = frozenset(
    {
        "DRAFT",
        "PENDING",
        "FAILED",
        "ACTIVATE",
        "SELLER_DEACTIVATED",
        "PLATFORM_DEACTIVATED",
        "FREEZE",
        "DELETED",
    }
)
SEARCH_CAP = 10_000
MAX_QUANTITY = 99_999


def _int_filter(body: dict[str, Any], name: str) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise errors.invalid_param(f"The '{name}' field must be a Unix timestamp in seconds.")
    return value


async def search_products(call: Call) -> dict[str, Any]:
    size = page_size(call)
    body = call.json()
    status = body.get("status", "ALL")
    if status != "ALL" and status not in PRODUCT_STATUSES:
        raise errors.invalid_param(f"Unknown product status {status!r}.")
    seller_skus = body.get("seller_skus")
    if seller_skus is not None and (
        not isinstance(seller_skus, list) or (call.version >= "202502" and len(seller_skus) > 10)
    ):
        raise errors.TikTokError(12019027, "Too many seller_skus. At most 10 are allowed.", 200)
    bounds = {
        name: _int_filter(body, name)
        for name in ("create_time_ge", "create_time_le", "update_time_ge", "update_time_le")
    }
    query = {"status": status, "seller_skus": sorted(seller_skus or []), **bounds}
    data = call.shop_data
    wanted_skus = set(seller_skus or [])

    def candidates() -> list[Product]:
        found = []
        for product in data.products.values():
            if status == "ALL" and product.status == "DELETED":
                continue
            if status != "ALL" and product.status != status:
                continue
            if bounds["create_time_ge"] is not None and product.create_time < bounds["create_time_ge"]:
                continue
            if bounds["create_time_le"] is not None and product.create_time > bounds["create_time_le"]:
                continue
            if bounds["update_time_ge"] is not None and product.update_time < bounds["update_time_ge"]:
                continue
            if bounds["update_time_le"] is not None and product.update_time > bounds["update_time_le"]:
                continue
            if wanted_skus and not any(data.skus[s].seller_sku in wanted_skus for s in product.sku_ids):
                continue
            found.append(product)
        return found

    # Newest first; the key is fixed per product so paging is stable while prices change.
    items, token, total = search_page(
        call, "products", query, candidates, lambda p: (-p.create_time, -int(p.id)), size, cap=SEARCH_CAP
    )
    assert call.shop is not None
    return {
        "products": [product_json(call.shop, data, product, detail=False) for product in items],
        "next_page_token": token,
        "total_count": total,
    }


def _product(call: Call) -> Product:
    product = call.shop_data.products.get(call.path_params["product_id"])
    if product is None:
        raise errors.error(errors.PRODUCT_NOT_FOUND)
    return product


async def get_product(call: Call) -> dict[str, Any]:
    product = _product(call)
    assert call.shop is not None
    return product_json(call.shop, call.shop_data, product, detail=True)


async def search_inventory(call: Call) -> dict[str, Any]:
    body = call.json()
    product_ids = body.get("product_ids") or []
    sku_ids = body.get("sku_ids") or []
    if not isinstance(product_ids, list) or not isinstance(sku_ids, list):
        raise errors.invalid_param("'product_ids' and 'sku_ids' must be arrays.")
    if len(sku_ids) > 100 or len(product_ids) > 100:
        raise errors.TikTokError(12019015, "Too many SKUs or products in one inventory search.", 200)
    data = call.shop_data
    wanted_skus = set(sku_ids)
    result = []
    for product_id in product_ids or {data.skus[s].product_id for s in sku_ids if s in data.skus}:
        product = data.products.get(product_id)
        if product is None:
            continue
        skus = []
        for sku_id in product.sku_ids:
            if wanted_skus and sku_id not in wanted_skus and not product_ids:
                continue
            sku = data.skus[sku_id]
            committed = {w: 0 for w in sku.inventory}
            skus.append(
                {
                    "id": sku.id,
                    "seller_sku": sku.seller_sku,
                    "total_available_quantity": sum(sku.inventory.values()),
                    "total_committed_quantity": sum(committed.values()),
                    "warehouse_inventory": [
                        {"warehouse_id": w, "available_quantity": q, "committed_quantity": committed[w]}
                        for w, q in sku.inventory.items()
                    ],
                }
            )
        result.append({"product_id": product.id, "skus": skus})
    return {"inventory": result}


def _skus_of_body(call: Call, product: Product) -> list[dict[str, Any]]:
    skus = call.json().get("skus")
    if not isinstance(skus, list) or not skus:
        raise errors.error(errors.SKU_ID_REQUIRED)
    for item in skus:
        if not isinstance(item, dict) or item.get("id") not in product.sku_ids:
            raise errors.error(errors.SKU_ID_REQUIRED)
    return skus


async def update_inventory(call: Call) -> dict[str, Any]:
    """Absolute per-warehouse quantities; every warehouse of a multi-warehouse SKU must be listed."""
    product = _product(call)
    if product.status in ("FREEZE", "DELETED"):
        raise errors.error(errors.PRODUCT_STATUS_INVALID)
    data = call.shop_data
    planned: list[tuple[str, str, int]] = []
    item_errors: list[dict[str, Any]] = []
    for item in _skus_of_body(call, product):
        sku = data.skus[item["id"]]
        entries = item.get("inventory")
        if not isinstance(entries, list) or not entries:
            raise errors.invalid_param("Every SKU needs an 'inventory' array.")
        listed: dict[str, int] = {}
        unknown: list[str] = []
        for entry in entries:
            quantity = entry.get("quantity") if isinstance(entry, dict) else None
            if (
                not isinstance(quantity, int)
                or isinstance(quantity, bool)
                or not 0 <= quantity <= MAX_QUANTITY
            ):
                raise errors.error(errors.INVALID_STOCK)
            warehouse_id = entry.get("warehouse_id")
            if warehouse_id is None:
                if len(sku.inventory) != 1:
                    raise errors.error(errors.MISSING_WAREHOUSE)
                warehouse_id = next(iter(sku.inventory))
            if warehouse_id not in sku.inventory:
                unknown.append(str(warehouse_id))
                continue
            listed[warehouse_id] = quantity
        if unknown:
            item_errors.append(
                {
                    "code": 12052990,
                    "message": "batch update inventory error",
                    "detail": {
                        "sku_id": sku.id,
                        "extra_errors": [
                            {
                                "code": 12052003,
                                "message": "The warehouse does not belong to the SKU.",
                                "warehouse_id": w,
                            }
                            for w in unknown
                        ],
                    },
                }
            )
            continue
        if set(listed) != set(sku.inventory):
            raise errors.error(errors.MISSING_WAREHOUSE)
        planned.extend((sku.id, w, q) for w, q in listed.items())
    for sku_id, warehouse_id, quantity in planned:
        data.skus[sku_id].inventory[warehouse_id] = quantity
    assert call.shop is not None
    call.state.touch(call.shop.id)
    return {"errors": item_errors} if item_errors else {}


async def update_prices(call: Call) -> dict[str, Any]:
    product = _product(call)
    if product.status != "ACTIVATE":
        raise errors.error(errors.PRODUCT_STATUS_INVALID)
    assert call.shop is not None
    currency = call.shop.currency
    planned: list[tuple[str, str]] = []
    for item in _skus_of_body(call, product):
        price = item.get("price")
        if not isinstance(price, dict):
            raise errors.error(errors.INCORRECT_PRICE)
        amount = price.get("amount", price.get("sale_price"))
        if price.get("currency") != currency or not is_valid_price_text(amount, currency):
            raise errors.error(errors.INCORRECT_PRICE)
        planned.append((str(item["id"]), str(amount)))
    data = call.shop_data
    for sku_id, amount in planned:
        data.skus[sku_id].sale_price = amount
    product.update_time = call.now
    call.state.touch(call.shop.id)
    return {}


ROUTES = [
    Route(
        "POST",
        "product",
        ("202309", "202312", "202502"),
        "products/search",
        search_products,
        shop_scoped=True,
    ),
    Route("GET", "product", ("202309",), "products/{product_id}", get_product, shop_scoped=True),
    Route("POST", "product", ("202309",), "inventory/search", search_inventory, shop_scoped=True),
    Route(
        "POST",
        "product",
        ("202309",),
        "products/{product_id}/inventory/update",
        update_inventory,
        shop_scoped=True,
        writes=True,
    ),
    Route(
        "POST",
        "product",
        ("202309",),
        "products/{product_id}/prices/update",
        update_prices,
        shop_scoped=True,
        writes=True,
    ),
]
