"""The bindings that put the public API on a server: released servicers plus placeholders."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from grpc import aio

from adapters.grpc.capabilities import SERVICES, service_descriptor
from adapters.grpc.server import ServiceBinding, generic_binding
from adapters.grpc.unimplemented import unimplemented_service
from multichannel.v1 import (
    analytics_pb2_grpc,
    app_pb2_grpc,
    catalog_pb2_grpc,
    inventory_pb2_grpc,
    order_pb2_grpc,
    shop_pb2_grpc,
    task_pb2_grpc,
)

# How each released service's servicer is added to a server, by the service's short name.
REGISTRARS: dict[str, Callable[[Any, aio.Server], None]] = {
    "AppService": app_pb2_grpc.add_AppServiceServicer_to_server,
    "ShopService": shop_pb2_grpc.add_ShopServiceServicer_to_server,
    "TaskService": task_pb2_grpc.add_TaskServiceServicer_to_server,
    "AnalyticsService": analytics_pb2_grpc.add_AnalyticsServiceServicer_to_server,
    "OrderService": order_pb2_grpc.add_OrderServiceServicer_to_server,
    "CatalogService": catalog_pb2_grpc.add_CatalogServiceServicer_to_server,
    "InventoryService": inventory_pb2_grpc.add_InventoryServiceServicer_to_server,
}


def _binding(short_name: str, servicer: object) -> ServiceBinding:
    add = REGISTRARS[short_name]
    return ServiceBinding(
        full_name=service_descriptor(short_name).full_name, register=lambda server: add(servicer, server)
    )


def api_bindings(servicers: Mapping[str, object]) -> list[ServiceBinding]:
    """``servicers`` by service short name; every other service answers UNIMPLEMENTED."""
    unknown = set(servicers) - set(REGISTRARS)
    if unknown:
        raise ValueError(f"no registrar for {sorted(unknown)}")
    bindings = []
    for short_name, (_module, capability) in SERVICES.items():
        if short_name in servicers:
            bindings.append(_binding(short_name, servicers[short_name]))
            continue
        descriptor = service_descriptor(short_name)
        bindings.append(generic_binding(descriptor.full_name, unimplemented_service(descriptor, capability)))
    return bindings
