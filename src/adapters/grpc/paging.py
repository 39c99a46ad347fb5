"""Opaque, tamper-evident page tokens and page-size rules (AIP-158).

A token binds the repository cursor to a fingerprint of the request's other parameters, so
changing a filter between pages, or editing the token, is ``INVALID_ARGUMENT``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass

from domain.errors import InvalidArgument

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
_MAC_BYTES = 16


def page_size(requested: int, *, default: int = DEFAULT_PAGE_SIZE, maximum: int = MAX_PAGE_SIZE) -> int:
    if requested < 0:
        raise InvalidArgument("page_size", "must not be negative")
    if requested == 0:
        return default
    return min(requested, maximum)


@dataclass(frozen=True)
class PageRequest:
    """One List call's paging: the checked size, where to resume, and how to issue the next token."""

    size: int
    after: str | None
    codec: PageTokenCodec
    fingerprint: str

    def next_token(self, cursor: str | None) -> str:
        return self.codec.encode(cursor, fingerprint=self.fingerprint)


class PageTokenCodec:
    def __init__(self, key: bytes) -> None:
        self._key = hashlib.sha256(b"mcc page tokens\x00" + key).digest()

    def open(self, requested_size: int, token: str, *parameters: object) -> PageRequest:
        """``parameters`` are the method and every other request field that shapes the result."""
        size = page_size(requested_size)
        request_fingerprint = fingerprint(*parameters)
        after = self.decode(token, fingerprint=request_fingerprint)
        return PageRequest(size=size, after=after, codec=self, fingerprint=request_fingerprint)

    def encode(self, cursor: str | None, *, fingerprint: str) -> str:
        if cursor is None:
            return ""
        body = json.dumps({"c": cursor, "f": fingerprint}, separators=(",", ":")).encode()
        mac = hmac.new(self._key, body, hashlib.sha256).digest()[:_MAC_BYTES]
        return base64.urlsafe_b64encode(mac + body).decode().rstrip("=")

    def decode(self, token: str, *, fingerprint: str) -> str | None:
        if not token:
            return None
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (ValueError, TypeError):
            raise InvalidArgument("page_token", "is not a token issued by this service") from None
        mac, body = raw[:_MAC_BYTES], raw[_MAC_BYTES:]
        expected = hmac.new(self._key, body, hashlib.sha256).digest()[:_MAC_BYTES]
        if len(mac) != _MAC_BYTES or not hmac.compare_digest(mac, expected):
            raise InvalidArgument("page_token", "is not a token issued by this service")
        payload = json.loads(body)
        if payload.get("f") != fingerprint:
            raise InvalidArgument("page_token", "was issued for a request with different parameters")
        cursor = payload.get("c")
        if not isinstance(cursor, str):
            raise InvalidArgument("page_token", "is not a token issued by this service")
        return cursor


def fingerprint(*parts: object) -> str:
    return hashlib.sha256(json.dumps([str(p) for p in parts]).encode()).hexdigest()[:16]
