"""Stateful fakes of every port in ``domain.ports``.

They hold state and raise the same domain errors as the real adapters, so tests assert outcomes
rather than calls. Repositories hand out copies: a change is only kept after ``update``/``add``
and a commit, as with the database adapter.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import hmac
import itertools
from collections.abc import AsyncIterator, Callable, Hashable, Iterable, Mapping, Sequence
from contextlib import aclosing
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Generic, Self, TypeVar

from domain.analytics import (
    CustomerSummaryRow,
    ReportRange,
    SalesChannel,
    SalesFigures,
    SalesGrouping,
    SalesSummaryRow,
    SkuRef,
    StoreOrder,
    TopProduct,
    TopProductsPage,
    TopProductsRanking,
    to_e4,
)
from domain.app import App
from domain.authorization_state import AuthorizationStateInvalid, PendingOAuth
from domain.catalog import ChannelProduct, SkuLink
from domain.channel import (
    SHOPLINE,
    TIKTOK,
    AuthorizedShop,
    CancellationStatus,
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
from domain.errors import (
    AppAlreadyExists,
    AppNotFound,
    ChannelProductAlreadyExists,
    ChannelProductClosed,
    ChannelProductNotFound,
    DomainError,
    OrderAlreadyExists,
    OrderAlreadyImported,
    OrderNotFound,
    PartnerAuthExpired,
    PartnerError,
    PartnerRejected,
    PartnerTokenRevoked,
    PoolAlreadyExists,
    PoolNotFound,
    RequestIdReused,
    ShopAlreadyExists,
    ShopLinkedToAnotherApp,
    ShopNotFound,
    StaleWrite,
    TaskAlreadyExists,
    TaskNotFound,
    TokenNotFound,
)
from domain.events import DomainEvent, TaskChanged
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
from domain.order import (
    ImportKey,
    OpenOrderLine,
    Order,
    OrderFilter,
    newest_first_position,
    parse_newest_first_position,
)
from domain.paging import Page
from domain.ports import CatalogCounts, CompletedRequest, Job, PoolFilter, ShopCounts, ShopOverview
from domain.secret import Secret
from domain.shop import Shop, ShopStatus
from domain.stock_push import PushResult, PushState, push_changes
from domain.task import Task, TaskKind, TaskState
from domain.tokens import ShoplineGrant, ShoplineToken, TikTokGrant, TikTokToken

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


# --- Time, ids, jobs, events ----------------------------------------------------------------


class FakeClock:
    def __init__(self, now: datetime = EPOCH) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    def set(self, now: datetime) -> None:
        self._now = now


class FakeIdGenerator:
    def __init__(self, prefix: str = "id") -> None:
        self._prefix = prefix
        self._counter = itertools.count(1)

    def new_id(self) -> str:
        return f"{self._prefix}-{next(self._counter):06d}"


class FakeJobQueue:
    def __init__(self) -> None:
        self.jobs: list[Job] = []

    async def enqueue(self, job: Job) -> None:
        if job.dedupe_key is not None and any(j.dedupe_key == job.dedupe_key for j in self.jobs):
            return
        self.jobs.append(job)

    def take_all(self) -> list[Job]:
        jobs, self.jobs = self.jobs, []
        return jobs


class FakeEventPublisher:
    def __init__(self) -> None:
        self.published: list[DomainEvent] = []

    async def publish(self, events: Sequence[DomainEvent]) -> None:
        self.published.extend(events)


# --- Persistence ----------------------------------------------------------------------------


@dataclass
class FakeState:
    """Every table of the fake database."""

    apps: dict[AppId, App] = field(default_factory=dict)
    shops: dict[ShopId, Shop] = field(default_factory=dict)
    tiktok_tokens: dict[ShopId, TikTokToken] = field(default_factory=dict)
    shopline_tokens: dict[AppId, ShoplineToken] = field(default_factory=dict)
    pools: dict[PoolId, InventoryPool] = field(default_factory=dict)
    push_states: dict[tuple[PoolId, ChannelSkuId], PushState] = field(default_factory=dict)
    orders: dict[tuple[ShopId, OrderId], Order] = field(default_factory=dict)
    products: dict[tuple[ShopId, ChannelProductId], ChannelProduct] = field(default_factory=dict)
    tasks: dict[TaskId, Task] = field(default_factory=dict)
    ledger: dict[ImportKey, ShoplineOrderId] = field(default_factory=dict)
    shop_links: dict[TikTokShopId, AppId] = field(default_factory=dict)
    oauth_states: dict[str, PendingOAuth] = field(default_factory=dict)
    shopline_variants: dict[tuple[AppId, ShoplineVariantId], ShoplineVariant] = field(default_factory=dict)
    completed_requests: dict[tuple[AppId, str], CompletedRequest] = field(default_factory=dict)
    store_orders: dict[tuple[AppId, ShoplineOrderId], StoreOrder] = field(default_factory=dict)
    store_orders_synced_until: dict[AppId, datetime] = field(default_factory=dict)


def _detached(aggregate: V) -> V:
    """A copy without pending events, as a row read back from the database would be."""
    duplicate = copy.deepcopy(aggregate)
    if hasattr(duplicate, "_events"):
        duplicate._events = []
    return duplicate


class _Table(Generic[K, V]):
    """Copy-in, copy-out storage with keyset paging over the string form of the key."""

    def __init__(
        self,
        rows: Callable[[], dict[K, V]],
        not_found: Callable[[str], DomainError],
        already_exists: Callable[[str], DomainError],
        seen: Callable[[object], None],
    ) -> None:
        self._rows = rows
        self._not_found = not_found
        self._already_exists = already_exists
        self._seen = seen

    def get(self, key: K) -> V:
        try:
            row = self._rows()[key]
        except KeyError:
            raise self._not_found(_name(key)) from None
        found = _detached(row)
        self._seen(found)
        return found

    def find(self, key: K) -> V | None:
        return self.get(key) if key in self._rows() else None

    def find_where(self, predicate: Callable[[V], bool]) -> V | None:
        for key in sorted(self._rows(), key=_name):
            if predicate(self._rows()[key]):
                return self.get(key)
        return None

    def add(self, key: K, aggregate: V) -> None:
        if key in self._rows():
            raise self._already_exists(_name(key))
        self._seen(aggregate)
        self._rows()[key] = _detached(aggregate)

    def update(self, key: K, aggregate: V) -> None:
        if key not in self._rows():
            raise self._not_found(_name(key))
        self._seen(aggregate)
        self._rows()[key] = _detached(aggregate)

    def put(self, key: K, aggregate: V) -> None:
        self._seen(aggregate)
        self._rows()[key] = _detached(aggregate)

    def delete(self, key: K) -> None:
        if key not in self._rows():
            raise self._not_found(_name(key))
        del self._rows()[key]

    def delete_where(self, predicate: Callable[[V], bool]) -> int:
        doomed = [k for k, v in self._rows().items() if predicate(v)]
        for key in doomed:
            del self._rows()[key]
        return len(doomed)

    def count_where(self, predicate: Callable[[V], bool]) -> int:
        return sum(1 for row in self._rows().values() if predicate(row))

    def rows_where(self, predicate: Callable[[V], bool]) -> list[V]:
        return [_detached(row) for row in self._rows().values() if predicate(row)]

    def page(self, predicate: Callable[[V], bool], page_size: int, after: str | None) -> Page[V]:
        keys = sorted((k for k, v in self._rows().items() if predicate(v)), key=_name)
        if after is not None:
            keys = [k for k in keys if _name(k) > after]
        chosen = keys[: max(page_size, 1)]
        more = len(keys) > len(chosen)
        items = [self.get(k) for k in chosen]
        return Page(items, _name(chosen[-1]) if more and chosen else None)


def _name(key: object) -> str:
    return "/".join(key) if isinstance(key, tuple) else str(key)


class _Repositories:
    """Builds the fake repositories over a state accessor shared with a unit of work."""

    def __init__(self, state: Callable[[], FakeState], seen: Callable[[object], None]) -> None:
        self.apps = FakeAppRepository(state, seen)
        self.shops = FakeShopRepository(state, seen)
        self.tokens = FakeTokenRepository(state, seen)
        self.inventory_pools = FakeInventoryPoolRepository(state, seen)
        self.push_states = FakePushStateRepository(state)
        self.orders = FakeOrderRepository(state, seen)
        self.channel_products = FakeChannelProductRepository(state, seen)
        self.shopline_variants = FakeShoplineVariantRepository(state)
        self.store_orders = FakeStoreOrderRepository(state)
        self.tasks = FakeTaskRepository(state, seen)
        self.import_ledger = FakeImportLedger(state)
        self.shop_registry = FakeShopRegistry(state)
        self.authorization_states = FakeAuthorizationStateStore(state)
        self.shop_overviews = FakeShopOverviews(state)
        self.completed_requests = FakeCompletedRequests(state)


def _standalone(state: Callable[[], FakeState] | FakeState | None) -> Callable[[], FakeState]:
    if callable(state):
        return state
    fixed = state or FakeState()
    return lambda: fixed


def _ignore(_: object) -> None:
    return None


class FakeAppRepository:
    def __init__(
        self,
        state: Callable[[], FakeState] | FakeState | None = None,
        seen: Callable[[object], None] = _ignore,
    ) -> None:
        current = _standalone(state)
        self._table: _Table[AppId, App] = _Table(lambda: current().apps, AppNotFound, AppAlreadyExists, seen)

    async def get(self, app_id: AppId) -> App:
        return self._table.get(app_id)

    async def find_by_handle(self, store_handle: str) -> App | None:
        return self._table.find_where(lambda app: app.store_handle == store_handle)

    async def add(self, app: App) -> None:
        if await self.find_by_handle(app.store_handle) is not None:
            raise AppAlreadyExists(app.store_handle)
        self._table.add(app.id, app)

    async def update(self, app: App) -> None:
        self._table.update(app.id, app)

    async def delete(self, app_id: AppId) -> None:
        self._table.delete(app_id)

    async def list(self, *, page_size: int, after: str | None) -> Page[App]:
        return self._table.page(lambda _: True, page_size, after)


class FakeShopRepository:
    def __init__(
        self,
        state: Callable[[], FakeState] | FakeState | None = None,
        seen: Callable[[object], None] = _ignore,
    ) -> None:
        current = _standalone(state)
        self._table: _Table[ShopId, Shop] = _Table(
            lambda: current().shops, ShopNotFound, ShopAlreadyExists, seen
        )

    async def get(self, shop_id: ShopId) -> Shop:
        return self._table.get(shop_id)

    async def find_by_tiktok_shop_id(self, tiktok_shop_id: TikTokShopId) -> Shop | None:
        return self._table.find_where(lambda shop: shop.tiktok_shop_id == tiktok_shop_id)

    async def add(self, shop: Shop) -> None:
        # The database backs this with a unique constraint on the TikTok shop id.
        if await self.find_by_tiktok_shop_id(shop.tiktok_shop_id) is not None:
            raise ShopAlreadyExists(shop.tiktok_shop_id)
        self._table.add(shop.id, shop)

    async def update(self, shop: Shop) -> None:
        self._table.update(shop.id, shop)

    async def delete(self, shop_id: ShopId) -> None:
        self._table.delete(shop_id)

    async def list(
        self, app_id: AppId, *, page_size: int, after: str | None, status: ShopStatus | None = None
    ) -> Page[Shop]:
        return self._table.page(
            lambda shop: shop.app_id == app_id and (status is None or shop.status is status),
            page_size,
            after,
        )

    async def find_by_cipher(self, cipher: str) -> Shop | None:
        return self._table.find_where(lambda shop: shop.cipher == cipher)


class FakeTokenRepository:
    def __init__(
        self,
        state: Callable[[], FakeState] | FakeState | None = None,
        seen: Callable[[object], None] = _ignore,
    ) -> None:
        current = _standalone(state)
        self._tiktok: _Table[ShopId, TikTokToken] = _Table(
            lambda: current().tiktok_tokens, TokenNotFound, TokenNotFound, seen
        )
        self._shopline: _Table[AppId, ShoplineToken] = _Table(
            lambda: current().shopline_tokens, TokenNotFound, TokenNotFound, seen
        )

    async def get_tiktok(self, shop_id: ShopId) -> TikTokToken:
        return self._tiktok.get(shop_id)

    async def save_tiktok(self, token: TikTokToken) -> None:
        self._tiktok.put(token.shop_id, token)

    async def delete_tiktok(self, shop_id: ShopId) -> None:
        self._tiktok.delete(shop_id)

    async def list_tiktok(self, *, page_size: int, after: str | None) -> Page[TikTokToken]:
        return self._tiktok.page(lambda _: True, page_size, after)

    async def get_shopline(self, app_id: AppId) -> ShoplineToken:
        return self._shopline.get(app_id)

    async def save_shopline(self, token: ShoplineToken) -> None:
        self._shopline.put(token.app_id, token)

    async def delete_shopline(self, app_id: AppId) -> None:
        self._shopline.delete(app_id)

    async def list_shopline(self, *, page_size: int, after: str | None) -> Page[ShoplineToken]:
        return self._shopline.page(lambda _: True, page_size, after)


class FakeInventoryPoolRepository:
    def __init__(
        self,
        state: Callable[[], FakeState] | FakeState | None = None,
        seen: Callable[[object], None] = _ignore,
    ) -> None:
        current = _standalone(state)
        self._state = current
        self._table: _Table[PoolId, InventoryPool] = _Table(
            lambda: current().pools, PoolNotFound, PoolAlreadyExists, seen
        )

    async def get(self, pool_id: PoolId) -> InventoryPool:
        return self._table.get(pool_id)

    async def lock(
        self, pool_id: PoolId, reservations_for: Iterable[ReservationKey] | None = None
    ) -> InventoryPool:
        # A fake transaction works alone on its own copy; the whole pool is always loaded.
        return self._table.get(pool_id)

    async def pool_ids_for_skus(
        self, shop_id: ShopId, sku_ids: Iterable[ChannelSkuId]
    ) -> dict[ChannelSkuId, PoolId]:
        wanted = set(sku_ids)
        found: dict[ChannelSkuId, PoolId] = {}
        for pool_id in sorted(self._state().pools):
            for sku_id, link in self._state().pools[pool_id].linked_skus.items():
                if sku_id in wanted and link.shop_id == shop_id:
                    found.setdefault(sku_id, pool_id)
        return found

    async def pool_ids_for_order(self, shop_id: ShopId, order_id: OrderId) -> list[PoolId]:
        return sorted(
            pool_id
            for pool_id, pool in self._state().pools.items()
            if any(k.shop_id == shop_id and k.order_id == order_id for k in pool.reservations)
        )

    async def guard_sku_links(
        self, shop_id: ShopId, sku_ids: Iterable[ChannelSkuId], *, changing: bool
    ) -> None:
        return None  # a fake transaction works alone on its own copy

    async def list_for_shop(
        self, shop_id: ShopId, *, page_size: int, after: str | None
    ) -> Page[InventoryPool]:
        return self._table.page(
            lambda pool: (
                any(k.shop_id == shop_id for k in pool.reservations)
                or any(s.shop_id == shop_id for s in pool.linked_skus.values())
            ),
            page_size,
            after,
        )

    async def list_filtered(
        self, app_id: AppId, pool_filter: PoolFilter, *, page_size: int, after: str | None
    ) -> Page[InventoryPool]:
        pools = sorted(
            (p for p in self._state().pools.values() if p.app_id == app_id and pool_filter.matches(p)),
            key=lambda p: p.variant_id,
        )
        if after is not None:
            pools = [p for p in pools if p.variant_id > after]
        chosen = pools[: max(page_size, 1)]
        items = [self._table.get(p.id) for p in chosen]
        return Page(items, chosen[-1].variant_id if len(pools) > len(chosen) else None)

    def _write_push_targets(self, pool: InventoryPool) -> None:
        """What the database adapter does in the same transaction: one push row per linked SKU."""
        stored = self._state().pools.get(pool.id)
        before = stored.quantities_to_push() if stored is not None else {}
        wanted, gone = push_changes(before, pool.quantities_to_push())
        rows = self._state().push_states
        for sku_id in gone:
            rows.pop((pool.id, sku_id), None)
        for sku_id, quantity in wanted.items():
            link = pool.linked_skus[sku_id]
            held = rows.get((pool.id, sku_id))
            rows[(pool.id, sku_id)] = (
                PushState(pool.id, sku_id, pool.app_id, link.shop_id, link.product_id, quantity)
                if held is None
                else replace(held.wanting(quantity), product_id=link.product_id or held.product_id)
            )

    async def find_by_variant(self, app_id: AppId, variant_id: ShoplineVariantId) -> InventoryPool | None:
        return self._table.find_where(lambda pool: pool.app_id == app_id and pool.variant_id == variant_id)

    async def find_by_channel_sku(self, sku_id: ChannelSkuId) -> InventoryPool | None:
        return self._table.find_where(lambda pool: sku_id in pool.linked_skus)

    async def add(self, pool: InventoryPool) -> None:
        if await self.find_by_variant(pool.app_id, pool.variant_id) is not None:
            raise PoolAlreadyExists(f"{pool.app_id}/{pool.variant_id}")
        if pool.id not in self._state().pools:
            self._write_push_targets(pool)
        self._table.add(pool.id, pool)

    async def update(self, pool: InventoryPool) -> None:
        if pool.id in self._state().pools:
            self._write_push_targets(pool)
        self._table.update(pool.id, pool)

    async def delete(self, pool_id: PoolId) -> None:
        self._table.delete(pool_id)
        for key in [k for k in self._state().push_states if k[0] == pool_id]:
            del self._state().push_states[key]

    async def list(self, app_id: AppId, *, page_size: int, after: str | None) -> Page[InventoryPool]:
        return self._table.page(lambda pool: pool.app_id == app_id, page_size, after)


class FakePushStateRepository:
    def __init__(self, state: Callable[[], FakeState] | FakeState | None = None) -> None:
        self._state = _standalone(state)

    def _rows(self) -> dict[tuple[PoolId, ChannelSkuId], PushState]:
        return self._state().push_states

    async def for_pool(self, pool_id: PoolId) -> list[PushState]:
        return [self._rows()[k] for k in sorted(self._rows()) if k[0] == pool_id]

    async def find(self, pool_id: PoolId, sku_id: ChannelSkuId) -> PushState | None:
        return self._rows().get((pool_id, sku_id))

    async def due(self, now: datetime, *, limit: int) -> list[PushState]:
        due = [s for s in self._rows().values() if s.due(now)]
        due.sort(key=lambda s: (s.next_attempt_at or EPOCH - timedelta(days=36500), s.pool_id, s.sku_id))
        return due[:limit]

    async def record(self, state: PushState, seq: int) -> None:
        held = self._rows().get(state.key)
        if held is None:
            return  # unlinked meanwhile
        outcome = replace(
            state,
            desired=held.desired,
            desired_seq=held.desired_seq,
            product_id=held.product_id or state.product_id,
            lease_owner=None,
            lease_until=None,
        )
        if held.desired_seq != seq and outcome.result is PushResult.SUCCEEDED:
            outcome = replace(outcome, result=PushResult.PENDING)
        self._rows()[state.key] = outcome

    async def request(self, pool_id: PoolId, sku_id: ChannelSkuId) -> None:
        held = self._rows().get((pool_id, sku_id))
        if held is not None:
            self._rows()[held.key] = replace(held, result=PushResult.PENDING, next_attempt_at=None)

    async def claim(
        self,
        keys: Iterable[tuple[PoolId, ChannelSkuId]],
        owner: str,
        now: datetime,
        until: datetime,
    ) -> set[tuple[PoolId, ChannelSkuId]]:
        taken = set()
        for key in sorted(set(keys)):
            held = self._rows().get(key)
            if held is not None and not held.leased(now, by_other_than=owner):
                self._rows()[key] = replace(held, lease_owner=owner, lease_until=until)
                taken.add(key)
        return taken

    async def list_for_app(
        self, app_id: AppId, *, page_size: int, after: str | None, pool_id: PoolId | None = None
    ) -> Page[PushState]:
        keys = sorted(
            k for k, s in self._rows().items() if s.app_id == app_id and (pool_id is None or k[0] == pool_id)
        )
        if after is not None:
            keys = [k for k in keys if _name(k) > after]
        chosen = keys[: max(page_size, 1)]
        return Page([self._rows()[k] for k in chosen], _name(chosen[-1]) if len(keys) > len(chosen) else None)


class FakeOrderRepository:
    def __init__(
        self,
        state: Callable[[], FakeState] | FakeState | None = None,
        seen: Callable[[object], None] = _ignore,
    ) -> None:
        current = _standalone(state)
        self._table: _Table[tuple[ShopId, OrderId], Order] = _Table(
            lambda: current().orders, OrderNotFound, OrderAlreadyExists, seen
        )

    async def get(self, shop_id: ShopId, order_id: OrderId) -> Order:
        return self._table.get((shop_id, order_id))

    async def find(self, shop_id: ShopId, order_id: OrderId) -> Order | None:
        return self._table.find((shop_id, order_id))

    async def add(self, order: Order) -> None:
        self._table.add((order.shop_id, order.id), order)

    async def update(self, order: Order) -> None:
        self._table.update((order.shop_id, order.id), order)

    async def delete(self, shop_id: ShopId, order_id: OrderId) -> None:
        self._table.delete((shop_id, order_id))

    async def delete_for_shop(self, shop_id: ShopId) -> int:
        return self._table.delete_where(lambda order: order.shop_id == shop_id)

    async def list(self, shop_id: ShopId, *, page_size: int, after: str | None) -> Page[Order]:
        return self._table.page(lambda order: order.shop_id == shop_id, page_size, after)

    async def find_many(self, shop_id: ShopId, order_ids: Iterable[OrderId]) -> dict[OrderId, Order]:
        found = (self._table.find((shop_id, order_id)) for order_id in sorted(set(order_ids)))
        return {order.id: order for order in found if order is not None}

    async def save_many(self, batch: Sequence[Order]) -> None:
        for order in batch:
            self._table.put((order.shop_id, order.id), order)

    async def count_for_shop(self, shop_id: ShopId) -> int:
        return self._table.count_where(lambda order: order.shop_id == shop_id)

    async def open_lines(self, shop_id: ShopId, sku_ids: Iterable[ChannelSkuId]) -> list[OpenOrderLine]:
        wanted = set(sku_ids)
        holding = sorted(self._table.rows_where(lambda order: order.shop_id == shop_id), key=lambda o: o.id)
        return [line for order in holding for line in order.open_lines() if line.sku_id in wanted]

    async def search(self, criteria: OrderFilter, *, page_size: int, after: str | None) -> Page[Order]:
        def position(order: Order) -> tuple[datetime, str, str]:
            return (order.create_time, order.id, order.shop_id)

        matching = sorted(self._table.rows_where(criteria.matches), key=position, reverse=True)
        if after is not None:
            bound = parse_newest_first_position(after)
            matching = [order for order in matching if position(order) < bound]
        chosen = matching[: max(page_size, 1)]
        more = len(matching) > len(chosen)
        items = [self._table.get((order.shop_id, order.id)) for order in chosen]
        return Page(items, newest_first_position(chosen[-1]) if more and chosen else None)


class FakeChannelProductRepository:
    def __init__(
        self,
        state: Callable[[], FakeState] | FakeState | None = None,
        seen: Callable[[object], None] = _ignore,
    ) -> None:
        current = _standalone(state)
        self._table: _Table[tuple[ShopId, ChannelProductId], ChannelProduct] = _Table(
            lambda: current().products, ChannelProductNotFound, ChannelProductAlreadyExists, seen
        )

    async def get(self, shop_id: ShopId, product_id: ChannelProductId) -> ChannelProduct:
        return self._table.get((shop_id, product_id))

    async def find(self, shop_id: ShopId, product_id: ChannelProductId) -> ChannelProduct | None:
        return self._table.find((shop_id, product_id))

    async def find_by_sku(self, shop_id: ShopId, sku_id: ChannelSkuId) -> ChannelProduct | None:
        return self._table.find_where(
            lambda product: product.shop_id == shop_id and any(s.sku_id == sku_id for s in product.skus)
        )

    async def add(self, product: ChannelProduct) -> None:
        self._table.add((product.shop_id, product.id), product)

    async def update(self, product: ChannelProduct) -> None:
        self._table.update((product.shop_id, product.id), product)

    async def delete(self, shop_id: ShopId, product_id: ChannelProductId) -> None:
        self._table.delete((shop_id, product_id))

    async def delete_for_shop(self, shop_id: ShopId) -> int:
        return self._table.delete_where(lambda product: product.shop_id == shop_id)

    async def list(self, shop_id: ShopId, *, page_size: int, after: str | None) -> Page[ChannelProduct]:
        return self._table.page(lambda product: product.shop_id == shop_id, page_size, after)

    async def find_many(
        self, shop_id: ShopId, product_ids: Iterable[ChannelProductId]
    ) -> dict[ChannelProductId, ChannelProduct]:
        found = (self._table.find((shop_id, product_id)) for product_id in sorted(set(product_ids)))
        return {product.id: product for product in found if product is not None}

    async def sku_links(
        self, shop_id: ShopId, sku_ids: Iterable[ChannelSkuId]
    ) -> dict[ChannelSkuId, SkuLink]:
        wanted = set(sku_ids)
        return {
            sku.sku_id: sku.link
            for product in self._table.rows_where(lambda product: product.shop_id == shop_id)
            for sku in product.skus
            if sku.sku_id in wanted and sku.link is not None
        }

    async def save_many(self, batch: Sequence[ChannelProduct]) -> None:
        for product in batch:
            self._table.put((product.shop_id, product.id), product)

    async def lacking_attributes(self, shop_id: ShopId, *, limit: int) -> list[ChannelProductId]:
        found = self._table.rows_where(lambda p: p.shop_id == shop_id and p.needs_attributes)
        return sorted(product.id for product in found)[:limit]

    async def count_for_shop(self, shop_id: ShopId) -> CatalogCounts:
        products = self._table.rows_where(lambda product: product.shop_id == shop_id)
        skus = [sku for product in products for sku in product.skus]
        return CatalogCounts(
            products=len(products),
            skus=len(skus),
            linked_skus=sum(1 for sku in skus if sku.link is not None),
        )


class FakeShoplineVariantRepository:
    """The SHOPLINE variant cache; variants are frozen values, so no copies are needed."""

    def __init__(self, state: Callable[[], FakeState] | FakeState | None = None) -> None:
        self._state = _standalone(state)

    def _rows(self) -> dict[tuple[AppId, ShoplineVariantId], ShoplineVariant]:
        return self._state().shopline_variants

    async def upsert_many(self, app_id: AppId, variants: Sequence[ShoplineVariant]) -> None:
        for variant in variants:
            held = self._rows().get((app_id, variant.variant_id))
            if held is None or held.updated_at <= variant.updated_at:
                self._rows()[(app_id, variant.variant_id)] = variant

    async def get_many(
        self, app_id: AppId, variant_ids: Iterable[ShoplineVariantId]
    ) -> dict[ShoplineVariantId, ShoplineVariant]:
        found = ((v, self._rows().get((app_id, v))) for v in sorted(set(variant_ids)))
        return {v: variant for v, variant in found if variant is not None}

    async def find_by_sku(self, app_id: AppId, sku: str) -> list[ShoplineVariant]:
        return await self.find_by_skus(app_id, [sku])

    async def find_by_skus(self, app_id: AppId, skus: Iterable[str]) -> list[ShoplineVariant]:
        wanted = set(skus)
        return [
            self._rows()[key]
            for key in sorted(self._rows())
            if key[0] == app_id and self._rows()[key].sku in wanted
        ]

    async def newest_update(self, app_id: AppId) -> datetime | None:
        return max((v.updated_at for (a, _), v in self._rows().items() if a == app_id), default=None)

    async def list(self, app_id: AppId, *, page_size: int, after: str | None) -> Page[ShoplineVariant]:
        ids = sorted(v for a, v in self._rows() if a == app_id and (after is None or v > after))
        chosen = ids[: max(page_size, 1)]
        items = [self._rows()[(app_id, v)] for v in chosen]
        return Page(items, chosen[-1] if len(ids) > len(chosen) else None)


class FakeStoreOrderRepository:
    """The store's own orders per app; orders are frozen values, so no copies are needed."""

    def __init__(self, state: Callable[[], FakeState] | FakeState | None = None) -> None:
        self._state = _standalone(state)

    async def upsert_many(self, app_id: AppId, orders: Sequence[StoreOrder]) -> None:
        rows = self._state().store_orders
        for order in orders:
            held = rows.get((app_id, order.order_id))
            if held is None or held.updated_at <= order.updated_at:
                rows[(app_id, order.order_id)] = order

    async def delete_many(self, app_id: AppId, order_ids: Iterable[ShoplineOrderId]) -> int:
        rows = self._state().store_orders
        return sum(1 for order_id in set(order_ids) if rows.pop((app_id, order_id), None) is not None)

    async def count(self, app_id: AppId) -> int:
        return sum(1 for a, _ in self._state().store_orders if a == app_id)

    async def synced_until(self, app_id: AppId) -> datetime | None:
        return self._state().store_orders_synced_until.get(app_id)

    async def set_synced_until(self, app_id: AppId, moment: datetime) -> None:
        self._state().store_orders_synced_until[app_id] = moment


class FakeTaskRepository:
    def __init__(
        self,
        state: Callable[[], FakeState] | FakeState | None = None,
        seen: Callable[[object], None] = _ignore,
    ) -> None:
        current = _standalone(state)
        self._rows: Callable[[], dict[TaskId, Task]] = lambda: current().tasks
        self._table: _Table[TaskId, Task] = _Table(self._rows, TaskNotFound, TaskAlreadyExists, seen)

    async def get(self, task_id: TaskId) -> Task:
        return self._table.get(task_id)

    async def add(self, task: Task) -> None:
        self._table.add(task.id, task)

    async def update(self, task: Task) -> None:
        self._table.update(task.id, task)

    async def delete(self, task_id: TaskId) -> None:
        self._table.delete(task_id)

    async def delete_for_shop(self, shop_id: ShopId) -> int:
        return self._table.delete_where(lambda task: task.shop_id == shop_id)

    async def list(self, app_id: AppId, *, page_size: int, after: str | None) -> Page[Task]:
        return self._table.page(lambda task: task.app_id == app_id, page_size, after)

    async def list_runnable(self, now: datetime, *, limit: int) -> Sequence[Task]:
        runnable = [
            task
            for task in self._rows().values()
            if task.state is TaskState.PENDING
            or (task.state is TaskState.RUNNING and task.lease_expired(now))
        ]
        runnable.sort(key=lambda task: (task.created_at, task.id))
        return [self._table.get(task.id) for task in runnable[:limit]]

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
        def position(task: Task) -> tuple[str, str]:
            return task.created_at.isoformat(), task.id

        matching = sorted(
            (
                task
                for task in self._rows().values()
                if task.app_id == app_id
                and (shop_id is None or task.shop_id == shop_id)
                and (kind is None or task.kind is kind)
                and (state is None or task.state is state)
            ),
            key=position,
            reverse=True,
        )
        if after is not None:
            created, _, task_id = after.partition("|")
            matching = [task for task in matching if position(task) < (created, task_id)]
        chosen = matching[: max(page_size, 1)]
        more = len(matching) > len(chosen)
        cursor = "|".join(position(chosen[-1])) if more and chosen else None
        return Page([self._table.get(task.id) for task in chosen], cursor)


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
        self.channel_products = repositories.channel_products
        self.shopline_variants = repositories.shopline_variants
        self.store_orders = repositories.store_orders
        self.tasks = repositories.tasks
        self.import_ledger = repositories.import_ledger
        self.shop_registry = repositories.shop_registry
        self.authorization_states = repositories.authorization_states
        self.shop_overviews = repositories.shop_overviews
        self.completed_requests = repositories.completed_requests

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


class FakeSecureRandom:
    """Predictable, distinct URL-safe tokens of the requested strength."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)
        self.requested: list[int] = []

    def token_urlsafe(self, nbytes: int) -> str:
        self.requested.append(nbytes)
        serial = next(self._counter)
        raw = hashlib.sha256(f"fake-random-{serial}".encode()).digest() * (nbytes // 32 + 1)
        return raw[:nbytes].hex()


# --- Partners -------------------------------------------------------------------------------


class _FaultInjection:
    """Queue errors that the next calls raise, e.g. ``fail_next(PartnerUnavailable(...))``."""

    def __init__(self) -> None:
        self._faults: list[PartnerError] = []
        self.calls: list[str] = []

    def fail_next(self, *errors: PartnerError) -> None:
        self._faults.extend(errors)

    def _call(self, name: str) -> None:
        self.calls.append(name)
        if self._faults:
            raise self._faults.pop(0)


@dataclass
class _TikTokGrantRecord:
    access_token: str
    access_expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime
    shops: tuple[AuthorizedShop, ...]
    revoked: bool = False


@dataclass
class TikTokShopData:
    """Everything the fake keeps about one shop (keyed by cipher)."""

    products: dict[ChannelProductId, ChannelProductData] = field(default_factory=dict)
    orders: dict[OrderId, TikTokOrderData] = field(default_factory=dict)
    cancellations: dict[str, TikTokCancellation] = field(default_factory=dict)
    warehouses: list[Warehouse] = field(default_factory=list)
    pushed_inventory: dict[ChannelSkuId, tuple[int, ...]] = field(default_factory=dict)
    seller_cancellations: list[tuple[OrderId, str]] = field(default_factory=list)
    cancel_reasons: list[str] = field(
        default_factory=lambda: [
            "seller_cancel_reason_out_of_stock",
            "seller_cancel_paid_reason_address_not_deliver",
        ]
    )
    """What aftersale eligibility offers for a seller cancellation of any of the shop's orders."""


@dataclass
class FakeAccessTokenRefresher:
    """Hands out `fresh` (None: the shop cannot be refreshed) and records who asked."""

    fresh: Secret | None = None
    asked: list[ShopCredentials] = field(default_factory=list)

    async def refresh_for(self, credentials: ShopCredentials) -> Secret | None:
        self.asked.append(credentials)
        return self.fresh


class FakeTikTokChannelApi(_FaultInjection):
    ACCESS_LIFETIME = timedelta(days=7)
    REFRESH_LIFETIME = timedelta(days=365)
    MAX_ORDER_IDS = 50

    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self._clock = clock
        self._ids = itertools.count(1)
        self._codes: dict[str, tuple[AuthorizedShop, ...]] = {}
        self._grants: list[_TikTokGrantRecord] = []
        self.shops: dict[str, TikTokShopData] = {}

    # --- setup (test control) ---------------------------------------------------------------

    def add_authorization_code(self, code: str, shops: Iterable[AuthorizedShop]) -> None:
        self._codes[code] = tuple(shops)
        for shop in self._codes[code]:
            self.shops.setdefault(shop.cipher, TikTokShopData())

    def revoke_all_grants(self) -> None:
        for grant in self._grants:
            grant.revoked = True

    def shop(self, cipher: str) -> TikTokShopData:
        return self.shops.setdefault(cipher, TikTokShopData())

    # --- authorization ----------------------------------------------------------------------

    async def exchange_code(self, code: str) -> TikTokGrant:
        self._call("exchange_code")
        shops = self._codes.pop(code, None)
        if shops is None:
            raise PartnerRejected(TIKTOK, "36004004", "Invalid auth code.")
        return self._mint(shops)

    async def refresh(self, refresh_token: Secret) -> TikTokGrant:
        self._call("refresh")
        for grant in self._grants:
            if grant.refresh_token == refresh_token.reveal():
                if grant.revoked:
                    raise PartnerTokenRevoked(TIKTOK, "36004005", "can not find related auth record")
                if self._clock.now() >= grant.refresh_expires_at:
                    raise PartnerTokenRevoked(TIKTOK, "36004001", "rt has expired")
                grant.revoked = True  # a refresh rotates both tokens
                return self._mint(grant.shops)
        raise PartnerTokenRevoked(TIKTOK, "36004005", "can not find related auth record")

    async def authorized_shops(self, access_token: Secret) -> list[AuthorizedShop]:
        self._call("authorized_shops")
        return list(self._grant_for(access_token).shops)

    def authorization_url(self, region: str, state: str) -> str:
        host = "services.us.tiktokshop.test" if region == "US" else "services.tiktokshop.test"
        return f"https://{host}/open/authorize?service_id=fake-service&state={state}"

    # --- products ---------------------------------------------------------------------------

    async def search_products(
        self, credentials: ShopCredentials, window: TimeWindow, *, page_size: int = 100
    ) -> AsyncIterator[ResultPage[ChannelProductData]]:
        self._call("search_products")
        data = self._shop_for(credentials)
        matching = sorted(
            (p for p in data.products.values() if window.start <= p.update_time < window.end),
            key=lambda p: (p.update_time, p.product_id),
        )
        # Like TikTok's, search results carry no sales attributes; only Get Product does.
        searched = [replace(p, skus=tuple(replace(sku, attributes=None) for sku in p.skus)) for p in matching]
        for start in range(0, len(searched), page_size):
            yield ResultPage(tuple(searched[start : start + page_size]), len(searched))

    async def get_product(
        self, credentials: ShopCredentials, product_id: ChannelProductId
    ) -> ChannelProductData:
        self._call("get_product")
        try:
            return self._shop_for(credentials).products[product_id]
        except KeyError:
            raise PartnerRejected(TIKTOK, "12019150", "The product ID does not exist.") from None

    async def update_inventory(
        self, credentials: ShopCredentials, product_id: ChannelProductId, updates: Sequence[InventoryUpdate]
    ) -> list[ItemFailure]:
        self._call("update_inventory")
        data = self._shop_for(credentials)
        product = data.products.get(product_id)
        if product is None:
            raise PartnerRejected(TIKTOK, "12019150", "The product ID does not exist.")
        if product.status in ("FREEZE", "DELETED"):
            raise ChannelProductClosed(TIKTOK, "12019113", "product status is invalid")
        known = {s.sku_id for s in product.skus}
        failures = []
        for update in updates:
            if update.sku_id not in known:
                failures.append(ItemFailure(update.sku_id, "12052036", "SKU does not belong to the product"))
            else:
                data.pushed_inventory[update.sku_id] = tuple(q.quantity for q in update.quantities)
        return failures

    async def update_prices(
        self, credentials: ShopCredentials, product_id: ChannelProductId, updates: Sequence[PriceUpdate]
    ) -> list[ItemFailure]:
        self._call("update_prices")
        data = self._shop_for(credentials)
        product = data.products.get(product_id)
        if product is None:
            raise PartnerRejected(TIKTOK, "12019150", "The product ID does not exist.")
        if product.status != "ACTIVATE":
            raise ChannelProductClosed(TIKTOK, "12019113", "product status is invalid")
        prices = {u.sku_id: u.price for u in updates}
        unknown = [sku_id for sku_id in prices if sku_id not in {s.sku_id for s in product.skus}]
        skus = tuple(replace(s, price=prices.get(s.sku_id, s.price)) for s in product.skus)
        data.products[product_id] = replace(product, skus=skus)
        return [ItemFailure(sku_id, "12052036", "SKU does not belong to the product") for sku_id in unknown]

    # --- orders -----------------------------------------------------------------------------

    async def search_orders(
        self, credentials: ShopCredentials, window: TimeWindow, *, page_size: int = 100
    ) -> AsyncIterator[ResultPage[TikTokOrderData]]:
        self._call("search_orders")
        data = self._shop_for(credentials)
        matching = sorted(
            (o for o in data.orders.values() if window.start <= o.update_time < window.end),
            key=lambda o: (o.update_time, o.order_id),
        )
        for start in range(0, len(matching), page_size):
            yield ResultPage(tuple(matching[start : start + page_size]), len(matching))

    async def search_order_ids(
        self, credentials: ShopCredentials, window: TimeWindow, *, page_size: int = 100
    ) -> AsyncIterator[ResultPage[OrderId]]:
        async with aclosing(self.search_orders(credentials, window, page_size=page_size)) as pages:
            async for page in pages:
                yield ResultPage(tuple(order.order_id for order in page.items), page.total_count)

    async def get_orders(
        self, credentials: ShopCredentials, order_ids: Sequence[OrderId]
    ) -> list[TikTokOrderData]:
        self._call("get_orders")
        if len(order_ids) > self.MAX_ORDER_IDS:
            raise PartnerRejected(TIKTOK, "36009004", f"at most {self.MAX_ORDER_IDS} order ids per call")
        data = self._shop_for(credentials)
        missing = [order_id for order_id in order_ids if order_id not in data.orders]
        if missing:
            raise PartnerRejected(
                TIKTOK, "21008111", "The order or package does not belong to the current seller."
            )
        return [data.orders[order_id] for order_id in order_ids]

    async def search_cancellations(
        self, credentials: ShopCredentials, window: TimeWindow, *, page_size: int = 100
    ) -> AsyncIterator[ResultPage[TikTokCancellation]]:
        self._call("search_cancellations")
        data = self._shop_for(credentials)
        matching = sorted(
            (c for c in data.cancellations.values() if window.start <= c.update_time < window.end),
            key=lambda c: (c.update_time, c.cancel_id),
        )
        for start in range(0, len(matching), page_size):
            yield ResultPage(tuple(matching[start : start + page_size]), len(matching))

    async def approve_cancellation(self, credentials: ShopCredentials, cancel_id: str) -> None:
        self._call("approve_cancellation")
        self._answer(credentials, cancel_id, CancellationStatus.SUCCESS)

    async def reject_cancellation(self, credentials: ShopCredentials, cancel_id: str, reason: str) -> None:
        self._call("reject_cancellation")
        self._answer(credentials, cancel_id, CancellationStatus.CANCELLED)

    async def cancel_order(self, credentials: ShopCredentials, order_id: OrderId, reason: str) -> str:
        self._call("cancel_order")
        data = self._shop_for(credentials)
        if order_id not in data.orders:
            raise PartnerRejected(
                TIKTOK, "21008111", "The order or package does not belong to the current seller."
            )
        if reason not in data.cancel_reasons:
            raise PartnerRejected(
                TIKTOK, "invalid_cancel_reason", f"{reason!r} is not a valid reason for this order."
            )
        data.seller_cancellations.append((order_id, reason))
        return f"cancel-{next(self._ids)}"

    async def cancel_reasons(self, credentials: ShopCredentials, order_id: OrderId) -> list[str]:
        self._call("cancel_reasons")
        data = self._shop_for(credentials)
        if order_id not in data.orders:
            raise PartnerRejected(
                TIKTOK, "21008111", "The order or package does not belong to the current seller."
            )
        return list(data.cancel_reasons)

    async def warehouses(self, credentials: ShopCredentials) -> list[Warehouse]:
        self._call("warehouses")
        return list(self._shop_for(credentials).warehouses)

    # --- helpers ----------------------------------------------------------------------------

    def _mint(self, shops: tuple[AuthorizedShop, ...]) -> TikTokGrant:
        serial = next(self._ids)
        now = self._clock.now()
        record = _TikTokGrantRecord(
            f"TTP_access_{serial}",
            now + self.ACCESS_LIFETIME,
            f"TTP_refresh_{serial}",
            now + self.REFRESH_LIFETIME,
            shops,
        )
        self._grants.append(record)
        return TikTokGrant(
            Secret(record.access_token),
            record.access_expires_at,
            Secret(record.refresh_token),
            record.refresh_expires_at,
            open_id=f"open-{serial}",
        )

    def _grant_for(self, access_token: Secret) -> _TikTokGrantRecord:
        for grant in self._grants:
            if grant.access_token == access_token.reveal():
                if grant.revoked:
                    raise PartnerTokenRevoked(TIKTOK, "36009004", "Invalid credentials.")
                if self._clock.now() >= grant.access_expires_at:
                    raise PartnerAuthExpired(TIKTOK, "105002", "Expired credentials.")
                return grant
        raise PartnerTokenRevoked(TIKTOK, "36009004", "Invalid credentials.")

    def _shop_for(self, credentials: ShopCredentials) -> TikTokShopData:
        grant = self._grant_for(credentials.access_token)
        if credentials.shop_cipher not in {shop.cipher for shop in grant.shops}:
            raise PartnerRejected(TIKTOK, "36009004", "Invalid identifier. The 'shop_cipher' is invalid.")
        return self.shop(credentials.shop_cipher)

    def _answer(self, credentials: ShopCredentials, cancel_id: str, status: CancellationStatus) -> None:
        data = self._shop_for(credentials)
        cancellation = data.cancellations.get(cancel_id)
        if cancellation is None or cancellation.status is not CancellationStatus.PENDING:
            raise PartnerRejected(TIKTOK, "36009004", "The cancellation cannot be answered.")
        data.cancellations[cancel_id] = replace(cancellation, status=status, update_time=self._clock.now())


@dataclass
class _ShoplineStore:
    token: str | None = None
    expires_at: datetime = EPOCH
    currency: str = "USD"
    variants: dict[ShoplineVariantId, ShoplineVariant] = field(default_factory=dict)
    levels: dict[tuple[str, str], InventoryLevel] = field(default_factory=dict)
    locations: list[ShoplineLocation] = field(default_factory=list)
    orders: dict[ShoplineOrderId, tuple[NewShoplineOrder, ShoplineOrderRef]] = field(default_factory=dict)
    store_orders: dict[ShoplineOrderId, StoreOrder] = field(default_factory=dict)
    """Orders as `store_orders_updated` reports them (web orders, or imports with their marker)."""


class FakeShoplineApi(_FaultInjection):
    """One fake SHOPLINE with any number of stores (by handle)."""

    TOKEN_LIFETIME = timedelta(hours=10)
    PAGE_SIZE = 50
    APP_KEY = "fake-shopline-app"
    APP_SECRET = "fake-shopline-secret"

    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self._clock = clock
        self._ids = itertools.count(1)
        self._codes: dict[str, str] = {}
        self.stores: dict[str, _ShoplineStore] = {}

    # --- setup (test control) ---------------------------------------------------------------

    def add_authorization_code(self, store_handle: str, code: str) -> None:
        self._codes[code] = store_handle
        self.stores.setdefault(store_handle, _ShoplineStore())

    def store(self, store_handle: str) -> _ShoplineStore:
        return self.stores.setdefault(store_handle, _ShoplineStore())

    def add_variant(
        self, store_handle: str, variant: ShoplineVariant, available: dict[str, int] | None = None
    ) -> None:
        store = self.store(store_handle)
        store.variants[variant.variant_id] = variant
        for location_id, quantity in (available or {}).items():
            store.levels[(variant.inventory_item_id, location_id)] = InventoryLevel(
                variant.inventory_item_id, location_id, variant.variant_id, quantity, self._clock.now()
            )

    def uninstall(self, store_handle: str) -> None:
        self.store(store_handle).token = None

    # --- tokens -----------------------------------------------------------------------------

    async def create_token(self, store_handle: str, code: str) -> ShoplineGrant:
        self._call("create_token")
        if self._codes.get(code) != store_handle:
            raise PartnerRejected(SHOPLINE, "OAUTH_CODE_INVALID", "authorization code is invalid")
        del self._codes[code]
        return self._mint(store_handle)

    def install_url(
        self, store_handle: str, scopes: Sequence[str], redirect_uri: str, custom_field: str | None = None
    ) -> str:
        url = (
            f"https://{store_handle}.myshopline.test/admin/oauth-web/#/oauth/authorize"
            f"?appKey={self.APP_KEY}&responseType=code&scope={','.join(scopes)}&redirectUri={redirect_uri}"
        )
        return f"{url}&customField={custom_field}" if custom_field else url

    def verify_callback(self, params: Mapping[str, str]) -> bool:
        """Checks the signature only; the service checks the timestamp against its own clock."""
        expected = self.sign(params)
        return hmac.compare_digest(expected, params.get("sign", ""))

    def sign(self, params: Mapping[str, str]) -> str:
        """SHOPLINE's GET signature: the other parameters sorted and joined, HMAC-SHA256 in hex."""
        message = "&".join(f"{k}={params[k]}" for k in sorted(params) if k != "sign")
        return hmac.new(self.APP_SECRET.encode(), message.encode(), hashlib.sha256).hexdigest()

    async def refresh_token(self, store_handle: str) -> ShoplineGrant:
        self._call("refresh_token")
        if self.store(store_handle).token is None:
            raise PartnerTokenRevoked(
                SHOPLINE, "STORE_NOT_INSTALL_APP", "the store has not installed the app"
            )
        return self._mint(store_handle)

    # --- catalog and inventory --------------------------------------------------------------

    async def store_currency(self, credentials: ShoplineCredentials) -> str:
        self._call("store_currency")
        return self._store_for(credentials).currency

    async def variants(
        self, credentials: ShoplineCredentials, currency: str, *, updated_since: datetime | None = None
    ) -> AsyncIterator[Sequence[ShoplineVariant]]:
        """Prices come back in ``currency`` whatever the stored one: SHOPLINE sends bare amounts."""
        self._call("variants")
        store = self._store_for(credentials)
        ordered = [
            replace(variant, price=Money(variant.price.amount, currency))
            for _, variant in sorted(store.variants.items())
            if updated_since is None or variant.updated_at >= updated_since
        ]
        for start in range(0, len(ordered), self.PAGE_SIZE):
            yield ordered[start : start + self.PAGE_SIZE]

    async def update_variant_price(
        self, credentials: ShoplineCredentials, variant_id: ShoplineVariantId, price: Money
    ) -> None:
        self._call("update_variant_price")
        store = self._store_for(credentials)
        variant = self._variant(store, variant_id)
        store.variants[variant_id] = replace(variant, price=price, updated_at=self._clock.now())

    async def inventory_levels(
        self, credentials: ShoplineCredentials, inventory_item_ids: Sequence[str], location_ids: Sequence[str]
    ) -> list[InventoryLevel]:
        self._call("inventory_levels")
        store = self._store_for(credentials)
        return [
            level
            for (item_id, location_id), level in sorted(store.levels.items())
            if item_id in inventory_item_ids and (not location_ids or location_id in location_ids)
        ]

    async def set_inventory_level(
        self, credentials: ShoplineCredentials, inventory_item_id: str, location_id: str, available: int
    ) -> InventoryLevel:
        self._call("set_inventory_level")
        store = self._store_for(credentials)
        variant = next((v for v in store.variants.values() if v.inventory_item_id == inventory_item_id), None)
        if variant is None:
            raise PartnerRejected(SHOPLINE, "404", "inventory item not found")
        level = InventoryLevel(
            inventory_item_id, location_id, variant.variant_id, available, self._clock.now()
        )
        store.levels[(inventory_item_id, location_id)] = level
        return level

    async def locations(self, credentials: ShoplineCredentials) -> list[ShoplineLocation]:
        self._call("locations")
        return list(self._store_for(credentials).locations)

    # --- orders -----------------------------------------------------------------------------

    async def create_order(
        self, credentials: ShoplineCredentials, order: NewShoplineOrder
    ) -> ShoplineOrderRef:
        """Like SHOPLINE, this does not refuse a second order with the same marker: the ledger must."""
        self._call("create_order")
        store = self._store_for(credentials)
        for line in order.lines:
            if line.variant_id is not None:
                variant = self._variant(store, line.variant_id)
                self._adjust(store, variant, line.location_id, -line.quantity)
        order_id = ShoplineOrderId(f"sl-order-{next(self._ids)}")
        ref = ShoplineOrderRef(order_id, order.channel_marker, "open", self._clock.now())
        store.orders[order_id] = (order, ref)
        return ref

    async def find_order_by_channel_marker(
        self, credentials: ShoplineCredentials, channel_marker: str
    ) -> ShoplineOrderRef | None:
        self._call("find_order_by_channel_marker")
        store = self._store_for(credentials)
        return next((ref for _, ref in store.orders.values() if ref.channel_marker == channel_marker), None)

    async def cancel_order(
        self, credentials: ShoplineCredentials, order_id: ShoplineOrderId, *, restock: bool, reason: str
    ) -> None:
        self._call("cancel_order")
        store = self._store_for(credentials)
        if order_id not in store.orders:
            raise PartnerRejected(SHOPLINE, "404", "order not found")
        order, ref = store.orders[order_id]
        if ref.status == "cancelled":
            return
        if restock:
            for line in order.lines:
                if line.variant_id is not None:
                    self._adjust(
                        store, self._variant(store, line.variant_id), line.location_id, line.quantity
                    )
        store.orders[order_id] = (order, replace(ref, status="cancelled", updated_at=self._clock.now()))

    async def orders_updated(
        self, credentials: ShoplineCredentials, window: TimeWindow
    ) -> AsyncIterator[Sequence[ShoplineOrderRef]]:
        self._call("orders_updated")
        store = self._store_for(credentials)
        refs = sorted(
            (ref for _, ref in store.orders.values() if window.start <= ref.updated_at < window.end),
            key=lambda ref: (ref.updated_at, ref.order_id),
        )
        for start in range(0, len(refs), self.PAGE_SIZE):
            yield refs[start : start + self.PAGE_SIZE]

    async def store_orders_updated(
        self, credentials: ShoplineCredentials, window: TimeWindow
    ) -> AsyncIterator[Sequence[StoreOrder]]:
        self._call("store_orders_updated")
        store = self._store_for(credentials)
        found = sorted(
            (o for o in store.store_orders.values() if window.start <= o.updated_at < window.end),
            key=lambda order: (order.updated_at, order.order_id),
        )
        for start in range(0, len(found), self.PAGE_SIZE):
            yield found[start : start + self.PAGE_SIZE]

    # --- helpers ----------------------------------------------------------------------------

    def _mint(self, store_handle: str) -> ShoplineGrant:
        store = self.store(store_handle)
        store.token = f"sl_token_{next(self._ids)}"
        store.expires_at = self._clock.now() + self.TOKEN_LIFETIME
        return ShoplineGrant(Secret(store.token), store.expires_at, ("read_products", "write_orders"))

    def _store_for(self, credentials: ShoplineCredentials) -> _ShoplineStore:
        store = self.stores.get(credentials.store_handle)
        if store is None or store.token is None:
            raise PartnerTokenRevoked(
                SHOPLINE, "STORE_NOT_INSTALL_APP", "the store has not installed the app"
            )
        if credentials.access_token.reveal() != store.token:
            raise PartnerAuthExpired(SHOPLINE, "401", "access token is invalid or expired")
        if self._clock.now() >= store.expires_at:
            raise PartnerAuthExpired(SHOPLINE, "401", "access token is invalid or expired")
        return store

    def _variant(self, store: _ShoplineStore, variant_id: ShoplineVariantId) -> ShoplineVariant:
        try:
            return store.variants[variant_id]
        except KeyError:
            raise PartnerRejected(SHOPLINE, "404", "variant not found") from None

    def _adjust(
        self, store: _ShoplineStore, variant: ShoplineVariant, location_id: str | None, delta: int
    ) -> None:
        keys = [k for k in sorted(store.levels) if k[0] == variant.inventory_item_id]
        key = (
            (variant.inventory_item_id, location_id)
            if location_id is not None
            else (keys[0] if keys else None)
        )
        if key is None:
            return
        level = store.levels.get(key) or InventoryLevel(
            key[0], key[1], variant.variant_id, 0, self._clock.now()
        )
        store.levels[key] = replace(level, available=level.available + delta, updated_at=self._clock.now())


# --- Task change notifications --------------------------------------------------------------


class _FakeTaskChangeSubscription:
    def __init__(self, feed: FakeTaskChangeFeed, task_id: TaskId) -> None:
        self._feed = feed
        self.task_id = task_id
        self.changed = asyncio.Event()

    async def wait(self, at_most: timedelta) -> bool:
        try:
            await asyncio.wait_for(self.changed.wait(), at_most.total_seconds())
        except TimeoutError:
            return False
        self.changed.clear()
        return True

    async def close(self) -> None:
        self._feed.subscriptions.remove(self)


class FakeTaskChangeFeed(FakeEventPublisher):
    """An event publisher that also wakes the watchers of every task named in a ``TaskChanged``."""

    def __init__(self) -> None:
        super().__init__()
        self.subscriptions: list[_FakeTaskChangeSubscription] = []

    def subscribe(self, task_id: TaskId) -> _FakeTaskChangeSubscription:
        subscription = _FakeTaskChangeSubscription(self, task_id)
        self.subscriptions.append(subscription)
        return subscription

    async def publish(self, events: Sequence[DomainEvent]) -> None:
        await super().publish(events)
        changed = {event.task_id for event in events if isinstance(event, TaskChanged)}
        for subscription in self.subscriptions:
            if subscription.task_id in changed:
                subscription.changed.set()


@dataclass(frozen=True)
class _CountedSale:
    scope: ShopId | None  # None for the store
    ref: str
    created: datetime
    currency: str
    cancelled: bool
    units: int
    gross_e4: int
    discount_e4: int
    buyer: str
    lines: tuple[tuple[ShoplineVariantId | None, SkuRef | None, str, str, int, int], ...]
    # (variant, TikTok SKU, title, sku code, quantity, net x 10^4)


class FakeSalesReports:
    """`SalesReports` computed in Python over the committed state of a ``FakeDatabase``."""

    def __init__(self, database: FakeDatabase) -> None:
        self._database = database

    def _counted(self, app_id: AppId) -> list[_CountedSale]:
        state = self._database.state
        links = {
            (product.shop_id, product.id, sku.sku_id): sku.link.variant_id
            for product in state.products.values()
            for sku in product.skus
            if sku.link is not None
        }
        found = []
        for order in state.orders.values():
            if order.app_id != app_id or order.paid_time is None or order.status.value == "UNPAID":
                continue
            lines = tuple(
                (
                    links.get((order.shop_id, line.product_id, line.sku_id)),
                    SkuRef(order.shop_id, line.product_id, line.sku_id),
                    line.title,
                    line.seller_sku,
                    line.quantity,
                    to_e4(line.subtotal.amount),
                )
                for line in order.lines
            )
            amounts = order.amounts
            found.append(
                _CountedSale(
                    order.shop_id,
                    f"t:{order.shop_id}:{order.id}",
                    order.create_time,
                    order.currency,
                    order.status.value == "CANCELLED",
                    order.unit_count,
                    to_e4(amounts.subtotal.amount),
                    to_e4(amounts.discount.amount),
                    f"t:{order.buyer.user_id}" if order.buyer.user_id else "",
                    lines,
                )
            )
        for (owner, _), sale in state.store_orders.items():
            if owner != app_id:
                continue
            store_lines = tuple(
                (line.variant_id, None, line.title, line.sku, line.quantity, line.net_e4)
                for line in sale.lines
                if line.variant_id is not None
            )
            found.append(
                _CountedSale(
                    None,
                    f"s:{sale.order_id}",
                    sale.created_at,
                    sale.currency,
                    sale.cancelled,
                    sale.unit_count,
                    sale.gross_e4,
                    sale.discount_e4,
                    f"s:{sale.buyer_key}" if sale.buyer_key else "",
                    store_lines,
                )
            )
        return found

    async def sales_summary(
        self, app_id: AppId, period: ReportRange, grouping: SalesGrouping, time_zone: str
    ) -> list[SalesSummaryRow]:
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(time_zone)
        groups: dict[tuple[object, str], list[_CountedSale]] = {}
        for sale in self._counted(app_id):
            if not period.start <= sale.created < period.end:
                continue
            key: object = (
                sale.created.astimezone(zone).date().isoformat()
                if grouping is SalesGrouping.DAY
                else sale.scope
                if grouping is SalesGrouping.SHOP
                else sale.scope is None
            )
            groups.setdefault((key, sale.currency), []).append(sale)
        rows = []
        for (key, currency), sales in groups.items():
            kept = [s for s in sales if not s.cancelled]
            gross = sum(s.gross_e4 for s in kept)
            discount = sum(s.discount_e4 for s in kept)
            figures = SalesFigures(
                currency,
                len(sales),
                sum(s.units for s in kept),
                gross,
                discount,
                gross - discount,
                len(sales) - len(kept),
                len({s.buyer for s in sales if s.buyer}),
            )
            if grouping is SalesGrouping.DAY:
                rows.append(SalesSummaryRow(figures, day=str(key)))
            elif grouping is SalesGrouping.SHOP:
                store = key is None
                channel = SalesChannel.SHOPLINE_STORE if store else SalesChannel.TIKTOK_SHOP
                shop_id = None if store else ShopId(str(key))
                rows.append(SalesSummaryRow(figures, shop_id=shop_id, channel=channel))
            else:
                channel = SalesChannel.SHOPLINE_STORE if key else SalesChannel.TIKTOK_SHOP
                rows.append(SalesSummaryRow(figures, channel=channel))
        return rows

    async def top_products(
        self,
        app_id: AppId,
        period: ReportRange,
        ranking: TopProductsRanking,
        currency: str | None,
        *,
        offset: int,
        limit: int,
    ) -> TopProductsPage:
        state = self._database.state
        products: dict[object, dict[str, object]] = {}
        for sale in self._counted(app_id):
            if sale.cancelled or not period.start <= sale.created < period.end:
                continue
            for variant, sku, title, code, quantity, net in sale.lines:
                key = variant if variant is not None else sku
                entry = products.setdefault(
                    key,
                    {"skus": set(), "units": 0, "orders": set(), "nets": {}, "title": title, "code": code},
                )
                if sku is not None:
                    entry["skus"].add(sku)  # type: ignore[attr-defined]
                entry["units"] += quantity  # type: ignore[operator]
                entry["orders"].add(sale.ref)  # type: ignore[attr-defined]
                nets: dict[str, int] = entry["nets"]  # type: ignore[assignment]
                nets[sale.currency] = nets.get(sale.currency, 0) + net
        pools = {pool.variant_id: pool.id for pool in state.pools.values() if pool.app_id == app_id}
        items = []
        for key, entry in products.items():
            variant = key if isinstance(key, str) else None
            cached = state.shopline_variants.get((app_id, ShoplineVariantId(variant))) if variant else None
            skus = tuple(sorted(entry["skus"], key=_sku_name))  # type: ignore[call-overload]
            items.append(
                TopProduct(
                    variant_id=None if variant is None else ShoplineVariantId(variant),
                    pool_id=pools.get(ShoplineVariantId(variant)) if variant else None,
                    skus=skus,
                    title=cached.title if cached else str(entry["title"]),
                    sku_code=cached.sku if cached else str(entry["code"]),
                    unit_count=int(entry["units"]),  # type: ignore[call-overload]
                    order_count=len(entry["orders"]),  # type: ignore[arg-type]
                    net_sales_e4=tuple(sorted(entry["nets"].items())),  # type: ignore[attr-defined]
                )
            )

        def rank(product: TopProduct) -> tuple[object, ...]:
            first = _sku_name(product.skus[0]) if product.skus else ""
            ties = (product.title, product.variant_id or "", first)
            if ranking is TopProductsRanking.UNITS:
                return (-product.unit_count, *ties)
            sales = dict(product.net_sales_e4).get(currency or "")
            return (sales is None, -(sales or 0), *ties)

        ranked = sorted(items, key=rank)
        page = ranked[offset : offset + limit]
        return TopProductsPage(tuple(page), offset + limit if len(ranked) > offset + limit else None)

    async def customer_summary(self, app_id: AppId, period: ReportRange) -> list[CustomerSummaryRow]:
        in_range: dict[ShopId | None, dict[str, int]] = {}
        before: set[tuple[ShopId | None, str]] = set()
        for sale in self._counted(app_id):
            if not sale.buyer:
                continue
            if period.start <= sale.created < period.end:
                counts = in_range.setdefault(sale.scope, {})
                counts[sale.buyer] = counts.get(sale.buyer, 0) + 1
            elif sale.created < period.start:
                before.add((sale.scope, sale.buyer))
        rows = []
        for scope, counts in in_range.items():
            returning = sum(1 for buyer in counts if (scope, buyer) in before)
            rows.append(
                CustomerSummaryRow(
                    SalesChannel.SHOPLINE_STORE if scope is None else SalesChannel.TIKTOK_SHOP,
                    scope,
                    len(counts),
                    sum(1 for n in counts.values() if n >= 2),
                    len(counts) - returning,
                    returning,
                )
            )
        return rows


def _sku_name(sku: SkuRef) -> str:
    return f"{sku.shop_id}/products/{sku.product_id}/skus/{sku.sku_id}"
