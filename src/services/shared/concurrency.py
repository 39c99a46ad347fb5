"""Concurrency helpers the capabilities share: partner pages read ahead, calls run side by side."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from domain.ports import UnitOfWork

log = logging.getLogger("mcc.background")

T = TypeVar("T")
P = TypeVar("P")


async def closing_pages(pages: AsyncIterator[P]) -> AsyncGenerator[P, None]:
    """The partner's pages, with the partner's iterator closed when the reader stops early."""
    try:
        async for page in pages:
            yield page
    finally:
        close = getattr(pages, "aclose", None)
        if close is not None:
            await close()


async def run_all(calls: Sequence[Awaitable[T]]) -> list[T]:
    """The results of ``calls`` run concurrently; the first error cancels the others and is raised."""
    if len(calls) == 1:
        return [await calls[0]]
    tasks = [asyncio.ensure_future(call) for call in calls]
    try:
        return list(await asyncio.gather(*tasks))
    finally:
        await cancel_all(tasks)


async def cancel_all(tasks: Sequence[asyncio.Future[T]]) -> None:
    """Cancels the unfinished ``tasks`` and waits for them; their errors are dropped."""
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.gather(*tasks, return_exceptions=True)


class ReadAhead(Generic[P]):
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

    def __aiter__(self) -> ReadAhead[P]:
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


class Wakeup:
    """Lets whoever notices new work (the event reactions, the webhook edge) wake a drain that is
    built after it: the drain attaches itself, so neither side depends on the other."""

    def __init__(self) -> None:
        self._wake: Callable[[], None] | None = None

    def attach(self, wake: Callable[[], None]) -> None:
        self._wake = wake

    def wake(self) -> None:
        if self._wake is not None:
            self._wake()


class BackgroundDrain:
    """Runs ``drain`` in a background task when woken, one at a time. A wake-up during a drain
    makes it look again before it ends (see ``begin_round`` and ``woken_meanwhile``)."""

    failure_message = "background drain failed"

    def __init__(self, wakeup: Wakeup | None = None) -> None:
        self._woken = asyncio.Event()
        self._drainer: asyncio.Task[int] | None = None
        if wakeup is not None:
            wakeup.attach(self.wake)

    async def drain(self) -> int:
        raise NotImplementedError

    def wake(self) -> None:
        self._woken.set()
        if self._drainer is None or self._drainer.done():
            self._drainer = asyncio.ensure_future(self._drain_logged())

    async def idle(self) -> None:
        """Waits until the current drain (if any) has nothing left to do."""
        while self._drainer is not None and not self._drainer.done():
            await asyncio.wait([self._drainer])

    async def stop(self) -> None:
        if self._drainer is not None and not self._drainer.done():
            self._drainer.cancel()
            await asyncio.gather(self._drainer, return_exceptions=True)
        self._drainer = None

    async def sweep(self) -> None:
        """Periodic: drains whatever is due (retries whose time came, wake-ups that were lost)."""
        self.wake()
        await self.idle()

    def begin_round(self) -> None:
        """Called by ``drain`` before it reads the next work."""
        self._woken.clear()

    @property
    def woken_meanwhile(self) -> bool:
        """Whether a wake-up came since the round began: read again before ending."""
        return self._woken.is_set()

    async def _drain_logged(self) -> int:
        try:
            return await self.drain()
        except Exception:
            log.exception(self.failure_message)
            return 0


Item = TypeVar("Item")
Result = TypeVar("Result")


class GroupCommit(Generic[Item, Result]):
    """Writes the items that callers submit together in one transaction (a group commit): under
    load they are written at the pace of commits, not one transaction each, and each caller
    returns once its own item is durable, with its own result. A failed group fails each of its
    callers; the next group is written anyway."""

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        write: Callable[[UnitOfWork, list[Item]], Awaitable[list[Result]]],
        *,
        max_group: int,
        after_commit: Callable[[list[Result]], Awaitable[None]] | None = None,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._write = write
        self._max_group = max_group
        self._after_commit = after_commit
        self._waiting: list[tuple[Item, asyncio.Future[Result]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def submit(self, item: Item) -> Result:
        done: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.ensure_future(self._write_groups())
        return await asyncio.shield(done)

    async def _write_groups(self) -> None:
        while self._waiting:
            group = self._waiting[: self._max_group]
            del self._waiting[: self._max_group]
            try:
                async with self._unit_of_work() as uow:
                    results = await self._write(uow, [item for item, _ in group])
                    await uow.commit()
            except Exception as error:
                for _, done in group:
                    if not done.done():
                        done.set_exception(error)
                continue
            for (_, done), result in zip(group, results, strict=True):
                if not done.done():
                    done.set_result(result)
            if self._after_commit is not None:
                await self._after_commit(results)
