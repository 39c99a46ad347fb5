"""The SHOPLINE fulfillment client against the sandbox: line items, create (per API version),
list, tracking overwrite, cancel, a lost create answer found instead of shipping twice, and the
fake's quantity rule."""

from __future__ import annotations

import pytest

from adapters.shopline.fulfillments import ShoplineFulfillmentClient, fulfillment
from domain.channel import ShoplineCredentials
from domain.errors import PartnerRejected
from domain.ids import ShoplineOrderId
from domain.logistics import FulfillmentLine, NewFulfillment, ShoplineLineItem, TrackingInfo
from domain.secret import Secret
from tests.fakes.fulfillment import FakeShoplineFulfillmentApi
from tests.fakes.runtime import FakeClock
from tests.integration.shopline.conftest import make_client

SF = TrackingInfo("SF", "SF1234567890", "https://www.sf-tracking.com/?number=SF1234567890")


def store_order(sandbox, handle, quantities=(2, 1)):
    variants = sandbox.control.shopline_variants(handle, len(quantities))
    lines = [[v["id"], q] for v, q in zip(variants, quantities, strict=True)]
    return sandbox.control.create_store_order(handle, lines)


@pytest.fixture
def fulfillments(client) -> ShoplineFulfillmentClient:
    return ShoplineFulfillmentClient(client.transport)


async def test_create_list_update_and_cancel(sandbox, credentials, fulfillments):
    order = store_order(sandbox, credentials.store_handle)
    order_id = ShoplineOrderId(order["id"])
    lines = await fulfillments.order_line_items(credentials, order_id)
    assert [(line.quantity, line.fulfillable_quantity) for line in lines] == [(2, 2), (1, 1)]
    first = lines[0]
    created = await fulfillments.create_fulfillment(
        credentials, order_id, NewFulfillment((FulfillmentLine(first.line_item_id, 1),), (SF,))
    )
    assert created.status == "success" and created.tracking == (SF,)
    assert created.lines == (FulfillmentLine(first.line_item_id, 1),)
    after = await fulfillments.order_line_items(credentials, order_id)
    assert after[0].fulfillable_quantity == 1

    too_many = NewFulfillment((FulfillmentLine(first.line_item_id, 2),), ())
    with pytest.raises(PartnerRejected) as refused:
        await fulfillments.create_fulfillment(credentials, order_id, too_many)
    assert refused.value.code == "422"

    dhl = TrackingInfo("DHL", "DHL0001")
    updated = await fulfillments.update_fulfillment_tracking(
        credentials, order_id, created.fulfillment_id, [dhl]
    )
    assert updated.tracking == (dhl,)
    [listed] = await fulfillments.fulfillments(credentials, order_id)
    assert listed.fulfillment_id == created.fulfillment_id and listed.tracking == (dhl,)

    cancelled = await fulfillments.cancel_fulfillment(credentials, order_id, created.fulfillment_id)
    assert cancelled.status == "cancelled"
    again = await fulfillments.cancel_fulfillment(credentials, order_id, created.fulfillment_id)
    assert again.status == "cancelled"  # already cancelled counts as done
    assert (await fulfillments.order_line_items(credentials, order_id))[0].fulfillable_quantity == 2


async def test_one_tracking_number_up_to_v20251201_a_list_from_v20260301(
    sandbox, credentials, fulfillments, http, clock, sleeps
):
    order = store_order(sandbox, credentials.store_handle, (3,))
    order_id = ShoplineOrderId(order["id"])
    [line] = await fulfillments.order_line_items(credentials, order_id)
    two = NewFulfillment((FulfillmentLine(line.line_item_id, 1),), (SF, TrackingInfo("SF", "SF999")))
    with pytest.raises(PartnerRejected) as refused:
        await fulfillments.create_fulfillment(credentials, order_id, two)
    assert refused.value.code == "too_many_tracking_numbers"
    newer = ShoplineFulfillmentClient(
        make_client(sandbox, http, clock, sleeps, api_version="v20260301").transport
    )
    created = await newer.create_fulfillment(credentials, order_id, two)
    assert [t.tracking_number for t in created.tracking] == ["SF1234567890", "SF999"]


async def test_a_lost_create_answer_is_found_instead_of_shipping_twice(sandbox, credentials, fulfillments):
    order = store_order(sandbox, credentials.store_handle, (1,))
    order_id = ShoplineOrderId(order["id"])
    [line] = await fulfillments.order_line_items(credentials, order_id)
    rule = sandbox.control.add_fault("lost_response", "shopline", "POST */fulfillments.json", count=1)
    created = await fulfillments.create_fulfillment(
        credentials, order_id, NewFulfillment((FulfillmentLine(line.line_item_id, 1),), (SF,))
    )
    assert all(r["id"] != rule["id"] for r in sandbox.control.faults())  # it fired
    assert [f.fulfillment_id for f in await fulfillments.fulfillments(credentials, order_id)] == [
        created.fulfillment_id
    ]


async def test_webhook_payloads_map_like_api_answers(sandbox, credentials, fulfillments):
    order = store_order(sandbox, credentials.store_handle, (1,))
    payload = sandbox.control.fulfill_shopline_order(
        credentials.store_handle, order["id"], tracking_company="Royal Mail", tracking_number="AB123456789GB"
    )
    mapped = fulfillment(payload)
    assert mapped.tracking == (TrackingInfo("Royal Mail", "AB123456789GB"),)
    [listed] = await fulfillments.fulfillments(credentials, ShoplineOrderId(order["id"]))
    assert listed == mapped


async def test_the_fake_refuses_quantities_past_fulfillable():
    fake = FakeShoplineFulfillmentApi(FakeClock())
    credentials = ShoplineCredentials("store", Secret("t"))
    fake.add_order("store", ShoplineOrderId("1"), [ShoplineLineItem("11", "v", "S", 2, 2)])
    await fake.create_fulfillment(
        credentials, ShoplineOrderId("1"), NewFulfillment((FulfillmentLine("11", 2),), ())
    )
    with pytest.raises(PartnerRejected):
        await fake.create_fulfillment(
            credentials, ShoplineOrderId("1"), NewFulfillment((FulfillmentLine("11", 1),), ())
        )
