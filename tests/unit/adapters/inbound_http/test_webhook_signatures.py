"""Webhook signatures against the reference vectors (tiktok-shop-api.md §5.3, shopline-api.md A3)."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from adapters.inbound_http import signatures
from adapters.inbound_http.signatures import shopline_signature_valid, tiktok_signature_valid

APP_KEY, APP_SECRET = "abcdef", "123"
OFFICIAL_BODY = (
    b'{"type":1,"tts_notification_id":"7380066284010030890","shop_id":"7495540735365777507",'
    b'"timestamp":1718305585,"data":{"is_on_hold_order":true,"order_id":"576653688135258178",'
    b'"order_status":"UNPAID","update_time":1718305585}}'
)
OFFICIAL_SIGNATURE = "5dec0f11ec2f6783b8deee53c9ffbf8d024302f7c7e7fa55a35d17629031ac05"
SECOND_BODY = (
    b'{"type":11,"tts_notification_id":"7327112393057371910","shop_id":"7494049642642441621",'
    b'"timestamp":1644412885,"data":{"order_id":"576486316948490001","cancellations_role":"BUYER",'
    b'"cancel_status":"CANCELLATION_REQUEST_PENDING","cancel_id":"4035318504086604100",'
    b'"create_time":1627587600}}'
)
SECOND_SIGNATURE = "cdbb47817fcee23b53bdb5940674960a84c6121d13d62c6988be9865e96b25ce"


@pytest.mark.parametrize(
    ("body", "signature"), [(OFFICIAL_BODY, OFFICIAL_SIGNATURE), (SECOND_BODY, SECOND_SIGNATURE)]
)
def test_the_tiktok_reference_vectors_verify(body: bytes, signature: str) -> None:
    assert tiktok_signature_valid(APP_KEY, APP_SECRET, body, signature)


def test_a_tiktok_signature_fails_for_any_other_body_key_or_secret() -> None:
    reserialized = OFFICIAL_BODY.replace(b",", b", ")
    assert not tiktok_signature_valid(APP_KEY, APP_SECRET, reserialized, OFFICIAL_SIGNATURE)
    assert not tiktok_signature_valid("abcdeg", APP_SECRET, OFFICIAL_BODY, OFFICIAL_SIGNATURE)
    assert not tiktok_signature_valid(APP_KEY, "124", OFFICIAL_BODY, OFFICIAL_SIGNATURE)
    assert not tiktok_signature_valid(APP_KEY, APP_SECRET, OFFICIAL_BODY, "Bearer " + OFFICIAL_SIGNATURE)
    assert not tiktok_signature_valid(APP_KEY, APP_SECRET, OFFICIAL_BODY, None)
    assert not tiktok_signature_valid(APP_KEY, APP_SECRET, OFFICIAL_BODY, "")


def _shopline_digest(body: bytes) -> bytes:
    return hmac.new(APP_SECRET.encode(), body, hashlib.sha256).digest()


def test_a_shopline_signature_verifies_as_lowercase_hex_or_base64() -> None:
    digest = _shopline_digest(SECOND_BODY)
    assert shopline_signature_valid(APP_SECRET, SECOND_BODY, digest.hex())
    assert shopline_signature_valid(APP_SECRET, SECOND_BODY, base64.b64encode(digest).decode())


def test_a_shopline_signature_fails_for_another_body_or_secret_or_none() -> None:
    digest = _shopline_digest(SECOND_BODY)
    assert not shopline_signature_valid(APP_SECRET, SECOND_BODY + b" ", digest.hex())
    assert not shopline_signature_valid("124", SECOND_BODY, base64.b64encode(digest).decode())
    assert not shopline_signature_valid(APP_SECRET, SECOND_BODY, base64.urlsafe_b64encode(b"x" * 32).decode())
    assert not shopline_signature_valid(APP_SECRET, SECOND_BODY, None)
    assert not shopline_signature_valid(APP_SECRET, SECOND_BODY, "")


def test_signatures_are_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[tuple[bytes, bytes]] = []
    constant_time = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return constant_time(a, b)

    monkeypatch.setattr(signatures.hmac, "compare_digest", spy)
    assert tiktok_signature_valid(APP_KEY, APP_SECRET, OFFICIAL_BODY, OFFICIAL_SIGNATURE)
    assert len(compared) == 1
    digest = _shopline_digest(SECOND_BODY)
    assert shopline_signature_valid(APP_SECRET, SECOND_BODY, base64.b64encode(digest).decode())
    assert len(compared) == 3  # hex and base64 both compared, whichever matches
