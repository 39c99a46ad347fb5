"""Every RPC of every service, read from the generated modules: a new RPC or service is fuzzed
without anyone listing it."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from google.protobuf import message_factory
from google.protobuf.descriptor import Descriptor, FieldDescriptor, MethodDescriptor

import multichannel.v1 as api_package

# Messages sent as one value (their parts have meaning only together).
TIMESTAMP = "google.protobuf.Timestamp"
DURATION = "google.protobuf.Duration"
FIELD_MASK = "google.protobuf.FieldMask"
WELL_KNOWN_LEAVES = {TIMESTAMP, DURATION, FIELD_MASK}
MAX_DEPTH = 3


@dataclass(frozen=True)
class Rpc:
    method: MethodDescriptor

    @property
    def service_name(self) -> str:
        return str(self.method.containing_service.name)

    @property
    def name(self) -> str:
        return str(self.method.name)

    @property
    def id(self) -> str:
        return f"{self.service_name}.{self.name}"

    @property
    def path(self) -> str:
        return f"/{self.method.containing_service.full_name}/{self.method.name}"

    @property
    def request_descriptor(self) -> Descriptor:
        return self.method.input_type

    @property
    def server_streaming(self) -> bool:
        return bool(self.method.server_streaming)

    @property
    def client_streaming(self) -> bool:
        return bool(self.method.client_streaming)

    def new_request(self) -> Any:
        return message_class(self.method.input_type)()


def message_class(descriptor: Descriptor) -> Any:
    return message_factory.GetMessageClass(descriptor)


@cache
def discover_rpcs() -> tuple[Rpc, ...]:
    """Every method of every service declared by a ``*_pb2`` module of ``multichannel.v1``."""
    found = []
    for module_info in sorted(pkgutil.iter_modules(api_package.__path__), key=lambda m: m.name):
        if not module_info.name.endswith("_pb2"):
            continue
        module = importlib.import_module(f"{api_package.__name__}.{module_info.name}")
        for service in module.DESCRIPTOR.services_by_name.values():
            found += [Rpc(method) for method in service.methods]
    return tuple(found)


def is_message(field: FieldDescriptor) -> bool:
    return field.type == FieldDescriptor.TYPE_MESSAGE


def is_map(field: FieldDescriptor) -> bool:
    return is_message(field) and field.message_type.GetOptions().map_entry


def is_repeated(field: FieldDescriptor) -> bool:
    return bool(field.is_repeated)


def is_leaf(field: FieldDescriptor) -> bool:
    """A field set as one value: scalars, enums, well-known messages, repeated fields and maps."""
    return not is_message(field) or is_repeated(field) or field.message_type.full_name in WELL_KNOWN_LEAVES


FieldPath = tuple[FieldDescriptor, ...]


def field_paths(descriptor: Descriptor, depth: int = 0) -> Iterator[FieldPath]:
    """Every field a mutation can change, nested messages included down to ``MAX_DEPTH``; a
    message field is itself a path too (it can be replaced as a whole)."""
    for field in descriptor.fields:
        yield (field,)
        if not is_leaf(field) and depth < MAX_DEPTH:
            for rest in field_paths(field.message_type, depth + 1):
                yield (field, *rest)


def leaf_paths(descriptor: Descriptor, depth: int = 0) -> Iterator[FieldPath]:
    """The scalar and well-known leaves of a message, as an update mask would name them."""
    for field in descriptor.fields:
        if is_leaf(field):
            yield (field,)
        elif depth < MAX_DEPTH:
            for rest in leaf_paths(field.message_type, depth + 1):
                yield (field, *rest)


def dotted(path: FieldPath) -> str:
    return ".".join(field.name for field in path)
