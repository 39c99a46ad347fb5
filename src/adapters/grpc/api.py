"""The bindings that put the public API on a server: released servicers plus placeholders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from grpc import aio

from adapters.grpc.capabilities import SERVICES, service_descriptor
from adapters.grpc.server import ServiceBinding, generic_binding
from adapters.grpc.servicers.app import AppServicer
from adapters.grpc.servicers.shop import ShopServicer
from adapters.grpc.servicers.task import TaskServicer
from adapters.grpc.unimplemented import unimplemented_service
from multichannel.v1 import app_pb2_grpc, shop_pb2_grpc, task_pb2_grpc


def _binding(short_name: str, add: Callable[[Any, aio.Server], None], servicer: object) -> ServiceBinding:
    return ServiceBinding(
        full_name=service_descriptor(short_name).full_name, register=lambda server: add(servicer, server)
    )


def api_bindings(
    app_servicer: AppServicer, shop_servicer: ShopServicer, task_servicer: TaskServicer
) -> list[ServiceBinding]:
    released = {
        "AppService": _binding("AppService", app_pb2_grpc.add_AppServiceServicer_to_server, app_servicer),
        "ShopService": _binding(
            "ShopService", shop_pb2_grpc.add_ShopServiceServicer_to_server, shop_servicer
        ),
        "TaskService": _binding(
            "TaskService", task_pb2_grpc.add_TaskServiceServicer_to_server, task_servicer
        ),
    }
    bindings = []
    for short_name, (_module, capability) in SERVICES.items():
        if short_name in released:
            bindings.append(released[short_name])
            continue
        descriptor = service_descriptor(short_name)
        bindings.append(generic_binding(descriptor.full_name, unimplemented_service(descriptor, capability)))
    return bindings
