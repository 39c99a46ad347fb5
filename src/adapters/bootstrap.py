"""The composition root: the one dependency-injector container that picks every adapter."""

from __future__ import annotations

import hashlib
import secrets
import socket
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
from dependency_injector import containers, providers
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.crypto.token_cipher import TokenCipher
from adapters.events.fan_out import FanOutPublisher
from adapters.gc_tuning import tuned_garbage_collector
from adapters.grpc.api import api_bindings
from adapters.grpc.paging import PageTokenCodec
from adapters.grpc.server import create_server
from adapters.grpc.servicers.analytics import AnalyticsServicer
from adapters.grpc.servicers.app import AppServicer
from adapters.grpc.servicers.catalog import CatalogServicer
from adapters.grpc.servicers.inventory import InventoryServicer
from adapters.grpc.servicers.order import OrderServicer
from adapters.grpc.servicers.shop import ShopServicer
from adapters.grpc.servicers.task import TaskServicer
from adapters.http.ratelimit import KeyedRateLimiter
from adapters.jobs.change_feed import InProcessTaskChangeFeed
from adapters.jobs.runner import EmbeddedJobRunner
from adapters.jobs.scheduler import PeriodicJob, PeriodicScheduler
from adapters.persistence.engine import create_engine, query_session_factory, session_factory
from adapters.persistence.sales_reports import SqlSalesReports
from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork
from adapters.settings import Settings
from adapters.shopline.client import ShoplineClient
from adapters.system import SystemClock, SystemSecureRandom, UuidIdGenerator
from adapters.tiktok.auth import TikTokAuthClient
from adapters.tiktok.client import TikTokChannelClient
from domain.ports import AccessTokenRefresher
from domain.task import TaskKind
from services.analytics.sales import SalesAnalytics
from services.analytics.store_order_sync import StoreOrderSync
from services.apps.installation import Installation
from services.apps.queries import AppQueries
from services.apps.settings import AppSettingsUpdates
from services.catalog.links import PoolLinks
from services.catalog.product_refresh import ProductRefresh
from services.catalog.products import CatalogQueries, ManualLinks, PriceRules
from services.catalog.tasks import AutoLinkHandler, CatalogTasks, PriceSyncHandler
from services.catalog.variants import VariantRefresh
from services.inventory.on_hand import OnHandReader
from services.inventory.pools import InventoryPools
from services.inventory.push import PushWakeup, StockPusher
from services.inventory.push_task import InventoryPushHandler
from services.inventory.stock_effects import StockEffects
from services.inventory.upkeep import LinkedPoolObserver, OnHandRefresh, StockReconciliation
from services.orders.handling import OrderCommands, OrderQueries
from services.orders.intake import OrderIntake
from services.orders.shopline_import import OrderImporter
from services.orders.sync import OrderSyncHandler, OrderSyncs
from services.shops.authorization import ShopAuthorization
from services.shops.history_import import HistoryImportHandler
from services.shops.management import ShopManagement
from services.shops.token_upkeep import TokenUpkeep
from services.tasks.center import TaskService
from services.tasks.jobs import TaskWorker

PARTNER_TIMEOUT = httpx.Timeout(20.0, connect=5.0)
TOKEN_UPKEEP_EVERY = timedelta(minutes=10)
ORDER_SYNC_EVERY = timedelta(minutes=5)
STORE_ORDER_SYNC_EVERY = timedelta(minutes=5)
VARIANT_REFRESH_EVERY = timedelta(minutes=15)
PRODUCT_REFRESH_EVERY = timedelta(minutes=15)
STOCK_PUSH_SWEEP_EVERY = timedelta(seconds=30)
STOCK_RECONCILE_EVERY = timedelta(minutes=15)
ON_HAND_REFRESH_EVERY = timedelta(minutes=5)


async def _pusher_stopped_at_shutdown(pusher: StockPusher) -> AsyncIterator[StockPusher]:
    try:
        yield pusher
    finally:
        await pusher.stop()


async def _observing_linked_pools(
    observer: LinkedPoolObserver, refresh: OnHandRefresh
) -> AsyncIterator[LinkedPoolObserver]:
    observer.attach(refresh)
    try:
        yield observer
    finally:
        await observer.stop()


async def _disposed_at_shutdown(engine: AsyncEngine) -> AsyncIterator[None]:
    # The engine itself is a plain singleton (so dependents stay synchronous); this resource only
    # closes its pool when the container shuts down.
    try:
        yield None
    finally:
        await engine.dispose()


async def _closed_at_shutdown(*clients: httpx.AsyncClient) -> AsyncIterator[None]:
    try:
        yield None
    finally:
        for client in clients:
            await client.aclose()


def _page_token_key(settings: Settings) -> bytes:
    # Derived from the token key so page tokens survive restarts; random when no key is configured.
    if settings.token_key is not None:
        return hashlib.sha256(b"mcc page token key\x00" + settings.token_key).digest()
    return secrets.token_bytes(32)


def _token_cipher(settings: Settings) -> TokenCipher | None:
    if settings.token_key is None:
        return None
    return TokenCipher(settings.token_key, settings.token_old_keys)


def _worker_name() -> str:
    return f"{socket.gethostname()}:{secrets.token_hex(4)}"


def _tiktok_auth(settings: Settings, http: httpx.AsyncClient) -> TikTokAuthClient:
    return TikTokAuthClient(
        http,
        auth_url=settings.tiktok_auth_url,
        app_key=settings.tiktok_app_key or "",
        app_secret=settings.tiktok_app_secret or "",
        service_id=settings.tiktok_service_id or "",
        consent_base_url=settings.tiktok_consent_url,
        timeout=PARTNER_TIMEOUT,
    )


def _tiktok_client(
    settings: Settings, http: httpx.AsyncClient, auth: TikTokAuthClient, refresher: AccessTokenRefresher
) -> TikTokChannelClient:
    return TikTokChannelClient(
        http,
        api_url=settings.tiktok_api_url,
        auth_url=settings.tiktok_auth_url,
        app_key=settings.tiktok_app_key or "",
        app_secret=settings.tiktok_app_secret or "",
        service_id=settings.tiktok_service_id or "",
        consent_base_url=settings.tiktok_consent_url,
        rate_limiter=KeyedRateLimiter(settings.tiktok_rate_limit_qps or None),
        token_refresher=refresher,
        auth=auth,
        timeout=PARTNER_TIMEOUT,
    )


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    clock = providers.Singleton(SystemClock)
    id_generator = providers.Singleton(UuidIdGenerator)
    secure_random = providers.Singleton(SystemSecureRandom)
    garbage_collector = providers.Resource(tuned_garbage_collector)

    engine = providers.Singleton(create_engine, settings.provided.database_url)
    engine_lifecycle = providers.Resource(_disposed_at_shutdown, engine)
    sessions = providers.Singleton(session_factory, engine)
    token_cipher = providers.Singleton(_token_cipher, settings)
    task_changes = providers.Singleton(InProcessTaskChangeFeed)
    # Every in-process reaction to committed events; add a subscriber here.
    stock_push_wakeup = providers.Singleton(PushWakeup)
    linked_pool_observer = providers.Singleton(LinkedPoolObserver)
    event_subscribers = providers.List(task_changes, stock_push_wakeup, linked_pool_observer)
    events = providers.Singleton(FanOutPublisher, event_subscribers)
    unit_of_work = providers.Factory(SqlAlchemyUnitOfWork, sessions, publisher=events, cipher=token_cipher)
    query_sessions = providers.Singleton(query_session_factory, engine)
    query_unit_of_work = providers.Factory(
        SqlAlchemyUnitOfWork, query_sessions, cipher=token_cipher, read_only=True
    )

    tiktok_http = providers.Singleton(httpx.AsyncClient, timeout=PARTNER_TIMEOUT)
    shopline_http = providers.Singleton(httpx.AsyncClient, timeout=PARTNER_TIMEOUT)
    http_lifecycle = providers.Resource(_closed_at_shutdown, tiktok_http, shopline_http)

    shopline_api = providers.Singleton(
        ShoplineClient,
        shopline_http,
        app_key=providers.Callable(lambda s: s.shopline_app_key or "", settings),
        app_secret=providers.Callable(lambda s: s.shopline_app_secret or "", settings),
        url_template=settings.provided.shopline_url_template,
        api_version=settings.provided.shopline_api_version,
        timeout=PARTNER_TIMEOUT,
    )
    # Token upkeep refreshes through the token host client alone, so the channel client can be
    # handed upkeep as its refresher at construction.
    tiktok_auth = providers.Singleton(_tiktok_auth, settings, tiktok_http)
    token_upkeep = providers.Singleton(TokenUpkeep, unit_of_work.provider, tiktok_auth, shopline_api, clock)
    tiktok_api = providers.Singleton(_tiktok_client, settings, tiktok_http, tiktok_auth, token_upkeep)

    variant_refresh = providers.Singleton(VariantRefresh, unit_of_work.provider, shopline_api, clock)
    pool_links = providers.Singleton(PoolLinks, id_generator, clock)
    product_refresh = providers.Singleton(
        ProductRefresh, unit_of_work.provider, clock, tiktok_api, pool_links
    )
    auto_link = providers.Factory(AutoLinkHandler, unit_of_work.provider, clock, variant_refresh, pool_links)
    price_sync = providers.Factory(
        PriceSyncHandler, unit_of_work.provider, clock, variant_refresh, tiktok_api
    )
    stock_effects = providers.Singleton(StockEffects, clock, id_generator)
    on_hand_reader = providers.Singleton(OnHandReader, unit_of_work.provider, shopline_api, clock)
    stock_pusher = providers.Singleton(
        StockPusher,
        unit_of_work.provider,
        tiktok_api,
        clock,
        wakeup=stock_push_wakeup,
        owner=providers.Callable(_worker_name),
    )
    stock_pusher_lifecycle = providers.Resource(_pusher_stopped_at_shutdown, stock_pusher)
    on_hand_refresh = providers.Singleton(OnHandRefresh, unit_of_work.provider, on_hand_reader, clock)
    linked_pool_observer_lifecycle = providers.Resource(
        _observing_linked_pools, linked_pool_observer, on_hand_refresh
    )
    stock_reconciliation = providers.Singleton(
        StockReconciliation, unit_of_work.provider, tiktok_api, stock_pusher
    )
    inventory_push = providers.Factory(
        InventoryPushHandler, unit_of_work.provider, clock, stock_pusher, on_hand_refresh
    )
    order_importer = providers.Factory(
        OrderImporter, unit_of_work.provider, shopline_api, clock, stock_effects, on_hand_reader
    )
    order_intake = providers.Singleton(
        OrderIntake, unit_of_work.provider, clock, stock_effects, order_importer
    )
    history_import = providers.Factory(
        HistoryImportHandler, unit_of_work.provider, clock, tiktok_api, order_intake
    )
    order_sync = providers.Factory(
        OrderSyncHandler, unit_of_work.provider, clock, tiktok_api, order_intake, order_importer
    )
    task_worker = providers.Singleton(
        TaskWorker,
        unit_of_work.provider,
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
        EmbeddedJobRunner, task_worker, concurrency=settings.provided.job_concurrency
    )
    store_order_sync = providers.Singleton(StoreOrderSync, unit_of_work.provider, shopline_api, clock)
    order_syncs = providers.Factory(OrderSyncs, unit_of_work.provider, clock, id_generator, job_runner)
    periodic_jobs = providers.Singleton(
        PeriodicScheduler,
        providers.List(
            providers.Factory(
                PeriodicJob,
                "token-upkeep",
                TOKEN_UPKEEP_EVERY,
                providers.Callable(lambda upkeep: upkeep.run, token_upkeep),
            ),
            providers.Factory(
                PeriodicJob,
                "order-sync",
                ORDER_SYNC_EVERY,
                providers.Callable(lambda syncs: syncs.start_for_active_shops, order_syncs),
            ),
            providers.Factory(
                PeriodicJob,
                "variant-refresh",
                VARIANT_REFRESH_EVERY,
                providers.Callable(lambda refresh: refresh.refresh_all, variant_refresh),
            ),
            providers.Factory(
                PeriodicJob,
                "product-refresh",
                PRODUCT_REFRESH_EVERY,
                providers.Callable(lambda refresh: refresh.refresh_all, product_refresh),
            ),
            providers.Factory(
                PeriodicJob,
                "stock-push-sweep",
                STOCK_PUSH_SWEEP_EVERY,
                providers.Callable(lambda pusher: pusher.sweep, stock_pusher),
            ),
            providers.Factory(
                PeriodicJob,
                "stock-reconcile",
                STOCK_RECONCILE_EVERY,
                providers.Callable(lambda reconciliation: reconciliation.run, stock_reconciliation),
            ),
            providers.Factory(
                PeriodicJob,
                "on-hand-refresh",
                ON_HAND_REFRESH_EVERY,
                providers.Callable(lambda refresh: refresh.run, on_hand_refresh),
            ),
            providers.Factory(
                PeriodicJob,
                "store-order-sync",
                STORE_ORDER_SYNC_EVERY,
                providers.Callable(lambda sync: sync.run, store_order_sync),
            ),
        ),
    )

    page_tokens = providers.Singleton(PageTokenCodec, key=providers.Callable(_page_token_key, settings))

    app_queries = providers.Factory(AppQueries, unit_of_work=query_unit_of_work.provider)
    installation = providers.Factory(
        Installation,
        unit_of_work.provider,
        shopline_api,
        clock,
        id_generator,
        secure_random,
        scopes=settings.provided.shopline_scopes,
        default_redirect_uri=settings.provided.shopline_redirect_uri,
    )
    app_settings_updates = providers.Factory(AppSettingsUpdates, unit_of_work.provider, clock)
    shop_authorization = providers.Factory(
        ShopAuthorization, unit_of_work.provider, tiktok_api, job_runner, clock, id_generator, secure_random
    )
    shop_management = providers.Factory(
        ShopManagement, unit_of_work.provider, clock, queries=query_unit_of_work.provider
    )
    task_service = providers.Factory(TaskService, unit_of_work.provider, clock, task_changes, job_runner)

    app_servicer = providers.Factory(
        AppServicer,
        queries=app_queries,
        installation=installation,
        settings_updates=app_settings_updates,
        page_tokens=page_tokens,
    )
    shop_servicer = providers.Factory(
        ShopServicer, authorization=shop_authorization, shops=shop_management, page_tokens=page_tokens
    )
    task_servicer = providers.Factory(TaskServicer, tasks=task_service, page_tokens=page_tokens)
    order_queries = providers.Factory(OrderQueries, query_unit_of_work.provider)
    order_commands = providers.Factory(
        OrderCommands, unit_of_work.provider, clock, tiktok_api, order_importer, order_syncs
    )
    order_servicer = providers.Factory(
        OrderServicer, queries=order_queries, commands=order_commands, page_tokens=page_tokens
    )
    catalog_servicer = providers.Factory(
        CatalogServicer,
        queries=providers.Factory(CatalogQueries, query_unit_of_work.provider),
        links=providers.Factory(ManualLinks, unit_of_work.provider, clock, pool_links, variant_refresh),
        price_rules=providers.Factory(PriceRules, unit_of_work.provider, clock, variant_refresh),
        tasks=providers.Factory(CatalogTasks, unit_of_work.provider, clock, id_generator, job_runner),
        page_tokens=page_tokens,
    )
    inventory_servicer = providers.Factory(
        InventoryServicer,
        pools=providers.Factory(InventoryPools, unit_of_work.provider, clock, id_generator, job_runner),
        page_tokens=page_tokens,
    )
    sales_reports = providers.Singleton(SqlSalesReports, engine)
    sales_analytics = providers.Factory(SalesAnalytics, unit_of_work.provider, sales_reports)
    analytics_servicer = providers.Factory(
        AnalyticsServicer, analytics=sales_analytics, page_tokens=page_tokens
    )

    service_bindings = providers.Callable(
        api_bindings,
        providers.Dict(
            AppService=app_servicer,
            ShopService=shop_servicer,
            TaskService=task_servicer,
            OrderService=order_servicer,
            CatalogService=catalog_servicer,
            AnalyticsService=analytics_servicer,
            InventoryService=inventory_servicer,
        ),
    )
    grpc_server = providers.Coroutine(
        create_server,
        bindings=service_bindings,
        address=settings.provided.listen,
        max_message_bytes=settings.provided.max_message_bytes,
    )


def build_container(settings: Settings) -> Container:
    container = Container(settings=settings)
    container.check_dependencies()
    return container
