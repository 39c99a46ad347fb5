"""Incremental order sync of one shop: TikTok's changes since the shop's watermark.

Orders updated in ``[watermark - OVERLAP, now)`` are read oldest update first, their details in
groups of 50, and written one search page per transaction together with their stock effects and
the task's progress. Stale and repeated snapshots change nothing. Buyer cancellation requests of
the same window come from the cancellation search. The watermark moves to ``now`` only in a
transaction after every page was committed, so a crash re-reads the window instead of skipping it.
When the app imports automatically, each page's importable orders go to SHOPLINE right after the
page's commit; at the end, orders cancelled after their import are cancelled in SHOPLINE (with
restock), including ones whose cancellation failed in an earlier run.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Sequence
from contextlib import aclosing
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TypeVar

from domain.channel import (
    CancellationStatus,
    ShopCredentials,
    TikTokCancellation,
    TikTokOrderData,
    TimeWindow,
)
from domain.errors import (
    ConcurrencyConflict,
    DomainError,
    InvalidArgument,
    OrderNotCancellable,
    OrderNotImportable,
    ShopNotFound,
    StaleWrite,
    TokenNotFound,
)
from domain.ids import AppId, OrderId, ShopId, TikTokShopId
from domain.order import CancellationState, ImportState, Order, OrderFilter, UpdateOutcome
from domain.ports import Clock, IdGenerator, JobQueue, TikTokChannelApi, UnitOfWork
from domain.shop import ShopStatus
from domain.task import Task, TaskCounts, TaskKind
from services.inventory.stock_effects import StockEffects
from services.orders.shopline_import import OrderImporter
from services.shared.requests import ClientRequest
from services.shops.history_import import ORDER_DETAIL_BATCH, TRANSIENT
from services.tasks.jobs import (
    WRITE_ATTEMPTS,
    RetryPolicy,
    RunResult,
    TaskRun,
    retrying,
)
from services.tasks.starter import TaskStarter

log = logging.getLogger("mcc.orders")

SYNC_ORDERS = "SyncOrders"

T = TypeVar("T")
P = TypeVar("P")

OVERLAP = timedelta(minutes=10)
"""TikTok may publish an update late; every window starts this much before the watermark."""
FIRST_SYNC_SPAN = timedelta(days=1)
"""How far back a shop without a watermark (no history import yet) is read."""
BUYER_CANCEL_ROLES = frozenset({"BUYER"})
OPEN_REQUEST_HORIZON = timedelta(days=7)
"""Buyer requests wait at most a few days for an answer, so every sync looks this far back for
pending ones: a request made before the shop's first sync is found too."""
SCAN_PAGE = 100


@dataclass(frozen=True)
class SyncWindow:
    """The checkpoint: the window being synced, so a resumed run reads the same one."""

    window: TimeWindow

    def encode(self) -> str:
        return json.dumps(
            {"v": 1, "window": [self.window.start.isoformat(), self.window.end.isoformat()]},
            separators=(",", ":"),
        )

    @classmethod
    def decode(cls, text: str) -> SyncWindow:
        try:
            start, end = json.loads(text)["window"]
            return cls(TimeWindow(datetime.fromisoformat(start), datetime.fromisoformat(end)))
        except (ValueError, KeyError, TypeError) as error:
            raise InvalidArgument("checkpoint", f"not an order sync checkpoint ({error})") from None


@dataclass
class _Page:
    counts: TaskCounts = field(default_factory=TaskCounts)
    errors: list[tuple[str, str]] = field(default_factory=list)
    not_imported: list[OrderId] = field(default_factory=list)
    """Orders of the page not in SHOPLINE yet: candidates for the automatic import."""

    def add(self, **increments: int) -> None:
        self.counts = self.counts.plus(TaskCounts(**increments))


@dataclass
class _Shop:
    shop_id: ShopId
    tiktok_shop_id: TikTokShopId
    credentials: ShopCredentials
    watermark: datetime | None


class OrderSyncs:
    """Starts order syncs as tasks: for one shop on request, and for every active shop periodically."""

    def __init__(
        self, unit_of_work: Callable[[], UnitOfWork], clock: Clock, ids: IdGenerator, job_queue: JobQueue
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._ids = ids
        self._job_queue = job_queue

    async def start(self, app_id: AppId, shop_id: ShopId, request_id: str | None = None) -> Task:
        """Creates the task, or returns the shop's order sync that is still pending or running."""
        request = ClientRequest(app_id, request_id, SYNC_ORDERS, f"shops/{shop_id}")
        starter = TaskStarter(self._unit_of_work, self._clock, self._ids, self._job_queue)
        return await starter.start(request, TaskKind.ORDER_SYNC, shop_id=shop_id)

    async def start_for_active_shops(self) -> int:
        """One sync per active shop of every app (a shop's running sync is reused); returns how many."""
        started = 0
        after_app: str | None = None
        while True:
            async with self._unit_of_work() as uow:
                apps = await uow.apps.list(page_size=SCAN_PAGE, after=after_app)
            for app in apps.items:
                after_shop: str | None = None
                while True:
                    async with self._unit_of_work() as uow:
                        shops = await uow.shops.list(
                            app.id, page_size=SCAN_PAGE, after=after_shop, status=ShopStatus.ACTIVE
                        )
                    for shop in shops.items:
                        if shop.orders_synced_until is None:
                            continue  # its history import is still running; it sets the watermark
                        try:
                            await self.start(app.id, shop.id)
                            started += 1
                        except ShopNotFound:
                            continue  # deleted meanwhile
                    after_shop = shops.next_cursor
                    if after_shop is None:
                        break
            after_app = apps.next_cursor
            if after_app is None:
                return started


class OrderSyncHandler:
    """The ``ORDER_SYNC`` task handler."""

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        tiktok: TikTokChannelApi,
        stock_effects: StockEffects,
        importer: OrderImporter,
        *,
        page_size: int = 100,
        retry: RetryPolicy | None = None,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._tiktok = tiktok
        self._stock_effects = stock_effects
        self._importer = importer
        self._page_size = page_size
        self._retry = retry or RetryPolicy()

    async def run(self, run: TaskRun) -> RunResult:
        if run.shop_id is None:
            return RunResult.failed("an order sync needs a shop")
        shop = await self._shop(run.shop_id)
        if isinstance(shop, str):
            return RunResult.failed(shop)
        if run.checkpoint:
            position = SyncWindow.decode(run.checkpoint)
        else:
            now = self._clock.now()
            since = shop.watermark - OVERLAP if shop.watermark is not None else now - FIRST_SYNC_SPAN
            position = SyncWindow(TimeWindow(since, now))
        await self._sync_orders(run, shop, position)
        if run.stop_requested:
            return RunResult.stopped()
        await self._sync_cancellations(run, shop, position)
        await self._finish(run, shop, position)
        await self._after_commit(run, shop)
        return RunResult.completed()

    # --- orders -----------------------------------------------------------------------------

    async def _sync_orders(self, run: TaskRun, shop: _Shop, position: SyncWindow) -> None:
        """Streams the search page by page; after a transient error the search restarts past the
        pages already written (writes are idempotent, so a re-read page would change nothing)."""
        written = 0
        failures = 0
        while True:
            try:
                index = 0
                search = self._tiktok.search_orders(
                    shop.credentials, position.window, page_size=self._page_size
                )
                async with aclosing(_closing(search)) as pages:
                    async for page in pages:
                        index += 1
                        if index <= written:
                            continue
                        detailed = await self._details(run, shop, page.items)
                        await self._write_orders(run, shop, detailed, position)
                        written = index
                        if run.stop_requested:
                            return
                return
            except TRANSIENT:
                failures += 1
                if failures >= self._retry.attempts or run.stop_requested:
                    raise
                await run.pause(self._retry.delay(failures))
                await self._refresh_credentials(shop)

    async def _details(
        self, run: TaskRun, shop: _Shop, found: Sequence[TikTokOrderData]
    ) -> list[TikTokOrderData]:
        detailed: dict[OrderId, TikTokOrderData] = {}
        for start in range(0, len(found), ORDER_DETAIL_BATCH):
            ids = [order.order_id for order in found[start : start + ORDER_DETAIL_BATCH]]

            async def details(ids: list[OrderId] = ids) -> list[TikTokOrderData]:
                return await self._tiktok.get_orders(shop.credentials, ids)

            for order in await self._retrying(run, shop, details):
                detailed[order.order_id] = order
        return [detailed.get(order.order_id, order) for order in found]

    async def _write_orders(
        self,
        run: TaskRun,
        shop: _Shop,
        items: Sequence[TikTokOrderData],
        position: SyncWindow,
    ) -> None:
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            page = _Page()
            try:
                async with self._unit_of_work() as uow:
                    now = self._clock.now()
                    held = await uow.orders.find_many(shop.shop_id, (item.order_id for item in items))
                    changed: dict[OrderId, Order] = {}
                    for data in items:
                        current = changed.get(data.order_id) or held.get(data.order_id)
                        try:
                            if current is None:
                                order = Order.first_seen(
                                    run.app_id, shop.shop_id, shop.tiktok_shop_id, data, now
                                )
                                page.add(created=1)
                            elif current.apply_update(data, now) is UpdateOutcome.APPLIED:
                                order = current
                                page.add(updated=1)
                            else:
                                page.add(skipped=1)
                                continue
                        except DomainError as error:
                            page.add(failed=1)
                            page.errors.append((_order_name(run, shop, data.order_id), error.message))
                            continue
                        changed[data.order_id] = order
                    # One call for the page: its pools are locked together, in ascending id order.
                    effects = [event for order in changed.values() for event in order.pending_events]
                    await self._stock_effects.apply(uow, effects)
                    await uow.orders.save_many(list(changed.values()))
                    await self._progress(uow, run, len(items), page, position)
                    await uow.commit()
                for data in items:
                    stored = changed.get(data.order_id) or held.get(data.order_id)
                    if stored is not None and stored.import_status.state is not ImportState.IMPORTED:
                        page.not_imported.append(stored.id)
                break
            except StaleWrite:
                if attempt == WRITE_ATTEMPTS:
                    raise
        await self._import_automatically(run, shop, page.not_imported)

    # --- buyer cancellation requests --------------------------------------------------------

    async def _sync_cancellations(self, run: TaskRun, shop: _Shop, position: SyncWindow) -> None:
        window = TimeWindow(
            min(position.window.start, position.window.end - OPEN_REQUEST_HORIZON), position.window.end
        )

        async def requests() -> None:
            search = self._tiktok.search_cancellations(shop.credentials, window)
            async with aclosing(_closing(search)) as pages:
                async for page in pages:
                    pending = [
                        c for c in page.items if c.status is CancellationStatus.PENDING and _by_buyer(c)
                    ]
                    if pending:
                        await self._write_requests(run, shop, pending, position)

        await self._retrying(run, shop, requests)

    async def _write_requests(
        self,
        run: TaskRun,
        shop: _Shop,
        requests: Sequence[TikTokCancellation],
        position: SyncWindow,
    ) -> None:
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            page = _Page()
            try:
                async with self._unit_of_work() as uow:
                    held = await uow.orders.find_many(shop.shop_id, (c.order_id for c in requests))
                    changed: dict[OrderId, Order] = {}
                    for request in requests:
                        order = held.get(request.order_id)
                        cancellation = None if order is None else order.cancellation
                        if order is None or cancellation is None:
                            page.add(skipped=1)  # not synced yet; the next run picks the request up
                            continue
                        if cancellation.cancel_id == request.cancel_id and cancellation.state is not (
                            CancellationState.NONE
                        ):
                            page.add(skipped=1)
                            continue
                        try:
                            order.buyer_requested_cancellation(
                                request.cancel_id,
                                request.response_deadline,
                                reason=request.reason,
                                requested_at=request.create_time,
                            )
                        except OrderNotCancellable:
                            page.add(skipped=1)
                            continue
                        changed[order.id] = order
                        page.add(updated=1)
                    await uow.orders.save_many(list(changed.values()))
                    await self._progress(uow, run, 0, page, position)
                    await uow.commit()
                break
            except StaleWrite:
                if attempt == WRITE_ATTEMPTS:
                    raise

    # --- after the window -------------------------------------------------------------------

    async def _finish(self, run: TaskRun, shop: _Shop, position: SyncWindow) -> None:
        """Moves the watermark, in its own transaction after every page of the window committed."""
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                async with self._unit_of_work() as uow:
                    shop_row = await uow.shops.get(shop.shop_id)
                    shop_row.advance_orders_watermark(position.window.end)
                    await uow.shops.update(shop_row)
                    task = await uow.tasks.get(run.task_id)
                    task.record_progress(run.owner, self._clock.now(), total=task.done)
                    await uow.tasks.update(task)
                    await uow.commit()
                return
            except StaleWrite:
                if attempt == WRITE_ATTEMPTS:
                    raise

    async def _import_automatically(self, run: TaskRun, shop: _Shop, candidates: Sequence[OrderId]) -> None:
        """After a page's commit, when the app imports automatically: its eligible orders go to SHOPLINE."""
        if not candidates or not await self._auto_import(run.app_id):
            return
        errors: list[tuple[str, str]] = []
        for order_id in dict.fromkeys(candidates):
            try:
                await self._importer.import_order(run.app_id, shop.shop_id, order_id)
            except (OrderNotImportable, ConcurrencyConflict):
                continue  # not importable now, or being imported by another call
            except DomainError as error:  # the page's orders are committed; report and go on
                errors.append((_order_name(run, shop, order_id), f"import failed: {error.message}"))
        await self._report(run, errors)

    async def _after_commit(self, run: TaskRun, shop: _Shop) -> None:
        """Cancels in SHOPLINE, with restock, every order of the shop cancelled after its import."""
        errors: list[tuple[str, str]] = []
        pending = OrderFilter(run.app_id, shop.shop_id, shopline_cancel_pending=True)
        after: str | None = None
        while True:  # every such order of the shop, so one that failed last time is retried now
            async with self._unit_of_work() as uow:
                page = await uow.orders.search(pending, page_size=SCAN_PAGE, after=after)
            for order in page.items:
                try:
                    await self._importer.cancel_in_shopline(order)
                except DomainError as error:  # a partner failure, or the app lost its SHOPLINE token
                    errors.append(
                        (_order_name(run, shop, order.id), f"SHOPLINE cancel failed: {error.message}")
                    )
            after = page.next_cursor
            if after is None:
                break
        await self._report(run, errors)

    async def _report(self, run: TaskRun, errors: list[tuple[str, str]]) -> None:
        if errors:
            async with self._unit_of_work() as uow:
                task = await uow.tasks.get(run.task_id)
                task.record_progress(
                    run.owner, self._clock.now(), counts=TaskCounts(failed=len(errors)), errors=errors
                )
                await uow.tasks.update(task)
                await uow.commit()

    async def _auto_import(self, app_id: AppId) -> bool:
        async with self._unit_of_work() as uow:
            app = await uow.apps.get(app_id)
        return app.settings.auto_import_orders

    # --- helpers ----------------------------------------------------------------------------

    async def _progress(
        self, uow: UnitOfWork, run: TaskRun, rows: int, page: _Page, position: SyncWindow
    ) -> None:
        task = await uow.tasks.get(run.task_id)
        done = task.done + rows
        task.record_progress(
            run.owner,
            self._clock.now(),
            done=done,
            total=max(task.total or 0, done),
            counts=page.counts,
            errors=page.errors,
            checkpoint=position.encode(),
        )
        await uow.tasks.update(task)

    async def _shop(self, shop_id: ShopId) -> _Shop | str:
        try:
            async with self._unit_of_work() as uow:
                shop = await uow.shops.get(shop_id)
                token = await uow.tokens.get_tiktok(shop_id)
        except (ShopNotFound, TokenNotFound):
            return "the shop was deleted or has no TikTok authorization"
        if shop.status is not ShopStatus.ACTIVE or token.needs_reauthorization(self._clock.now()):
            return "the shop's TikTok authorization was revoked or has expired; re-authorize the shop"
        return _Shop(
            shop.id,
            shop.tiktok_shop_id,
            ShopCredentials(shop.cipher, token.access_token),
            shop.orders_synced_until,
        )

    async def _refresh_credentials(self, shop: _Shop) -> None:
        async with self._unit_of_work() as uow:
            token = await uow.tokens.get_tiktok(shop.shop_id)
        shop.credentials = replace(shop.credentials, access_token=token.access_token)

    async def _retrying(self, run: TaskRun, shop: _Shop, call: Callable[[], Awaitable[T]]) -> T:
        return await retrying(
            run, self._retry, call, transient=TRANSIENT, before_retry=lambda: self._refresh_credentials(shop)
        )


def _order_name(run: TaskRun, shop: _Shop, order_id: OrderId) -> str:
    return f"apps/{run.app_id}/shops/{shop.shop_id}/orders/{order_id}"


def _by_buyer(cancellation: TikTokCancellation) -> bool:
    return cancellation.role in BUYER_CANCEL_ROLES or cancellation.cancel_type == "BUYER_CANCEL"


async def _closing(pages: AsyncIterator[P]) -> AsyncGenerator[P, None]:
    """The partner's pages, with the partner's iterator closed when the reader stops early."""
    try:
        async for page in pages:
            yield page
    finally:
        close = getattr(pages, "aclose", None)
        if close is not None:
            await close()
