"""Hands each commit's events to every in-process subscriber, in order.

Subscribers only wake work up (task watchers, the inventory pusher); what must not be lost is
written in the same transaction as the change, so a subscriber failing here is logged, not raised:
the commit already happened.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from domain.events import DomainEvent
from domain.ports import EventPublisher

log = logging.getLogger("mcc.events")


class FanOutPublisher:
    def __init__(self, subscribers: Sequence[EventPublisher]) -> None:
        self._subscribers = tuple(subscribers)

    async def publish(self, events: Sequence[DomainEvent]) -> None:
        for subscriber in self._subscribers:
            try:
                await subscriber.publish(events)
            except Exception:
                log.exception("event subscriber failed subscriber=%s", type(subscriber).__name__)
