"""The database, the units of work, and the one table of reactions to committed events."""

from __future__ import annotations

from collections.abc import AsyncIterator

from dependency_injector import containers, providers
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.crypto.token_cipher import TokenCipher
from adapters.events.reactions import ReactionTable
from adapters.jobs.change_feed import InProcessTaskChangeFeed
from adapters.persistence.engine import create_engine, query_session_factory, session_factory
from adapters.persistence.repositories.api_keys import SqlAlchemyApiKeyRepository
from adapters.persistence.sales_reports import SqlSalesReports
from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork
from adapters.settings import Settings
from domain.events import (
    AppInstalled,
    PoolAvailabilityChanged,
    PoolLinksChanged,
    ShopAuthorized,
    ShopReauthorized,
    TaskChanged,
)
from domain.fulfillment import ShipmentsDue
from services.fulfillment.sender import ShipmentWakeup
from services.inventory.push import PushWakeup
from services.inventory.upkeep import LinkedPoolObserver
from services.webhooks.subscribing import SubscriptionScheduler


def event_reactions(
    task_changes: InProcessTaskChangeFeed,
    stock_push: PushWakeup,
    linked_pools: LinkedPoolObserver,
    webhook_subscribing: SubscriptionScheduler,
    *,
    shipments: ShipmentWakeup | None = None,
) -> ReactionTable:
    """Which in-process reaction runs on which committed domain event; add a reaction here."""
    return ReactionTable(
        {
            TaskChanged: [task_changes.tasks_changed],
            PoolAvailabilityChanged: [stock_push.pools_changed],
            PoolLinksChanged: [stock_push.pools_changed, linked_pools.links_changed],
            AppInstalled: [webhook_subscribing.apps_installed],
            ShopAuthorized: [webhook_subscribing.shops_authorized],
            ShopReauthorized: [webhook_subscribing.shops_authorized],
            ShipmentsDue: [] if shipments is None else [shipments.shipments_due],
        }
    )


async def _disposed_at_shutdown(engine: AsyncEngine) -> AsyncIterator[None]:
    # The engine itself is a plain singleton (so dependents stay synchronous); this resource only
    # closes its pool when the container shuts down.
    try:
        yield None
    finally:
        await engine.dispose()


def _token_cipher(settings: Settings) -> TokenCipher | None:
    if settings.token_key is None:
        return None
    return TokenCipher(settings.token_key, settings.token_old_keys)


class Persistence(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()

    engine = providers.Singleton(
        create_engine,
        core.settings.provided.database_url,
        pool_size=core.settings.provided.db_pool_size,
        pool_timeout=core.settings.provided.db_pool_timeout_seconds,
    )
    engine_lifecycle = providers.Resource(_disposed_at_shutdown, engine)
    sessions = providers.Singleton(session_factory, engine)
    token_cipher = providers.Singleton(_token_cipher, core.settings)

    task_changes = providers.Singleton(InProcessTaskChangeFeed)
    stock_push_wakeup = providers.Singleton(PushWakeup)
    linked_pool_observer = providers.Singleton(LinkedPoolObserver)
    webhook_subscribing = providers.Singleton(SubscriptionScheduler)
    shipment_wakeup = providers.Singleton(ShipmentWakeup)
    events = providers.Singleton(
        event_reactions,
        task_changes,
        stock_push_wakeup,
        linked_pool_observer,
        webhook_subscribing,
        shipments=shipment_wakeup,
    )

    unit_of_work = providers.Factory(SqlAlchemyUnitOfWork, sessions, publisher=events, cipher=token_cipher)
    query_sessions = providers.Singleton(query_session_factory, engine)
    query_unit_of_work = providers.Factory(
        SqlAlchemyUnitOfWork, query_sessions, cipher=token_cipher, read_only=True
    )
    sales_reports = providers.Singleton(SqlSalesReports, engine)
    api_keys = providers.Singleton(SqlAlchemyApiKeyRepository, sessions)
