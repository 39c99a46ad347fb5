"""Get Order Detail's shipping parts → domain values: the recipient as TikTok gives it (masked,
absent while withheld), district_info, the fulfillment and shipping types, SLA times."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.tiktok import order_logistics
from adapters.tiktok.malformed import MalformedResponse
from domain.logistics import AddressPart, FulfillmentType, ShippingType

MASKED_UK = {
    "recipient_address": {
        "name": "J*** D***",
        "first_name": "J***",
        "last_name": "D***",
        "phone_number": "(+44)771*****34",
        "full_address": "1*** H*** Street, Flat *, London, SW1A 1AA",
        "address_detail": "1*** H*** Street",
        "address_line1": "1*** H*** Street",
        "address_line2": "Flat *",
        "address_line3": "",
        "address_line4": "",
        "postal_code": "SW1A 1AA",
        "region_code": "GB",
        "post_town": "London",
        "district_info": [
            {"address_level": "L0", "address_level_name": "Country", "address_name": "United Kingdom"},
            {"address_level": "L1", "address_level_name": "State", "address_name": "England"},
            {"address_level": "L2", "address_level_name": "County", "address_name": "Greater London"},
        ],
    }
}


def test_a_masked_address_is_kept_as_tiktok_gives_it() -> None:
    recipient = order_logistics.recipient(MASKED_UK)
    assert (recipient.name, recipient.first_name, recipient.last_name) == ("J*** D***", "J***", "D***")
    assert recipient.phone == "(+44)771*****34"
    assert recipient.address_lines == ("1*** H*** Street", "Flat *")  # trailing empty lines dropped
    assert (recipient.postal_code, recipient.region_code, recipient.post_town) == ("SW1A 1AA", "GB", "London")
    assert recipient.districts == (
        AddressPart("Country", "United Kingdom"),
        AddressPart("State", "England"),
        AddressPart("County", "Greater London"),
    )
    assert not recipient.empty
    assert "J***" not in repr(recipient) and "771" not in repr(recipient)


@pytest.mark.parametrize("item", [{}, {"recipient_address": None}])
def test_a_withheld_address_is_empty(item: dict[str, object]) -> None:
    assert order_logistics.recipient(item).empty


@pytest.mark.parametrize(
    "raw",
    [
        {"recipient_address": "1 High Street"},
        {"recipient_address": {"district_info": ["England"]}},
        {"recipient_address": {"name": {"first": "J"}}},
    ],
)
def test_a_recipient_of_the_wrong_shape_is_malformed(raw: dict[str, object]) -> None:
    with pytest.raises(MalformedResponse):
        order_logistics.recipient(raw)


def test_fulfillment_and_shipping_type_buyer_message_and_sla_times_are_read() -> None:
    logistics = order_logistics.logistics(
        {
            "fulfillment_type": "FULFILLMENT_BY_TIKTOK",
            "delivery_option_id": "7091146663855343361",
            "delivery_option_name": "Standard shipping",
            "buyer_message": "Leave it at the door",
            "rts_sla_time": 1696306119,
            "tts_sla_time": "1696392519",
            "shipping_due_time": 0,
            "has_updated_recipient_address": True,
        }
    )
    assert logistics.fulfillment_type is FulfillmentType.BY_TIKTOK and logistics.fulfilled_by_tiktok
    assert logistics.shipping_type is None
    assert logistics.buyer_message == "Leave it at the door"
    assert logistics.rts_sla_time == datetime(2023, 10, 3, 4, 8, 39, tzinfo=UTC)
    assert logistics.tts_sla_time == datetime(2023, 10, 4, 4, 8, 39, tzinfo=UTC)
    assert logistics.shipping_due_time is None
    assert logistics.has_updated_recipient_address


def test_without_a_fulfillment_type_the_seller_fulfills() -> None:
    logistics = order_logistics.logistics({"shipping_type": "TIKTOK"})
    assert logistics.fulfillment_type is FulfillmentType.BY_SELLER and not logistics.fulfilled_by_tiktok
    assert logistics.shipping_type is ShippingType.TIKTOK
    dilayani = order_logistics.logistics({"fulfillment_type": "FULFILLMENT_BY_DILAYANI_TOKOPEDIA"})
    assert dilayani.fulfilled_by_tiktok


@pytest.mark.parametrize(
    "raw",
    [
        {"fulfillment_type": "FULFILLMENT_BY_WAREHOUSE"},
        {"shipping_type": "COURIER"},
        {"rts_sla_time": "tomorrow"},
        {"rts_sla_time": 1.5},
    ],
)
def test_an_unknown_enum_or_a_bad_time_is_malformed_not_guessed(raw: dict[str, object]) -> None:
    with pytest.raises(MalformedResponse):
        order_logistics.logistics(raw)
