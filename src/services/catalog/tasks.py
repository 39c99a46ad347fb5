"""AutoLinkSkus and SyncPrices: starting them, and what their handlers share.

Both read the SHOPLINE variants fresh first (an incremental refresh of the cache), then walk the
shop's products in pages. Each page's changes, the task's progress and the checkpoint (the next
page's cursor) commit together, so a stopped or crashed run resumes at the page it was on.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from domain.errors import (
    InvalidArgument,
    PriceSyncDisabled,
)
from domain.ids import AppId, ChannelProductId, ChannelSkuId, ShopId
from domain.ports import Clock, IdGenerator, JobQueue, UnitOfWork
from domain.shop import Shop
from domain.task import Task, TaskCounts, TaskKind
from services.catalog.variants import VariantRefresh
from services.shared.requests import ClientRequest
from services.shops.sessions import TRANSIENT
from services.tasks.jobs import RetryPolicy, TaskRun, retrying
from services.tasks.starter import TaskStarter

AUTO_LINK_SKUS = "AutoLinkSkus"
SYNC_PRICES = "SyncPrices"


def sku_ref(shop_id: ShopId, product_id: ChannelProductId, sku_id: ChannelSkuId) -> str:
    return f"shops/{shop_id}/products/{product_id}/skus/{sku_id}"


@dataclass(frozen=True)
class CatalogPosition:
    """The checkpoint: shops still to do (the first is current) and where its next page starts."""

    shops: tuple[ShopId, ...]
    after: str | None = None

    def encode(self) -> str:
        return json.dumps({"v": 1, "shops": list(self.shops), "after": self.after}, separators=(",", ":"))

    @classmethod
    def decode(cls, text: str) -> CatalogPosition:
        try:
            data = json.loads(text)
            return cls(tuple(ShopId(s) for s in data["shops"]), data["after"])
        except (ValueError, KeyError, TypeError) as error:
            raise InvalidArgument("checkpoint", f"not a catalog task checkpoint ({error})") from None

    def next_page(self, cursor: str | None) -> CatalogPosition:
        return CatalogPosition(self.shops, cursor) if cursor is not None else CatalogPosition(self.shops[1:])


@dataclass
class Outcome:
    counts: TaskCounts = field(default_factory=TaskCounts)
    errors: list[tuple[str, str]] = field(default_factory=list)
    done: int = 0

    def add(self, **increments: int) -> None:
        self.counts = self.counts.plus(TaskCounts(**increments))

    def failed(self, item_ref: str, reason: str) -> None:
        self.add(failed=1)
        self.errors.append((item_ref, reason))


class CatalogTasks:
    """Starts AutoLinkSkus and SyncPrices tasks; a retried request gets the task it started."""

    def __init__(
        self, unit_of_work: Callable[[], UnitOfWork], clock: Clock, ids: IdGenerator, job_queue: JobQueue
    ) -> None:
        self._starter = TaskStarter(unit_of_work, clock, ids, job_queue)

    async def start_auto_link(
        self, app_id: AppId, shop_id: ShopId | None, request_id: str | None = None
    ) -> Task:
        """For one shop, or for every shop of the app when ``shop_id`` is None."""
        subject = f"shops/{shop_id}" if shop_id is not None else f"apps/{app_id}"
        request = ClientRequest(app_id, request_id, AUTO_LINK_SKUS, subject)

        async def prepare(uow: UnitOfWork) -> None:
            await uow.apps.get(app_id)

        return await self._starter.start(request, TaskKind.AUTO_LINK, shop_id=shop_id, prepare=prepare)

    async def start_price_sync(self, app_id: AppId, shop_id: ShopId, request_id: str | None = None) -> Task:
        request = ClientRequest(app_id, request_id, SYNC_PRICES, f"shops/{shop_id}")

        async def prepare(uow: UnitOfWork) -> None:
            app = await uow.apps.get(app_id)
            shop = await uow.shops.get(shop_id)
            if not shop.effective_price_rule(app.settings.default_price_rule).enabled:
                raise PriceSyncDisabled(f"apps/{app_id}/shops/{shop_id}")

        return await self._starter.start(request, TaskKind.PRICE_SYNC, shop_id=shop_id, prepare=prepare)


class CatalogHandler:
    """What both handlers share: the task's shops, the variant refresh and page-wise writes."""

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        variants: VariantRefresh,
        retry: RetryPolicy | None,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._variants = variants
        self._retry = retry or RetryPolicy()

    async def _begin(
        self, run: TaskRun, count: Callable[[UnitOfWork, Shop], Awaitable[int]]
    ) -> CatalogPosition:
        """Refreshes the variant cache, then stores the first checkpoint and the total."""
        await retrying(run, self._retry, lambda: self._variants.refresh(run.app_id), transient=TRANSIENT)
        async with self._unit_of_work() as uow:
            if run.shop_id is not None:
                shops = [await uow.shops.get(run.shop_id)]
            else:
                shops = await all_shops(uow, run.app_id)
            total = 0
            for shop in shops:
                total += await count(uow, shop)
        position = CatalogPosition(tuple(shop.id for shop in shops))
        await self._record(run, Outcome(), position, total=total)
        return position

    async def _record(
        self, run: TaskRun, outcome: Outcome, position: CatalogPosition, *, total: int | None = None
    ) -> None:
        async with self._unit_of_work() as uow:
            await self._record_in(uow, run, outcome, position, total=total)
            await uow.commit()

    async def _record_in(
        self,
        uow: UnitOfWork,
        run: TaskRun,
        outcome: Outcome,
        position: CatalogPosition,
        *,
        total: int | None = None,
    ) -> None:
        task = await uow.tasks.get(run.task_id)
        done = task.done + outcome.done
        new_total = total if total is not None else task.total
        task.record_progress(
            run.owner,
            self._clock.now(),
            done=done,
            total=None if new_total is None else max(new_total, done),
            counts=outcome.counts,
            errors=outcome.errors,
            checkpoint=position.encode(),
        )
        await uow.tasks.update(task)


async def all_shops(uow: UnitOfWork, app_id: AppId) -> list[Shop]:
    shops: list[Shop] = []
    after: str | None = None
    while True:
        page = await uow.shops.list(app_id, page_size=100, after=after)
        shops.extend(page.items)
        if page.next_cursor is None:
            return shops
        after = page.next_cursor
