"""Stock push rows. ``desired`` is written by the pool repository; this one records outcomes."""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.repositories.common import limit_for
from adapters.persistence.tables import inventory_push_states
from domain.ids import AppId, ChannelProductId, ChannelSkuId, PoolId, ShopId
from domain.paging import Page
from domain.stock_push import PushResult, PushState

_T = inventory_push_states
CLAIM_CHUNK = 500


class SqlAlchemyPushStateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def for_pool(self, pool_id: PoolId) -> builtins.list[PushState]:
        rows = await self._session.execute(select(_T).where(_T.c.pool_id == pool_id).order_by(_T.c.sku_id))
        return [_from_row(row) for row in rows.mappings()]

    async def find(self, pool_id: PoolId, sku_id: ChannelSkuId) -> PushState | None:
        row = (
            (await self._session.execute(select(_T).where(_T.c.pool_id == pool_id, _T.c.sku_id == sku_id)))
            .mappings()
            .first()
        )
        return None if row is None else _from_row(row)

    async def due(self, now: datetime, *, limit: int) -> builtins.list[PushState]:
        query = (
            select(_T)
            .where(
                _T.c.result != PushResult.SUCCEEDED.value,
                or_(_T.c.next_attempt_at.is_(None), _T.c.next_attempt_at <= now),
                or_(_T.c.lease_until.is_(None), _T.c.lease_until <= now),
            )
            .order_by(_T.c.pool_id, _T.c.sku_id)
            .limit(limit_for(limit))
        )
        return [_from_row(row) for row in (await self._session.execute(query)).mappings()]

    async def record(self, state: PushState, seq: int) -> None:
        # A desired quantity written since the push was read keeps the row pending.
        result = case(
            (literal(state.result.value) == PushResult.FAILED.value, PushResult.FAILED.value),
            (_T.c.desired_seq == seq, state.result.value),
            else_=PushResult.PENDING.value,
        )
        await self._session.execute(
            update(_T)
            .where(_T.c.pool_id == state.pool_id, _T.c.sku_id == state.sku_id)
            .values(
                pushed=state.pushed,
                pushed_at=state.pushed_at,
                result=result,
                error=state.error,
                failures=state.failures,
                next_attempt_at=state.next_attempt_at,
                product_id=func.coalesce(_T.c.product_id, state.product_id),
                lease_owner=None,
                lease_until=None,
            )
        )

    async def request(self, pool_id: PoolId, sku_id: ChannelSkuId) -> None:
        await self._session.execute(
            update(_T)
            .where(_T.c.pool_id == pool_id, _T.c.sku_id == sku_id)
            .values(result=PushResult.PENDING.value, next_attempt_at=None)
        )

    async def claim(
        self,
        keys: Iterable[tuple[PoolId, ChannelSkuId]],
        owner: str,
        now: datetime,
        until: datetime,
    ) -> builtins.set[tuple[PoolId, ChannelSkuId]]:
        taken: builtins.set[tuple[PoolId, ChannelSkuId]] = set()
        wanted = sorted(set(keys))
        for start in range(0, len(wanted), CLAIM_CHUNK):
            chunk = wanted[start : start + CLAIM_CHUNK]
            result = await self._session.execute(
                update(_T)
                .where(
                    tuple_(_T.c.pool_id, _T.c.sku_id).in_(chunk),
                    or_(_T.c.lease_until.is_(None), _T.c.lease_until <= now, _T.c.lease_owner == owner),
                )
                .values(lease_owner=owner, lease_until=until)
                .returning(_T.c.pool_id, _T.c.sku_id)
            )
            taken.update((PoolId(pool_id), ChannelSkuId(sku_id)) for pool_id, sku_id in result)
        return taken

    async def list_for_app(
        self, app_id: AppId, *, page_size: int, after: str | None, pool_id: PoolId | None = None
    ) -> Page[PushState]:
        limit = limit_for(page_size)
        where = _T.c.app_id == app_id
        if pool_id is not None:
            where = where & (_T.c.pool_id == pool_id)
        if after is not None:
            after_pool, _, after_sku = after.partition("/")
            where = where & or_(
                _T.c.pool_id > after_pool, and_(_T.c.pool_id == after_pool, _T.c.sku_id > after_sku)
            )
        query = select(_T).where(where).order_by(_T.c.pool_id, _T.c.sku_id).limit(limit + 1)
        found = [_from_row(row) for row in (await self._session.execute(query)).mappings()]
        items = found[:limit]
        last = items[-1] if items else None
        return Page(items, f"{last.pool_id}/{last.sku_id}" if last and len(found) > limit else None)


def _from_row(row: Any) -> PushState:
    return PushState(
        pool_id=PoolId(row["pool_id"]),
        sku_id=ChannelSkuId(row["sku_id"]),
        app_id=AppId(row["app_id"]),
        shop_id=ShopId(row["shop_id"]),
        product_id=None if row["product_id"] is None else ChannelProductId(row["product_id"]),
        desired=row["desired"],
        desired_seq=row["desired_seq"],
        pushed=row["pushed"],
        pushed_at=row["pushed_at"],
        result=PushResult(row["result"]),
        error=row["error"],
        failures=row["failures"],
        next_attempt_at=row["next_attempt_at"],
        lease_owner=row["lease_owner"],
        lease_until=row["lease_until"],
    )
