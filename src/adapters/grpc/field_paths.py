"""Where a field named by a domain rule sits in each method's request.

Domain rules name their own fields (``region``, ``display_name``, ``markup``); a ``BadRequest``
names the field path of the request the caller sent. Fields a method does not list here are
already request paths (the servicers and mappers raise them so).
"""

from __future__ import annotations

API_PACKAGE = "multichannel.v1"


def method_path(service: str, method: str) -> str:
    """The method as the server sees it: ``/multichannel.v1.ShopService/UpdateShop``."""
    return f"/{API_PACKAGE}.{service}/{method}"


_APP_PRICE_RULE = "app.settings.default_price_rule"

REQUEST_FIELD_PATHS: dict[str, dict[str, str]] = {
    method_path("ShopService", "StartAuthorization"): {"region": "region_code"},
    method_path("ShopService", "UpdateShop"): {"display_name": "shop.display_name"},
    method_path("AppService", "CompleteInstallation"): {"store_handle": "handle"},
    method_path("AppService", "UpdateApp"): {
        "default_safety_stock": "app.settings.default_safety_stock",
        "location_ids": "app.settings.shopline_location_ids",
        "default_email": "app.settings.default_email",
        # The default price rule is checked as a domain PriceRule, under the rule's own names.
        "currency": f"{_APP_PRICE_RULE}.target_currency_code",
        "markup": f"{_APP_PRICE_RULE}.markup",
        "fixed": f"{_APP_PRICE_RULE}.fixed_amount.amount",
    },
    method_path("CatalogService", "UpdatePriceRule"): {
        "target_currency_code": "price_rule.target_currency_code",
        "price_rule.fixed": "price_rule.fixed_amount.amount",
    },
    method_path("InventoryService", "UpdateInventoryPool"): {
        "safety_stock": "inventory_pool.safety_stock",
    },
}


def request_field_path(method: str, field: str) -> str:
    return REQUEST_FIELD_PATHS.get(method, {}).get(field, field)
