"""The embedded job runner: background work inside the server process, behind the ``JobQueue`` port.

Tasks are claimed from the database (``TaskWorker``), so several processes may run this runner on
one database: a task's lease decides who runs it, and a process that dies leaves a lease that
expires and a checkpoint to resume from. The only job is ``run_task``, which wakes the runner
before its next poll.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import timedelta

from domain.ids import TaskId
from domain.ports import Job
from services.tasks.jobs import RUN_TASK, TaskRun, TaskWorker

log = logging.getLogger("mcc.jobs")


class EmbeddedJobRunner:
    """Claims and runs tasks, at most ``concurrency`` at a time."""

    def __init__(
        self,
        worker: TaskWorker,
        *,
        concurrency: int = 4,
        poll_every: timedelta = timedelta(seconds=2),
        heartbeat_every: timedelta | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self._worker = worker
        self._concurrency = concurrency
        self._poll_every = poll_every
        self._heartbeat_every = heartbeat_every or worker.lease_for / 3
        self._wake = asyncio.Event()
        self._stopping = False
        self._loop_task: asyncio.Task[None] | None = None
        self._running: dict[TaskId, tuple[TaskRun, asyncio.Task[None]]] = {}
        self._drains: dict[str, Callable[[], None]] = {}

    @property
    def running(self) -> set[TaskId]:
        return set(self._running)

    # --- JobQueue port ----------------------------------------------------------------------

    async def enqueue(self, job: Job) -> None:
        if job.name == RUN_TASK:
            self._wake.set()  # the task row is the durable record; just look sooner
        elif job.name in self._drains:
            self._drains[job.name]()  # so are the drain's rows: it only has to look
        else:
            log.error("no handler for job name=%s", job.name)

    def drains(self, name: str, wake: Callable[[], None]) -> None:
        """Jobs named ``name`` wake a drain of a table of durable work (one in-process wake-up
        stands for any number of queued jobs)."""
        self._drains[name] = wake

    # --- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        """Gives stale tasks (a crashed process's) back, then starts claiming."""
        recovered = await self._worker.recover_stale()
        if recovered:
            log.info("resuming stale tasks count=%d", len(recovered))
        self._stopping = False
        self._loop_task = asyncio.create_task(self._claim_loop())

    async def stop(self, grace: timedelta = timedelta(seconds=10)) -> None:
        """Asks running handlers to stop at their next checkpoint; after ``grace`` cancels them.

        Either way each task ends released (PENDING with its checkpoint) or finished.
        """
        self._stopping = True
        self._wake.set()
        if self._loop_task is not None:
            await self._loop_task
            self._loop_task = None
        for run, _ in self._running.values():
            run.request_stop()
        pending = [task for _, task in self._running.values()]
        if pending:
            _, late = await asyncio.wait(pending, timeout=grace.total_seconds())
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late)

    async def run_until_idle(self) -> None:
        """Claims and runs until nothing is runnable or running (for tests and one-off commands)."""
        while True:
            await self._claim_available()
            if not self._running:
                return
            await asyncio.wait(
                [task for _, task in self._running.values()], return_when=asyncio.FIRST_COMPLETED
            )

    # --- internals --------------------------------------------------------------------------

    async def _claim_loop(self) -> None:
        while not self._stopping:
            try:
                await self._claim_available()
            except Exception:
                log.exception("claiming tasks failed; trying again later")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll_every.total_seconds())

    async def _claim_available(self) -> None:
        free = self._concurrency - len(self._running)
        if free <= 0 or self._stopping:
            return
        # Ask for more than the free slots: the oldest runnable tasks may be ones another runner
        # is claiming right now, or of kinds this process has no handler for.
        for task_id in await self._worker.runnable(limit=max(free * 5, 20)):
            if task_id in self._running or len(self._running) >= self._concurrency:
                continue
            run = await self._worker.claim(task_id)
            if run is None:
                continue  # another worker won the race
            started = asyncio.create_task(self._execute(run))
            self._running[task_id] = (run, started)

    async def _execute(self, run: TaskRun) -> None:
        beats = asyncio.create_task(self._heartbeats(run))
        try:
            outcome = await self._worker.execute(run)
            log.info("task ended task_id=%s kind=%s outcome=%s", run.task_id, run.kind.value, outcome.value)
        except asyncio.CancelledError:
            # Stopped past the grace period: whatever was committed is checkpointed; free the task
            # once no heartbeat can write beside the release, and let nothing cut the release short.
            await _stopped(beats)
            release = asyncio.ensure_future(self._worker.release(run))
            try:
                await asyncio.shield(release)
            except asyncio.CancelledError:
                if not release.done():
                    await asyncio.wait([release])
            except Exception:
                log.exception("releasing a cancelled task failed task_id=%s", run.task_id)
            raise
        finally:
            await _stopped(beats)
            self._running.pop(run.task_id, None)
            self._wake.set()  # a slot is free

    async def _heartbeats(self, run: TaskRun) -> None:
        while True:
            await asyncio.sleep(self._heartbeat_every.total_seconds())
            try:
                if not await self._worker.heartbeat(run):
                    return
            except Exception:
                log.exception("heartbeat failed task_id=%s", run.task_id)


async def _stopped(task: asyncio.Task[None]) -> None:
    """Cancels ``task`` and waits until it has ended, whatever it was doing."""
    task.cancel()
    await asyncio.wait([task])
    if not task.cancelled() and task.exception() is not None:
        log.error("background step failed", exc_info=task.exception())
