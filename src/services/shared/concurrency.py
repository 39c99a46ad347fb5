"""Concurrency helpers the capabilities share: partner pages read ahead, calls run side by side."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Sequence
from typing import Generic, TypeVar

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
