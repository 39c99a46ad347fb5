"""What SHOPLINE's webhooks do (reference B2, B6, S6). Each is a hint: stock is read again at the
app's mapped locations and variants through the incremental refresh, as the periodic jobs do,
so a late or repeated delivery changes nothing that is not newer."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from domain.app import App
from domain.errors import PriceSyncDisabled, ShopNotFound, TokenNotFound
from domain.ids import PoolId, ShopId, ShoplineCustomerId, ShoplineOrderId, ShoplineVariantId
from domain.ports import Clock, UnitOfWork
from domain.shop import ShopStatus
from domain.webhooks import WebhookDelivery
from services.catalog.tasks import CatalogTasks
from services.catalog.variants import VariantRefresh
from services.fulfillment.payloads import fulfillment_from_body
from services.fulfillment.shipping import SellerShipping
from services.inventory.upkeep import OnHandRefresh
from services.shared.stale_writes import retry_stale
from services.tasks.cancelling import cancel_unfinished_tasks
from services.webhooks.payloads import json_object, optional_text, text, unix_time

log = logging.getLogger("mcc.webhooks")


class ShoplineEventReactions:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        on_hand: OnHandRefresh,
        variants: VariantRefresh,
        catalog_tasks: CatalogTasks,
        shipping: SellerShipping | None = None,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._on_hand = on_hand
        self._variants = variants
        self._catalog_tasks = catalog_tasks
        self._shipping = shipping

    async def inventory_changed(self, delivery: WebhookDelivery) -> None:
        """``inventory_levels/update``: the pools of the item's variants read their on-hand at the
        app's mapped locations again; a changed pool writes push rows for every linked SKU."""
        data = json_object(delivery.body)
        item = text(data, "inventory_item_id")
        variant_hint = optional_text(data, "variant_id")
        app = await self._installed_app(delivery)
        if app is None:
            return
        pools: dict[ShoplineVariantId, PoolId] = {}
        async with self._unit_of_work() as uow:
            cached = await uow.shopline_variants.find_by_inventory_item(app.id, item)
            variant_ids = [v.variant_id for v in cached]
            if not variant_ids and variant_hint is not None:
                variant_ids = [ShoplineVariantId(variant_hint)]
            for variant_id in variant_ids:
                pool = await uow.inventory_pools.find_by_variant(app.id, variant_id)
                if pool is not None:
                    pools[variant_id] = pool.id
        if not pools:
            log.debug("stock webhook for a variant without a pool app_id=%s", app.id)
            return
        await self._on_hand.refresh_pools(app.id, pools)

    async def products_changed(self, delivery: WebhookDelivery) -> None:
        """``products/update`` and ``products/delete``: the variant cache is refreshed; shops whose
        price rule syncs automatically get a price sync when a linked variant's price changed."""
        json_object(delivery.body)
        app = await self._installed_app(delivery)
        if app is None:
            return
        report = await self._variants.refresh(app.id)
        if report.price_changed:
            for shop_id in await self._shops_syncing_automatically(app, report.price_changed):
                try:
                    await self._catalog_tasks.start_price_sync(app.id, shop_id)
                except (PriceSyncDisabled, ShopNotFound):
                    continue  # changed or removed meanwhile

    async def app_uninstalled(self, delivery: WebhookDelivery) -> None:
        """``apps/installed_uninstalled``: on UNINSTALL the app is marked uninstalled, its SHOPLINE
        token is revoked and its unfinished tasks cancelled; the periodic jobs skip it from then
        on. A re-installation (the OAuth flow) brings it back with its data. A notice sent
        before the latest installation is stale and changes nothing."""
        data = json_object(delivery.body)
        operate = text(data, "operate").upper()
        if operate != "UNINSTALL":
            log.debug("app installation notice ignored operate=%s", operate)
            return
        sent_at = unix_time(data, "timestamp", millis=True) if data.get("timestamp") is not None else None
        now = self._clock.now()

        async def write() -> None:
            async with self._unit_of_work() as uow:
                app = await self._find_app(uow, delivery)
                if app is None or (sent_at is not None and sent_at < app.installed_at):
                    return
                if not await _stop_app(uow, app, now):
                    return  # a redelivery
                await uow.commit()
                log.info("app uninstalled from its SHOPLINE store app_id=%s", app.id)

        await retry_stale(write)

    async def customers_redacted(self, delivery: WebhookDelivery) -> None:
        """``customers/redact``: the named customers' store orders keep their figures but lose the
        buyer (a customer id or e-mail), so they no longer count toward anyone's repeat buys, and
        the links of TikTok buyers to those customers go."""
        data = json_object(delivery.body)
        customers = data.get("customers")
        orders = data.get("orders_to_redact")
        buyer_keys = [
            f"id:{customer['id']}"
            for customer in (customers if isinstance(customers, list) else [])
            if isinstance(customer, dict) and customer.get("id") not in (None, "")
        ]
        order_ids = [ShoplineOrderId(str(order)) for order in (orders if isinstance(orders, list) else [])]
        customer_ids = [ShoplineCustomerId(key.removeprefix("id:")) for key in buyer_keys]

        async def write() -> int:
            async with self._unit_of_work() as uow:
                app = await self._find_app(uow, delivery)
                if app is None:
                    return 0
                forgotten = await uow.store_orders.forget_buyers(app.id, buyer_keys, order_ids)
                await uow.customer_links.forget_customers(app.id, customer_ids)
                await uow.commit()
                return forgotten

        forgotten = await retry_stale(write)
        log.info("customer data redacted store orders=%d key=%s", forgotten, delivery.delivery_key)

    async def merchant_redacted(self, delivery: WebhookDelivery) -> None:
        """``merchants/redact``: the store's own data held here goes (its orders read for analytics
        and the variant cache) and the app stops as on uninstall; TikTok-side data of the app's
        shops and the import ledger stay (see README, Privacy)."""
        json_object(delivery.body)
        now = self._clock.now()

        async def write() -> bool:
            async with self._unit_of_work() as uow:
                app = await self._find_app(uow, delivery)
                if app is None:
                    return False
                await uow.store_orders.delete_for_app(app.id)
                await uow.shopline_variants.delete_for_app(app.id)
                await _stop_app(uow, app, now)
                await uow.commit()
                return True

        if await retry_stale(write):
            log.info("store data redacted key=%s", delivery.delivery_key)

    async def fulfillment_created(self, delivery: WebhookDelivery) -> None:
        """``fulfillments/create``: a seller-shipped imported order's fulfillment ships on TikTok
        (recorded once per fulfillment; the sender makes the call)."""
        fulfillment = fulfillment_from_body(delivery.body)
        app = await self._installed_app(delivery)
        if app is None or self._shipping is None:
            return
        await self._shipping.fulfillment_seen(app, fulfillment)

    async def fulfillment_updated(self, delivery: WebhookDelivery) -> None:
        """``fulfillments/update``: a changed tracking number goes to TikTok within its limits."""
        fulfillment = fulfillment_from_body(delivery.body)
        app = await self._installed_app(delivery)
        if app is None or self._shipping is None:
            return
        await self._shipping.fulfillment_updated(app, fulfillment)

    async def acknowledged(self, delivery: WebhookDelivery) -> None:
        """Stored by the inbox and acknowledged; nothing to do yet."""
        log.debug("webhook acknowledged topic=%s key=%s", delivery.topic, delivery.delivery_key)

    # --- helpers ----------------------------------------------------------------------------

    async def _installed_app(self, delivery: WebhookDelivery) -> App | None:
        async with self._unit_of_work() as uow:
            app = await self._find_app(uow, delivery)
        if app is not None and app.uninstalled:
            log.info("webhook dropped: app_id=%s is uninstalled topic=%s", app.id, delivery.topic)
            return None
        return app

    @staticmethod
    async def _find_app(uow: UnitOfWork, delivery: WebhookDelivery) -> App | None:
        app = await uow.apps.find_by_handle(delivery.account) if delivery.account else None
        if app is None:
            log.info("webhook dropped: unknown store topic=%s key=%s", delivery.topic, delivery.delivery_key)
        return app

    async def _shops_syncing_automatically(
        self, app: App, variant_ids: frozenset[ShoplineVariantId]
    ) -> list[ShopId]:
        async with self._unit_of_work() as uow:
            linked: set[ShopId] = set()
            for variant_id in sorted(variant_ids):
                pool = await uow.inventory_pools.find_by_variant(app.id, variant_id)
                if pool is not None:
                    linked.update(sku.shop_id for sku in pool.linked_skus.values())
            chosen = []
            for shop_id in sorted(linked):
                try:
                    shop = await uow.shops.get(shop_id)
                except ShopNotFound:
                    continue
                rule = shop.effective_price_rule(app.settings.default_price_rule)
                if shop.status is ShopStatus.ACTIVE and rule.syncs_automatically:
                    chosen.append(shop_id)
            return chosen


async def _stop_app(uow: UnitOfWork, app: App, now: datetime) -> bool:
    """Marks the app uninstalled, revokes its SHOPLINE token and cancels its unfinished tasks;
    False when it was uninstalled already."""
    if not app.uninstall(now):
        return False
    await uow.apps.update(app)
    try:
        token = await uow.tokens.get_shopline(app.id)
    except TokenNotFound:
        token = None
    if token is not None:
        token.revoke(now)
        await uow.tokens.save_shopline(token)
    await cancel_unfinished_tasks(uow, app.id, now)
    return True
