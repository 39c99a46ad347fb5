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
import contextlib
import json
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import aclosing
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Generic, TypeVar

from domain.catalog import ChannelProduct
from domain.channel import (
    TIKTOK,
    ChannelProductData,
    ResultPage,
    ShopCredentials,
    TikTokOrderData,
    TimeWindow,
)
from domain.errors import (
    DomainError,
    InvalidArgument,
    PartnerAuthExpired,
    PartnerRejected,
    PartnerUnavailable,
    ShopNotFound,
    StaleWrite,
    TokenNotFound,
)
from domain.events import OrderLinesReserved, OrderReleased
from domain.ids import AppId, ChannelProductId, OrderId, ShopId, TikTokShopId
from domain.order import Order, UpdateOutcome
from domain.ports import Clock, IdGenerator, JobQueue, TikTokChannelApi, UnitOfWork
from domain.task import Task, TaskCounts, TaskKind
from services.inventory.stock_effects import StockEffects
from services.shared.requests import ClientRequest
from services.tasks.jobs import (
    WRITE_ATTEMPTS,
    RetryPolicy,
    RunResult,
    TaskRun,
    retrying,
)
from services.tasks.starter import TaskStarter

T = TypeVar("T")
P = TypeVar("P")
_AnyPage = ResultPage[ChannelProductData] | ResultPage[OrderId]
_PageRows = list[ChannelProductData] | list["TikTokOrderData | _NoDetail"]
_IndexedRows = tuple[int, _PageRows | None]
"""A page's number in its window and its rows (None: the window must be split)."""

HISTORY_DAYS = 30
PRODUCTS_SINCE = datetime(2016, 1, 1, tzinfo=UTC)
"""Before TikTok Shop existed: a product search from here covers the whole catalog."""
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
STOCK_EVENTS = (OrderLinesReserved, OrderReleased)
TRANSIENT = (PartnerUnavailable, PartnerAuthExpired)
"""Retried while the task stays RUNNING; an expired access token may be renewed meanwhile."""
_NO_DETAIL = PartnerRejected(TIKTOK, "missing_detail", "TikTok's order details left out this searched order")
"""Why an order the search found is recorded as failed when its detail read did not return it."""


class Phase(Enum):
    PRODUCTS = "products"
    ORDERS = "orders"
    DONE = "done"


@dataclass(frozen=True)
class ImportPosition:
    """Where the import stands: the checkpoint, encoded as a string in the task."""

    phase: Phase
    window: TimeWindow
    pages: int
    """Pages of ``window`` already written."""
    cutoff: datetime
    """The import covers what TikTok held at this time; later changes belong to the incremental sync."""
    orders_since: datetime
    order_window: timedelta = timedelta(days=1)
    """How long each order search window is (the last one ends at the cutoff)."""

    def encode(self) -> str:
        return json.dumps(
            {
                "v": 1,
                "phase": self.phase.value,
                "window": [self.window.start.isoformat(), self.window.end.isoformat()],
                "pages": self.pages,
                "cutoff": self.cutoff.isoformat(),
                "orders_since": self.orders_since.isoformat(),
                "order_window_s": int(self.order_window.total_seconds()),
            },
            separators=(",", ":"),
        )

    @classmethod
    def decode(cls, text: str) -> ImportPosition:
        try:
            data = json.loads(text)
            start, end = data["window"]
            return cls(
                phase=Phase(data["phase"]),
                window=TimeWindow(datetime.fromisoformat(start), datetime.fromisoformat(end)),
                pages=int(data["pages"]),
                cutoff=datetime.fromisoformat(data["cutoff"]),
                orders_since=datetime.fromisoformat(data["orders_since"]),
                order_window=timedelta(seconds=int(data.get("order_window_s", 86_400))),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise InvalidArgument("checkpoint", f"not a history import checkpoint ({error})") from None


@dataclass(frozen=True)
class _NoDetail:
    """An order the search found but its detail read did not return."""

    order_id: OrderId


@dataclass
class _Batch:
    products: list[ChannelProductData] = field(default_factory=list)
    orders: list[TikTokOrderData] = field(default_factory=list)
    without_detail: list[OrderId] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.products) + len(self.orders) + len(self.without_detail)


@dataclass
class _Applied:
    counts: TaskCounts = field(default_factory=TaskCounts)
    errors: list[tuple[str, str]] = field(default_factory=list)

    def add(self, **increments: int) -> None:
        self.counts = self.counts.plus(TaskCounts(**increments))

    def failed(self, item_ref: str, error: DomainError) -> None:
        self.add(failed=1)
        self.errors.append((item_ref, error.message))


class _Shop:
    """What the handler needs to know about the shop, and its current credentials."""

    def __init__(self, shop_id: ShopId, tiktok_shop_id: TikTokShopId, credentials: ShopCredentials) -> None:
        self.shop_id = shop_id
        self.tiktok_shop_id = tiktok_shop_id
        self.credentials = credentials


class HistoryImports:
    """Starts a shop's history import as a task in the task center."""

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        ids: IdGenerator,
        job_queue: JobQueue,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._ids = ids
        self._job_queue = job_queue

    async def start(self, app_id: AppId, shop_id: ShopId) -> Task:
        """Creates the task, or returns the shop's import that is still pending or running."""
        starter = TaskStarter(self._unit_of_work, self._clock, self._ids, self._job_queue)
        request = ClientRequest(app_id, None, "ImportHistory", f"shops/{shop_id}")
        return await starter.start(request, TaskKind.HISTORY_IMPORT, shop_id=shop_id)


class HistoryImportHandler:
    """The ``HISTORY_IMPORT`` task handler."""

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        tiktok: TikTokChannelApi,
        *,
        batch_rows: int = 500,
        page_size: int = 100,
        order_window: timedelta = timedelta(days=1),
        retry: RetryPolicy | None = None,
        search_limit: int = SEARCH_RESULT_LIMIT,
        stock_effects: StockEffects | None = None,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._stock_effects = stock_effects
        self._clock = clock
        self._tiktok = tiktok
        self._batch_rows = batch_rows
        self._page_size = page_size
        self._order_window = order_window
        self._retry = retry or RetryPolicy()
        self._search_limit = search_limit

    async def run(self, run: TaskRun) -> RunResult:
        if run.shop_id is None:
            return RunResult.failed("a history import needs a shop")
        shop = await self._shop(run.shop_id)
        if isinstance(shop, str):
            return RunResult.failed(shop)
        position = ImportPosition.decode(run.checkpoint) if run.checkpoint else await self._begin(run, shop)
        batch = _Batch()
        ahead = _WindowsAhead(lambda following: self._reader(run, shop, following))
        try:
            while position.phase is not Phase.DONE:
                reader = await ahead.take(position) or self._reader(run, shop, position)
                await ahead.keep(self._following(position))
                window_done, position, batch = await self._import_window(
                    run, shop, position, batch, reader, ahead
                )
                if not window_done:
                    if run.stop_requested and not run.lost and batch.rows:
                        await self._write(run, shop, batch, position)
                    return RunResult.stopped()
                position = self._after(position)
        finally:
            await ahead.close()
        await self._write(run, shop, batch, position, finished=True)
        return RunResult.completed()

    # --- phases and windows -----------------------------------------------------------------

    async def _begin(self, run: TaskRun, shop: _Shop) -> ImportPosition:
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
        await self._write(run, shop, _Batch(), position, total=products + orders)
        return position

    async def _count(self, run: TaskRun, shop: _Shop, phase: Phase, window: TimeWindow) -> int:
        async def first_page() -> int:
            async with aclosing(self._search(shop, phase, window, page_size=1)) as pages:
                async for page in pages:
                    return page.total_count
            return 0

        return await self._retrying(run, shop, first_page)

    def _after(self, position: ImportPosition) -> ImportPosition:
        """The window that follows a finished one."""
        end = position.window.end
        if position.phase is Phase.PRODUCTS and end >= position.cutoff:
            first = TimeWindow(position.orders_since, self._order_window_end(position.orders_since, position))
            return replace(position, phase=Phase.ORDERS, window=first, pages=0)
        if position.phase is Phase.ORDERS and end >= position.cutoff:
            return replace(position, phase=Phase.DONE, window=TimeWindow(end, end), pages=0)
        if position.phase is Phase.PRODUCTS:
            return replace(position, window=TimeWindow(end, position.cutoff), pages=0)
        return replace(position, window=TimeWindow(end, self._order_window_end(end, position)), pages=0)

    def _order_window_end(self, start: datetime, position: ImportPosition) -> datetime:
        return min(start + position.order_window, position.cutoff)

    def _following(self, position: ImportPosition) -> list[ImportPosition]:
        """The order windows after ``position``'s that are read ahead of it."""
        following: list[ImportPosition] = []
        for _ in range(WINDOWS_IN_FLIGHT - 1):
            position = self._after(position)
            if position.phase is not Phase.ORDERS:
                break
            following.append(position)
        return following

    def _reader(self, run: TaskRun, shop: _Shop, position: ImportPosition) -> _ReadAhead[_IndexedRows]:
        return _ReadAhead(self._pages_with_rows(run, shop, position), READ_AHEAD_PAGES)

    async def _import_window(
        self,
        run: TaskRun,
        shop: _Shop,
        position: ImportPosition,
        batch: _Batch,
        reader: _ReadAhead[_IndexedRows],
        ahead: _WindowsAhead,
    ) -> tuple[bool, ImportPosition, _Batch]:
        """Reads the window's pages (from ``reader``, already started) into batches, writing each
        full one.

        Returns whether the window was read to its end, the position after the last page read
        and the batch still to write.
        """
        failures = 0
        pages: _ReadAhead[_IndexedRows] | None = reader
        while True:
            try:
                pages = pages or self._reader(run, shop, position)
                async with aclosing(pages):
                    async for index, rows in pages:
                        if rows is None:
                            position = replace(position, window=_first_half(position.window))
                            await ahead.close()  # the windows read ahead followed the unsplit one
                            pages = None
                            break
                        failures = 0
                        _add_rows(batch, rows)
                        position = replace(position, pages=index)
                        if batch.rows >= self._batch_rows:
                            await self._write(run, shop, batch, position)
                            batch = _Batch()
                        if run.stop_requested:
                            return False, position, batch
                    else:
                        return True, position, batch
            except TRANSIENT:
                pages = None
                failures += 1
                if failures >= self._retry.attempts or run.stop_requested:
                    raise
                await run.pause(self._retry.delay(failures))
                await self._refresh_credentials(shop)

    async def _pages_with_rows(
        self, run: TaskRun, shop: _Shop, position: ImportPosition
    ) -> AsyncGenerator[_IndexedRows, None]:
        """The window's pages after the ``position.pages`` already written, each with its rows.

        Rows are None for a first page that says the window holds more than a search can page
        through: the window is to be split.
        """
        pending: deque[tuple[int, asyncio.Task[_PageRows]]] = deque()
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
            await _cancel([rows for _, rows in pending])

    def _too_big(self, page: _AnyPage, window: TimeWindow) -> bool:
        return page.total_count > self._search_limit and window.end - window.start > timedelta(seconds=2)

    def _search(
        self, shop: _Shop, phase: Phase, window: TimeWindow, *, page_size: int | None = None
    ) -> AsyncGenerator[_AnyPage, None]:
        size = page_size or self._page_size
        if phase is Phase.PRODUCTS:
            return _closing(self._tiktok.search_products(shop.credentials, window, page_size=size))
        # Only the ids: the orders are read in full by their details, so mapping them twice is waste.
        return _closing(self._tiktok.search_order_ids(shop.credentials, window, page_size=size))

    async def _page_rows(self, run: TaskRun, shop: _Shop, phase: Phase, page: _AnyPage) -> _PageRows:
        if phase is Phase.PRODUCTS:
            return [item for item in page.items if isinstance(item, ChannelProductData)]
        found = [OrderId(item) for item in page.items if isinstance(item, str)]
        return await self._order_details(run, shop, found)

    async def _order_details(
        self, run: TaskRun, shop: _Shop, found: Sequence[OrderId]
    ) -> list[TikTokOrderData | _NoDetail]:
        """Full orders for a search page, asked for in groups of at most 50 ids."""
        calls: list[Callable[[], Awaitable[list[TikTokOrderData]]]] = []
        for start in range(0, len(found), ORDER_DETAIL_BATCH):
            ids = list(found[start : start + ORDER_DETAIL_BATCH])

            async def details(ids: list[OrderId] = ids) -> list[TikTokOrderData]:
                return await self._tiktok.get_orders(shop.credentials, ids)

            calls.append(details)
        detailed: dict[OrderId, TikTokOrderData] = {}
        for group in await _all([self._retrying(run, shop, call) for call in calls]):
            for order in group:
                detailed[order.order_id] = order
        return [detailed.get(order_id) or _NoDetail(order_id) for order_id in found]

    # --- writing ----------------------------------------------------------------------------

    async def _write(
        self,
        run: TaskRun,
        shop: _Shop,
        batch: _Batch,
        position: ImportPosition,
        *,
        finished: bool = False,
        total: int | None = None,
    ) -> None:
        """One transaction: the batch's rows, the task's progress and the checkpoint after them."""
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                async with self._unit_of_work() as uow:
                    task = await uow.tasks.get(run.task_id)
                    now = self._clock.now()
                    applied = _Applied()
                    await self._apply_products(uow, run, shop, batch.products, applied)
                    await self._apply_orders(uow, run, shop, batch.orders, position, now, applied)
                    for order_id in batch.without_detail:
                        applied.failed(
                            f"apps/{run.app_id}/shops/{shop.shop_id}/orders/{order_id}", _NO_DETAIL
                        )
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
                        now,
                        done=done,
                        total=new_total,
                        counts=applied.counts,
                        errors=applied.errors,
                        checkpoint=position.encode(),
                    )
                    await uow.tasks.update(task)
                    await uow.commit()
                    return
            except StaleWrite:
                if attempt == WRITE_ATTEMPTS:
                    raise

    async def _apply_products(
        self,
        uow: UnitOfWork,
        run: TaskRun,
        shop: _Shop,
        items: Sequence[ChannelProductData],
        applied: _Applied,
    ) -> None:
        if not items:
            return
        held = await uow.channel_products.find_many(shop.shop_id, (item.product_id for item in items))
        changed: dict[ChannelProductId, ChannelProduct] = {}
        for data in items:
            current = changed.get(data.product_id) or held.get(data.product_id)
            try:
                if current is None:
                    changed[data.product_id] = ChannelProduct.synced(run.app_id, shop.shop_id, data)
                    applied.add(created=1)
                elif current.apply_sync(data):
                    changed[data.product_id] = current
                    applied.add(updated=1)
                else:
                    applied.add(skipped=1)
            except DomainError as error:
                applied.failed(f"apps/{run.app_id}/shops/{shop.shop_id}/products/{data.product_id}", error)
        await uow.channel_products.save_many(list(changed.values()))

    async def _apply_orders(
        self,
        uow: UnitOfWork,
        run: TaskRun,
        shop: _Shop,
        items: Sequence[TikTokOrderData],
        position: ImportPosition,
        now: datetime,
        applied: _Applied,
    ) -> None:
        if not items:
            return
        held = await uow.orders.find_many(shop.shop_id, (item.order_id for item in items))
        changed: dict[OrderId, Order] = {}
        for data in items:
            current = changed.get(data.order_id) or held.get(data.order_id)
            if current is None and data.create_time < position.orders_since:
                applied.add(skipped=1)  # updated lately but created before the 30 days
                continue
            try:
                if current is None:
                    # First sight: the order records its own stock effects (reservations) as events.
                    changed[data.order_id] = Order.first_seen(
                        run.app_id, shop.shop_id, shop.tiktok_shop_id, data, now
                    )
                    applied.add(created=1)
                elif current.apply_update(data) is UpdateOutcome.APPLIED:
                    changed[data.order_id] = current
                    applied.add(updated=1)
                else:
                    applied.add(skipped=1)
            except DomainError as error:
                applied.failed(f"apps/{run.app_id}/shops/{shop.shop_id}/orders/{data.order_id}", error)
        if self._stock_effects is not None:
            await self._apply_stock_effects(uow, shop, changed.values())
        await uow.orders.save_many(list(changed.values()))

    async def _apply_stock_effects(self, uow: UnitOfWork, shop: _Shop, batch: Iterable[Order]) -> None:
        """Reservations and releases of the batch's orders, asking the pools only about orders
        with a linked SKU (one query for the batch finds those; a first import has none)."""
        touching = [
            (order, effects)
            for order in batch
            if (effects := [e for e in order.pending_events if isinstance(e, STOCK_EVENTS)])
        ]
        if not touching or self._stock_effects is None:
            return
        skus = {line.sku_id for order, _ in touching for line in order.lines}
        linked = await uow.inventory_pools.pool_ids_for_skus(shop.shop_id, skus)
        for order, effects in touching:
            # A release always goes: the reservation may outlive its SKU's link.
            released = any(isinstance(e, OrderReleased) for e in effects)
            if released or any(line.sku_id in linked for line in order.lines):
                await self._stock_effects.apply(uow, effects)

    # --- shop and credentials ---------------------------------------------------------------

    async def _shop(self, shop_id: ShopId) -> _Shop | str:
        """The shop with its credentials, or why the import cannot run."""
        try:
            async with self._unit_of_work() as uow:
                shop = await uow.shops.get(shop_id)
                token = await uow.tokens.get_tiktok(shop_id)
        except (ShopNotFound, TokenNotFound):
            return "the shop was deleted or has no TikTok authorization"
        if token.needs_reauthorization(self._clock.now()):
            return "the shop's TikTok authorization was revoked or has expired; re-authorize the shop"
        return _Shop(shop.id, shop.tiktok_shop_id, ShopCredentials(shop.cipher, token.access_token))

    async def _refresh_credentials(self, shop: _Shop) -> None:
        """Picks up an access token that the token upkeep renewed meanwhile."""
        async with self._unit_of_work() as uow:
            token = await uow.tokens.get_tiktok(shop.shop_id)
        shop.credentials = replace(shop.credentials, access_token=token.access_token)

    async def _retrying(self, run: TaskRun, shop: _Shop, call: Callable[[], Awaitable[T]]) -> T:
        return await retrying(
            run, self._retry, call, transient=TRANSIENT, before_retry=lambda: self._refresh_credentials(shop)
        )


async def _closing(pages: AsyncIterator[P]) -> AsyncGenerator[P, None]:
    """The partner's pages, with the partner's iterator closed when the reader stops early."""
    try:
        async for page in pages:
            yield page
    finally:
        close = getattr(pages, "aclose", None)
        if close is not None:
            await close()


async def _all(calls: Sequence[Awaitable[T]]) -> list[T]:
    """The results of ``calls`` run concurrently; the first error cancels the others and is raised."""
    if len(calls) == 1:
        return [await calls[0]]
    tasks = [asyncio.ensure_future(call) for call in calls]
    try:
        return list(await asyncio.gather(*tasks))
    finally:
        await _cancel(tasks)


async def _cancel(tasks: Sequence[asyncio.Future[T]]) -> None:
    """Cancels the unfinished ``tasks`` and waits for them; their errors are dropped."""
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.gather(*tasks, return_exceptions=True)


class _ReadAhead(Generic[P]):
    """``source``'s items in order, with up to ``depth`` more fetched while the reader works.

    Reading starts when the object is made (in a task of its own), so a window's pages can be
    fetched before anyone iterates them. Iterate once; ``aclose`` stops the reading.
    """

    def __init__(self, source: AsyncGenerator[P, None], depth: int) -> None:
        self._source = source
        self._queue: asyncio.Queue[tuple[P] | Exception | None] = asyncio.Queue(maxsize=depth)
        self._filler = asyncio.create_task(self._fill())

    async def _fill(self) -> None:
        try:
            async for item in self._source:
                await self._queue.put((item,))
        except Exception as error:
            await self._queue.put(error)  # raised to the reader, in order, after the items before it
            return
        await self._queue.put(None)

    def __aiter__(self) -> _ReadAhead[P]:
        return self

    async def __anext__(self) -> P:
        got = await self._queue.get()
        if got is None:
            raise StopAsyncIteration
        if isinstance(got, Exception):
            raise got
        return got[0]

    async def aclose(self) -> None:
        self._filler.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._filler
        await self._source.aclose()


class _WindowsAhead:
    """Readers of the order windows that follow the one being written, oldest first."""

    def __init__(self, start: Callable[[ImportPosition], _ReadAhead[_IndexedRows]]) -> None:
        self._start = start
        self._readers: deque[tuple[TimeWindow, _ReadAhead[_IndexedRows]]] = deque()

    async def take(self, position: ImportPosition) -> _ReadAhead[_IndexedRows] | None:
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


def _add_rows(batch: _Batch, rows: _PageRows) -> None:
    for row in rows:
        if isinstance(row, ChannelProductData):
            batch.products.append(row)
        elif isinstance(row, _NoDetail):
            batch.without_detail.append(row.order_id)
        else:
            batch.orders.append(row)


def _first_half(window: TimeWindow) -> TimeWindow:
    half = (window.end - window.start) / 2
    middle = window.start + timedelta(seconds=int(half.total_seconds()))
    return TimeWindow(window.start, middle)
