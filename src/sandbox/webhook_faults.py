# ruff: noqa: S311  (a seeded generator is the point: runs must be reproducible)
"""Faults on outgoing webhooks, decided by one seeded generator so a run can be repeated.

A rule strikes each delivery (or each sending, for `corrupt`) with probability `fraction`, at most
`count` times when a count is given ("the next N": fraction 1, count N). Kinds:

* `drop`       the delivery is lost: never sent, never retried (polling must catch up)
* `duplicate`  the delivery is queued twice, same body and headers (so the same ids)
* `corrupt`    one sending carries a wrong signature; retries carry the right one again
* `hold`       the delivery waits until `release` sends the held ones out of order
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from typing import Any, Literal

WebhookFaultKind = Literal["drop", "duplicate", "corrupt", "hold"]
WEBHOOK_FAULT_KINDS: tuple[str, ...] = ("drop", "duplicate", "corrupt", "hold")


@dataclass(slots=True)
class WebhookFaultRule:
    kind: WebhookFaultKind
    fraction: float = 1.0
    count: int | None = None
    id: int = 0
    fired: int = 0

    @property
    def spent(self) -> bool:
        return self.count is not None and self.fired >= self.count

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class WebhookFaults:
    def __init__(self, seed: int = 0) -> None:
        self._random = random.Random(seed)
        self.rules: list[WebhookFaultRule] = []
        self._next_id = 1

    def add(self, kind: str, fraction: float = 1.0, count: int | None = None) -> WebhookFaultRule:
        if kind not in WEBHOOK_FAULT_KINDS:
            raise ValueError(f"kind must be one of {', '.join(WEBHOOK_FAULT_KINDS)}")
        if not 0.0 <= fraction <= 1.0:
            raise ValueError("fraction must be between 0 and 1")
        if count is not None and count < 0:
            raise ValueError("count must not be negative")
        rule = WebhookFaultRule(kind, fraction, count, self._next_id)  # type: ignore[arg-type]
        self._next_id += 1
        self.rules.append(rule)
        return rule

    def clear(self) -> None:
        self.rules.clear()

    def strikes(self, kind: WebhookFaultKind) -> bool:
        """Whether a live rule of `kind` fires now; every live rule draws, so runs repeat exactly."""
        struck = False
        for rule in self.rules:
            if rule.kind != kind or rule.spent:
                continue
            if self._random.random() < rule.fraction and not struck:
                rule.fired += 1
                struck = True
        return struck
