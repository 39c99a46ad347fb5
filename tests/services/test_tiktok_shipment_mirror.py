"""TikTok's shipments mirrored as SHOPLINE fulfillments, over the stateful fakes."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from domain.channel import ShopCredentials, ShoplineCredentials
from domain.errors import PartnerRejected, PartnerUnavailable
from domain.events import ShoplineFulfillmentsOwed
from domain.ids import OrderId, ShoplineOrderId
from domain.logistics import (
    FulfillmentLine,
    FulfillmentType,
    LineShipment,
    NewFulfillment,
    OrderLogistics,
    ShippingType,
    ShoplineLineItem,
    TrackingInfo,
)
from domain.order import Order
from domain.secret import Secret
from services.fulfillment.tiktok_shipments import TikTokShipmentMirror, tracking_company
from services.orders.intake import IntakeShop
from tests.fakes import FakeShoplineFulfillmentApi, FakeTikTokFulfillmentApi, FakeTikTokOrder
from tests.services.test_orders import APP, CIPHER, HANDLE, NOW, SHOP, TIKTOK_SHOP, World, tiktok_order, world

ORDER = "576461413038785752"
TIKTOK_SHIPPING = OrderLogistics(shipping_type=ShippingType.TIKTOK, delivery_option_id="opt-1")
BY_TIKTOK = OrderLogistics(fulfillment_type=FulfillmentType.BY_TIKTOK)
BY_SELLER = OrderLogistics(shipping_type=ShippingType.SELLER, delivery_option_id="opt-1")


async def _with_default_email(w: World) -> World:
    """Orders TikTok ships hide the buyer's email: the app gives SHOPLINE its own."""
    async with w.uow() as uow:
        app = await uow.apps.get(APP)
        app.change_settings(replace(app.settings, default_email="orders@store.example"), w.clock.now())
        await uow.apps.update(app)
        await uow.commit()
    return w


class Mirrored:
    def __init__(self, w: World, logistics: OrderLogistics) -> None:
        self.w = w
        self.logistics = logistics
        self.tiktok = FakeTikTokFulfillmentApi(w.clock)
        self.shopline = FakeShoplineFulfillmentApi(w.clock)
        self.mirror = TikTokShipmentMirror(w.uow, w.clock, self.tiktok, self.shopline)
        self.update = NOW - timedelta(minutes=30)
        fulfillment = logistics.fulfillment_type
        shipping = logistics.shipping_type or ShippingType.TIKTOK
        self.tiktok.add_order(
            CIPHER,
            FakeTikTokOrder(
                OrderId(ORDER),
                "SG",
                self.units(),
                "opt-1",
                fulfillment_type=fulfillment,
                shipping_type=shipping,
            ),
        )

    def units(self, count: int = 3) -> tuple[str, ...]:
        return tuple(f"li-{ORDER}-{n}" for n in range(count))

    async def take(
        self, shipments: tuple[LineShipment, ...] = (), status: str = "AWAITING_SHIPMENT"
    ) -> Order:
        """TikTok's next snapshot of the order, through the intake (imports automatically)."""
        self.update += timedelta(minutes=1)
        data = replace(
            tiktok_order(order_id=ORDER, status=status, update=self.update, units=3),
            logistics=self.logistics,
            line_shipments=shipments,
        )
        await self.w.intake.take(IntakeShop(APP, SHOP, TIKTOK_SHOP), [data])
        order = await self.w.order(ORDER)
        shopline_order_id = order.import_status.shopline_order_id
        if shopline_order_id is not None and (HANDLE, shopline_order_id) not in self.shopline.orders:
            self._mirror_shopline_order(shopline_order_id)
        return order

    def _mirror_shopline_order(self, shopline_order_id: ShoplineOrderId) -> None:
        """The fulfillment fake holds the lines the import created in the SHOPLINE fake."""
        new_order, _ = self.w.shopline.store(HANDLE).orders[shopline_order_id]
        lines = [
            ShoplineLineItem(
                f"{shopline_order_id}-{n}",
                line.variant_id or "",
                "",
                line.quantity,
                line.quantity,
                line.title,
            )
            for n, line in enumerate(new_order.lines)
        ]
        self.shopline.add_order(HANDLE, shopline_order_id, lines)

    async def ship_on_tiktok(self, count: int = 3) -> tuple[LineShipment, ...]:
        """The merchant arranges TikTok shipping for the first ``count`` units (one package)."""
        order = self.tiktok.orders[(CIPHER, OrderId(ORDER))]
        package_id = order.packages[0] if order.packages else ""
        await self.tiktok.ship_package(ShopCredentials(CIPHER, Secret("t")), package_id)
        package = self.tiktok.packages[package_id].package
        return tuple(
            LineShipment(unit, package_id, package.status.value, package.tracking_number, "p1", "J&T Express")
            for unit in self.units()[:count]
        )


async def test_a_tiktok_shipped_package_becomes_one_shopline_fulfillment_with_tiktok_tracking() -> None:
    m = Mirrored(await _with_default_email(await world()), TIKTOK_SHIPPING)
    await m.take()
    shipments = await m.ship_on_tiktok()
    order = await m.take(shipments, status="AWAITING_COLLECTION")
    assert [s.package_id for s in order.shipments_owed_to_shopline] == [shipments[0].package_id]
    assert await m.mirror.drain() == 1
    (shopline_order,) = m.shopline.orders.values()
    (fulfillment,) = shopline_order.fulfillments
    assert fulfillment.tracking == (TrackingInfo("Other", shipments[0].tracking_number),)
    assert sum(line.quantity for line in fulfillment.lines) == 3
    order = await m.w.order(ORDER)
    assert order.shipments_owed_to_shopline == ()
    assert order.shopline_mirror.fulfillment_ids == {fulfillment.fulfillment_id}
    assert order.shopline_mirror.claimed_until is None
    async with m.w.uow() as uow:  # its fulfillments/create webhook is our own echo
        assert await uow.own_shopline_fulfillments.created_by_us(APP, fulfillment.fulfillment_id)
    assert await m.mirror.drain() == 0  # nothing owed: nothing asked again
    assert m.shopline.calls.count("create_fulfillment") == 1


async def test_nothing_is_owed_before_the_import_and_the_import_makes_it_owed() -> None:
    m = Mirrored(await _with_default_email(await world(auto_import=False)), TIKTOK_SHIPPING)
    await m.take()
    order = await m.take(await m.ship_on_tiktok(), status="AWAITING_COLLECTION")
    assert order.shipments_owed_to_shopline == ()
    await m.w.importer.import_order(APP, SHOP, OrderId(ORDER))
    assert any(isinstance(e, ShoplineFulfillmentsOwed) for e in m.w.publisher.published)
    await m.take((await m.w.order(ORDER)).line_shipments, status="IN_TRANSIT")
    assert await m.mirror.drain() == 1
    assert (await m.w.order(ORDER)).shopline_mirror.fulfillment_ids


async def test_a_lost_reply_finds_the_fulfillment_by_tracking_number_instead_of_creating_another() -> None:
    m = Mirrored(await _with_default_email(await world()), TIKTOK_SHIPPING)
    await m.take()
    shipments = await m.ship_on_tiktok()
    order = await m.take(shipments, status="AWAITING_COLLECTION")
    shopline_order_id = order.import_status.shopline_order_id
    assert shopline_order_id is not None
    # An earlier attempt created it, then its reply was lost.
    line = m.shopline.orders[(HANDLE, shopline_order_id)].lines[0]
    earlier = await m.shopline.create_fulfillment(
        ShoplineCredentials(HANDLE, Secret("t")),
        shopline_order_id,
        NewFulfillment(
            (FulfillmentLine(line.line_item_id, 3),), (TrackingInfo("Other", shipments[0].tracking_number),)
        ),
    )
    assert await m.mirror.drain() == 1
    assert m.shopline.calls.count("create_fulfillment") == 1
    assert (await m.w.order(ORDER)).shopline_mirror.fulfillment_ids == {earlier.fulfillment_id}


async def test_an_unavailable_partner_leaves_the_package_owed_for_the_next_sweep() -> None:
    m = Mirrored(await _with_default_email(await world()), TIKTOK_SHIPPING)
    await m.take()
    await m.take(await m.ship_on_tiktok(), status="AWAITING_COLLECTION")
    m.shopline.fail_next(PartnerUnavailable("shopline", "503", "busy"))
    assert await m.mirror.drain() == 1
    order = await m.w.order(ORDER)
    assert order.shipments_owed_to_shopline and order.shopline_mirror.claimed_until is None
    await m.mirror.drain()
    assert (await m.w.order(ORDER)).shipments_owed_to_shopline == ()


async def test_a_refusal_is_recorded_and_waits_for_tiktoks_next_change() -> None:
    m = Mirrored(await _with_default_email(await world()), TIKTOK_SHIPPING)
    await m.take()
    shipments = await m.ship_on_tiktok()
    await m.take(shipments, status="AWAITING_COLLECTION")
    m.shopline.fail_next(PartnerRejected("shopline", "422", "order is archived"))
    await m.mirror.drain()
    order = await m.w.order(ORDER)
    assert "archived" in order.shopline_mirror.failure
    assert order.shipments_owed_to_shopline == ()
    moved = tuple(replace(s, package_status="FULFILLING") for s in shipments)
    assert (await m.take(moved, status="IN_TRANSIT")).shipments_owed_to_shopline
    await m.mirror.drain()
    assert (await m.w.order(ORDER)).shopline_mirror.fulfillment_ids


async def test_fulfilled_by_tiktok_waits_until_the_carrier_has_the_package() -> None:
    m = Mirrored(await _with_default_email(await world()), BY_TIKTOK)
    await m.take()
    pending = tuple(
        LineShipment(unit, "pkg-fbt", "PROCESSING", "TRK123", "p1", "SF Express") for unit in m.units()
    )
    assert (await m.take(pending)).shipments_owed_to_shopline == ()
    collected = tuple(replace(s, package_status="FULFILLING") for s in pending)
    order = await m.take(collected, status="IN_TRANSIT")
    assert [s.package_id for s in order.shipments_owed_to_shopline] == ["pkg-fbt"]


async def test_seller_shipped_orders_are_never_mirrored() -> None:
    m = Mirrored(await _with_default_email(await world()), BY_SELLER)
    await m.take()
    shipped = tuple(LineShipment(unit, "pkg-s", "PROCESSING", "TRK1", "p1", "DHL") for unit in m.units())
    assert (await m.take(shipped, status="AWAITING_COLLECTION")).shipments_owed_to_shopline == ()


@pytest.mark.parametrize(
    ("tiktok_name", "shopline_name"),
    [("SF Express", "SF"), ("sf-express", "SF"), ("4PX", "4PX"), ("J&T Express", "Other"), ("", "Other")],
)
def test_tiktok_carriers_map_to_shoplines_known_names_or_other(tiktok_name: str, shopline_name: str) -> None:
    assert tracking_company(tiktok_name) == shopline_name
