"""Requests from the descriptors: one-field mutations of well-formed requests, random requests and
corrupted wire bytes, each labelled with the field paths and input kinds it carries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from google.protobuf import duration_pb2
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message
from hypothesis import strategies as st

from tests.fuzz.descriptors import (
    DURATION,
    FIELD_MASK,
    MAX_DEPTH,
    TIMESTAMP,
    WELL_KNOWN_LEAVES,
    FieldPath,
    Rpc,
    dotted,
    field_paths,
    is_leaf,
    is_map,
    is_message,
    is_repeated,
    message_class,
)
from tests.fuzz.messages import assign, is_set, now, owner_of
from tests.fuzz.values import Context, Drawn, any_of, field_masks, hostile_value, huge_repeated, labelled

Draw = Callable[[st.SearchStrategy[Any]], Any]
Label = tuple[str, str]  # (field path, input kind)


@dataclass
class Generated:
    """One request to send: a message, or raw bytes for the wire-level cases."""

    request: Message | None
    wire: bytes | None = None
    labels: list[Label] = field(default_factory=list)

    def payload(self) -> Any:
        return self.wire if self.wire is not None else self.request

    def describe(self) -> str:
        return ", ".join(f"{path}={kind}" for path, kind in self.labels) or "well-formed"


# --- plausible values ----------------------------------------------------------------------------


def plausible(target: FieldDescriptor, context: Context, request: Descriptor) -> st.SearchStrategy[Any]:
    """What a real client would put in a field (one element, for a repeated field)."""
    if target.name == "name" or (target.name == "parent" and not context.population.values.get("parent")):
        return st.sampled_from(context.names)
    known = context.population.values.get(target.name)
    if known:
        return st.sampled_from(known)
    if target.name == "request_id":  # a retry key: a fresh one, or the server answers it was used
        return st.uuids().map(str)
    if target.type == FieldDescriptor.TYPE_STRING:
        return st.sampled_from(["", "x", "USD", "fuzz"])
    if target.type == FieldDescriptor.TYPE_BOOL:
        return st.booleans()
    if target.type == FieldDescriptor.TYPE_ENUM:
        return st.sampled_from([value.number for value in target.enum_type.values])
    if target.type == FieldDescriptor.TYPE_BYTES:
        return st.binary(max_size=8)
    if target.type in (FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT):
        return st.floats(0, 100)
    if not is_message(target):
        return st.integers(0, 100)
    full_name = target.message_type.full_name
    if full_name == TIMESTAMP:
        return st.builds(now)
    if full_name == DURATION:
        return st.integers(1, 300).map(lambda s: duration_pb2.Duration(seconds=s))
    if full_name == FIELD_MASK:
        return field_masks(request).map(lambda drawn: drawn[0])
    return st.just(message_class(target.message_type)())


# --- random requests -----------------------------------------------------------------------------


def any_value(
    target: FieldDescriptor, context: Context, request: Descriptor, hint: str | None = None
) -> st.SearchStrategy[Drawn]:
    """A plausible or a hostile value for a whole field (a list for a repeated field, a dict for a map)."""
    if is_map(target):
        key_field = target.message_type.fields_by_name["key"]
        value_field = target.message_type.fields_by_name["value"]
        values = (
            plausible(value_field, context, request)
            if is_message(value_field)
            else hostile_value(value_field, context, request).map(lambda d: d[0])
        )
        keys = hostile_value(key_field, context, request).map(lambda d: d[0])
        entries = st.dictionaries(keys, values, max_size=3)
        return any_of(labelled(entries, "map"), huge_repeated(target, st.just("v")))
    element = _element(target, context, request, hint)
    if is_repeated(target):
        return any_of(
            st.lists(element, max_size=3).map(
                lambda drawn: ([v for v, _ in drawn], _kinds(drawn, "repeated"))
            ),
            huge_repeated(target, plausible(target, context, request)),
        )
    return element


def _element(
    target: FieldDescriptor, context: Context, request: Descriptor, hint: str | None = None
) -> st.SearchStrategy[Drawn]:
    if is_message(target) and target.message_type.full_name not in WELL_KNOWN_LEAVES:
        return st.just((message_class(target.message_type)(), "empty-message"))
    return any_of(
        labelled(plausible(target, context, request), "plausible"),
        hostile_value(target, context, request, hint),
    )


def _kinds(drawn: list[Drawn], fallback: str) -> str:
    kinds = sorted({kind for _, kind in drawn})
    return "+".join(kinds) if kinds else fallback


def random_message(
    draw: Draw,
    descriptor: Descriptor,
    context: Context,
    request: Descriptor,
    labels: list[Label],
    prefix: str = "",
    depth: int = 0,
) -> Message:
    message: Message = message_class(descriptor)()
    for target in descriptor.fields:
        if not draw(st.booleans()):
            continue
        path = f"{prefix}{target.name}"
        if not is_leaf(target):
            if depth < MAX_DEPTH:
                nested = random_message(
                    draw, target.message_type, context, request, labels, f"{path}.", depth + 1
                )
                getattr(message, target.name).CopyFrom(nested)
            continue
        value, kind = draw(any_value(target, context, request))
        assign(message, target, value)
        labels.append((path, kind))
    return message


def random_request(draw: Draw, rpc: Rpc, context: Context) -> Generated:
    labels: list[Label] = []
    request = random_message(draw, rpc.request_descriptor, context, rpc.request_descriptor, labels)
    if draw(st.integers(0, 9)) == 0:
        return corrupted(draw, request, labels)
    return Generated(request, labels=labels)


# --- corrupted wire bytes ------------------------------------------------------------------------


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _field_one(wire_type: int) -> bytes:
    return _varint((1 << 3) | wire_type)


WIRE_CORRUPTIONS: dict[str, Callable[[bytes, int], bytes]] = {
    "truncated": lambda data, n: data[: n % max(len(data), 1)],
    "garbage-appended": lambda data, n: data + bytes([n % 256, 0xFF, 0x0F]),
    "varint-beyond-64-bits": lambda data, n: data + _field_one(0) + b"\xff" * 10 + b"\x01",
    "int-beyond-64-bits": lambda data, n: data + _varint((2 << 3) | 0) + b"\xff" * 9 + b"\x7f",
    "invalid-utf8": lambda data, n: data + _field_one(2) + _varint(3) + b"\xff\xfe\xc0",
    "wrong-wire-type": lambda data, n: data + _field_one(5) + b"\x00\x00\x00\x00",
    "length-beyond-end": lambda data, n: data + _field_one(2) + _varint(2**31) + b"ab",
    "unknown-field": lambda data, n: data + _varint((9999 << 3) | 2) + _varint(3) + b"abc",
    "group-tag": lambda data, n: data + _varint((1 << 3) | 3),
}


def corrupted(draw: Draw, request: Message, labels: list[Label]) -> Generated:
    how = draw(st.sampled_from(sorted(WIRE_CORRUPTIONS)))
    wire = WIRE_CORRUPTIONS[how](request.SerializeToString(), draw(st.integers(0, 1 << 12)))
    return Generated(None, wire=wire, labels=[*labels, ("<wire>", f"wire-{how}")])


# --- mutations of well-formed requests -----------------------------------------------------------


def mutated_request(draw: Draw, rpc: Rpc, context: Context, bases: list[Message]) -> Generated:
    """A well-formed request with one field changed: unset, or a hostile value (a random
    message for a nested message field). A changed field of the resource an update carries is
    usually named in its update mask too, so the server reads the new value."""
    request = rpc.new_request()
    request.CopyFrom(draw(st.sampled_from(bases)))
    paths = list(field_paths(rpc.request_descriptor))
    if not paths:
        return Generated(request, labels=[("<none>", "well-formed")])
    # Half the time a field the well-formed request sends: those are the ones the server reads.
    sent = [path for path in paths if is_leaf(path[-1]) and is_set(request, path)]
    path = draw(st.sampled_from(sent if sent and draw(st.booleans()) else paths))
    target = path[-1]
    hint = _shape_hint(request, path, context)
    owner = owner_of(request, path)
    if draw(st.integers(0, 4)) == 0:
        owner.ClearField(target.name)
        return Generated(request, labels=[(dotted(path), "unset")])
    if is_leaf(target):
        value, kind = draw(
            any_value(target, context, rpc.request_descriptor, hint).filter(lambda d: d[1] != "plausible")
        )
        assign(owner, target, value)
    else:
        value = random_message(draw, target.message_type, context, rpc.request_descriptor, [])
        getattr(owner, target.name).CopyFrom(value)
        kind = "random-message"
    _name_in_mask(draw, request, path)
    return Generated(request, labels=[(dotted(path), kind)])


def _shape_hint(request: Message, path: FieldPath, context: Context) -> str | None:
    """A well-formed value of the field, so hostile values of its kind come more often: decimals
    for "0.79", names for "apps/…"."""
    target = path[-1]
    if target.type != FieldDescriptor.TYPE_STRING or is_repeated(target):
        return None
    current = getattr(owner_of(request, path), target.name) if is_set(request, path) else ""
    known = [v for v in context.population.values.get(target.name, []) if isinstance(v, str)]
    return current or (known[0] if known else None)


def _name_in_mask(draw: Draw, request: Message, path: FieldPath) -> None:
    masks = [f for f in request.DESCRIPTOR.fields if is_message(f) and f.message_type.full_name == FIELD_MASK]
    if not masks or len(path) < 2 or path[0] in masks or not draw(st.integers(0, 4)):
        return
    mask = getattr(request, masks[0].name)
    leaf = dotted(path[1:])
    if leaf not in mask.paths:
        mask.paths.append(leaf)
