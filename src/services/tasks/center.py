"""Task center: list, read, watch, cancel and retry long jobs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.errors import TaskNotFound, TaskNotRunning
from domain.ids import AppId, ShopId, TaskId
from domain.paging import Page
from domain.ports import Clock, JobQueue, TaskChangeFeed, UnitOfWork
from domain.resource_names import task_name
from domain.task import Task, TaskKind, TaskState
from services.shared.requests import ClientRequest
from services.shared.stale_writes import retry_stale
from services.shops.management import owned_shop
from services.tasks.jobs import run_task_job

RETRY_TASK = "RetryTask"
CANCEL_TASK = "CancelTask"
DEFAULT_HEARTBEAT = timedelta(seconds=15)
MIN_HEARTBEAT = timedelta(milliseconds=10)


@dataclass(frozen=True)
class TaskHeartbeat:
    """Sent by ``watch_task`` when nothing changed for the heartbeat interval."""

    at: datetime


TaskWatchEvent = Task | TaskHeartbeat


def _visible(task: Task) -> tuple[object, ...]:
    """What a watcher can see of a task; lease renewals alone are not a change."""
    return (
        task.state,
        task.done,
        task.total,
        task.counts,
        task.last_errors,
        task.failure_reason,
        task.started_at,
        task.finished_at,
        task.attempts,
    )


class TaskService:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        change_feed: TaskChangeFeed,
        job_queue: JobQueue,
        *,
        poll_every: timedelta = timedelta(seconds=2),
        min_snapshot_gap: timedelta = timedelta(milliseconds=250),
    ) -> None:
        """``poll_every`` bounds how late a watcher sees a change the feed did not announce
        (e.g. one made by another process); ``min_snapshot_gap`` caps snapshots at about 4 a second.
        """
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._change_feed = change_feed
        self._job_queue = job_queue
        self._poll_every = poll_every
        self._min_snapshot_gap = min_snapshot_gap

    async def list_tasks(
        self,
        app_id: AppId,
        *,
        page_size: int,
        after: str | None,
        shop_id: ShopId | None = None,
        kind: TaskKind | None = None,
        state: TaskState | None = None,
    ) -> Page[Task]:
        """Newest first; filters left at None match anything. An unknown app, or a shop filter
        naming a shop that is not the app's, is NOT_FOUND as in the other lists."""
        async with self._unit_of_work() as uow:
            await uow.apps.get(app_id)
            if shop_id is not None:
                await owned_shop(uow, app_id, shop_id)
            return await uow.tasks.list_filtered(
                app_id, page_size=page_size, after=after, shop_id=shop_id, kind=kind, state=state
            )

    async def get_task(self, app_id: AppId, task_id: TaskId) -> Task:
        async with self._unit_of_work() as uow:
            return await self._load(uow, app_id, task_id)

    async def watch_task(
        self, app_id: AppId, task_id: TaskId, *, heartbeat_every: timedelta = DEFAULT_HEARTBEAT
    ) -> AsyncIterator[TaskWatchEvent]:
        """The current snapshot, then one on every visible change and a heartbeat after
        ``heartbeat_every`` of quiet; ends after the snapshot showing a terminal state.

        A client that reconnects simply watches again and gets the current snapshot first.
        """
        heartbeat_every = max(heartbeat_every, MIN_HEARTBEAT)
        loop = asyncio.get_running_loop()
        # Subscribe before the first read, so a change between the two is not missed.
        subscription = self._change_feed.subscribe(task_id)
        try:
            task = await self.get_task(app_id, task_id)
            yield task
            shown = _visible(task)
            last_sent = loop.time()
            while not task.state.finished:
                quiet = timedelta(seconds=loop.time() - last_sent)
                if quiet >= heartbeat_every:
                    yield TaskHeartbeat(self._clock.now())
                    last_sent = loop.time()
                    continue
                await subscription.wait(min(heartbeat_every - quiet, self._poll_every))
                task = await self.get_task(app_id, task_id)
                if _visible(task) != shown:
                    yield task
                    shown = _visible(task)
                    last_sent = loop.time()
                    if not task.state.finished and self._min_snapshot_gap > timedelta(0):
                        # Changes that arrive meanwhile are folded into the next snapshot.
                        await asyncio.sleep(self._min_snapshot_gap.total_seconds())
        finally:
            await subscription.close()

    async def cancel_task(self, app_id: AppId, task_id: TaskId, request_id: str | None = None) -> Task:
        """A PENDING or RUNNING task becomes CANCELLED; a running handler stops at its next
        checkpoint, where its write finds the task cancelled. Cancelling again changes nothing, and
        a call repeating the ``request_id`` of an earlier one returns the task as it is now."""

        def cancel(task: Task) -> bool:
            if task.state is TaskState.CANCELLED:
                return False
            if task.state.finished:
                raise TaskNotRunning(
                    f"tasks/{task.id}",
                    f"only a PENDING or RUNNING task can be cancelled, this one is {task.state.value}",
                )
            task.cancel(self._clock.now())
            return True

        request = ClientRequest(app_id, request_id, CANCEL_TASK, f"tasks/{task_id}")
        task, _ = await self._change(request, task_id, cancel)
        return task

    async def retry_task(self, app_id: AppId, task_id: TaskId, request_id: str | None = None) -> Task:
        """A FAILED task goes back to PENDING and resumes from its checkpoint with its counts.

        A call repeating the ``request_id`` of an earlier one returns the task as it is now instead
        of starting another attempt.
        """

        def retry(task: Task) -> bool:
            task.retry(self._clock.now())
            return True

        request = ClientRequest(app_id, request_id, RETRY_TASK, f"tasks/{task_id}")
        task, changed = await self._change(request, task_id, retry)
        if changed:
            await self._job_queue.enqueue(run_task_job(task.id))
        return task

    async def _change(
        self, request: ClientRequest, task_id: TaskId, change: Callable[[Task], bool]
    ) -> tuple[Task, bool]:
        """Applies ``change`` (False: nothing to write) to a fresh read and saves it with the
        request; a replayed request changes nothing. True when the task was changed."""

        # A running task's worker writes it often; start over from a fresh read if it got in first.
        async def write() -> tuple[Task, bool]:
            async with self._unit_of_work() as uow:
                task = await self._load(uow, request.app_id, task_id)
                if await request.replayed(uow):
                    return task, False
                changed = change(task)
                if not changed and request.request_id is None:
                    return task, False
                if changed:
                    await uow.tasks.update(task)
                await request.record(uow, self._clock.now())
                await uow.commit()
                return task, changed

        return await retry_stale(write)

    @staticmethod
    async def _load(uow: UnitOfWork, app_id: AppId, task_id: TaskId) -> Task:
        try:
            task = await uow.tasks.get(task_id)
        except TaskNotFound:
            task = None
        if task is None or task.app_id != app_id:
            # Another app's task is not there as far as this app knows.
            raise TaskNotFound(task_name(app_id, task_id))
        return task
