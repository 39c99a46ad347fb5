"""The contract between the inbox drain and what reacts to a delivery."""

from __future__ import annotations

from typing import Protocol

from domain.webhooks import WebhookDelivery


class WebhookHandler(Protocol):
    async def handle(self, delivery: WebhookDelivery) -> None:
        """Acts on one delivery; returns normally when it is done (including "unknown shop/app:
        dropped with a log line"), raises a ``DomainError`` for a failure worth retrying later."""
        ...
