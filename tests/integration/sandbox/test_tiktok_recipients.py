"""The recipient as the TikTok sandbox shows it: withheld while unpaid or on hold, masked with
district_info and address lines, the UK post town, the buyer's email anonymized; FBT orders and
buyer messages in the seeded data; a buyer's address change with webhook 3."""

from __future__ import annotations

import json

import pytest

from sandbox.datagen import PRESETS, generate_shop_data, make_shop, with_overrides

PARKED = "https://parked.example/webhooks"
DETAIL = "/order/202309/orders"


async def _detail(tiktok, order_id: str, index: int = 0) -> dict:  # type: ignore[no-untyped-def]
    data = await tiktok.ok("GET", DETAIL, params={"ids": order_id}, cipher=tiktok.cipher(index))
    return data["orders"][0]


async def test_the_address_appears_masked_with_districts_and_lines_once_the_order_is_paid(tiktok, sandbox):
    shop = tiktok.shop_id()
    created = sandbox.control.create_order(shop, status="ON_HOLD")
    sandbox.control.set_order_logistics(shop, created["id"], shipping_type="TIKTOK")
    hidden = await _detail(tiktok, created["id"])
    assert "recipient_address" not in hidden and "buyer_email" not in hidden
    sandbox.control.set_order_status(shop, created["id"], "AWAITING_SHIPMENT")
    order = await _detail(tiktok, created["id"])
    address = order["recipient_address"]
    first, last = address["first_name"], address["last_name"]
    assert first.endswith("***") and last.endswith("***") and address["name"] == f"{first} {last}"
    assert "*****" in address["phone_number"] and address["phone_number"].startswith("(+1)")
    assert "***" in address["address_line1"] and {"address_line2", "address_line3", "address_line4"} <= set(
        address
    )
    levels = [(d["address_level"], d["address_level_name"]) for d in address["district_info"]]
    assert levels[0] == ("L0", "Country") and len(levels) >= 2
    assert address["region_code"] == "US" and "post_town" not in address
    assert order["buyer_email"].endswith("@scs2.tiktok.com")
    assert order["fulfillment_type"] == "FULFILLMENT_BY_SELLER"
    assert order["has_updated_recipient_address"] is False


async def test_a_seller_shipped_order_shows_the_address_in_full(tiktok, sandbox):
    shop = tiktok.shop_id()
    created = sandbox.control.create_order(shop, status="AWAITING_SHIPMENT")
    sandbox.control.set_order_logistics(shop, created["id"], shipping_type="SELLER")
    address = (await _detail(tiktok, created["id"]))["recipient_address"]
    assert "*" not in address["name"] + address["phone_number"] + address["address_line1"]


async def test_a_uk_address_has_its_post_town(tiktok, sandbox):
    index = next(i for i, shop in enumerate(tiktok.shops) if shop["region"] == "GB")
    created = sandbox.control.create_order(tiktok.shop_id(index), status="AWAITING_SHIPMENT")
    address = (await _detail(tiktok, created["id"], index))["recipient_address"]
    assert address["post_town"] == "London" and address["region_code"] == "GB"


async def test_a_buyer_changes_the_address_until_the_shipment_is_arranged(tiktok, sandbox):
    control, shop = sandbox.control, tiktok.shop_id()
    control.configure_webhooks(tiktok_url=PARKED)
    created = control.create_order(shop, status="AWAITING_SHIPMENT", buyer_message="Ring twice")
    control.set_order_logistics(shop, created["id"], shipping_type="TIKTOK")
    control.advance_clock(60)
    control.change_recipient_address(
        shop, created["id"], address_line1="77 Harbour Road", postal_code="90210"
    )
    order = await _detail(tiktok, created["id"])
    assert order["has_updated_recipient_address"] is True
    assert order["recipient_address"]["address_line1"] == "7*** H*** R***"
    assert order["recipient_address"]["postal_code"] == "90210"
    assert order["update_time"] == control.clock.now_s()
    assert order["buyer_message"] == "Ring twice"
    [event] = [
        json.loads(d.body) for d in control.dispatcher.pending if d.label == "tiktok:RECIPIENT_ADDRESS_UPDATE"
    ]
    assert event["type"] == 3 and event["data"] == {
        "order_id": created["id"],
        "update_time": order["update_time"],
    }
    with pytest.raises(ValueError, match="not an address field"):
        control.change_recipient_address(shop, created["id"], street="x")
    control.set_order_status(shop, created["id"], "AWAITING_COLLECTION")
    with pytest.raises(ValueError, match="can no longer change"):
        control.change_recipient_address(shop, created["id"], postal_code="10001")


async def test_an_fbt_order_is_rendered_as_fulfilled_by_tiktok(tiktok, sandbox):
    created = sandbox.control.create_order(
        tiktok.shop_id(), status="AWAITING_SHIPMENT", fulfillment_type="FULFILLMENT_BY_TIKTOK"
    )
    assert (await _detail(tiktok, created["id"]))["fulfillment_type"] == "FULFILLMENT_BY_TIKTOK"
    with pytest.raises(ValueError):
        sandbox.control.create_order(tiktok.shop_id(), fulfillment_type="FULFILLMENT_BY_WAREHOUSE")


def test_seeded_shops_have_a_deterministic_share_of_fbt_orders_and_buyer_messages():
    spec = with_overrides(PRESETS["small"], orders_per_shop=400)
    shop = make_shop(1, 0)
    first = generate_shop_data(spec, 1, shop, 0, 1_780_000_000)
    again = generate_shop_data(spec, 1, shop, 0, 1_780_000_000)
    fbt = [o.id for o in first.orders.values() if o.fulfillment_type == "FULFILLMENT_BY_TIKTOK"]
    assert fbt == [o.id for o in again.orders.values() if o.fulfillment_type == "FULFILLMENT_BY_TIKTOK"]
    assert 0.05 * 400 < len(fbt) < 0.15 * 400
    messages = [o.buyer_message for o in first.orders.values() if o.buyer_message]
    assert 0.1 * 400 < len(messages) < 0.3 * 400
    none = generate_shop_data(with_overrides(spec, fbt_fraction=0.0), 1, shop, 0, 1_780_000_000)
    assert all(o.fulfillment_type == "FULFILLMENT_BY_SELLER" for o in none.orders.values())
