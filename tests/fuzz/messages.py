"""Setting and reading fields of any message by descriptor."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from google.protobuf import timestamp_pb2
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from tests.fuzz.descriptors import FieldPath, is_map, is_message, is_repeated


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


def now() -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(datetime.now(UTC))
    return stamp


def is_set(message: Message, path: FieldPath) -> bool:
    """Whether the field at ``path`` holds a value other than its default (without creating the
    messages on the way)."""
    for step in path[:-1]:
        if not message.HasField(step.name):
            return False
        message = getattr(message, step.name)
    target = path[-1]
    if is_repeated(target):
        return len(getattr(message, target.name)) > 0
    if is_message(target) or target.has_presence:
        return message.HasField(target.name)
    return bool(getattr(message, target.name))
