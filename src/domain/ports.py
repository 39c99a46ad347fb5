"""Ports: what the domain and the use cases need from the outside world.

I/O ports are ``async``; ``Clock`` and ``IdGenerator`` are synchronous. Every repository ``get``
raises the aggregate's ``...NotFound``; ``add`` raises its ``...AlreadyExists``; ``list`` pages
by keyset (``after`` is the ``next_cursor`` of the previous page).
"""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

from domain.analytics import (
    CustomerSummaryRow,
    ReportRange,
    SalesGrouping,
    SalesSummaryRow,
    StoreOrder,
    TopProductsPage,
    TopProductsRanking,
)
from domain.app import App
from domain.authorization_state import AuthorizationStateStore
from domain.catalog import ChannelProduct, SkuLink
from domain.channel import (
    AuthorizedShop,
    ChannelProductData,
    InventoryLevel,
    InventoryUpdate,
    ItemFailure,
    NewShoplineOrder,
    PriceUpdate,
    ResultPage,
    ShopCredentials,
    ShoplineCredentials,
    ShoplineLocation,
    ShoplineOrderRef,
    ShoplineVariant,
    TikTokCancellation,
    TikTokOrderData,
    TimeWindow,
    Warehouse,
)
from domain.events import DomainEvent
from domain.ids import (
    AppId,
    ChannelProductId,
    ChannelSkuId,
    OrderId,
    PoolId,
    ShopId,
    ShoplineOrderId,
    ShoplineVariantId,
    TaskId,
    TikTokShopId,
)
from domain.inventory_pool import InventoryPool, ReservationKey
from domain.money import Money
from domain.order import ImportKey, OpenOrderLine, Order, OrderFilter
from domain.paging import Page
from domain.secret import Secret
from domain.shop import Shop, ShopStatus
from domain.stock_push import PushState
from domain.task import Task, TaskKind, TaskState
from domain.tokens import ShoplineGrant, ShoplineToken, TikTokGrant, TikTokToken, TikTokTokenLifetime

# --- Repositories ---------------------------------------------------------------------------


@runtime_checkable
class AppRepository(Protocol):
    async def get(self, app_id: AppId) -> App: ...
    async def find_by_handle(self, store_handle: str) -> App | None: ...
    async def add(self, app: App) -> None: ...
    async def update(self, app: App) -> None: ...
    async def delete(self, app_id: AppId) -> None: ...
    async def list(self, *, page_size: int, after: str | None) -> Page[App]: ...


@runtime_checkable
class ShopRepository(Protocol):
    async def get(self, shop_id: ShopId) -> Shop: ...
    async def find_by_tiktok_shop_id(self, tiktok_shop_id: TikTokShopId) -> Shop | None: ...
    async def add(self, shop: Shop) -> None: ...
    async def update(self, shop: Shop) -> None: ...
    async def delete(self, shop_id: ShopId) -> None: ...
    async def list(
        self, app_id: AppId, *, page_size: int, after: str | None, status: ShopStatus | None = None
    ) -> Page[Shop]:
        """``status`` None means any status."""
        ...

    async def find_by_cipher(self, cipher: str) -> Shop | None: ...


@runtime_checkable
class TokenRepository(Protocol):
    """TikTok tokens keyed by shop, SHOPLINE tokens keyed by app; ``save_*`` inserts or replaces."""

    async def get_tiktok(self, shop_id: ShopId) -> TikTokToken: ...
    async def save_tiktok(self, token: TikTokToken) -> None: ...
    async def delete_tiktok(self, shop_id: ShopId) -> None: ...
    async def list_tiktok(self, *, page_size: int, after: str | None) -> Page[TikTokToken]: ...
    async def get_shopline(self, app_id: AppId) -> ShoplineToken: ...
    async def save_shopline(self, token: ShoplineToken) -> None: ...
    async def delete_shopline(self, app_id: AppId) -> None: ...
    async def list_shopline(self, *, page_size: int, after: str | None) -> Page[ShoplineToken]: ...


@runtime_checkable
class InventoryPoolRepository(Protocol):
    async def get(self, pool_id: PoolId) -> InventoryPool: ...
    async def find_by_variant(self, app_id: AppId, variant_id: ShoplineVariantId) -> InventoryPool | None: ...
    async def find_by_channel_sku(self, sku_id: ChannelSkuId) -> InventoryPool | None: ...
    async def add(self, pool: InventoryPool) -> None: ...
    async def update(self, pool: InventoryPool) -> None: ...
    async def delete(self, pool_id: PoolId) -> None: ...
    async def list(self, app_id: AppId, *, page_size: int, after: str | None) -> Page[InventoryPool]: ...
    async def lock(
        self, pool_id: PoolId, reservations_for: Iterable[ReservationKey] | None = None
    ) -> InventoryPool:
        """The pool read under a write lock held to the end of the transaction, so writers of one
        pool queue instead of losing updates. Lock several pools in ascending id order.

        With ``reservations_for`` only those reservations are loaded (a hot pool's open orders
        are not read for each new one); the others still count in ``held``."""
        ...

    async def pool_ids_for_skus(
        self, shop_id: ShopId, sku_ids: Iterable[ChannelSkuId]
    ) -> dict[ChannelSkuId, PoolId]:
        """The pool each of the shop's SKUs is linked to; unlinked SKUs are left out."""
        ...

    async def pool_ids_for_order(self, shop_id: ShopId, order_id: OrderId) -> builtins.list[PoolId]:
        """Pools holding a reservation of the order, ascending."""
        ...

    async def guard_sku_links(
        self, shop_id: ShopId, sku_ids: Iterable[ChannelSkuId], *, changing: bool
    ) -> None:
        """Until the transaction ends, no one changes these SKUs' links (``changing=False``: an
        order's stock effects are deciding by them), or no one else decides by them or changes
        them (``changing=True``: a link change moves the holds of their open orders). Take it
        before reading links or open order lines, and before locking any pool."""
        ...

    async def list_for_shop(
        self, shop_id: ShopId, *, page_size: int, after: str | None
    ) -> Page[InventoryPool]:
        """Pools with a link or a reservation of the shop, by pool id."""
        ...

    async def list_filtered(
        self, app_id: AppId, pool_filter: PoolFilter, *, page_size: int, after: str | None
    ) -> Page[InventoryPool]:
        """The app's pools matching ``pool_filter`` by SHOPLINE variant id (the cursor)."""
        ...


@dataclass(frozen=True)
class PoolFilter:
    oversold_only: bool = False
    low_stock_threshold: int | None = None
    """Only pools whose ``available`` is at most this."""
    unlinked_only: bool = False

    def matches(self, pool: InventoryPool) -> bool:
        if self.oversold_only and pool.oversold == 0:
            return False
        if self.low_stock_threshold is not None and pool.available > self.low_stock_threshold:
            return False
        return not (self.unlinked_only and pool.linked_skus)


@runtime_checkable
class PushStateRepository(Protocol):
    """Stock push rows (see ``domain.stock_push``). Their ``desired`` values are written by the
    pool repository together with each pool change; pushers record outcomes here."""

    async def for_pool(self, pool_id: PoolId) -> builtins.list[PushState]: ...
    async def find(self, pool_id: PoolId, sku_id: ChannelSkuId) -> PushState | None: ...
    async def due(self, now: datetime, *, limit: int) -> builtins.list[PushState]:
        """Rows whose push is due, oldest attempt first."""
        ...

    async def record(self, state: PushState, seq: int) -> None:
        """Stores a push outcome computed from the row as read with ``desired_seq == seq``; a
        ``desired`` written meanwhile is kept and leaves the row pending."""
        ...

    async def request(self, pool_id: PoolId, sku_id: ChannelSkuId) -> None:
        """Makes the row due now (a forced push or repaired drift)."""
        ...

    async def claim(
        self,
        keys: Iterable[tuple[PoolId, ChannelSkuId]],
        owner: str,
        now: datetime,
        until: datetime,
    ) -> builtins.set[tuple[PoolId, ChannelSkuId]]:
        """Leases the rows no other pusher holds to ``owner`` until ``until``; returns those taken.
        ``record`` ends the lease."""
        ...

    async def list_for_app(
        self, app_id: AppId, *, page_size: int, after: str | None, pool_id: PoolId | None = None
    ) -> Page[PushState]:
        """The app's rows (or one pool's) by pool id then SKU id; the cursor is ``pool/sku``."""
        ...


@runtime_checkable
class OrderRepository(Protocol):
    """Orders are keyed by (our shop id, TikTok order id)."""

    async def get(self, shop_id: ShopId, order_id: OrderId) -> Order: ...
    async def find(self, shop_id: ShopId, order_id: OrderId) -> Order | None: ...
    async def add(self, order: Order) -> None: ...
    async def update(self, order: Order) -> None: ...
    async def delete(self, shop_id: ShopId, order_id: OrderId) -> None: ...
    async def delete_for_shop(self, shop_id: ShopId) -> int: ...
    async def list(self, shop_id: ShopId, *, page_size: int, after: str | None) -> Page[Order]: ...
    async def find_many(self, shop_id: ShopId, order_ids: Iterable[OrderId]) -> dict[OrderId, Order]:
        """The stored orders among ``order_ids`` (for batch imports); missing ids are left out."""
        ...

    async def save_many(self, batch: Sequence[Order]) -> None:
        """Adds new orders and updates ones read in this unit of work; ``StaleWrite`` on a conflict."""
        ...

    async def count_for_shop(self, shop_id: ShopId) -> int: ...

    async def open_lines(
        self, shop_id: ShopId, sku_ids: Iterable[ChannelSkuId]
    ) -> builtins.list[OpenOrderLine]:
        """The lines of the shop's stock-holding orders (``Order.open_lines``) with these SKUs,
        by order id, without reading the orders."""
        ...

    async def search(self, criteria: OrderFilter, *, page_size: int, after: str | None) -> Page[Order]:
        """Matching orders newest first (create time, then order id, then shop id, all descending);
        ``after`` is the ``next_cursor`` of the previous page."""
        ...


@runtime_checkable
class ChannelProductRepository(Protocol):
    """Channel products are keyed by (our shop id, TikTok product id)."""

    async def get(self, shop_id: ShopId, product_id: ChannelProductId) -> ChannelProduct: ...
    async def find(self, shop_id: ShopId, product_id: ChannelProductId) -> ChannelProduct | None: ...
    async def find_by_sku(self, shop_id: ShopId, sku_id: ChannelSkuId) -> ChannelProduct | None: ...
    async def add(self, product: ChannelProduct) -> None: ...
    async def update(self, product: ChannelProduct) -> None: ...
    async def delete(self, shop_id: ShopId, product_id: ChannelProductId) -> None: ...
    async def delete_for_shop(self, shop_id: ShopId) -> int: ...
    async def list(self, shop_id: ShopId, *, page_size: int, after: str | None) -> Page[ChannelProduct]: ...
    async def find_many(
        self, shop_id: ShopId, product_ids: Iterable[ChannelProductId]
    ) -> dict[ChannelProductId, ChannelProduct]:
        """The stored products among ``product_ids`` (for batch imports); missing ids are left out."""
        ...

    async def sku_links(
        self, shop_id: ShopId, sku_ids: Iterable[ChannelSkuId]
    ) -> dict[ChannelSkuId, SkuLink]:
        """The links of the linked SKUs among ``sku_ids``, without reading their products."""
        ...

    async def save_many(self, batch: Sequence[ChannelProduct]) -> None:
        """Adds new products and updates ones read in this unit of work; ``StaleWrite`` on a conflict."""
        ...

    async def lacking_attributes(self, shop_id: ShopId, *, limit: int) -> Sequence[ChannelProductId]:
        """Up to ``limit`` products of the shop with a SKU whose sales attributes are unknown, by id."""
        ...

    async def count_for_shop(self, shop_id: ShopId) -> CatalogCounts: ...


@runtime_checkable
class ShoplineVariantRepository(Protocol):
    """A cache of each app's SHOPLINE variants, keyed by (app id, variant id).

    ``upsert_many`` inserts new variants and replaces cached ones unless the cached copy is newer
    (by ``updated_at``), so a late page of an older read cannot roll a price back. ``list`` pages
    by variant id; ``after`` is the ``next_cursor`` of the previous page.
    """

    async def upsert_many(self, app_id: AppId, variants: Sequence[ShoplineVariant]) -> None: ...
    async def get_many(
        self, app_id: AppId, variant_ids: Iterable[ShoplineVariantId]
    ) -> dict[ShoplineVariantId, ShoplineVariant]:
        """The cached variants among ``variant_ids``; missing ids are left out."""
        ...

    async def find_by_sku(self, app_id: AppId, sku: str) -> list[ShoplineVariant]:
        """Variants whose SKU code equals ``sku`` exactly, by variant id."""
        ...

    async def find_by_skus(self, app_id: AppId, skus: Iterable[str]) -> list[ShoplineVariant]:
        """Variants whose SKU code equals any of ``skus`` exactly, by variant id (one query)."""
        ...

    async def list(self, app_id: AppId, *, page_size: int, after: str | None) -> Page[ShoplineVariant]: ...
    async def newest_update(self, app_id: AppId) -> datetime | None:
        """The latest ``updated_at`` among the app's cached variants (where an incremental read starts)."""
        ...


@runtime_checkable
class StoreOrderRepository(Protocol):
    """The SHOPLINE store's own orders per app (analytics), and how far they have been read."""

    async def upsert_many(self, app_id: AppId, orders: Sequence[StoreOrder]) -> None:
        """Inserts or replaces each order with its lines, unless the stored copy is newer."""
        ...

    async def delete_many(self, app_id: AppId, order_ids: Iterable[ShoplineOrderId]) -> int: ...
    async def count(self, app_id: AppId) -> int: ...
    async def synced_until(self, app_id: AppId) -> datetime | None: ...
    async def set_synced_until(self, app_id: AppId, moment: datetime) -> None: ...


@runtime_checkable
class TaskRepository(Protocol):
    async def get(self, task_id: TaskId) -> Task: ...
    async def add(self, task: Task) -> None: ...
    async def update(self, task: Task) -> None: ...
    async def delete(self, task_id: TaskId) -> None: ...
    async def delete_for_shop(self, shop_id: ShopId) -> int: ...
    async def list(self, app_id: AppId, *, page_size: int, after: str | None) -> Page[Task]: ...
    async def list_runnable(self, now: datetime, *, limit: int) -> Sequence[Task]:
        """PENDING tasks and RUNNING ones whose lease expired, oldest first."""
        ...

    async def list_filtered(
        self,
        app_id: AppId,
        *,
        page_size: int,
        after: str | None,
        shop_id: ShopId | None = None,
        kind: TaskKind | None = None,
        state: TaskState | None = None,
    ) -> Page[Task]:
        """The app's tasks newest first (``created_at`` descending, then id descending).

        A filter left at None matches anything; ``after`` is the ``next_cursor`` of the previous page.
        """
        ...


@runtime_checkable
class ImportLedger(Protocol):
    """Which SHOPLINE order each channel order became; survives shop deletion."""

    async def find(self, key: ImportKey) -> ShoplineOrderId | None: ...
    async def record(self, key: ImportKey, shopline_order_id: ShoplineOrderId, now: datetime) -> None:
        """Idempotent for the same SHOPLINE order; ``OrderAlreadyImported`` for another one."""
        ...


@runtime_checkable
class ShopRegistry(Protocol):
    """Which app each TikTok shop is linked to (a unique constraint in the database)."""

    async def claim(self, tiktok_shop_id: TikTokShopId, app_id: AppId) -> None:
        """Idempotent for the same app; ``ShopLinkedToAnotherApp`` when another app holds it."""
        ...

    async def release(self, tiktok_shop_id: TikTokShopId, app_id: AppId) -> None:
        """Frees the shop id if ``app_id`` holds it; otherwise does nothing."""
        ...

    async def owner(self, tiktok_shop_id: TikTokShopId) -> AppId | None: ...


@dataclass(frozen=True)
class CompletedRequest:
    """A call that changed state under a client's ``request_id``: ``operation`` on ``subject``."""

    app_id: AppId
    request_id: str
    operation: str
    subject: str
    completed_at: datetime
    result: str | None = None
    """What the call produced when its subject does not say (e.g. the task a start created)."""


@runtime_checkable
class CompletedRequests(Protocol):
    """Client retry keys, written in the same transaction as the change they name, so a retry
    finds the first call's result instead of doing it again."""

    async def find(self, app_id: AppId, request_id: str) -> CompletedRequest | None: ...
    async def record(self, request: CompletedRequest) -> None:
        """``RequestIdReused`` when the app already used the id for another operation or subject;
        ``StaleWrite`` when a concurrent call with the same id recorded another result first (a
        retry from a fresh read then replays it)."""
        ...


@runtime_checkable
class UnitOfWork(Protocol):
    """``async with uow:`` opens a transaction; leaving without ``commit`` rolls back.

    Events recorded by aggregates loaded or saved through the repositories are published after a
    successful commit, never after a rollback.
    """

    @property
    def apps(self) -> AppRepository: ...
    @property
    def shops(self) -> ShopRepository: ...
    @property
    def tokens(self) -> TokenRepository: ...
    @property
    def inventory_pools(self) -> InventoryPoolRepository: ...
    @property
    def push_states(self) -> PushStateRepository: ...
    @property
    def orders(self) -> OrderRepository: ...
    @property
    def channel_products(self) -> ChannelProductRepository: ...
    @property
    def shopline_variants(self) -> ShoplineVariantRepository: ...
    @property
    def tasks(self) -> TaskRepository: ...
    @property
    def store_orders(self) -> StoreOrderRepository: ...
    @property
    def import_ledger(self) -> ImportLedger: ...
    @property
    def shop_registry(self) -> ShopRegistry: ...
    @property
    def authorization_states(self) -> AuthorizationStateStore: ...
    @property
    def shop_overviews(self) -> ShopOverviews: ...
    @property
    def completed_requests(self) -> CompletedRequests: ...

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...


@runtime_checkable
class EventPublisher(Protocol):
    """Where a unit of work hands its events after commit (handlers, the task progress stream)."""

    async def publish(self, events: Sequence[DomainEvent]) -> None: ...


# --- Time, ids, jobs ------------------------------------------------------------------------


@runtime_checkable
class Clock(Protocol):
    def now(self) -> datetime:
        """Timezone-aware UTC."""
        ...


@runtime_checkable
class IdGenerator(Protocol):
    def new_id(self) -> str: ...


@dataclass(frozen=True)
class Job:
    """Background work: ``name`` selects the handler, ``arguments`` are its primitive inputs."""

    name: str
    arguments: Mapping[str, str] = field(default_factory=dict)
    not_before: datetime | None = None
    dedupe_key: str | None = None
    """Jobs with the same key that are still queued are enqueued once."""


@runtime_checkable
class JobQueue(Protocol):
    async def enqueue(self, job: Job) -> None: ...


# --- Partners -------------------------------------------------------------------------------


@runtime_checkable
class TikTokTokenRefresh(Protocol):
    """Renewing a TikTok grant: all that keeping tokens alive needs from TikTok."""

    async def refresh(self, refresh_token: Secret) -> TikTokGrant:
        """``PartnerTokenRevoked`` when TikTok rejects the refresh token as invalid or expired."""
        ...


@runtime_checkable
class AccessTokenRefresher(Protocol):
    """What the TikTok adapter asks for a new access token after TikTok rejected a shop's one."""

    async def refresh_for(self, credentials: ShopCredentials) -> Secret | None:
        """A fresh access token for the shop of ``credentials`` (the rotated pair already
        stored), or None when the shop cannot be refreshed. Passing partner failures propagate."""
        ...


@runtime_checkable
class TikTokChannelApi(Protocol):
    """TikTok Shop Partner API. Raises ``PartnerError`` subclasses only."""

    async def exchange_code(self, code: str) -> TikTokGrant: ...
    async def refresh(self, refresh_token: Secret) -> TikTokGrant:
        """``PartnerTokenRevoked`` when TikTok rejects the refresh token as invalid or expired."""
        ...

    async def authorized_shops(self, access_token: Secret) -> list[AuthorizedShop]: ...

    def authorization_url(self, region: str, state: str) -> str:
        """The consent page for sellers of ``region`` (a ``Region`` value); TikTok echoes ``state``."""
        ...

    def search_products(
        self, credentials: ShopCredentials, window: TimeWindow, *, page_size: int = 100
    ) -> AsyncIterator[ResultPage[ChannelProductData]]:
        """Products updated in ``window``, page by page."""
        ...

    async def get_product(
        self, credentials: ShopCredentials, product_id: ChannelProductId
    ) -> ChannelProductData: ...
    async def update_inventory(
        self, credentials: ShopCredentials, product_id: ChannelProductId, updates: Sequence[InventoryUpdate]
    ) -> list[ItemFailure]: ...
    async def update_prices(
        self, credentials: ShopCredentials, product_id: ChannelProductId, updates: Sequence[PriceUpdate]
    ) -> list[ItemFailure]: ...

    def search_orders(
        self, credentials: ShopCredentials, window: TimeWindow, *, page_size: int = 100
    ) -> AsyncIterator[ResultPage[TikTokOrderData]]:
        """Orders updated in ``window`` (start inclusive, end exclusive), oldest update first."""
        ...

    def search_order_ids(
        self, credentials: ShopCredentials, window: TimeWindow, *, page_size: int = 100
    ) -> AsyncIterator[ResultPage[OrderId]]:
        """The ids of ``search_orders``'s pages, for callers that read the details anyway."""
        ...

    async def get_orders(
        self, credentials: ShopCredentials, order_ids: Sequence[OrderId]
    ) -> list[TikTokOrderData]:
        """At most 50 ids per call."""
        ...

    def search_cancellations(
        self, credentials: ShopCredentials, window: TimeWindow, *, page_size: int = 100
    ) -> AsyncIterator[ResultPage[TikTokCancellation]]: ...

    async def approve_cancellation(self, credentials: ShopCredentials, cancel_id: str) -> None: ...
    async def reject_cancellation(
        self, credentials: ShopCredentials, cancel_id: str, reason: str
    ) -> None: ...
    async def cancel_order(self, credentials: ShopCredentials, order_id: OrderId, reason: str) -> str:
        """Seller cancellation of the whole order; returns the cancel id."""
        ...

    async def cancel_reasons(self, credentials: ShopCredentials, order_id: OrderId) -> list[str]:
        """Reason names TikTok accepts now for a seller cancellation of the order (aftersale
        eligibility); empty when the seller cannot cancel it."""
        ...

    async def warehouses(self, credentials: ShopCredentials) -> list[Warehouse]: ...


@runtime_checkable
class ShoplineApi(Protocol):
    """SHOPLINE Open API for one store. Raises ``PartnerError`` subclasses only."""

    async def create_token(self, store_handle: str, code: str) -> ShoplineGrant: ...
    async def refresh_token(self, store_handle: str) -> ShoplineGrant: ...

    def install_url(
        self, store_handle: str, scopes: Sequence[str], redirect_uri: str, custom_field: str | None = None
    ) -> str:
        """SHOPLINE's authorize page for the store; ``custom_field`` comes back on the callback."""
        ...

    def verify_callback(self, params: Mapping[str, str]) -> bool:
        """The redirect's ``sign`` matches its other parameters (adapters may also check recency)."""
        ...

    async def store_currency(self, credentials: ShoplineCredentials) -> str:
        """The store's settlement currency (ISO 4217), the currency of its variant prices."""
        ...

    def variants(
        self, credentials: ShoplineCredentials, currency: str, *, updated_since: datetime | None = None
    ) -> AsyncIterator[Sequence[ShoplineVariant]]:
        """Every variant of every product (of products updated at or after ``updated_since`` when
        given), page by page; SHOPLINE prices are bare amounts, ``currency`` is the store's."""
        ...

    async def update_variant_price(
        self, credentials: ShoplineCredentials, variant_id: ShoplineVariantId, price: Money
    ) -> None: ...
    async def inventory_levels(
        self, credentials: ShoplineCredentials, inventory_item_ids: Sequence[str], location_ids: Sequence[str]
    ) -> list[InventoryLevel]: ...
    async def set_inventory_level(
        self, credentials: ShoplineCredentials, inventory_item_id: str, location_id: str, available: int
    ) -> InventoryLevel: ...
    async def locations(self, credentials: ShoplineCredentials) -> list[ShoplineLocation]: ...
    async def create_order(
        self, credentials: ShoplineCredentials, order: NewShoplineOrder
    ) -> ShoplineOrderRef: ...
    async def find_order_by_channel_marker(
        self, credentials: ShoplineCredentials, channel_marker: str
    ) -> ShoplineOrderRef | None: ...
    async def cancel_order(
        self, credentials: ShoplineCredentials, order_id: ShoplineOrderId, *, restock: bool, reason: str
    ) -> None: ...

    def orders_updated(
        self, credentials: ShoplineCredentials, window: TimeWindow
    ) -> AsyncIterator[Sequence[ShoplineOrderRef]]: ...

    def store_orders_updated(
        self, credentials: ShoplineCredentials, window: TimeWindow
    ) -> AsyncIterator[Sequence[StoreOrder]]:
        """Full orders updated in ``window`` (start inclusive, end exclusive), page by page;
        orders imported from a channel come with their ``channel_marker`` set."""
        ...


# --- Read models ----------------------------------------------------------------------------


@runtime_checkable
class SalesReports(Protocol):
    """Sales and buyer figures of an app over its TikTok orders and its store orders, computed by
    the database. Counted orders: paid, created in the range; cancelled ones add no units or sales."""

    async def sales_summary(
        self, app_id: AppId, period: ReportRange, grouping: SalesGrouping, time_zone: str
    ) -> list[SalesSummaryRow]:
        """One row per group and currency, in no particular order."""
        ...

    async def top_products(
        self,
        app_id: AppId,
        period: ReportRange,
        ranking: TopProductsRanking,
        currency: str | None,
        *,
        offset: int,
        limit: int,
    ) -> TopProductsPage: ...

    async def customer_summary(self, app_id: AppId, period: ReportRange) -> list[CustomerSummaryRow]:
        """One row per TikTok shop with counted buyers and one for the store, in no particular order."""
        ...


@dataclass(frozen=True)
class CatalogCounts:
    """How much of a shop's TikTok catalog we hold."""

    products: int = 0
    skus: int = 0
    linked_skus: int = 0


@dataclass(frozen=True)
class ShopCounts:
    """What we hold of a shop."""

    products: int = 0
    skus: int = 0
    linked_skus: int = 0
    orders: int = 0


@dataclass(frozen=True)
class ShopOverview:
    """A shop with its credentials' lifetime and what we hold of it, as status views show it."""

    shop: Shop
    token: TikTokTokenLifetime | None
    counts: ShopCounts


@runtime_checkable
class ShopOverviews(Protocol):
    """Shop overviews read in one query each, whatever the number of shops on the page."""

    async def get(self, shop_id: ShopId) -> ShopOverview:
        """``ShopNotFound`` when there is no such shop."""
        ...

    async def list(
        self, app_id: AppId, *, page_size: int, after: str | None, status: ShopStatus | None = None
    ) -> Page[ShopOverview]:
        """Ordered and paged exactly like ``ShopRepository.list``."""
        ...


# --- Task change notifications --------------------------------------------------------------


@runtime_checkable
class TaskChangeSubscription(Protocol):
    """One watcher's view of a task's changes."""

    async def wait(self, at_most: timedelta) -> bool:
        """True as soon as the task may have changed since the last call; False after ``at_most``."""
        ...

    async def close(self) -> None: ...


@runtime_checkable
class TaskChangeFeed(Protocol):
    """Wakes watchers of a task after a commit changed it (fed from ``TaskChanged`` events).

    Best effort and possibly local to one process: watchers also re-read the task now and then,
    so a change made by another process is seen too.
    """

    def subscribe(self, task_id: TaskId) -> TaskChangeSubscription: ...
