"""Fakes of the runtime ports: clock, ids, job queue, event publishing, task change notifications,
and the secure random source."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from domain.events import DomainEvent, TaskChanged
from domain.ids import (
    TaskId,
)
from domain.ports import Job

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


class FakeClock:
    def __init__(self, now: datetime = EPOCH) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    def set(self, now: datetime) -> None:
        self._now = now


class FakeIdGenerator:
    def __init__(self, prefix: str = "id") -> None:
        self._prefix = prefix
        self._counter = itertools.count(1)

    def new_id(self) -> str:
        return f"{self._prefix}-{next(self._counter):06d}"


class FakeJobQueue:
    def __init__(self) -> None:
        self.jobs: list[Job] = []

    async def enqueue(self, job: Job) -> None:
        if job.dedupe_key is not None and any(j.dedupe_key == job.dedupe_key for j in self.jobs):
            return
        self.jobs.append(job)

    def take_all(self) -> list[Job]:
        jobs, self.jobs = self.jobs, []
        return jobs


class FakeEventPublisher:
    def __init__(self) -> None:
        self.published: list[DomainEvent] = []

    async def publish(self, events: Sequence[DomainEvent]) -> None:
        self.published.extend(events)


class FakeSecureRandom:
    """Predictable, distinct URL-safe tokens of the requested strength."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)
        self.requested: list[int] = []

    def token_urlsafe(self, nbytes: int) -> str:
        self.requested.append(nbytes)
        serial = next(self._counter)
        raw = hashlib.sha256(f"fake-random-{serial}".encode()).digest() * (nbytes // 32 + 1)
        return raw[:nbytes].hex()


class _FakeTaskChangeSubscription:
    def __init__(self, feed: FakeTaskChangeFeed, task_id: TaskId) -> None:
        self._feed = feed
        self.task_id = task_id
        self.changed = asyncio.Event()

    async def wait(self, at_most: timedelta) -> bool:
        try:
            await asyncio.wait_for(self.changed.wait(), at_most.total_seconds())
        except TimeoutError:
            return False
        self.changed.clear()
        return True

    async def close(self) -> None:
        self._feed.subscriptions.remove(self)


class FakeTaskChangeFeed(FakeEventPublisher):
    """An event publisher that also wakes the watchers of every task named in a ``TaskChanged``."""

    def __init__(self) -> None:
        super().__init__()
        self.subscriptions: list[_FakeTaskChangeSubscription] = []

    def subscribe(self, task_id: TaskId) -> _FakeTaskChangeSubscription:
        subscription = _FakeTaskChangeSubscription(self, task_id)
        self.subscriptions.append(subscription)
        return subscription

    async def publish(self, events: Sequence[DomainEvent]) -> None:
        await super().publish(events)
        changed = {event.task_id for event in events if isinstance(event, TaskChanged)}
        for subscription in self.subscriptions:
            if subscription.task_id in changed:
                subscription.changed.set()
