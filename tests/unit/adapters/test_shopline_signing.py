"""SHOPLINE signatures (reference A3), checked against HMAC-SHA256 computed independently here."""

from __future__ import annotations

import base64
import hashlib
import hmac

from adapters.shopline import signing

SECRET = "shopline-unit-secret"


def hmac_hex(message: bytes) -> str:
    return hmac.new(SECRET.encode(), message, hashlib.sha256).hexdigest()


def test_get_signature_sorts_keys_skips_sign_and_joins_with_ampersands() -> None:
    params = {"timestamp": "1700000000000", "handle": "open001", "appkey": "ak", "code": "c0de", "sign": "x"}
    assert signing.get_string_to_sign(params) == "appkey=ak&code=c0de&handle=open001&timestamp=1700000000000"
    assert signing.get_sign(SECRET, params) == hmac_hex(
        b"appkey=ak&code=c0de&handle=open001&timestamp=1700000000000"
    )


def test_callback_verification_accepts_decoded_or_encoded_values_within_ten_minutes() -> None:
    base = {
        "appkey": "ak",
        "code": "c",
        "customField": "a b/c+d",
        "handle": "open001",
        "timestamp": "1700000000000",
    }
    decoded = {
        **base,
        "sign": hmac_hex(b"appkey=ak&code=c&customField=a b/c+d&handle=open001&timestamp=1700000000000"),
    }
    encoded = {
        **base,
        "sign": hmac_hex(
            b"appkey=ak&code=c&customField=a%20b%2Fc%2Bd&handle=open001&timestamp=1700000000000"
        ),
    }
    now = 1_700_000_000_000
    assert signing.verify_get_request(SECRET, decoded, now)
    assert signing.verify_get_request(SECRET, encoded, now)
    assert signing.verify_get_request(SECRET, decoded, now + 10 * 60 * 1000)
    assert not signing.verify_get_request(SECRET, decoded, now + 10 * 60 * 1000 + 1)
    assert not signing.verify_get_request(SECRET, decoded, now - 10 * 60 * 1000 - 1)
    assert not signing.verify_get_request(SECRET, {**decoded, "code": "other"}, now)
    assert not signing.verify_get_request(SECRET, {**decoded, "timestamp": "soon"}, now)


def test_callback_verification_refuses_non_ascii_signs_and_timestamps_without_raising() -> None:
    params = {"appkey": "ak", "code": "c", "handle": "open001", "timestamp": "1700000000000"}
    now = 1_700_000_000_000
    assert not signing.verify_get_request(SECRET, {**params, "sign": "\u00e9" * 64}, now)
    assert not signing.verify_get_request(SECRET, {**params, "sign": "\U0001f600"}, now)
    # Digits to str.isdigit, not to int(): superscripts and other scripts' digits.
    for timestamp in ("\u00b2", "\u0661\u0667\u0660\u0660", "\uff11\uff17\uff10\uff10"):
        assert not signing.verify_get_request(SECRET, {**params, "timestamp": timestamp, "sign": "ab"}, now)


def test_post_signature_is_body_then_millisecond_timestamp() -> None:
    body = signing.compact_json({"code": "c0de"})
    assert body == b'{"code":"c0de"}'
    assert signing.post_sign(SECRET, body, 1700000000123) == hmac_hex(b'{"code":"c0de"}1700000000123')
    assert signing.post_sign(SECRET, b"", "1700000000123") == hmac_hex(b"1700000000123")
    headers = signing.post_headers("ak", SECRET, body, 1700000000123)
    assert headers["appkey"] == "ak" and headers["timestamp"] == "1700000000123"
    assert headers["sign"] == hmac_hex(b'{"code":"c0de"}1700000000123')


def test_webhook_signature_hex_or_base64_over_the_raw_bytes() -> None:
    body = b'{"id":"1","topic":"orders/create"}'
    digest = hmac.new(SECRET.encode(), body, hashlib.sha256).digest()
    assert signing.verify_webhook(SECRET, body, digest.hex())
    assert signing.verify_webhook(SECRET, body, digest.hex().upper())
    assert signing.verify_webhook(SECRET, body, base64.b64encode(digest).decode())
    assert not signing.verify_webhook(SECRET, body.replace(b":", b": "), digest.hex())
    assert not signing.verify_webhook(SECRET, body, "")
    assert not signing.verify_webhook(SECRET, body, "%%%")
