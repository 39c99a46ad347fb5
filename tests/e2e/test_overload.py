"""Overload is honest: past the limit of calls in flight, calls are refused at once with
RESOURCE_EXHAUSTED and a RetryInfo (never INTERNAL), streams have a budget of their own, and every
call, refused or cancelled, has its line in the access log."""

from __future__ import annotations

import asyncio
import logging
import re
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest
from dependency_injector import providers
from google.rpc import error_details_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_status import rpc_status

from adapters.bootstrap import Container
from multichannel.v1 import app_pb2, app_pb2_grpc, task_pb2, task_pb2_grpc
from sandbox.runner import RunningSandbox
from tests.e2e.conftest import running_harness

SLOW_CALL_SECONDS = 0.3
LIMITS = {"MCC_MAX_INFLIGHT_RPCS": "2", "MCC_MAX_QUEUED_RPCS": "2", "MCC_MAX_STREAMS": "1"}
ACCESS_LINE = re.compile(r"rpc method=(\S+) code=(\S+) ")


class SlowAppQueries:
    """Every list takes a while, as under a loaded database, so calls overlap for sure."""

    def __init__(self, real: Any) -> None:
        self._real = real

    async def list_apps(self, **kwargs: Any) -> Any:
        await asyncio.sleep(SLOW_CALL_SECONDS)
        return await self._real.list_apps(**kwargs)


class EndlessWatches:
    """A task whose watcher stays until it leaves."""

    async def watch_task(self, app_id: Any, task_id: Any, **options: Any) -> AsyncIterator[Any]:
        await asyncio.sleep(60)
        yield None  # pragma: no cover - never reached within a test


def _slow(container: Container) -> None:
    container.api.app_queries.override(providers.Object(SlowAppQueries(container.api.app_queries())))
    container.api.task_service.override(providers.Object(EndlessWatches()))


def _retry_delay(error: grpc.aio.AioRpcError) -> float:
    status = rpc_status.from_call(error)
    assert status is not None
    for detail in status.details:
        retry = error_details_pb2.RetryInfo()
        if detail.Unpack(retry):
            return retry.retry_delay.ToTimedelta().total_seconds()
    raise AssertionError("no RetryInfo detail")


def _access_codes(caplog: pytest.LogCaptureFixture, method: str) -> Counter[str]:
    codes: Counter[str] = Counter()
    for record in caplog.records:
        matched = ACCESS_LINE.match(record.getMessage()) if record.name == "mcc.access" else None
        if matched and matched[1].endswith(method):
            codes[matched[2]] += 1
    return codes


async def test_calls_past_the_limit_are_resource_exhausted_with_retry_info_and_all_are_logged(
    database_url: str, sandbox: RunningSandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="mcc.access")
    async with running_harness(database_url, sandbox, environment=LIMITS, configure=_slow) as harness:
        apps = app_pb2_grpc.AppServiceStub(harness.channel)

        async def one() -> str:
            try:
                await apps.ListApps(app_pb2.ListAppsRequest(), timeout=10)
            except grpc.aio.AioRpcError as error:
                if error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED:
                    assert _retry_delay(error) > 0
                return error.code().name
            return "OK"

        calls = [asyncio.ensure_future(one()) for _ in range(40)]
        await asyncio.sleep(SLOW_CALL_SECONDS / 3)
        # Probes answer while the API is saturated.
        health = health_pb2_grpc.HealthStub(harness.channel)
        reply = await health.Check(health_pb2.HealthCheckRequest(), timeout=1)
        assert reply.status == health_pb2.HealthCheckResponse.SERVING
        answers = Counter(await asyncio.gather(*calls))

    assert set(answers) == {"OK", "RESOURCE_EXHAUSTED"}, answers
    assert answers["OK"] >= 4  # two in flight and two queued behind them
    assert _access_codes(caplog, "/ListApps") == answers


async def test_a_call_its_caller_gives_up_on_is_logged(
    database_url: str, sandbox: RunningSandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="mcc.access")
    async with running_harness(database_url, sandbox, environment=LIMITS, configure=_slow) as harness:
        apps = app_pb2_grpc.AppServiceStub(harness.channel)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await apps.ListApps(app_pb2.ListAppsRequest(), timeout=SLOW_CALL_SECONDS / 3)
        assert caught.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
        await asyncio.sleep(SLOW_CALL_SECONDS)
    codes = _access_codes(caplog, "/ListApps")
    assert sum(codes.values()) == 1 and set(codes) <= {"CANCELLED", "DEADLINE_EXCEEDED"}, codes


async def test_streams_have_their_own_budget_and_never_take_a_unary_slot(
    database_url: str, sandbox: RunningSandbox
) -> None:
    async with running_harness(database_url, sandbox, environment=LIMITS, configure=_slow) as harness:
        tasks = task_pb2_grpc.TaskServiceStub(harness.channel)
        request = task_pb2.WatchTaskRequest(name="apps/app-1/tasks/task-1")
        first = tasks.WatchTask(request)
        await asyncio.sleep(0.1)
        second = tasks.WatchTask(request)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            async for _ in second:
                pass
        assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert _retry_delay(caught.value) > 0
        # The open stream leaves both unary slots free.
        apps = app_pb2_grpc.AppServiceStub(harness.channel)
        await asyncio.gather(*(apps.ListApps(app_pb2.ListAppsRequest(), timeout=5) for _ in range(2)))
        first.cancel()


async def test_a_burst_larger_than_grpcs_pending_call_backlog_is_answered_and_logged_in_full(
    database_url: str, sandbox: RunningSandbox, caplog: pytest.LogCaptureFixture
) -> None:
    """grpc-core cancels calls beyond its backlog of calls the application has not picked up yet
    (1,000 by default) before any of our code sees them: none may be lost to the access log."""
    caplog.set_level(logging.INFO, logger="mcc.access")
    burst = 2_500
    async with running_harness(database_url, sandbox, environment=LIMITS, configure=_slow) as harness:
        apps = app_pb2_grpc.AppServiceStub(harness.channel)

        async def one() -> str:
            try:
                await apps.ListApps(app_pb2.ListAppsRequest(), timeout=30)
            except grpc.aio.AioRpcError as error:
                return error.code().name
            return "OK"

        answers = Counter(await asyncio.gather(*(one() for _ in range(burst))))

    assert set(answers) <= {"OK", "RESOURCE_EXHAUSTED"}, answers
    assert sum(_access_codes(caplog, "/ListApps").values()) == burst
