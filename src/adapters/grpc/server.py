"""gRPC server factory: servicers, health, reflection, interceptors, limits and keepalive."""

from __future__ import annotations

import dataclasses
import errno
import os
import socket
from collections.abc import Callable, Sequence
from typing import Any

import grpc
from grpc import aio
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from adapters.grpc.access.interceptors import AuditInterceptor, AuthenticationInterceptor
from adapters.grpc.admission import AdmissionInterceptor, AdmissionLimits
from adapters.grpc.interceptors import AccessLogInterceptor, ErrorTranslationInterceptor
from adapters.transport_security import ServerTls
from services.access.authentication import Authenticator


class ListenAddressUnavailable(OSError):
    """The gRPC listen address cannot be bound: another process serves it, or it is not this host's."""

    def __init__(self, address: str, cause: str) -> None:
        super().__init__(f"cannot listen on {address} ({cause})")
        self.address = address
        self.cause = cause


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


PENDING_CALLS_MAX = 10_000


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
        # gRPC shares a port between servers by default; a second server on a served address
        # must fail instead of silently taking half the connections.
        ("grpc.so_reuseport", 0),
        # grpc-core cancels calls beyond a backlog of those the application has not picked up yet
        # (1,000 by default) before any of our code sees them; admission control answers (and the
        # access log records) every call instead.
        ("grpc.server.max_pending_requests", PENDING_CALLS_MAX),
        ("grpc.server.max_pending_requests_hard_limit", PENDING_CALLS_MAX),
    ]


async def create_server(
    bindings: Sequence[ServiceBinding],
    address: str,
    *,
    authenticator: Authenticator,
    client_certificates: bool = False,
    max_message_bytes: int = 8 << 20,
    limits: AdmissionLimits | None = None,
    tls: ServerTls | None = None,
) -> RunningServer:
    """Every method but health and reflection needs a caller ``authenticator`` admits."""
    server = aio.server(
        # Outermost first: every call is logged (also one refused for load or credentials) and
        # audited; the error edge answers refusals and exceptions alike; a caller without valid
        # credentials never takes an admission slot.
        interceptors=[
            AccessLogInterceptor(),
            AuditInterceptor(),
            ErrorTranslationInterceptor(),
            AuthenticationInterceptor(authenticator, client_certificates=client_certificates),
            AdmissionInterceptor(limits or AdmissionLimits()),
        ],
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
    # Probing first names the cause, where gRPC itself only logs a native error line and fails.
    _ensure_bindable(address)
    try:
        if tls is None:
            port = server.add_insecure_port(address)
        else:
            port = server.add_secure_port(address, server_credentials(tls))
    except RuntimeError:
        port = 0
    if port == 0:
        raise ListenAddressUnavailable(address, "gRPC could not bind it")
    await server.start()
    running = RunningServer(server=server, port=port, health=health_servicer, service_names=names)
    await running.mark_serving()
    return running


def server_credentials(tls: ServerTls) -> grpc.ServerCredentials:
    """TLS with the configured pair; with a client CA, a client certificate it signed is required."""
    return grpc.ssl_server_credentials(
        [(tls.private_key, tls.certificate_chain)],
        root_certificates=tls.client_ca,
        require_client_auth=tls.client_ca is not None,
    )


def _ensure_bindable(address: str) -> None:
    """Raises ``ListenAddressUnavailable`` when no address ``address`` resolves to can be bound.

    Like gRPC, serving needs at least one of them; a fixed port held by any process fails here.
    """
    host, _, port = address.rpartition(":")
    if int(port) == 0:
        return
    try:
        resolved = socket.getaddrinfo(
            host.strip("[]") or None, int(port), type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except socket.gaierror as error:
        raise ListenAddressUnavailable(address, str(error.strerror).lower()) from None
    failures: list[OSError] = []
    for family, kind, protocol, _, socket_address in resolved:
        with socket.socket(family, kind, protocol) as probe:
            # As gRPC does: connections lingering in TIME_WAIT do not hold the port.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(socket_address)
            except OSError as error:
                failures.append(error)
                continue
        return
    if failures:
        code = failures[0].errno or errno.EADDRINUSE
        raise ListenAddressUnavailable(address, os.strerror(code).lower())
