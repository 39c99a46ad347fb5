"""One call of any RPC by its descriptor, and what came back: status, message, every text of the
``google.rpc`` details, the raw response bytes (for the secret scan)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import grpc
from google.protobuf import symbol_database
from google.protobuf.message import Message
from google.rpc import status_pb2
from grpc import aio

from tests.fuzz.descriptors import Rpc
from tests.fuzz.messages import strings_of

STATUS_DETAILS_KEY = "grpc-status-details-bin"
CLIENT_TIMEOUT = "CLIENT_TIMEOUT"  # no answer, not even DEADLINE_EXCEEDED: the server's loop is stuck


@dataclass
class Outcome:
    code: str
    message: str = ""
    detail_texts: list[str] = field(default_factory=list)
    responses: list[bytes] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def texts(self) -> list[str]:
        return [self.message, *self.detail_texts]


def _serialize(payload: Any) -> bytes:
    return payload if isinstance(payload, bytes) else bytes(payload.SerializeToString())


def _identity(data: bytes) -> bytes:
    return data


def _detail_texts(error: aio.AioRpcError) -> list[str]:
    texts: list[str] = []
    for key, value in error.trailing_metadata() or ():
        if key != STATUS_DETAILS_KEY or not isinstance(value, bytes):
            continue
        status = status_pb2.Status.FromString(value)
        texts.append(status.message)
        for detail in status.details:
            texts += _any_texts(detail)
    return texts


def _any_texts(detail: Any) -> list[str]:
    type_name = detail.type_url.rsplit("/", 1)[-1]
    try:
        message: Message = symbol_database.Default().GetSymbol(type_name)()
        message.ParseFromString(detail.value)
    except Exception:  # an unknown detail type: its raw bytes still show any text it carries
        return [type_name, detail.value.decode("utf-8", "replace")]
    return [type_name, *strings_of(message)]


async def invoke(channel: aio.Channel, rpc: Rpc, payload: Any, deadline: float) -> Outcome:
    started = time.perf_counter()
    responses: list[bytes] = []
    try:
        if rpc.server_streaming:
            if rpc.client_streaming:
                stream = channel.stream_stream(rpc.path, _serialize, _identity)(
                    iter([payload]), timeout=deadline
                )
            else:
                stream = channel.unary_stream(rpc.path, _serialize, _identity)(payload, timeout=deadline)
            async for response in stream:
                responses.append(response)
        elif rpc.client_streaming:
            responses.append(
                await channel.stream_unary(rpc.path, _serialize, _identity)(iter([payload]), timeout=deadline)
            )
        else:
            responses.append(
                await channel.unary_unary(rpc.path, _serialize, _identity)(payload, timeout=deadline)
            )
    except aio.AioRpcError as error:
        return Outcome(
            code=error.code().name,
            message=error.details() or "",
            detail_texts=_detail_texts(error),
            responses=responses,
            elapsed=time.perf_counter() - started,
        )
    return Outcome(code=grpc.StatusCode.OK.name, responses=responses, elapsed=time.perf_counter() - started)
