"""Client-side rate limiting shared by every concurrent caller in the process.

One bucket per key (a TikTok shop, a SHOPLINE store). A token bucket of capacity `burst` refilled
at `rate` tokens per second is the same meter as a leaky bucket of that size draining at that rate,
so SHOPLINE's "4 rps, bucket 40" and TikTok's per-shop QPS use one implementation.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

_TOLERANCE = 1e-6
_MIN_WAIT_S = 0.001


class TokenBucket:
    """Waiters are served in arrival order: the lock is held while a caller waits for its token."""

    def __init__(self, rate: float, burst: float, *, clock: Clock, sleep: Sleep) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self._rate = rate
        self._burst = float(burst)
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(burst)
        self._updated = clock()
        self._lock = asyncio.Lock()

    def _refill(self) -> None:
        now = self._clock()
        elapsed = max(0.0, now - self._updated)
        self._tokens = min(self._burst, self._tokens + elapsed * self._rate)
        self._updated = now

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                self._refill()
                # The tolerance absorbs float rounding of large clock values.
                if self._tokens >= 1.0 - _TOLERANCE:
                    self._tokens = max(0.0, self._tokens - 1.0)
                    return
                await self._sleep(max(_MIN_WAIT_S, (1.0 - self._tokens) / self._rate))


class KeyedRateLimiter:
    """A token bucket per key. `rate` of 0 or None switches limiting off."""

    def __init__(
        self,
        rate: float | None = 10.0,
        burst: float | None = None,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.rate = rate or 0.0
        self.burst = burst if burst is not None else max(1.0, self.rate)
        self._clock = clock
        self._sleep = sleep
        self._buckets: dict[Hashable, TokenBucket] = {}

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    async def acquire(self, key: Hashable) -> None:
        if not self.enabled:
            return
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = TokenBucket(self.rate, self.burst, clock=self._clock, sleep=self._sleep)
            self._buckets[key] = bucket
        await bucket.acquire()
