"""TikTok order JSON → domain values: the payment breakdown, paid and cancel times, line names and
the masked recipient phone."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from adapters.tiktok import mapping
from domain.money import Money

RAW = {
    "id": "577958834469439754",
    "status": "CANCEL",
    "create_time": 1695873653,
    "update_time": 1696306119,
    "paid_time": 1695873700,
    "user_id": "7494845267308415300",
    "cancel_reason": "Out of stock",
    "cancel_time": 1696306119,
    "payment": {
        "currency": "GBP",
        "sub_total": "17.50",
        "original_total_product_price": "20.00",
        "seller_discount": "2.00",
        "platform_discount": "0.50",
        "shipping_fee": "3.99",
        "tax": "1.10",
        "total_amount": "22.59",
    },
    "line_items": [
        {
            "id": f"li-{n}",
            "sku_id": "1729700293904534135",
            "product_id": "1729700293904403063",
            "seller_sku": "MUG-RED",
            "product_name": "Enamel Mug",
            "sku_name": "Red, 350 ml",
            "sale_price": "8.75",
            "original_price": "10.00",
            "currency": "GBP",
        }
        for n in range(2)
    ],
    "recipient_address": {"name": "J*** D***", "phone_number": "(+44)771*****34", "region_code": "GB"},
}


def test_the_payment_breakdown_and_times_are_read_exactly() -> None:
    order = mapping.order(RAW)
    assert order.status == "CANCELLED"
    assert order.subtotal == Money(Decimal("20.00"), "GBP")
    assert order.seller_discount == Money(Decimal("2.00"), "GBP")
    assert order.platform_discount == Money(Decimal("0.50"), "GBP")
    assert order.shipping_fee == Money(Decimal("3.99"), "GBP")
    assert order.tax == Money(Decimal("1.10"), "GBP")
    assert order.paid_time == datetime(2023, 9, 28, 4, 1, 40, tzinfo=UTC)
    assert order.cancel_reason == "Out of stock"
    assert order.cancel_time == datetime.fromtimestamp(1696306119, UTC)
    assert [item.original_price for item in order.line_items] == [Money(Decimal("10.00"), "GBP")] * 2


def test_missing_payment_fields_and_an_unpaid_order_stay_unknown() -> None:
    raw = {**RAW, "payment": {"currency": "GBP", "total_amount": "17.50"}, "paid_time": 0}
    raw["line_items"] = [
        {k: v for k, v in item.items() if k != "original_price"} for item in RAW["line_items"]
    ]
    order = mapping.order(raw)
    assert (order.subtotal, order.seller_discount, order.shipping_fee, order.paid_time) == (
        None,
        None,
        None,
        None,
    )
    assert [item.original_price for item in order.line_items] == [None, None]


def test_a_payment_amount_that_is_not_a_decimal_is_a_malformed_response() -> None:
    with pytest.raises(mapping.MalformedResponse):
        mapping.order({**RAW, "payment": {**RAW["payment"], "tax": "1,10"}})


def test_line_names_and_the_masked_phone_are_read_as_tiktok_sends_them() -> None:
    order = mapping.order(RAW)
    assert {(item.product_name, item.sku_name) for item in order.line_items} == {
        ("Enamel Mug", "Red, 350 ml")
    }
    assert order.buyer.phone == "(+44)771*****34"
    assert order.buyer.name == "J*** D***"


def test_the_phone_is_empty_while_tiktok_withholds_the_address_and_never_in_a_repr() -> None:
    withheld = mapping.order({k: v for k, v in RAW.items() if k != "recipient_address"})
    assert withheld.buyer.phone == ""
    assert "771" not in repr(mapping.order(RAW))
