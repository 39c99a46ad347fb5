"""A controllable clock shared by both simulators.

Every expiry, timestamp window and rate-limit bucket reads time from here, so tests can expire
tokens or refill buckets by moving the clock instead of sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class SandboxClock:
    """Unix time in seconds: real time plus an offset, or frozen at a fixed instant."""

    def __init__(self, source: Callable[[], float] = time.time) -> None:
        self._source = source
        self._offset = 0.0
        self._frozen: float | None = None

    def __call__(self) -> float:
        return self.now()

    def now(self) -> float:
        if self._frozen is not None:
            return self._frozen
        return self._source() + self._offset

    def now_s(self) -> int:
        return int(self.now())

    def now_ms(self) -> int:
        return int(self.now() * 1000)

    def advance(self, seconds: float) -> float:
        if self._frozen is not None:
            self._frozen += seconds
        else:
            self._offset += seconds
        return self.now()

    def set(self, unix_seconds: float, *, frozen: bool = False) -> float:
        """Jump to `unix_seconds`; keep ticking from there unless `frozen`."""
        if frozen:
            self._frozen = float(unix_seconds)
        else:
            self._frozen = None
            self._offset = unix_seconds - self._source()
        return self.now()

    def unfreeze(self) -> float:
        if self._frozen is not None:
            self._offset = self._frozen - self._source()
            self._frozen = None
        return self.now()
