"""Stopping the work of a shop or an app that goes away (deleted, deauthorized, uninstalled)."""

from __future__ import annotations

from datetime import datetime

from domain.ids import AppId, ShopId
from domain.ports import UnitOfWork
from domain.task import TaskState

SCAN_PAGE = 100


async def cancel_unfinished_tasks(
    uow: UnitOfWork, app_id: AppId, now: datetime, shop_id: ShopId | None = None
) -> int:
    """Inside the caller's transaction: cancels the app's (or one shop's) running and pending
    tasks, so workers and task streams see them end; finished ones are not read. Returns how many."""
    cancelled = 0
    for state in (TaskState.RUNNING, TaskState.PENDING):
        after: str | None = None
        while True:
            page = await uow.tasks.list_filtered(
                app_id, page_size=SCAN_PAGE, after=after, shop_id=shop_id, state=state
            )
            for task in page.items:
                task.cancel(now)
                await uow.tasks.update(task)
                cancelled += 1
            if page.next_cursor is None:
                break
            after = page.next_cursor
    return cancelled
