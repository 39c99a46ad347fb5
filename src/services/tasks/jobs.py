"""Background work: job names, the contract between a task and its handler, and the worker rules.

A task row is the durable unit of background work: its state, lease, progress and checkpoint live
in the database, so any process may claim it, and a process that dies leaves a lease that expires
and a checkpoint to resume from. The job queue only wakes a worker sooner (``run_task_job``).
Claims, heartbeats and results go through the task repository, whose optimistic locking lets
exactly one of several racing workers win.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from typing import Protocol, TypeVar

from domain.errors import (
    ConcurrencyConflict,
    PartnerError,
    PartnerTokenRevoked,
    StaleWrite,
    TaskNotClaimable,
    TaskNotFound,
    TaskNotRunning,
)
from domain.ids import AppId, ShopId, TaskId
from domain.ports import Clock, Job, UnitOfWork
from domain.task import Task, TaskCounts, TaskKind, TaskState
from services.shared.stale_writes import retry_stale

log = logging.getLogger("mcc.jobs")

T = TypeVar("T")

RUN_TASK = "run_task"
"""Job name: claim and run the task named by the ``task_id`` argument."""


def run_task_job(task_id: TaskId) -> Job:
    return Job(RUN_TASK, {"task_id": task_id}, dedupe_key=f"{RUN_TASK}:{task_id}")


class RunOutcome(Enum):
    COMPLETED = "COMPLETED"
    """All work is done: the task succeeds, unless every item failed (``Task.complete``)."""
    STOPPED = "STOPPED"
    """Stopped at a checkpoint (shutdown, cancellation or a lost lease); a later run resumes."""
    FAILED = "FAILED"
    """The task cannot go on; ``failure_reason`` says why."""


@dataclass(frozen=True)
class RunResult:
    outcome: RunOutcome
    failure_reason: str | None = None

    @classmethod
    def completed(cls) -> RunResult:
        return cls(RunOutcome.COMPLETED)

    @classmethod
    def stopped(cls) -> RunResult:
        return cls(RunOutcome.STOPPED)

    @classmethod
    def failed(cls, reason: str) -> RunResult:
        return cls(RunOutcome.FAILED, reason)


class TaskRun:
    """One claimed attempt at a task, as its handler sees it."""

    def __init__(self, task: Task, owner: str, lease_for: timedelta) -> None:
        self.task_id: TaskId = task.id
        self.app_id: AppId = task.app_id
        self.shop_id: ShopId | None = task.shop_id
        self.kind: TaskKind = task.kind
        self.checkpoint: str | None = task.checkpoint
        self.owner = owner
        self.lease_for = lease_for
        self._stop = asyncio.Event()
        self._lost = False

    @property
    def stop_requested(self) -> bool:
        """The handler should stop at its next checkpoint."""
        return self._stop.is_set()

    @property
    def lost(self) -> bool:
        """The task is no longer ours (cancelled, deleted, or another worker took the lease)."""
        return self._lost

    def request_stop(self) -> None:
        self._stop.set()

    def lose(self) -> None:
        self._lost = True
        self._stop.set()

    async def pause(self, delay: timedelta) -> None:
        """Sleeps for ``delay``, or less when a stop is requested meanwhile."""
        try:
            await asyncio.wait_for(self._stop.wait(), max(delay.total_seconds(), 0.0))
        except TimeoutError:
            return


async def record_failures(
    unit_of_work: Callable[[], UnitOfWork], clock: Clock, run: TaskRun, errors: Sequence[tuple[str, str]]
) -> None:
    """Adds item failures met after a batch's commit (an automatic import, a SHOPLINE cancel) to
    the task's counts and recent errors."""
    if not errors:
        return

    async def write() -> None:
        async with unit_of_work() as uow:
            task = await uow.tasks.get(run.task_id)
            task.record_progress(run.owner, clock.now(), counts=TaskCounts(failed=len(errors)), errors=errors)
            await uow.tasks.update(task)
            await uow.commit()

    await retry_stale(write)


class TaskHandler(Protocol):
    async def run(self, run: TaskRun) -> RunResult:
        """Does (the rest of) the work, recording progress and checkpoints as it commits.

        Checks ``run.stop_requested`` between steps and returns ``RunResult.stopped()`` there;
        domain errors raised by the task's own methods (``TaskNotRunning`` after a cancel,
        ``TaskLeaseLost``) may propagate: the worker treats them as a stop.
        """
        ...


@dataclass(frozen=True)
class RetryPolicy:
    """Back-off for transient partner errors while the task stays RUNNING."""

    attempts: int = 6
    first_delay: timedelta = timedelta(seconds=1)
    max_delay: timedelta = timedelta(seconds=60)

    def delay(self, failures: int) -> timedelta:
        return min(self.first_delay * (1 << max(failures - 1, 0)), self.max_delay)


def revoked_reason(error: PartnerTokenRevoked) -> str:
    return (
        f"the shop's {error.partner} authorization was revoked ({error.code}); "
        "re-authorize the shop, then retry the task"
    )


class TaskWorker:
    """Claims tasks, keeps their leases alive and records how each run ended."""

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        handlers: Mapping[TaskKind, TaskHandler],
        *,
        owner: str,
        lease_for: timedelta = timedelta(seconds=60),
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._handlers = dict(handlers)
        self.owner = owner
        self.lease_for = lease_for

    async def recover_stale(self, *, limit: int = 100) -> list[TaskId]:
        """Gives tasks whose worker stopped renewing its lease back to PENDING (e.g. after a crash)."""
        recovered: list[TaskId] = []
        for task_id in await self.runnable(limit=limit):
            if await self._change(task_id, lambda task: task.requeue_if_lease_expired(self._clock.now())):
                recovered.append(task_id)
        return recovered

    async def runnable(self, *, limit: int) -> list[TaskId]:
        async with self._unit_of_work() as uow:
            tasks = await uow.tasks.list_runnable(self._clock.now(), limit=limit)
        return [task.id for task in tasks if task.kind in self._handlers]

    async def claim(self, task_id: TaskId) -> TaskRun | None:
        """Takes the task's lease; None when it is not runnable or another worker won the race."""
        try:
            async with self._unit_of_work() as uow:
                task = await uow.tasks.get(task_id)
                if task.kind not in self._handlers:
                    return None
                task.claim(self.owner, self._clock.now(), self.lease_for)
                await uow.tasks.update(task)
                await uow.commit()
        except (TaskNotFound, TaskNotClaimable, ConcurrencyConflict):
            return None
        return TaskRun(task, self.owner, self.lease_for)

    async def heartbeat(self, run: TaskRun) -> bool:
        """Renews the lease; False (and the run is told to stop) once the task is no longer ours."""
        try:
            async with self._unit_of_work() as uow:
                task = await uow.tasks.get(run.task_id)
                if task.state is not TaskState.RUNNING:
                    run.lose()
                    return False
                task.heartbeat(run.owner, self._clock.now(), run.lease_for)
                await uow.tasks.update(task)
                await uow.commit()
        except StaleWrite:
            return True  # a progress write got in first; it checked the lease too, next beat renews
        except (TaskNotFound, TaskNotRunning, ConcurrencyConflict):
            run.lose()
            return False
        return True

    async def execute(self, run: TaskRun) -> RunOutcome:
        """Runs the handler and records the result; never raises for the handler's failures."""
        handler = self._handlers[run.kind]
        try:
            result = await handler.run(run)
        except (TaskNotFound, TaskNotRunning, ConcurrencyConflict):
            run.lose()
            return RunOutcome.STOPPED
        except PartnerTokenRevoked as error:
            result = RunResult.failed(revoked_reason(error))
        except PartnerError as error:
            result = RunResult.failed(f"{error.partner} kept failing: {error.message}")
        except Exception as error:
            log.exception("task handler failed task_id=%s kind=%s", run.task_id, run.kind.value)
            result = RunResult.failed(f"unexpected error ({type(error).__name__})")
        outcome = result.outcome
        if outcome is RunOutcome.COMPLETED:
            ended: list[TaskState] = []

            def complete(task: Task) -> None:
                task.complete(run.owner, self._clock.now())
                ended.append(task.state)

            await self._finish(run, complete)
            if ended and ended[-1] is TaskState.FAILED:
                outcome = RunOutcome.FAILED  # every item failed
        elif outcome is RunOutcome.FAILED:
            reason = result.failure_reason or "failed"
            await self._finish(run, lambda task: task.fail(run.owner, reason, self._clock.now()))
        elif not run.lost:
            await self.release(run)
        # A result that could not be recorded (cancelled or taken over meanwhile) did not happen.
        return RunOutcome.STOPPED if run.lost else outcome

    async def release(self, run: TaskRun) -> None:
        """Hands a stopped run back as PENDING so any worker resumes it from its checkpoint."""

        def give_back(task: Task) -> None:
            now = self._clock.now()
            task.heartbeat(run.owner, now, timedelta(0))  # the lease ends now ...
            task.requeue_if_lease_expired(now)  # ... so the task is free again

        await self._finish(run, give_back)

    async def _finish(self, run: TaskRun, change: Callable[[Task], object]) -> None:
        try:
            await self._change(run.task_id, change)
        except (TaskNotFound, TaskNotRunning, ConcurrencyConflict):
            run.lose()  # cancelled, deleted or taken over meanwhile: theirs to record

    async def _change(self, task_id: TaskId, change: Callable[[Task], object]) -> bool:
        """Applies ``change`` to a fresh read and saves it, retrying when another writer got in first."""

        async def write() -> bool:
            async with self._unit_of_work() as uow:
                task = await uow.tasks.get(task_id)
                if change(task) is False:
                    return False  # nothing to write
                await uow.tasks.update(task)
                await uow.commit()
                return True

        return await retry_stale(write)


async def retrying(
    run: TaskRun,
    policy: RetryPolicy,
    call: Callable[[], Awaitable[T]],
    *,
    transient: tuple[type[Exception], ...],
    before_retry: Callable[[], Awaitable[None]] | None = None,
) -> T:
    """``call()``, retried with back-off while it raises a transient error and the run may go on."""
    failures = 0
    while True:
        try:
            return await call()
        except transient:
            failures += 1
            if failures >= policy.attempts or run.stop_requested:
                raise
            await run.pause(policy.delay(failures))
            if before_retry is not None:
                await before_retry()
