"""The API's services and the capability each one delivers.

A service whose capability has not been released is served from its descriptor and answers
``UNIMPLEMENTED`` naming the capability, so reflection still shows the whole API.
"""

from __future__ import annotations

from multichannel.v1 import (
    analytics_pb2,
    app_pb2,
    catalog_pb2,
    inventory_pb2,
    order_pb2,
    shop_pb2,
    task_pb2,
)

SERVICES = {
    "AppService": (app_pb2, "SHOPLINE app installation"),
    "ShopService": (shop_pb2, "TikTok shop authorization"),
    "CatalogService": (catalog_pb2, "catalog and price sync"),
    "InventoryService": (inventory_pb2, "shared inventory"),
    "OrderService": (order_pb2, "order sync and import"),
    "TaskService": (task_pb2, "task center"),
    "AnalyticsService": (analytics_pb2, "analytics"),
}


def service_descriptor(short_name: str):  # type: ignore[no-untyped-def]
    module, _capability = SERVICES[short_name]
    return module.DESCRIPTOR.services_by_name[short_name]
