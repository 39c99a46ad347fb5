"""TikTok shipping end to end, for an SG and a US shop: an operator arranges TikTok's shipment of
an imported order through gRPC (a handover in Singapore, a label bought for a parcel in the US),
TikTok issues the tracking number, and the SHOPLINE order gets one fulfillment carrying it; the
``fulfillments/create`` webhook that follows is our own echo and ships nothing back to TikTok."""

from __future__ import annotations

import grpc
import pytest
from google.protobuf import field_mask_pb2

from multichannel.v1 import app_pb2, app_pb2_grpc, order_pb2, shipping_pb2
from tests.e2e.conftest import Harness
from tests.e2e.test_seller_shipping import Market, _market, _units

DEFAULT_EMAIL = "orders@store.example"


@pytest.fixture
def sandbox_size() -> str:
    return "tiny"


@pytest.fixture
def webhooks_to_edge() -> bool:
    return True


async def _tiktok_shipped_order(market: Market) -> tuple[str, str]:
    """A paid order TikTok's logistics carry, synced and imported into SHOPLINE."""
    apps = app_pb2_grpc.AppServiceStub(market.harness.channel)
    await apps.UpdateApp(  # TikTok hides the buyer's email on such orders
        app_pb2.UpdateAppRequest(
            app=app_pb2.App(name=market.app, settings=app_pb2.AppSettings(default_email=DEFAULT_EMAIL)),
            update_mask=field_mask_pb2.FieldMask(paths=["settings.default_email"]),
        )
    )
    control = market.control
    order_id = str(
        control.create_order(market.tiktok_shop_id, _units(market, 2, 1), status="AWAITING_SHIPMENT")["id"]
    )
    control.set_order_logistics(market.tiktok_shop_id, order_id, shipping_type="TIKTOK")
    await market.sync()
    order = await market.get(order_id)
    assert order.shopline_import.state == order_pb2.IMPORT_STATE_IMPORTED, order.shopline_import.reason
    assert order.fulfillment.shipping_type == shipping_pb2.SHIPPING_TYPE_TIKTOK
    return order_id, order.shopline_import.shopline_order_id


async def _settle(market: Market) -> None:
    for _ in range(3):
        await market.settle()
        await market.harness.container.jobs.shipment_mirror().sweep()


SHIPMENTS = {
    "SG": order_pb2.TikTokShipment(handover_method=order_pb2.HANDOVER_METHOD_DROP_OFF),
    "US": order_pb2.TikTokShipment(
        parcel=order_pb2.Parcel(
            weight="500",
            weight_unit=order_pb2.WEIGHT_UNIT_GRAM,
            length="20",
            width="15",
            height="5",
            dimension_unit=order_pb2.DIMENSION_UNIT_CM,
        )
    ),
}


@pytest.mark.parametrize("region", ["SG", "US"])
async def test_tiktok_shipping_arranged_through_grpc_becomes_one_shopline_fulfillment(
    harness: Harness, region: str
) -> None:
    market = await _market(harness, region)
    order_id, shopline_order_id = await _tiktok_shipped_order(market)
    name = f"{market.shop}/orders/{order_id}"

    shipped = await market.orders.ShipOrder(
        order_pb2.ShipOrderRequest(name=name, tiktok_shipment=SHIPMENTS[region])
    )
    assert shipped.order.fulfillment.state == shipping_pb2.FULFILLMENT_STATE_SHIPPED
    await _settle(market)
    # Again, as after a lost answer: nothing is shipped or mirrored twice.
    await market.orders.ShipOrder(order_pb2.ShipOrderRequest(name=name, tiktok_shipment=SHIPMENTS[region]))
    await _settle(market)

    (package,) = market.tiktok_packages(order_id)
    assert package["tracking_number"]
    (fulfillment,) = market.control.shopline.store(market.handle).orders[shopline_order_id].fulfillments
    assert [entry["tracking_number"] for entry in fulfillment.tracking] == [package["tracking_number"]]
    assert sum(quantity for _, quantity in fulfillment.lines) == 3
    order = await market.get(order_id)
    assert order.fulfillment.state == shipping_pb2.FULFILLMENT_STATE_SHIPPED

    label = await market.orders.GetShippingLabel(
        order_pb2.GetShippingLabelRequest(name=name, package_id=package["package_id"])
    )
    assert label.url.startswith("http") and label.tracking_number == package["tracking_number"]


async def test_tiktok_shipment_requests_name_their_bad_fields(harness: Harness) -> None:
    market = await _market(harness, "US")
    order_id, _ = await _tiktok_shipped_order(market)
    name = f"{market.shop}/orders/{order_id}"
    cases = {
        "tracking_number": order_pb2.ShipOrderRequest(
            name=name, tracking_number="X1", tiktok_shipment=SHIPMENTS["SG"]
        ),
        "tiktok_shipment.parcel": order_pb2.ShipOrderRequest(
            name=name, tiktok_shipment=order_pb2.TikTokShipment()
        ),
        "tiktok_shipment.parcel.weight": order_pb2.ShipOrderRequest(
            name=name,
            tiktok_shipment=order_pb2.TikTokShipment(
                parcel=order_pb2.Parcel(
                    weight="-1",
                    weight_unit=order_pb2.WEIGHT_UNIT_GRAM,
                    length="1",
                    width="1",
                    height="1",
                    dimension_unit=order_pb2.DIMENSION_UNIT_CM,
                )
            ),
        ),
    }
    for field, request in cases.items():
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await market.orders.ShipOrder(request)
        assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT, field
        assert field in (refused.value.details() or ""), (field, refused.value.details())
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await market.orders.GetShippingLabel(order_pb2.GetShippingLabelRequest(name=name, package_id="x"))
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
