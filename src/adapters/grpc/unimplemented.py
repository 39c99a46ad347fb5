"""Handlers for services whose capability has not been released yet.

Built from the service descriptor, so reflection and ``grpcurl describe`` show the real API
while each call answers ``UNIMPLEMENTED`` naming the missing capability.
"""

from __future__ import annotations

from typing import Any

import grpc
from google.protobuf import message_factory
from google.protobuf.descriptor import MethodDescriptor, ServiceDescriptor
from grpc import aio
from grpc_status import rpc_status

from adapters.grpc.errors import unimplemented_status


def unimplemented_service(service: ServiceDescriptor, capability: str) -> grpc.GenericRpcHandler:
    handlers = {method.name: _handler(method, capability) for method in service.methods}
    return grpc.method_handlers_generic_handler(service.full_name, handlers)


def _handler(method: MethodDescriptor, capability: str) -> grpc.RpcMethodHandler:
    request_class = message_factory.GetMessageClass(method.input_type)
    full_method = f"{method.containing_service.name}.{method.name}"
    status = rpc_status.to_status(unimplemented_status(full_method, capability))

    async def answer(_request: Any, context: aio.ServicerContext) -> Any:
        await context.abort_with_status(status)

    async def answer_stream(_request: Any, context: aio.ServicerContext) -> Any:
        await context.abort_with_status(status)
        yield  # pragma: no cover - makes this an async generator

    def serialize(response: Any) -> bytes:
        return bytes(response.SerializeToString())

    if method.server_streaming:
        return grpc.unary_stream_rpc_method_handler(
            answer_stream, request_deserializer=request_class.FromString, response_serializer=serialize
        )
    return grpc.unary_unary_rpc_method_handler(
        answer, request_deserializer=request_class.FromString, response_serializer=serialize
    )
