"""SHOPLINE signatures (reference A3), HMAC-SHA256 keyed with the app secret, hex output.

* GET (install request, OAuth callback): the query without `sign`, keys sorted, joined `k=v&k=v`.
  The docs are ambiguous about encoding the values first, so verification accepts both the decoded
  and the percent-encoded form, always inside the ±10 minute timestamp window.
* POST (token create and refresh): `raw body + timestamp` (milliseconds), in headers.
* Webhooks: the raw body; the header may be hex (live deliveries) or base64 (the docs' example).
Every comparison is constant time.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

TIMESTAMP_WINDOW_MS = 10 * 60 * 1000


def _digest(app_secret: str, message: bytes) -> bytes:
    return hmac.new(app_secret.encode("utf-8"), message, hashlib.sha256).digest()


def compact_json(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def get_string_to_sign(params: Mapping[str, str], *, encode_values: bool = False) -> str:
    def value(key: str) -> str:
        return quote(params[key], safe="") if encode_values else params[key]

    return "&".join(f"{key}={value(key)}" for key in sorted(params) if key != "sign")


def get_sign(app_secret: str, params: Mapping[str, str], *, encode_values: bool = False) -> str:
    return _digest(app_secret, get_string_to_sign(params, encode_values=encode_values).encode("utf-8")).hex()


def verify_get_request(app_secret: str, params: Mapping[str, str], now_ms: int) -> bool:
    """An install request or OAuth callback: signature over the decoded query, ±10 minutes."""
    received = params.get("sign", "")
    timestamp = params.get("timestamp", "")
    # ASCII digits only: other scripts' digits pass str.isdigit() and some fail int().
    digits = timestamp.isascii() and timestamp.isdigit()
    if not received or not digits or abs(now_ms - int(timestamp)) > TIMESTAMP_WINDOW_MS:
        return False
    candidates = {get_sign(app_secret, params), get_sign(app_secret, params, encode_values=True)}
    # As bytes: compare_digest refuses str with non-ASCII characters (a caller's sign may have any).
    signed = received.lower().encode()
    matches = [hmac.compare_digest(candidate.encode(), signed) for candidate in sorted(candidates)]
    return any(matches)


def post_sign(app_secret: str, raw_body: bytes, timestamp_ms: int | str) -> str:
    return _digest(app_secret, raw_body + str(timestamp_ms).encode("ascii")).hex()


def post_headers(app_key: str, app_secret: str, raw_body: bytes, timestamp_ms: int) -> dict[str, str]:
    return {
        "appkey": app_key,
        "timestamp": str(timestamp_ms),
        "sign": post_sign(app_secret, raw_body, timestamp_ms),
        "Content-Type": "application/json",
    }


def verify_webhook(app_secret: str, raw_body: bytes, header: str | None) -> bool:
    """`X-Shopline-Hmac-Sha256` over the raw body, as lowercase hex or base64."""
    if not header:
        return False
    digest = _digest(app_secret, raw_body)
    text = header.strip()
    hex_ok = hmac.compare_digest(digest.hex().encode(), text.lower().encode())
    try:
        decoded = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        decoded = b""
    base64_ok = hmac.compare_digest(digest, decoded)
    return hex_ok or base64_ok
