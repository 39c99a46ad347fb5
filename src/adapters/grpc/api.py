"""The bindings that put the public API on a server: one servicer for each service."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from google.protobuf.descriptor import ServiceDescriptor
from grpc import aio

from adapters.grpc.server import ServiceBinding
from multichannel.v1 import (
    analytics_pb2,
    analytics_pb2_grpc,
    api_key_pb2,
    api_key_pb2_grpc,
    app_pb2,
    app_pb2_grpc,
    catalog_pb2,
    catalog_pb2_grpc,
    inventory_pb2,
    inventory_pb2_grpc,
    order_pb2,
    order_pb2_grpc,
    shop_pb2,
    shop_pb2_grpc,
    task_pb2,
    task_pb2_grpc,
)


@dataclass(frozen=True)
class _Service:
    module: Any
    """The generated ``*_pb2`` module that declares the service."""
    register: Callable[[Any, aio.Server], None]
    """Adds a servicer of the service to a server."""


# Every service of the API, by short name.
SERVICES: dict[str, _Service] = {
    "AppService": _Service(app_pb2, app_pb2_grpc.add_AppServiceServicer_to_server),
    "ShopService": _Service(shop_pb2, shop_pb2_grpc.add_ShopServiceServicer_to_server),
    "CatalogService": _Service(catalog_pb2, catalog_pb2_grpc.add_CatalogServiceServicer_to_server),
    "InventoryService": _Service(inventory_pb2, inventory_pb2_grpc.add_InventoryServiceServicer_to_server),
    "OrderService": _Service(order_pb2, order_pb2_grpc.add_OrderServiceServicer_to_server),
    "TaskService": _Service(task_pb2, task_pb2_grpc.add_TaskServiceServicer_to_server),
    "AnalyticsService": _Service(analytics_pb2, analytics_pb2_grpc.add_AnalyticsServiceServicer_to_server),
    "ApiKeyService": _Service(api_key_pb2, api_key_pb2_grpc.add_ApiKeyServiceServicer_to_server),
}


def service_descriptor(short_name: str) -> ServiceDescriptor:
    descriptor: ServiceDescriptor = SERVICES[short_name].module.DESCRIPTOR.services_by_name[short_name]
    return descriptor


def _binding(short_name: str, servicer: object) -> ServiceBinding:
    register = SERVICES[short_name].register
    return ServiceBinding(
        full_name=service_descriptor(short_name).full_name, register=lambda server: register(servicer, server)
    )


def api_bindings(servicers: Mapping[str, object]) -> list[ServiceBinding]:
    """``servicers`` by service short name, one for every service of the API."""
    if set(servicers) != set(SERVICES):
        missing, unknown = set(SERVICES) - set(servicers), set(servicers) - set(SERVICES)
        raise ValueError(f"servicers missing for {sorted(missing)}, unknown {sorted(unknown)}")
    return [_binding(short_name, servicers[short_name]) for short_name in SERVICES]
