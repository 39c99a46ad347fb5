"""Signature algorithms of both partners, as the sandbox verifies them.

TikTok Shop (reference §2.2): HMAC-SHA256 keyed with the app secret over
`secret + path + sorted(key+value of decoded query minus sign/access_token) + raw body + secret`.
TikTok webhooks (§5.3): HMAC-SHA256(app_secret, app_key + raw body).
SHOPLINE (reference A3): GET `k1=v1&k2=v2` sorted without `sign`; POST `raw body + timestamp(ms)`;
webhooks: HMAC over the raw body, hex (base64 also accepted when verifying).

The `signed_*` helpers build correct requests so tests can break one thing at a time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

TIKTOK_UNSIGNED_PARAMS = frozenset({"sign", "access_token"})


def _hmac_hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def is_multipart(content_type: str | None) -> bool:
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    return media_type == "multipart/form-data"


def tiktok_string_to_sign(
    path: str,
    query_pairs: Iterable[tuple[str, str]],
    body: bytes = b"",
    content_type: str | None = "application/json",
) -> bytes:
    """The string of step 5, before wrapping in the secret."""
    pairs = sorted(
        ((key, value) for key, value in query_pairs if key not in TIKTOK_UNSIGNED_PARAMS),
        key=lambda pair: pair[0].encode(),
    )
    text = path + "".join(f"{key}{value}" for key, value in pairs)
    message = text.encode()
    if body and not is_multipart(content_type):
        message += body
    return message


def tiktok_sign(
    app_secret: str,
    path: str,
    query_pairs: Iterable[tuple[str, str]],
    body: bytes = b"",
    content_type: str | None = "application/json",
) -> str:
    secret = app_secret.encode()
    wrapped = secret + tiktok_string_to_sign(path, query_pairs, body, content_type) + secret
    return _hmac_hex(app_secret, wrapped)


def tiktok_signature_matches(
    app_secret: str,
    path: str,
    query_pairs: list[tuple[str, str]],
    body: bytes,
    content_type: str | None,
    received: str,
) -> bool:
    """Verify as the gateway does; a literal `{}` body may be signed with or without the `{}`."""
    candidates = [tiktok_sign(app_secret, path, query_pairs, body, content_type)]
    if body.strip() == b"{}":
        candidates.append(tiktok_sign(app_secret, path, query_pairs, b"", content_type))
    return any(hmac.compare_digest(candidate, received) for candidate in candidates)


def compact_json(payload: Any) -> bytes:
    """The serialization to sign and send: compact separators, non-ASCII kept."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def signed_tiktok_query(
    app_key: str,
    app_secret: str,
    path: str,
    params: Mapping[str, str] | None = None,
    *,
    timestamp: int,
    body: bytes = b"",
    shop_cipher: str | None = None,
    content_type: str = "application/json",
) -> list[tuple[str, str]]:
    """Query pairs (including `sign`) for a correct TikTok Open API request."""
    pairs: list[tuple[str, str]] = [("app_key", app_key), ("timestamp", str(timestamp))]
    if shop_cipher is not None:
        pairs.append(("shop_cipher", shop_cipher))
    pairs.extend((key, str(value)) for key, value in (params or {}).items())
    pairs.append(("sign", tiktok_sign(app_secret, path, pairs, body, content_type)))
    return pairs


def signed_tiktok_url(base_url: str, path: str, pairs: list[tuple[str, str]]) -> str:
    return f"{base_url.rstrip('/')}{path}?{urlencode(pairs)}"


def tiktok_webhook_signature(app_key: str, app_secret: str, raw_body: bytes) -> str:
    return _hmac_hex(app_secret, app_key.encode() + raw_body)


def verify_tiktok_webhook(app_key: str, app_secret: str, raw_body: bytes, authorization: str) -> bool:
    return hmac.compare_digest(tiktok_webhook_signature(app_key, app_secret, raw_body), authorization)


def shopline_get_sign(params: Mapping[str, str], app_secret: str) -> str:
    message = "&".join(f"{key}={params[key]}" for key in sorted(params) if key != "sign")
    return _hmac_hex(app_secret, message.encode())


def shopline_post_sign(app_secret: str, raw_body: bytes, timestamp_ms: int | str) -> str:
    return _hmac_hex(app_secret, raw_body + str(timestamp_ms).encode())


def shopline_post_headers(
    app_key: str, app_secret: str, raw_body: bytes, timestamp_ms: int
) -> dict[str, str]:
    return {
        "appkey": app_key,
        "timestamp": str(timestamp_ms),
        "sign": shopline_post_sign(app_secret, raw_body, timestamp_ms),
        "Content-Type": "application/json",
    }


def shopline_webhook_hmac(app_secret: str, raw_body: bytes) -> str:
    return _hmac_hex(app_secret, raw_body)


def verify_shopline_webhook(app_secret: str, raw_body: bytes, header: str) -> bool:
    digest = hmac.new(app_secret.encode(), raw_body, hashlib.sha256).digest()
    return hmac.compare_digest(header.lower(), digest.hex()) or hmac.compare_digest(
        header, base64.b64encode(digest).decode()
    )
