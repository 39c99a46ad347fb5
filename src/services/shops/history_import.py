"""History import: every product of a shop and the orders created in the last 30 days.

The import streams TikTok's search pages and writes them in batches of at least
``batch_rows`` rows, one transaction per batch, together with the task's progress and checkpoint.
The checkpoint names the phase, the search window and how many of its pages are already written
(the port keeps TikTok's page token to itself; a page count resumes the same search). A run that
stops or crashes resumes from there, and since every write is an idempotent upsert, the data ends
the same as after an uninterrupted run. The next pages are read while a page is applied and its
batch written, so the partner and the database work side by side; at most one batch and
``READ_AHEAD_PAGES`` + ``PAGES_IN_FLIGHT`` + 1 pages are held in memory. A page's order-detail
requests run concurrently, and the next page's while the current one's are awaited, so a
client-side rate limit stays saturated; rows are still handed on in page order.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from contextlib import aclosing
from dataclasses import replace
from datetime import timedelta
from typing import TypeVar

from domain.channel import (
    ChannelProductData,
    ResultPage,
    TikTokOrderData,
    TimeWindow,
)
from domain.ids import OrderId
from domain.ports import Clock, TikTokChannelApi, UnitOfWork
from services.orders.intake import IntakeReport, OrderIntake
from services.shared.concurrency import ReadAhead, cancel_all, closing_pages, run_all
from services.shops.history_batch import (
    NO_DETAIL,
    Applied,
    Batch,
    NoDetail,
    PageRows,
    add_rows,
    apply_products,
)
from services.shops.history_position import HISTORY_DAYS, PRODUCTS_SINCE, ImportPosition, Phase, first_half
from services.shops.sessions import TRANSIENT, ShopSession, ShopSessions
from services.tasks.jobs import (
    RetryPolicy,
    RunResult,
    TaskRun,
    record_failures,
)

T = TypeVar("T")
P = TypeVar("P")
_AnyPage = ResultPage[ChannelProductData] | ResultPage[OrderId]
_IndexedRows = tuple[int, PageRows | None]
"""A page's number in its window and its rows (None: the window must be split)."""

SEARCH_RESULT_LIMIT = 10_000
"""TikTok refuses to page a search beyond this many results; larger windows are split."""
ORDER_DETAIL_BATCH = 50
READ_AHEAD_PAGES = 6
"""Pages (with their order details) fetched ahead of the one being applied: a batch's worth and one
more, so the partner keeps serving while a batch is written."""
PAGES_IN_FLIGHT = 2
"""Search pages whose order details are requested at the same time (each asks for up to
``page_size`` ÷ ``ORDER_DETAIL_BATCH`` detail groups at once)."""
ORDERS_PER_WINDOW = 1_000
"""Order windows are sized from TikTok's count to hold about this many orders (ten pages)."""
MIN_ORDER_WINDOW = timedelta(hours=1)
WINDOWS_IN_FLIGHT = 3
"""Order windows searched side by side. A search pages one request after another, so a single
search is bound by the partner's latency; the windows after the current one are read ahead, each
into its own bounded queue, and still written in window order."""


class HistoryImportHandler:
    """The ``HISTORY_IMPORT`` task handler."""

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        tiktok: TikTokChannelApi,
        intake: OrderIntake,
        *,
        batch_rows: int = 500,
        page_size: int = 100,
        order_window: timedelta = timedelta(days=1),
        retry: RetryPolicy | None = None,
        search_limit: int = SEARCH_RESULT_LIMIT,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._intake = intake
        self._clock = clock
        self._tiktok = tiktok
        self._batch_rows = batch_rows
        self._page_size = page_size
        self._order_window = order_window
        self._sessions = ShopSessions(unit_of_work, clock, retry or RetryPolicy())
        self._search_limit = search_limit

    async def run(self, run: TaskRun) -> RunResult:
        if run.shop_id is None:
            return RunResult.failed("a history import needs a shop")
        shop = await self._sessions.open(run.shop_id)
        if isinstance(shop, str):
            return RunResult.failed(shop)
        position = ImportPosition.decode(run.checkpoint) if run.checkpoint else await self._begin(run, shop)
        batch = Batch()
        ahead = _WindowsAhead(lambda following: self._reader(run, shop, following))
        try:
            while position.phase is not Phase.DONE:
                reader = await ahead.take(position) or self._reader(run, shop, position)
                await ahead.keep(position.following(WINDOWS_IN_FLIGHT - 1))
                window_done, position, batch = await self._import_window(
                    run, shop, position, batch, reader, ahead
                )
                if not window_done:
                    if run.stop_requested and not run.lost and batch.rows:
                        await self._write(run, shop, batch, position)
                    return RunResult.stopped()
                position = position.after()
        finally:
            await ahead.close()
        await self._write(run, shop, batch, position, finished=True)
        return RunResult.completed()

    # --- phases and windows -----------------------------------------------------------------

    async def _begin(self, run: TaskRun, shop: ShopSession) -> ImportPosition:
        """Fixes the cutoff, estimates the total from TikTok's counts and stores the first checkpoint."""
        cutoff = self._clock.now()
        orders_since = cutoff - timedelta(days=HISTORY_DAYS)
        products = await self._count(run, shop, Phase.PRODUCTS, TimeWindow(PRODUCTS_SINCE, cutoff))
        orders = await self._count(run, shop, Phase.ORDERS, TimeWindow(orders_since, cutoff))
        windows = max(1, -(-orders // ORDERS_PER_WINDOW))
        order_window = min(self._order_window, max(MIN_ORDER_WINDOW, (cutoff - orders_since) / windows))
        position = ImportPosition(
            Phase.PRODUCTS, TimeWindow(PRODUCTS_SINCE, cutoff), 0, cutoff, orders_since, order_window
        )
        await self._write(run, shop, Batch(), position, total=products + orders)
        return position

    async def _count(self, run: TaskRun, shop: ShopSession, phase: Phase, window: TimeWindow) -> int:
        async def first_page() -> int:
            async with aclosing(self._search(shop, phase, window, page_size=1)) as pages:
                async for page in pages:
                    return page.total_count
            return 0

        return await self._sessions.retrying(run, shop, first_page)

    def _reader(self, run: TaskRun, shop: ShopSession, position: ImportPosition) -> ReadAhead[_IndexedRows]:
        return ReadAhead(self._pages_with_rows(run, shop, position), READ_AHEAD_PAGES)

    async def _import_window(
        self,
        run: TaskRun,
        shop: ShopSession,
        position: ImportPosition,
        batch: Batch,
        reader: ReadAhead[_IndexedRows],
        ahead: _WindowsAhead,
    ) -> tuple[bool, ImportPosition, Batch]:
        """Reads the window's pages (from ``reader``, already started) into batches, writing each
        full one.

        Returns whether the window was read to its end, the position after the last page read
        and the batch still to write.
        """
        failures = 0
        pages: ReadAhead[_IndexedRows] | None = reader
        while True:
            try:
                pages = pages or self._reader(run, shop, position)
                async with aclosing(pages):
                    async for index, rows in pages:
                        if rows is None:
                            position = replace(position, window=first_half(position.window))
                            await ahead.close()  # the windows read ahead followed the unsplit one
                            pages = None
                            break
                        failures = 0
                        add_rows(batch, rows)
                        position = replace(position, pages=index)
                        if batch.rows >= self._batch_rows:
                            await self._write(run, shop, batch, position)
                            batch = Batch()
                        if run.stop_requested:
                            return False, position, batch
                    else:
                        return True, position, batch
            except TRANSIENT:
                pages = None
                failures += 1
                if not await self._sessions.wait_to_retry(run, shop, failures):
                    raise

    async def _pages_with_rows(
        self, run: TaskRun, shop: ShopSession, position: ImportPosition
    ) -> AsyncGenerator[_IndexedRows, None]:
        """The window's pages after the ``position.pages`` already written, each with its rows.

        Rows are None for a first page that says the window holds more than a search can page
        through: the window is to be split.
        """
        pending: deque[tuple[int, asyncio.Task[PageRows]]] = deque()
        try:
            async with aclosing(self._search(shop, position.phase, position.window)) as pages:
                index = 0
                async for page in pages:
                    index += 1
                    if index <= position.pages:
                        continue  # written before the restart or the transient error
                    if index == 1 and self._too_big(page, position.window):
                        yield index, None
                        return
                    rows = asyncio.ensure_future(self._page_rows(run, shop, position.phase, page))
                    pending.append((index, rows))
                    if len(pending) >= PAGES_IN_FLIGHT:
                        done, rows = pending.popleft()
                        yield done, await rows
            while pending:
                done, rows = pending.popleft()
                yield done, await rows
        finally:
            await cancel_all([rows for _, rows in pending])

    def _too_big(self, page: _AnyPage, window: TimeWindow) -> bool:
        return page.total_count > self._search_limit and window.end - window.start > timedelta(seconds=2)

    def _search(
        self, shop: ShopSession, phase: Phase, window: TimeWindow, *, page_size: int | None = None
    ) -> AsyncGenerator[_AnyPage, None]:
        size = page_size or self._page_size
        if phase is Phase.PRODUCTS:
            return closing_pages(self._tiktok.search_products(shop.credentials, window, page_size=size))
        # Only the ids: the orders are read in full by their details, so mapping them twice is waste.
        return closing_pages(self._tiktok.search_order_ids(shop.credentials, window, page_size=size))

    async def _page_rows(self, run: TaskRun, shop: ShopSession, phase: Phase, page: _AnyPage) -> PageRows:
        if phase is Phase.PRODUCTS:
            return [item for item in page.items if isinstance(item, ChannelProductData)]
        found = [OrderId(item) for item in page.items if isinstance(item, str)]
        return await self._order_details(run, shop, found)

    async def _order_details(
        self, run: TaskRun, shop: ShopSession, found: Sequence[OrderId]
    ) -> list[TikTokOrderData | NoDetail]:
        """Full orders for a search page, asked for in groups of at most 50 ids."""
        calls: list[Callable[[], Awaitable[list[TikTokOrderData]]]] = []
        for start in range(0, len(found), ORDER_DETAIL_BATCH):
            ids = list(found[start : start + ORDER_DETAIL_BATCH])

            async def details(ids: list[OrderId] = ids) -> list[TikTokOrderData]:
                return await self._tiktok.get_orders(shop.credentials, ids)

            calls.append(details)
        detailed: dict[OrderId, TikTokOrderData] = {}
        for group in await run_all([self._sessions.retrying(run, shop, call) for call in calls]):
            for order in group:
                detailed[order.order_id] = order
        return [detailed.get(order_id) or NoDetail(order_id) for order_id in found]

    # --- writing ----------------------------------------------------------------------------

    async def _write(
        self,
        run: TaskRun,
        shop: ShopSession,
        batch: Batch,
        position: ImportPosition,
        *,
        finished: bool = False,
        total: int | None = None,
    ) -> None:
        """One transaction: the batch's orders through the intake, its products, the task's
        progress and the checkpoint after them."""

        async def products_and_progress(uow: UnitOfWork, report: IntakeReport) -> None:
            task = await uow.tasks.get(run.task_id)
            applied = Applied(report.counts, list(report.errors))
            await apply_products(uow, shop.intake, batch.products, applied)
            for order_id in batch.without_detail:
                applied.failed(shop.intake.order_name(order_id), NO_DETAIL)
            done = task.done + batch.rows
            if finished:
                new_total: int | None = done
                shop_row = await uow.shops.get(shop.shop_id)
                shop_row.advance_products_watermark(position.cutoff)
                shop_row.advance_orders_watermark(position.cutoff)
                await uow.shops.update(shop_row)
            elif total is not None:
                new_total = max(total, done)
            else:
                new_total = None if task.total is None else max(task.total, done)
            task.record_progress(
                run.owner,
                self._clock.now(),
                done=done,
                total=new_total,
                counts=applied.counts,
                errors=applied.errors,
                checkpoint=position.encode(),
            )
            await uow.tasks.update(task)

        report = await self._intake.take(
            shop.intake, batch.orders, created_since=position.orders_since, also=products_and_progress
        )
        await record_failures(self._unit_of_work, self._clock, run, report.import_errors)

    # --- shop and credentials ---------------------------------------------------------------


class _WindowsAhead:
    """Readers of the order windows that follow the one being written, oldest first."""

    def __init__(self, start: Callable[[ImportPosition], ReadAhead[_IndexedRows]]) -> None:
        self._start = start
        self._readers: deque[tuple[TimeWindow, ReadAhead[_IndexedRows]]] = deque()

    async def take(self, position: ImportPosition) -> ReadAhead[_IndexedRows] | None:
        """The reader started for ``position``'s window, if one was (only for a window not begun)."""
        if self._readers and position.pages == 0 and self._readers[0][0] == position.window:
            return self._readers.popleft()[1]
        await self.close()
        return None

    async def keep(self, following: Sequence[ImportPosition]) -> None:
        """Readers for exactly ``following``'s windows: kept where started, started where missing."""
        started = [window for window, _ in self._readers]
        wanted = [position.window for position in following]
        if started != wanted[: len(started)]:
            await self.close()
        for position in following[len(self._readers) :]:
            self._readers.append((position.window, self._start(position)))

    async def close(self) -> None:
        while self._readers:
            await self._readers.popleft()[1].aclose()
