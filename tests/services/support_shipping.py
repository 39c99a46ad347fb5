"""A world of fakes for seller shipping: an installed app with shops in several markets, orders
imported into SHOPLINE, TikTok's packages (the fulfillment fake) behind its order detail (the
channel fake), and answers that get lost after TikTok acted."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from domain.channel import TIKTOK, AuthorizedShop, ShopCredentials, TikTokOrderData, Warehouse
from domain.errors import PartnerUnavailable
from domain.ids import AppId, OrderId, ShopId, ShoplineOrderId, TikTokShopId
from domain.logistics import (
    DeliveryOption,
    FulfillmentType,
    LineShipment,
    OrderLogistics,
    ShippingProvider,
    ShippingType,
    ShoplineLineItem,
)
from domain.order import Order
from domain.shop import Region, SellerType, Shop, ShopIdentity
from domain.tokens import TikTokToken
from domain.webhooks import WebhookDelivery, WebhookSource
from services.fulfillment.mappings import CarrierMappings
from services.fulfillment.providers import ProviderCatalog
from services.fulfillment.resolution import CarrierResolver
from services.fulfillment.sender import ShipmentSender, ShipmentWakeup
from services.fulfillment.shipping import SellerShipping
from tests.fakes.fulfillment import FakeShoplineFulfillmentApi, FakeTikTokFulfillmentApi, FakeTikTokOrder
from tests.fakes.runtime import FakeIdGenerator
from tests.fakes.tiktok import FakeTikTokChannelApi
from tests.services.support_catalog import HANDLE, CatalogWorld
from tests.services.support_tasks import APP, CIPHER, NOW
from tests.unit.builders import order_data

OPTION = "delivery-option-standard"
WAREHOUSE = Warehouse("wh-1", "Main", "SALES_WAREHOUSE", "ENABLED", True)
ROYAL_MAIL = ShippingProvider("6617675021119438849", "Royal Mail - 24®/48® RM tracked")
EVRI = ShippingProvider("6617675021119438850", "Hermes/EVRI")
DPD = ShippingProvider("6617675021119438851", "DPD")
USPS = ShippingProvider("7117858858072016686", "USPS")
NINJA = ShippingProvider("7117858858072016690", "Ninja Van")


class PackagesInOrderDetail(FakeTikTokChannelApi):
    """Get Order Detail as TikTok answers it: each line item with its package and tracking."""

    def __init__(self, world: ShippingWorld) -> None:
        super().__init__(world.clock)
        self._world = world

    async def get_orders(
        self, credentials: ShopCredentials, order_ids: Sequence[OrderId]
    ) -> list[TikTokOrderData]:
        found = await super().get_orders(credentials, order_ids)
        return [self._with_packages(credentials.shop_cipher, data) for data in found]

    def _with_packages(self, cipher: str, data: TikTokOrderData) -> TikTokOrderData:
        order = self._world.fulfillment.orders.get((cipher, data.order_id))
        if order is None:
            return data
        by_line: dict[str, LineShipment] = {}
        for package_id in order.packages:
            package = self._world.fulfillment.packages[package_id].package
            for line in package.line_item_ids:
                by_line[line] = LineShipment(
                    line,
                    package.package_id,
                    package.status.value,
                    package.tracking_number,
                    package.shipping_provider_id,
                    package.shipping_provider_name,
                )
        lines = tuple(by_line.get(line, LineShipment(line)) for line in order.line_item_ids)
        return replace(data, line_shipments=lines, status=order.status)


class LosingAnswers:
    """Wraps a fake so that the named calls act and then their answer is lost (a timeout)."""

    def __init__(self, inner: Any, *names: str) -> None:
        self._inner = inner
        self._losing = set(names)
        self.lost: list[str] = []

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if name not in self._losing:
            return attribute

        async def acted_then_lost(*args: Any, **kwargs: Any) -> Any:
            await attribute(*args, **kwargs)
            self.lost.append(name)
            raise PartnerUnavailable(TIKTOK, "timeout", "the answer was lost")

        return acted_then_lost


@dataclass
class ShippingWorld(CatalogWorld):
    fulfillment: FakeTikTokFulfillmentApi = field(init=False)
    shipment_ids: FakeIdGenerator = field(default_factory=lambda: FakeIdGenerator("shipment"))
    wakeup: ShipmentWakeup = field(default_factory=ShipmentWakeup)
    tiktok_calls: Any = None
    """What the sender calls for TikTok's fulfillment API (the fake, or a wrapper of it)."""
    store_lines: dict[ShoplineOrderId, list[ShoplineLineItem]] = field(default_factory=dict)
    store_fulfillments: FakeShoplineFulfillmentApi = field(init=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.tiktok = PackagesInOrderDetail(self)
        self.fulfillment = FakeTikTokFulfillmentApi(self.clock)
        self.store_fulfillments = FakeShoplineFulfillmentApi(self.clock)
        self.tiktok_calls = self.fulfillment
        for provider in (ROYAL_MAIL, EVRI, DPD, USPS, NINJA):
            self.fulfillment.add_providers(OPTION, provider)
        self.fulfillment.options["wh-1"] = [DeliveryOption(OPTION, "Standard", "SEND_BY_SELLER")]

    async def install(self, currency: str = "GBP") -> None:
        await super().install(currency)
        self.tiktok.shop(CIPHER).warehouses = [WAREHOUSE]

    async def add_market_shop(self, region: str, shop_id: str, cipher: str, tiktok_shop_id: str) -> None:
        authorized = AuthorizedShop(TikTokShopId(tiktok_shop_id), cipher, region, "LOCAL", f"Shop {region}")
        code = f"code-{shop_id}"
        self.tiktok.add_authorization_code(code, [authorized])
        grant = await self.tiktok.exchange_code(code)
        self.tiktok.shop(cipher).warehouses = [WAREHOUSE]
        identity = ShopIdentity(
            TikTokShopId(tiktok_shop_id), cipher, Region(region), SellerType.LOCAL, f"Shop {region}"
        )
        async with self.uow() as uow:
            await uow.shops.add(Shop.authorize(ShopId(shop_id), APP, identity, self.clock.now()))
            await uow.tokens.save_tiktok(TikTokToken.issue(ShopId(shop_id), grant, self.clock.now()))
            await uow.commit()

    async def imported_order(
        self,
        shop_id: str,
        cipher: str,
        order_id: str,
        *,
        market: str,
        skus: tuple[tuple[str, int], ...] = (("sku-1", 2), ("sku-2", 1)),
        shipping_type: ShippingType = ShippingType.SELLER,
        fulfillment_type: FulfillmentType = FulfillmentType.BY_SELLER,
        synced_option: str = OPTION,
    ) -> ShoplineOrderId:
        """A paid order, imported into SHOPLINE as ``SL-<order id>`` with one SHOPLINE line per SKU."""
        logistics = OrderLogistics(fulfillment_type, shipping_type, OPTION, "Standard", "", "wh-1")
        data = replace(order_data(order_id=order_id, skus=skus, currency="GBP"), logistics=logistics)
        shopline_order_id = ShoplineOrderId(f"SL-{order_id}")
        async with self.uow() as uow:
            shop = await uow.shops.get(ShopId(shop_id))
            synced = replace(data, logistics=replace(logistics, delivery_option_id=synced_option))
            order = Order.first_seen(AppId(APP), shop.id, shop.tiktok_shop_id, synced, self.clock.now())
            order.mark_imported(shopline_order_id, self.clock.now())
            await uow.orders.add(order)
            await uow.commit()
        self.tiktok.shop(cipher).orders[data.order_id] = data
        units = tuple(item.line_item_id for item in data.line_items)
        self.fulfillment.add_order(
            cipher,
            FakeTikTokOrder(
                data.order_id,
                market,
                units,
                OPTION,
                fulfillment_type=fulfillment_type,
                shipping_type=shipping_type,
            ),
        )
        self.store_lines[shopline_order_id] = [
            ShoplineLineItem(f"{shopline_order_id}-{sku}", "", f"SELLER-{sku}", count, count)
            for sku, count in skus
        ]
        return shopline_order_id

    # --- use cases --------------------------------------------------------------------------

    @property
    def catalog(self) -> ProviderCatalog:
        return ProviderCatalog(self.uow, self.clock, self.tiktok, self.tiktok_calls)

    @property
    def sender(self) -> ShipmentSender:
        return ShipmentSender(
            self.uow, self.clock, self.tiktok, self.tiktok_calls, CarrierResolver(self.uow, self.catalog)
        )

    @property
    def shipping(self) -> SellerShipping:
        for order_id, lines in self.store_lines.items():
            if (HANDLE, order_id) not in self.store_fulfillments.orders:
                self.store_fulfillments.add_order(HANDLE, order_id, lines)
        return SellerShipping(self.uow, self.clock, self.shipment_ids, self.store_fulfillments, self.sender)

    @property
    def mappings(self) -> CarrierMappings:
        return CarrierMappings(self.uow, self.clock, self.catalog)

    async def send_due(self) -> int:
        return await self.sender.drain()


def fulfillment_delivery(
    topic: str,
    fulfillment_id: str,
    shopline_order_id: str,
    lines: Sequence[tuple[str, int]],
    tracking_number: str,
    carrier: str,
    *,
    status: str = "success",
) -> WebhookDelivery:
    body = {
        "id": fulfillment_id,
        "order_id": shopline_order_id,
        "status": status,
        "tracking_info_list": [{"tracking_company": carrier, "tracking_number": tracking_number}],
        "line_items": [{"id": line_id, "quantity": quantity} for line_id, quantity in lines],
    }
    return WebhookDelivery(
        WebhookSource.SHOPLINE,
        f"{topic}-{fulfillment_id}-{tracking_number}",
        topic,
        HANDLE,
        json.dumps(body),
        NOW,
    )
