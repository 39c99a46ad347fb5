"""Well-formed-looking requests to probe the server with: what a real client sends, with the
populated server's names. The ones the server accepts are what mutations start from."""

from __future__ import annotations

import random
import re
from typing import Any

from google.protobuf import duration_pb2, field_mask_pb2
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message

from tests.fuzz.descriptors import (
    DURATION,
    FIELD_MASK,
    TIMESTAMP,
    FieldPath,
    Rpc,
    dotted,
    is_leaf,
    is_map,
    is_message,
    is_repeated,
    leaf_paths,
    message_class,
)
from tests.fuzz.messages import assign, now, owner_of
from tests.fuzz.values import Context

PRIMARY_FIELDS = ("name", "parent")


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
        return now()
    if target.message_type.full_name == DURATION:
        return duration_pb2.Duration(seconds=1)
    return message_class(target.message_type)()


def _resource_update(
    request: Message,
    resource_field: FieldDescriptor,
    mask_field: FieldDescriptor,
    context: Context,
    rng: random.Random,
    index: int,
) -> None:
    """The ``index``-th combination of a resource of the right kind and one of its leaves, set
    and named in the mask: every resource with every leaf in turn."""
    resource = getattr(request, resource_field.name)
    names = resource_names(resource_field.message_type, context.names)
    if "name" in resource_field.message_type.fields_by_name:
        resource.name = names[index % len(names)]
    leaves = [path for path in leaf_paths(resource_field.message_type) if dotted(path) != "name"]
    if not leaves:
        return
    path = leaves[(index // len(names)) % len(leaves)]
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
        _resource_update(request, rng.choice(resources), masks[0], context, rng, index)
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
