"""Background work: the use cases that run as tasks or on a timer, the worker, runner and timers."""

from __future__ import annotations

import secrets
import socket
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any, Protocol

from dependency_injector import containers, providers

from adapters.jobs.runner import EmbeddedJobRunner
from adapters.jobs.scheduler import PeriodicJob, PeriodicScheduler
from domain.task import TaskKind
from services.analytics.store_order_sync import StoreOrderSync
from services.catalog.auto_link import AutoLinkHandler
from services.catalog.links import PoolLinks
from services.catalog.price_sync import PriceSyncHandler
from services.catalog.product_refresh import ProductRefresh
from services.catalog.tasks import CatalogTasks
from services.catalog.variants import VariantRefresh
from services.customers.matching import CustomerMatching
from services.fulfillment.poll import FulfillmentPoll
from services.fulfillment.providers import ProviderCatalog
from services.fulfillment.resolution import CarrierResolver
from services.fulfillment.sender import SEND_SHIPMENTS, ShipmentSender
from services.fulfillment.shipping import SellerShipping
from services.fulfillment.tiktok_shipments import TikTokShipmentMirror
from services.inventory.on_hand import OnHandReader
from services.inventory.push import StockPusher
from services.inventory.push_task import InventoryPushHandler
from services.inventory.stock_effects import StockEffects
from services.inventory.upkeep import OnHandRefresh, StockReconciliation
from services.orders.intake import OrderIntake
from services.orders.shopline_cancellation import ShoplineCancellations
from services.orders.shopline_import import OrderImporter
from services.orders.sync import OrderSyncHandler, OrderSyncs
from services.returns.events import ReturnEventReactions
from services.returns.intake import ReturnIntake
from services.returns.refunds import ReturnRefunder
from services.returns.sync import ReturnSync
from services.shops.history_import import HistoryImportHandler
from services.tasks.jobs import TaskWorker
from services.webhooks.inbox import PROCESS_WEBHOOKS, InboxDrain
from services.webhooks.reactions import WebhookReactions
from services.webhooks.shopline_events import ShoplineEventReactions
from services.webhooks.shopline_order_events import ShoplineOrderEventReactions
from services.webhooks.subscriptions import WebhookSubscriptions
from services.webhooks.tiktok_events import TikTokEventReactions

TOKEN_UPKEEP_EVERY = timedelta(minutes=10)
STORE_ORDER_SYNC_EVERY = timedelta(minutes=5)
STOCK_PUSH_SWEEP_EVERY = timedelta(seconds=30)
STOCK_RECONCILE_EVERY = timedelta(minutes=15)
WEBHOOK_INBOX_SWEEP_EVERY = timedelta(seconds=30)
WEBHOOK_SUBSCRIPTION_REPAIR_EVERY = timedelta(minutes=30)
SHIPMENT_SWEEP_EVERY = timedelta(seconds=30)
SHIPPING_PROVIDER_REFRESH_EVERY = timedelta(days=1)
SHIPMENT_MIRROR_SWEEP_EVERY = timedelta(minutes=1)


class _Stoppable(Protocol):
    async def stop(self) -> None: ...


class _Attaching(_Stoppable, Protocol):
    def attach(self, target: Any) -> None: ...


async def _stopped_at_shutdown(worker: _Stoppable) -> AsyncIterator[_Stoppable]:
    """A background worker the container stops when it shuts down."""
    try:
        yield worker
    finally:
        await worker.stop()


async def _attached_then_stopped(worker: _Attaching, target: object) -> AsyncIterator[_Attaching]:
    """A reaction that drives ``target``, built after the reaction table it is listed in."""
    worker.attach(target)
    try:
        yield worker
    finally:
        await worker.stop()


async def _drained_through_the_job_port(
    runner: EmbeddedJobRunner, drain: InboxDrain
) -> AsyncIterator[InboxDrain]:
    """``process_webhooks`` jobs wake the inbox drain; it stops at shutdown."""
    runner.drains(PROCESS_WEBHOOKS, drain.wake)
    try:
        yield drain
    finally:
        await drain.stop()


async def _shipped_through_the_job_port(
    runner: EmbeddedJobRunner, sender: ShipmentSender
) -> AsyncIterator[ShipmentSender]:
    """``send_shipments`` jobs wake the shipment sender (its rows are the durable record); it
    stops at shutdown."""
    runner.drains(SEND_SHIPMENTS, sender.wake)
    try:
        yield sender
    finally:
        await sender.stop()


def _worker_name() -> str:
    return f"{socket.gethostname()}:{secrets.token_hex(4)}"


def _every(
    name: str, interval: timedelta | providers.Provider[timedelta], run: providers.Provider[object]
) -> providers.Factory[PeriodicJob]:
    return providers.Factory(PeriodicJob, name, interval, run)


class Jobs(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    persistence = providers.DependenciesContainer()
    partners = providers.DependenciesContainer()

    unit_of_work = persistence.unit_of_work.provider
    clock = core.clock
    tiktok_api = partners.tiktok_api
    shopline_api = partners.shopline_api

    # --- catalog ------------------------------------------------------------------------------
    variant_refresh = providers.Singleton(VariantRefresh, unit_of_work, shopline_api, clock)
    pool_links = providers.Singleton(PoolLinks, core.id_generator, clock)
    product_refresh = providers.Singleton(ProductRefresh, unit_of_work, clock, tiktok_api, pool_links)
    auto_link = providers.Factory(AutoLinkHandler, unit_of_work, clock, variant_refresh, pool_links)
    price_sync = providers.Factory(PriceSyncHandler, unit_of_work, clock, variant_refresh, tiktok_api)

    # --- inventory ----------------------------------------------------------------------------
    stock_effects = providers.Singleton(StockEffects, clock, core.id_generator)
    on_hand_reader = providers.Singleton(OnHandReader, unit_of_work, shopline_api, clock)
    stock_pusher = providers.Singleton(
        StockPusher,
        unit_of_work,
        tiktok_api,
        clock,
        wakeup=persistence.stock_push_wakeup,
        owner=providers.Callable(_worker_name),
    )
    stock_pusher_lifecycle = providers.Resource(_stopped_at_shutdown, stock_pusher)
    on_hand_refresh = providers.Singleton(OnHandRefresh, unit_of_work, on_hand_reader, clock)
    linked_pool_observer_lifecycle = providers.Resource(
        _attached_then_stopped, persistence.linked_pool_observer, on_hand_refresh
    )
    stock_reconciliation = providers.Singleton(StockReconciliation, unit_of_work, tiktok_api, stock_pusher)
    inventory_push = providers.Factory(
        InventoryPushHandler, unit_of_work, clock, stock_pusher, on_hand_refresh
    )

    # --- orders -------------------------------------------------------------------------------
    customer_matching = providers.Singleton(CustomerMatching, unit_of_work, shopline_api, clock)
    order_importer = providers.Factory(
        OrderImporter, unit_of_work, shopline_api, clock, stock_effects, on_hand_reader, customer_matching
    )
    order_intake = providers.Singleton(OrderIntake, unit_of_work, clock, stock_effects, order_importer)
    history_import = providers.Factory(HistoryImportHandler, unit_of_work, clock, tiktok_api, order_intake)
    return_intake = providers.Singleton(ReturnIntake, unit_of_work, clock)
    return_refunder = providers.Singleton(ReturnRefunder, unit_of_work, partners.shopline_refunds, clock)
    return_sync = providers.Singleton(
        ReturnSync, unit_of_work, partners.tiktok_returns, return_intake, return_refunder
    )
    shopline_cancellations = providers.Singleton(ShoplineCancellations, unit_of_work, clock, tiktok_api)
    order_sync = providers.Factory(
        OrderSyncHandler,
        unit_of_work,
        clock,
        tiktok_api,
        order_intake,
        order_importer,
        shopline_cancellations=shopline_cancellations,
        returns=return_sync,
    )

    # --- fulfillment --------------------------------------------------------------------------
    shipment_mirror = providers.Singleton(
        TikTokShipmentMirror,
        unit_of_work,
        clock,
        partners.tiktok_fulfillment,
        partners.shopline_fulfillment,
        wakeup=persistence.shipment_mirror_wakeup,
    )
    shipment_mirror_lifecycle = providers.Resource(_stopped_at_shutdown, shipment_mirror)

    # --- running ------------------------------------------------------------------------------
    task_worker = providers.Singleton(
        TaskWorker,
        unit_of_work,
        clock,
        providers.Dict(
            {
                TaskKind.HISTORY_IMPORT: history_import,
                TaskKind.ORDER_SYNC: order_sync,
                TaskKind.AUTO_LINK: auto_link,
                TaskKind.PRICE_SYNC: price_sync,
                TaskKind.INVENTORY_PUSH: inventory_push,
            }
        ),
        owner=providers.Callable(_worker_name),
    )
    job_runner = providers.Singleton(
        EmbeddedJobRunner, task_worker, concurrency=core.settings.provided.job_concurrency
    )

    # --- seller shipping ----------------------------------------------------------------------
    tiktok_fulfillment = partners.tiktok_fulfillment
    shopline_fulfillment = partners.shopline_fulfillment
    provider_catalog = providers.Singleton(
        ProviderCatalog, unit_of_work, clock, tiktok_api, tiktok_fulfillment
    )
    shipment_sender = providers.Singleton(
        ShipmentSender,
        unit_of_work,
        clock,
        tiktok_api,
        tiktok_fulfillment,
        providers.Singleton(CarrierResolver, unit_of_work, provider_catalog),
        wakeup=persistence.shipment_wakeup,
    )
    shipment_sender_lifecycle = providers.Resource(_shipped_through_the_job_port, job_runner, shipment_sender)
    seller_shipping = providers.Singleton(
        SellerShipping, unit_of_work, clock, core.id_generator, shopline_fulfillment, shipment_sender
    )
    fulfillment_poll = providers.Singleton(
        FulfillmentPoll, unit_of_work, shopline_fulfillment, seller_shipping
    )
    # The SHOPLINE order poll hands the imported orders it sees updated to the fulfillment poll,
    # and those it sees cancelled by the merchant to the TikTok cancellation.
    store_order_sync = providers.Singleton(
        StoreOrderSync,
        unit_of_work,
        shopline_api,
        clock,
        imported_order_cancelled=shopline_cancellations.provided.store_order_cancelled,
        imported_orders_seen=fulfillment_poll.provided.imported_orders_updated,
    )

    # --- webhooks -----------------------------------------------------------------------------
    tiktok_events = providers.Singleton(
        TikTokEventReactions, unit_of_work, clock, tiktok_api, order_intake, order_importer, product_refresh
    )
    catalog_tasks = providers.Factory(CatalogTasks, unit_of_work, clock, core.id_generator, job_runner)
    shopline_events = providers.Singleton(
        ShoplineEventReactions,
        unit_of_work,
        clock,
        on_hand_refresh,
        variant_refresh,
        catalog_tasks,
        shipping=seller_shipping,
    )
    # What reacts to a delivery: one table from source and topic to a reaction.
    return_events = providers.Singleton(
        ReturnEventReactions,
        unit_of_work,
        clock,
        tiktok_api,
        partners.tiktok_returns,
        order_intake,
        return_intake,
        return_refunder,
    )
    shopline_order_events = providers.Singleton(
        ShoplineOrderEventReactions, unit_of_work, shopline_cancellations
    )
    webhook_handler = providers.Singleton(
        WebhookReactions, tiktok_events, shopline_events, shopline_order_events, returns=return_events
    )
    inbox_drain = providers.Singleton(InboxDrain, unit_of_work, webhook_handler, clock)
    inbox_drain_lifecycle = providers.Resource(_drained_through_the_job_port, job_runner, inbox_drain)
    webhook_subscriptions = providers.Singleton(
        WebhookSubscriptions, unit_of_work, tiktok_api, shopline_api, clock, core.settings.provided.public_url
    )
    webhook_subscribing_lifecycle = providers.Resource(
        _attached_then_stopped, persistence.webhook_subscribing, webhook_subscriptions
    )

    # --- timers -------------------------------------------------------------------------------
    # The polls webhooks now cover run at the operator's (longer) intervals: they are the safety net.
    settings = core.settings
    order_syncs = providers.Factory(OrderSyncs, unit_of_work, clock, core.id_generator, job_runner)
    periodic_jobs = providers.Singleton(
        PeriodicScheduler,
        providers.List(
            _every("token-upkeep", TOKEN_UPKEEP_EVERY, partners.token_upkeep.provided.run),
            _every(
                "webhook-subscription-repair",
                WEBHOOK_SUBSCRIPTION_REPAIR_EVERY,
                webhook_subscriptions.provided.repair_all,
            ),
            _every(
                "order-sync",
                settings.provided.order_sync_interval,
                order_syncs.provided.start_for_active_shops,
            ),
            _every(
                "variant-refresh",
                settings.provided.variant_refresh_interval,
                variant_refresh.provided.refresh_all,
            ),
            _every(
                "product-refresh",
                settings.provided.product_refresh_interval,
                product_refresh.provided.refresh_all,
            ),
            _every("stock-push-sweep", STOCK_PUSH_SWEEP_EVERY, stock_pusher.provided.sweep),
            _every("stock-reconcile", STOCK_RECONCILE_EVERY, stock_reconciliation.provided.run),
            _every(
                "on-hand-refresh", settings.provided.on_hand_refresh_interval, on_hand_refresh.provided.run
            ),
            _every("store-order-sync", STORE_ORDER_SYNC_EVERY, store_order_sync.provided.run),
            _every("webhook-inbox-sweep", WEBHOOK_INBOX_SWEEP_EVERY, inbox_drain.provided.sweep),
            _every("shipment-sweep", SHIPMENT_SWEEP_EVERY, shipment_sender.provided.sweep),
            _every(
                "shipping-provider-refresh",
                SHIPPING_PROVIDER_REFRESH_EVERY,
                provider_catalog.provided.refresh_all,
            ),
            _every("shipment-mirror-sweep", SHIPMENT_MIRROR_SWEEP_EVERY, shipment_mirror.provided.sweep),
        ),
    )
