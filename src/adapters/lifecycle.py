"""Starting and stopping the whole service: database check, job runner, periodic jobs, gRPC server
and HTTP edge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from adapters.bootstrap import Container
from adapters.grpc.server import RunningServer
from adapters.inbound_http.server import RunningHttpEdge
from adapters.jobs.runner import EmbeddedJobRunner
from adapters.jobs.scheduler import PeriodicScheduler
from adapters.persistence.migrator import ensure_migrated
from adapters.transport_security import check_listen_security


@dataclass
class RunningService:
    container: Container
    server: RunningServer
    http: RunningHttpEdge
    runner: EmbeddedJobRunner
    periodic: PeriodicScheduler

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def http_port(self) -> int:
        return self.http.port

    async def stop(self, grace_seconds: float) -> None:
        # Stop taking calls first, then let running tasks reach a checkpoint, then close pools.
        try:
            await self.http.stop()
            await self.server.stop(grace_seconds)
            await self.periodic.stop()
            await self.runner.stop(timedelta(seconds=grace_seconds))
        finally:
            await shutdown_resources(self.container)


async def start_service(container: Container, *, background_work: bool = True) -> RunningService:
    """Raises ``DatabaseNotMigrated`` before anything starts when the schema is behind."""
    # Before anything opens: a server that must not listen as configured starts nothing.
    check_listen_security(container.core.settings())
    await container.init_resources()
    server: RunningServer | None = None
    http: RunningHttpEdge | None = None
    try:
        await ensure_migrated(container.persistence.engine())
        runner = container.jobs.job_runner()
        periodic = container.jobs.periodic_jobs()
        # The addresses first: a server that cannot listen never starts background work.
        server = await container.api.grpc_server()
        http = await container.http.http_edge()
        if background_work:
            await runner.start()
            await periodic.start()
    except BaseException:
        if http is not None:
            await http.stop()
        if server is not None:
            await server.stop(0)
        await shutdown_resources(container)
        raise
    return RunningService(container=container, server=server, http=http, runner=runner, periodic=periodic)


async def shutdown_resources(container: Container) -> None:
    result = container.shutdown_resources()
    if result is not None:
        await result
