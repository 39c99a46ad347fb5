"""Ports: what the domain and the use cases need from the outside world.

I/O ports are ``async``; ``Clock`` and ``IdGenerator`` are synchronous. Every repository ``get``
raises the aggregate's ``...NotFound``; ``add`` raises its ``...AlreadyExists``; ``list`` pages
by keyset (``after`` is the ``next_cursor`` of the previous page).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

from domain.app import App
from domain.authorization_state import AuthorizationStateStore
from domain.catalog import ChannelProduct
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
from domain.inventory_pool import InventoryPool
from domain.money import Money
from domain.order import ImportKey, Order
from domain.paging import Page
from domain.secret import Secret
from domain.shop import Shop, ShopStatus
from domain.task import Task, TaskKind, TaskState
from domain.tokens import ShoplineGrant, ShoplineToken, TikTokGrant, TikTokToken

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

    async def save_many(self, batch: Sequence[ChannelProduct]) -> None:
        """Adds new products and updates ones read in this unit of work; ``StaleWrite`` on a conflict."""
        ...

    async def count_for_shop(self, shop_id: ShopId) -> CatalogCounts: ...


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
    def orders(self) -> OrderRepository: ...
    @property
    def channel_products(self) -> ChannelProductRepository: ...
    @property
    def tasks(self) -> TaskRepository: ...
    @property
    def import_ledger(self) -> ImportLedger: ...
    @property
    def shop_registry(self) -> ShopRegistry: ...
    @property
    def authorization_states(self) -> AuthorizationStateStore: ...

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

    def variants(self, credentials: ShoplineCredentials) -> AsyncIterator[Sequence[ShoplineVariant]]:
        """Every variant of every product, page by page."""
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


# --- Read models ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogCounts:
    """How much of a shop's TikTok catalog we hold."""

    products: int = 0
    skus: int = 0
    linked_skus: int = 0


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
