"""Server interceptors: the access log (outermost) and the error edge.

Every call is logged once, also one refused for load (RESOURCE_EXHAUSTED, answered inside) and one
its caller cancelled or let time out while it ran (logged CANCELLED or DEADLINE_EXCEEDED).

Both wrap the method behaviour itself, so they see exceptions raised by servicers and can
read the final status code from the context.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
from grpc import aio

from adapters.grpc.call_context import (
    CORRELATION_HEADER,
    correlation_id,
    new_correlation_id,
    reset_correlation_id,
    set_correlation_id,
)
from adapters.grpc.errors import status_for_exception
from adapters.grpc.handlers import Behaviour, wrap_handler
from adapters.grpc.request_limits import check_request

access_log = logging.getLogger("mcc.access")


class ErrorTranslationInterceptor(aio.ServerInterceptor):
    """Turns every exception into a rich ``google.rpc.Status`` through the one error table.

    Requests pass the generic range checks (``request_limits``) first, so a value no use case can
    hold is INVALID_ARGUMENT naming its field, never a conversion or database error."""

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(handler_call_details)
        if handler is None:
            return handler
        method = handler_call_details.method
        return wrap_handler(handler, lambda b: self._unary(b, method), lambda b: self._stream(b, method))

    @staticmethod
    def _unary(behaviour: Behaviour, method: str) -> Behaviour:
        async def wrapped(request: Any, context: aio.ServicerContext) -> Any:
            try:
                check_request(request)
                return await behaviour(request, context)
            except aio.AbortError:
                raise
            except Exception as exc:
                await context.abort_with_status(status_for_exception(exc, method, correlation_id()))

        return wrapped

    @staticmethod
    def _stream(behaviour: Behaviour, method: str) -> Behaviour:
        async def wrapped(request: Any, context: aio.ServicerContext) -> AsyncIterator[Any]:
            try:
                check_request(request)
                async for response in behaviour(request, context):
                    yield response
            except aio.AbortError:
                raise
            except Exception as exc:
                await context.abort_with_status(status_for_exception(exc, method, correlation_id()))

        return wrapped


class AccessLogInterceptor(aio.ServerInterceptor):
    """One line per call: method, status code, duration, correlation id. Never payloads."""

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(handler_call_details)
        if handler is None:
            return handler
        method = handler_call_details.method
        offered = dict(handler_call_details.invocation_metadata or ()).get(CORRELATION_HEADER)
        return wrap_handler(
            handler, lambda b: self._unary(b, method, offered), lambda b: self._stream(b, method, offered)
        )

    @staticmethod
    def _unary(behaviour: Behaviour, method: str, offered: Any) -> Behaviour:
        async def wrapped(request: Any, context: aio.ServicerContext) -> Any:
            token = set_correlation_id(new_correlation_id(offered if isinstance(offered, str) else None))
            started = time.perf_counter()
            cancelled = False
            try:
                return await behaviour(request, context)
            except asyncio.CancelledError:
                cancelled = True
                raise
            finally:
                _log_call(method, context, started, cancelled=cancelled)
                reset_correlation_id(token)

        return wrapped

    @staticmethod
    def _stream(behaviour: Behaviour, method: str, offered: Any) -> Behaviour:
        async def wrapped(request: Any, context: aio.ServicerContext) -> AsyncIterator[Any]:
            token = set_correlation_id(new_correlation_id(offered if isinstance(offered, str) else None))
            started = time.perf_counter()
            cancelled = False
            try:
                async for response in behaviour(request, context):
                    yield response
            except (asyncio.CancelledError, GeneratorExit):
                cancelled = True
                raise
            finally:
                _log_call(method, context, started, cancelled=cancelled)
                reset_correlation_id(token)

        return wrapped


def _log_call(method: str, context: aio.ServicerContext, started: float, *, cancelled: bool) -> None:
    code = context.code()
    if isinstance(code, grpc.StatusCode):
        name = code.name
    elif cancelled:
        # The caller went away or its deadline passed: the call ends here without a status of ours.
        remaining = context.time_remaining()
        name = "DEADLINE_EXCEEDED" if remaining is not None and remaining <= 0 else "CANCELLED"
    else:
        name = "OK"
    access_log.info(
        "rpc method=%s code=%s duration_ms=%.1f correlation_id=%s",
        method,
        name,
        (time.perf_counter() - started) * 1000,
        correlation_id(),
    )
