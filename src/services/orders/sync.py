"""Incremental order sync of one shop: TikTok's changes since the shop's watermark.

Orders updated in ``[watermark - OVERLAP, now)`` are read oldest update first, their details in
groups of 50, and each search page goes through the order intake (``services.orders.intake``) in
one transaction with the task's progress. Stale and repeated snapshots change nothing. Buyer
cancellation requests of the same window come from the cancellation search. The watermark moves
to ``now`` only in a transaction after every page was committed, so a crash re-reads the window
instead of skipping it.
When the app imports automatically, the intake sends each page's importable orders to SHOPLINE
right after the page's commit; at the end, orders cancelled after their import are cancelled in SHOPLINE (with
restock), including ones whose cancellation failed in an earlier run.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from domain.channel import (
    CancellationStatus,
    TikTokCancellation,
    TikTokOrderData,
    TimeWindow,
)
from domain.errors import (
    DomainError,
    InvalidArgument,
    ShopNotFound,
)
from domain.ids import AppId, OrderId, ShopId
from domain.order import OrderFilter
from domain.ports import Clock, IdGenerator, JobQueue, TikTokChannelApi, UnitOfWork
from domain.shop import ShopStatus
from domain.task import Task, TaskCounts, TaskKind
from services.orders.intake import IntakeReport, OrderIntake
from services.orders.shopline_cancellation import ShoplineCancellations
from services.orders.shopline_import import OrderImporter
from services.returns.sync import ReturnSync
from services.shared.concurrency import closing_pages
from services.shared.requests import ClientRequest
from services.shared.stale_writes import retry_stale
from services.shops.history_import import ORDER_DETAIL_BATCH
from services.shops.sessions import TRANSIENT, ShopSession, ShopSessions
from services.tasks.jobs import (
    RetryPolicy,
    RunResult,
    TaskRun,
    record_failures,
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
                if app.uninstalled:
                    continue  # its work stopped with the uninstall
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
        intake: OrderIntake,
        importer: OrderImporter,
        *,
        page_size: int = 100,
        retry: RetryPolicy | None = None,
        shopline_cancellations: ShoplineCancellations | None = None,
        returns: ReturnSync | None = None,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._tiktok = tiktok
        self._intake = intake
        self._importer = importer
        self._shopline_cancellations = shopline_cancellations
        self._returns = returns
        self._page_size = page_size
        self._sessions = ShopSessions(unit_of_work, clock, retry or RetryPolicy())

    async def run(self, run: TaskRun) -> RunResult:
        if run.shop_id is None:
            return RunResult.failed("an order sync needs a shop")
        shop = await self._sessions.open(run.shop_id)
        if isinstance(shop, str):
            return RunResult.failed(shop)
        if run.checkpoint:
            position = SyncWindow.decode(run.checkpoint)
        else:
            now = self._clock.now()
            since = (
                shop.orders_watermark - OVERLAP
                if shop.orders_watermark is not None
                else now - FIRST_SYNC_SPAN
            )
            position = SyncWindow(TimeWindow(since, now))
        await self._sync_orders(run, shop, position)
        if run.stop_requested:
            return RunResult.stopped()
        await self._sync_cancellations(run, shop, position)
        await self._sync_returns(run, shop, position)
        await self._finish(run, shop, position)
        await self._after_commit(run, shop)
        return RunResult.completed()

    async def _sync_returns(self, run: TaskRun, shop: ShopSession, position: SyncWindow) -> None:
        """Returns changed in the window, then every SHOPLINE refund of the shop still due."""
        returns = self._returns
        if returns is None:
            return

        async def search() -> None:
            await returns.search(run.app_id, shop.shop_id, shop.credentials, position.window)

        await self._sessions.retrying(run, shop, search)
        failures = await returns.refund_due(
            shop.shop_id, lambda return_id: f"apps/{run.app_id}/shops/{shop.shop_id}/returns/{return_id}"
        )
        await record_failures(self._unit_of_work, self._clock, run, failures)

    # --- orders -----------------------------------------------------------------------------

    async def _sync_orders(self, run: TaskRun, shop: ShopSession, position: SyncWindow) -> None:
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
                async with aclosing(closing_pages(search)) as pages:
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
                if not await self._sessions.wait_to_retry(run, shop, failures):
                    raise

    async def _details(
        self, run: TaskRun, shop: ShopSession, found: Sequence[TikTokOrderData]
    ) -> list[TikTokOrderData]:
        detailed: dict[OrderId, TikTokOrderData] = {}
        for start in range(0, len(found), ORDER_DETAIL_BATCH):
            ids = [order.order_id for order in found[start : start + ORDER_DETAIL_BATCH]]

            async def details(ids: list[OrderId] = ids) -> list[TikTokOrderData]:
                return await self._tiktok.get_orders(shop.credentials, ids)

            for order in await self._sessions.retrying(run, shop, details):
                detailed[order.order_id] = order
        return [detailed.get(order.order_id, order) for order in found]

    async def _write_orders(
        self,
        run: TaskRun,
        shop: ShopSession,
        items: Sequence[TikTokOrderData],
        position: SyncWindow,
    ) -> None:
        async def progress(uow: UnitOfWork, report: IntakeReport) -> None:
            await self._progress(uow, run, len(items), report.counts, report.errors, position)

        report = await self._intake.take(shop.intake, items, also=progress)
        await record_failures(self._unit_of_work, self._clock, run, report.import_errors)

    # --- buyer cancellation requests --------------------------------------------------------

    async def _sync_cancellations(self, run: TaskRun, shop: ShopSession, position: SyncWindow) -> None:
        window = TimeWindow(
            min(position.window.start, position.window.end - OPEN_REQUEST_HORIZON), position.window.end
        )

        async def requests() -> None:
            search = self._tiktok.search_cancellations(shop.credentials, window)
            async with aclosing(closing_pages(search)) as pages:
                async for page in pages:
                    pending = [
                        c for c in page.items if c.status is CancellationStatus.PENDING and _by_buyer(c)
                    ]
                    if pending:
                        await self._write_requests(run, shop, pending, position)

        await self._sessions.retrying(run, shop, requests)

    async def _write_requests(
        self,
        run: TaskRun,
        shop: ShopSession,
        requests: Sequence[TikTokCancellation],
        position: SyncWindow,
    ) -> None:
        async def progress(uow: UnitOfWork, report: IntakeReport) -> None:
            await self._progress(uow, run, 0, report.counts, report.errors, position)

        await self._intake.take_cancellation_requests(shop.intake, requests, also=progress)

    # --- after the window -------------------------------------------------------------------

    async def _finish(self, run: TaskRun, shop: ShopSession, position: SyncWindow) -> None:
        """Moves the watermark, in its own transaction after every page of the window committed."""

        async def write() -> None:
            async with self._unit_of_work() as uow:
                shop_row = await uow.shops.get(shop.shop_id)
                shop_row.advance_orders_watermark(position.window.end)
                await uow.shops.update(shop_row)
                task = await uow.tasks.get(run.task_id)
                task.record_progress(run.owner, self._clock.now(), total=task.done)
                await uow.tasks.update(task)
                await uow.commit()

        await retry_stale(write)

    async def _after_commit(self, run: TaskRun, shop: ShopSession) -> None:
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
        if self._shopline_cancellations is not None:
            errors += await self._shopline_cancellations.carry_owed(run.app_id, shop.shop_id, SCAN_PAGE)
        await record_failures(self._unit_of_work, self._clock, run, errors)

    # --- helpers ----------------------------------------------------------------------------

    async def _progress(
        self,
        uow: UnitOfWork,
        run: TaskRun,
        rows: int,
        counts: TaskCounts,
        errors: list[tuple[str, str]],
        position: SyncWindow,
    ) -> None:
        task = await uow.tasks.get(run.task_id)
        done = task.done + rows
        task.record_progress(
            run.owner,
            self._clock.now(),
            done=done,
            total=max(task.total or 0, done),
            counts=counts,
            errors=errors,
            checkpoint=position.encode(),
        )
        await uow.tasks.update(task)


def _order_name(run: TaskRun, shop: ShopSession, order_id: OrderId) -> str:
    return f"apps/{run.app_id}/shops/{shop.shop_id}/orders/{order_id}"


def _by_buyer(cancellation: TikTokCancellation) -> bool:
    return cancellation.role in BUYER_CANCEL_ROLES or cancellation.cancel_type == "BUYER_CANCEL"
