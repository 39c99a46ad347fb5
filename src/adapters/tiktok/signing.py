"""TikTok Shop request and webhook signatures (reference §2.2 and §5.3).

Request: HMAC-SHA256 keyed with the app secret over
`secret + path + key1value1key2value2... + raw body + secret`, where the query pairs are the decoded
values of the request as sent, minus `sign` and `access_token`, sorted by key byte-wise; the body is
left out for multipart uploads. Webhook: HMAC-SHA256(app_secret, app_key + raw body), lowercase hex.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from typing import Any

UNSIGNED_QUERY_KEYS = frozenset({"sign", "access_token"})


def compact_json(payload: Any) -> bytes:
    """The one serialization used both to sign and to send a JSON body."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def is_multipart(content_type: str | None) -> bool:
    return (content_type or "").split(";", 1)[0].strip().lower() == "multipart/form-data"


def string_to_sign(
    path: str,
    query_pairs: Iterable[tuple[str, str]],
    body: bytes = b"",
    content_type: str | None = "application/json",
) -> bytes:
    pairs = sorted(
        ((key, value) for key, value in query_pairs if key not in UNSIGNED_QUERY_KEYS),
        key=lambda pair: pair[0].encode("utf-8"),
    )
    message = (path + "".join(f"{key}{value}" for key, value in pairs)).encode("utf-8")
    if body and not is_multipart(content_type):
        message += body
    return message


def sign(
    app_secret: str,
    path: str,
    query_pairs: Iterable[tuple[str, str]],
    body: bytes = b"",
    content_type: str | None = "application/json",
) -> str:
    secret = app_secret.encode("utf-8")
    wrapped = secret + string_to_sign(path, query_pairs, body, content_type) + secret
    return hmac.new(secret, wrapped, hashlib.sha256).hexdigest()


def webhook_signature(app_key: str, app_secret: str, raw_body: bytes) -> str:
    return hmac.new(
        app_secret.encode("utf-8"), app_key.encode("utf-8") + raw_body, hashlib.sha256
    ).hexdigest()


def verify_webhook(app_key: str, app_secret: str, raw_body: bytes, authorization: str | None) -> bool:
    """Checks the `Authorization` header of a webhook delivery against the raw body, in constant time."""
    if not authorization:
        return False
    expected = webhook_signature(app_key, app_secret, raw_body)
    return hmac.compare_digest(expected.encode(), authorization.strip().lower().encode())
