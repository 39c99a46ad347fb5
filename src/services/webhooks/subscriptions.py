"""Keeping the partners' webhook subscriptions pointed at this service's public URL.

TikTok subscriptions are per shop (the Event API holds one address per shop and event type);
SHOPLINE ones per store (one subscription per topic, several allowed). Both are idempotent to
repeat: an event type or topic already sent to our address is left alone, one sent elsewhere is
moved, a missing one is created. Without a public URL the partners cannot reach the service, so
nothing is subscribed (polling alone keeps the channels in step).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from domain.channel import ShopCredentials, ShoplineCredentials
from domain.errors import AppNotFound, PartnerError, ShopNotFound, TokenNotFound, TokenRevoked
from domain.ids import AppId, ShopId
from domain.ports import Clock, ShoplineApi, TikTokChannelApi, UnitOfWork
from domain.shop import ShopStatus
from domain.webhook_subscriptions import WebhookSubscription
from domain.webhooks import WebhookSource

log = logging.getLogger(__name__)

TIKTOK_PATH = "/webhooks/tiktok"
SHOPLINE_PATH = "/webhooks/shopline"
MAX_ADDRESS = 255  # both partners' limit on a subscription address
SHOPLINE_EVENT_VERSION = "v20251201"
PAGE_SIZE = 100

# The TikTok events the service reacts to (Event API names, reference W5).
TIKTOK_EVENT_TYPES = (
    "ORDER_STATUS_CHANGE",
    "CANCELLATION_STATUS_CHANGE",
    "RETURN_STATUS_CHANGE",
    "RECIPIENT_ADDRESS_UPDATE",
    "PRODUCT_STATUS_CHANGE",
    "PRODUCT_INFORMATION_CHANGE",
    "PRODUCT_CREATION",
    "SELLER_DEAUTHORIZATION",
    "UPCOMING_AUTHORIZATION_EXPIRATION",
)
# The SHOPLINE topics the service reacts to or stores (reference B6, S6).
SHOPLINE_TOPICS = (
    "inventory_levels/update",
    "products/update",
    "products/delete",
    "apps/installed_uninstalled",
    "customers/redact",
    "merchants/redact",
    "orders/cancelled",
    "fulfillments/create",
    "fulfillments/update",
)


@dataclass
class RepairReport:
    apps_checked: int = 0
    shops_checked: int = 0
    changed: int = 0
    """Subscriptions created or moved to our address."""
    skipped: int = 0
    """Apps or shops without a usable authorization."""
    deferred: int = 0
    """Apps or shops the partner failed for; the next round tries again."""


class WebhookSubscriptions:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        tiktok: TikTokChannelApi,
        shopline: ShoplineApi,
        clock: Clock,
        public_url: str | None,
        *,
        shopline_event_version: str = SHOPLINE_EVENT_VERSION,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._tiktok = tiktok
        self._shopline = shopline
        self._clock = clock
        self._shopline_event_version = shopline_event_version
        base = public_url.rstrip("/") if public_url else None
        self.tiktok_address = f"{base}{TIKTOK_PATH}" if base else None
        self.shopline_address = f"{base}{SHOPLINE_PATH}" if base else None
        for address in (self.tiktok_address, self.shopline_address):
            if address is not None and len(address) > MAX_ADDRESS:
                raise ValueError(f"public_url is too long: webhook addresses are limited to {MAX_ADDRESS}")

    @property
    def enabled(self) -> bool:
        return self.tiktok_address is not None

    async def subscribe_shop(self, app_id: AppId, shop_id: ShopId) -> int:
        """Points the shop's TikTok events at us; returns how many subscriptions changed.

        ``ShopNotFound`` / ``TokenNotFound`` for an unknown shop, ``TokenRevoked`` when the shop
        must be re-authorized first; partner failures propagate."""
        if self.tiktok_address is None:
            return 0
        account, credentials = await self._shop_credentials(app_id, shop_id)
        held = {s.topic: s.address for s in await self._tiktok.webhook_subscriptions(credentials)}
        changed = 0
        for event_type in TIKTOK_EVENT_TYPES:
            if held.get(event_type) != self.tiktok_address:
                await self._tiktok.subscribe_webhook(credentials, event_type, self.tiktok_address)
                changed += 1
        if changed:
            log.info("shop %s: %d TikTok webhook subscription(s) set", shop_id, changed)
        await self._record_subscribed(WebhookSource.TIKTOK, account)
        return changed

    async def subscribe_app(self, app_id: AppId) -> int:
        """Points the store's SHOPLINE topics at us; returns how many subscriptions changed.

        ``AppNotFound`` / ``TokenNotFound`` for an unknown app, ``TokenRevoked`` after an
        uninstall; partner failures propagate."""
        if self.shopline_address is None:
            return 0
        credentials = await self._app_credentials(app_id)
        by_topic: dict[str, list[WebhookSubscription]] = {}
        for subscription in await self._shopline.webhook_subscriptions(credentials):
            by_topic.setdefault(subscription.topic, []).append(subscription)
        changed = 0
        for topic in SHOPLINE_TOPICS:
            held = by_topic.get(topic, [])
            if any(s.address == self.shopline_address for s in held):
                continue
            if held:  # ours, sent elsewhere (an earlier public URL): move it
                await self._shopline.update_webhook_address(
                    credentials, held[0].subscription_id, self.shopline_address
                )
            else:
                await self._shopline.subscribe_webhook(
                    credentials, topic, self.shopline_address, self._shopline_event_version
                )
            changed += 1
        if changed:
            log.info("app %s: %d SHOPLINE webhook subscription(s) set", app_id, changed)
        await self._record_subscribed(WebhookSource.SHOPLINE, credentials.store_handle)
        return changed

    async def repair_all(self) -> RepairReport:
        """The periodic upkeep: every app's topics and every active shop's events."""
        report = RepairReport()
        if not self.enabled:
            return report
        after: str | None = None
        while True:
            async with self._unit_of_work() as uow:
                page = await uow.apps.list(page_size=PAGE_SIZE, after=after)
            for app in page.items:
                report.apps_checked += 1
                await self._repair(report, f"app {app.id}", self.subscribe_app(app.id))
                await self._repair_shops(app.id, report)
            if page.next_cursor is None:
                return report
            after = page.next_cursor

    async def _repair_shops(self, app_id: AppId, report: RepairReport) -> None:
        after: str | None = None
        while True:
            async with self._unit_of_work() as uow:
                page = await uow.shops.list(
                    app_id, page_size=PAGE_SIZE, after=after, status=ShopStatus.ACTIVE
                )
            for shop in page.items:
                report.shops_checked += 1
                await self._repair(report, f"shop {shop.id}", self.subscribe_shop(app_id, shop.id))
            if page.next_cursor is None:
                return
            after = page.next_cursor

    @staticmethod
    async def _repair(report: RepairReport, what: str, subscribing: Awaitable[int]) -> None:
        try:
            report.changed += await subscribing
        except (AppNotFound, ShopNotFound, TokenNotFound, TokenRevoked):
            report.skipped += 1
        except PartnerError as exc:
            report.deferred += 1
            log.warning("%s: webhook subscriptions not repaired (%s); next round tries again", what, exc)

    async def _record_subscribed(self, source: WebhookSource, account: str) -> None:
        async with self._unit_of_work() as uow:
            await uow.webhook_inbox.record_subscribed(source, account, self._clock.now())
            await uow.commit()

    async def _shop_credentials(self, app_id: AppId, shop_id: ShopId) -> tuple[str, ShopCredentials]:
        """The shop's TikTok shop id (its webhooks' account) and its credentials."""
        async with self._unit_of_work() as uow:
            shop = await uow.shops.get(shop_id)
            if shop.app_id != app_id:
                raise ShopNotFound(f"apps/{app_id}/shops/{shop_id}")
            token = await uow.tokens.get_tiktok(shop_id)
        if shop.status is not ShopStatus.ACTIVE or token.needs_reauthorization(self._clock.now()):
            raise TokenRevoked(f"apps/{app_id}/shops/{shop_id}/token", "the shop must be re-authorized")
        return shop.tiktok_shop_id, ShopCredentials(shop.cipher, token.access_token)

    async def _app_credentials(self, app_id: AppId) -> ShoplineCredentials:
        async with self._unit_of_work() as uow:
            app = await uow.apps.get(app_id)
            token = await uow.tokens.get_shopline(app_id)
        if token.revoked:
            raise TokenRevoked(f"apps/{app_id}/token", "SHOPLINE revoked the app's authorization")
        return ShoplineCredentials(app.store_handle, token.access_token)
