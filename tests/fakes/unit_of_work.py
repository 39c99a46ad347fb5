"""The fake unit of work over a ``FakeDatabase``, and the records kept in its transaction
besides the aggregates (import ledger, shop registry, OAuth states, completed requests, shop
overviews)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from datetime import datetime
from types import TracebackType
from typing import Self

from domain.authorization_state import AuthorizationStateInvalid, PendingOAuth
from domain.customers import CustomerLink
from domain.errors import (
    OrderAlreadyImported,
    RequestIdReused,
    ShopLinkedToAnotherApp,
    StaleWrite,
)
from domain.events import DomainEvent
from domain.ids import (
    AppId,
    ShopId,
    ShoplineCustomerId,
    ShoplineOrderId,
    TikTokShopId,
)
from domain.order import (
    ImportKey,
)
from domain.paging import Page
from domain.ports import CompletedRequest, ShopCounts, ShopOverview
from domain.shop import Shop, ShopStatus
from domain.webhooks import WebhookActivity, WebhookDelivery, WebhookSource
from tests.fakes.repositories import (
    FakeAppRepository,
    FakeOrderRepository,
    FakeShopRepository,
    FakeStoreOrderRepository,
    FakeTaskRepository,
    FakeTokenRepository,
)
from tests.fakes.returns import FakeReturnRepository
from tests.fakes.runtime import FakeEventPublisher
from tests.fakes.shipping import (
    FakeCarrierMappingRepository,
    FakeOwnShoplineFulfillments,
    FakeShipmentRepository,
    FakeShippingProviderCache,
)
from tests.fakes.stock import (
    FakeChannelProductRepository,
    FakeInventoryPoolRepository,
    FakePushStateRepository,
    FakeShoplineVariantRepository,
)
from tests.fakes.tables import FakeState, _detached, _standalone


class _Repositories:
    """Builds the fake repositories over a state accessor shared with a unit of work."""

    def __init__(self, state: Callable[[], FakeState], seen: Callable[[object], None]) -> None:
        self.apps = FakeAppRepository(state, seen)
        self.shops = FakeShopRepository(state, seen)
        self.tokens = FakeTokenRepository(state, seen)
        self.inventory_pools = FakeInventoryPoolRepository(state, seen)
        self.push_states = FakePushStateRepository(state)
        self.orders = FakeOrderRepository(state, seen)
        self.order_returns = FakeReturnRepository(state, seen)
        self.channel_products = FakeChannelProductRepository(state, seen)
        self.shopline_variants = FakeShoplineVariantRepository(state)
        self.store_orders = FakeStoreOrderRepository(state)
        self.tasks = FakeTaskRepository(state, seen)
        self.import_ledger = FakeImportLedger(state)
        self.shop_registry = FakeShopRegistry(state)
        self.authorization_states = FakeAuthorizationStateStore(state)
        self.shop_overviews = FakeShopOverviews(state)
        self.completed_requests = FakeCompletedRequests(state)
        self.webhook_inbox = FakeWebhookInbox(state)
        self.customer_links = FakeCustomerLinks(state)
        self.shipments = FakeShipmentRepository(state, seen)
        self.carrier_mappings = FakeCarrierMappingRepository(state)
        self.shipping_providers = FakeShippingProviderCache(state)
        self.own_shopline_fulfillments = FakeOwnShoplineFulfillments(state)


class FakeImportLedger:
    def __init__(self, state: Callable[[], FakeState] | FakeState | None = None) -> None:
        self._state = _standalone(state)

    async def find(self, key: ImportKey) -> ShoplineOrderId | None:
        return self._state().ledger.get(key)

    async def record(self, key: ImportKey, shopline_order_id: ShoplineOrderId, now: datetime) -> None:
        existing = self._state().ledger.get(key)
        if existing is not None and existing != shopline_order_id:
            raise OrderAlreadyImported(key.channel_marker)
        self._state().ledger[key] = shopline_order_id


class FakeDatabase:
    """Committed state shared by every unit of work built on it."""

    def __init__(self) -> None:
        self.state = FakeState()


class FakeUnitOfWork:
    """A transaction over a ``FakeDatabase``: work on a copy, swap it in on commit."""

    def __init__(
        self, database: FakeDatabase | None = None, publisher: FakeEventPublisher | None = None
    ) -> None:
        self.database = database or FakeDatabase()
        self.publisher = publisher or FakeEventPublisher()
        self.commits = 0
        self.rollbacks = 0
        self._working = copy.deepcopy(self.database.state)
        self._seen: list[object] = []
        repositories = _Repositories(lambda: self._working, self._seen.append)
        self.apps = repositories.apps
        self.shops = repositories.shops
        self.tokens = repositories.tokens
        self.inventory_pools = repositories.inventory_pools
        self.push_states = repositories.push_states
        self.orders = repositories.orders
        self.order_returns = repositories.order_returns
        self.channel_products = repositories.channel_products
        self.shopline_variants = repositories.shopline_variants
        self.store_orders = repositories.store_orders
        self.tasks = repositories.tasks
        self.import_ledger = repositories.import_ledger
        self.shop_registry = repositories.shop_registry
        self.authorization_states = repositories.authorization_states
        self.shop_overviews = repositories.shop_overviews
        self.completed_requests = repositories.completed_requests
        self.webhook_inbox = repositories.webhook_inbox
        self.customer_links = repositories.customer_links
        self.shipments = repositories.shipments
        self.carrier_mappings = repositories.carrier_mappings
        self.shipping_providers = repositories.shipping_providers
        self.own_shopline_fulfillments = repositories.own_shopline_fulfillments

    async def __aenter__(self) -> Self:
        self._begin()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.rollback()

    async def commit(self) -> None:
        events: list[DomainEvent] = []
        for aggregate in self._seen:
            pull = getattr(aggregate, "pull_events", None)
            if pull is not None:
                events.extend(pull())
        self.database.state = self._working
        self.commits += 1
        self._begin()
        if events:
            await self.publisher.publish(events)

    async def rollback(self) -> None:
        for aggregate in self._seen:
            pull = getattr(aggregate, "pull_events", None)
            if pull is not None:
                pull()
        if self._working is not self.database.state:
            self.rollbacks += 1
        self._begin()

    def _begin(self) -> None:
        self._working = copy.deepcopy(self.database.state)
        self._seen.clear()


class FakeShopOverviews:
    """Overviews computed from the fake tables, as the database's one-statement query returns them."""

    def __init__(self, state: Callable[[], FakeState] | FakeState | None = None) -> None:
        self._state = _standalone(state)
        self._shops = FakeShopRepository(self._state)

    async def get(self, shop_id: ShopId) -> ShopOverview:
        return self._overview(await self._shops.get(shop_id))

    async def list(
        self, app_id: AppId, *, page_size: int, after: str | None, status: ShopStatus | None = None
    ) -> Page[ShopOverview]:
        page = await self._shops.list(app_id, page_size=page_size, after=after, status=status)
        return Page([self._overview(shop) for shop in page.items], page.next_cursor)

    def _overview(self, shop: Shop) -> ShopOverview:
        state = self._state()
        token = state.tiktok_tokens.get(shop.id)
        products = [p for (shop_id, _), p in state.products.items() if shop_id == shop.id]
        skus = [sku for product in products for sku in product.skus]
        counts = ShopCounts(
            products=len(products),
            skus=len(skus),
            linked_skus=sum(1 for sku in skus if sku.link is not None),
            orders=sum(1 for shop_id, _ in state.orders if shop_id == shop.id),
        )
        return ShopOverview(_detached(shop), None if token is None else token.lifetime, counts)


class FakeCustomerLinks:
    def __init__(self, state: Callable[[], FakeState] | FakeState | None = None) -> None:
        self._state = _standalone(state)

    async def find(self, app_id: AppId, tiktok_user_id: str) -> CustomerLink | None:
        return self._state().customer_links.get((app_id, tiktok_user_id))

    async def save(self, link: CustomerLink) -> None:
        self._state().customer_links[(link.app_id, link.tiktok_user_id)] = link

    async def forget_customers(self, app_id: AppId, customer_ids: Iterable[ShoplineCustomerId]) -> int:
        wanted = set(customer_ids)
        links = self._state().customer_links
        gone = [
            key for key, link in links.items() if key[0] == app_id and link.shopline_customer_id in wanted
        ]
        for key in gone:
            del links[key]
        return len(gone)


class FakeCompletedRequests:
    def __init__(self, state: Callable[[], FakeState] | FakeState | None = None) -> None:
        self._state = _standalone(state)

    async def find(self, app_id: AppId, request_id: str) -> CompletedRequest | None:
        return self._state().completed_requests.get((app_id, request_id))

    async def record(self, request: CompletedRequest) -> None:
        held = self._state().completed_requests.setdefault((request.app_id, request.request_id), request)
        if (held.operation, held.subject) != (request.operation, request.subject):
            raise RequestIdReused()
        if held.result != request.result:
            raise StaleWrite(f"requests/{request.request_id}", "recorded by a concurrent call")


class FakeShopRegistry:
    """TikTok shop id → app, as the unique constraint in the database keeps it.

    Standalone it keeps its own table; inside a ``FakeUnitOfWork`` it is part of the transaction.
    """

    def __init__(self, state: Callable[[], FakeState] | FakeState | None = None) -> None:
        self._state = _standalone(state)

    @property
    def owners(self) -> dict[TikTokShopId, AppId]:
        return self._state().shop_links

    async def claim(self, tiktok_shop_id: TikTokShopId, app_id: AppId) -> None:
        owner = self.owners.setdefault(tiktok_shop_id, app_id)
        if owner != app_id:
            raise ShopLinkedToAnotherApp(tiktok_shop_id)

    async def release(self, tiktok_shop_id: TikTokShopId, app_id: AppId) -> None:
        if self.owners.get(tiktok_shop_id) == app_id:
            del self.owners[tiktok_shop_id]

    async def owner(self, tiktok_shop_id: TikTokShopId) -> AppId | None:
        return self.owners.get(tiktok_shop_id)


class FakeAuthorizationStateStore:
    """Pending OAuth states by hash; ``take`` removes the row, so a state works once."""

    def __init__(self, state: Callable[[], FakeState] | FakeState | None = None) -> None:
        self._state = _standalone(state)

    async def put(self, state_hash: str, pending: PendingOAuth) -> None:
        self._state().oauth_states[state_hash] = pending

    async def take(self, state_hash: str, now: datetime) -> PendingOAuth:
        pending = self._state().oauth_states.pop(state_hash, None)
        if pending is None or pending.expired(now):
            raise AuthorizationStateInvalid()
        return pending


class FakeWebhookInbox:
    def __init__(self, state: Callable[[], FakeState] | FakeState | None = None) -> None:
        self._state = _standalone(state)

    async def add(self, delivery: WebhookDelivery) -> bool:
        key = (delivery.source, delivery.delivery_key)
        if key in self._state().webhook_inbox:
            return False
        self._state().webhook_inbox[key] = delivery
        return True

    async def pending(self, *, limit: int) -> list[WebhookDelivery]:
        waiting = [d for d in self._state().webhook_inbox.values() if not d.processed]
        return sorted(waiting, key=lambda d: (d.received_at, d.delivery_key))[:limit]

    async def save(self, delivery: WebhookDelivery) -> None:
        self._state().webhook_inbox[(delivery.source, delivery.delivery_key)] = delivery

    async def record_subscribed(self, source: WebhookSource, account: str, at: datetime) -> None:
        self._state().webhook_subscribed[(source, account)] = at

    async def activity(self, source: WebhookSource, account: str, since: datetime) -> WebhookActivity:
        received = [
            d.received_at
            for d in self._state().webhook_inbox.values()
            if d.source is source and d.account == account
        ]
        return WebhookActivity(
            subscribed_at=self._state().webhook_subscribed.get((source, account)),
            last_received_at=max(received, default=None),
            received_since=sum(1 for at in received if at >= since),
        )
