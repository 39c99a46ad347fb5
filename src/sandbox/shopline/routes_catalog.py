"""Products, variants, inventory levels and locations (reference B1, B2)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.money import is_valid_price_text
from sandbox.shopline import events
from sandbox.shopline.errors import ShoplineError
from sandbox.shopline.gateway import Reply, SlCall, SlRoute
from sandbox.shopline.models import Product, Variant
from sandbox.shopline.paging import link_page, time_bound
from sandbox.shopline.render import iso, product_json, project, variant_json

PRODUCT_FILTERS = (
    "ids",
    "since_id",
    "status",
    "title",
    "handle",
    "created_at_min",
    "created_at_max",
    "updated_at_min",
    "updated_at_max",
)


def _product_candidates(call: SlCall) -> Callable[[dict[str, Any]], list[Product]]:
    def candidates(filters: dict[str, Any]) -> list[Product]:
        ids = set(filters["ids"].split(",")) if filters.get("ids") else None
        since_id = filters.get("since_id")
        if since_id and not since_id.isdigit():
            raise ShoplineError(400, "since_id must be an id")
        status = filters.get("status")
        title = (filters.get("title") or "").lower()
        bounds = [
            time_bound(filters, n)
            for n in ("created_at_min", "created_at_max", "updated_at_min", "updated_at_max")
        ]
        found = []
        for product in call.store.products.values():
            if ids is not None and product.id not in ids:
                continue
            if since_id and int(product.id) <= int(since_id):
                continue
            if status and product.status != status:
                continue
            if title and title not in product.title.lower():
                continue
            if filters.get("handle") and product.handle != filters["handle"]:
                continue
            if bounds[0] is not None and product.created_at < bounds[0]:
                continue
            if bounds[1] is not None and product.created_at > bounds[1]:
                continue
            if bounds[2] is not None and product.updated_at < bounds[2]:
                continue
            if bounds[3] is not None and product.updated_at > bounds[3]:
                continue
            found.append(product)
        return found

    return candidates


async def list_products(call: SlCall) -> Reply:
    items, headers = link_page(
        call,
        "products/products.json",
        "products",
        PRODUCT_FILTERS,
        _product_candidates(call),
        lambda _filters: lambda p: (len(p.id), p.id),
    )
    fields = call.query.get("fields")
    return Reply({"products": [project(product_json(call.store, p), fields) for p in items]}, headers=headers)


async def count_products(call: SlCall) -> Reply:
    filters = {n: call.query[n] for n in PRODUCT_FILTERS if call.query.get(n)}
    return Reply({"count": len(_product_candidates(call)(filters))})


def _product(call: SlCall) -> Product:
    product = call.store.products.get(call.path_params["product_id"])
    if product is None:
        raise ShoplineError(404, "The product does not exist.")
    return product


def _variant(call: SlCall) -> Variant:
    variant = call.store.variants.get(call.path_params["variant_id"])
    if variant is None:
        raise ShoplineError(404, "The variant does not exist.")
    return variant


async def get_product(call: SlCall) -> Reply:
    return Reply({"product": project(product_json(call.store, _product(call)), call.query.get("fields"))})


async def list_variants(call: SlCall) -> Reply:
    product = _product(call)
    return Reply(
        {"variants": [variant_json(call.store, call.store.variants[v]) for v in product.variant_ids]}
    )


async def get_variant(call: SlCall) -> Reply:
    return Reply({"variant": variant_json(call.store, _variant(call))})


async def update_variant(call: SlCall) -> Reply:
    variant = _variant(call)
    body = call.json().get("variant")
    if not isinstance(body, dict):
        raise ShoplineError(400, "body.variant is required")
    if "inventory_quantity" in body:
        raise ShoplineError(422, "inventory_quantity is read-only; use the inventory level APIs")
    if "price" in body and not is_valid_price_text(str(body["price"]), call.store.currency):
        raise ShoplineError(422, "price is invalid")
    if "sku" in body and (not isinstance(body["sku"], str) or len(body["sku"]) > 255):
        raise ShoplineError(422, "sku must be a string of at most 255 characters")
    if "inventory_policy" in body and body["inventory_policy"] not in ("deny", "continue"):
        raise ShoplineError(422, "inventory_policy must be deny or continue")
    for name in ("price", "sku", "inventory_policy", "option1"):
        if name in body:
            setattr(variant, name, str(body[name]))
    variant.updated_at = call.now
    call.store.products[variant.product_id].updated_at = call.now
    call.touch()
    events.product_updated(call.state, call.store, variant.product_id)
    return Reply({"variant": variant_json(call.store, variant)})


def _level_json(call: SlCall, item_id: str, location_id: str) -> dict[str, Any]:
    return {
        "inventory_item_id": item_id,
        "location_id": location_id,
        "variant_id": call.store.variant_by_item.get(item_id),
        "available": call.store.levels[(item_id, location_id)],
        "updated_at": iso(call.store.level_updated.get((item_id, location_id), call.now)),
    }


async def list_inventory_levels(call: SlCall) -> Reply:
    raw = call.query.get("inventory_item_ids")
    if not raw:
        raise ShoplineError(400, "inventory_item_ids is required")
    items = [i for i in raw.split(",") if i]
    if len(items) > 50:
        raise ShoplineError(400, "inventory_item_ids accepts at most 50 ids")
    locations = [loc for loc in (call.query.get("location_ids") or "").split(",") if loc] or list(
        call.store.locations
    )
    levels = [
        _level_json(call, item, loc)
        for item in items
        for loc in locations
        if (item, loc) in call.store.levels
    ]
    return Reply({"inventory_levels": levels})


def _item_and_location(call: SlCall, body: dict[str, Any]) -> tuple[str, str]:
    item_id, location_id = str(body.get("inventory_item_id", "")), str(body.get("location_id", ""))
    if item_id not in call.store.variant_by_item:
        raise ShoplineError(422, "inventory_item_id does not exist")
    if location_id not in call.store.locations:
        raise ShoplineError(422, "location_id does not exist")
    return item_id, location_id


def _int(body: dict[str, Any], name: str) -> int:
    value = body.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ShoplineError(422, f"{name} must be an integer")
    return value


def _write_level(call: SlCall, item_id: str, location_id: str, available: int) -> dict[str, Any]:
    call.store.levels[(item_id, location_id)] = available
    call.store.level_updated[(item_id, location_id)] = call.now
    call.touch()
    level = _level_json(call, item_id, location_id)
    events.emit(call.state, call.store, "inventory_levels/update", level)
    return level


async def set_inventory_level(call: SlCall) -> Reply:
    body = call.json()
    item_id, location_id = _item_and_location(call, body)
    return Reply({"inventory_level": _write_level(call, item_id, location_id, _int(body, "available"))})


async def adjust_inventory_level(call: SlCall) -> Reply:
    body = call.json()
    item_id, location_id = _item_and_location(call, body)
    if (item_id, location_id) not in call.store.levels:
        raise ShoplineError(422, "the inventory item is not connected to the location")
    current = call.store.levels[(item_id, location_id)]
    level = _write_level(call, item_id, location_id, current + _int(body, "available_adjustment"))
    return Reply({"inventory_level": level})


async def connect_inventory_level(call: SlCall) -> Reply:
    item_id, location_id = _item_and_location(call, call.json())
    if (item_id, location_id) not in call.store.levels:
        call.store.levels[(item_id, location_id)] = 0
        call.store.level_updated[(item_id, location_id)] = call.now
        call.touch()
    return Reply({"inventory_level": _level_json(call, item_id, location_id)})


def _location_json(call: SlCall, location_id: str) -> dict[str, Any]:
    location = call.store.locations[location_id]
    return {
        "id": location.id,
        "name": location.name,
        "active": True,
        "is_default": location.is_default,
        "legacy": False,
        "country_code": "US",
    }


async def list_locations(call: SlCall) -> Reply:
    return Reply({"locations": [_location_json(call, loc) for loc in call.store.locations]})


async def get_location(call: SlCall) -> Reply:
    if call.path_params["location_id"] not in call.store.locations:
        raise ShoplineError(404, "The location does not exist.")
    return Reply({"location": _location_json(call, call.path_params["location_id"])})


async def store_information(call: SlCall) -> Reply:
    """`GET merchants/shop.json`: the store's id, domain and settlement currency."""
    store = call.store
    return Reply(
        {
            "data": {
                "id": store.id,
                "name": store.handle,
                "domain": f"{store.handle}.myshopline.com",
                "currency": store.currency,
                "biz_store_status": 2,
            }
        }
    )


# Scopes per reference B1, B2 and B4a. B2 names only `write_inventory`; the scope of its reads is
# unconfirmed, so they also accept `read_inventory`.
_INVENTORY_READ = ("write_inventory", "read_inventory")

ROUTES = [
    SlRoute("GET", "merchants/shop.json", store_information, ("read_store_information",)),
    SlRoute("GET", "products/products.json", list_products, ("read_products",)),
    SlRoute("GET", "products/count.json", count_products, ("read_products",)),
    SlRoute("GET", "products/variants/{variant_id}.json", get_variant, ("read_products",)),
    SlRoute("PUT", "products/variants/{variant_id}.json", update_variant, ("write_products",)),
    SlRoute("GET", "products/{product_id}/variants.json", list_variants, ("read_products",)),
    SlRoute("GET", "products/{product_id}.json", get_product, ("read_products",)),
    SlRoute("GET", "inventory_levels.json", list_inventory_levels, _INVENTORY_READ),
    SlRoute("POST", "inventory_levels/set.json", set_inventory_level, ("write_inventory",)),
    SlRoute("POST", "inventory_levels/adjust.json", adjust_inventory_level, ("write_inventory",)),
    SlRoute("POST", "inventory_levels/connect.json", connect_inventory_level, ("write_inventory",)),
    SlRoute("GET", "locations/list.json", list_locations, _INVENTORY_READ),
    SlRoute("GET", "locations.json", list_locations, _INVENTORY_READ),
    SlRoute("GET", "locations/{location_id}.json", get_location, _INVENTORY_READ),
]
