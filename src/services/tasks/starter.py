"""Starting a task-center task: the one way every start call creates (or finds) its task."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from domain.ids import ShopId, TaskId
from domain.ports import Clock, IdGenerator, JobQueue, UnitOfWork
from domain.task import Task, TaskKind, TaskState
from services.shared.requests import ClientRequest
from services.shared.stale_writes import retry_stale
from services.shops.management import owned_shop
from services.tasks.jobs import run_task_job

Prepare = Callable[[UnitOfWork], Awaitable[str | None]]
"""Checks, in the start's transaction, that the task may start; returns its first checkpoint."""


class TaskStarter:
    """Creates a task and queues its job after the commit, or returns the task to use instead:
    the one a repeated ``request_id`` started, or one of the same kind and scope still pending
    or running."""

    def __init__(
        self, unit_of_work: Callable[[], UnitOfWork], clock: Clock, ids: IdGenerator, job_queue: JobQueue
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._ids = ids
        self._job_queue = job_queue

    async def start(
        self,
        request: ClientRequest,
        kind: TaskKind,
        *,
        shop_id: ShopId | None = None,
        prepare: Prepare | None = None,
        reuse_active: bool = True,
    ) -> Task:
        """A task of ``kind`` for the app of ``request``, scoped to ``shop_id`` (which must be
        the app's) or to the whole app. ``reuse_active=False`` always starts a new task."""

        async def attempt() -> tuple[Task, bool]:
            async with self._unit_of_work() as uow:
                started = await self.add(
                    uow, request, kind, shop_id=shop_id, prepare=prepare, reuse_active=reuse_active
                )
                await uow.commit()
                return started

        # A concurrent call with the same request_id that commits first makes the retry a replay.
        task, created = await retry_stale(attempt)
        if created:
            await self.queue([task])
        return task

    async def add(
        self,
        uow: UnitOfWork,
        request: ClientRequest,
        kind: TaskKind,
        *,
        shop_id: ShopId | None = None,
        prepare: Prepare | None = None,
        reuse_active: bool = True,
    ) -> tuple[Task, bool]:
        """``start`` inside the caller's transaction, for a task that must commit with other
        changes; returns the task and whether it is new (queue new ones after the commit)."""
        done = await request.replayed(uow)
        if done is not None:
            return await uow.tasks.get(TaskId(done.result or "")), False
        if shop_id is not None:
            await owned_shop(uow, request.app_id, shop_id)
        checkpoint = await prepare(uow) if prepare is not None else None
        now = self._clock.now()
        task = await _active_task(uow, request, kind, shop_id) if reuse_active else None
        created = task is None
        if task is None:
            task = Task.create(
                TaskId(self._ids.new_id()), request.app_id, kind, now, shop_id, checkpoint=checkpoint
            )
            await uow.tasks.add(task)
        await request.record(uow, now, task.id)
        return task, created

    async def queue(self, tasks: Iterable[Task]) -> None:
        """Wakes a worker for each task added and committed; a lost wake-up leaves a PENDING
        task that the runner picks up anyway."""
        for task in tasks:
            await self._job_queue.enqueue(run_task_job(task.id))


async def _active_task(
    uow: UnitOfWork, request: ClientRequest, kind: TaskKind, shop_id: ShopId | None
) -> Task | None:
    """The scope's running task of ``kind``, else its pending one; an app-wide scope (no shop)
    matches app-wide tasks only."""
    for state in (TaskState.RUNNING, TaskState.PENDING):
        page = await uow.tasks.list_filtered(
            request.app_id, page_size=20, after=None, shop_id=shop_id, kind=kind, state=state
        )
        for task in page.items:
            if task.shop_id == shop_id:
                return task
    return None
