"""TaskStarter: every start call creates its task, or finds the one to return instead, one way."""

from __future__ import annotations

import pytest

from domain.errors import RequestIdReused, ShopNotFound, StaleWrite
from domain.ids import AppId, ShopId, TaskId
from domain.ports import CompletedRequest, UnitOfWork
from domain.task import TaskKind, TaskState
from services.shared.requests import ClientRequest
from services.tasks.jobs import RUN_TASK
from services.tasks.starter import TaskStarter
from tests.services.support_tasks import APP, SHOP, World

REQUEST = "3c9a1f4e-7d2b-4e5a-8c6f-1b0d9e8a7c65"


def starter(world: World) -> TaskStarter:
    return TaskStarter(world.uow, world.clock, world.ids, world.jobs)


def sync_request(request_id: str | None = None, shop_id: ShopId = SHOP) -> ClientRequest:
    return ClientRequest(APP, request_id, "SyncOrders", f"shops/{shop_id}")


async def test_a_new_task_is_committed_then_its_job_queued() -> None:
    world = World()
    await world.add_shop()
    task = await starter(world).start(sync_request(), TaskKind.ORDER_SYNC, shop_id=SHOP)
    assert task.state is TaskState.PENDING and task.shop_id == SHOP
    assert TaskId(task.id) in world.database.state.tasks
    assert [(job.name, job.arguments["task_id"]) for job in world.jobs.jobs] == [(RUN_TASK, task.id)]


async def test_the_scopes_pending_or_running_task_of_the_kind_is_returned_instead() -> None:
    world = World()
    await world.add_shop()
    first = await starter(world).start(sync_request(), TaskKind.ORDER_SYNC, shop_id=SHOP)
    again = await starter(world).start(sync_request(REQUEST), TaskKind.ORDER_SYNC, shop_id=SHOP)
    other_kind = await starter(world).start(sync_request(), TaskKind.HISTORY_IMPORT, shop_id=SHOP)
    app_wide = await starter(world).start(
        ClientRequest(APP, None, "AutoLinkSkus", "apps/a"), TaskKind.ORDER_SYNC
    )
    assert again.id == first.id
    assert len({first.id, other_kind.id, app_wide.id}) == 3
    assert len(world.jobs.jobs) == 3  # none for the task returned again
    # The request id now names the task it was answered with.
    replayed = await starter(world).start(sync_request(REQUEST), TaskKind.ORDER_SYNC, shop_id=SHOP)
    assert replayed.id == first.id


async def test_without_reuse_every_start_creates_a_task() -> None:
    world = World()
    request = ClientRequest(APP, None, "PushInventory", f"apps/{APP}")
    first = await starter(world).start(request, TaskKind.INVENTORY_PUSH, reuse_active=False)
    second = await starter(world).start(request, TaskKind.INVENTORY_PUSH, reuse_active=False)
    assert first.id != second.id and len(world.jobs.jobs) == 2


async def test_a_repeated_request_id_returns_the_task_it_started_even_once_finished() -> None:
    world = World()
    await world.add_shop()
    first = await starter(world).start(sync_request(REQUEST), TaskKind.ORDER_SYNC, shop_id=SHOP)
    async with world.uow() as uow:
        task = await uow.tasks.get(first.id)
        task.cancel(world.clock.now())
        await uow.tasks.update(task)
        await uow.commit()
    again = await starter(world).start(sync_request(REQUEST), TaskKind.ORDER_SYNC, shop_id=SHOP)
    assert again.id == first.id and again.state is TaskState.CANCELLED
    assert len(world.jobs.jobs) == 1


async def test_a_request_id_used_for_another_call_is_refused() -> None:
    world = World()
    await world.add_shop()
    await starter(world).start(sync_request(REQUEST), TaskKind.ORDER_SYNC, shop_id=SHOP)
    other = ClientRequest(APP, REQUEST, "SyncPrices", f"shops/{SHOP}")
    with pytest.raises(RequestIdReused):
        await starter(world).start(other, TaskKind.PRICE_SYNC, shop_id=SHOP)


async def test_a_concurrent_first_call_with_the_same_request_id_is_replayed() -> None:
    world = World()
    await world.add_shop()
    raced: list[TaskId] = []

    async def prepare(uow: UnitOfWork) -> None:
        if raced:
            return
        # The same request, by another caller, commits its own task while this one is under way ...
        concurrent = await starter(world).start(sync_request(REQUEST), TaskKind.ORDER_SYNC, shop_id=SHOP)
        raced.append(concurrent.id)
        async with world.uow() as other:
            task = await other.tasks.get(concurrent.id)
            task.cancel(world.clock.now())  # (so this call would otherwise start a task of its own)
            await other.tasks.update(task)
            await other.commit()
        record = uow.completed_requests.record

        async def taken(request: CompletedRequest) -> None:
            # ... so the database finds the key taken with another task, as the repository reports.
            await record(request)
            raise StaleWrite(f"requests/{request.request_id}", "recorded by a concurrent call")

        uow.completed_requests.record = taken  # type: ignore[method-assign]

    task = await starter(world).start(
        sync_request(REQUEST), TaskKind.ORDER_SYNC, shop_id=SHOP, prepare=prepare
    )
    assert task.id == raced[0]
    assert list(world.database.state.tasks) == [raced[0]] and len(world.jobs.jobs) == 1


async def test_another_apps_shop_is_not_found_and_prepare_checks_and_sets_the_checkpoint() -> None:
    world = World()
    await world.add_shop()
    with pytest.raises(ShopNotFound):
        await starter(world).start(
            ClientRequest(AppId("app-2"), None, "SyncOrders", f"shops/{SHOP}"),
            TaskKind.ORDER_SYNC,
            shop_id=SHOP,
        )

    async def prepare(uow: UnitOfWork) -> str:
        return "pool-1|"

    task = await starter(world).start(
        ClientRequest(APP, None, "PushInventory", "pool-1"), TaskKind.INVENTORY_PUSH, prepare=prepare
    )
    assert task.checkpoint == "pool-1|"
    assert world.database.state.tasks == {task.id: world.database.state.tasks[task.id]}
