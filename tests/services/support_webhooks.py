"""A world of fakes for the webhook reactions: the catalog world (one app, one GB shop, linked
SKUs in pools) plus the reactions wired as the server wires them, and deliveries to hand them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.channel import AuthorizedShop
from domain.webhooks import WebhookDelivery, WebhookSource
from services.apps.installation import Installation
from services.inventory.on_hand import OnHandReader
from services.inventory.stock_effects import StockEffects
from services.inventory.upkeep import OnHandRefresh
from services.orders.shopline_cancellation import ShoplineCancellations
from services.orders.shopline_import import OrderImporter
from services.shops.authorization import ShopAuthorization
from services.webhooks.reactions import WebhookReactions
from services.webhooks.shopline_events import ShoplineEventReactions
from services.webhooks.shopline_order_events import ShoplineOrderEventReactions
from services.webhooks.tiktok_events import TikTokEventReactions
from tests.fakes import FakeSecureRandom
from tests.services.support_catalog import HANDLE, CatalogWorld
from tests.services.support_tasks import APP, CIPHER, SHOP, TIKTOK_SHOP

TOPICS = {
    1: "ORDER_STATUS_CHANGE",
    3: "RECIPIENT_ADDRESS_UPDATE",
    5: "PRODUCT_STATUS_CHANGE",
    6: "SELLER_DEAUTHORIZATION",
    7: "UPCOMING_AUTHORIZATION_EXPIRATION",
    11: "CANCELLATION_STATUS_CHANGE",
    15: "PRODUCT_INFORMATION_CHANGE",
    16: "PRODUCT_CREATION",
}


@dataclass
class WebhookWorld(CatalogWorld):
    @property
    def importer(self) -> OrderImporter:
        effects = StockEffects(self.clock, self.ids)
        return OrderImporter(self.uow, self.shopline, self.clock, effects, self.on_hand_reader)

    @property
    def on_hand_reader(self) -> OnHandReader:
        return OnHandReader(self.uow, self.shopline, self.clock)

    @property
    def reactions(self) -> WebhookReactions:
        tiktok = TikTokEventReactions(
            self.uow, self.clock, self.tiktok, self.intake, self.importer, self.product_refresh
        )
        shopline = ShoplineEventReactions(
            self.uow,
            self.clock,
            OnHandRefresh(self.uow, self.on_hand_reader, self.clock),
            self.variants,
            self.tasks,
        )
        cancellations = ShoplineCancellations(self.uow, self.clock, self.tiktok)
        return WebhookReactions(tiktok, shopline, ShoplineOrderEventReactions(self.uow, cancellations))

    async def on_hand_refresh(self) -> None:
        await OnHandRefresh(self.uow, self.on_hand_reader, self.clock).refresh_app(APP)

    async def reauthorize(self) -> None:
        """The seller completes the existing re-authorization flow for the shop."""
        random = FakeSecureRandom()
        flow = ShopAuthorization(self.uow, self.tiktok, self.jobs, self.clock, self.ids, random)
        start = await flow.start(APP, "GB", shop_to_reauthorize=SHOP)
        self.tiktok.add_authorization_code(
            "reauth-code", [AuthorizedShop(TIKTOK_SHOP, CIPHER, "GB", "LOCAL", "Maomao")]
        )
        await flow.complete(start.state, "reauth-code")

    async def reinstall(self) -> None:
        """The merchant installs the app again through the existing OAuth flow."""
        flow = Installation(
            self.uow,
            self.shopline,
            self.clock,
            self.ids,
            FakeSecureRandom(),
            scopes=("read_products",),
            default_redirect_uri="https://connect.example.com/shopline/callback",
        )
        start = await flow.start(HANDLE)
        self.shopline.add_authorization_code(HANDLE, "reinstall-code")
        params = {
            "appkey": self.shopline.APP_KEY,
            "code": "reinstall-code",
            "handle": HANDLE,
            "timestamp": str(int(self.clock.now().timestamp() * 1000)),
            "customField": start.state,
        }
        await flow.complete({**params, "sign": self.shopline.sign(params)})

    async def deliver_raw_tiktok(self, body: str) -> None:
        await self.deliver(WebhookSource.TIKTOK, "ORDER_STATUS_CHANGE", TIKTOK_SHOP, body)

    async def tiktok_event(
        self, kind: int, data: dict[str, Any], *, sent_at: datetime | None = None, shop: str = TIKTOK_SHOP
    ) -> None:
        body = {
            "type": kind,
            "shop_id": shop,
            "timestamp": int((sent_at or self.clock.now()).timestamp()),
            "data": data,
        }
        await self.deliver(WebhookSource.TIKTOK, TOPICS.get(kind, f"TYPE_{kind}"), shop, json.dumps(body))

    async def shopline_event(self, topic: str, body: dict[str, Any], *, handle: str = HANDLE) -> None:
        await self.deliver(WebhookSource.SHOPLINE, topic, handle, json.dumps(body))

    async def deliver(self, source: WebhookSource, topic: str, account: str, body: str) -> None:
        key = "sha256:" + hashlib.sha256(body.encode()).hexdigest()
        delivery = WebhookDelivery(source, key, topic, account, body, self.clock.now())
        await self.reactions.handle(delivery)
