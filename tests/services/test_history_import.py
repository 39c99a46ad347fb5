from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from domain.channel import TIKTOK, AuthorizedShop, TimeWindow
from domain.errors import InvalidArgument, PartnerUnavailable
from domain.events import OrderLinesReserved
from domain.ids import TaskId
from domain.order import STOCK_HOLDING, OrderStatus
from domain.task import TaskState
from domain.tokens import TikTokToken
from services.shops.history_import import (
    ORDERS_PER_WINDOW,
    WINDOWS_IN_FLIGHT,
    ImportPosition,
    Phase,
)
from services.tasks.center import TaskService
from services.tasks.jobs import RunOutcome
from tests.services.support_tasks import (
    APP,
    CIPHER,
    NOW,
    SHOP,
    TIKTOK_SHOP,
    SimulatedCrash,
    World,
    order_data,
)

PRODUCTS = 1230
ORDERS = 1100
SINCE = NOW - timedelta(days=30)
RECENT_ORDERS = sum(1 for n in range(ORDERS) if order_data(n).create_time >= SINCE)
# Created before the 30 days but updated within them: TikTok returns them, the import skips them.
RECENT_40 = sum(1 for n in range(40) if order_data(n).create_time >= SINCE)
LATE_UPDATED = sum(1 for n in range(ORDERS) if order_data(n).create_time < SINCE <= order_data(n).update_time)


async def prepared(products: int = PRODUCTS, orders: int = ORDERS) -> World:
    world = World()
    await world.add_shop()
    world.seed_catalog(products, orders)
    await world.add_task("import-1")
    return world


async def run_import(world: World, owner: str = "worker-1", **options: object) -> RunOutcome:
    worker = world.worker(owner, handler=world.handler(**options))
    await worker.recover_stale()
    run = await worker.claim(TaskId("import-1"))
    assert run is not None
    return await worker.execute(run)


async def test_imports_every_product_and_the_orders_of_the_last_30_days() -> None:
    world = await prepared()

    assert await run_import(world) is RunOutcome.COMPLETED

    task = await world.task("import-1")
    assert task.state is TaskState.SUCCEEDED
    assert len(world.stored_products()) == PRODUCTS
    orders = world.database.state.orders.values()
    assert len(orders) == RECENT_ORDERS
    assert all(order.create_time >= NOW - timedelta(days=30) for order in orders)
    assert task.counts.created == PRODUCTS + RECENT_ORDERS
    assert task.counts.skipped == LATE_UPDATED > 0
    assert task.counts.failed == 0
    assert task.done == task.total == PRODUCTS + RECENT_ORDERS + LATE_UPDATED
    assert ImportPosition.decode(task.checkpoint or "").phase is Phase.DONE
    shop = world.database.state.shops[SHOP]
    assert shop.orders_synced_until == shop.products_synced_until == NOW


async def test_rows_are_written_in_transactions_of_at_least_500() -> None:
    world = await prepared()
    items_per_commit: list[int] = []

    async def progress(w: World) -> None:
        done = w.database.state.tasks[TaskId("import-1")].done
        if done > sum(items_per_commit):
            items_per_commit.append(done - sum(items_per_commit))

    world.after_commit.append(progress)
    await run_import(world)

    assert sum(world.row_commits) == PRODUCTS + RECENT_ORDERS  # written rows (skipped ones are not)
    assert len(items_per_commit) == len(world.row_commits)
    assert all(items >= 500 for items in items_per_commit[:-1]), items_per_commit
    assert all(items <= 600 for items in items_per_commit), "at most one page beyond the batch size"


async def test_order_details_are_fetched_at_most_50_ids_at_a_time() -> None:
    world = await prepared(products=0, orders=300)

    await run_import(world)

    assert world.tiktok.calls.count("get_orders") >= 300 // 50
    assert all(order.line_items for order in world.tiktok.shop(CIPHER).orders.values())


async def test_every_committed_batch_stores_a_checkpoint_to_resume_from() -> None:
    world = await prepared()
    checkpoints: list[ImportPosition] = []

    async def remember(w: World) -> None:
        task = w.database.state.tasks.get(TaskId("import-1"))
        if task is not None and task.checkpoint:
            checkpoints.append(ImportPosition.decode(task.checkpoint))

    world.after_commit.append(remember)
    await run_import(world)

    phases = [position.phase for position in checkpoints]
    assert phases[0] is Phase.PRODUCTS and phases[-1] is Phase.DONE
    assert Phase.ORDERS in phases
    assert phases == sorted(phases, key=[Phase.PRODUCTS, Phase.ORDERS, Phase.DONE].index)
    windows = [p.window.start for p in checkpoints if p.phase is Phase.ORDERS]
    assert windows == sorted(windows)
    assert all(p.cutoff == NOW for p in checkpoints)


async def test_a_bad_order_is_recorded_and_does_not_fail_the_task() -> None:
    world = await prepared(products=10, orders=40)
    bad = replace(order_data(39), line_items=())
    world.tiktok.shop(CIPHER).orders[bad.order_id] = bad

    await run_import(world)

    task = await world.task("import-1")
    assert task.state is TaskState.SUCCEEDED
    assert task.counts.failed == 1
    [error] = task.last_errors
    assert error.item_ref == f"apps/{APP}/shops/{SHOP}/orders/{bad.order_id}"
    assert "no line items" in error.reason
    assert (SHOP, bad.order_id) not in world.database.state.orders


async def test_an_order_left_out_of_its_details_is_recorded_as_failed() -> None:
    world = await prepared(products=0, orders=40)
    searched = sorted(world.tiktok.shop(CIPHER).orders)
    recent = [order_id for order_id in searched if order_data(int(order_id[-8:])).create_time >= SINCE]
    left_out = recent[-1]
    reading = world.tiktok.get_orders

    async def details_without_one(credentials: Any, order_ids: Any) -> Any:
        return [order for order in await reading(credentials, order_ids) if order.order_id != left_out]

    world.tiktok.get_orders = details_without_one  # type: ignore[method-assign]

    await run_import(world)

    task = await world.task("import-1")
    assert task.state is TaskState.SUCCEEDED
    assert task.counts.failed == 1 and task.counts.created == RECENT_40 - 1
    [error] = task.last_errors
    assert error.item_ref == f"apps/{APP}/shops/{SHOP}/orders/{left_out}"
    assert "left out" in error.reason
    assert (SHOP, left_out) not in world.database.state.orders


async def test_first_seen_orders_reserve_stock_through_the_domain_events() -> None:
    world = await prepared(products=0, orders=60)

    await run_import(world)

    reserved = {e.order_id for e in world.feed.published if isinstance(e, OrderLinesReserved)}
    holding = {
        order.id
        for order in world.database.state.orders.values()
        if OrderStatus.parse(order_data(int(order.id[-8:])).status) in STOCK_HOLDING
    }
    assert reserved == holding and reserved


@pytest.mark.parametrize("crash_at", [1, 3, 5])
async def test_a_crashed_import_resumes_and_ends_with_the_same_data(crash_at: int) -> None:
    uninterrupted = await prepared()
    await run_import(uninterrupted)

    world = await prepared()
    world.crash_at_row_commit = crash_at
    with pytest.raises(SimulatedCrash):
        await run_import(world, owner="worker-1")
    assert len(world.row_commits) == crash_at - 1
    assert (await world.task("import-1")).state is TaskState.RUNNING

    world.crash_at_row_commit = None
    world.clock.advance(timedelta(minutes=5))  # the dead worker's lease runs out
    assert await run_import(world, owner="worker-2") is RunOutcome.COMPLETED

    assert world.stored_products() == uninterrupted.stored_products()
    assert world.stored_orders() == uninterrupted.stored_orders()
    resumed, reference = await world.task("import-1"), await uninterrupted.task("import-1")
    assert resumed.state is TaskState.SUCCEEDED
    assert (resumed.counts, resumed.done, resumed.total) == (
        reference.counts,
        reference.done,
        reference.total,
    )
    assert resumed.attempts == 2


async def test_a_cancelled_asyncio_task_resumes_and_ends_with_the_same_data() -> None:
    uninterrupted = await prepared()
    await run_import(uninterrupted)

    world = await prepared()
    two_batches = asyncio.Event()

    async def yield_to_the_loop(w: World) -> None:
        if len(w.row_commits) >= 2:
            two_batches.set()
        await asyncio.sleep(0)

    world.after_commit.append(yield_to_the_loop)
    running = asyncio.create_task(run_import(world))
    await two_batches.wait()
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    world.after_commit.clear()

    world.clock.advance(timedelta(minutes=5))
    assert await run_import(world, owner="worker-2") is RunOutcome.COMPLETED
    assert world.stored_products() == uninterrupted.stored_products()
    assert world.stored_orders() == uninterrupted.stored_orders()
    assert (await world.task("import-1")).counts == (await uninterrupted.task("import-1")).counts


async def test_a_stop_request_checkpoints_and_releases_then_another_worker_finishes() -> None:
    uninterrupted = await prepared()
    await run_import(uninterrupted)

    world = await prepared()
    worker = world.worker("worker-1")
    run = await worker.claim(TaskId("import-1"))
    assert run is not None

    async def stop_after_first_batch(w: World) -> None:
        if w.row_commits:
            run.request_stop()

    world.after_commit.append(stop_after_first_batch)
    assert await worker.execute(run) is RunOutcome.STOPPED
    world.after_commit.clear()
    task = await world.task("import-1")
    assert task.state is TaskState.PENDING and task.lease is None
    assert ImportPosition.decode(task.checkpoint or "").phase is Phase.PRODUCTS

    assert await run_import(world, owner="worker-2") is RunOutcome.COMPLETED
    assert world.stored_products() == uninterrupted.stored_products()
    assert world.stored_orders() == uninterrupted.stored_orders()


async def test_cancelling_a_running_import_stops_it_at_the_next_checkpoint() -> None:
    world = await prepared()

    async def cancel_after_first_batch(w: World) -> None:
        if len(w.row_commits) == 1:
            async with w.uow() as uow:
                task = await uow.tasks.get(TaskId("import-1"))
                task.cancel(w.clock.now())
                await uow.tasks.update(task)
                await uow.commit()

    world.after_commit.append(cancel_after_first_batch)
    assert await run_import(world) is RunOutcome.STOPPED

    task = await world.task("import-1")
    assert task.state is TaskState.CANCELLED
    assert len(world.row_commits) == 1  # the batch after the cancel was never written
    assert len(world.stored_products()) == world.row_commits[0]


async def test_a_revoked_token_fails_the_task_with_a_clear_reason() -> None:
    world = await prepared()
    world.tiktok.revoke_all_grants()

    assert await run_import(world) is RunOutcome.FAILED

    task = await world.task("import-1")
    assert task.state is TaskState.FAILED
    assert task.failure_reason is not None
    assert "revoked" in task.failure_reason and "re-authorize" in task.failure_reason


async def test_a_token_revoked_mid_import_fails_the_task_and_keeps_what_was_written() -> None:
    world = await prepared()

    async def revoke_after_first_batch(w: World) -> None:
        if w.row_commits:
            w.tiktok.revoke_all_grants()

    world.after_commit.append(revoke_after_first_batch)
    assert await run_import(world) is RunOutcome.FAILED

    task = await world.task("import-1")
    assert task.state is TaskState.FAILED and "re-authorize" in (task.failure_reason or "")
    assert 0 < len(world.stored_products()) == sum(world.row_commits) < PRODUCTS


async def test_transient_partner_errors_are_retried_while_the_task_stays_running() -> None:
    uninterrupted = await prepared(products=300, orders=300)
    await run_import(uninterrupted)
    world = await prepared(products=300, orders=300)
    states: list[TaskState] = []
    unavailable = PartnerUnavailable(TIKTOK, "503", "Service Unavailable")

    async def fail_some_calls(w: World) -> None:
        if len(w.row_commits) == 1 and not states:
            w.tiktok.fail_next(unavailable, unavailable, unavailable)
            states.append(w.database.state.tasks[TaskId("import-1")].state)

    world.after_commit.append(fail_some_calls)
    assert await run_import(world) is RunOutcome.COMPLETED

    task = await world.task("import-1")
    assert states == [TaskState.RUNNING]
    assert task.state is TaskState.SUCCEEDED and task.attempts == 1
    assert world.stored_orders() == uninterrupted.stored_orders()
    assert world.stored_products() == uninterrupted.stored_products()


async def test_a_partner_that_keeps_failing_fails_the_task() -> None:
    world = await prepared(products=10, orders=0)
    world.tiktok.fail_next(*[PartnerUnavailable(TIKTOK, "503", "Service Unavailable")] * 50)

    assert await run_import(world) is RunOutcome.FAILED
    assert "kept failing" in ((await world.task("import-1")).failure_reason or "")


async def test_a_search_beyond_the_result_limit_is_split_into_smaller_windows() -> None:
    world = await prepared(products=450, orders=0)

    await run_import(world, search_limit=100, batch_rows=50)

    assert len(world.stored_products()) == 450
    task = await world.task("import-1")
    assert task.counts.created == 450 and task.counts.updated == 0


async def test_a_second_run_over_the_same_data_only_skips() -> None:
    world = await prepared(products=50, orders=50)
    await run_import(world)
    before = world.stored_orders(), world.stored_products()
    await world.add_task("import-2")

    worker = world.worker("worker-1")
    run = await worker.claim(TaskId("import-2"))
    assert run is not None
    await worker.execute(run)

    again = await world.task("import-2")
    assert again.counts.created == again.counts.updated == 0
    assert (world.stored_orders(), world.stored_products()) == before


async def test_newer_order_data_updates_what_an_earlier_import_stored() -> None:
    world = await prepared(products=0, orders=20)
    await run_import(world)
    orders = world.tiktok.shop(CIPHER).orders
    recent = next(
        o for o in orders.values() if o.create_time >= NOW - timedelta(days=30) and o.status == "UNPAID"
    )
    world.clock.advance(timedelta(hours=1))
    orders[recent.order_id] = replace(
        recent, status="CANCELLED", update_time=world.clock.now() - timedelta(minutes=1)
    )
    await world.add_task("import-2")

    worker = world.worker("worker-1")
    run = await worker.claim(TaskId("import-2"))
    assert run is not None
    await worker.execute(run)

    assert (await world.task("import-2")).counts.updated == 1
    assert world.database.state.orders[(SHOP, recent.order_id)].status is OrderStatus.CANCELLED


async def test_a_failed_import_retried_after_reauthorization_resumes_from_its_checkpoint() -> None:
    uninterrupted = await prepared()
    await run_import(uninterrupted)
    world = await prepared()

    async def revoke_after_second_batch(w: World) -> None:
        if len(w.row_commits) == 2:
            w.tiktok.revoke_all_grants()

    world.after_commit.append(revoke_after_second_batch)
    assert await run_import(world) is RunOutcome.FAILED
    world.after_commit.clear()
    written = sum(world.row_commits)

    # The seller authorizes again; the task is retried from the task center.
    world.tiktok.add_authorization_code(
        "again", [AuthorizedShop(TIKTOK_SHOP, CIPHER, "GB", "LOCAL", "Maomao")]
    )
    grant = await world.tiktok.exchange_code("again")
    async with world.uow() as uow:
        await uow.tokens.save_tiktok(TikTokToken.issue(SHOP, grant, world.clock.now()))
        await uow.commit()
    tasks = TaskService(world.uow, world.clock, world.feed, world.jobs)
    assert (await tasks.retry_task(APP, TaskId("import-1"))).state is TaskState.PENDING
    assert await run_import(world, owner="worker-2") is RunOutcome.COMPLETED

    assert written < PRODUCTS + RECENT_ORDERS
    assert world.stored_products() == uninterrupted.stored_products()
    assert world.stored_orders() == uninterrupted.stored_orders()
    retried, reference = await world.task("import-1"), await uninterrupted.task("import-1")
    assert retried.state is TaskState.SUCCEEDED and retried.attempts == 2
    assert (retried.counts, retried.done) == (reference.counts, reference.done)


async def test_a_deleted_shop_fails_the_import_with_a_reason() -> None:
    world = World()
    await world.add_task("import-1")

    assert await run_import(world) is RunOutcome.FAILED
    assert "deleted" in ((await world.task("import-1")).failure_reason or "")


@pytest.mark.parametrize("longest", [timedelta(days=3), timedelta(days=30)])
async def test_order_windows_are_sized_from_the_count_and_searched_side_by_side(longest: timedelta) -> None:
    world = await prepared(products=0)
    searching = 0
    most_at_once = 0
    search = world.tiktok.search_orders

    async def slow_search(*args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        nonlocal searching, most_at_once
        searching += 1
        most_at_once = max(most_at_once, searching)
        try:
            async for page in search(*args, **kwargs):
                await asyncio.sleep(0.001)  # the partner's latency
                yield page
        finally:
            searching -= 1

    windows: set[timedelta] = set()

    async def remember(w: World) -> None:
        task = w.database.state.tasks.get(TaskId("import-1"))
        if task is not None and task.checkpoint:
            windows.add(ImportPosition.decode(task.checkpoint).order_window)

    world.tiktok.search_orders = slow_search  # type: ignore[method-assign]
    world.after_commit.append(remember)
    await run_import(world, order_window=longest)

    assert len(world.stored_orders()) == RECENT_ORDERS
    counted = sum(1 for n in range(ORDERS) if SINCE <= order_data(n).update_time < NOW)
    sized = timedelta(days=30) / -(-counted // ORDERS_PER_WINDOW)  # about 1,000 orders each
    assert windows == {min(longest, sized)}
    assert most_at_once == min(WINDOWS_IN_FLIGHT, -(-timedelta(days=30) // min(longest, sized)))


def test_a_checkpoint_round_trips_and_garbage_is_refused() -> None:
    position = ImportPosition(
        Phase.ORDERS,
        TimeWindow(NOW - timedelta(days=3), NOW - timedelta(days=2)),
        7,
        NOW,
        NOW - timedelta(days=30),
        timedelta(hours=7),
    )

    assert ImportPosition.decode(position.encode()) == position
    older = position.encode().replace(',"order_window_s":25200', "")
    assert ImportPosition.decode(older).order_window == timedelta(days=1)
    with pytest.raises(InvalidArgument):
        ImportPosition.decode('{"phase": "sideways"}')
