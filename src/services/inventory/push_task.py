"""The ``INVENTORY_PUSH`` task: pushes every linked SKU of an app (or of one pool) now.

First it reads the on-hand of the pools it covers from SHOPLINE, as the periodic refresh does;
when that read fails the task fails with the reason and pushes nothing from stale stock. Then it
pages through the push rows by (pool, SKU); each page's pushes go through the same pusher as
the event-driven ones (one push per SKU at a time), then the progress and the last SKU pushed
are written as the checkpoint, so a restarted task resumes after it.
"""

from __future__ import annotations

from collections.abc import Callable

from domain.errors import (
    PartnerAuthExpired,
    PartnerError,
    PartnerScopeMissing,
    PartnerTokenRevoked,
    PartnerUnavailable,
    PoolNotFound,
    TokenNotFound,
    TokenRevoked,
)
from domain.ids import PoolId
from domain.ports import Clock, UnitOfWork
from domain.stock_push import PushResult, PushState
from domain.task import TaskCounts
from services.inventory.pools import PushCheckpoint
from services.inventory.push import StockPusher
from services.inventory.upkeep import OnHandRefresh
from services.shared.stale_writes import retry_stale
from services.tasks.jobs import RetryPolicy, RunResult, TaskRun, retrying

REINSTALL = "re-install the app on the SHOPLINE store, then retry the task"


def unreadable_reason(error: TokenNotFound | TokenRevoked | PartnerError) -> str:
    """Why the on-hand could not be read from SHOPLINE, and what to do about it."""
    if isinstance(error, TokenNotFound):
        cause = f"the app has no SHOPLINE authorization; {REINSTALL}"
    elif isinstance(error, TokenRevoked | PartnerTokenRevoked):
        cause = f"SHOPLINE revoked the app's authorization (e.g. the app was uninstalled); {REINSTALL}"
    elif isinstance(error, PartnerAuthExpired):
        cause = f"SHOPLINE refused the app's access token ({error.code}); {REINSTALL}"
    elif isinstance(error, PartnerScopeMissing):
        cause = error.message  # names the missing scope and says to re-install
    elif isinstance(error, PartnerUnavailable):
        cause = f"SHOPLINE kept failing ({error.message}); retry the task later"
    else:
        cause = f"SHOPLINE refused the read ({error.message})"
    return f"nothing was pushed: the on-hand could not be read from SHOPLINE: {cause}"


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
        on_hand: OnHandRefresh,
        *,
        page_size: int = 100,
        retry: RetryPolicy | None = None,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._pusher = pusher
        self._on_hand = on_hand
        self._page_size = page_size
        self._retry = retry or RetryPolicy()

    async def run(self, run: TaskRun) -> RunResult:
        position = PushCheckpoint.decode(run.checkpoint)
        try:
            await retrying(
                run,
                self._retry,
                lambda: self._read_on_hand(run, position.pool_id),
                transient=(PartnerUnavailable,),
            )
        except (TokenNotFound, TokenRevoked, PartnerError) as error:
            if run.stop_requested:
                return RunResult.stopped()  # a later run reads again
            return RunResult.failed(unreadable_reason(error))
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

    async def _read_on_hand(self, run: TaskRun, pool_id: PoolId | None) -> None:
        """Refreshes the on-hand of the pool (or of every pool of the app) from SHOPLINE."""
        if pool_id is None:
            await self._on_hand.read_app(run.app_id)
            return
        try:
            async with self._unit_of_work() as uow:
                pool = await uow.inventory_pools.get(pool_id)
        except PoolNotFound:
            return  # deleted meanwhile: nothing left to push
        await self._on_hand.read_pools(run.app_id, {pool.variant_id: pool.id})

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
