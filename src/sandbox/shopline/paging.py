"""Cursor paging through the `Link` header (reference A7): the first page takes filters (and
`since_id`), later pages only `page_info` (+ `limit`, `fields`); every other filter sent with a
`page_info` is ignored because the cursor carries the original ones. No `Link` header means no
more pages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import urlencode

from sandbox.paging import (
    Cursor,
    InvalidCursor,
    Key,
    SortedResult,
    decode_cursor,
    encode_cursor,
    fingerprint,
    page_after,
    page_before,
    sorted_result,
)
from sandbox.shopline.errors import ShoplineError
from sandbox.shopline.gateway import SlCall
from sandbox.shopline.render import parse_iso

T = TypeVar("T")


def parse_limit(call: SlCall, default: int, maximum: int) -> int:
    raw = call.query.get("limit")
    if raw is None:
        return default
    try:
        limit = int(raw)
    except ValueError:
        raise ShoplineError(400, "limit must be an integer") from None
    if not 1 <= limit <= maximum:
        raise ShoplineError(400, f"limit must be between 1 and {maximum}")
    return limit


def time_bound(filters: dict[str, Any], name: str) -> float | None:
    value = filters.get(name)
    if not value:
        return None
    try:
        return parse_iso(value)
    except ValueError:
        raise ShoplineError(400, f"{name} must be an ISO 8601 date-time") from None


def request_filters(call: SlCall, names: Sequence[str]) -> dict[str, Any]:
    return {name: call.query[name] for name in names if call.query.get(name) not in (None, "")}


def link_page(
    call: SlCall,
    resource: str,
    kind: str,
    filter_names: Sequence[str],
    candidates: Callable[[dict[str, Any]], Sequence[T]],
    sort_key: Callable[[dict[str, Any]], Callable[[T], Key]],
    *,
    default_limit: int = 50,
    max_limit: int = 1000,
) -> tuple[list[T], dict[str, str]]:
    limit = parse_limit(call, default_limit, max_limit)
    token = call.query.get("page_info")
    cursor: Cursor | None = None
    if token:
        try:
            cursor = decode_cursor(token, urlsafe=True)
        except InvalidCursor:
            raise ShoplineError(400, "page_info is invalid") from None
        filters = dict(cursor.query or {})
    else:
        filters = request_filters(call, filter_names)
    query_id = fingerprint([kind, filters])
    key = sort_key(filters)
    result: SortedResult[T] = call.state.cache.get_or_build(  # type: ignore[assignment]
        (call.store.handle, kind, query_id),
        call.state.versions.get(call.store.handle, 0),
        lambda: sorted_result(candidates(filters), key),  # type: ignore[arg-type]
    )
    if cursor is not None and cursor.query_fingerprint != query_id:
        raise ShoplineError(400, "page_info is invalid")
    if cursor is not None and cursor.direction == "previous":
        items, start = page_before(result, cursor.last_key, limit)
    else:
        items, start = page_after(result, cursor.last_key if cursor else None, limit)
    links = []
    fields = call.query.get("fields")

    def url(direction: str, anchor: Key) -> str:
        info = encode_cursor(Cursor(query_id, anchor, 0, direction, filters), urlsafe=True)
        params = {"limit": str(limit), "page_info": info}
        if fields:
            params["fields"] = fields
        return f"{call.base_url}/{resource}?{urlencode(params)}"

    if items and start > 0:
        links.append(f'<{url("previous", key(items[0]))}>; rel="previous"')
    if items and start + len(items) < len(result.items):
        links.append(f'<{url("next", key(items[-1]))}>; rel="next"')
    return list(items), ({"Link": ", ".join(links)} if links else {})
