"""Fault injection shared by the partner API fakes."""

from __future__ import annotations

from domain.errors import (
    PartnerError,
)


class FaultInjection:
    """Queue errors that the next calls raise, e.g. ``fail_next(PartnerUnavailable(...))``."""

    def __init__(self) -> None:
        self._faults: list[PartnerError] = []
        self.calls: list[str] = []

    def fail_next(self, *errors: PartnerError) -> None:
        self._faults.extend(errors)

    def _call(self, name: str) -> None:
        self.calls.append(name)
        if self._faults:
            raise self._faults.pop(0)
