"""Runtime ports: time, ids, background jobs, event publishing and task change notifications.

``Clock`` and ``IdGenerator`` are synchronous; the others are ``async``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from domain.events import DomainEvent
from domain.ids import TaskId


@runtime_checkable
class EventPublisher(Protocol):
    """Where a unit of work hands its events after commit (handlers, the task progress stream)."""

    async def publish(self, events: Sequence[DomainEvent]) -> None: ...


@runtime_checkable
class Clock(Protocol):
    def now(self) -> datetime:
        """Timezone-aware UTC."""
        ...


@runtime_checkable
class IdGenerator(Protocol):
    def new_id(self) -> str: ...


@dataclass(frozen=True)
class Job:
    """Background work: ``name`` selects the handler, ``arguments`` are its primitive inputs."""

    name: str
    arguments: Mapping[str, str] = field(default_factory=dict)
    dedupe_key: str | None = None
    """Jobs with the same key that are still queued are enqueued once."""


@runtime_checkable
class JobQueue(Protocol):
    async def enqueue(self, job: Job) -> None: ...


@runtime_checkable
class TaskChangeSubscription(Protocol):
    """One watcher's view of a task's changes."""

    async def wait(self, at_most: timedelta) -> bool:
        """True as soon as the task may have changed since the last call; False after ``at_most``."""
        ...

    async def close(self) -> None: ...


@runtime_checkable
class TaskChangeFeed(Protocol):
    """Wakes watchers of a task after a commit changed it (fed from ``TaskChanged`` events).

    Best effort and possibly local to one process: watchers also re-read the task now and then,
    so a change made by another process is seen too.
    """

    def subscribe(self, task_id: TaskId) -> TaskChangeSubscription: ...
