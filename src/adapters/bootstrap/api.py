"""The gRPC edge: the use cases the API calls, their servicers, and the server."""

from __future__ import annotations

import hashlib
import secrets

from dependency_injector import containers, providers

from adapters.grpc.admission import AdmissionLimits
from adapters.grpc.api import api_bindings
from adapters.grpc.paging import PageTokenCodec
from adapters.grpc.server import create_server
from adapters.grpc.servicers.analytics import AnalyticsServicer
from adapters.grpc.servicers.api_key import ApiKeyServicer
from adapters.grpc.servicers.app import AppServicer
from adapters.grpc.servicers.catalog import CatalogServicer
from adapters.grpc.servicers.inventory import InventoryServicer
from adapters.grpc.servicers.order import OrderServicer
from adapters.grpc.servicers.shop import ShopServicer
from adapters.grpc.servicers.task import TaskServicer
from adapters.settings import Settings
from adapters.transport_security import server_tls
from services.access.authentication import Authenticator
from services.access.keys import ApiKeys
from services.analytics.sales import SalesAnalytics
from services.apps.installation import Installation
from services.apps.queries import AppQueries
from services.apps.settings import AppSettingsUpdates
from services.catalog.products import CatalogQueries, ManualLinks, PriceRules
from services.catalog.tasks import CatalogTasks
from services.fulfillment.mappings import CarrierMappings
from services.fulfillment.tiktok_shipping import TikTokShippingCommands
from services.inventory.pools import InventoryPools
from services.orders.handling import OrderCommands, OrderQueries
from services.returns.handling import ReturnCommands, ReturnQueries
from services.shops.authorization import ShopAuthorization
from services.shops.management import ShopManagement
from services.tasks.center import TaskService


def admission_limits(settings: Settings) -> AdmissionLimits:
    return AdmissionLimits(
        max_inflight=settings.max_inflight_rpcs,
        max_queued=settings.max_queued_rpcs,
        max_streams=settings.max_streams,
    )


def _page_token_key(settings: Settings) -> bytes:
    # Derived from the token key so page tokens survive restarts; random when no key is configured.
    if settings.token_key is not None:
        return hashlib.sha256(b"mcc page token key\x00" + settings.token_key).digest()
    return secrets.token_bytes(32)


def _client_certificates(settings: Settings) -> bool:
    # A verified client certificate can only exist when the server checks them against a CA.
    return settings.tls_client_ca is not None


class Api(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    persistence = providers.DependenciesContainer()
    partners = providers.DependenciesContainer()
    jobs = providers.DependenciesContainer()

    page_tokens = providers.Singleton(PageTokenCodec, key=providers.Callable(_page_token_key, core.settings))

    # --- callers --------------------------------------------------------------------------------
    authenticator = providers.Singleton(Authenticator, persistence.api_keys, core.clock)
    api_keys = providers.Factory(
        ApiKeys,
        persistence.api_keys,
        core.clock,
        core.id_generator,
        core.secure_random,
        revoked=authenticator.provided.forget,
    )

    # --- use cases ----------------------------------------------------------------------------
    app_queries = providers.Factory(
        AppQueries,
        persistence.query_unit_of_work.provider,
        core.clock,
        signature_failures=core.webhook_stats,
    )
    installation = providers.Factory(
        Installation,
        persistence.unit_of_work.provider,
        partners.shopline_api,
        core.clock,
        core.id_generator,
        core.secure_random,
        scopes=core.settings.provided.shopline_scopes,
        default_redirect_uri=core.settings.provided.shopline_redirect_uri,
    )
    app_settings_updates = providers.Factory(
        AppSettingsUpdates, persistence.unit_of_work.provider, core.clock
    )
    shop_authorization = providers.Factory(
        ShopAuthorization,
        persistence.unit_of_work.provider,
        partners.tiktok_api,
        jobs.job_runner,
        core.clock,
        core.id_generator,
        core.secure_random,
    )
    shop_management = providers.Factory(
        ShopManagement,
        persistence.unit_of_work.provider,
        core.clock,
        queries=persistence.query_unit_of_work.provider,
        signature_failures=core.webhook_stats,
    )
    task_service = providers.Factory(
        TaskService, persistence.unit_of_work.provider, core.clock, persistence.task_changes, jobs.job_runner
    )
    order_queries = providers.Factory(OrderQueries, persistence.query_unit_of_work.provider)
    order_commands = providers.Factory(
        OrderCommands,
        persistence.unit_of_work.provider,
        core.clock,
        partners.tiktok_api,
        jobs.order_importer,
        jobs.order_syncs,
    )
    return_queries = providers.Factory(ReturnQueries, persistence.query_unit_of_work.provider)
    return_commands = providers.Factory(
        ReturnCommands,
        persistence.unit_of_work.provider,
        core.clock,
        partners.tiktok_returns,
        jobs.return_intake,
        jobs.return_refunder,
    )
    sales_analytics = providers.Factory(
        SalesAnalytics, persistence.unit_of_work.provider, persistence.sales_reports
    )

    # --- servicers ----------------------------------------------------------------------------
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
    order_servicer = providers.Factory(
        OrderServicer,
        queries=order_queries,
        commands=order_commands,
        page_tokens=page_tokens,
        shipping=jobs.seller_shipping,
        carrier_mappings=providers.Factory(
            CarrierMappings, persistence.unit_of_work.provider, core.clock, jobs.provider_catalog
        ),
        providers=jobs.provider_catalog,
        tiktok_shipping=providers.Factory(
            TikTokShippingCommands,
            persistence.unit_of_work.provider,
            core.clock,
            partners.tiktok_api,
            partners.tiktok_fulfillment,
            jobs.order_intake,
        ),
        return_queries=return_queries,
        return_commands=return_commands,
    )
    catalog_servicer = providers.Factory(
        CatalogServicer,
        queries=providers.Factory(CatalogQueries, persistence.query_unit_of_work.provider),
        links=providers.Factory(
            ManualLinks, persistence.unit_of_work.provider, core.clock, jobs.pool_links, jobs.variant_refresh
        ),
        price_rules=providers.Factory(
            PriceRules, persistence.unit_of_work.provider, core.clock, jobs.variant_refresh
        ),
        tasks=providers.Factory(
            CatalogTasks, persistence.unit_of_work.provider, core.clock, core.id_generator, jobs.job_runner
        ),
        page_tokens=page_tokens,
    )
    inventory_servicer = providers.Factory(
        InventoryServicer,
        pools=providers.Factory(
            InventoryPools, persistence.unit_of_work.provider, core.clock, core.id_generator, jobs.job_runner
        ),
        page_tokens=page_tokens,
    )
    analytics_servicer = providers.Factory(
        AnalyticsServicer, analytics=sales_analytics, page_tokens=page_tokens
    )
    api_key_servicer = providers.Factory(ApiKeyServicer, keys=api_keys, page_tokens=page_tokens)

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
            ApiKeyService=api_key_servicer,
        ),
    )
    grpc_server = providers.Coroutine(
        create_server,
        bindings=service_bindings,
        address=core.settings.provided.listen,
        authenticator=authenticator,
        client_certificates=providers.Callable(_client_certificates, core.settings),
        max_message_bytes=core.settings.provided.max_message_bytes,
        limits=providers.Callable(admission_limits, core.settings),
        tls=providers.Callable(server_tls, core.settings),
    )
