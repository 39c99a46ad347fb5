"""The ``INVENTORY_PUSH`` task: pushes every linked SKU of an app (or of one pool) now.

Pages through the push rows by (pool, SKU); each page's pushes go through the same pusher as
the event-driven ones (one push per SKU at a time), then the progress and the last SKU pushed
are written as the checkpoint, so a restarted task resumes after it.
"""

from __future__ import annotations

from collections.abc import Callable

from domain.ports import Clock, UnitOfWork
from domain.stock_push import PushResult, PushState
from domain.task import TaskCounts
from services.inventory.pools import PushCheckpoint
from services.inventory.push import StockPusher
from services.shared.stale_writes import retry_stale
from services.tasks.jobs import RunResult, TaskRun


def sku_reference(state: PushState) -> str:
    if state.product_id is None:
        return f"apps/{state.app_id}/shops/{state.shop_id}/skus/{state.sku_id}"
    return f"apps/{state.app_id}/shops/{state.shop_id}/products/{state.product_id}/skus/{state.sku_id}"


class InventoryPushHandler:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        pusher: StockPusher,
        *,
        page_size: int = 100,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._pusher = pusher
        self._page_size = page_size

    async def run(self, run: TaskRun) -> RunResult:
        position = PushCheckpoint.decode(run.checkpoint)
        while True:
            async with self._unit_of_work() as uow:
                page = await uow.push_states.list_for_app(
                    run.app_id, page_size=self._page_size, after=position.after, pool_id=position.pool_id
                )
            counts = TaskCounts()
            errors: list[tuple[str, str]] = []
            for state in page.items:
                outcome = await self._pusher.push_one(state.pool_id, state.sku_id, force=True)
                if outcome is None:
                    counts = counts.plus(TaskCounts(skipped=1))  # unlinked meanwhile
                elif outcome.result is PushResult.FAILED:
                    counts = counts.plus(TaskCounts(failed=1))
                    errors.append((sku_reference(outcome), outcome.error))
                else:
                    counts = counts.plus(TaskCounts(updated=1))
            last = page.items[-1] if page.items else None
            position = PushCheckpoint(
                position.pool_id, f"{last.pool_id}/{last.sku_id}" if last else position.after
            )
            finished = page.next_cursor is None
            await self._progress(run, len(page.items), counts, errors, position, finished)
            if finished:
                return RunResult.completed()
            if run.stop_requested:
                return RunResult.stopped()

    async def _progress(
        self,
        run: TaskRun,
        pushed: int,
        counts: TaskCounts,
        errors: list[tuple[str, str]],
        position: PushCheckpoint,
        finished: bool,
    ) -> None:
        async def write() -> None:
            async with self._unit_of_work() as uow:
                task = await uow.tasks.get(run.task_id)
                done = task.done + pushed
                task.record_progress(
                    run.owner,
                    self._clock.now(),
                    done=done,
                    total=done if finished else None,
                    counts=counts,
                    errors=errors,
                    checkpoint=position.encode(),
                )
                await uow.tasks.update(task)
                await uow.commit()

        await retry_stale(write)
