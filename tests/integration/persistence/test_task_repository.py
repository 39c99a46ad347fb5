"""Task repository contract: the fake, SQLite and PostgreSQL behave alike."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.errors import StaleWrite, TaskAlreadyExists, TaskNotFound
from domain.events import TaskChanged
from domain.ids import AppId, TaskId
from domain.task import Task, TaskCounts, TaskKind, TaskState
from tests.integration.persistence.builders import APP, OTHER_APP, OTHER_SHOP, SHOP, at, seed, state_of, task

TASK = TaskId("task-1")


async def test_added_task_reads_back_with_every_field(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    async with backend.new_uow() as uow:
        await uow.tasks.add(task())
        await uow.tasks.add(task("task-2", shop_id=None))
        await uow.commit()
    async with backend.new_uow() as uow:
        assert state_of(await uow.tasks.get(TASK)) == state_of(task())
        assert state_of(await uow.tasks.get(TaskId("task-2"))) == state_of(task("task-2", shop_id=None))


async def test_missing_and_duplicate_tasks(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    async with backend.new_uow() as uow:
        with pytest.raises(TaskNotFound):
            await uow.tasks.get(TaskId("nope"))
        with pytest.raises(TaskNotFound):
            await uow.tasks.delete(TaskId("nope"))
        with pytest.raises(TaskNotFound):
            await uow.tasks.update(task("nope"))
        await uow.tasks.add(task())
        await uow.commit()
    async with backend.new_uow() as uow:
        with pytest.raises(TaskAlreadyExists):
            await uow.tasks.add(task())


async def test_progress_is_kept_and_published_after_commit(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    async with backend.new_uow() as uow:
        await uow.tasks.add(Task.create(TASK, AppId(APP), TaskKind.AUTO_LINK, at(0), SHOP, total=10))
        await uow.commit()
    async with backend.new_uow() as uow:
        loaded = await uow.tasks.get(TASK)
        loaded.claim("worker-1", at(1), timedelta(minutes=5))
        loaded.record_progress(
            "worker-1",
            at(2),
            done=4,
            counts=TaskCounts(created=4),
            errors=[("sku-1", "ambiguous")],
            checkpoint="c-4",
        )
        await uow.tasks.update(loaded)
        await uow.commit()
    async with backend.new_uow() as uow:
        assert state_of(await uow.tasks.get(TASK)) == state_of(loaded)
    changes = [e for e in backend.publisher.published if isinstance(e, TaskChanged)]
    assert [(e.state, e.done) for e in changes] == [("RUNNING", 0), ("RUNNING", 4)]


async def test_list_pages_by_keyset_within_the_app(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, apps=(APP, OTHER_APP), shops=((SHOP, APP),))
    ids = [f"task-{i}" for i in range(5)]
    async with backend.new_uow() as uow:
        for task_id in ids:
            await uow.tasks.add(task(task_id))
        await uow.tasks.add(task("task-other", OTHER_APP, None))
        await uow.commit()
    collected: list[str] = []
    after = None
    async with backend.new_uow() as uow:
        while True:
            page = await uow.tasks.list(AppId(APP), page_size=2, after=after)
            collected += [t.id for t in page.items]
            if page.next_cursor is None:
                break
            after = page.next_cursor
    assert collected == ids


async def test_runnable_tasks_are_pending_or_lease_expired_oldest_first(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    async with backend.new_uow() as uow:
        await uow.tasks.add(Task.create(TaskId("c-pending"), AppId(APP), TaskKind.PRICE_SYNC, at(3)))
        await uow.tasks.add(Task.create(TaskId("a-pending"), AppId(APP), TaskKind.PRICE_SYNC, at(1)))
        await uow.tasks.add(task("b-expired", created=2))  # RUNNING, lease until at(10)
        await uow.tasks.add(task("d-leased", created=0))
        finished = Task.create(TaskId("e-done"), AppId(APP), TaskKind.PRICE_SYNC, at(0))
        finished.cancel(at(0))
        await uow.tasks.add(finished)
        await uow.commit()
    async with backend.new_uow() as uow:
        leased = await uow.tasks.get(TaskId("d-leased"))
        leased.heartbeat("worker-7", at(5), timedelta(hours=1))
        await uow.tasks.update(leased)
        await uow.commit()
    async with backend.new_uow() as uow:
        runnable = await uow.tasks.list_runnable(at(10), limit=10)
        first_two = await uow.tasks.list_runnable(at(10), limit=2)
        before_expiry = await uow.tasks.list_runnable(at(9), limit=10)
    assert [t.id for t in runnable] == ["a-pending", "b-expired", "c-pending"]
    assert [t.id for t in first_two] == ["a-pending", "b-expired"]
    assert [t.id for t in before_expiry] == ["a-pending", "c-pending"]


async def test_delete_for_shop_removes_only_that_shops_tasks(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, shops=((SHOP, APP), (OTHER_SHOP, APP)))
    async with backend.new_uow() as uow:
        await uow.tasks.add(task("t-1", shop_id=SHOP))
        await uow.tasks.add(task("t-2", shop_id=SHOP))
        await uow.tasks.add(task("t-3", shop_id=OTHER_SHOP))
        await uow.tasks.add(task("t-4", shop_id=None))
        await uow.commit()
    async with backend.new_uow() as uow:
        assert await uow.tasks.delete_for_shop(SHOP) == 2
        await uow.tasks.delete(TaskId("t-4"))
        await uow.commit()
    async with backend.new_uow() as uow:
        assert [t.id for t in (await uow.tasks.list(AppId(APP), page_size=10, after=None)).items] == ["t-3"]


async def test_list_filtered_is_newest_first_with_filters(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, shops=((SHOP, APP), (OTHER_SHOP, APP)))
    async with backend.new_uow() as uow:
        for i, (shop_id, kind) in enumerate(
            [
                (SHOP, TaskKind.HISTORY_IMPORT),
                (SHOP, TaskKind.AUTO_LINK),
                (OTHER_SHOP, TaskKind.HISTORY_IMPORT),
                (SHOP, TaskKind.HISTORY_IMPORT),
                (None, TaskKind.PRICE_SYNC),
            ]
        ):
            await uow.tasks.add(Task.create(TaskId(f"t-{i}"), AppId(APP), kind, at(i), shop_id))
        await uow.tasks.add(Task.create(TaskId("t-same-time"), AppId(APP), TaskKind.AUTO_LINK, at(4)))
        claimed = Task.create(TaskId("t-running"), AppId(APP), TaskKind.ORDER_SYNC, at(2))
        claimed.claim("worker", at(3), timedelta(minutes=1))
        await uow.tasks.add(claimed)
        await uow.commit()

    async def every_page(**filters):  # type: ignore[no-untyped-def]
        collected, after = [], None
        async with backend.new_uow() as uow:
            while True:
                page = await uow.tasks.list_filtered(AppId(APP), page_size=2, after=after, **filters)
                collected += [t.id for t in page.items]
                if page.next_cursor is None:
                    return collected
                after = page.next_cursor

    assert await every_page() == ["t-same-time", "t-4", "t-3", "t-running", "t-2", "t-1", "t-0"]
    assert await every_page(shop_id=SHOP) == ["t-3", "t-1", "t-0"]
    assert await every_page(shop_id=SHOP, kind=TaskKind.HISTORY_IMPORT) == ["t-3", "t-0"]
    assert await every_page(state=TaskState.RUNNING) == ["t-running"]


async def test_concurrent_claim_is_a_stale_write(sql_backend) -> None:  # type: ignore[no-untyped-def]
    await seed(sql_backend)
    async with sql_backend.new_uow() as uow:
        await uow.tasks.add(Task.create(TASK, AppId(APP), TaskKind.AUTO_LINK, at(0)))
        await uow.commit()
    async with sql_backend.new_uow() as first:
        mine = await first.tasks.get(TASK)
        async with sql_backend.new_uow() as second:
            theirs = await second.tasks.get(TASK)
            theirs.claim("worker-2", at(1), timedelta(minutes=5))
            await second.tasks.update(theirs)
            await second.commit()
        mine.claim("worker-1", at(1), timedelta(minutes=5))
        with pytest.raises(StaleWrite):
            await first.tasks.update(mine)
