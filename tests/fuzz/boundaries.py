"""The extremes, one field at a time: every field a well-formed request sends gets each extreme
value of its type and shape once, deterministically. Random examples find these too, in time;
this finds them in every run, CI's few minutes included."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from google.protobuf import duration_pb2, field_mask_pb2, timestamp_pb2
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from tests.fuzz.descriptors import (
    DURATION,
    FIELD_MASK,
    TIMESTAMP,
    FieldPath,
    Rpc,
    dotted,
    field_paths,
    is_leaf,
    is_map,
    is_message,
    is_repeated,
)
from tests.fuzz.messages import assign, is_set, owner_of
from tests.fuzz.requests import Generated
from tests.fuzz.values import DURATION_MAX, INT32, INT64, TIMESTAMP_MAX, Context

_DECIMAL_SHAPE = re.compile(r"-?\d+(\.\d+)?")
HUGE_REPEATED = 100_000

_DECIMAL_EXTREMES = [
    ("1" + "0" * 30, "decimal-huge"),
    ("0." + "0" * 30 + "1", "decimal-tiny"),
    ("-1", "decimal-negative"),
    ("NaN", "decimal-nan"),
    ("Infinity", "decimal-infinite"),
]
_EMPTY_ELEMENTS: dict[int, Any] = {FieldDescriptor.TYPE_STRING: "x", FieldDescriptor.TYPE_BYTES: b"x"}
_INT_TYPES_32 = {FieldDescriptor.TYPE_INT32, FieldDescriptor.TYPE_SINT32, FieldDescriptor.TYPE_SFIXED32}
_INT_TYPES_64 = {FieldDescriptor.TYPE_INT64, FieldDescriptor.TYPE_SINT64, FieldDescriptor.TYPE_SFIXED64}


def _string_extremes(value: str, context: Context) -> list[tuple[Any, str]]:
    if _DECIMAL_SHAPE.fullmatch(value):
        return _DECIMAL_EXTREMES
    extremes: list[tuple[Any, str]] = [
        (value + "\x00", "nul"),
        ("a" * 3_000, "long"),
        ("\u202e" + value, "unicode"),
    ]
    if value.startswith("apps/"):
        others = [name for name in context.other_names if name.count("/") == value.count("/")]
        extremes += [(others[0], "name-other-app")] if others else []
        extremes += [(value.rsplit("/", 1)[0] + "/" + "a" * 65, "name-malformed")]
    return extremes


def _extremes(target: FieldDescriptor, value: Any, context: Context) -> list[tuple[Any, str]]:
    if is_map(target):
        return [({f"k{i}": "v" for i in range(HUGE_REPEATED // 10)}, "huge-map")]
    if is_repeated(target):
        element = list(value)[:1] or [_EMPTY_ELEMENTS.get(target.type, 1)]
        return [(element * HUGE_REPEATED, "huge-repeated")] if not is_message(target) else []
    if target.type == FieldDescriptor.TYPE_STRING:
        return _string_extremes(value, context)
    if target.type in _INT_TYPES_32:
        return [(INT32[1], "int-bound"), (INT32[0], "int-bound"), (-1, "int-bound")]
    if target.type in _INT_TYPES_64:
        return [(2**31, "int-bound"), (INT64[1], "int-bound"), (INT64[0], "int-bound"), (-1, "int-bound")]
    if target.type == FieldDescriptor.TYPE_ENUM:
        return [(999, "enum-unknown"), (-1, "enum-unknown")]
    if not is_message(target):
        return []
    full_name = target.message_type.full_name
    if full_name == TIMESTAMP:
        return [
            (timestamp_pb2.Timestamp(seconds=TIMESTAMP_MAX + 1), "timestamp-out-of-range"),
            (timestamp_pb2.Timestamp(seconds=INT64[0]), "timestamp-out-of-range"),
            (timestamp_pb2.Timestamp(seconds=0, nanos=-1), "timestamp-out-of-range"),
        ]
    if full_name == DURATION:
        return [
            (duration_pb2.Duration(seconds=DURATION_MAX + 1), "duration-out-of-range"),
            (duration_pb2.Duration(seconds=INT64[1]), "duration-out-of-range"),
            (duration_pb2.Duration(seconds=1, nanos=-1), "duration-out-of-range"),
        ]
    if full_name == FIELD_MASK:
        return [(field_mask_pb2.FieldMask(paths=paths), "mask-bad") for paths in (["nope"], ["*"], [""])]
    return []


def boundary_requests(rpc: Rpc, context: Context, bases: list[Message]) -> Iterator[Generated]:
    """Each field set in some well-formed request, with each of its extremes, in the first
    well-formed request that sets it (each field path once, once per resource for the fields of
    an update's resource); then the request's other fields, in the first well-formed request."""
    done: set[tuple[str, str]] = set()
    for base in bases:
        for path in field_paths(rpc.request_descriptor):
            if not is_leaf(path[-1]) or not is_set(base, path):
                continue
            key = (dotted(path), _resource_of(base, path))
            if key not in done:
                done.add(key)
                yield from _variants(rpc, context, base, path)
    # The request's own fields no well-formed request sent (optional filters, say), in the first.
    for path in field_paths(rpc.request_descriptor):
        if bases and len(path) == 1 and is_leaf(path[0]) and (dotted(path), "") not in done:
            done.add((dotted(path), ""))
            yield from _variants(rpc, context, bases[0], path)


def _resource_of(base: Message, path: FieldPath) -> str:
    """For a field of a resource an update carries, which resource (a rate means something else
    in a GBP shop's rule than in a USD one's); empty for anything else."""
    if len(path) < 2 or path[-1].name == "name":
        return ""
    owner = getattr(base, path[0].name)
    return str(getattr(owner, "name", "")) if "name" in owner.DESCRIPTOR.fields_by_name else ""


def _variants(rpc: Rpc, context: Context, base: Message, path: FieldPath) -> Iterator[Generated]:
    current = getattr(owner_of(base, path), path[-1].name)
    for value, kind in _extremes(path[-1], current, context):
        request = rpc.new_request()
        request.CopyFrom(base)
        assign(owner_of(request, path), path[-1], value)
        yield Generated(request, labels=[(dotted(path), kind)])
