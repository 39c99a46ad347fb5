"""Logistics endpoints (fulfillment-and-webhooks T3.8, T3.9): a warehouse's delivery options and
the shipping providers of one option."""

from __future__ import annotations

from typing import Any

from sandbox.tiktok import errors, logistics
from sandbox.tiktok import fulfillment_rules as rules
from sandbox.tiktok.gateway import Call, Route

_LIMITS = {
    "dimension_limit": {"max_height": 100, "max_length": 100, "max_width": 100, "unit": "CM"},
    "weight_limit": {"max_weight": 30000, "min_weight": 1, "unit": "GRAM"},
}


async def warehouse_delivery_options(call: Call) -> dict[str, Any]:
    shop = rules.shop(call)
    warehouse_id = call.path_params["warehouse_id"]
    if warehouse_id not in shop.warehouse_ids:
        raise errors.invalid_param("The 'warehouse_id' is not a warehouse of this shop.")
    scope = call.query.get("scope", "WAREHOUSE")
    if scope not in ("WAREHOUSE", "PRODUCT"):
        raise errors.invalid_param("The 'scope' query parameter must be WAREHOUSE or PRODUCT.")
    options = logistics.delivery_options(warehouse_id)
    if scope == "PRODUCT":
        return {"delivery_options": [{"id": o.id, "name": o.name} for o in options]}
    return {
        "delivery_options": [
            {
                "id": o.id,
                "name": o.name,
                "type": o.type,
                "description": "Fulfilled by TikTok's carrier"
                if o.fulfilled_by_tiktok
                else "Shipped by the seller",
                **_LIMITS,
                "platform": ["TIKTOK_SHOP"],
            }
            for o in options
        ]
    }


async def shipping_providers(call: Call) -> dict[str, Any]:
    shop = rules.shop(call)
    option = logistics.find_option(shop, call.path_params["delivery_option_id"])
    if option is None:
        raise rules.refused(21008116, "The shop has not subscribed to this delivery option.")
    if option.fulfilled_by_tiktok:
        raise rules.refused(
            21008117, "The delivery option is fulfilled by TikTok; it has no shipping providers to choose."
        )
    return {
        "shipping_providers": [{"id": p.id, "name": p.name} for p in logistics.option_providers(shop, option)]
    }


ROUTES = [
    Route(
        "GET",
        "logistics",
        ("202309",),
        "warehouses/{warehouse_id}/delivery_options",
        warehouse_delivery_options,
        shop_scoped=True,
    ),
    Route(
        "GET",
        "logistics",
        ("202309",),
        "delivery_options/{delivery_option_id}/shipping_providers",
        shipping_providers,
        shop_scoped=True,
    ),
]
