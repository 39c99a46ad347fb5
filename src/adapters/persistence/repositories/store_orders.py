"""The SHOPLINE store's own orders (analytics): one row per order plus its lines, batch upserts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.repositories.common import upsert_insert
from adapters.persistence.tables import store_order_lines, store_order_sync, store_orders
from domain.analytics import StoreOrder
from domain.ids import AppId, ShoplineOrderId

# Bound parameters per statement stay well under SQLite's and PostgreSQL's limits.
_IN_CHUNK = 500


class SqlAlchemyStoreOrderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def upsert_many(self, app_id: AppId, orders: Sequence[StoreOrder]) -> None:
        newest: dict[ShoplineOrderId, StoreOrder] = {}
        for order in orders:
            held = newest.get(order.order_id)
            if held is None or order.updated_at >= held.updated_at:
                newest[order.order_id] = order
        stored = await self._stored_versions(app_id, newest)
        # A late page of an older read never rolls a newer stored order back.
        fresh = [
            order
            for order_id, order in sorted(newest.items())
            if order_id not in stored or stored[order_id] <= order.updated_at
        ]
        if not fresh:
            return
        await self._delete_lines(app_id, [order.order_id for order in fresh])
        statement = upsert_insert(self._session, store_orders)
        keys = ["app_id", "order_id"]
        statement = statement.on_conflict_do_update(
            index_elements=keys,
            set_={c.name: statement.excluded[c.name] for c in store_orders.columns if c.name not in keys},
        )
        await self._session.execute(statement, [_order_row(app_id, order) for order in fresh])
        lines = [row for order in fresh for row in _line_rows(app_id, order)]
        if lines:
            await self._session.execute(store_order_lines.insert(), lines)

    async def delete_many(self, app_id: AppId, order_ids: Iterable[ShoplineOrderId]) -> int:
        wanted = sorted(set(order_ids))
        removed = 0
        await self._delete_lines(app_id, wanted)
        for start in range(0, len(wanted), _IN_CHUNK):
            chunk = wanted[start : start + _IN_CHUNK]
            result: Any = await self._session.execute(
                delete(store_orders).where(
                    store_orders.c.app_id == app_id, store_orders.c.order_id.in_(chunk)
                )
            )
            removed += result.rowcount or 0
        return removed

    async def forget_buyers(
        self, app_id: AppId, buyer_keys: Iterable[str], order_ids: Iterable[ShoplineOrderId]
    ) -> int:
        keys, ids = sorted(set(buyer_keys)), sorted(set(order_ids))
        if not keys and not ids:
            return 0
        named = or_(store_orders.c.buyer_key.in_(keys), store_orders.c.order_id.in_(ids))
        result: Any = await self._session.execute(
            update(store_orders)
            .where(store_orders.c.app_id == app_id, store_orders.c.buyer_key != "", named)
            .values(buyer_key="")
        )
        return int(result.rowcount or 0)

    async def delete_for_app(self, app_id: AppId) -> int:
        await self._session.execute(delete(store_order_lines).where(store_order_lines.c.app_id == app_id))
        result: Any = await self._session.execute(delete(store_orders).where(store_orders.c.app_id == app_id))
        await self._session.execute(delete(store_order_sync).where(store_order_sync.c.app_id == app_id))
        return int(result.rowcount or 0)

    async def count(self, app_id: AppId) -> int:
        query = select(func.count()).select_from(store_orders).where(store_orders.c.app_id == app_id)
        return int((await self._session.execute(query)).scalar_one())

    async def synced_until(self, app_id: AppId) -> datetime | None:
        query = select(store_order_sync.c.synced_until).where(store_order_sync.c.app_id == app_id)
        return (await self._session.execute(query)).scalar_one_or_none()

    async def set_synced_until(self, app_id: AppId, moment: datetime) -> None:
        statement = upsert_insert(self._session, store_order_sync)
        statement = statement.on_conflict_do_update(
            index_elements=["app_id"], set_={"synced_until": statement.excluded.synced_until}
        )
        await self._session.execute(statement, [{"app_id": app_id, "synced_until": moment}])

    async def _stored_versions(
        self, app_id: AppId, order_ids: Iterable[ShoplineOrderId]
    ) -> dict[str, datetime]:
        wanted = sorted(order_ids)
        found: dict[str, datetime] = {}
        for start in range(0, len(wanted), _IN_CHUNK):
            query = select(store_orders.c.order_id, store_orders.c.updated_at).where(
                store_orders.c.app_id == app_id,
                store_orders.c.order_id.in_(wanted[start : start + _IN_CHUNK]),
            )
            found.update({row.order_id: row.updated_at for row in await self._session.execute(query)})
        return found

    async def _delete_lines(self, app_id: AppId, order_ids: Sequence[str]) -> None:
        for start in range(0, len(order_ids), _IN_CHUNK):
            chunk = [(app_id, order_id) for order_id in order_ids[start : start + _IN_CHUNK]]
            await self._session.execute(
                delete(store_order_lines).where(
                    tuple_(store_order_lines.c.app_id, store_order_lines.c.order_id).in_(chunk)
                )
            )


def _order_row(app_id: AppId, order: StoreOrder) -> dict[str, Any]:
    return {
        "app_id": app_id,
        "order_id": order.order_id,
        "created_at": order.created_at,
        "updated_at": order.updated_at,
        "currency": order.currency,
        "cancelled": order.cancelled,
        "unit_count": order.unit_count,
        "gross_e4": order.gross_e4,
        "discount_e4": order.discount_e4,
        "net_e4": order.net_e4,
        "buyer_key": order.buyer_key,
    }


def _line_rows(app_id: AppId, order: StoreOrder) -> list[dict[str, Any]]:
    return [
        {
            "app_id": app_id,
            "order_id": order.order_id,
            "line_no": n,
            "variant_id": line.variant_id,
            "title": line.title,
            "sku": line.sku,
            "quantity": line.quantity,
            "net_e4": line.net_e4,
        }
        for n, line in enumerate(order.lines)
    ]
