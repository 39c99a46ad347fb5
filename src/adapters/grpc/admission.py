"""Admission control: a bounded number of calls in flight, so excess load is refused honestly.

Past ``max_inflight`` unary calls, up to ``max_queued`` more wait for a slot, each at most
``MAX_ADMISSION_WAIT`` and never past its own deadline; anything beyond is refused at once with
RESOURCE_EXHAUSTED and a ``RetryInfo``. Refusing early is the point: a call that would only
have waited for a database connection until its caller gave up costs memory, a pool slot and
latency for every admitted call, and used to end as INTERNAL (pool timeout) or CANCELLED.

Streams (``WatchTask``) hold their slot for as long as the watcher stays, so they have a budget
of their own (``max_streams``) and never take a unary slot: a page full of watchers cannot starve
Get/List calls, and a burst of unary calls cannot cut off watchers. Health and reflection are
never limited, so probes answer under load.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import grpc
from grpc import aio

from adapters.call_deadline import ANSWER_MARGIN_SECONDS, reset_call_deadline, set_call_deadline
from adapters.grpc.handlers import Behaviour, wrap_handler

MAX_ADMISSION_WAIT = 2.0
"""The longest a call queues for a slot; a longer queue only adds latency to a refusal."""
RETRY_AFTER = timedelta(seconds=1)
UNLIMITED_SERVICES = ("/grpc.health.v1.Health/", "/grpc.reflection.")


class ServerOverloaded(Exception):
    """No slot for this call within its wait; the caller should retry after ``retry_after``."""

    def __init__(self, what: str, retry_after: timedelta = RETRY_AFTER) -> None:
        super().__init__(
            f"the server is at its limit of {what}; retry after {retry_after.total_seconds():g} s"
        )
        self.retry_after = retry_after


@dataclasses.dataclass(frozen=True)
class AdmissionLimits:
    max_inflight: int = 4
    max_queued: int = 64
    max_streams: int = 100


class Slots:
    """At most ``size`` holders; at most ``max_queued`` waiters, each for at most its budget."""

    def __init__(self, size: int, max_queued: int, what: str) -> None:
        self._semaphore = asyncio.Semaphore(size)
        self._max_queued = max_queued
        self._queued = 0
        self._what = what

    @asynccontextmanager
    async def held(self, budget: float | None) -> AsyncIterator[None]:
        await self._acquire(MAX_ADMISSION_WAIT if budget is None else min(budget, MAX_ADMISSION_WAIT))
        try:
            yield
        finally:
            self._semaphore.release()

    async def _acquire(self, wait: float) -> None:
        if not self._semaphore.locked():
            await self._semaphore.acquire()
            return
        if self._queued >= self._max_queued or wait <= 0:
            raise ServerOverloaded(self._what)
        self._queued += 1
        try:
            async with asyncio.timeout(wait):
                await self._semaphore.acquire()
        except TimeoutError:
            raise ServerOverloaded(self._what) from None
        finally:
            self._queued -= 1


class AdmissionInterceptor(aio.ServerInterceptor):
    """Sits inside the error edge: a refusal is a ``ServerOverloaded`` the one error table answers."""

    def __init__(self, limits: AdmissionLimits) -> None:
        self._unary = Slots(limits.max_inflight, limits.max_queued, f"{limits.max_inflight} calls in flight")
        self._streams = Slots(limits.max_streams, 0, f"{limits.max_streams} open streams")

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(handler_call_details)
        if handler is None or handler_call_details.method.startswith(UNLIMITED_SERVICES):
            return handler
        return wrap_handler(handler, self._wrap_unary, self._wrap_stream)

    def _wrap_unary(self, behaviour: Behaviour) -> Behaviour:
        async def admitted(request: Any, context: aio.ServicerContext) -> Any:
            remaining = context.time_remaining()
            # A refusal must reach the caller before its deadline, or it sees DEADLINE_EXCEEDED.
            budget = None if remaining is None else max(0.0, remaining - ANSWER_MARGIN_SECONDS)
            async with self._unary.held(budget):
                token = set_call_deadline(context.time_remaining())
                try:
                    return await behaviour(request, context)
                finally:
                    reset_call_deadline(token)

        return admitted

    def _wrap_stream(self, behaviour: Behaviour) -> Behaviour:
        async def admitted(request: Any, context: aio.ServicerContext) -> AsyncIterator[Any]:
            async with self._streams.held(0.0):
                async for response in behaviour(request, context):
                    yield response

        return admitted
