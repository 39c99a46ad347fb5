"""Task: a long job in the task center, with a lease so exactly one worker runs it at a time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from domain.errors import (
    InvalidTaskProgress,
    TaskLeaseHeld,
    TaskLeaseLost,
    TaskNotClaimable,
    TaskNotRetryable,
    TaskNotRunning,
)
from domain.events import RecordsEvents, TaskChanged, TaskCreated
from domain.ids import AppId, ShopId, TaskId

MAX_LAST_ERRORS = 20


class TaskKind(Enum):
    HISTORY_IMPORT = "HISTORY_IMPORT"
    AUTO_LINK = "AUTO_LINK"
    PRICE_SYNC = "PRICE_SYNC"
    INVENTORY_PUSH = "INVENTORY_PUSH"
    ORDER_SYNC = "ORDER_SYNC"


class TaskState(Enum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"

    @property
    def finished(self) -> bool:
        return self in (TaskState.SUCCEEDED, TaskState.FAILED, TaskState.CANCELLED)


@dataclass(frozen=True)
class TaskCounts:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    failed: int = 0

    def plus(self, other: TaskCounts) -> TaskCounts:
        return TaskCounts(
            self.created + other.created,
            self.updated + other.updated,
            self.skipped + other.skipped,
            self.failed + other.failed,
        )


@dataclass(frozen=True)
class TaskError:
    item_ref: str
    reason: str
    at: datetime


@dataclass(frozen=True)
class Lease:
    owner: str
    expires_at: datetime


class Task(RecordsEvents):
    def __init__(
        self,
        *,
        task_id: TaskId,
        app_id: AppId,
        kind: TaskKind,
        state: TaskState,
        created_at: datetime,
        shop_id: ShopId | None = None,
        counts: TaskCounts = TaskCounts(),
        done: int = 0,
        total: int | None = None,
        last_errors: Iterable[TaskError] = (),
        checkpoint: str | None = None,
        lease: Lease | None = None,
        started_at: datetime | None = None,
        finished_at: datetime | None = None,
        failure_reason: str | None = None,
        attempts: int = 0,
    ) -> None:
        """Rebuilds a task from stored state; ``create`` makes a new one."""
        self._id = task_id
        self._app_id = app_id
        self._shop_id = shop_id
        self._kind = kind
        self._state = state
        self._created_at = created_at
        self._counts = counts
        self._done = done
        self._total = total
        self._last_errors = tuple(last_errors)[-MAX_LAST_ERRORS:]
        self._checkpoint = checkpoint
        self._lease = lease
        self._started_at = started_at
        self._finished_at = finished_at
        self._failure_reason = failure_reason
        self._attempts = attempts
        self._events = []

    @classmethod
    def create(
        cls,
        task_id: TaskId,
        app_id: AppId,
        kind: TaskKind,
        now: datetime,
        shop_id: ShopId | None = None,
        total: int | None = None,
        checkpoint: str | None = None,
    ) -> Task:
        """``checkpoint`` gives the first run where to start (e.g. the scope of the work)."""
        if total is not None and (isinstance(total, bool) or total < 0):
            raise InvalidTaskProgress("total", "must be zero or more")
        task = cls(
            task_id=task_id,
            app_id=app_id,
            kind=kind,
            state=TaskState.PENDING,
            created_at=now,
            shop_id=shop_id,
            total=total,
            checkpoint=checkpoint,
        )
        task._record(TaskCreated(task_id, app_id, kind.value))
        return task

    # --- read-only state --------------------------------------------------------------------

    @property
    def id(self) -> TaskId:
        return self._id

    @property
    def app_id(self) -> AppId:
        return self._app_id

    @property
    def shop_id(self) -> ShopId | None:
        return self._shop_id

    @property
    def kind(self) -> TaskKind:
        return self._kind

    @property
    def state(self) -> TaskState:
        return self._state

    @property
    def created_at(self) -> datetime:
        return self._created_at

    @property
    def counts(self) -> TaskCounts:
        return self._counts

    @property
    def done(self) -> int:
        return self._done

    @property
    def total(self) -> int | None:
        return self._total

    @property
    def last_errors(self) -> tuple[TaskError, ...]:
        return self._last_errors

    @property
    def checkpoint(self) -> str | None:
        return self._checkpoint

    @property
    def lease(self) -> Lease | None:
        return self._lease

    @property
    def started_at(self) -> datetime | None:
        return self._started_at

    @property
    def finished_at(self) -> datetime | None:
        return self._finished_at

    @property
    def failure_reason(self) -> str | None:
        return self._failure_reason

    @property
    def attempts(self) -> int:
        return self._attempts

    def lease_expired(self, now: datetime) -> bool:
        return self._lease is None or now >= self._lease.expires_at

    # --- lifecycle --------------------------------------------------------------------------

    def claim(self, owner: str, now: datetime, lease_for: timedelta) -> None:
        """Starts (or resumes from the checkpoint) a pending task, or takes over one whose lease expired."""
        if self._state.finished:
            raise TaskNotClaimable(self._subject, f"the task is {self._state.value}")
        held_by_other = self._lease is not None and self._lease.owner != owner
        if self._state is TaskState.RUNNING and not self.lease_expired(now) and held_by_other:
            raise TaskLeaseHeld(self._subject, "another worker holds the task's lease")
        self._state = TaskState.RUNNING
        self._lease = Lease(owner, now + lease_for)
        self._attempts += 1
        if self._started_at is None:
            self._started_at = now
        self._changed()

    def heartbeat(self, owner: str, now: datetime, lease_for: timedelta) -> None:
        self._ensure_lease(owner, now)
        self._lease = Lease(owner, now + lease_for)

    def requeue_if_lease_expired(self, now: datetime) -> bool:
        """A worker that stopped renewing its lease gives the task back; it resumes from the checkpoint."""
        if self._state is TaskState.RUNNING and self.lease_expired(now):
            self._state = TaskState.PENDING
            self._lease = None
            self._changed()
            return True
        return False

    def record_progress(
        self,
        owner: str,
        now: datetime,
        *,
        done: int | None = None,
        total: int | None = None,
        counts: TaskCounts = TaskCounts(),
        errors: Iterable[tuple[str, str]] = (),
        checkpoint: str | None = None,
    ) -> None:
        """Adds ``counts`` and ``errors``, moves ``done`` forward and stores the checkpoint to resume from."""
        self._ensure_lease(owner, now)
        if min(counts.created, counts.updated, counts.skipped, counts.failed) < 0:
            raise InvalidTaskProgress("counts", "counts only grow; increments must be zero or more")
        new_total = self._total if total is None else total
        new_done = self._done if done is None else done
        if new_done < self._done:
            raise InvalidTaskProgress("done", f"progress cannot go back from {self._done} to {new_done}")
        if new_total is not None and (new_total < 0 or new_done > new_total):
            raise InvalidTaskProgress("total", f"done ({new_done}) must not exceed total ({new_total})")
        self._done = new_done
        self._total = new_total
        self._counts = self._counts.plus(counts)
        new_errors = tuple(TaskError(ref, reason, now) for ref, reason in errors)
        self._last_errors = (self._last_errors + new_errors)[-MAX_LAST_ERRORS:]
        if checkpoint is not None:
            self._checkpoint = checkpoint
        self._changed()

    def complete(self, owner: str, now: datetime) -> None:
        """The run did all its work. It SUCCEEDED unless it met items and none came through
        (nothing created, updated or found already right): then it FAILED, saying why. A partial
        failure SUCCEEDED; its counts and recent errors show what failed."""
        self._ensure_lease(owner, now)
        counts = self._counts
        if counts.failed and not (counts.created or counts.updated or counts.skipped):
            self._failure_reason = self._every_item_failed()
            self._finish(TaskState.FAILED, now)
        else:
            self._finish(TaskState.SUCCEEDED, now)

    def fail(self, owner: str, reason: str, now: datetime) -> None:
        self._ensure_lease(owner, now)
        self._failure_reason = reason
        self._finish(TaskState.FAILED, now)

    def cancel(self, now: datetime) -> None:
        """Cancelling a finished task changes nothing; a running worker learns at its next report."""
        if not self._state.finished:
            self._finish(TaskState.CANCELLED, now)

    def retry(self, now: datetime) -> None:
        """A failed task goes back to PENDING and resumes from its checkpoint with its counts."""
        if self._state is not TaskState.FAILED:
            raise TaskNotRetryable(
                self._subject, f"only a FAILED task can be retried, this one is {self._state.value}"
            )
        self._state = TaskState.PENDING
        self._finished_at = None
        self._failure_reason = None
        self._changed()

    # --- helpers ----------------------------------------------------------------------------

    def _ensure_lease(self, owner: str, now: datetime) -> None:
        if self._state is not TaskState.RUNNING:
            raise TaskNotRunning(self._subject, f"the task is {self._state.value}")
        if self._lease is None or self._lease.owner != owner or self.lease_expired(now):
            raise TaskLeaseLost(self._subject, "this worker no longer holds the task's lease")

    def _every_item_failed(self) -> str:
        reason = f"every item failed ({self._counts.failed})"
        if not self._last_errors:
            return reason
        # The oldest errors are dropped past MAX_LAST_ERRORS: the one kept is then not the first.
        label = "first" if self._counts.failed <= MAX_LAST_ERRORS else "e.g."
        example = self._last_errors[0]
        return f"{reason}; {label}: {example.item_ref}: {example.reason}"

    def _finish(self, state: TaskState, now: datetime) -> None:
        self._state = state
        self._lease = None
        self._finished_at = now
        self._changed()

    def _changed(self) -> None:
        self._record(TaskChanged(self._id, self._app_id, self._state.value, self._done, self._total))

    @property
    def _subject(self) -> str:
        return f"tasks/{self._id}"

    def __repr__(self) -> str:
        return f"Task(id={self._id!r}, kind={self._kind.value}, state={self._state.value}, done={self._done})"
