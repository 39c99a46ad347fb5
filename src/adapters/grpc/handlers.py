"""Wrapping a method handler's behaviour, the one way every server interceptor here does it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import grpc
from grpc import aio

Behaviour = Callable[[Any, aio.ServicerContext], Any]


def wrap_handler(
    handler: grpc.RpcMethodHandler,
    wrap_unary: Callable[[Behaviour], Behaviour],
    wrap_stream: Callable[[Behaviour], Behaviour],
) -> grpc.RpcMethodHandler:
    if handler.unary_unary is not None:
        return grpc.unary_unary_rpc_method_handler(
            wrap_unary(handler.unary_unary),
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
    if handler.unary_stream is not None:
        return grpc.unary_stream_rpc_method_handler(
            wrap_stream(handler.unary_stream),
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
    # Client-streaming methods are not part of the API; pass anything else through unchanged.
    return handler
