"""Rate limiters of both partners, driven by the sandbox clock.

TikTok: a token bucket per (app, shop, endpoint) (reference §6.3, checklist item 6).
SHOPLINE: a leaky bucket per (app, store), 4 requests/s drained, 40 deep (reference A5).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass


@dataclass(slots=True)
class _Bucket:
    level: float
    updated_at: float


class TokenBucketLimiter:
    """Each key starts full with `burst` tokens and refills at `rate` tokens per second."""

    def __init__(self, clock: Callable[[], float], rate: float, burst: int) -> None:
        self._clock = clock
        self.rate = rate
        self.burst = burst
        self._buckets: dict[Hashable, _Bucket] = {}

    def configure(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self._buckets.clear()

    def try_acquire(self, key: Hashable) -> bool:
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(float(self.burst), now)
        elapsed = max(0.0, now - bucket.updated_at)
        bucket.level = min(float(self.burst), bucket.level + elapsed * self.rate)
        bucket.updated_at = now
        if bucket.level < 1.0:
            return False
        bucket.level -= 1.0
        return True


class LeakyBucketLimiter:
    """Each request adds one drop; the bucket drains at `rate`/s and overflows beyond `capacity`."""

    def __init__(self, clock: Callable[[], float], rate: float = 4.0, capacity: int = 40) -> None:
        self._clock = clock
        self.rate = rate
        self.capacity = capacity
        self._buckets: dict[Hashable, _Bucket] = {}

    def configure(self, rate: float, capacity: int) -> None:
        self.rate, self.capacity = rate, capacity
        self._buckets.clear()

    def try_acquire(self, key: Hashable) -> bool:
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(0.0, now)
        elapsed = max(0.0, now - bucket.updated_at)
        bucket.level = max(0.0, bucket.level - elapsed * self.rate)
        bucket.updated_at = now
        if bucket.level + 1.0 > self.capacity:
            return False
        bucket.level += 1.0
        return True
