"""TikTok shipping arranged by an operator, over the stateful fakes."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from domain.errors import InvalidArgument, PartnerRejected, ShippingNotPossible
from domain.ids import OrderId
from domain.logistics import (
    DocumentType,
    FulfillmentType,
    HandoverMethod,
    LineShipment,
    OrderLogistics,
    PackageStatus,
    ParcelSize,
    ShippingType,
)
from domain.shop import Region
from services.fulfillment.tiktok_shipping import TikTokShipmentRequest, TikTokShippingCommands
from services.orders.intake import IntakeShop
from tests.fakes import FakeTikTokFulfillmentApi, FakeTikTokOrder
from tests.services.test_orders import APP, CIPHER, NOW, SHOP, TIKTOK_SHOP, World, ref, tiktok_order, world

ORDER = "576461413038785752"
PARCEL = ParcelSize(Decimal(500), "GRAM", Decimal(20), Decimal(10), Decimal(5), "CM")


async def _with_default_email(w: World) -> World:
    """Orders TikTok ships hide the buyer's email: the app gives SHOPLINE its own."""
    async with w.uow() as uow:
        app = await uow.apps.get(APP)
        app.change_settings(replace(app.settings, default_email="orders@store.example"), w.clock.now())
        await uow.apps.update(app)
        await uow.commit()
    return w


class Shipping:
    def __init__(self, w: World, market: str, logistics: OrderLogistics) -> None:
        self.w = w
        self.fulfillment = FakeTikTokFulfillmentApi(w.clock)
        self.commands = TikTokShippingCommands(w.uow, w.clock, w.tiktok, self.fulfillment, w.intake)
        self.logistics = logistics
        self.units = tuple(f"li-{ORDER}-{n}" for n in range(2))
        shipping = logistics.shipping_type or ShippingType.TIKTOK
        self.tiktok_order = FakeTikTokOrder(
            OrderId(ORDER),
            market,
            self.units,
            "opt-1",
            fulfillment_type=logistics.fulfillment_type,
            shipping_type=shipping,
        )
        self.fulfillment.add_order(CIPHER, self.tiktok_order)
        self.update = NOW - timedelta(minutes=30)

    async def publish(self, status: str = "AWAITING_SHIPMENT") -> None:
        """TikTok's view of the order, with its packages as the fulfillment fake holds them."""
        self.update += timedelta(minutes=1)
        shipments = []
        for package_id in self.tiktok_order.packages:
            package = self.fulfillment.packages[package_id].package
            shipments.extend(
                LineShipment(
                    unit, package_id, package.status.value, package.tracking_number, "p", "TikTok Carrier"
                )
                for unit in package.line_item_ids
            )
        data = replace(
            tiktok_order(order_id=ORDER, status=status, update=self.update),
            logistics=self.logistics,
            line_shipments=tuple(shipments),
        )
        self.w.publish(data)
        await self.w.intake.take(IntakeShop(APP, SHOP, TIKTOK_SHOP), [data])


async def shipping(market: str, logistics: OrderLogistics | None = None) -> Shipping:
    w = await _with_default_email(await world())
    if market == "US":
        async with w.uow() as uow:
            shop = await uow.shops.get(SHOP)
            shop._identity = replace(shop.identity, region=Region.US)
            await uow.shops.update(shop)
            await uow.commit()
    s = Shipping(w, market, logistics or OrderLogistics(shipping_type=ShippingType.TIKTOK))
    await s.publish()
    return s


async def test_outside_the_us_the_package_is_handed_over_and_the_order_read_again() -> None:
    s = await shipping("SG")
    request = TikTokShipmentRequest(handover_method=HandoverMethod.DROP_OFF)
    order, packages = await s.commands.arrange(ref(ORDER), request)
    (package,) = packages
    assert package.status is PackageStatus.PROCESSING and package.tracking_number
    assert package.handover_method == "DROP_OFF"
    assert s.w.tiktok.calls.count("get_orders") >= 1
    assert order.id == OrderId(ORDER)


async def test_a_repeat_after_a_lost_reply_reads_the_shipped_package_back() -> None:
    s = await shipping("SG")
    _, first = await s.commands.arrange(ref(ORDER), TikTokShipmentRequest())
    # TikTok's answer was lost: our order still shows the package waiting, so TikTok is asked again.
    _, again = await s.commands.arrange(ref(ORDER), TikTokShipmentRequest(line_item_ids=s.units))
    assert [p.package_id for p in again] == [p.package_id for p in first]
    assert s.fulfillment.calls.count("ship_package") == 2  # TikTok said "already shipped" the second time


async def test_in_the_us_a_label_is_bought_with_the_parcel_and_a_repeat_buys_none() -> None:
    s = await shipping("US")
    with pytest.raises(InvalidArgument) as missing:
        await s.commands.arrange(ref(ORDER), TikTokShipmentRequest())
    assert missing.value.field == "tiktok_shipment.parcel"
    _, (package,) = await s.commands.arrange(ref(ORDER), TikTokShipmentRequest(parcel=PARCEL))
    assert set(package.line_item_ids) == set(s.units)
    await s.publish()  # TikTok's order now shows the package; ours still awaits shipment
    _, (again,) = await s.commands.arrange(
        ref(ORDER), TikTokShipmentRequest(parcel=PARCEL, line_item_ids=s.units)
    )
    assert again.package_id == package.package_id
    assert len(s.tiktok_order.packages) == 1


async def test_the_label_of_a_shipped_package_and_only_of_this_order() -> None:
    s = await shipping("SG")
    _, (package,) = await s.commands.arrange(ref(ORDER), TikTokShipmentRequest())
    await s.publish("AWAITING_COLLECTION")
    label = await s.commands.label(ref(ORDER), package.package_id, DocumentType.SHIPPING_LABEL)
    assert label.url and label.tracking_number == package.tracking_number
    with pytest.raises(PartnerRejected):
        await s.commands.label(ref(ORDER), "unknown-package", DocumentType.SHIPPING_LABEL)


@pytest.mark.parametrize(
    ("logistics", "why"),
    [
        (OrderLogistics(shipping_type=ShippingType.SELLER), "seller's own carrier"),
        (OrderLogistics(fulfillment_type=FulfillmentType.BY_TIKTOK), "TikTok fulfills"),
    ],
)
async def test_orders_tiktok_does_not_ship_for_the_seller_are_refused(
    logistics: OrderLogistics, why: str
) -> None:
    s = await shipping("SG", logistics)
    with pytest.raises(ShippingNotPossible, match=why):
        await s.commands.arrange(ref(ORDER), TikTokShipmentRequest())
    assert s.fulfillment.calls == []


async def test_unknown_line_items_are_named() -> None:
    s = await shipping("SG")
    with pytest.raises(InvalidArgument) as raised:
        await s.commands.arrange(ref(ORDER), TikTokShipmentRequest(line_item_ids=("nope",)))
    assert raised.value.field == "tiktok_shipment.line_item_ids"
