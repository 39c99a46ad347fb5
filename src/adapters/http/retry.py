"""Retry timing: jittered exponential back-off that never undercuts a server's `Retry-After`."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC
from email.utils import parsedate_to_datetime


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """`max_attempts` counts the first try. Delay before retry n (0-based):
    max(retry_after, min(base * 2**n + U(0, jitter), max_delay))."""

    max_attempts: int = 5
    base_delay_s: float = 1.0
    max_delay_s: float = 60.0
    jitter_s: float = 0.5
    max_retry_after_s: float = 300.0
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def delay(self, retry_number: int, retry_after_s: float | None = None) -> float:
        backoff: float = min(
            self.base_delay_s * (2**retry_number) + self.rng.uniform(0.0, self.jitter_s), self.max_delay_s
        )
        if retry_after_s is None:
            return backoff
        return float(max(min(retry_after_s, self.max_retry_after_s), backoff))


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, moment.timestamp() - now)
