"""Keyset paging shared by both simulators.

Results are held as a list sorted ascending by a key tuple; a cursor remembers the last key it
returned, so a page after a write neither repeats nor skips items that did not move. Cursors are
opaque base64 text carrying a fingerprint of the query that made them; replaying a cursor with a
different query is rejected, as the cursor is bound to its filters.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")
Key = tuple[Any, ...]


class InvalidCursor(ValueError):
    pass


def fingerprint(query: Any) -> str:
    text = json.dumps(query, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(slots=True)
class Cursor:
    query_fingerprint: str
    last_key: Key
    offset: int
    direction: str = "next"  # "next" pages after last_key, "previous" before it
    query: Any = None  # SHOPLINE cursors carry their filters


def encode_cursor(cursor: Cursor, *, urlsafe: bool = False, prefix: bytes = b"") -> str:
    raw = (
        prefix
        + json.dumps(
            {
                "f": cursor.query_fingerprint,
                "k": list(cursor.last_key),
                "n": cursor.offset,
                "d": cursor.direction,
                "q": cursor.query,
            },
            separators=(",", ":"),
        ).encode()
    )
    return (base64.urlsafe_b64encode(raw) if urlsafe else base64.b64encode(raw)).decode()


def decode_cursor(text: str, *, urlsafe: bool = False, prefix: bytes = b"") -> Cursor:
    try:
        raw = base64.urlsafe_b64decode(text) if urlsafe else base64.b64decode(text, validate=True)
        if not raw.startswith(prefix):
            raise ValueError("foreign cursor")
        payload = json.loads(raw[len(prefix) :])
        return Cursor(
            payload["f"], tuple(payload["k"]), int(payload["n"]), payload.get("d", "next"), payload.get("q")
        )
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise InvalidCursor(str(exc)) from exc


@dataclass(slots=True)
class SortedResult(Generic[T]):
    items: list[T]
    keys: list[Key]


class ResultCache(Generic[T]):
    """A small LRU of filtered, sorted results, invalidated by the data version."""

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._entries: OrderedDict[Hashable, tuple[int, SortedResult[T]]] = OrderedDict()

    def get_or_build(
        self, key: Hashable, version: int, build: Callable[[], SortedResult[T]]
    ) -> SortedResult[T]:
        hit = self._entries.get(key)
        if hit is not None and hit[0] == version:
            self._entries.move_to_end(key)
            return hit[1]
        result = build()
        self._entries[key] = (version, result)
        self._entries.move_to_end(key)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)
        return result


def sorted_result(items: Sequence[T], key: Callable[[T], Key]) -> SortedResult[T]:
    pairs = sorted(((key(item), item) for item in items), key=lambda pair: pair[0])
    return SortedResult([item for _, item in pairs], [k for k, _ in pairs])


def page_after(result: SortedResult[T], last_key: Key | None, limit: int) -> tuple[list[T], int]:
    """Items after `last_key` (from the start when None) and the index of the first one."""
    start = 0 if last_key is None else bisect_right(result.keys, last_key)
    return result.items[start : start + limit], start


def page_before(result: SortedResult[T], first_key: Key, limit: int) -> tuple[list[T], int]:
    end = bisect_left(result.keys, first_key)
    start = max(0, end - limit)
    return result.items[start:end], start
