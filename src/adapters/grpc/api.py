"""The bindings that put the public API on a server: released servicers plus placeholders."""

from __future__ import annotations

from adapters.grpc.capabilities import SERVICES, service_descriptor
from adapters.grpc.server import ServiceBinding, generic_binding
from adapters.grpc.servicers.app import AppServicer
from adapters.grpc.unimplemented import unimplemented_service
from multichannel.v1 import app_pb2_grpc


def api_bindings(app_servicer: AppServicer) -> list[ServiceBinding]:
    released = {
        "AppService": ServiceBinding(
            full_name=service_descriptor("AppService").full_name,
            register=lambda server: app_pb2_grpc.add_AppServiceServicer_to_server(app_servicer, server),
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
