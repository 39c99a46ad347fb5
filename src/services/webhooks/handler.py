"""The contract between the inbox drain and what reacts to a delivery."""

from __future__ import annotations

import logging
from typing import Protocol

from domain.webhooks import WebhookDelivery

log = logging.getLogger("mcc.webhooks")


class WebhookHandler(Protocol):
    async def handle(self, delivery: WebhookDelivery) -> None:
        """Acts on one delivery; returns normally when it is done (including "unknown shop/app:
        dropped with a log line"), raises a ``DomainError`` for a failure worth retrying later."""
        ...


class UnhandledTopics:
    """Topics nothing reacts to (yet): acknowledged, stored, logged and marked done."""

    async def handle(self, delivery: WebhookDelivery) -> None:
        log.info(
            "no reaction for topic source=%s topic=%s account=%s delivery=%s",
            delivery.source.value,
            delivery.topic,
            delivery.account,
            delivery.delivery_key,
        )
