"""Orders: one row per order (mapped in ``order_rows``), and the lines of those holding stock."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, delete, func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.repositories.common import (
    Keyset,
    cursor,
    limit_for,
    rowcount,
    save_versioned_batch,
    versioned_update,
)
from adapters.persistence.repositories.order_rows import order_from_row, order_to_row
from adapters.persistence.repositories.seen import Seen
from adapters.persistence.tables import order_open_lines, orders
from domain.errors import OrderAlreadyExists, OrderNotFound
from domain.ids import ChannelSkuId, OrderId, ShopId
from domain.order import OpenOrderLine, Order, OrderFilter, newest_first_position, parse_newest_first_position
from domain.paging import Page

OrderKey = tuple[ShopId, OrderId]


def _name(shop_id: ShopId, order_id: OrderId) -> str:
    return f"shops/{shop_id}/orders/{order_id}"


class SqlAlchemyOrderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._versions: dict[OrderKey, int] = {}
        self._holding: dict[OrderKey, bool] = {}
        """Whether each order read or written in this unit of work holds stock, as stored."""
        self.seen: Seen[Order] = Seen()

    async def get(self, shop_id: ShopId, order_id: OrderId) -> Order:
        found = await self.find(shop_id, order_id)
        if found is None:
            raise OrderNotFound(_name(shop_id, order_id))
        return found

    async def find(self, shop_id: ShopId, order_id: OrderId) -> Order | None:
        found = await self._load(_key_is(shop_id, order_id))
        return found[0] if found else None

    async def find_many(self, shop_id: ShopId, order_ids: Iterable[OrderId]) -> dict[OrderId, Order]:
        """The stored orders among ``order_ids``, in one query (for batch imports)."""
        wanted = sorted(set(order_ids))
        if not wanted:
            return {}
        found = await self._load((orders.c.shop_id == shop_id) & orders.c.id.in_(wanted))
        return {order.id: order for order in found}

    async def add(self, order: Order) -> None:
        if await self._exists(order.shop_id, order.id):
            raise OrderAlreadyExists(_name(order.shop_id, order.id))
        try:
            await self._session.execute(insert(orders).values(**order_to_row(order), version=1))
        except IntegrityError:
            raise OrderAlreadyExists(_name(order.shop_id, order.id)) from None
        await self._write_open_lines([order])
        self._remember(order, 1)

    async def update(self, order: Order) -> None:
        key = (order.shop_id, order.id)
        version = await versioned_update(
            self._session,
            orders,
            _key_is(*key),
            self._versions.get(key),
            order_to_row(order),
            subject=_name(*key),
            not_found=OrderNotFound(_name(*key)),
        )
        await self._write_open_lines([order])
        self._remember(order, version)

    async def save_many(self, batch: Sequence[Order]) -> None:
        """Adds new orders and updates ones read in this unit of work, in batched statements.

        An order that another transaction added or changed since it was read raises
        ``StaleWrite``; the whole unit of work should then be retried from a fresh read.
        """
        expected = [self._versions.get((order.shop_id, order.id), 0) for order in batch]
        versions = await save_versioned_batch(
            self._session, orders, [order_to_row(order) for order in batch], expected, subject="orders"
        )
        await self._write_open_lines(batch)
        for order, version in zip(batch, versions, strict=True):
            self._remember(order, version)

    async def open_lines(
        self, shop_id: ShopId, sku_ids: Iterable[ChannelSkuId]
    ) -> builtins.list[OpenOrderLine]:
        wanted = sorted(set(sku_ids))
        if not wanted:
            return []
        rows = await self._session.execute(
            select(order_open_lines.c.order_id, order_open_lines.c.sku_id, order_open_lines.c.quantity)
            .where(order_open_lines.c.shop_id == shop_id, order_open_lines.c.sku_id.in_(wanted))
            .order_by(order_open_lines.c.order_id, order_open_lines.c.sku_id)
        )
        return [
            OpenOrderLine(shop_id, OrderId(order_id), ChannelSkuId(sku_id), quantity)
            for order_id, sku_id, quantity in rows
        ]

    async def _write_open_lines(self, batch: Sequence[Order]) -> None:
        """Keeps ``order_open_lines`` in step with the orders: an order's lines are there exactly
        while it holds stock (its lines never change once seen, so only the start and end count)."""
        starting = [o for o in batch if o.holds_stock and not self._holding.get((o.shop_id, o.id), False)]
        ending = [o for o in batch if not o.holds_stock and self._holding.get((o.shop_id, o.id), False)]
        rows = [
            {
                "shop_id": line.shop_id,
                "sku_id": line.sku_id,
                "order_id": line.order_id,
                "quantity": line.quantity,
            }
            for order in starting
            for line in order.open_lines()
        ]
        if rows:
            await self._session.execute(insert(order_open_lines), rows)
        for shop_id in sorted({order.shop_id for order in ending}):
            await self._session.execute(
                delete(order_open_lines).where(
                    order_open_lines.c.shop_id == shop_id,
                    order_open_lines.c.order_id.in_(sorted(o.id for o in ending if o.shop_id == shop_id)),
                )
            )

    async def delete(self, shop_id: ShopId, order_id: OrderId) -> None:
        await self._session.execute(
            delete(order_open_lines).where(
                order_open_lines.c.shop_id == shop_id, order_open_lines.c.order_id == order_id
            )
        )
        result = await self._session.execute(delete(orders).where(_key_is(shop_id, order_id)))
        if rowcount(result) != 1:
            raise OrderNotFound(_name(shop_id, order_id))
        self._versions.pop((shop_id, order_id), None)
        self._holding.pop((shop_id, order_id), None)

    async def delete_for_shop(self, shop_id: ShopId) -> int:
        await self._session.execute(delete(order_open_lines).where(order_open_lines.c.shop_id == shop_id))
        result = await self._session.execute(delete(orders).where(orders.c.shop_id == shop_id))
        for key in [key for key in self._versions if key[0] == shop_id]:
            del self._versions[key]
            self._holding.pop(key, None)
        return rowcount(result)

    async def list(self, shop_id: ShopId, *, page_size: int, after: str | None) -> Page[Order]:
        limit = limit_for(page_size)
        keyset = Keyset(after, scope=shop_id)
        if keyset.empty:
            return Page([], None)
        where = orders.c.shop_id == shop_id
        if keyset.bound is not None:
            where = where & (orders.c.id > keyset.bound)
        found = await self._load(where, limit=limit + 1)
        items = found[:limit]
        return Page(items, cursor(shop_id, items[-1].id) if len(found) > limit else None)

    async def search(self, criteria: OrderFilter, *, page_size: int, after: str | None) -> Page[Order]:
        """Matching orders newest first; the cursor is ``create time|order id|shop id``."""
        limit = limit_for(page_size)
        where = orders.c.app_id == criteria.app_id
        if criteria.shop_id is not None:
            where = where & (orders.c.shop_id == criteria.shop_id)
        if criteria.statuses:
            where = where & orders.c.status.in_(sorted(status.value for status in criteria.statuses))
        if criteria.import_state is not None:
            where = where & (orders.c.import_state == criteria.import_state.value)
        if criteria.cancellation_state is not None:
            where = where & (orders.c.cancellation_state == criteria.cancellation_state.value)
        if criteria.created_from is not None:
            where = where & (orders.c.create_time >= criteria.created_from)
        if criteria.created_before is not None:
            where = where & (orders.c.create_time < criteria.created_before)
        if criteria.shopline_cancel_pending is not None:
            where = where & (orders.c.shopline_cancel_pending == criteria.shopline_cancel_pending)
        if criteria.tiktok_cancel_owed is not None:
            where = where & (orders.c.tiktok_cancel_owed == criteria.tiktok_cancel_owed)
        if after is not None:
            created, order_id, shop_id = parse_newest_first_position(after)
            where = where & or_(
                orders.c.create_time < created,
                (orders.c.create_time == created) & (orders.c.id < order_id),
                (orders.c.create_time == created) & (orders.c.id == order_id) & (orders.c.shop_id < shop_id),
            )
        newest_first = (orders.c.create_time.desc(), orders.c.id.desc(), orders.c.shop_id.desc())
        found = await self._load(where, limit=limit + 1, order_by=newest_first)
        items = found[:limit]
        more = len(found) > limit and bool(items)
        return Page(items, newest_first_position(items[-1]) if more else None)

    async def count_for_shop(self, shop_id: ShopId) -> int:
        query = select(func.count()).select_from(orders).where(orders.c.shop_id == shop_id)
        return int((await self._session.execute(query)).scalar_one())

    async def _exists(self, shop_id: ShopId, order_id: OrderId) -> bool:
        query = select(orders.c.id).where(_key_is(shop_id, order_id))
        return (await self._session.execute(query)).first() is not None

    async def _load(
        self,
        where: ColumnElement[bool],
        limit: int | None = None,
        order_by: Sequence[ColumnElement[Any]] = (),
    ) -> builtins.list[Order]:
        query = select(orders).where(where).order_by(*(order_by or (orders.c.id,)))
        if limit is not None:
            query = query.limit(limit)
        found = []
        for row in (await self._session.execute(query)).mappings():
            order = order_from_row(row)
            self._remember(order, row["version"])
            found.append(order)
        return found

    def _remember(self, order: Order, version: int) -> None:
        key = (order.shop_id, order.id)
        self._versions[key] = version
        self._holding[key] = order.holds_stock
        self.seen.add(order)


def _key_is(shop_id: ShopId, order_id: OrderId) -> ColumnElement[bool]:
    return (orders.c.shop_id == shop_id) & (orders.c.id == order_id)
