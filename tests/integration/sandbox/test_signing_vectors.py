"""The sandbox's verifiers against every worked example of the references."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from sandbox.signing import (
    shopline_get_sign,
    shopline_post_sign,
    tiktok_sign,
    tiktok_signature_matches,
    tiktok_string_to_sign,
    tiktok_webhook_signature,
    verify_shopline_webhook,
    verify_tiktok_webhook,
)

SECRET = "e59af819cc"
CIPHER = "GCP_XF90igAAAABh00qsWgtvOiGFNqyubMt3"
BASE = [("app_key", "29a39d"), ("shop_cipher", CIPHER), ("timestamp", "1623812664")]
SEARCH_BODY = b'{"order_status":"AWAITING_SHIPMENT","update_time_ge":1623800000,"update_time_lt":1623812664}'
EX3_QUERY = [
    ("app_key", "29a39d"),
    ("shop_cipher", CIPHER),
    ("timestamp", "1623812664"),
    ("page_size", "50"),
    ("sort_field", "update_time"),
    ("sort_order", "ASC"),
    ("page_token", "6AsPQsUMvH3RkchNUPPh22NROHkE0D8pmq/N5M1kHYcZmtRyv9aVrNv65W7Q6tFA+7D1"),
    ("access_token", "SHOULD_BE_IGNORED"),
]
EX2_BODY = b'{"address":"https://partner.tiktokshop.com","event_type":"PACKAGE_UPDATE"}'
EX2_QUERY = [
    ("timestamp", "1696909648"),
    ("app_key", "68xu9ks5p4i8"),
    ("shop_cipher", "ROW_xkMbgAAAeVAQra0eZWebFQq5aIKt"),
]
PRODUCT_PATH = "/product/202309/products/1729592969712207008"

VECTORS = [
    pytest.param(
        "/authorization/202309/shops",
        [("app_key", "29a39d"), ("timestamp", "1623812664")],
        b"",
        "b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8",
        id="EX1",
    ),
    pytest.param(
        "/event/202309/webhooks",
        EX2_QUERY,
        EX2_BODY,
        "a75b9c8cd57140cab6dc95bf31c37bd6ffface74210768b6517c0ff81659b0ba",
        id="EX2",
    ),
    pytest.param(
        "/event/202309/webhooks",
        EX2_QUERY,
        EX2_BODY.replace(b"/", b"\\/"),
        "8bdf98faa07ad7f497df2d96b29bb5effa44a0ed00c63121cae1bcf083d0a7cf",
        id="EX2-escaped-slashes",
    ),
    pytest.param(
        "/order/202309/orders/search",
        EX3_QUERY,
        SEARCH_BODY,
        "7773b26499def4173d284ea09480ddbf2301d57af0c8478511682956114c09db",
        id="EX3",
    ),
    pytest.param(
        "/order/202309/orders/search",
        EX3_QUERY,
        b'{"order_status": "AWAITING_SHIPMENT", "update_time_ge": 1623800000, "update_time_lt": 1623812664}',
        "38331573f3fc3899a528f57775ab4317a716cd841c6f2db34fcdb4b00a0ddc43",
        id="EX3-spaced",
    ),
    pytest.param(
        "/order/202309/orders",
        [*BASE, ("ids", "576461413038785752,576461413038785753")],
        b"",
        "0e888959aae6ea5a2e5270c90de0cdaa00789074fe554bf0644af041d2af5397",
        id="EX4",
    ),
    pytest.param(
        "/order/202309/orders",
        [*BASE, ("ids", "576461413038785752"), ("ids", "576461413038785753")],
        b"",
        "4a19a58fc9a57114725f7b64afee05b8a9cc7ed5154c5155d7855fe73fe47ca1",
        id="EX4-repeated-ids",
    ),
    pytest.param(
        f"{PRODUCT_PATH}/inventory/update",
        BASE,
        b'{"skus":[{"id":"1729592969712207013","inventory":[{"quantity":999,"warehouse_id":"7068517275539719942"}]}]}',
        "2a3ea2fa6fcb825ffe3fa9f4251bc2b1a5f9d6139bcab71fd05b5d814c5d1b8d",
        id="EX5",
    ),
    pytest.param(
        f"{PRODUCT_PATH}/prices/update",
        BASE,
        b'{"skus":[{"id":"1729592969712207013","price":{"amount":"1.32","currency":"USD"}}]}',
        "e49ff80bd08595c8f8fc540a954609ebaa1958f44e66a7f423e46a43ecd2f025",
        id="EX6",
    ),
    pytest.param(
        "/return_refund/202309/cancellations/4035318504086604100/approve",
        [
            ("app_key", "29a39d"),
            ("idempotency_key", "b3f1c0de-0001"),
            ("shop_cipher", CIPHER),
            ("timestamp", "1623812664"),
        ],
        b"",
        "ba8bcf5b6ae95e9d0b86473ea0f379eb5dd081317313aeed03f7399f625ff13e",
        id="EX7",
    ),
    pytest.param(
        "/authorization/202309/shops",
        [("app_key", "29a39d"), ("timestamp", "1623812664"), ("shop_id", ""), ("version", "202309")],
        b"",
        "7e1afa6a7600a35def4b3324f2abccbe358b511d47db7a78bf2898a9da3f9974",
        id="EX8",
    ),
    pytest.param(
        "/order/202309/orders/search",
        [("app_key", "29a39d"), ("page_size", "50"), ("timestamp", "1623812664")],
        b"",
        "8938576aff6937a8d0bbfb628766b1e0810bfa18d17c82e471f16670f34a893a",
        id="no-body",
    ),
    pytest.param(
        "/order/202309/orders/search",
        [("app_key", "29a39d"), ("page_size", "50"), ("timestamp", "1623812664")],
        b"{}",
        "5269f31f74a4330043ae8d8da9cae24415961fd7eac70cddf6208f9be2794a09",
        id="empty-object-body",
    ),
]


@pytest.mark.parametrize(("path", "query", "body", "expected"), VECTORS)
def test_tiktok_signature_matches_reference_vector(path, query, body, expected):
    assert tiktok_sign(SECRET, path, query, body) == expected
    assert tiktok_signature_matches(SECRET, path, query, body, "application/json", expected)


def test_ex3_string_to_sign_leaves_out_access_token_and_keeps_decoded_token():
    text = tiktok_string_to_sign("/order/202309/orders/search", EX3_QUERY, SEARCH_BODY).decode()
    assert text == (
        "/order/202309/orders/searchapp_key29a39dpage_size50"
        "page_token6AsPQsUMvH3RkchNUPPh22NROHkE0D8pmq/N5M1kHYcZmtRyv9aVrNv65W7Q6tFA+7D1"
        f"shop_cipher{CIPHER}sort_fieldupdate_timesort_orderASCtimestamp1623812664" + SEARCH_BODY.decode()
    )


def test_verifier_rejects_spaced_body_signed_compact():
    compact_sign = "7773b26499def4173d284ea09480ddbf2301d57af0c8478511682956114c09db"
    spaced = (
        b'{"order_status": "AWAITING_SHIPMENT", "update_time_ge": 1623800000, "update_time_lt": 1623812664}'
    )
    assert not tiktok_signature_matches(
        SECRET, "/order/202309/orders/search", EX3_QUERY, spaced, None, compact_sign
    )


def test_literal_empty_object_body_verifies_with_or_without_the_braces():
    query = [("app_key", "29a39d"), ("page_size", "50"), ("timestamp", "1623812664")]
    path = "/order/202309/orders/search"
    for signature in (
        "8938576aff6937a8d0bbfb628766b1e0810bfa18d17c82e471f16670f34a893a",
        "5269f31f74a4330043ae8d8da9cae24415961fd7eac70cddf6208f9be2794a09",
    ):
        assert tiktok_signature_matches(SECRET, path, query, b"{}", "application/json", signature)


def test_multipart_body_is_not_signed():
    query = [("app_key", "29a39d"), ("timestamp", "1623812664")]
    path = "/product/202309/images/upload"
    assert tiktok_sign(
        SECRET, path, query, b"--boundary...", "multipart/form-data; boundary=x"
    ) == tiktok_sign(SECRET, path, query)


WEBHOOK_VECTORS = [
    pytest.param(
        b'{"type":1,"tts_notification_id":"7380066284010030890","shop_id":"7495540735365777507","timestamp":1718305585,'
        b'"data":{"is_on_hold_order":true,"order_id":"576653688135258178","order_status":"UNPAID","update_time":1718305585}}',
        "5dec0f11ec2f6783b8deee53c9ffbf8d024302f7c7e7fa55a35d17629031ac05",
        id="official",
    ),
    pytest.param(
        b'{"type":11,"tts_notification_id":"7327112393057371910","shop_id":"7494049642642441621","timestamp":1644412885,'
        b'"data":{"order_id":"576486316948490001","cancellations_role":"BUYER","cancel_status":"CANCELLATION_REQUEST_PENDING",'
        b'"cancel_id":"4035318504086604100","create_time":1627587600}}',
        "cdbb47817fcee23b53bdb5940674960a84c6121d13d62c6988be9865e96b25ce",
        id="second",
    ),
]


@pytest.mark.parametrize(("body", "expected"), WEBHOOK_VECTORS)
def test_tiktok_webhook_vectors(body, expected):
    assert tiktok_webhook_signature("abcdef", "123", body) == expected
    assert verify_tiktok_webhook("abcdef", "123", body, expected)
    assert not verify_tiktok_webhook("abcdef", "123", body.replace(b":", b": "), expected)


def _independent_hmac(secret: str, message: str) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def test_shopline_get_signature_sorts_keys_and_skips_sign():
    params = {
        "timestamp": "1700000000000",
        "handle": "open001",
        "appkey": "key",
        "code": "abc",
        "sign": "zzz",
    }
    expected = _independent_hmac("secret", "appkey=key&code=abc&handle=open001&timestamp=1700000000000")
    assert shopline_get_sign(params, "secret") == expected


def test_shopline_post_signature_is_body_then_timestamp():
    assert shopline_post_sign("secret", b'{"code":"c1"}', 1700000000000) == _independent_hmac(
        "secret", '{"code":"c1"}1700000000000'
    )
    assert shopline_post_sign("secret", b"", "1700000000000") == _independent_hmac("secret", "1700000000000")


def test_shopline_webhook_verification_accepts_hex_and_base64_only_for_exact_bytes():
    body = b'{"id":"1","topic":"orders/create"}'
    digest = hmac.new(b"secret", body, hashlib.sha256).digest()
    assert verify_shopline_webhook("secret", body, digest.hex())
    assert verify_shopline_webhook("secret", body, base64.b64encode(digest).decode())
    assert not verify_shopline_webhook("secret", body + b" ", digest.hex())
