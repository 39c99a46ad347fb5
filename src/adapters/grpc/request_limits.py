"""Range checks every request passes before a servicer sees it, whatever its method.

One walk over the fields the caller set (``ListFields``: unset fields cost nothing) rejects what
no use case could store or compute with, naming the field path:

- strings with NUL characters (PostgreSQL refuses them) or longer than ``MAX_STRING_CHARS``;
- integers outside the 32-bit range: every integer the API stores sits in a 32-bit column;
- ``Timestamp``s outside years 1-9999 or with bad nanos, which ``ToDatetime`` cannot convert;
- ``Duration``s outside protobuf's ±10,000 years or with bad nanos, which overflow ``timedelta``.

Rules about a value's meaning (a positive quantity, a known region) stay with the use cases.
"""

from __future__ import annotations

from typing import Any

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message

from adapters.text_limits import MAX_STRING_CHARS, check_text
from domain.errors import InvalidArgument

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
# google/protobuf/timestamp.proto: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z.
TIMESTAMP_MIN_SECONDS, TIMESTAMP_MAX_SECONDS = -62_135_596_800, 253_402_300_799
# google/protobuf/duration.proto: about ±10,000 years.
DURATION_MAX_SECONDS = 315_576_000_000
NANOS_MAX = 999_999_999

_TIMESTAMP = "google.protobuf.Timestamp"
_DURATION = "google.protobuf.Duration"
_INTEGER_TYPES = frozenset(
    {
        FieldDescriptor.TYPE_INT32,
        FieldDescriptor.TYPE_INT64,
        FieldDescriptor.TYPE_UINT32,
        FieldDescriptor.TYPE_UINT64,
        FieldDescriptor.TYPE_SINT32,
        FieldDescriptor.TYPE_SINT64,
        FieldDescriptor.TYPE_FIXED32,
        FieldDescriptor.TYPE_FIXED64,
        FieldDescriptor.TYPE_SFIXED32,
        FieldDescriptor.TYPE_SFIXED64,
    }
)


def check_request(request: Any) -> None:
    """Raises ``InvalidArgument`` naming the first field out of range; anything not a message passes."""
    if isinstance(request, Message):
        _check_message(request, "")


def _check_message(message: Message, prefix: str) -> None:
    kind = message.DESCRIPTOR.full_name
    if kind == _TIMESTAMP:
        _check_timestamp(message, prefix.rstrip("."))
        return
    if kind == _DURATION:
        _check_duration(message, prefix.rstrip("."))
        return
    for field, value in message.ListFields():
        path = prefix + field.name
        if not field.is_repeated:
            _check_value(field, value, path)
        elif _is_map(field.message_type):
            key_field = field.message_type.fields_by_name["key"]
            value_field = field.message_type.fields_by_name["value"]
            for key, item in value.items():
                _check_value(key_field, key, f"{path}[{_quoted(key)}]")
                _check_value(value_field, item, f"{path}[{_quoted(key)}]")
        else:
            for index, item in enumerate(value):
                _check_value(field, item, f"{path}[{index}]")


def _check_value(field: FieldDescriptor, value: Any, path: str) -> None:
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        _check_message(value, path + ".")
    elif field.type == FieldDescriptor.TYPE_STRING:
        check_text(value, path)
    elif field.type == FieldDescriptor.TYPE_BYTES:
        if len(value) > MAX_STRING_CHARS:
            raise InvalidArgument(path, f"must be at most {MAX_STRING_CHARS} bytes")
    elif field.type in _INTEGER_TYPES and not INT32_MIN <= value <= INT32_MAX:
        raise InvalidArgument(path, f"must be between {INT32_MIN} and {INT32_MAX}")


def _check_timestamp(stamp: Any, path: str) -> None:
    if (
        not TIMESTAMP_MIN_SECONDS <= stamp.seconds <= TIMESTAMP_MAX_SECONDS
        or not 0 <= stamp.nanos <= NANOS_MAX
    ):
        raise InvalidArgument(path, "must be a time from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z")


def _check_duration(duration: Any, path: str) -> None:
    seconds, nanos = duration.seconds, duration.nanos
    if (
        not -DURATION_MAX_SECONDS <= seconds <= DURATION_MAX_SECONDS
        or not -NANOS_MAX <= nanos <= NANOS_MAX
        or (seconds > 0 and nanos < 0)
        or (seconds < 0 and nanos > 0)
    ):
        raise InvalidArgument(path, "must be a duration within ±10,000 years, seconds and nanos of one sign")


def _is_map(descriptor: Descriptor | None) -> bool:
    return descriptor is not None and descriptor.GetOptions().map_entry


def _quoted(key: object) -> str:
    text = str(key)
    return text if len(text) <= 32 else text[:32] + "…"
