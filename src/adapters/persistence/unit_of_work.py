"""SQLAlchemy unit of work: one session and transaction per ``async with`` block.

Events recorded by aggregates that passed through the repositories are handed to the
publisher only after the commit succeeded.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.crypto.token_cipher import TokenCipher
from adapters.persistence.repositories.apps import SqlAlchemyAppRepository
from adapters.persistence.repositories.authorization_states import SqlAlchemyAuthorizationStateStore
from adapters.persistence.repositories.channel_products import SqlAlchemyChannelProductRepository
from adapters.persistence.repositories.completed_requests import SqlAlchemyCompletedRequests
from adapters.persistence.repositories.customer_links import SqlAlchemyCustomerLinks
from adapters.persistence.repositories.import_ledger import SqlAlchemyImportLedger
from adapters.persistence.repositories.inventory_pools import SqlAlchemyInventoryPoolRepository
from adapters.persistence.repositories.order_returns import SqlAlchemyReturnRepository
from adapters.persistence.repositories.orders import SqlAlchemyOrderRepository
from adapters.persistence.repositories.push_states import SqlAlchemyPushStateRepository
from adapters.persistence.repositories.shipping import (
    SqlAlchemyCarrierMappingRepository,
    SqlAlchemyOwnShoplineFulfillments,
    SqlAlchemyShipmentRepository,
    SqlAlchemyShippingProviderCache,
)
from adapters.persistence.repositories.shop_overviews import SqlAlchemyShopOverviews
from adapters.persistence.repositories.shopline_variants import SqlAlchemyShoplineVariantRepository
from adapters.persistence.repositories.shops import SqlAlchemyShopRegistry, SqlAlchemyShopRepository
from adapters.persistence.repositories.store_orders import SqlAlchemyStoreOrderRepository
from adapters.persistence.repositories.tasks import SqlAlchemyTaskRepository
from adapters.persistence.repositories.tokens import SqlAlchemyTokenRepository
from adapters.persistence.repositories.webhook_inbox import SqlAlchemyWebhookInbox
from domain.events import DomainEvent
from domain.ports import EventPublisher

R = TypeVar("R")


class SqlAlchemyUnitOfWork:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        publisher: EventPublisher | None = None,
        cipher: TokenCipher | None = None,
        *,
        read_only: bool = False,
    ) -> None:
        """Without a ``cipher`` every repository works except tokens, which refuse to store plaintext.

        A ``read_only`` unit of work is for queries on sessions that run without a transaction
        (``query_session_factory``); it refuses to commit.
        """
        self._sessions = sessions
        self._publisher = publisher
        self._cipher = cipher
        self._read_only = read_only
        self._session: AsyncSession | None = None
        # Repositories are built on first use, once per ``async with`` block.
        self._repositories: dict[str, Any] = {}

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("the unit of work is used outside its `async with` block")
        return self._session

    @property
    def apps(self) -> SqlAlchemyAppRepository:
        return self._repository("apps", SqlAlchemyAppRepository)

    @property
    def shops(self) -> SqlAlchemyShopRepository:
        return self._repository("shops", SqlAlchemyShopRepository)

    @property
    def tokens(self) -> SqlAlchemyTokenRepository:
        return self._repository("tokens", lambda session: SqlAlchemyTokenRepository(session, self._cipher))

    @property
    def inventory_pools(self) -> SqlAlchemyInventoryPoolRepository:
        return self._repository("inventory_pools", SqlAlchemyInventoryPoolRepository)

    @property
    def push_states(self) -> SqlAlchemyPushStateRepository:
        return self._repository("push_states", SqlAlchemyPushStateRepository)

    @property
    def orders(self) -> SqlAlchemyOrderRepository:
        return self._repository("orders", SqlAlchemyOrderRepository)

    @property
    def order_returns(self) -> SqlAlchemyReturnRepository:
        return self._repository("order_returns", SqlAlchemyReturnRepository)

    @property
    def channel_products(self) -> SqlAlchemyChannelProductRepository:
        return self._repository("channel_products", SqlAlchemyChannelProductRepository)

    @property
    def shopline_variants(self) -> SqlAlchemyShoplineVariantRepository:
        return self._repository("shopline_variants", SqlAlchemyShoplineVariantRepository)

    @property
    def tasks(self) -> SqlAlchemyTaskRepository:
        return self._repository("tasks", SqlAlchemyTaskRepository)

    @property
    def store_orders(self) -> SqlAlchemyStoreOrderRepository:
        return self._repository("store_orders", SqlAlchemyStoreOrderRepository)

    @property
    def import_ledger(self) -> SqlAlchemyImportLedger:
        return self._repository("import_ledger", SqlAlchemyImportLedger)

    @property
    def webhook_inbox(self) -> SqlAlchemyWebhookInbox:
        return self._repository("webhook_inbox", SqlAlchemyWebhookInbox)

    @property
    def shop_registry(self) -> SqlAlchemyShopRegistry:
        """The registry inside this transaction: a claim commits together with the shop row."""
        return self._repository("shop_registry", SqlAlchemyShopRegistry)

    @property
    def authorization_states(self) -> SqlAlchemyAuthorizationStateStore:
        return self._repository("authorization_states", SqlAlchemyAuthorizationStateStore)

    @property
    def shop_overviews(self) -> SqlAlchemyShopOverviews:
        return self._repository("shop_overviews", SqlAlchemyShopOverviews)

    @property
    def completed_requests(self) -> SqlAlchemyCompletedRequests:
        return self._repository("completed_requests", SqlAlchemyCompletedRequests)

    @property
    def customer_links(self) -> SqlAlchemyCustomerLinks:
        return self._repository("customer_links", SqlAlchemyCustomerLinks)

    @property
    def shipments(self) -> SqlAlchemyShipmentRepository:
        return self._repository("shipments", SqlAlchemyShipmentRepository)

    @property
    def carrier_mappings(self) -> SqlAlchemyCarrierMappingRepository:
        return self._repository("carrier_mappings", SqlAlchemyCarrierMappingRepository)

    @property
    def shipping_providers(self) -> SqlAlchemyShippingProviderCache:
        return self._repository("shipping_providers", SqlAlchemyShippingProviderCache)

    @property
    def own_shopline_fulfillments(self) -> SqlAlchemyOwnShoplineFulfillments:
        return self._repository("own_shopline_fulfillments", SqlAlchemyOwnShoplineFulfillments)

    async def __aenter__(self) -> Self:
        self._session = self._sessions()
        await self._session.begin()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        session, self._session = self._session, None
        if session is not None and session.in_transaction():
            self._pull_events()  # whatever was not committed is void
        self._repositories = {}
        if session is None:
            return
        # A caller cancelled mid-transaction must not leave the connection holding its write lock:
        # the cleanup runs to its end, then the cancellation goes on.
        cleanup = asyncio.ensure_future(_end(session))
        try:
            await asyncio.shield(cleanup)
        except asyncio.CancelledError:
            if not cleanup.done():
                await asyncio.wait([cleanup])
            raise

    async def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        events = self._pull_events()
        await self.session.commit()
        await self.session.begin()
        if events and self._publisher is not None:
            await self._publisher.publish(events)

    async def rollback(self) -> None:
        self._pull_events()  # recorded changes are void
        await self.session.rollback()
        self._repositories = {}  # versions they remember may have been rolled back
        await self.session.begin()

    def _repository(self, name: str, build: Callable[[AsyncSession], R]) -> R:
        repository = self._repositories.get(name)
        if repository is None:
            repository = self._repositories[name] = build(self.session)
        return repository

    def _pull_events(self) -> list[DomainEvent]:
        events: list[DomainEvent] = []
        for repository in self._repositories.values():
            for aggregate in getattr(repository, "seen", {}).values():
                events.extend(aggregate.pull_events())
        return events


async def _end(session: AsyncSession) -> None:
    """Rolls back and closes; a connection whose rollback failed is discarded, not pooled."""
    try:
        if session.in_transaction():
            await session.rollback()
    except BaseException:
        await session.invalidate()
        raise
    finally:
        await session.close()
