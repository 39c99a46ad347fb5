"""Inventory pools as the API shows them: list, read, update safety stock and caps, push all."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from domain.channel import ShoplineVariant
from domain.errors import InvalidArgument, PoolNotFound
from domain.ids import AppId, ChannelSkuId, PoolId, ShoplineVariantId
from domain.inventory_pool import InventoryPool
from domain.paging import Page
from domain.ports import Clock, IdGenerator, JobQueue, PoolFilter, UnitOfWork
from domain.stock_push import PushState
from domain.task import Task, TaskKind
from services.shared.requests import ClientRequest
from services.shared.update_mask import masked_fields
from services.tasks.starter import TaskStarter

MAX_STOCK_SETTING = 1_000_000
UPDATE_INVENTORY_POOL = "UpdateInventoryPool"
PUSH_INVENTORY = "PushInventory"
_POOL_PATHS = {"safety_stock": ("safety_stock",), "channel_skus": ("caps",)}


@dataclass(frozen=True)
class PoolView:
    pool: InventoryPool
    variant: ShoplineVariant | None
    """The cached SHOPLINE variant (SKU code, title); None when not cached yet."""
    pushes: Mapping[ChannelSkuId, PushState]


@dataclass(frozen=True)
class CapChange:
    sku_id: ChannelSkuId
    cap: int | None
    field: str
    """The request field naming this entry, for errors."""


def check_stock_setting(field: str, value: int) -> int:
    if value < 0 or value > MAX_STOCK_SETTING:
        raise InvalidArgument(field, f"must be between 0 and {MAX_STOCK_SETTING}")
    return value


def pool_name(app_id: AppId, variant_id: ShoplineVariantId) -> str:
    return f"apps/{app_id}/inventoryPools/{variant_id}"


class InventoryPools:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        ids: IdGenerator,
        job_queue: JobQueue,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._starter = TaskStarter(unit_of_work, clock, ids, job_queue)

    async def list_pools(
        self, app_id: AppId, pool_filter: PoolFilter, *, page_size: int, after: str | None
    ) -> Page[PoolView]:
        async with self._unit_of_work() as uow:
            await uow.apps.get(app_id)
            page = await uow.inventory_pools.list_filtered(
                app_id, pool_filter, page_size=page_size, after=after
            )
            views = await _views(uow, app_id, page.items)
        return Page(views, page.next_cursor)

    async def get_pool(self, app_id: AppId, variant_id: ShoplineVariantId) -> PoolView:
        async with self._unit_of_work() as uow:
            pool = await _pool(uow, app_id, variant_id)
            return (await _views(uow, app_id, [pool]))[0]

    async def update_pool(
        self,
        app_id: AppId,
        variant_id: ShoplineVariantId,
        *,
        safety_stock: int,
        caps: Sequence[CapChange],
        update_mask: Sequence[str],
        request_id: str | None = None,
    ) -> PoolView:
        """Changes safety stock and/or caps; the new quantities are pushed after the commit.

        A call repeating the ``request_id`` of an earlier one returns the pool as it is now."""
        fields = masked_fields(update_mask, _POOL_PATHS)
        if "safety_stock" in fields:
            check_stock_setting("inventory_pool.safety_stock", safety_stock)
        for change in caps if "caps" in fields else ():
            if change.cap is not None:
                check_stock_setting(f"{change.field}.cap", change.cap)
        details = repr((sorted(fields), safety_stock, caps))
        subject = pool_name(app_id, variant_id)
        request = ClientRequest(app_id, request_id, UPDATE_INVENTORY_POOL, subject, details)
        async with self._unit_of_work() as uow:
            found = await _pool(uow, app_id, variant_id)
            if await request.replayed(uow):
                return (await _views(uow, app_id, [found]))[0]
            pool = await uow.inventory_pools.lock(found.id)
            if "caps" in fields:
                for change in caps:
                    if change.sku_id not in pool.linked_skus:
                        raise InvalidArgument(f"{change.field}.sku", "is not a SKU linked to this pool")
                    pool.set_cap(change.sku_id, change.cap)
            if "safety_stock" in fields:
                pool.set_safety_stock(safety_stock)
            await uow.inventory_pools.update(pool)
            await request.record(uow, self._clock.now())
            await uow.commit()
            return (await _views(uow, app_id, [pool]))[0]

    async def start_push(
        self, app_id: AppId, variant_id: ShoplineVariantId | None, request_id: str | None
    ) -> Task:
        """Starts an INVENTORY_PUSH task for the app (or one pool), even while another one runs;
        a repeated ``request_id`` returns the task its first call started."""
        subject = pool_name(app_id, variant_id) if variant_id is not None else f"apps/{app_id}"
        request = ClientRequest(app_id, request_id, PUSH_INVENTORY, subject)

        async def prepare(uow: UnitOfWork) -> str | None:
            await uow.apps.get(app_id)
            if variant_id is None:
                return None
            pool = await _pool(uow, app_id, variant_id)
            return PushCheckpoint(pool.id, None).encode()

        return await self._starter.start(
            request, TaskKind.INVENTORY_PUSH, prepare=prepare, reuse_active=False
        )


@dataclass(frozen=True)
class PushCheckpoint:
    """An INVENTORY_PUSH task's scope (one pool or the whole app) and the last SKU it pushed."""

    pool_id: PoolId | None
    after: str | None

    def encode(self) -> str:
        return f"{self.pool_id or ''}|{self.after or ''}"

    @classmethod
    def decode(cls, text: str | None) -> PushCheckpoint:
        pool_id, _, after = (text or "").partition("|")
        return cls(PoolId(pool_id) if pool_id else None, after or None)


async def _pool(uow: UnitOfWork, app_id: AppId, variant_id: ShoplineVariantId) -> InventoryPool:
    pool = await uow.inventory_pools.find_by_variant(app_id, variant_id)
    if pool is None:  # names made from the pool id rather than the variant id are accepted too
        try:
            by_id = await uow.inventory_pools.get(PoolId(variant_id))
        except PoolNotFound:
            by_id = None
        pool = by_id if by_id is not None and by_id.app_id == app_id else None
    if pool is None:
        await uow.apps.get(app_id)
        raise PoolNotFound(pool_name(app_id, variant_id))
    return pool


async def _views(uow: UnitOfWork, app_id: AppId, pools: Sequence[InventoryPool]) -> list[PoolView]:
    variants = await uow.shopline_variants.get_many(app_id, [p.variant_id for p in pools])
    views = []
    for pool in pools:
        pushes = {state.sku_id: state for state in await uow.push_states.for_pool(pool.id)}
        views.append(PoolView(pool, variants.get(pool.variant_id), pushes))
    return views
