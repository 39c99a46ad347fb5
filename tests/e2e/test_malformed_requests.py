"""Request bytes that are no message of the method's request type are bad input: INVALID_ARGUMENT
naming the request, never UNKNOWN with the parser's exception in the message."""

from __future__ import annotations

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from multichannel.v1 import app_pb2, task_pb2

# A string field (1) whose bytes are not UTF-8, and a varint that runs past 64 bits.
NOT_UTF8 = b"\x0a\x03\xff\xfe\xc0"
VARINT_TOO_LONG = b"\x08" + b"\xff" * 10 + b"\x01"
TRUNCATED = b"\x0a\x10apps/"


def _identity(data: bytes) -> bytes:
    return data


def _violations(error: grpc.aio.AioRpcError) -> list[str]:
    status = rpc_status.from_call(error)
    assert status is not None
    fields = []
    for detail in status.details:
        bad = error_details_pb2.BadRequest()
        if detail.Unpack(bad):
            fields += [violation.field for violation in bad.field_violations]
    return fields


@pytest.mark.parametrize(
    "payload", [NOT_UTF8, VARINT_TOO_LONG, TRUNCATED], ids=["utf8", "varint", "truncated"]
)
async def test_unparsable_unary_request_is_invalid_argument(harness, payload: bytes) -> None:  # type: ignore[no-untyped-def]
    get_app = harness.channel.unary_unary(
        "/multichannel.v1.AppService/GetApp", _identity, app_pb2.GetAppResponse.FromString
    )
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await get_app(payload, timeout=10)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert _violations(caught.value) == ["request"]
    assert "Error" not in (caught.value.details() or "")


async def test_unparsable_streaming_request_is_invalid_argument(harness) -> None:  # type: ignore[no-untyped-def]
    watch = harness.channel.unary_stream(
        "/multichannel.v1.TaskService/WatchTask", _identity, task_pb2.WatchTaskResponse.FromString
    )
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        async for _ in watch(NOT_UTF8, timeout=10):
            pass
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert _violations(caught.value) == ["request"]


async def test_a_parsable_request_still_reaches_the_method(harness) -> None:  # type: ignore[no-untyped-def]
    get_app = harness.channel.unary_unary(
        "/multichannel.v1.AppService/GetApp", _identity, app_pb2.GetAppResponse.FromString
    )
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await get_app(app_pb2.GetAppRequest(name="apps/missing").SerializeToString(), timeout=10)
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
