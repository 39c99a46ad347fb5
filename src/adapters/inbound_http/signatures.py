"""Webhook signatures, checked over the raw body exactly as received, in constant time.

TikTok (tiktok-shop-api.md §5.3): ``Authorization`` is the lowercase hex
HMAC-SHA256(key=app_secret, message=app_key + raw body). SHOPLINE (shopline-api.md A3, B6):
``X-Shopline-Hmac-Sha256`` is HMAC-SHA256(app_secret, raw body), lowercase hex as live deliveries
send it, or base64 as the documentation shows it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac


def _digest(secret: str, message: bytes) -> bytes:
    return hmac.new(secret.encode(), message, hashlib.sha256).digest()


def tiktok_signature_valid(app_key: str, app_secret: str, raw_body: bytes, authorization: str | None) -> bool:
    if not authorization:
        return False
    expected = _digest(app_secret, app_key.encode() + raw_body).hex()
    return hmac.compare_digest(expected.encode(), authorization.strip().encode())


def shopline_signature_valid(app_secret: str, raw_body: bytes, header: str | None) -> bool:
    if not header:
        return False
    digest = _digest(app_secret, raw_body)
    given = header.strip().encode()
    # Both encodings are compared, so the time taken does not say which one was close.
    as_hex = hmac.compare_digest(digest.hex().encode(), given.lower())
    as_base64 = hmac.compare_digest(base64.b64encode(digest), given)
    return as_hex | as_base64
