"""Seller shipping end to end, for a US, a GB and an SG shop: the merchant fulfils an imported
order in the SHOPLINE admin, SHOPLINE's signed webhook reaches the HTTP edge, and TikTok's package
ships with the mapped provider (Mark Package As Shipped in the US and UK, Ship Package with
``self_shipment`` in Singapore); an unmapped carrier blocks until it is mapped through gRPC; a
partial fulfillment ships its units only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import grpc
import pytest
from google.protobuf import field_mask_pb2
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from domain.fulfillment import ShipmentState
from domain.ids import OrderId, ShopId
from multichannel.v1 import (
    app_pb2,
    app_pb2_grpc,
    order_pb2,
    order_pb2_grpc,
    shipping_pb2,
    shop_pb2,
    shop_pb2_grpc,
    task_pb2,
    task_pb2_grpc,
)
from tests.e2e.conftest import Harness
from tests.e2e.installation import completion_request

# The carrier each market's merchant writes in SHOPLINE, the TikTok provider it must become, and
# a tracking number of that carrier's form.
MARKETS = {
    "US": ("USPS", "7117858858072016686", "9400111202555842761000"),
    "GB": ("Royal Mail", "7129736154391332613", "AB123456789GB"),
    "SG": ("Ninja Van", "7091154282542663426", "NVSG0001234567"),
}


@pytest.fixture
def sandbox_size() -> str:
    return "tiny"


@pytest.fixture
def webhooks_to_edge() -> bool:
    return True


@dataclass
class Market:
    harness: Harness
    app: str
    shop: str
    tiktok_shop_id: str
    handle: str

    @property
    def control(self) -> Any:
        return self.harness.sandbox.control

    @property
    def orders(self) -> order_pb2_grpc.OrderServiceStub:
        return order_pb2_grpc.OrderServiceStub(self.harness.channel)

    async def settle(self) -> None:
        """Every due webhook sent to the edge and acted on, and the shipments it made sent."""
        jobs = self.harness.container.jobs
        for _ in range(3):  # a webhook's reaction may make more work for the next round
            await self.control.deliver_webhooks()
            await jobs.inbox_drain().idle()
            await jobs.shipment_sender().sweep()

    async def seller_shipped_order(self, units: list[tuple[str, int]]) -> tuple[str, str]:
        """A paid order the seller ships with its own carrier, synced and imported into SHOPLINE."""
        order_id = str(
            self.control.create_order(self.tiktok_shop_id, units, status="AWAITING_SHIPMENT")["id"]
        )
        self.control.set_order_logistics(self.tiktok_shop_id, order_id, shipping_type="SELLER")
        await self.sync()
        order = await self.get(order_id)
        assert order.shopline_import.state == order_pb2.IMPORT_STATE_IMPORTED, order.shopline_import.reason
        assert order.fulfillment.shipping_type == shipping_pb2.SHIPPING_TYPE_SELLER
        assert order.fulfillment.state == shipping_pb2.FULFILLMENT_STATE_UNFULFILLED
        return order_id, order.shopline_import.shopline_order_id

    async def sync(self) -> None:
        started = await self.orders.SyncOrders(order_pb2.SyncOrdersRequest(parent=self.shop))
        finished = await _watch_to_end(self.harness, started.task.name)
        assert finished.state == task_pb2.TASK_STATE_SUCCEEDED, finished.failure_reason

    async def get(self, order_id: str) -> order_pb2.Order:
        return (
            await self.orders.GetOrder(order_pb2.GetOrderRequest(name=f"{self.shop}/orders/{order_id}"))
        ).order

    def tiktok_packages(self, order_id: str) -> list[dict[str, Any]]:
        return list(self.control.tiktok_order_shipping(self.tiktok_shop_id, order_id)["packages"])

    def store_lines(self, shopline_order_id: str) -> list[Any]:
        return list(self.control.shopline.store(self.handle).orders[shopline_order_id].lines)


async def _watch_to_end(harness: Harness, task_name: str) -> task_pb2.Task:
    tasks = task_pb2_grpc.TaskServiceStub(harness.channel)
    last = None
    async for event in tasks.WatchTask(task_pb2.WatchTaskRequest(name=task_name), timeout=60):
        if event.HasField("task"):
            last = event.task
    assert last is not None
    return last


async def _market(harness: Harness, region: str) -> Market:
    """The app installed (every order imported, unlinked lines as custom items) and one shop of
    ``region`` authorized and imported."""
    control = harness.sandbox.control
    handle = harness.sandbox.shopline_handle
    apps = app_pb2_grpc.AppServiceStub(harness.channel)
    started = await apps.StartInstallation(app_pb2.StartInstallationRequest(store_handle=handle))
    callback = control.install_shopline(handle, authorization_url=started.authorization_url)["params"]
    app = (await apps.CompleteInstallation(completion_request(callback))).app.name
    await apps.UpdateApp(
        app_pb2.UpdateAppRequest(
            app=app_pb2.App(
                name=app,
                settings=app_pb2.AppSettings(
                    auto_import_orders=True,
                    order_import_scope=app_pb2.ORDER_IMPORT_SCOPE_ALL_WITH_CUSTOM_ITEMS,
                ),
            ),
            update_mask=field_mask_pb2.FieldMask(
                paths=["settings.auto_import_orders", "settings.order_import_scope"]
            ),
        )
    )
    tiktok_shop_id = str(control.create_shop(region, products=3, orders=0)["id"])
    shops = shop_pb2_grpc.ShopServiceStub(harness.channel)
    authorization = await shops.StartAuthorization(
        shop_pb2.StartAuthorizationRequest(parent=app, region_code=region)
    )
    code = control.grant_authorization([tiktok_shop_id])["code"]
    outcome = await shops.CompleteAuthorization(
        shop_pb2.CompleteAuthorizationRequest(parent=app, state=authorization.state, code=code)
    )
    imported = await _watch_to_end(harness, outcome.history_import_tasks[0])
    assert imported.state == task_pb2.TASK_STATE_SUCCEEDED, imported.failure_reason
    market = Market(harness, app, outcome.shops[0].name, tiktok_shop_id, handle)
    await market.settle()
    return market


def _units(market: Market, *quantities: int) -> list[tuple[str, int]]:
    skus = market.control.sample_skus(market.tiktok_shop_id, len(quantities), active_only=True)
    return [(str(sku["id"]), quantity) for sku, quantity in zip(skus, quantities, strict=True)]


@pytest.mark.parametrize("region", ["US", "GB", "SG"])
async def test_a_shopline_fulfillment_ships_the_tiktok_package_with_the_mapped_provider(
    harness: Harness, region: str
) -> None:
    market = await _market(harness, region)
    carrier, provider_id, tracking = MARKETS[region]
    order_id, shopline_order_id = await market.seller_shipped_order(_units(market, 2, 1))

    market.control.fulfill_shopline_order(
        market.handle, shopline_order_id, tracking_company=carrier, tracking_number=tracking
    )
    await market.settle()

    packages = market.tiktok_packages(order_id)
    shipped = [p for p in packages if p.get("tracking_number")]
    assert [(p["tracking_number"], p["shipping_provider_id"]) for p in shipped] == [(tracking, provider_id)]
    order = await market.get(order_id)
    assert order.fulfillment.state == shipping_pb2.FULFILLMENT_STATE_SHIPPED
    [package] = [p for p in order.fulfillment.packages if p.tracking_number]
    assert package.tracking_number == tracking and len(package.line_item_ids) == 3


@pytest.mark.parametrize("region", ["US", "GB", "SG"])
async def test_an_unmapped_carrier_blocks_the_order_until_it_is_mapped(harness: Harness, region: str) -> None:
    market = await _market(harness, region)
    _, provider_id, tracking = MARKETS[region]
    order_id, shopline_order_id = await market.seller_shipped_order(_units(market, 1))

    market.control.fulfill_shopline_order(
        market.handle, shopline_order_id, tracking_company="Speedy Local Couriers", tracking_number=tracking
    )
    await market.settle()
    blocked = await market.get(order_id)
    assert blocked.fulfillment.state == shipping_pb2.FULFILLMENT_STATE_FULFILLMENT_BLOCKED
    assert blocked.fulfillment.carrier_name == "Speedy Local Couriers"
    assert "UpdateCarrierMapping" in blocked.fulfillment.blocked_reason
    assert not [p for p in market.tiktok_packages(order_id) if p.get("tracking_number")]

    listed = await market.orders.ListShippingProviders(
        order_pb2.ListShippingProvidersRequest(parent=market.shop)
    )
    offered = {
        p.shipping_provider_id for option in listed.delivery_options for p in option.shipping_providers
    }
    assert provider_id in offered
    mapped = await market.orders.UpdateCarrierMapping(
        order_pb2.UpdateCarrierMappingRequest(
            carrier_mapping=shipping_pb2.CarrierMapping(
                name=f"{market.shop}/carrierMappings/speedylocalcouriers",
                carrier_name="Speedy Local Couriers",
                shipping_provider_id=provider_id,
            ),
            update_mask=field_mask_pb2.FieldMask(paths=["carrier_name", "shipping_provider_id"]),
            allow_missing=True,
        )
    )
    assert mapped.carrier_mapping.shipping_provider_name
    await market.settle()

    shipped = [p for p in market.tiktok_packages(order_id) if p.get("tracking_number")]
    assert [(p["tracking_number"], p["shipping_provider_id"]) for p in shipped] == [(tracking, provider_id)]
    assert (await market.get(order_id)).fulfillment.state == shipping_pb2.FULFILLMENT_STATE_SHIPPED
    mappings = await market.orders.ListCarrierMappings(
        order_pb2.ListCarrierMappingsRequest(parent=market.shop)
    )
    assert [m.name for m in mappings.carrier_mappings] == [
        f"{market.shop}/carrierMappings/speedylocalcouriers"
    ]


@pytest.mark.parametrize("region", ["US", "GB"])
async def test_a_partial_fulfillment_ships_only_its_units(harness: Harness, region: str) -> None:
    market = await _market(harness, region)
    carrier, provider_id, tracking = MARKETS[region]
    order_id, shopline_order_id = await market.seller_shipped_order(_units(market, 2, 1))
    first_line = market.store_lines(shopline_order_id)[0]

    market.control.fulfill_shopline_order(
        market.handle,
        shopline_order_id,
        lines=[[first_line.id, 1]],
        tracking_company=carrier,
        tracking_number=tracking,
    )
    await market.settle()

    [shipped] = [p for p in market.tiktok_packages(order_id) if p.get("tracking_number")]
    assert shipped["shipping_provider_id"] == provider_id
    assert (
        len(shipped["line_item_ids"] if "line_item_ids" in shipped else shipped["order_line_item_ids"]) == 1
    )
    assert (await market.get(order_id)).fulfillment.state == shipping_pb2.FULFILLMENT_STATE_PARTIALLY_SHIPPED


async def test_manual_shipping_refused_by_tiktok_names_its_code(harness: Harness) -> None:
    market = await _market(harness, "US")
    order_id, _ = await market.seller_shipped_order(_units(market, 1))
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await market.orders.ShipOrder(
            order_pb2.ShipOrderRequest(
                name=f"{market.shop}/orders/{order_id}",
                tracking_number="9400111202555842761000",
                shipping_provider_id="7129736154391332613",  # Royal Mail: not offered in the US
            )
        )
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    info = _error_info(refused.value)
    assert info.metadata["partner"] == "tiktok" and info.metadata["code"] and info.metadata["message"]

    with pytest.raises(grpc.aio.AioRpcError) as bad:
        await market.orders.ShipOrder(
            order_pb2.ShipOrderRequest(
                name=f"{market.shop}/orders/{order_id}", tracking_number="94-00", carrier_name="USPS"
            )
        )
    assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert _violations(bad.value) == ["tracking_number"]

    shipped = await market.orders.ShipOrder(
        order_pb2.ShipOrderRequest(
            name=f"{market.shop}/orders/{order_id}",
            tracking_number="9400111202555842761000",
            carrier_name="USPS",
        )
    )
    assert shipped.order.fulfillment.state == shipping_pb2.FULFILLMENT_STATE_SHIPPED


def _error_info(error: grpc.aio.AioRpcError) -> error_details_pb2.ErrorInfo:
    status = rpc_status.from_call(error)
    assert status is not None
    for detail in status.details:
        info = error_details_pb2.ErrorInfo()
        if detail.Unpack(info):
            return info
    raise AssertionError("no ErrorInfo")


def _violations(error: grpc.aio.AioRpcError) -> list[str]:
    status = rpc_status.from_call(error)
    assert status is not None
    fields = []
    for detail in status.details:
        bad = error_details_pb2.BadRequest()
        if detail.Unpack(bad):
            fields += [violation.field for violation in bad.field_violations]
    return fields


async def test_a_partial_fulfillment_in_singapore_waits_for_the_rest_of_its_package(harness: Harness) -> None:
    """Ship Package ships whole packages, and TikTok packs the order in one: shipping one unit
    alone would ship them all, so the order shows why it waits instead."""
    market = await _market(harness, "SG")
    carrier, _, tracking = MARKETS["SG"]
    order_id, shopline_order_id = await market.seller_shipped_order(_units(market, 2, 1))
    first_line = market.store_lines(shopline_order_id)[0]

    market.control.fulfill_shopline_order(
        market.handle,
        shopline_order_id,
        lines=[[first_line.id, 1]],
        tracking_company=carrier,
        tracking_number=tracking,
    )
    await market.settle()

    assert not [p for p in market.tiktok_packages(order_id) if p.get("tracking_number")]
    order = await market.get(order_id)
    assert order.fulfillment.state == shipping_pb2.FULFILLMENT_STATE_FULFILLMENT_BLOCKED
    assert "split the package" in order.fulfillment.blocked_reason


async def test_a_changed_tracking_number_reaches_tiktok_once(harness: Harness) -> None:
    market = await _market(harness, "GB")
    carrier, _, tracking = MARKETS["GB"]
    order_id, shopline_order_id = await market.seller_shipped_order(_units(market, 1))
    created = market.control.fulfill_shopline_order(
        market.handle, shopline_order_id, tracking_company=carrier, tracking_number=tracking
    )
    await market.settle()

    def retrack(number: str) -> None:
        market.control.update_shopline_fulfillment_tracking(
            market.handle,
            shopline_order_id,
            str(created["id"]),
            [{"tracking_company": carrier, "tracking_number": number}],
        )

    retrack("CD987654321GB")
    await market.settle()
    [shipped] = [p for p in market.tiktok_packages(order_id) if p.get("tracking_number")]
    assert shipped["tracking_number"] == "CD987654321GB"

    retrack("EF555555555GB")
    await market.settle()
    [shipped] = [p for p in market.tiktok_packages(order_id) if p.get("tracking_number")]
    assert shipped["tracking_number"] == "CD987654321GB"
    order = await market.get(order_id)
    [package] = [p for p in order.fulfillment.packages if p.tracking_number]
    assert package.tracking_number == "CD987654321GB"
    assert "EF555555555GB" in package.tracking_update_error


async def test_bad_shipping_requests_name_their_field_and_a_missing_mapping_is_not_found(
    harness: Harness,
) -> None:
    market = await _market(harness, "GB")
    orders = market.orders
    mapping = f"{market.shop}/carrierMappings/yodel"

    async def field_of(call: Any) -> str:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await call
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT, caught.value.details()
        [field] = _violations(caught.value)
        return field

    def update(name: str, paths: list[str], provider: str = "7129736313535514373", **more: Any) -> Any:
        return orders.UpdateCarrierMapping(
            order_pb2.UpdateCarrierMappingRequest(
                carrier_mapping=shipping_pb2.CarrierMapping(name=name, shipping_provider_id=provider, **more),
                update_mask=field_mask_pb2.FieldMask(paths=paths),
                allow_missing=True,
            )
        )

    assert await field_of(
        update(f"{market.shop}/carrierMappings/Yodel Direct", ["shipping_provider_id"])
    ) == ("carrier_mapping.name")
    assert await field_of(update(mapping, ["provider"])) == "update_mask"
    assert await field_of(update(mapping, ["shipping_provider_id"], provider="0")) == (
        "carrier_mapping.shipping_provider_id"
    )
    assert await field_of(update(mapping, ["carrier_name"], carrier_name="Royal Mail")) == (
        "carrier_mapping.carrier_name"
    )
    assert (
        await field_of(
            orders.ListShippingProviders(
                order_pb2.ListShippingProvidersRequest(parent=market.shop, page_size=-1)
            )
        )
        == "page_size"
    )
    assert await field_of(
        orders.ListCarrierMappings(order_pb2.ListCarrierMappingsRequest(parent="shops/x"))
    ) == ("parent")
    assert (
        await field_of(
            orders.ShipOrder(
                order_pb2.ShipOrderRequest(name=f"{market.shop}/orders/1", tracking_number="AB123456789GB")
            )
        )
        == "carrier_name"
    )

    with pytest.raises(grpc.aio.AioRpcError) as missing:
        await orders.UpdateCarrierMapping(
            order_pb2.UpdateCarrierMappingRequest(
                carrier_mapping=shipping_pb2.CarrierMapping(
                    name=mapping, shipping_provider_id="7129736313535514373"
                ),
                update_mask=field_mask_pb2.FieldMask(paths=["shipping_provider_id"]),
            )
        )
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.aio.AioRpcError) as unknown_order:
        await orders.ShipOrder(
            order_pb2.ShipOrderRequest(
                name=f"{market.shop}/orders/1", tracking_number="AB123456789GB", carrier_name="Royal Mail"
            )
        )
    assert unknown_order.value.code() == grpc.StatusCode.NOT_FOUND

    default = await update(f"{market.shop}/carrierMappings/default", ["shipping_provider_id"])
    assert default.carrier_mapping.shipping_provider_name == "DPD"
    listed = await orders.ListCarrierMappings(
        order_pb2.ListCarrierMappingsRequest(parent=market.shop, page_size=1)
    )
    assert [m.name for m in listed.carrier_mappings] == [f"{market.shop}/carrierMappings/default"]
    assert listed.next_page_token == ""


@pytest.mark.parametrize("region", ["US", "GB", "SG"])
async def test_a_lost_answer_to_the_ship_call_still_makes_exactly_one_shipment(
    harness: Harness, region: str
) -> None:
    market = await _market(harness, region)
    carrier, provider_id, tracking = MARKETS[region]
    order_id, shopline_order_id = await market.seller_shipped_order(_units(market, 2, 1))
    # TikTok ships the package, and its answer never arrives.
    market.control.add_fault("lost_response", service="tiktok", pattern="POST /fulfillment/*", count=1)

    market.control.fulfill_shopline_order(
        market.handle, shopline_order_id, tracking_company=carrier, tracking_number=tracking
    )
    await market.settle()
    # TikTok shipped; the answer did not arrive, so the shipment waits for its next attempt.
    assert [p["tracking_number"] for p in market.tiktok_packages(order_id) if p.get("tracking_number")] == [
        tracking
    ]
    async with harness.container.persistence.unit_of_work() as uow:
        [waiting] = await uow.shipments.for_order(ShopId(market.shop.rsplit("/", 1)[-1]), OrderId(order_id))
    assert waiting.state is ShipmentState.PENDING and waiting.attempts == 1
    harness.clock.advance(timedelta(minutes=1))  # past the retry's back-off
    await market.settle()

    shipped = [p for p in market.tiktok_packages(order_id) if p.get("tracking_number")]
    assert [(p["tracking_number"], p["shipping_provider_id"]) for p in shipped] == [(tracking, provider_id)]
    order = await market.get(order_id)
    assert order.fulfillment.state == shipping_pb2.FULFILLMENT_STATE_SHIPPED
    async with harness.container.persistence.unit_of_work() as uow:
        [confirmed] = await uow.shipments.for_order(ShopId(market.shop.rsplit("/", 1)[-1]), OrderId(order_id))
    assert confirmed.state is ShipmentState.CONFIRMED and confirmed.attempts == 2
