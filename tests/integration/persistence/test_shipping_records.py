"""Seller shipping's records: the fake, SQLite and PostgreSQL keep them alike."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.errors import StaleWrite
from domain.fulfillment import (
    CachedProviders,
    CarrierMapping,
    SellerShipment,
    ShipmentKey,
    ShipmentsDue,
    ShipmentSource,
    ShipmentState,
    TrackingUpdateState,
)
from domain.ids import AppId, OrderId, ShopId, ShoplineOrderId
from domain.logistics import ShippingProvider
from tests.integration.persistence.builders import APP, SHOP, at, imported_order, seed

ORDER = OrderId("576461413038785999")


def shipment(
    shipment_id: str = "s1", lines: tuple[str, ...] = ("li-2", "li-1"), tracking: str = "RM1"
) -> SellerShipment:
    key = ShipmentKey.of(ShopId(SHOP), ORDER, lines, tracking)
    return SellerShipment.record(
        shipment_id,
        AppId(APP),
        key,
        "Royal Mail",
        ShipmentSource.SHOPLINE_FULFILLMENT,
        at(1),
        shopline_fulfillment_id="F1",
    )


async def test_a_shipment_is_kept_with_its_key_and_its_events_are_published(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    async with backend.new_uow() as uow:
        await uow.shipments.add(shipment())
        await uow.commit()
    assert any(isinstance(event, ShipmentsDue) for event in backend.publisher.published)
    async with backend.new_uow() as uow:
        found = await uow.shipments.find_by_key(ShipmentKey.of(ShopId(SHOP), ORDER, ["li-1", "li-2"], "RM1"))
        assert found is not None and found.line_item_ids == ("li-1", "li-2")
        assert [s.shipment_id for s in await uow.shipments.for_fulfillment(AppId(APP), "F1")] == ["s1"]
        assert list(await uow.shipments.for_orders(ShopId(SHOP), [ORDER])) == [ORDER]
        assert [s.shipment_id for s in await uow.shipments.due(at(1), limit=10)] == ["s1"]
        with pytest.raises(StaleWrite):
            await uow.shipments.add(shipment("s2"))  # same order, lines and tracking number


async def test_a_shipment_goes_through_its_states_and_a_stale_copy_cannot_overwrite(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    async with backend.new_uow() as uow:
        await uow.shipments.add(shipment())
        await uow.commit()
    async with backend.new_uow() as uow:
        first = await uow.shipments.find(ShopId(SHOP), "s1")
    async with backend.new_uow() as uow:
        claimed = await uow.shipments.find(ShopId(SHOP), "s1")
        assert claimed is not None
        claimed.claim(at(2))
        await uow.shipments.update(claimed)
        await uow.commit()
    async with backend.new_uow() as uow:
        assert first is not None
        first.claim(at(2))
        with pytest.raises(StaleWrite):
            await uow.shipments.update(first)
    async with backend.new_uow() as uow:
        sent = await uow.shipments.find(ShopId(SHOP), "s1")
        assert sent is not None and sent.state is ShipmentState.SENT
        assert await uow.shipments.due(at(2), limit=10) == []
        assert [s.shipment_id for s in await uow.shipments.due(at(2) + timedelta(minutes=3), limit=10)] == [
            "s1"
        ]
        sent.resolved("p1", "Royal Mail")
        sent.confirm(["pkg-1"], at(3))
        assert sent.request_tracking_change("RM2", "Royal Mail", at(4))
        await uow.shipments.update(sent)
        await uow.commit()
    async with backend.new_uow() as uow:
        again = await uow.shipments.find(ShopId(SHOP), "s1")
        assert again is not None and again.package_ids == ("pkg-1",) and again.confirmed_at == at(3)
        assert (
            again.tracking_change is not None and again.tracking_change.state is TrackingUpdateState.PENDING
        )
        assert [s.shipment_id for s in await uow.shipments.due(at(4), limit=10)] == ["s1"]


async def test_blocked_shipments_and_the_imported_order_are_found(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    async with backend.new_uow() as uow:
        await uow.orders.add(imported_order(ORDER))
        blocked = shipment()
        await uow.shipments.add(blocked)
        await uow.commit()
    async with backend.new_uow() as uow:
        current = await uow.shipments.find(ShopId(SHOP), "s1")
        assert current is not None
        current.claim(at(2))
        current.block("carrier 'Yodel' has no TikTok shipping provider", at(2))
        await uow.shipments.update(current)
        await uow.commit()
    async with backend.new_uow() as uow:
        assert [s.blocked_reason for s in await uow.shipments.blocked(ShopId(SHOP))] == [
            "carrier 'Yodel' has no TikTok shipping provider"
        ]
        assert await uow.shipments.imported_order(AppId(APP), ShoplineOrderId("sl-1")) == (
            ShopId(SHOP),
            ORDER,
        )
        assert await uow.shipments.imported_order(AppId(APP), ShoplineOrderId("sl-2")) is None


async def test_mappings_providers_and_own_fulfillments_are_kept(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    providers = (ShippingProvider("p1", "Royal Mail"), ShippingProvider("p2", "DPD"))
    async with backend.new_uow() as uow:
        await uow.carrier_mappings.put(ShopId(SHOP), CarrierMapping("yodel", "Yodel", "p2", "DPD", at(1)))
        await uow.carrier_mappings.put(
            ShopId(SHOP), CarrierMapping("yodel", "Yodel", "p1", "Royal Mail", at(2))
        )
        await uow.shipping_providers.put(CachedProviders(ShopId(SHOP), "opt-1", providers, at(1), "Standard"))
        await uow.shipping_providers.put(CachedProviders(ShopId(SHOP), "opt-2", (), at(1), "", True))
        await uow.own_shopline_fulfillments.record(AppId(APP), ShoplineOrderId("sl-1"), "F9", at(1))
        await uow.own_shopline_fulfillments.record(AppId(APP), ShoplineOrderId("sl-1"), "F9", at(2))
        await uow.commit()
    async with backend.new_uow() as uow:
        assert await uow.carrier_mappings.for_shop(ShopId(SHOP)) == {
            "yodel": CarrierMapping("yodel", "Yodel", "p1", "Royal Mail", at(2))
        }
        cached = await uow.shipping_providers.find(ShopId(SHOP), "opt-1")
        assert (
            cached is not None and cached.providers == providers and cached.delivery_option_name == "Standard"
        )
        await uow.shipping_providers.drop_others(ShopId(SHOP), ["opt-2"])
        assert [c.delivery_option_id for c in await uow.shipping_providers.for_shop(ShopId(SHOP))] == [
            "opt-2"
        ]
        assert await uow.own_shopline_fulfillments.created_by_us(AppId(APP), "F9")
        assert not await uow.own_shopline_fulfillments.created_by_us(AppId(APP), "F8")
