from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from domain.errors import (
    AppNotFound,
    RequestIdReused,
    ShopNotFound,
    TaskNotFound,
    TaskNotRetryable,
    TaskNotRunning,
)
from domain.ids import AppId, ShopId, TaskId
from domain.task import Task, TaskCounts, TaskKind, TaskState
from services.tasks.center import TaskHeartbeat, TaskService, TaskWatchEvent
from services.tasks.jobs import RUN_TASK
from tests.services.support_tasks import APP, NOW, OTHER_APP, SHOP, World, until

LEASE = timedelta(minutes=1)


def service(world: World, *, poll_every: timedelta = timedelta(seconds=5)) -> TaskService:
    return TaskService(
        world.uow, world.clock, world.feed, world.jobs, poll_every=poll_every, min_snapshot_gap=timedelta(0)
    )


async def change(world: World, task_id: str, *, notify: bool = True, **progress: object) -> None:
    """Changes the task as a worker would; ``notify=False`` as one in another process would."""
    async with world.uow() as uow:
        task = await uow.tasks.get(TaskId(task_id))
        action = progress.pop("action", "progress")
        if action == "claim":
            task.claim("worker-1", world.clock.now(), LEASE)
        elif action == "succeed":
            task.complete("worker-1", world.clock.now())
        elif action == "fail":
            task.fail("worker-1", "TikTok kept failing", world.clock.now())
        elif action == "heartbeat":
            task.heartbeat("worker-1", world.clock.now(), LEASE)
        else:
            task.record_progress("worker-1", world.clock.now(), **progress)  # type: ignore[arg-type]
        await uow.tasks.update(task)
        if notify:
            await uow.commit()
        else:
            world.database.state.tasks[task.id] = task  # committed without telling this process


# --- list and get ---------------------------------------------------------------------------


async def seeded_tasks(world: World) -> None:
    await world.add_shop(SHOP)  # and its app
    await world.add_task("t1", kind=TaskKind.HISTORY_IMPORT, created_at=NOW - timedelta(hours=5))
    await world.add_task("t2", kind=TaskKind.AUTO_LINK, created_at=NOW - timedelta(hours=4))
    await world.add_task(
        "t3", kind=TaskKind.HISTORY_IMPORT, shop_id=ShopId("shop-2"), created_at=NOW - timedelta(hours=3)
    )
    await world.add_task("t4", kind=TaskKind.PRICE_SYNC, shop_id=None, created_at=NOW - timedelta(hours=2))
    await world.add_task("t5", kind=TaskKind.HISTORY_IMPORT, created_at=NOW - timedelta(hours=1))
    await world.add_task("other", app_id=OTHER_APP)
    await change(world, "t1", action="claim")


async def test_list_is_newest_first_and_pages_through_every_task_of_the_app() -> None:
    world = World()
    await seeded_tasks(world)
    tasks = service(world)

    first = await tasks.list_tasks(APP, page_size=2, after=None)
    second = await tasks.list_tasks(APP, page_size=2, after=first.next_cursor)
    third = await tasks.list_tasks(APP, page_size=2, after=second.next_cursor)

    assert [t.id for t in first.items] == ["t5", "t4"]
    assert [t.id for t in second.items] == ["t3", "t2"]
    assert [t.id for t in third.items] == ["t1"] and third.next_cursor is None


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"shop_id": SHOP}, ["t5", "t2", "t1"]),
        ({"kind": TaskKind.HISTORY_IMPORT}, ["t5", "t3", "t1"]),
        ({"state": TaskState.RUNNING}, ["t1"]),
        ({"shop_id": SHOP, "kind": TaskKind.HISTORY_IMPORT, "state": TaskState.PENDING}, ["t5"]),
        ({"kind": TaskKind.ORDER_SYNC}, []),
    ],
)
async def test_list_filters_by_shop_kind_and_state(filters: dict[str, object], expected: list[str]) -> None:
    world = World()
    await seeded_tasks(world)

    page = await service(world).list_tasks(APP, page_size=10, after=None, **filters)  # type: ignore[arg-type]

    assert [t.id for t in page.items] == expected


async def test_get_returns_the_task_and_hides_other_apps_tasks() -> None:
    world = World()
    await seeded_tasks(world)
    tasks = service(world)

    assert (await tasks.get_task(APP, TaskId("t1"))).state is TaskState.RUNNING
    with pytest.raises(TaskNotFound) as other:
        await tasks.get_task(APP, TaskId("other"))
    with pytest.raises(TaskNotFound) as missing:
        await tasks.get_task(APP, TaskId("missing"))
    # Both carry the full name the caller asked for; neither tells the two cases apart.
    assert other.value.resource_name == f"apps/{APP}/tasks/other"
    assert missing.value.resource_name == f"apps/{APP}/tasks/missing"


# --- cancel and retry -----------------------------------------------------------------------


async def test_cancel_a_pending_task() -> None:
    world = World()
    await world.add_task("t1")

    task = await service(world).cancel_task(APP, TaskId("t1"))

    assert task.state is TaskState.CANCELLED and task.finished_at == NOW
    assert (await world.task("t1")).state is TaskState.CANCELLED


async def test_cancel_a_running_task_makes_its_next_checkpoint_fail() -> None:
    world = World()
    await world.add_task("t1")
    await change(world, "t1", action="claim")

    await service(world).cancel_task(APP, TaskId("t1"))

    with pytest.raises(TaskNotRunning):
        await change(world, "t1", done=1, checkpoint="next")
    task = await world.task("t1")
    assert task.state is TaskState.CANCELLED and task.lease is None


async def test_cancel_again_changes_nothing() -> None:
    world = World()
    await world.add_task("t1")
    tasks = service(world)
    await tasks.cancel_task(APP, TaskId("t1"))
    commits = world.commits

    assert (await tasks.cancel_task(APP, TaskId("t1"))).state is TaskState.CANCELLED
    assert world.commits == commits


@pytest.mark.parametrize("action", ["succeed", "fail"])
async def test_a_finished_task_cannot_be_cancelled(action: str) -> None:
    world = World()
    await world.add_task("t1")
    await change(world, "t1", action="claim")
    await change(world, "t1", action=action)

    with pytest.raises(TaskNotRunning):
        await service(world).cancel_task(APP, TaskId("t1"))


async def test_cancel_of_another_apps_task_is_not_found() -> None:
    world = World()
    await world.add_task("t1", app_id=OTHER_APP)

    with pytest.raises(TaskNotFound) as caught:
        await service(world).cancel_task(APP, TaskId("t1"))
    assert caught.value.resource_name == f"apps/{APP}/tasks/t1"
    assert (await world.task("t1")).state is TaskState.PENDING


async def test_retry_a_failed_task_keeps_its_checkpoint_and_wakes_the_runner() -> None:
    world = World()
    await world.add_task("t1")
    await change(world, "t1", action="claim")
    await change(world, "t1", done=3, total=10, counts=TaskCounts(created=3), checkpoint="page-3")
    await change(world, "t1", action="fail")

    task = await service(world).retry_task(APP, TaskId("t1"))

    assert task.state is TaskState.PENDING
    assert (task.checkpoint, task.done, task.counts.created) == ("page-3", 3, 3)
    assert task.failure_reason is None
    assert [(job.name, job.arguments) for job in world.jobs.jobs] == [(RUN_TASK, {"task_id": "t1"})]


async def test_a_retry_repeating_its_request_id_starts_no_second_attempt() -> None:
    world = World()
    for task_id in ("t1", "t2"):
        await world.add_task(task_id)
        await change(world, task_id, action="claim")
        await change(world, task_id, action="fail")
    tasks = service(world)

    first = await tasks.retry_task(APP, TaskId("t1"), "6f1c2a52-1d1e-4c55-9d3f-2f1b8a4d0e11")
    await change(world, "t1", action="claim")  # the runner took the retried task meanwhile
    again = await tasks.retry_task(APP, TaskId("t1"), "6f1c2a52-1d1e-4c55-9d3f-2f1b8a4d0e11")

    assert first.state is TaskState.PENDING and again.state is TaskState.RUNNING
    assert len(world.jobs.jobs) == 1
    with pytest.raises(RequestIdReused):
        await tasks.retry_task(APP, TaskId("t2"), "6f1c2a52-1d1e-4c55-9d3f-2f1b8a4d0e11")
    assert (await world.task("t2")).state is TaskState.FAILED


@pytest.mark.parametrize("action", [None, "claim", "succeed"])
async def test_only_a_failed_task_can_be_retried(action: str | None) -> None:
    world = World()
    await world.add_task("t1")
    for step in {None: [], "claim": ["claim"], "succeed": ["claim", "succeed"]}[action]:
        await change(world, "t1", action=step)

    with pytest.raises(TaskNotRetryable):
        await service(world).retry_task(APP, TaskId("t1"))
    assert world.jobs.jobs == []


# --- watch ----------------------------------------------------------------------------------


class Watcher:
    """Collects what a watch yields, in the background."""

    def __init__(self, stream: AsyncIterator[TaskWatchEvent]) -> None:
        self.events: list[TaskWatchEvent] = []
        self.changed = asyncio.Event()
        self.task = asyncio.create_task(self._collect(stream))

    async def _collect(self, stream: AsyncIterator[TaskWatchEvent]) -> None:
        async for event in stream:
            self.events.append(event)
            self.changed.set()

    async def next_snapshot(self) -> Task:
        while True:
            count = len(self.snapshots)
            await asyncio.wait_for(self._more(), 5)
            if len(self.snapshots) > count:
                return self.snapshots[-1]

    async def _more(self) -> None:
        self.changed.clear()
        await self.changed.wait()

    @property
    def snapshots(self) -> list[Task]:
        return [event for event in self.events if isinstance(event, Task)]


async def started(watcher: Watcher, snapshots: int = 1) -> None:
    await until(lambda: len(watcher.snapshots) >= snapshots)


async def test_watch_yields_the_current_snapshot_then_every_change_and_ends_at_a_terminal_state() -> None:
    world = World()
    await world.add_task("t1")
    watcher = Watcher(service(world).watch_task(APP, TaskId("t1"), heartbeat_every=timedelta(seconds=30)))
    await started(watcher)

    await change(world, "t1", action="claim")
    await started(watcher, 2)
    await change(world, "t1", done=5, total=10)
    await started(watcher, 3)
    await change(world, "t1", action="heartbeat")  # a lease renewal alone is not a change
    await change(world, "t1", done=10)
    await started(watcher, 4)
    await change(world, "t1", action="succeed")
    await asyncio.wait_for(watcher.task, 5)

    states = [(s.state, s.done) for s in watcher.snapshots]
    assert states == [
        (TaskState.PENDING, 0),
        (TaskState.RUNNING, 0),
        (TaskState.RUNNING, 5),
        (TaskState.RUNNING, 10),
        (TaskState.SUCCEEDED, 10),
    ]
    assert world.feed.subscriptions == []


async def test_watch_sends_heartbeats_while_nothing_changes() -> None:
    world = World()
    await world.add_task("t1")
    watcher = Watcher(
        service(world).watch_task(APP, TaskId("t1"), heartbeat_every=timedelta(milliseconds=20))
    )

    await until(lambda: sum(isinstance(e, TaskHeartbeat) for e in watcher.events) >= 3)
    watcher.task.cancel()

    assert isinstance(watcher.events[0], Task)
    assert all(e.at == NOW for e in watcher.events[1:] if isinstance(e, TaskHeartbeat))
    assert len(watcher.snapshots) == 1


async def test_watch_of_a_finished_task_yields_one_snapshot_and_ends() -> None:
    world = World()
    await world.add_task("t1")
    await service(world).cancel_task(APP, TaskId("t1"))

    events = [event async for event in service(world).watch_task(APP, TaskId("t1"))]

    assert len(events) == 1 and isinstance(events[0], Task) and events[0].state is TaskState.CANCELLED


async def test_watch_sees_changes_made_by_another_process_by_polling() -> None:
    world = World()
    await world.add_task("t1")
    tasks = service(world, poll_every=timedelta(milliseconds=10))
    watcher = Watcher(tasks.watch_task(APP, TaskId("t1"), heartbeat_every=timedelta(seconds=30)))
    await started(watcher)

    await change(world, "t1", action="claim", notify=False)

    assert (await watcher.next_snapshot()).state is TaskState.RUNNING
    watcher.task.cancel()


async def test_a_reconnecting_watcher_gets_the_current_snapshot_first() -> None:
    world = World()
    await world.add_task("t1")
    tasks = service(world)
    first = Watcher(tasks.watch_task(APP, TaskId("t1")))
    await started(first)
    first.task.cancel()  # the client went away
    await change(world, "t1", action="claim")
    await change(world, "t1", done=2, total=4)

    second = Watcher(tasks.watch_task(APP, TaskId("t1")))
    await started(second)

    assert (second.snapshots[0].state, second.snapshots[0].done) == (TaskState.RUNNING, 2)
    second.task.cancel()


async def test_watch_of_another_apps_task_is_not_found() -> None:
    world = World()
    await world.add_task("t1", app_id=OTHER_APP)

    with pytest.raises(TaskNotFound) as caught:
        async for _ in service(world).watch_task(APP, TaskId("t1")):
            pass
    assert caught.value.resource_name == f"apps/{APP}/tasks/t1"
    assert world.feed.subscriptions == []


async def test_listing_an_unknown_app_or_another_apps_shop_is_not_found() -> None:
    world = World()
    await seeded_tasks(world)
    tasks = service(world)
    with pytest.raises(AppNotFound) as unknown_app:
        await tasks.list_tasks(AppId("app-unknown"), page_size=10, after=None)
    assert unknown_app.value.resource_name == "apps/app-unknown"
    with pytest.raises(ShopNotFound) as foreign_shop:
        await tasks.list_tasks(APP, page_size=10, after=None, shop_id=ShopId("shop-2"))
    assert foreign_shop.value.resource_name == f"apps/{APP}/shops/shop-2"
