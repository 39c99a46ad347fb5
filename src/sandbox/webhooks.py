"""Signed webhook delivery with each partner's retry schedule, timed by the sandbox clock.

Deliveries that are not answered as the partner wants are retried when the sandbox clock passes
the next delay (TikTok: 2 min, 30 min, 3 h, 12 h after the previous failure, reference W4;
SHOPLINE: at once, then 5 s … 4 h, 19 attempts in all, B6), so a test can advance the clock and
call `pump()` instead of waiting. `retry_scale` compresses every delay (0.001 turns 12 h into 43 s).
Faults (`WebhookFaults`) drop, duplicate, hold or corrupt deliveries on command.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import aiohttp

from sandbox.webhook_faults import WebhookFaults

TIKTOK_RETRY_DELAYS = (120.0, 1800.0, 10800.0, 43200.0)
# The first entry of SHOPLINE's table (0 s) is the first sending itself: 19 attempts in all.
SHOPLINE_RETRY_DELAYS = (5.0, 10.0, 30.0, 45.0, 60.0, 120.0, 300.0, 720.0, 2280.0, 3600.0, 7200.0) + (
    14400.0,
) * 7
# TikTok counts 401 (the receiver refused the signature) as answered: no retry (reference W4).
TIKTOK_FINAL_STATUSES = frozenset({401})


@dataclass(slots=True)
class Delivery:
    url: str
    body: bytes
    headers: dict[str, str]
    retry_delays: tuple[float, ...]
    due_at: float
    label: str = ""
    signature_header: str = ""
    final_statuses: frozenset[int] = frozenset()
    """Non-2xx answers the partner takes as final (no retry)."""
    on_abandoned: Callable[[], None] | None = field(default=None, repr=False)
    """Called when every attempt failed (SHOPLINE then deletes the subscription)."""
    attempts: int = 0
    history: list[tuple[float, int | str]] = field(default_factory=list)
    done: bool = False
    outcome: str = "pending"  # delivered, answered, abandoned, dropped


class WebhookDispatcher:
    def __init__(
        self,
        clock: Callable[[], float],
        timeout_s: float = 5.0,
        *,
        seed: int = 0,
        retry_scale: float = 1.0,
    ) -> None:
        self._clock = clock
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self.retry_scale = retry_scale
        self.faults = WebhookFaults(seed)
        self._release_order = random.Random(seed)  # noqa: S311  (reproducible shuffles)
        self.pending: list[Delivery] = []
        self.held: list[Delivery] = []
        self.finished: list[Delivery] = []
        self._session: aiohttp.ClientSession | None = None
        self._loop_task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    def enqueue(
        self,
        url: str,
        body: bytes,
        headers: dict[str, str],
        retry_delays: tuple[float, ...],
        *,
        label: str = "",
        signature_header: str = "",
        final_statuses: frozenset[int] = frozenset(),
        on_abandoned: Callable[[], None] | None = None,
    ) -> Delivery:
        delivery = Delivery(
            url,
            body,
            dict(headers),
            retry_delays,
            self._clock(),
            label,
            signature_header,
            final_statuses,
            on_abandoned,
        )
        if self.faults.strikes("drop"):
            delivery.done, delivery.outcome = True, "dropped"
            delivery.history.append((self._clock(), "dropped"))
            self.finished.append(delivery)
            return delivery
        copies = [delivery]
        if self.faults.strikes("duplicate"):
            copies.append(replace(delivery, headers=dict(headers), history=[]))
        for copy in copies:
            (self.held if self.faults.strikes("hold") else self.pending).append(copy)
        return delivery

    def release_held(self, order: str = "reverse") -> int:
        """Send the held deliveries now, newest first (`reverse`) or `shuffled` (seeded)."""
        held, self.held = self.held, []
        if order == "reverse":
            held.reverse()
        elif order == "shuffled":
            self._release_order.shuffle(held)
        elif order != "fifo":
            raise ValueError("order must be reverse, shuffled or fifo")
        now = self._clock()
        for delivery in held:
            delivery.due_at = now
        self.pending.extend(held)
        return len(held)

    def _headers_for_this_sending(self, delivery: Delivery) -> dict[str, str]:
        headers = dict(delivery.headers)
        if delivery.signature_header and self.faults.strikes("corrupt"):
            good = headers.get(delivery.signature_header, "")
            headers[delivery.signature_header] = ("0" if good[:1] != "0" else "1") + good[1:]
        return headers

    async def _send(self, delivery: Delivery) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        delivery.attempts += 1
        outcome: int | str
        try:
            async with self._session.post(
                delivery.url, data=delivery.body, headers=self._headers_for_this_sending(delivery)
            ) as response:
                await response.read()
                outcome = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            outcome = type(exc).__name__
        delivery.history.append((self._clock(), outcome))
        if isinstance(outcome, int) and 200 <= outcome < 300:
            delivery.done, delivery.outcome = True, "delivered"
        elif isinstance(outcome, int) and outcome in delivery.final_statuses:
            delivery.done, delivery.outcome = True, "answered"
        elif delivery.attempts > len(delivery.retry_delays):
            delivery.done, delivery.outcome = True, "abandoned"  # as the partners do
            if delivery.on_abandoned is not None:
                delivery.on_abandoned()
        else:
            delay = delivery.retry_delays[delivery.attempts - 1] * self.retry_scale
            delivery.due_at = self._clock() + delay

    async def pump(self) -> int:
        """Send every delivery that is due, in queue order; returns how many were attempted."""
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
                "event": d.label,
                "attempts": d.attempts,
                "history": d.history,
                "done": d.done,
                "outcome": d.outcome,
                "due_at": d.due_at,
            }

        return {
            "pending": [row(d) for d in self.pending],
            "held": [row(d) for d in self.held],
            "finished": [row(d) for d in self.finished[-50:]],
            "faults": [rule.to_dict() for rule in self.faults.rules],
            "retry_scale": self.retry_scale,
        }
