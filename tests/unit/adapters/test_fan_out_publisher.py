"""Every subscriber sees every commit's events, and one failing subscriber does not stop the rest."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from adapters.events.fan_out import FanOutPublisher
from domain.events import DomainEvent


class Recording:
    def __init__(self) -> None:
        self.seen: list[DomainEvent] = []

    async def publish(self, events: Sequence[DomainEvent]) -> None:
        self.seen.extend(events)


class Broken:
    async def publish(self, events: Sequence[DomainEvent]) -> None:
        raise RuntimeError("subscriber bug")


async def test_each_subscriber_gets_the_events_even_after_one_fails(caplog: pytest.LogCaptureFixture) -> None:
    first, last = Recording(), Recording()
    event = DomainEvent()
    await FanOutPublisher([first, Broken(), last]).publish([event])
    assert first.seen == [event]
    assert last.seen == [event]
    assert "subscriber=Broken" in caplog.text
