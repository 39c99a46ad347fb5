"""What the webhook edge has seen, in this process: what app and shop webhook health report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.webhooks import WebhookSource


@dataclass
class SourceStats:
    received: int = 0
    redelivered: int = 0
    last_received_at: datetime | None = None
    signature_failures: int = 0
    last_signature_failure_at: datetime | None = None


class WebhookStats:
    def __init__(self) -> None:
        self._by_source = {source: SourceStats() for source in WebhookSource}

    def of(self, source: WebhookSource) -> SourceStats:
        return self._by_source[source]

    def received(self, source: WebhookSource, at: datetime, *, new: bool) -> None:
        stats = self._by_source[source]
        stats.received += 1
        stats.redelivered += 0 if new else 1
        stats.last_received_at = at

    def last_signature_failure(self, source: WebhookSource) -> datetime | None:
        return self._by_source[source].last_signature_failure_at

    def signature_failed(self, source: WebhookSource, at: datetime) -> None:
        stats = self._by_source[source]
        stats.signature_failures += 1
        stats.last_signature_failure_at = at
