"""Task change notifications inside one process, fed by the event publisher after each commit.

Watchers in this process wake at once; changes committed by another process reach a watcher
through its periodic re-read (see ``TaskService.watch_task``). A database notification channel
(e.g. PostgreSQL ``LISTEN``) can replace this behind the same port.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta

from domain.events import TaskChanged
from domain.ids import TaskId


class _Subscription:
    def __init__(self, feed: InProcessTaskChangeFeed, task_id: TaskId) -> None:
        self._feed = feed
        self.task_id = task_id
        self.changed = asyncio.Event()

    async def wait(self, at_most: timedelta) -> bool:
        try:
            await asyncio.wait_for(self.changed.wait(), max(at_most.total_seconds(), 0.0))
        except TimeoutError:
            return False
        self.changed.clear()
        return True

    async def close(self) -> None:
        self._feed.unsubscribe(self)


class InProcessTaskChangeFeed:
    """A ``TaskChangeFeed`` fed by the ``TaskChanged`` reaction: a committed change wakes its watchers."""

    def __init__(self) -> None:
        self._watchers: dict[TaskId, set[_Subscription]] = {}

    def subscribe(self, task_id: TaskId) -> _Subscription:
        subscription = _Subscription(self, task_id)
        self._watchers.setdefault(task_id, set()).add(subscription)
        return subscription

    def unsubscribe(self, subscription: _Subscription) -> None:
        watchers = self._watchers.get(subscription.task_id)
        if watchers is not None:
            watchers.discard(subscription)
            if not watchers:
                del self._watchers[subscription.task_id]

    async def tasks_changed(self, events: Sequence[TaskChanged]) -> None:
        """Reaction to committed ``TaskChanged`` events: wakes each changed task's watchers."""
        for event in events:
            for subscription in self._watchers.get(event.task_id, ()):
                subscription.changed.set()
