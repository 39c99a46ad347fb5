"""Periodic jobs (token upkeep, incremental order sync …) run on a fixed interval in this process.

Every process that runs the scheduler runs every job: a job must tolerate running at the same time
in another process (its writes go through optimistic locking), and one run must not depend on the
previous one having happened here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

log = logging.getLogger("mcc.jobs")


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: timedelta
    run: Callable[[], Awaitable[None]]


class PeriodicScheduler:
    """Runs each job every ``every`` (never two runs of one job at once); a failure is logged."""

    def __init__(
        self,
        jobs: Iterable[PeriodicJob | tuple[str, timedelta, Callable[[], Awaitable[None]]]],
        *,
        run_at_start: bool = True,
    ) -> None:
        self._jobs = [job if isinstance(job, PeriodicJob) else PeriodicJob(*job) for job in jobs]
        for job in self._jobs:
            if job.every <= timedelta(0):
                raise ValueError(f"job {job.name!r}: the interval must be positive")
        self._run_at_start = run_at_start
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def jobs(self) -> tuple[PeriodicJob, ...]:
        return tuple(self._jobs)

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._repeat(job), name=f"periodic:{job.name}") for job in self._jobs
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    async def _repeat(self, job: PeriodicJob) -> None:
        if not self._run_at_start:
            await asyncio.sleep(job.every.total_seconds())
        while True:
            try:
                await job.run()
            except Exception:
                log.exception("periodic job failed name=%s", job.name)
            await asyncio.sleep(job.every.total_seconds())
