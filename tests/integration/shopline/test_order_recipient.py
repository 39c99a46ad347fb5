"""The SHOPLINE client against the sandbox: imported orders carry the shipping address and notes,
orders TikTok fulfills take no stock, the address follows an update; the sandbox refuses what
SHOPLINE documents as invalid."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain.channel import NoteAttribute
from domain.errors import PartnerRejected
from domain.logistics import ShoplineAddress

from .conftest import API_VERSION  # noqa: TID252
from .test_shopline_client import new_order  # noqa: TID252

ADDRESS = ShoplineAddress(
    first_name="J***",
    last_name="D***",
    phone="(+44)77*****21",
    email="orders@shop.example",
    address1="1*** H*** Street",
    address2="Flat *",
    area="Greater London",
    city="London",
    province="England",
    country="United Kingdom",
    country_code="GB",
    zip="SW1A 1AA",
)
NOTES = (
    NoteAttribute("tiktok_buyer_message", "Ring twice"),
    NoteAttribute("tiktok_rts_sla_time", "2026-12-06T10:00:00+00:00"),
)


def _levels(sandbox) -> dict:
    return dict(sandbox.control.shopline.store(sandbox.shopline_handle).levels)


async def test_an_order_is_created_with_its_address_notes_and_buyer_note(
    sandbox, client, credentials
) -> None:
    variant = sandbox.control.shopline_variants(sandbox.shopline_handle, 1)[0]
    order = replace(
        new_order(variant), shipping_address=ADDRESS, note_attributes=NOTES, buyer_note="Ring twice"
    )
    ref = await client.create_order(credentials, order)
    stored = sandbox.control.shopline.store(sandbox.shopline_handle).orders[ref.order_id]
    assert stored.payload["shipping_address"] == {
        "first_name": "J***",
        "last_name": "D***",
        "phone": "(+44)77*****21",
        "email": "orders@shop.example",
        "address1": "1*** H*** Street",
        "address2": "Flat *",
        "area": "Greater London",
        "city": "London",
        "province": "England",
        "country": "United Kingdom",
        "country_code": "GB",
        "zip": "SW1A 1AA",
    }
    notes = {a["name"]: a["value"] for a in stored.payload["note_attributes"]}
    assert notes["tiktok_buyer_message"] == "Ring twice"
    assert notes["mcc_channel_order"] == order.channel_marker
    assert stored.payload["buyer_note"] == "Ring twice"


async def test_an_order_tiktok_fulfills_takes_no_stock(sandbox, client, credentials) -> None:
    variant = sandbox.control.shopline_variants(sandbox.shopline_handle, 1)[0]
    before = _levels(sandbox)
    ref = await client.create_order(credentials, replace(new_order(variant), decrement_stock=False))
    stored = sandbox.control.shopline.store(sandbox.shopline_handle).orders[ref.order_id]
    assert stored.payload["inventory_behaviour"] == "bypass"
    assert _levels(sandbox) == before
    await client.create_order(credentials, new_order(variant, marker="TT-2"))
    assert _levels(sandbox) != before  # a seller order does take its units


async def test_the_address_is_replaced_by_an_update_and_fulfillments_are_seen(
    sandbox, client, credentials
) -> None:
    variant = sandbox.control.shopline_variants(sandbox.shopline_handle, 1)[0]
    ref = await client.create_order(credentials, replace(new_order(variant), shipping_address=ADDRESS))
    assert not await client.order_has_fulfillment(credentials, ref.order_id)
    moved = replace(ADDRESS, address1="2*** N*** Road", address2="", zip="E1 6AN")
    await client.update_order_shipping_address(credentials, ref.order_id, moved)
    stored = sandbox.control.shopline.store(sandbox.shopline_handle).orders[ref.order_id]
    assert stored.payload["shipping_address"]["address1"] == "2*** N*** Road"
    assert stored.payload["shipping_address"]["address2"] == ""
    assert stored.payload["shipping_address"]["zip"] == "E1 6AN"
    stored.payload["fulfillments"] = [{"id": "f-1", "status": "cancelled"}]
    assert not await client.order_has_fulfillment(credentials, ref.order_id)
    stored.payload["fulfillments"].append({"id": "f-2", "status": "success"})
    assert await client.order_has_fulfillment(credentials, ref.order_id)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"shipping_address": {"street": "1 High St"}}, "order.shipping_address.street"),
        ({"shipping_address": {"first_name": "F" * 65}}, "order.shipping_address.first_name"),
        ({"shipping_address": {"country_code": "GBR"}}, "order.shipping_address.country_code"),
        ({"shipping_address": {"zip": 10007}}, "order.shipping_address.zip"),
        ({"shipping_address": "1 High St"}, "order.shipping_address"),
        ({"note_attributes": [{"name": "", "value": "x"}]}, "order.note_attributes[0].name"),
        ({"note_attributes": [{"name": "a", "value": 3}]}, "order.note_attributes[0].value"),
        ({"note_attributes": [{"name": "a", "value": "x", "kind": "y"}]}, "order.note_attributes[0]"),
        ({"order_note": "n" * 51}, "order.order_note"),
    ],
)
async def test_the_sandbox_refuses_what_shopline_refuses(sandbox, credentials, http, change, message) -> None:
    variant = sandbox.control.shopline_variants(sandbox.shopline_handle, 1)[0]
    body = {
        "order": {
            "currency": "USD",
            "financial_status": "paid",
            "line_items": [{"variant_id": variant["id"], "quantity": 1, "price": variant["price"]}],
            **change,
        }
    }
    reply = await _post(sandbox, credentials, http, "orders.json", body)
    assert reply.status_code == 422
    assert message in reply.text


async def _post(sandbox, credentials, http, resource: str, body: dict):  # type: ignore[no-untyped-def]
    base = sandbox.shopline_url_template.format(handle=sandbox.shopline_handle)
    url = f"{base}/admin/openapi/{API_VERSION}/{resource}"
    headers = {
        "Authorization": f"Bearer {credentials.access_token.reveal()}",
        "Content-Type": "application/json",
    }
    return await http.post(url, json=body, headers=headers)


async def test_an_update_naming_another_order_is_refused(sandbox, client, credentials) -> None:
    variant = sandbox.control.shopline_variants(sandbox.shopline_handle, 1)[0]
    ref = await client.create_order(credentials, new_order(variant))
    with pytest.raises(PartnerRejected) as refused:
        await client.update_order_shipping_address(
            credentials, ref.order_id, replace(ADDRESS, country_code="gb")
        )
    assert refused.value.code == "422"
