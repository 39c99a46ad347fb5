"""Server interceptors: the access log (outermost) and the error edge.

Both wrap the method behaviour itself, so they see exceptions raised by servicers and can
read the final status code from the context.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
from google.protobuf.message import DecodeError
from grpc import aio

from adapters.grpc.call_context import (
    CORRELATION_HEADER,
    correlation_id,
    new_correlation_id,
    reset_correlation_id,
    set_correlation_id,
)
from adapters.grpc.errors import status_for_exception
from domain.errors import InvalidArgument

access_log = logging.getLogger("mcc.access")

Behaviour = Callable[[Any, aio.ServicerContext], Any]


Deserializer = Callable[[bytes], Any]


class _Undecodable:
    """Stands for request bytes that are not a message of the method's request type."""


UNDECODABLE = _Undecodable()


def _tolerant(deserializer: Deserializer | None) -> Deserializer | None:
    """gRPC answers a request it cannot parse with UNKNOWN and the parser's exception in the
    message; this lets the error edge refuse it as bad input instead."""
    if deserializer is None:
        return None

    def deserialize(data: bytes) -> Any:
        try:
            return deserializer(data)
        except DecodeError:
            return UNDECODABLE

    return deserialize


def _refuse_undecodable(request: Any) -> None:
    if request is UNDECODABLE:
        raise InvalidArgument("request", "is not a valid encoding of the method's request message")


def _wrap_handler(
    handler: grpc.RpcMethodHandler,
    wrap_unary: Callable[[Behaviour], Behaviour],
    wrap_stream: Callable[[Behaviour], Behaviour],
    wrap_deserializer: Callable[[Deserializer | None], Deserializer | None] = lambda d: d,
) -> grpc.RpcMethodHandler:
    if handler.unary_unary is not None:
        return grpc.unary_unary_rpc_method_handler(
            wrap_unary(handler.unary_unary),
            request_deserializer=wrap_deserializer(handler.request_deserializer),
            response_serializer=handler.response_serializer,
        )
    if handler.unary_stream is not None:
        return grpc.unary_stream_rpc_method_handler(
            wrap_stream(handler.unary_stream),
            request_deserializer=wrap_deserializer(handler.request_deserializer),
            response_serializer=handler.response_serializer,
        )
    # Client-streaming methods are not part of the API; pass anything else through unchanged.
    return handler


class ErrorTranslationInterceptor(aio.ServerInterceptor):
    """Turns every exception into a rich ``google.rpc.Status`` through the one error table."""

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(handler_call_details)
        if handler is None:
            return handler
        method = handler_call_details.method
        return _wrap_handler(
            handler, lambda b: self._unary(b, method), lambda b: self._stream(b, method), _tolerant
        )

    @staticmethod
    def _unary(behaviour: Behaviour, method: str) -> Behaviour:
        async def wrapped(request: Any, context: aio.ServicerContext) -> Any:
            try:
                _refuse_undecodable(request)
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
                _refuse_undecodable(request)
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
        return _wrap_handler(
            handler, lambda b: self._unary(b, method, offered), lambda b: self._stream(b, method, offered)
        )

    @staticmethod
    def _unary(behaviour: Behaviour, method: str, offered: Any) -> Behaviour:
        async def wrapped(request: Any, context: aio.ServicerContext) -> Any:
            token = set_correlation_id(new_correlation_id(offered if isinstance(offered, str) else None))
            started = time.perf_counter()
            try:
                return await behaviour(request, context)
            finally:
                _log_call(method, context, started)
                reset_correlation_id(token)

        return wrapped

    @staticmethod
    def _stream(behaviour: Behaviour, method: str, offered: Any) -> Behaviour:
        async def wrapped(request: Any, context: aio.ServicerContext) -> AsyncIterator[Any]:
            token = set_correlation_id(new_correlation_id(offered if isinstance(offered, str) else None))
            started = time.perf_counter()
            try:
                async for response in behaviour(request, context):
                    yield response
            finally:
                _log_call(method, context, started)
                reset_correlation_id(token)

        return wrapped


def _log_call(method: str, context: aio.ServicerContext, started: float) -> None:
    code = context.code()
    name = code.name if isinstance(code, grpc.StatusCode) else "OK"
    access_log.info(
        "rpc method=%s code=%s duration_ms=%.1f correlation_id=%s",
        method,
        name,
        (time.perf_counter() - started) * 1000,
        correlation_id(),
    )
