"""Seller shipping with fakes: SHOPLINE fulfillments (webhook, poll) and operators ship TikTok
orders through carrier mapping, exactly once, in every market's ship call."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from unittest.mock import Mock

import pytest

from domain.channel import ShopCredentials
from domain.errors import (
    InvalidArgument,
    OrderNotSellerShipped,
    PartnerRejected,
    ShipmentLinesUnavailable,
)
from domain.fulfillment import FulfillmentState, ShipmentState, TrackingUpdateState
from domain.ids import AppId, OrderId, ShopId
from domain.logistics import FulfillmentType, PackageStatus, ShippingType
from domain.secret import Secret
from services.fulfillment.mappings import MappingUpdate
from services.fulfillment.poll import FulfillmentPoll
from services.orders.handling import OrderQueries, OrderRef
from services.webhooks.reactions import WebhookReactions
from services.webhooks.shopline_events import ShoplineEventReactions
from tests.services.support_shipping import (
    DPD,
    EVRI,
    NINJA,
    ROYAL_MAIL,
    USPS,
    LosingAnswers,
    ShippingWorld,
    fulfillment_delivery,
)
from tests.services.support_tasks import APP, CIPHER, SHOP

GB_ORDER = "576461413038785752"
US_SHOP, US_CIPHER = "shop-us", "GCP_cipher_us"
SG_SHOP, SG_CIPHER = "shop-sg", "GCP_cipher_sg"


@pytest.fixture
async def world() -> ShippingWorld:
    world = ShippingWorld()
    await world.install()
    await world.add_market_shop("US", US_SHOP, US_CIPHER, "7000000000000000001")
    await world.add_market_shop("SG", SG_SHOP, SG_CIPHER, "7000000000000000002")
    return world


def reactions(world: ShippingWorld) -> WebhookReactions:
    shopline = ShoplineEventReactions(
        world.uow,
        world.clock,
        None,
        None,
        None,
        shipping=world.shipping,  # type: ignore[arg-type]
    )
    return WebhookReactions(Mock(), shopline, Mock())


async def fulfil(
    world: ShippingWorld,
    fid: str,
    store_order: str,
    lines: list[tuple[str, int]],
    tracking: str,
    carrier: str,
    topic: str = "fulfillments/create",
) -> None:
    await reactions(world).handle(fulfillment_delivery(topic, fid, store_order, lines, tracking, carrier))
    await world.send_due()


async def state_of(world: ShippingWorld, shop: str, order: str) -> tuple[FulfillmentState, str, str]:
    view = await OrderQueries(world.uow).get(OrderRef(AppId(APP), ShopId(shop), OrderId(order)))
    assert view.fulfillment is not None
    got = view.fulfillment.fulfillment
    return got.state, got.blocked_reason, got.carrier_to_map


def shipped_packages(world: ShippingWorld, cipher: str, order: str) -> list[tuple[str, ...]]:
    fake = world.fulfillment.orders[(cipher, OrderId(order))]
    return [
        (
            world.fulfillment.packages[p].package.tracking_number,
            world.fulfillment.packages[p].package.shipping_provider_id,
        )
        for p in fake.packages
        if world.fulfillment.packages[p].package.status is not PackageStatus.TO_FULFILL
    ]


async def test_a_gb_fulfillment_ships_the_order_with_the_name_matched_provider(world: ShippingWorld) -> None:
    store_order = await world.imported_order(SHOP, CIPHER, GB_ORDER, market="GB")
    lines = [(f"{store_order}-sku-1", 2), (f"{store_order}-sku-2", 1)]
    await fulfil(world, "F1", store_order, lines, "RM123456789GB", "Royal Mail")

    assert shipped_packages(world, CIPHER, GB_ORDER) == [("RM123456789GB", ROYAL_MAIL.provider_id)]
    assert world.fulfillment.calls.count("mark_package_shipped") == 1
    assert (await state_of(world, SHOP, GB_ORDER))[0] is FulfillmentState.SHIPPED


async def test_hermes_ships_as_evri_and_a_redelivered_webhook_ships_nothing_more(
    world: ShippingWorld,
) -> None:
    store_order = await world.imported_order(SHOP, CIPHER, GB_ORDER, market="GB")
    lines = [(f"{store_order}-sku-1", 2), (f"{store_order}-sku-2", 1)]
    await fulfil(world, "F1", store_order, lines, "H0001234", "Hermes")
    await fulfil(world, "F1", store_order, lines, "H0001234", "Hermes")

    assert shipped_packages(world, CIPHER, GB_ORDER) == [("H0001234", EVRI.provider_id)]
    assert world.fulfillment.calls.count("mark_package_shipped") == 1


async def test_an_unmapped_carrier_blocks_the_order_until_it_is_mapped_then_ships(
    world: ShippingWorld,
) -> None:
    store_order = await world.imported_order(SHOP, CIPHER, GB_ORDER, market="GB")
    lines = [(f"{store_order}-sku-1", 2), (f"{store_order}-sku-2", 1)]
    await fulfil(world, "F1", store_order, lines, "YD001234", "Yodel Direct")

    state, reason, carrier = await state_of(world, SHOP, GB_ORDER)
    assert state is FulfillmentState.FULFILLMENT_BLOCKED
    assert carrier == "Yodel Direct" and "Yodel Direct" in reason and "UpdateCarrierMapping" in reason
    assert "mark_package_shipped" not in world.fulfillment.calls

    await world.mappings.update(
        AppId(APP),
        ShopId(SHOP),
        "yodeldirect",
        MappingUpdate(
            "Yodel Direct", DPD.provider_id, ("carrier_name", "shipping_provider_id"), allow_missing=True
        ),
    )
    await world.send_due()

    assert shipped_packages(world, CIPHER, GB_ORDER) == [("YD001234", DPD.provider_id)]
    assert (await state_of(world, SHOP, GB_ORDER))[0] is FulfillmentState.SHIPPED


async def test_the_shop_default_provider_ships_an_unknown_carrier(world: ShippingWorld) -> None:
    store_order = await world.imported_order(SHOP, CIPHER, GB_ORDER, market="GB")
    await world.mappings.update(
        AppId(APP),
        ShopId(SHOP),
        "default",
        MappingUpdate("", DPD.provider_id, ("shipping_provider_id",), allow_missing=True),
    )
    await fulfil(
        world,
        "F1",
        store_order,
        [(f"{store_order}-sku-1", 2), (f"{store_order}-sku-2", 1)],
        "X0000001",
        "Other",
    )

    assert shipped_packages(world, CIPHER, GB_ORDER) == [("X0000001", DPD.provider_id)]


async def test_a_partial_fulfillment_ships_only_the_matching_units(world: ShippingWorld) -> None:
    store_order = await world.imported_order(SHOP, CIPHER, GB_ORDER, market="GB")
    await fulfil(world, "F1", store_order, [(f"{store_order}-sku-1", 1)], "RM000001", "Royal Mail")

    fake = world.fulfillment.orders[(CIPHER, OrderId(GB_ORDER))]
    [first] = fake.packages
    assert len(world.fulfillment.packages[first].package.line_item_ids) == 1
    assert (await state_of(world, SHOP, GB_ORDER))[0] is FulfillmentState.PARTIALLY_SHIPPED

    await fulfil(
        world,
        "F2",
        store_order,
        [(f"{store_order}-sku-1", 1), (f"{store_order}-sku-2", 1)],
        "RM000002",
        "Royal Mail",
    )
    assert sorted(shipped_packages(world, CIPHER, GB_ORDER)) == [
        ("RM000001", ROYAL_MAIL.provider_id),
        ("RM000002", ROYAL_MAIL.provider_id),
    ]
    assert (await state_of(world, SHOP, GB_ORDER))[0] is FulfillmentState.SHIPPED


@pytest.mark.parametrize(
    "market, shop, cipher", [("GB", SHOP, CIPHER), ("US", US_SHOP, US_CIPHER), ("SG", SG_SHOP, SG_CIPHER)]
)
async def test_lost_answers_on_every_ship_call_still_make_exactly_one_shipment(
    world: ShippingWorld, market: str, shop: str, cipher: str
) -> None:
    store_order = await world.imported_order(shop, cipher, GB_ORDER, market=market)
    world.tiktok_calls = LosingAnswers(world.fulfillment, "mark_package_shipped", "ship_package")
    carrier = {"GB": "Royal Mail", "US": "USPS", "SG": "Ninja Van"}[market]
    await fulfil(
        world,
        "F1",
        store_order,
        [(f"{store_order}-sku-1", 2), (f"{store_order}-sku-2", 1)],
        "TRK00001",
        carrier,
    )
    assert world.tiktok_calls.lost  # TikTok shipped, the answer never came
    world.clock.advance(timedelta(minutes=1))
    await world.send_due()

    provider = {"GB": ROYAL_MAIL, "US": USPS, "SG": NINJA}[market]
    assert shipped_packages(world, cipher, GB_ORDER) == [("TRK00001", provider.provider_id)]
    shipped_calls = [c for c in world.fulfillment.calls if c in ("mark_package_shipped", "ship_package")]
    assert len(shipped_calls) == 1
    assert (await state_of(world, shop, GB_ORDER))[0] is FulfillmentState.SHIPPED


async def test_an_already_shipped_answer_with_our_tracking_counts_as_shipped(world: ShippingWorld) -> None:
    store_order = await world.imported_order(SHOP, CIPHER, GB_ORDER, market="GB")
    fake = world.fulfillment
    # Someone shipped the order on TikTok with the same tracking number before our call.
    units = fake.orders[(CIPHER, OrderId(GB_ORDER))].line_item_ids
    await fake.mark_package_shipped(
        ShopCredentials(CIPHER, Secret("t")), OrderId(GB_ORDER), units, "RM000009", ROYAL_MAIL.provider_id
    )
    await fulfil(
        world,
        "F1",
        store_order,
        [(f"{store_order}-sku-1", 2), (f"{store_order}-sku-2", 1)],
        "RM000009",
        "Royal Mail",
    )

    async with world.uow() as uow:
        [shipment] = await uow.shipments.for_order(ShopId(SHOP), OrderId(GB_ORDER))
    assert shipment.state is ShipmentState.CONFIRMED


async def test_already_shipped_with_another_tracking_number_is_a_refusal(
    world: ShippingWorld,
) -> None:
    store_order = await world.imported_order(SHOP, CIPHER, GB_ORDER, market="GB")
    units = world.fulfillment.orders[(CIPHER, OrderId(GB_ORDER))].line_item_ids
    # The two sku-1 units were shipped on TikTok with another tracking number meanwhile.
    await world.fulfillment.mark_package_shipped(
        ShopCredentials(CIPHER, Secret("t")), OrderId(GB_ORDER), units[:2], "OTHER001", ROYAL_MAIL.provider_id
    )
    await fulfil(world, "F1", store_order, [(f"{store_order}-sku-1", 2)], "RM000009", "Royal Mail")

    async with world.uow() as uow:
        [shipment] = await uow.shipments.for_order(ShopId(SHOP), OrderId(GB_ORDER))
    assert shipment.state is ShipmentState.FAILED and shipment.failure_code == "21011040"
    assert "another tracking number" in shipment.failure_message
    state, reason, _ = await state_of(world, SHOP, GB_ORDER)
    assert state is FulfillmentState.FULFILLMENT_BLOCKED and "21011040" in reason


async def test_a_tracking_change_goes_to_tiktok_once(world: ShippingWorld) -> None:
    store_order = await world.imported_order(SHOP, CIPHER, GB_ORDER, market="GB")
    lines = [(f"{store_order}-sku-1", 2), (f"{store_order}-sku-2", 1)]
    await fulfil(world, "F1", store_order, lines, "RM000001", "Royal Mail")
    world.tiktok_calls = LosingAnswers(world.fulfillment, "update_shipping_info")
    await fulfil(world, "F1", store_order, lines, "RM000002", "Royal Mail", topic="fulfillments/update")
    world.clock.advance(timedelta(minutes=1))
    world.tiktok_calls = world.fulfillment
    await fulfil(world, "F1", store_order, lines, "RM000002", "Royal Mail", topic="fulfillments/update")
    assert shipped_packages(world, CIPHER, GB_ORDER) == [("RM000002", ROYAL_MAIL.provider_id)]

    await fulfil(world, "F1", store_order, lines, "RM000003", "Royal Mail", topic="fulfillments/update")
    assert shipped_packages(world, CIPHER, GB_ORDER) == [("RM000002", ROYAL_MAIL.provider_id)]
    async with world.uow() as uow:
        [shipment] = await uow.shipments.for_order(ShopId(SHOP), OrderId(GB_ORDER))
    assert shipment.tracking_number == "RM000002"
    assert (
        shipment.tracking_change is not None and shipment.tracking_change.state is TrackingUpdateState.REFUSED
    )
    # The lost call and its retry (refused as "updated already", read back); RM3 never left.
    assert world.fulfillment.calls.count("update_shipping_info") == 2
    [package] = world.fulfillment.orders[(CIPHER, OrderId(GB_ORDER))].packages
    assert world.fulfillment.packages[package].info_updates == 1


async def test_tiktok_shipping_and_fbt_orders_are_left_alone(world: ShippingWorld) -> None:
    tiktok_shipped = await world.imported_order(
        SHOP, CIPHER, "1001", market="GB", shipping_type=ShippingType.TIKTOK
    )
    fbt = await world.imported_order(
        SHOP, CIPHER, "1002", market="GB", fulfillment_type=FulfillmentType.BY_TIKTOK
    )
    for store_order in (tiktok_shipped, fbt):
        await fulfil(
            world, f"F-{store_order}", store_order, [(f"{store_order}-sku-1", 1)], "RM000001", "Royal Mail"
        )
    assert "mark_package_shipped" not in world.fulfillment.calls
    async with world.uow() as uow:
        assert await uow.shipments.for_order(ShopId(SHOP), OrderId("1001")) == []


async def test_our_own_fulfillments_are_echoes(world: ShippingWorld) -> None:
    store_order = await world.imported_order(SHOP, CIPHER, GB_ORDER, market="GB")
    async with world.uow() as uow:
        await uow.own_shopline_fulfillments.record(AppId(APP), store_order, "F-OURS", world.clock.now())
        await uow.commit()
    await fulfil(world, "F-OURS", store_order, [(f"{store_order}-sku-1", 2)], "RM000001", "Royal Mail")
    assert "mark_package_shipped" not in world.fulfillment.calls


async def test_the_poll_ships_a_fulfillment_whose_webhook_was_missed(world: ShippingWorld) -> None:
    store_order = await world.imported_order(SHOP, CIPHER, GB_ORDER, market="GB")
    shipping = world.shipping
    from domain.channel import ShoplineCredentials
    from domain.logistics import FulfillmentLine, NewFulfillment, TrackingInfo
    from domain.secret import Secret

    await world.store_fulfillments.create_fulfillment(
        ShoplineCredentials("maomao-store", Secret("t")),
        store_order,
        NewFulfillment(
            (FulfillmentLine(f"{store_order}-sku-1", 2),), (TrackingInfo("Royal Mail", "RM000005"),)
        ),
    )
    recorded = await FulfillmentPoll(world.uow, world.store_fulfillments, shipping).imported_orders_updated(
        AppId(APP), [store_order]
    )
    await world.send_due()
    assert recorded == 1
    assert shipped_packages(world, CIPHER, GB_ORDER) == [("RM000005", ROYAL_MAIL.provider_id)]


async def test_an_operator_ships_by_provider_id_and_sees_tiktok_refusals(world: ShippingWorld) -> None:
    await world.imported_order(US_SHOP, US_CIPHER, "2001", market="US")
    shipment = await world.shipping.ship_manually(
        AppId(APP), ShopId(US_SHOP), OrderId("2001"), tracking_number="9400100", provider_id=USPS.provider_id
    )
    assert shipment.state is ShipmentState.CONFIRMED
    again = await world.shipping.ship_manually(
        AppId(APP),
        ShopId(US_SHOP),
        OrderId("2001"),
        tracking_number="9400100",
        provider_id=USPS.provider_id,
        line_item_ids=shipment.line_item_ids,
    )
    assert again.shipment_id == shipment.shipment_id
    assert world.fulfillment.calls.count("mark_package_shipped") == 1

    await world.imported_order(US_SHOP, US_CIPHER, "2002", market="US")
    with pytest.raises(PartnerRejected) as refused:
        await world.shipping.ship_manually(
            AppId(APP),
            ShopId(US_SHOP),
            OrderId("2002"),
            tracking_number="9400200",
            provider_id="not-a-provider",
        )
    assert refused.value.code == "21011022"


async def test_manual_shipping_checks_its_input(world: ShippingWorld) -> None:
    await world.imported_order(US_SHOP, US_CIPHER, "2001", market="US")
    ship = world.shipping.ship_manually
    with pytest.raises(InvalidArgument) as bad:
        await ship(AppId(APP), ShopId(US_SHOP), OrderId("2001"), tracking_number="", carrier_name="USPS")
    assert bad.value.field == "tracking_number"
    with pytest.raises(InvalidArgument) as bad:
        await ship(
            AppId(APP), ShopId(US_SHOP), OrderId("2001"), tracking_number="A-000001", carrier_name="USPS"
        )
    assert bad.value.field == "tracking_number"
    with pytest.raises(InvalidArgument) as bad:
        await ship(AppId(APP), ShopId(US_SHOP), OrderId("2001"), tracking_number="A0000001")
    assert bad.value.field == "carrier_name"
    with pytest.raises(InvalidArgument) as bad:
        await ship(
            AppId(APP),
            ShopId(US_SHOP),
            OrderId("2001"),
            tracking_number="A0000001",
            carrier_name="USPS",
            line_item_ids=["nope"],
        )
    assert bad.value.field == "line_item_ids"
    await world.imported_order(US_SHOP, US_CIPHER, "2003", market="US", shipping_type=ShippingType.TIKTOK)
    with pytest.raises(OrderNotSellerShipped):
        await ship(
            AppId(APP), ShopId(US_SHOP), OrderId("2003"), tracking_number="A0000001", carrier_name="USPS"
        )
    await ship(AppId(APP), ShopId(US_SHOP), OrderId("2001"), tracking_number="A0000001", carrier_name="USPS")
    with pytest.raises(ShipmentLinesUnavailable):
        await ship(
            AppId(APP), ShopId(US_SHOP), OrderId("2001"), tracking_number="A0000002", carrier_name="USPS"
        )


async def test_a_repeated_ship_order_request_answers_its_first_shipment(world: ShippingWorld) -> None:
    await world.imported_order(US_SHOP, US_CIPHER, "2001", market="US")
    request = "0d5e7c1a-3b52-4f0e-8a61-5c2d9e7b4f30"
    first = await world.shipping.ship_manually(
        AppId(APP),
        ShopId(US_SHOP),
        OrderId("2001"),
        tracking_number="9400100",
        carrier_name="USPS",
        request_id=request,
    )
    again = await world.shipping.ship_manually(
        AppId(APP),
        ShopId(US_SHOP),
        OrderId("2001"),
        tracking_number="9400100",
        carrier_name="USPS",
        request_id=request,
    )
    assert again.shipment_id == first.shipment_id and again.state is ShipmentState.CONFIRMED
    assert world.fulfillment.calls.count("mark_package_shipped") == 1


async def test_custom_item_lines_match_their_tiktok_sku_by_position(world: ShippingWorld) -> None:
    store_order = await world.imported_order(SHOP, CIPHER, GB_ORDER, market="GB")
    # Imported as custom items: SHOPLINE knows neither variant nor SKU code of the lines.
    world.store_lines[store_order] = [
        replace(line, sku="", variant_id="") for line in world.store_lines[store_order]
    ]
    await fulfil(world, "F1", store_order, [(f"{store_order}-sku-2", 1)], "RM000001", "Royal Mail")

    [package] = world.fulfillment.orders[(CIPHER, OrderId(GB_ORDER))].packages
    assert world.fulfillment.packages[package].package.line_item_ids == ("li-sku-2-0",)


async def test_a_repeated_mapping_update_changes_nothing_more(world: ShippingWorld) -> None:
    change = MappingUpdate(
        "Yodel",
        DPD.provider_id,
        ("carrier_name", "shipping_provider_id"),
        allow_missing=True,
        request_id="0d5e7c1a-3b52-4f0e-8a61-5c2d9e7b4f31",
    )
    first = await world.mappings.update(AppId(APP), ShopId(SHOP), "yodel", change)
    world.clock.advance(timedelta(minutes=5))
    again = await world.mappings.update(AppId(APP), ShopId(SHOP), "yodel", change)
    assert again == first
    with pytest.raises(InvalidArgument) as bad:
        await world.mappings.update(
            AppId(APP), ShopId(SHOP), "yodel", MappingUpdate("Royal Mail", DPD.provider_id, ("carrier_name",))
        )
    assert bad.value.field == "carrier_mapping.carrier_name"
    with pytest.raises(InvalidArgument) as bad:
        await world.mappings.update(
            AppId(APP),
            ShopId(SHOP),
            "evri",
            MappingUpdate("Evri", "not-offered", ("shipping_provider_id",), True),
        )
    assert bad.value.field == "carrier_mapping.shipping_provider_id"


async def test_a_delivery_option_not_synced_yet_is_read_from_tiktok(world: ShippingWorld) -> None:
    store_order = await world.imported_order(SHOP, CIPHER, GB_ORDER, market="GB", synced_option="")
    await fulfil(
        world,
        "F1",
        store_order,
        [(f"{store_order}-sku-1", 2), (f"{store_order}-sku-2", 1)],
        "RM000001",
        "Royal Mail",
    )
    assert shipped_packages(world, CIPHER, GB_ORDER) == [("RM000001", ROYAL_MAIL.provider_id)]


async def test_a_singapore_shipment_waits_while_tiktok_shows_no_package(world: ShippingWorld) -> None:
    store_order = await world.imported_order(SG_SHOP, SG_CIPHER, GB_ORDER, market="SG")
    fake = world.fulfillment.orders[(SG_CIPHER, OrderId(GB_ORDER))]
    packed, fake.packages = fake.packages, []
    lines = [(f"{store_order}-sku-1", 2), (f"{store_order}-sku-2", 1)]
    await fulfil(world, "F1", store_order, lines, "NV000001", "Ninja Van")
    async with world.uow() as uow:
        [waiting] = await uow.shipments.for_order(ShopId(SG_SHOP), OrderId(GB_ORDER))
    assert waiting.state is ShipmentState.PENDING and waiting.next_attempt_at is not None

    fake.packages = packed
    world.clock.advance(timedelta(minutes=1))
    await world.send_due()
    assert shipped_packages(world, SG_CIPHER, GB_ORDER) == [("NV000001", NINJA.provider_id)]


async def test_a_tracking_number_corrected_after_tiktok_refused_it_ships(world: ShippingWorld) -> None:
    store_order = await world.imported_order(SHOP, CIPHER, GB_ORDER, market="GB")
    lines = [(f"{store_order}-sku-1", 2), (f"{store_order}-sku-2", 1)]
    await fulfil(world, "F1", store_order, lines, "RM1", "Royal Mail")  # too short: TikTok refuses it
    state, reason, _ = await state_of(world, SHOP, GB_ORDER)
    assert state is FulfillmentState.FULFILLMENT_BLOCKED and "21011022" in reason

    await fulfil(world, "F1", store_order, lines, "RM000001", "Royal Mail", topic="fulfillments/update")

    assert shipped_packages(world, CIPHER, GB_ORDER) == [("RM000001", ROYAL_MAIL.provider_id)]
    assert (await state_of(world, SHOP, GB_ORDER))[0] is FulfillmentState.SHIPPED
    async with world.uow() as uow:
        states = [s.state for s in await uow.shipments.for_order(ShopId(SHOP), OrderId(GB_ORDER))]
    assert states == [ShipmentState.REPLACED, ShipmentState.CONFIRMED]
