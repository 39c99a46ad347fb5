"""Reading webhook bodies defensively: a field that is missing or of the wrong shape is a
``MalformedPayload`` naming the field (never its value: bodies may carry buyer data)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


class MalformedPayload(Exception):
    """The body cannot be acted on; the delivery is dropped with a log line naming ``field``."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field


def json_object(body: str) -> dict[str, Any]:
    try:
        value = json.loads(body)
    except ValueError:
        raise MalformedPayload("body", "is not JSON") from None
    if not isinstance(value, dict):
        raise MalformedPayload("body", "is not a JSON object")
    return value


def text(data: dict[str, Any], name: str) -> str:
    """A non-empty id or word; ids may arrive as JSON numbers (TikTok's ``product_id``)."""
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise MalformedPayload(name, "is missing or not a string")
    result = str(value).strip()
    if not result:
        raise MalformedPayload(name, "is empty")
    return result


def optional_text(data: dict[str, Any], name: str) -> str | None:
    return text(data, name) if data.get(name) not in (None, "") else None


def unix_time(data: dict[str, Any], name: str, *, millis: bool = False) -> datetime:
    """Unix seconds (or milliseconds) as a JSON number or a numeric string."""
    value = data.get(name)
    if isinstance(value, bool):
        raise MalformedPayload(name, "is not a Unix time")
    try:
        number = int(value) if isinstance(value, int | str) else None
    except ValueError:
        number = None
    if number is None or number < 0:
        raise MalformedPayload(name, "is not a Unix time")
    try:
        return datetime.fromtimestamp(number / 1000 if millis else number, UTC)
    except (OverflowError, OSError, ValueError):
        raise MalformedPayload(name, "is out of range") from None


def nested(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name)
    if not isinstance(value, dict):
        raise MalformedPayload(name, "is missing or not an object")
    return value


@dataclass(frozen=True)
class TikTokEvent:
    """TikTok's envelope (reference §5.1): ``timestamp`` is when TikTok sent it."""

    type: int
    sent_at: datetime
    data: dict[str, Any]

    @classmethod
    def parse(cls, body: str) -> TikTokEvent:
        envelope = json_object(body)
        kind = envelope.get("type")
        if isinstance(kind, bool) or not isinstance(kind, int):
            raise MalformedPayload("type", "is missing or not a number")
        data = envelope.get("data")
        return cls(kind, unix_time(envelope, "timestamp"), data if isinstance(data, dict) else {})
