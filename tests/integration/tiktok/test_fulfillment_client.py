"""The TikTok fulfillment client against the sandbox: every port method, TikTok's refusals as
`PartnerRejected` with TikTok's code, a lost ship answer read back as shipped, and the same
rules in the stateful fake."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from adapters.tiktok.fulfillment import TikTokFulfillmentClient
from domain.channel import ShopCredentials
from domain.errors import PartnerRejected, PartnerUnavailable
from domain.ids import OrderId
from domain.logistics import (
    DocumentType,
    HandoverMethod,
    PackageStatus,
    ParcelSize,
    SelfShipment,
    ShippingProvider,
    ShippingType,
)
from domain.secret import Secret
from tests.fakes.fulfillment import FakeTikTokFulfillmentApi, FakeTikTokOrder
from tests.fakes.runtime import FakeClock

USPS = "7117858858072016686"
USPS_NUMBER = "9400111899223197428490"
PARCEL = ParcelSize(Decimal("1.5"), "POUND", Decimal(10), Decimal(8), Decimal(4), "INCH")


@pytest.fixture
def fulfillment(client) -> TikTokFulfillmentClient:
    return TikTokFulfillmentClient(client.transport, client.shop_tokens)


def new_order(sandbox, shop_id, units=2, shipping_type="SELLER", status="AWAITING_SHIPMENT"):
    skus = sandbox.control.sample_skus(shop_id, 1, active_only=True)
    order = sandbox.control.create_order(shop_id, [[skus[0]["id"], units]], status=status)
    return sandbox.control.set_order_logistics(shop_id, order["id"], shipping_type=shipping_type)


async def authorized(sandbox, client, shop_id) -> ShopCredentials:
    grant = await client.exchange_code(sandbox.control.grant_authorization([shop_id])["code"])
    shops = await client.authorized_shops(grant.access_token)
    return ShopCredentials(shops[0].cipher, grant.access_token)


async def test_us_seller_shipping_line_by_line(sandbox, client, shop, fulfillment):
    order = new_order(sandbox, shop.shop_id)
    order_id = OrderId(order["order_id"])
    [detail] = await client.get_orders(shop.credentials, [order_id])
    options = await fulfillment.delivery_options(shop.credentials, detail.logistics.warehouse_id)
    chosen = next(o for o in options if o.delivery_option_id == detail.logistics.delivery_option_id)
    assert chosen.type == "SEND_BY_SELLER"
    providers = await fulfillment.shipping_providers(shop.credentials, chosen.delivery_option_id)
    assert any(p.provider_id == USPS and p.name == "USPS" for p in providers)
    tiktok_option = next(o for o in options if o.type == "STANDARD")
    assert await fulfillment.shipping_providers(shop.credentials, tiktok_option.delivery_option_id) == []

    first, second = order["line_item_ids"]
    shipped = await fulfillment.mark_package_shipped(shop.credentials, order_id, [first], USPS_NUMBER, USPS)
    assert shipped.line_item_ids == (first,) and shipped.warning == ""
    package = await fulfillment.package(shop.credentials, shipped.package_id)
    assert package.status is PackageStatus.PROCESSING and package.shipping_type is ShippingType.SELLER
    assert package.order_ids == (order_id,) and package.tracking_number == USPS_NUMBER
    with pytest.raises(PartnerRejected) as refused:
        await fulfillment.mark_package_shipped(shop.credentials, order_id, [first], USPS_NUMBER, USPS)
    assert refused.value.code == "21011040"
    rest = await fulfillment.mark_package_shipped(shop.credentials, order_id, [second], "WRONG12345", USPS)
    assert "USPS" in rest.warning

    await fulfillment.update_shipping_info(
        shop.credentials, order_id, USPS_NUMBER[:-1] + "1", USPS, package_id=rest.package_id
    )
    with pytest.raises(PartnerRejected) as once:
        await fulfillment.update_shipping_info(
            shop.credentials, order_id, USPS_NUMBER, USPS, package_id=rest.package_id
        )
    assert once.value.code == "21011051"
    events = await fulfillment.tracking(shop.credentials, order_id)
    assert events and all(e.time.tzinfo is UTC and e.time.year >= 2020 for e in events)


async def test_refusals_carry_tiktoks_code(sandbox, client, shop, fulfillment):
    async def code(order) -> str:
        with pytest.raises(PartnerRejected) as refused:
            await fulfillment.mark_package_shipped(
                shop.credentials, OrderId(order["order_id"]), [], USPS_NUMBER, USPS
            )
        return refused.value.code

    assert await code(new_order(sandbox, shop.shop_id, status="ON_HOLD")) == "21042057"
    assert await code(new_order(sandbox, shop.shop_id, shipping_type="TIKTOK")) == "21011004"
    fbt = new_order(sandbox, shop.shop_id)
    sandbox.control.set_order_logistics(
        shop.shop_id, fbt["order_id"], fulfillment_type="FULFILLMENT_BY_TIKTOK"
    )
    assert await code(fbt) == "21008025"
    with pytest.raises(PartnerRejected) as bad_number:
        await fulfillment.mark_package_shipped(
            shop.credentials, OrderId(new_order(sandbox, shop.shop_id)["order_id"]), [], "AB-1234#", USPS
        )
    assert bad_number.value.code == "21004012"
    with pytest.raises(PartnerRejected) as unknown_option:
        await fulfillment.shipping_providers(shop.credentials, "6900000000000000001")
    assert unknown_option.value.code == "21008116"


async def test_a_lost_ship_answer_is_unavailable_and_the_package_reads_back_shipped(
    sandbox, client, shop, fulfillment
):
    order = new_order(sandbox, shop.shop_id, units=1)
    rule = sandbox.control.add_fault("lost_response", "tiktok", "POST /fulfillment/*/packages", count=1)
    with pytest.raises(PartnerUnavailable):
        await fulfillment.mark_package_shipped(
            shop.credentials, OrderId(order["order_id"]), [], USPS_NUMBER, USPS
        )
    assert all(r["id"] != rule["id"] for r in sandbox.control.faults())  # it fired
    [detail] = await client.get_orders(shop.credentials, [OrderId(order["order_id"])])
    assert detail.line_shipments[0].tracking_number == USPS_NUMBER  # shipped exactly once
    package = await fulfillment.package(shop.credentials, detail.line_shipments[0].package_id)
    assert package.status is PackageStatus.PROCESSING


async def test_us_label_purchase_and_document(sandbox, client, shop, fulfillment):
    order = new_order(sandbox, shop.shop_id, units=1, shipping_type="TIKTOK")
    order_id = OrderId(order["order_id"])
    services = await fulfillment.eligible_shipping_services(shop.credentials, order_id, [], PARCEL)
    default = next(s for s in services if s.is_default)
    package = await fulfillment.create_package(shop.credentials, order_id, [], PARCEL, default.service_id)
    assert package.status is PackageStatus.PROCESSING and package.tracking_number
    assert package.shipping_provider_id == default.shipping_provider_id
    document = await fulfillment.shipping_document(
        shop.credentials, package.package_id, DocumentType.SHIPPING_LABEL
    )
    assert document.url.startswith("http") and document.tracking_number == package.tracking_number
    with pytest.raises(PartnerRejected) as bought:
        await fulfillment.create_package(
            shop.credentials, order_id, order["line_item_ids"], PARCEL, default.service_id
        )
    assert bought.value.code in ("21011040", "21022025")


async def test_uk_handover_and_sea_self_shipment(sandbox, client, fulfillment):
    gb = next(s for s in sandbox.control.shops() if s["region"] == "GB")
    gb_credentials = await authorized(sandbox, client, gb["id"])
    order = new_order(sandbox, gb["id"], units=1, shipping_type="TIKTOK")
    [detail] = await client.get_orders(gb_credentials, [OrderId(order["order_id"])])
    [package_id] = detail.package_ids
    options = await fulfillment.handover_options(gb_credentials, package_id)
    slot = next(s for s in options.pickup_slots if s.available)
    assert options.can_pickup and slot.start_time > datetime.now(UTC).replace(year=2000)
    await fulfillment.ship_package(
        gb_credentials, package_id, handover_method=HandoverMethod.PICKUP, pickup_slot=slot
    )
    shipped = await fulfillment.package(gb_credentials, package_id)
    assert shipped.handover_method == "PICKUP" and shipped.shipping_provider_name == "Evri"

    sg = sandbox.control.create_shop("SG")
    sg_credentials = await authorized(sandbox, client, sg["id"])
    order = new_order(sandbox, sg["id"], units=1)
    [detail] = await client.get_orders(sg_credentials, [OrderId(order["order_id"])])
    [package_id] = detail.package_ids
    providers = await fulfillment.shipping_providers(sg_credentials, detail.logistics.delivery_option_id)
    shipment = SelfShipment("NV1234567890", providers[0].provider_id)
    await fulfillment.ship_package(sg_credentials, package_id, self_shipment=shipment)
    assert (await fulfillment.package(sg_credentials, package_id)).tracking_number == "NV1234567890"
    with pytest.raises(PartnerRejected) as again:
        await fulfillment.ship_package(sg_credentials, package_id, self_shipment=shipment)
    assert again.value.code == "21011040"
    with pytest.raises(PartnerRejected) as region:
        await fulfillment.mark_package_shipped(sg_credentials, OrderId(order["order_id"]), [], "NV1", "1")
    assert region.value.code == "21008106"


async def test_the_fake_refuses_as_the_sandbox_does():
    clock = FakeClock()
    fake = FakeTikTokFulfillmentApi(clock)
    credentials = ShopCredentials("cipher", Secret("t"))
    order = FakeTikTokOrder(OrderId("1"), "US", ("11", "12"), "opt")
    fake.add_order("cipher", order)
    fake.add_providers("opt", ShippingProvider(USPS, "USPS"))
    await fake.mark_package_shipped(credentials, order.order_id, ["11"], USPS_NUMBER, USPS)
    assert order.status == "PARTIALLY_SHIPPING"
    for lines, code in ((["11"], "21011040"), ([], "21011048")):
        with pytest.raises(PartnerRejected) as refused:
            await fake.mark_package_shipped(credentials, order.order_id, lines, USPS_NUMBER, USPS)
        assert refused.value.code == code
    with pytest.raises(PartnerRejected) as special:
        await fake.mark_package_shipped(credentials, order.order_id, ["12"], "AB-1", USPS)
    assert special.value.code == "21004012"
    clock.advance(timedelta(hours=72, seconds=1))
    with pytest.raises(PartnerRejected) as late:
        await fake.update_shipping_info(credentials, order.order_id, USPS_NUMBER, USPS)
    assert late.value.code == "21011050"
