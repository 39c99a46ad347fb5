"""Requests from the descriptors: well-formed candidates (what a real client sends, with the
populated server's names), one-field mutations of the well-formed ones, random requests and
corrupted wire bytes."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from google.protobuf import duration_pb2, field_mask_pb2, timestamp_pb2
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
    leaf_paths,
    message_class,
)
from tests.fuzz.values import Context, Drawn, any_of, field_masks, hostile_value, huge_repeated, labelled

Draw = Callable[[st.SearchStrategy[Any]], Any]
Label = tuple[str, str]  # (field path, input kind)
PRIMARY_FIELDS = ("name", "parent")


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


# --- setting values ------------------------------------------------------------------------------


def assign(message: Message, target: FieldDescriptor, value: Any) -> None:
    if is_map(target):
        container: Any = getattr(message, target.name)
        container.clear()
        value_field = target.message_type.fields_by_name["value"]
        for key, item in value.items():
            if is_message(value_field):
                container[key].CopyFrom(item)
            else:
                container[key] = item
    elif is_repeated(target):
        container = getattr(message, target.name)
        del container[:]
        if is_message(target):
            for item in value:
                container.add().CopyFrom(item)
        else:
            container.extend(value)
    elif is_message(target):
        getattr(message, target.name).CopyFrom(value)
    else:
        setattr(message, target.name, value)


def owner_of(message: Message, path: FieldPath) -> Message:
    """The message that holds the last field of ``path`` (created on the way where unset)."""
    for step in path[:-1]:
        message = getattr(message, step.name)
    return message


def strings_of(message: Message) -> list[str]:
    """Every string a request carries (fields, repeated fields, map keys and values, mask paths)."""
    found: list[str] = []
    for described, value in message.ListFields():
        if is_map(described):
            value_field = described.message_type.fields_by_name["value"]
            for key, item in value.items():
                found += [key] if isinstance(key, str) else []
                found += (
                    strings_of(item) if is_message(value_field) else [item] if isinstance(item, str) else []
                )
        elif is_message(described):
            for item in value if is_repeated(described) else [value]:
                found += strings_of(item)
        elif described.type == FieldDescriptor.TYPE_STRING:
            found += list(value) if is_repeated(described) else [value]
    return found


# --- plausible values ----------------------------------------------------------------------------


def _now() -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(datetime.now(UTC))
    return stamp


def plausible(target: FieldDescriptor, context: Context, request: Descriptor) -> st.SearchStrategy[Any]:
    """What a real client would put in a field (one element, for a repeated field)."""
    if target.name == "name" or (target.name == "parent" and not context.population.values.get("parent")):
        return st.sampled_from(context.names)
    known = context.population.values.get(target.name)
    if known:
        return st.sampled_from(known)
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
        return st.builds(_now)
    if full_name == DURATION:
        return st.integers(1, 300).map(lambda s: duration_pb2.Duration(seconds=s))
    if full_name == FIELD_MASK:
        return field_masks(request).map(lambda drawn: drawn[0])
    return st.just(message_class(target.message_type)())


# --- random requests -----------------------------------------------------------------------------


def any_value(target: FieldDescriptor, context: Context, request: Descriptor) -> st.SearchStrategy[Drawn]:
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
    element = _element(target, context, request)
    if is_repeated(target):
        return any_of(
            st.lists(element, max_size=3).map(
                lambda drawn: ([v for v, _ in drawn], _kinds(drawn, "repeated"))
            ),
            huge_repeated(target, plausible(target, context, request)),
        )
    return element


def _element(target: FieldDescriptor, context: Context, request: Descriptor) -> st.SearchStrategy[Drawn]:
    if is_message(target) and target.message_type.full_name not in WELL_KNOWN_LEAVES:
        return st.just((message_class(target.message_type)(), "empty-message"))
    return any_of(
        labelled(plausible(target, context, request), "plausible"), hostile_value(target, context, request)
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
    path = draw(st.sampled_from(paths))
    target = path[-1]
    owner = owner_of(request, path)
    if draw(st.integers(0, 4)) == 0:
        owner.ClearField(target.name)
        return Generated(request, labels=[(dotted(path), "unset")])
    if is_leaf(target):
        value, kind = draw(
            any_value(target, context, rpc.request_descriptor).filter(lambda d: d[1] != "plausible")
        )
        assign(owner, target, value)
    else:
        value = random_message(draw, target.message_type, context, rpc.request_descriptor, [])
        getattr(owner, target.name).CopyFrom(value)
        kind = "random-message"
    _name_in_mask(draw, request, path)
    return Generated(request, labels=[(dotted(path), kind)])


def _name_in_mask(draw: Draw, request: Message, path: FieldPath) -> None:
    masks = [f for f in request.DESCRIPTOR.fields if is_message(f) and f.message_type.full_name == FIELD_MASK]
    if not masks or len(path) < 2 or path[0] in masks or not draw(st.integers(0, 4)):
        return
    mask = getattr(request, masks[0].name)
    leaf = dotted(path[1:])
    if leaf not in mask.paths:
        mask.paths.append(leaf)


# --- well-formed candidates ----------------------------------------------------------------------


def _lower_camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _of_kind(resource: str, names: list[str]) -> list[str]:
    """The names of one kind: ``…/shops/{id}`` for Shop, ``…/priceRule`` (a singleton) for PriceRule."""
    collection = _lower_camel(resource)
    return [n for n in names if n.rsplit("/", 2)[-2:-1] == [collection + "s"] or n.endswith("/" + collection)]


def resource_names(resource: Descriptor, names: list[str]) -> list[str]:
    return _of_kind(resource.name, names) or names


def _plausible_leaf(path: FieldPath, context: Context, rng: random.Random) -> Any:
    target = path[-1]
    known = context.population.values.get(target.name)
    if known and not is_repeated(target):
        return rng.choice(known)
    if is_repeated(target):
        return {} if is_map(target) else []
    if target.type == FieldDescriptor.TYPE_BOOL:
        return True
    if target.type == FieldDescriptor.TYPE_ENUM:
        numbers = [value.number for value in target.enum_type.values if value.number]
        return rng.choice(numbers) if numbers else 0
    if target.type == FieldDescriptor.TYPE_STRING:
        return "fuzz"
    if target.type == FieldDescriptor.TYPE_BYTES:
        return b"x"
    if not is_message(target):
        return 1
    if target.message_type.full_name == TIMESTAMP:
        return _now()
    if target.message_type.full_name == DURATION:
        return duration_pb2.Duration(seconds=1)
    return message_class(target.message_type)()


def _resource_update(
    request: Message,
    resource_field: FieldDescriptor,
    mask_field: FieldDescriptor,
    context: Context,
    rng: random.Random,
) -> None:
    resource = getattr(request, resource_field.name)
    if "name" in resource_field.message_type.fields_by_name:
        resource.name = rng.choice(resource_names(resource_field.message_type, context.names))
    leaves = [path for path in leaf_paths(resource_field.message_type) if dotted(path) != "name"]
    if not leaves:
        return
    path = rng.choice(leaves)
    assign(owner_of(resource, path), path[-1], _plausible_leaf(path, context, rng))
    getattr(request, mask_field.name).CopyFrom(field_mask_pb2.FieldMask(paths=[dotted(path)]))


def _camel_suffixes(method_name: str) -> list[str]:
    """``GetInventoryPool`` → ``InventoryPool``, ``Pool``: the nouns a method may be about."""
    words = re.findall(r"[A-Z][a-z0-9]*", method_name)[1:]
    return ["".join(words[i:]) for i in range(len(words))]


def ordered_names(method_name: str, names: list[str]) -> list[str]:
    """The names of the kind the method's name speaks of first (GetShop: the shops)."""
    for noun in _camel_suffixes(method_name):
        singular = noun[:-1] if noun.endswith("s") and not noun.endswith("ss") else noun
        matching = _of_kind(singular, names)
        if matching:
            return matching + [n for n in names if n not in matching]
    return names


def candidate_request(
    rpc: Rpc, context: Context, rng: random.Random, index: int, bundle: dict[str, Any] | None
) -> Message:
    """The ``index``-th candidate: its primary field (name or parent) takes the ``index``-th value
    (names of the method's own kind first), every other known field a random well-formed value
    or nothing."""
    descriptor = rpc.request_descriptor
    request: Message = rpc.new_request()
    masks = [f for f in descriptor.fields if is_message(f) and f.message_type.full_name == FIELD_MASK]
    resources = [f for f in descriptor.fields if is_message(f) and not is_leaf(f)]
    if masks and resources:
        _resource_update(request, rng.choice(resources), masks[0], context, rng)
    for target in descriptor.fields:
        if is_message(target) and not is_repeated(target) and request.HasField(target.name):
            continue
        if bundle is not None and target.name in bundle:
            assign(request, target, bundle[target.name])
        elif target.name in PRIMARY_FIELDS:
            pool = (
                context.names
                if target.name == "name"
                else context.population.values.get("parent") or context.names
            )
            ordered = ordered_names(rpc.name, pool)
            assign(request, target, ordered[index % len(ordered)])
        elif target.name in context.population.values and rng.random() < 0.5:
            value = rng.choice(context.population.values[target.name])
            assign(request, target, [value] if is_repeated(target) else value)
        elif is_message(target) and target.message_type.full_name == DURATION and rng.random() < 0.3:
            assign(request, target, duration_pb2.Duration(seconds=1))
    return request


def candidate_requests(rpc: Rpc, context: Context, count: int, seed: int = 0) -> list[Message]:
    """Well-formed-looking requests to probe: the matching value bundles first, then random picks."""
    rng = random.Random(f"{rpc.id}/{seed}")
    fields = set(rpc.request_descriptor.fields_by_name)
    bundles = [b for b in context.population.bundles if len(fields & set(b)) >= 2 and set(b) <= fields]
    candidates = [candidate_request(rpc, context, rng, 0, bundle) for bundle in bundles]
    while len(candidates) < count:
        candidates.append(candidate_request(rpc, context, rng, len(candidates), None))
    unique: dict[bytes, Message] = {}
    for candidate in candidates:
        unique.setdefault(candidate.SerializeToString(deterministic=True), candidate)
    return list(unique.values())
