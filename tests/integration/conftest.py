"""Shared by the partner tests: an in-process sandbox on loopback ports, its clock, an HTTP client.

Back-off sleeps advance the sandbox clock instead of waiting, so retries and refills cost no wall
time. Each folder picks its own data set through ``sandbox_seed``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from sandbox.clock import SandboxClock
from sandbox.runner import RunningSandbox, start_sandbox
from tests.integration.sleeps import Sleeps


@pytest.fixture
def sandbox_seed() -> int:
    return 0


@pytest.fixture
def clock() -> SandboxClock:
    return SandboxClock()


@pytest.fixture
async def sandbox(clock: SandboxClock, sandbox_seed: int) -> AsyncIterator[RunningSandbox]:
    running = await start_sandbox(
        seed=sandbox_seed, size="small", clock=clock, deliver_webhooks_in_background=False
    )
    try:
        yield running
    finally:
        await running.close()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=5.0)) as client:
        yield client


@pytest.fixture
def sleeps(clock: SandboxClock) -> Sleeps:
    return Sleeps(clock)
