"""Cursor paging of TikTok search endpoints (reference §3.0): `page_size` 1-100 in the query,
opaque `page_token` (standard base64, so it holds `/` and `+`), `next_page_token` empty on the
last page, `total_count` over the whole result."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sandbox.paging import Cursor, InvalidCursor, Key, decode_cursor, encode_cursor, fingerprint, page_after
from sandbox.paging import sorted_result as build_sorted
from sandbox.tiktok import errors
from sandbox.tiktok.gateway import Call

T = TypeVar("T")

# Every token starts with "+/" once encoded: a client that does not percent-encode the token, or
# signs it encoded, fails the signature check on the second page, as it would in production.
TOKEN_PREFIX = b"\xfb\xff"


def page_size(call: Call, *, required: bool = True, default: int = 10) -> int:
    raw = call.query.get("page_size")
    if raw is None or raw == "":
        if required:
            raise errors.invalid_param("The 'page_size' query parameter is required.")
        return default
    try:
        size = int(raw)
    except ValueError:
        raise errors.invalid_param("The 'page_size' query parameter must be an integer.") from None
    if not 1 <= size <= 100:
        raise errors.invalid_param("The 'page_size' query parameter must be within [1, 100].")
    return size


def search_page(
    call: Call,
    kind: str,
    query: dict[str, Any],
    candidates: Callable[[], Sequence[T]],
    sort_key: Callable[[T], Key],
    size: int,
    *,
    cap: int | None = None,
) -> tuple[list[T], str, int]:
    """One page of `candidates` in `sort_key` order; returns (items, next_page_token, total_count)."""
    assert call.shop is not None
    query_id = fingerprint(query)
    data = call.shop_data
    result = call.state.search_cache.get_or_build(
        (call.shop.id, kind, query_id), data.version, lambda: build_sorted(candidates(), sort_key)
    )
    last_key: Key | None = None
    offset = 0
    token = call.query.get("page_token")
    if token:
        try:
            cursor = decode_cursor(token, prefix=TOKEN_PREFIX)
        except InvalidCursor:
            raise errors.invalid_param("The 'page_token' query parameter is invalid.") from None
        if cursor.query_fingerprint != query_id:
            raise errors.invalid_param(
                "The 'page_token' does not belong to this query; keep the filters unchanged."
            )
        last_key, offset = cursor.last_key, cursor.offset
    if cap is not None and offset >= cap:
        raise errors.error(errors.SEARCH_CAP)
    items, _ = page_after(result, last_key, size)
    next_token = ""
    if items:
        next_offset = offset + len(items)
        last = sort_key(items[-1])
        if page_after(result, last, 1)[0]:
            next_token = encode_cursor(Cursor(query_id, last, next_offset), prefix=TOKEN_PREFIX)
    return items, next_token, len(result.items)
