"""The whole service in-process: gRPC on port 0, a migrated SQLite database, the partner sandbox."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from grpc import aio

from adapters.bootstrap import Container, build_container
from adapters.lifecycle import RunningService, start_service
from adapters.persistence.engine import create_engine
from adapters.persistence.migrator import upgrade_to_head
from adapters.sandbox_wiring import apply_sandbox
from adapters.settings import Settings, load_settings
from sandbox.runner import RunningSandbox, start_sandbox

TEST_TOKEN_KEY = base64.urlsafe_b64encode(bytes(range(32))).decode()


@dataclass
class Harness:
    container: Container
    service: RunningService
    channel: aio.Channel
    sandbox: RunningSandbox
    settings: Settings

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.service.port}"


@pytest.fixture
def sandbox_size() -> str:
    return "empty"


@pytest.fixture
async def harness(tmp_path, sandbox_size: str) -> AsyncIterator[Harness]:  # type: ignore[no-untyped-def]
    sandbox = await start_sandbox(size=sandbox_size, deliver_webhooks_in_background=False)
    environment = {
        "MCC_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/mcc.db",
        "MCC_LISTEN": "127.0.0.1:0",
        "MCC_TOKEN_KEY": TEST_TOKEN_KEY,
    }
    settings = apply_sandbox(load_settings(environment), sandbox, environment)
    engine = create_engine(settings.database_url)
    await upgrade_to_head(engine)
    await engine.dispose()
    container = build_container(settings)
    service = await start_service(container)
    channel = aio.insecure_channel(f"127.0.0.1:{service.port}")
    try:
        yield Harness(
            container=container, service=service, channel=channel, sandbox=sandbox, settings=settings
        )
    finally:
        await channel.close()
        await service.stop(0)
        await sandbox.close()
