"""gRPC server factory: servicers, health, reflection, interceptors, limits and keepalive."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from grpc import aio
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from adapters.grpc.interceptors import AccessLogInterceptor, ErrorTranslationInterceptor


@dataclasses.dataclass(frozen=True)
class ServiceBinding:
    """One API service: its full name and how to put it on a server."""

    full_name: str
    register: Callable[[aio.Server], None]


@dataclasses.dataclass
class RunningServer:
    server: aio.Server
    port: int
    health: health.aio.HealthServicer
    service_names: tuple[str, ...]

    async def mark_serving(self) -> None:
        await self.health.set("", health_pb2.HealthCheckResponse.SERVING)
        for name in self.service_names:
            await self.health.set(name, health_pb2.HealthCheckResponse.SERVING)

    async def stop(self, grace: float) -> None:
        # Health first, so load balancers stop sending before in-flight calls drain.
        await self.health.enter_graceful_shutdown()
        await self.server.stop(grace)


def server_options(max_message_bytes: int) -> list[tuple[str, Any]]:
    return [
        ("grpc.max_receive_message_length", max_message_bytes),
        ("grpc.max_send_message_length", max_message_bytes),
        ("grpc.keepalive_time_ms", 60_000),
        ("grpc.keepalive_timeout_ms", 20_000),
        ("grpc.keepalive_permit_without_calls", 1),
        ("grpc.http2.min_ping_interval_without_data_ms", 30_000),
        ("grpc.http2.max_pings_without_data", 0),
        ("grpc.max_connection_idle_ms", 30 * 60_000),
    ]


async def create_server(
    bindings: Sequence[ServiceBinding], address: str, *, max_message_bytes: int = 8 << 20
) -> RunningServer:
    server = aio.server(
        interceptors=[AccessLogInterceptor(), ErrorTranslationInterceptor()],
        options=server_options(max_message_bytes),
    )
    for binding in bindings:
        binding.register(server)
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    names = tuple(binding.full_name for binding in bindings)
    reflection.enable_server_reflection(
        (*names, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name, reflection.SERVICE_NAME), server
    )
    port = server.add_insecure_port(address)
    if port == 0:
        raise OSError(f"cannot listen on {address}")
    await server.start()
    running = RunningServer(server=server, port=port, health=health_servicer, service_names=names)
    await running.mark_serving()
    return running
