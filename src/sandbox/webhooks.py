"""Signed webhook delivery with each partner's retry schedule, timed by the sandbox clock.

Deliveries that do not get a 2xx are retried when the sandbox clock passes the next delay
(TikTok: 2 min, 30 min, 3 h, 12 h; SHOPLINE: 19 attempts over 48 h), so a test can advance the
clock and call `pump()` instead of waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

TIKTOK_RETRY_DELAYS = (120.0, 1800.0, 10800.0, 43200.0)
SHOPLINE_RETRY_DELAYS = (5.0, 10.0, 30.0, 45.0, 60.0, 120.0, 300.0, 720.0, 2280.0, 3600.0, 7200.0) + (
    14400.0,
) * 7


@dataclass(slots=True)
class Delivery:
    url: str
    body: bytes
    headers: dict[str, str]
    retry_delays: tuple[float, ...]
    due_at: float
    attempts: int = 0
    history: list[tuple[float, int | str]] = field(default_factory=list)
    done: bool = False


class WebhookDispatcher:
    def __init__(self, clock: Callable[[], float], timeout_s: float = 5.0) -> None:
        self._clock = clock
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self.pending: list[Delivery] = []
        self.finished: list[Delivery] = []
        self._session: aiohttp.ClientSession | None = None
        self._loop_task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    def enqueue(
        self, url: str, body: bytes, headers: dict[str, str], retry_delays: tuple[float, ...]
    ) -> Delivery:
        delivery = Delivery(url, body, headers, retry_delays, self._clock())
        self.pending.append(delivery)
        return delivery

    async def _send(self, delivery: Delivery) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        delivery.attempts += 1
        outcome: int | str
        try:
            async with self._session.post(
                delivery.url, data=delivery.body, headers=delivery.headers
            ) as response:
                await response.read()
                outcome = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            outcome = type(exc).__name__
        delivery.history.append((self._clock(), outcome))
        if isinstance(outcome, int) and 200 <= outcome < 300:
            delivery.done = True
        elif delivery.attempts > len(delivery.retry_delays):
            delivery.done = True  # dropped after the last retry, as the partners do
        else:
            delivery.due_at = self._clock() + delivery.retry_delays[delivery.attempts - 1]

    async def pump(self) -> int:
        """Send every delivery that is due; returns how many were attempted."""
        async with self._lock:
            now = self._clock()
            due = [d for d in self.pending if d.due_at <= now]
            for delivery in due:
                await self._send(delivery)
            self.finished.extend(d for d in self.pending if d.done)
            self.pending = [d for d in self.pending if not d.done]
            return len(due)

    def start(self, interval_s: float = 0.2) -> None:
        async def loop() -> None:
            while True:
                await asyncio.sleep(interval_s)
                with contextlib.suppress(Exception):
                    await self.pump()

        self._loop_task = asyncio.get_running_loop().create_task(loop())

    async def close(self) -> None:
        if self._loop_task is not None:
            self._loop_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop_task
        if self._session is not None:
            await self._session.close()

    def summary(self) -> dict[str, Any]:
        def row(d: Delivery) -> dict[str, Any]:
            return {
                "url": d.url,
                "attempts": d.attempts,
                "history": d.history,
                "done": d.done,
                "due_at": d.due_at,
            }

        return {"pending": [row(d) for d in self.pending], "finished": [row(d) for d in self.finished[-50:]]}
