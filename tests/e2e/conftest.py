"""The whole service in-process: gRPC on port 0, a migrated database, the partner sandbox.

Every ``harness`` test runs on SQLite and, when ``MCC_TEST_POSTGRES_URL`` is set, on PostgreSQL
(a throwaway database for the session, emptied to a fresh schema before each test).
"""

from __future__ import annotations

import base64
import socket
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest
from dependency_injector import providers
from grpc import aio

from adapters.bootstrap import Container, build_container
from adapters.lifecycle import RunningService, start_service
from adapters.persistence.engine import create_engine
from adapters.persistence.migrator import upgrade_to_head
from adapters.sandbox_wiring import apply_sandbox, deliver_sandbox_webhooks_to
from adapters.settings import Settings, load_settings
from sandbox.runner import RunningSandbox, start_sandbox
from tests.e2e.bearer import channel_with_key, issue_key
from tests.postgres import admin_url_or_skip, throwaway_database

LOOPBACK_QPS = 200.0
# Partner retry delays in webhook tests: TikTok's 12 h becomes 43 s of sandbox clock.
WEBHOOK_RETRY_SCALE = 0.001
TEST_TOKEN_KEY = base64.urlsafe_b64encode(bytes(range(32))).decode()


class MovableClock:
    """Real time plus an offset the test moves forward (the service clock, not the sandbox's)."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, by: timedelta) -> None:
        self.offset += by


@dataclass
class Harness:
    container: Container
    service: RunningService
    channel: aio.Channel
    sandbox: RunningSandbox
    settings: Settings
    clock: MovableClock
    admin_key: str
    """An admin key for every app; ``channel`` sends it on every call."""

    def open_channel(self, key: str | None = "admin") -> aio.Channel:
        """Another channel to the service, sending ``key`` ("admin": the admin key; None: none)."""
        return channel_with_key(self.target, self.admin_key if key == "admin" else key)

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.service.port}"

    @property
    def http_url(self) -> str:
        """The HTTP edge: webhooks, OAuth callbacks, probes."""
        return f"http://127.0.0.1:{self.service.http_port}"


@pytest.fixture
def sandbox_size() -> str:
    return "empty"


@pytest.fixture
def webhooks_to_edge() -> bool:
    """Whether the sandbox sends its webhooks to the service's HTTP edge (override to turn on);
    the test sends them with ``sandbox.control.deliver_webhooks()``, nothing in the background."""
    return False


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    with throwaway_database(admin_url_or_skip()) as url:
        yield url


async def fresh_schema(url: str) -> None:
    """Drops whatever an earlier test left (PostgreSQL) and migrates to head."""
    engine = create_engine(url)
    try:
        if engine.dialect.name == "postgresql":
            async with engine.begin() as conn:
                await conn.exec_driver_sql("DROP SCHEMA public CASCADE")
                await conn.exec_driver_sql("CREATE SCHEMA public")
        await upgrade_to_head(engine)
    finally:
        await engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path) -> str:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path}/mcc.db"
    else:
        url = request.getfixturevalue("postgres_database")
    await fresh_schema(url)
    return url


@pytest.fixture
async def sandbox(sandbox_size: str) -> AsyncIterator[RunningSandbox]:
    running = await start_sandbox(size=sandbox_size, deliver_webhooks_in_background=False)
    try:
        yield running
    finally:
        await running.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def running_harness(
    database_url: str,
    sandbox: RunningSandbox,
    *,
    clock: MovableClock | None = None,
    public: bool = False,
    webhooks_to_edge: bool = False,
    environment: Mapping[str, str] | None = None,
    configure: Callable[[Container], None] | None = None,
) -> AsyncIterator[Harness]:
    """The service on an already migrated database, with a clock the test can move.

    ``public``: the HTTP edge listens on a port chosen beforehand and is the public URL, so the
    service subscribes the partners' webhooks to it. ``webhooks_to_edge``: the sandbox addresses
    its webhooks to the service's HTTP edge. ``environment``: more ``MCC_*`` variables;
    ``configure``: overrides on the container before the service starts."""
    http_listen = f"127.0.0.1:{_free_port()}" if public else "127.0.0.1:0"
    extra = dict(environment or {})
    environment = {
        "MCC_DATABASE_URL": database_url,
        "MCC_LISTEN": "127.0.0.1:0",
        "MCC_HTTP_LISTEN": http_listen,
        "MCC_TOKEN_KEY": TEST_TOKEN_KEY,
        **extra,
    }
    if public:
        environment["MCC_PUBLIC_URL"] = f"http://{http_listen}"
    settings = apply_sandbox(load_settings(environment), sandbox, environment)
    # The sandbox on loopback takes far more than production's 10 calls a second per shop.
    settings = replace(settings, tiktok_rate_limit_qps=LOOPBACK_QPS)
    container = build_container(settings)
    clock = clock or MovableClock()
    container.core.clock.override(providers.Object(clock))
    if configure is not None:
        configure(container)
    service = await start_service(container)
    admin_key = await issue_key(container)
    channel = channel_with_key(f"127.0.0.1:{service.port}", admin_key)
    if webhooks_to_edge:
        deliver_sandbox_webhooks_to(sandbox, f"http://127.0.0.1:{service.http_port}")
        sandbox.control.configure_webhooks(retry_scale=WEBHOOK_RETRY_SCALE)
    try:
        yield Harness(
            container=container,
            service=service,
            channel=channel,
            sandbox=sandbox,
            settings=settings,
            clock=clock,
            admin_key=admin_key,
        )
    finally:
        await channel.close()
        await service.stop(0)


@pytest.fixture
async def harness(
    database_url: str, sandbox: RunningSandbox, webhooks_to_edge: bool
) -> AsyncIterator[Harness]:
    async with running_harness(database_url, sandbox, webhooks_to_edge=webhooks_to_edge) as running:
        yield running
