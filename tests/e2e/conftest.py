"""An in-process server on port 0 over a migrated SQLite database, driven through real stubs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from grpc import aio

from adapters.bootstrap import Container, build_container
from adapters.grpc.server import RunningServer
from adapters.persistence.migrator import upgrade_to_head
from adapters.settings import load_settings


@dataclass
class Harness:
    container: Container
    server: RunningServer
    channel: aio.Channel

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.server.port}"


@pytest.fixture
async def harness(tmp_path) -> AsyncIterator[Harness]:  # type: ignore[no-untyped-def]
    settings = load_settings(
        {"MCC_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/mcc.db", "MCC_LISTEN": "127.0.0.1:0"}
    )
    container = build_container(settings)
    await container.init_resources()
    await upgrade_to_head(container.engine())
    server = await container.grpc_server()
    channel = aio.insecure_channel(f"127.0.0.1:{server.port}")
    try:
        yield Harness(container=container, server=server, channel=channel)
    finally:
        await channel.close()
        await server.stop(0)
        await container.shutdown_resources()
