"""Repositories: one per aggregate, each reading and writing it inside a unit of work.

Every ``get`` raises the aggregate's ``...NotFound``; ``add`` raises its ``...AlreadyExists``;
``list`` pages by keyset (``after`` is the ``next_cursor`` of the previous page).
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from domain.analytics import StoreOrder
from domain.app import App
from domain.catalog import ChannelProduct, SkuLink
from domain.channel import ShoplineVariant
from domain.customers import CustomerLink
from domain.ids import (
    AppId,
    ChannelProductId,
    ChannelSkuId,
    OrderId,
    PoolId,
    ShopId,
    ShoplineCustomerId,
    ShoplineOrderId,
    ShoplineVariantId,
    TaskId,
    TikTokShopId,
)
from domain.inventory_pool import InventoryPool, ReservationKey
from domain.order import OpenOrderLine, Order, OrderFilter
from domain.paging import Page
from domain.ports.read_models import CatalogCounts
from domain.returns import OrderReturn, ReturnFilter
from domain.shop import Shop, ShopStatus
from domain.stock_push import PushState
from domain.task import Task, TaskKind, TaskState
from domain.tokens import ShoplineToken, TikTokToken


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
    async def owing_shopline_fulfillments(self, *, limit: int) -> builtins.list[Order]:
        """Orders of any shop with TikTok shipments still to mirror in SHOPLINE, oldest update first."""
        ...

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

    async def delete_for_app(self, app_id: AppId) -> int:
        """Forgets the app's cached variants (they are read again at the next refresh)."""
        ...

    async def find_by_inventory_item(self, app_id: AppId, inventory_item_id: str) -> list[ShoplineVariant]:
        """Variants whose SHOPLINE inventory item is ``inventory_item_id``, by variant id."""
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
    async def forget_buyers(
        self, app_id: AppId, buyer_keys: Iterable[str], order_ids: Iterable[ShoplineOrderId]
    ) -> int:
        """Blanks the buyer of the app's store orders placed by these buyers or with these ids
        (a GDPR redaction); the sales figures stay. Returns how many orders changed."""
        ...

    async def delete_for_app(self, app_id: AppId) -> int:
        """Every store order of the app, and how far they were read."""
        ...

    async def count(self, app_id: AppId) -> int: ...
    async def synced_until(self, app_id: AppId) -> datetime | None: ...
    async def set_synced_until(self, app_id: AppId, moment: datetime) -> None: ...


@runtime_checkable
class CustomerLinkRepository(Protocol):
    """Which SHOPLINE customer each TikTok buyer of an app became (one per buyer and app)."""

    async def find(self, app_id: AppId, tiktok_user_id: str) -> CustomerLink | None: ...
    async def save(self, link: CustomerLink) -> None:
        """Inserts the link or replaces the one held for the buyer."""
        ...

    async def forget_customers(self, app_id: AppId, customer_ids: Iterable[ShoplineCustomerId]) -> int:
        """Drops the links to these customers (a GDPR redaction); returns how many went."""
        ...


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
class ReturnRepository(Protocol):
    """TikTok returns, keyed by (our shop id, TikTok return id)."""

    async def get(self, shop_id: ShopId, return_id: str) -> OrderReturn: ...
    async def find(self, shop_id: ShopId, return_id: str) -> OrderReturn | None: ...
    async def add(self, found: OrderReturn) -> None:
        """``StaleWrite`` when the return was added concurrently (read it again and update it)."""
        ...

    async def update(self, found: OrderReturn) -> None: ...
    async def delete_for_shop(self, shop_id: ShopId) -> int: ...
    async def of_order(self, shop_id: ShopId, order_id: OrderId) -> builtins.list[OrderReturn]: ...
    async def due_refunds(self, shop_id: ShopId) -> builtins.list[OrderReturn]:
        """The shop's returns whose SHOPLINE refund is still to be made."""
        ...

    async def search(self, criteria: ReturnFilter, *, page_size: int, after: str | None) -> Page[OrderReturn]:
        """Matching returns newest first (create time, then return id, both descending)."""
        ...
