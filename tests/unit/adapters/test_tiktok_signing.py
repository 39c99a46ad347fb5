"""TikTok Shop signature vectors from the reference (§2.3, §5.3)."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from adapters.tiktok import signing
from adapters.tiktok.transport import ApiCall, TikTokTransport

SECRET = "e59af819cc"
CIPHER = "GCP_XF90igAAAABh00qsWgtvOiGFNqyubMt3"
TS = "1623812664"
PAGE_TOKEN = "6AsPQsUMvH3RkchNUPPh22NROHkE0D8pmq/N5M1kHYcZmtRyv9aVrNv65W7Q6tFA+7D1"
EX3_BODY = {"order_status": "AWAITING_SHIPMENT", "update_time_ge": 1623800000, "update_time_lt": 1623812664}
EX3_QUERY = [
    ("app_key", "29a39d"),
    ("shop_cipher", CIPHER),
    ("timestamp", TS),
    ("page_size", "50"),
    ("sort_field", "update_time"),
    ("sort_order", "ASC"),
    ("page_token", PAGE_TOKEN),
    ("access_token", "SHOULD_BE_IGNORED"),
]
SHOP_QUERY = [("app_key", "29a39d"), ("shop_cipher", CIPHER), ("timestamp", TS)]


def test_ex1_official_get_authorized_shops() -> None:
    pairs = [("app_key", "29a39d"), ("timestamp", TS)]
    assert signing.string_to_sign("/authorization/202309/shops", pairs) == (
        b"/authorization/202309/shopsapp_key29a39dtimestamp1623812664"
    )
    assert signing.sign(SECRET, "/authorization/202309/shops", pairs) == (
        "b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8"
    )


def test_ex2_put_with_json_body_and_unsorted_query() -> None:
    pairs = [
        ("timestamp", "1696909648"),
        ("app_key", "68xu9ks5p4i8"),
        ("shop_cipher", "ROW_xkMbgAAAeVAQra0eZWebFQq5aIKt"),
    ]
    body = signing.compact_json({"address": "https://partner.tiktokshop.com", "event_type": "PACKAGE_UPDATE"})
    assert body == b'{"address":"https://partner.tiktokshop.com","event_type":"PACKAGE_UPDATE"}'
    assert signing.sign(SECRET, "/event/202309/webhooks", pairs, body) == (
        "a75b9c8cd57140cab6dc95bf31c37bd6ffface74210768b6517c0ff81659b0ba"
    )


def test_ex2_variant_with_escaped_slashes_signs_the_bytes_given() -> None:
    pairs = [
        ("timestamp", "1696909648"),
        ("app_key", "68xu9ks5p4i8"),
        ("shop_cipher", "ROW_xkMbgAAAeVAQra0eZWebFQq5aIKt"),
    ]
    body = b'{"address":"https:\\/\\/partner.tiktokshop.com","event_type":"PACKAGE_UPDATE"}'
    assert signing.sign(SECRET, "/event/202309/webhooks", pairs, body) == (
        "8bdf98faa07ad7f497df2d96b29bb5effa44a0ed00c63121cae1bcf083d0a7cf"
    )


def test_ex3_order_search_with_page_token_and_ignored_access_token() -> None:
    body = signing.compact_json(EX3_BODY)
    expected_string = (
        "/order/202309/orders/searchapp_key29a39dpage_size50page_token"
        + PAGE_TOKEN
        + "shop_cipher"
        + CIPHER
        + "sort_fieldupdate_timesort_orderASCtimestamp1623812664"
    ).encode() + body
    assert signing.string_to_sign("/order/202309/orders/search", EX3_QUERY, body) == expected_string
    assert signing.sign(SECRET, "/order/202309/orders/search", EX3_QUERY, body) == (
        "7773b26499def4173d284ea09480ddbf2301d57af0c8478511682956114c09db"
    )


def test_ex3_prime_spaced_body_gives_a_different_signature() -> None:
    spaced = json.dumps(EX3_BODY).encode()
    assert signing.sign(SECRET, "/order/202309/orders/search", EX3_QUERY, spaced) == (
        "38331573f3fc3899a528f57775ab4317a716cd841c6f2db34fcdb4b00a0ddc43"
    )


def test_ex4_order_detail_with_comma_joined_ids() -> None:
    pairs = [*SHOP_QUERY, ("ids", "576461413038785752,576461413038785753")]
    assert signing.sign(SECRET, "/order/202309/orders", pairs) == (
        "0e888959aae6ea5a2e5270c90de0cdaa00789074fe554bf0644af041d2af5397"
    )


def test_ex4_variant_repeated_ids() -> None:
    pairs = [*SHOP_QUERY, ("ids", "576461413038785752"), ("ids", "576461413038785753")]
    assert signing.sign(SECRET, "/order/202309/orders", pairs) == (
        "4a19a58fc9a57114725f7b64afee05b8a9cc7ed5154c5155d7855fe73fe47ca1"
    )


def test_ex5_update_inventory() -> None:
    body = signing.compact_json(
        {
            "skus": [
                {
                    "id": "1729592969712207013",
                    "inventory": [{"quantity": 999, "warehouse_id": "7068517275539719942"}],
                }
            ]
        }
    )
    path = "/product/202309/products/1729592969712207008/inventory/update"
    assert signing.sign(SECRET, path, SHOP_QUERY, body) == (
        "2a3ea2fa6fcb825ffe3fa9f4251bc2b1a5f9d6139bcab71fd05b5d814c5d1b8d"
    )


def test_ex6_update_price() -> None:
    body = signing.compact_json(
        {"skus": [{"id": "1729592969712207013", "price": {"amount": "1.32", "currency": "USD"}}]}
    )
    path = "/product/202309/products/1729592969712207008/prices/update"
    assert signing.sign(SECRET, path, SHOP_QUERY, body) == (
        "e49ff80bd08595c8f8fc540a954609ebaa1958f44e66a7f423e46a43ecd2f025"
    )


def test_ex7_approve_cancellation_without_body() -> None:
    pairs = [
        ("app_key", "29a39d"),
        ("idempotency_key", "b3f1c0de-0001"),
        ("shop_cipher", CIPHER),
        ("timestamp", TS),
    ]
    path = "/return_refund/202309/cancellations/4035318504086604100/approve"
    assert (
        signing.sign(SECRET, path, pairs)
        == "ba8bcf5b6ae95e9d0b86473ea0f379eb5dd081317313aeed03f7399f625ff13e"
    )


def test_ex8_legacy_empty_shop_id_and_version_are_signed() -> None:
    pairs = [("app_key", "29a39d"), ("timestamp", TS), ("shop_id", ""), ("version", "202309")]
    assert signing.string_to_sign("/authorization/202309/shops", pairs) == (
        b"/authorization/202309/shopsapp_key29a39dshop_idtimestamp1623812664version202309"
    )
    assert signing.sign(SECRET, "/authorization/202309/shops", pairs) == (
        "7e1afa6a7600a35def4b3324f2abccbe358b511d47db7a78bf2898a9da3f9974"
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"", "8938576aff6937a8d0bbfb628766b1e0810bfa18d17c82e471f16670f34a893a"),
        (b"{}", "5269f31f74a4330043ae8d8da9cae24415961fd7eac70cddf6208f9be2794a09"),
    ],
)
def test_no_body_and_empty_object_sign_differently(body: bytes, expected: str) -> None:
    pairs = [("app_key", "29a39d"), ("page_size", "50"), ("timestamp", TS)]
    assert signing.sign(SECRET, "/order/202309/orders/search", pairs, body) == expected


def test_multipart_body_is_not_signed() -> None:
    pairs = [("app_key", "29a39d"), ("timestamp", TS)]
    plain = signing.sign(SECRET, "/product/202309/images/upload", pairs)
    assert (
        signing.sign(
            SECRET, "/product/202309/images/upload", pairs, b"--x\r\n", "multipart/form-data; boundary=x"
        )
        == plain
    )


def test_the_transport_sends_exactly_the_bytes_it_signs_ex3() -> None:
    transport = TikTokTransport(
        httpx.AsyncClient(),
        base_url="https://open-api.example",
        app_key="29a39d",
        app_secret=SECRET,
        clock=lambda: 1623812664.7,
    )
    call = ApiCall(
        "POST",
        "/order/202309/orders/search",
        params={"page_size": 50, "sort_field": "update_time", "sort_order": "ASC", "page_token": PAGE_TOKEN},
        body=EX3_BODY,
        shop_cipher=CIPHER,
    )
    request = transport.build_request(call, "token-value")
    raw_query = urlsplit(str(request.url)).query
    assert "%2FN5M1" in raw_query and "%2B7D1" in raw_query
    decoded = dict(parse_qsl(raw_query))
    assert decoded["page_token"] == PAGE_TOKEN
    assert decoded["sign"] == "7773b26499def4173d284ea09480ddbf2301d57af0c8478511682956114c09db"
    assert request.content == signing.compact_json(EX3_BODY)
    assert request.headers["x-tts-access-token"] == "token-value"
    assert "access_token" not in decoded


OFFICIAL_WEBHOOK = (
    b'{"type":1,"tts_notification_id":"7380066284010030890","shop_id":"7495540735365777507",'
    b'"timestamp":1718305585,"data":{"is_on_hold_order":true,"order_id":"576653688135258178",'
    b'"order_status":"UNPAID","update_time":1718305585}}'
)
SECOND_WEBHOOK = (
    b'{"type":11,"tts_notification_id":"7327112393057371910","shop_id":"7494049642642441621",'
    b'"timestamp":1644412885,"data":{"order_id":"576486316948490001","cancellations_role":"BUYER",'
    b'"cancel_status":"CANCELLATION_REQUEST_PENDING","cancel_id":"4035318504086604100","create_time":1627587600}}'
)


@pytest.mark.parametrize(
    ("body", "signature"),
    [
        (OFFICIAL_WEBHOOK, "5dec0f11ec2f6783b8deee53c9ffbf8d024302f7c7e7fa55a35d17629031ac05"),
        (SECOND_WEBHOOK, "cdbb47817fcee23b53bdb5940674960a84c6121d13d62c6988be9865e96b25ce"),
    ],
)
def test_webhook_vectors(body: bytes, signature: str) -> None:
    assert signing.webhook_signature("abcdef", "123", body) == signature
    assert signing.verify_webhook("abcdef", "123", body, signature)
    assert not signing.verify_webhook("abcdef", "123", body + b" ", signature)
    assert not signing.verify_webhook("abcdef", "123", body, None)


def test_reserialized_webhook_body_does_not_verify() -> None:
    reserialized = json.dumps(json.loads(OFFICIAL_WEBHOOK)).encode()
    assert not signing.verify_webhook(
        "abcdef", "123", reserialized, "5dec0f11ec2f6783b8deee53c9ffbf8d024302f7c7e7fa55a35d17629031ac05"
    )
