"""Fakes of the apps, shops, tokens, orders, store orders and tasks repositories.

They hand out copies: a change is only kept after ``update``/``add`` (and a commit inside a
``FakeUnitOfWork``), as with the database adapter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from domain.analytics import (
    StoreOrder,
)
from domain.app import App
from domain.errors import (
    AppAlreadyExists,
    AppNotFound,
    OrderAlreadyExists,
    OrderNotFound,
    ShopAlreadyExists,
    ShopNotFound,
    TaskAlreadyExists,
    TaskNotFound,
    TokenNotFound,
)
from domain.ids import (
    AppId,
    ChannelSkuId,
    OrderId,
    ShopId,
    ShoplineOrderId,
    TaskId,
    TikTokShopId,
)
from domain.order import (
    OpenOrderLine,
    Order,
    OrderFilter,
    newest_first_position,
    parse_newest_first_position,
)
from domain.paging import Page
from domain.shop import Shop, ShopStatus
from domain.task import Task, TaskKind, TaskState
from domain.tokens import ShoplineToken, TikTokToken
from tests.fakes.tables import FakeState, _ignore, _standalone, _Table


class FakeAppRepository:
    def __init__(
        self,
        state: Callable[[], FakeState] | FakeState | None = None,
        seen: Callable[[object], None] = _ignore,
    ) -> None:
        current = _standalone(state)
        self._table: _Table[AppId, App] = _Table(
            lambda: current().apps, lambda key: AppNotFound(f"apps/{key}"), AppAlreadyExists, seen
        )

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
            lambda: current().shops, lambda key: ShopNotFound(f"shops/{key}"), ShopAlreadyExists, seen
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
            lambda: current().tiktok_tokens,
            lambda key: TokenNotFound(f"shops/{key}/token"),
            TokenNotFound,
            seen,
        )
        self._shopline: _Table[AppId, ShoplineToken] = _Table(
            lambda: current().shopline_tokens,
            lambda key: TokenNotFound(f"apps/{key}/token"),
            TokenNotFound,
            seen,
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

    async def list_shopline(self, *, page_size: int, after: str | None) -> Page[ShoplineToken]:
        return self._shopline.page(lambda _: True, page_size, after)


class FakeOrderRepository:
    def __init__(
        self,
        state: Callable[[], FakeState] | FakeState | None = None,
        seen: Callable[[object], None] = _ignore,
    ) -> None:
        current = _standalone(state)
        self._table: _Table[tuple[ShopId, OrderId], Order] = _Table(
            lambda: current().orders, _order_not_found, OrderAlreadyExists, seen
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

    async def owing_shopline_fulfillments(self, *, limit: int) -> list[Order]:
        owing = self._table.rows_where(lambda order: bool(order.shipments_owed_to_shopline))
        return sorted(owing, key=lambda order: (order.update_time, order.shop_id, order.id))[:limit]

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

    async def forget_buyers(
        self, app_id: AppId, buyer_keys: Iterable[str], order_ids: Iterable[ShoplineOrderId]
    ) -> int:
        keys, ids = set(buyer_keys), set(order_ids)
        rows = self._state().store_orders
        named = [
            key
            for key, order in rows.items()
            if key[0] == app_id and order.buyer_key and (order.buyer_key in keys or order.order_id in ids)
        ]
        for key in named:
            rows[key] = replace(rows[key], buyer_key="")
        return len(named)

    async def delete_for_app(self, app_id: AppId) -> int:
        rows = self._state().store_orders
        mine = [key for key in rows if key[0] == app_id]
        for key in mine:
            del rows[key]
        self._state().store_orders_synced_until.pop(app_id, None)
        return len(mine)

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
        self._table: _Table[TaskId, Task] = _Table(
            self._rows, lambda key: TaskNotFound(f"tasks/{key}"), TaskAlreadyExists, seen
        )

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


# Not-found names as the database adapter spells them: a repository knows no app id.
def _order_not_found(key: str) -> OrderNotFound:
    shop_id, order_id = key.split("/", 1)
    return OrderNotFound(f"shops/{shop_id}/orders/{order_id}")
