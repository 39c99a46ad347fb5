"""An order's shipping facts (fulfillment and shipping type, delivery option, SLA times, buyer
message, the masked recipient with its districts, each line's package) and the app's default
email survive a round trip through the fake, SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from domain.app import AppSettings
from domain.ids import AppId, OrderId
from domain.logistics import (
    AddressPart,
    FulfillmentType,
    LineShipment,
    OrderLogistics,
    RecipientAddress,
    ShippingType,
)
from domain.order import Order
from tests.integration.persistence.builders import APP, SHOP, at, order, seed, state_of


def _second(minutes: int) -> datetime:
    """TikTok's times are whole seconds, and are kept as such."""
    return at(minutes).replace(microsecond=0)


LOGISTICS = OrderLogistics(
    fulfillment_type=FulfillmentType.BY_SELLER,
    shipping_type=ShippingType.TIKTOK,
    delivery_option_id="7091146663855343361",
    delivery_option_name="Standard shipping",
    delivery_type="HOME_DELIVERY",
    warehouse_id="7068517275539719942",
    buyer_message="Ring twice — 二回",
    rts_sla_time=_second(24),
    tts_sla_time=_second(48),
    shipping_due_time=_second(72),
    collection_due_time=_second(80),
    delivery_due_time=_second(120),
    has_updated_recipient_address=True,
)
RECIPIENT = RecipientAddress(
    name="J*** D***",
    first_name="J***",
    last_name="D***",
    phone="(+44)77*****21",
    full_address="1*** H*** Street, Flat *, London, SW1A 1AA",
    address_detail="1*** H*** Street",
    address_lines=("1*** H*** Street", "Flat *"),
    postal_code="SW1A 1AA",
    region_code="GB",
    districts=(AddressPart("Country", "United Kingdom"), AddressPart("County", "Greater London")),
    post_town="London",
)
SHIPMENTS = (
    LineShipment("li-1", "pkg-1", "PROCESSING", "TT123", "prov-1", "Royal Mail"),
    LineShipment("li-2"),
)


def _with_logistics(base: Order, logistics: OrderLogistics = LOGISTICS) -> Order:
    state = state_of(base)
    return Order(
        order_id=base.id,
        app_id=base.app_id,
        shop_id=base.shop_id,
        tiktok_shop_id=base.tiktok_shop_id,
        status=base.status,
        currency=base.currency,
        total=base.total,
        lines=base.lines,
        buyer=base.buyer,
        create_time=base.create_time,
        update_time=base.update_time,
        first_seen_at=base.first_seen_at,
        amounts=state["amounts"],
        logistics=logistics,
        recipient=RECIPIENT,
        line_shipments=SHIPMENTS,
    )


async def test_shipping_facts_read_back_as_written(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    written = _with_logistics(order())
    fbt = _with_logistics(
        order("576461413038785999"), OrderLogistics(fulfillment_type=FulfillmentType.BY_TIKTOK)
    )
    async with backend.new_uow() as uow:
        await uow.orders.add(written)
        await uow.orders.add(fbt)
        await uow.commit()
    async with backend.new_uow() as uow:
        loaded = await uow.orders.get(SHOP, written.id)
        loaded_fbt = await uow.orders.get(SHOP, OrderId("576461413038785999"))
    assert loaded.logistics == LOGISTICS
    assert loaded.recipient == RECIPIENT
    assert loaded.line_shipments == SHIPMENTS
    assert loaded_fbt.fulfilled_by_tiktok and loaded_fbt.logistics.shipping_type is None
    assert state_of(loaded) == state_of(written)


async def test_the_default_email_reads_back_and_can_be_cleared(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    async with backend.new_uow() as uow:
        app = await uow.apps.get(AppId(APP))
        app.change_settings(replace(app.settings, default_email="orders@shop.example"), at(1))
        await uow.apps.update(app)
        await uow.commit()
    async with backend.new_uow() as uow:
        app = await uow.apps.get(AppId(APP))
        assert app.settings.default_email == "orders@shop.example"
        app.change_settings(replace(app.settings, default_email=""), at(2))
        await uow.apps.update(app)
        await uow.commit()
    async with backend.new_uow() as uow:
        assert (await uow.apps.get(AppId(APP))).settings == replace(AppSettings(), **_kept(app.settings))


def _kept(settings: AppSettings) -> dict[str, object]:
    return {name: getattr(settings, name) for name in ("auto_import_orders", "import_scope", "location_ids")}
