"""The rules every caller-supplied string meets at an edge (gRPC requests, HTTP query strings).

PostgreSQL refuses NUL characters in text, and nothing the API takes needs more than
``MAX_STRING_CHARS``; both are refused by name before a use case or the database sees them.
"""

from __future__ import annotations

from domain.errors import InvalidArgument

MAX_STRING_CHARS = 2048
"""Longer than any name, token, code or filter the API takes; short enough to quote safely."""


def check_text(value: str, path: str, *, max_chars: int = MAX_STRING_CHARS) -> None:
    """Raises ``InvalidArgument`` naming ``path`` when ``value`` is too long or holds a NUL."""
    if len(value) > max_chars:
        raise InvalidArgument(path, f"must be at most {max_chars} characters")
    if "\x00" in value:
        raise InvalidArgument(path, "must not contain NUL characters")
