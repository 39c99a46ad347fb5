# ruff: noqa: S311  (seeded generators are the point here: data must be reproducible)
"""Deterministic, scoped fault injection.

A rule matches requests of one service (`tiktok`, `tiktok_auth`, `shopline` or `*`) whose
"METHOD /path" matches a glob pattern (the SHOPLINE path is taken after `/stores/{handle}`).
It fires with a probability drawn from one seeded generator, at most `count` times when a count
is given. Kinds:

* `error`          answer `status` (default 500) with the service's internal-error body
* `latency`        wait `latency_s` seconds, then carry on (combines with other rules)
* `reset`          drop the connection without an answer
* `rate_limit`     answer 429 as the service's rate limiter would
* `lost_response`  run the request (the write happens), then drop the connection, or answer
                   `status` when one is given: "succeeded but the response was lost"
"""

from __future__ import annotations

import fnmatch
import random
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

FaultKind = Literal["error", "latency", "reset", "rate_limit", "lost_response"]
FAULT_KINDS: tuple[str, ...] = ("error", "latency", "reset", "rate_limit", "lost_response")


@dataclass(slots=True)
class FaultRule:
    kind: FaultKind
    service: str = "*"
    pattern: str = "*"
    probability: float = 1.0
    count: int | None = None
    latency_s: float = 0.0
    status: int | None = None
    id: int = 0
    fired: int = field(default=0)

    def matches(self, service: str, method: str, path: str) -> bool:
        if self.service not in ("*", service):
            return False
        return fnmatch.fnmatchcase(f"{method.upper()} {path}", self.pattern) or fnmatch.fnmatchcase(
            path, self.pattern
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class FaultDecision:
    latency_s: float = 0.0
    terminal: FaultRule | None = None


class FaultInjector:
    def __init__(self, seed: int = 0) -> None:
        self._rng = random.Random(seed)
        self._rules: list[FaultRule] = []
        self._next_id = 1

    def reseed(self, seed: int) -> None:
        self._rng = random.Random(seed)

    def add(self, rule: FaultRule) -> FaultRule:
        if rule.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {rule.kind!r}; expected one of {FAULT_KINDS}")
        if not 0.0 <= rule.probability <= 1.0:
            raise ValueError("probability must be within [0, 1]")
        rule.id = self._next_id
        self._next_id += 1
        self._rules.append(rule)
        return rule

    def remove(self, rule_id: int | None = None) -> None:
        """Remove one rule, or every rule when no id is given."""
        if rule_id is None:
            self._rules.clear()
        else:
            self._rules = [rule for rule in self._rules if rule.id != rule_id]

    @property
    def rules(self) -> list[FaultRule]:
        return list(self._rules)

    def decide(self, service: str, method: str, path: str) -> FaultDecision:
        decision = FaultDecision()
        if not self._rules:
            return decision
        for rule in list(self._rules):
            if not rule.matches(service, method, path):
                continue
            if rule.probability < 1.0 and self._rng.random() >= rule.probability:
                continue
            if rule.kind == "latency":
                decision.latency_s += rule.latency_s
            elif decision.terminal is None:
                decision.terminal = rule
            else:
                continue
            rule.fired += 1
            if rule.count is not None:
                rule.count -= 1
                if rule.count <= 0:
                    self._rules.remove(rule)
        return decision
