from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from domain.channel import TIKTOK
from domain.errors import PartnerTokenRevoked, ShopNotFound, StaleWrite
from domain.ids import ShopId, TaskId
from domain.task import Task, TaskCounts, TaskKind, TaskState
from services.shared.requests import ClientRequest
from services.tasks.jobs import RunOutcome, RunResult, TaskRun, TaskWorker
from services.tasks.starter import TaskStarter
from tests.services.support_tasks import APP, OTHER_APP, SHOP, RecordingUnitOfWork, World

LEASE = timedelta(seconds=30)


class ScriptedHandler:
    """Records every run; does what ``script`` says."""

    def __init__(self, script: str = "complete") -> None:
        self.script = script
        self.runs: list[tuple[str, TaskId, str | None]] = []
        self.release = asyncio.Event()

    async def run(self, run: TaskRun) -> RunResult:
        self.runs.append((run.owner, run.task_id, run.checkpoint))
        if self.script == "revoked":
            raise PartnerTokenRevoked(TIKTOK, "36009004", "Invalid credentials.")
        if self.script == "crash":
            raise RuntimeError("boom: secret detail")
        if self.script == "fail":
            return RunResult.failed("nothing to import")
        if self.script == "wait":
            await self.release.wait()
        await asyncio.sleep(0)
        return RunResult.completed()


def worker(world: World, handler: ScriptedHandler, owner: str = "worker-1") -> TaskWorker:
    return TaskWorker(world.uow, world.clock, {TaskKind.AUTO_LINK: handler}, owner=owner, lease_for=LEASE)


async def add(world: World, task_id: str = "t1") -> Task:
    return await world.add_task(task_id, kind=TaskKind.AUTO_LINK)


async def test_claim_takes_a_lease_and_runs_the_handler_to_success() -> None:
    world = World()
    await add(world)
    handler = ScriptedHandler()
    jobs = worker(world, handler)

    run = await jobs.claim(TaskId("t1"))
    assert run is not None
    claimed = await world.task("t1")
    assert claimed.state is TaskState.RUNNING
    assert claimed.lease is not None and claimed.lease.owner == "worker-1"
    assert claimed.lease.expires_at == world.clock.now() + LEASE

    assert await jobs.execute(run) is RunOutcome.COMPLETED
    done = await world.task("t1")
    assert done.state is TaskState.SUCCEEDED and done.lease is None and done.attempts == 1


async def test_a_held_lease_cannot_be_claimed_by_another_worker() -> None:
    world = World()
    await add(world)
    first = worker(world, ScriptedHandler(), "worker-1")
    second = worker(world, ScriptedHandler(), "worker-2")

    assert await first.claim(TaskId("t1")) is not None
    assert await second.claim(TaskId("t1")) is None
    assert await second.runnable(limit=10) == []


async def test_a_claim_that_loses_the_optimistic_lock_is_not_run() -> None:
    world = World()
    await add(world)

    class RacingUnitOfWork(RecordingUnitOfWork):
        """Another worker's claim commits between this one's read and its write."""

        def __init__(self) -> None:
            super().__init__(world)

            async def conflict(task: Task) -> None:
                raise StaleWrite(f"tasks/{task.id}", "changed since it was read")

            self.tasks.update = conflict  # type: ignore[method-assign]

    jobs = TaskWorker(RacingUnitOfWork, world.clock, {TaskKind.AUTO_LINK: ScriptedHandler()}, owner="w")

    assert await jobs.claim(TaskId("t1")) is None
    assert (await world.task("t1")).state is TaskState.PENDING


async def test_heartbeats_extend_the_lease_until_the_task_is_cancelled() -> None:
    world = World()
    await add(world)
    jobs = worker(world, ScriptedHandler())
    run = await jobs.claim(TaskId("t1"))
    assert run is not None

    world.clock.advance(timedelta(seconds=20))
    assert await jobs.heartbeat(run)
    lease = (await world.task("t1")).lease
    assert lease is not None and lease.expires_at == world.clock.now() + LEASE

    async with world.uow() as uow:
        task = await uow.tasks.get(TaskId("t1"))
        task.cancel(world.clock.now())
        await uow.tasks.update(task)
        await uow.commit()
    assert not await jobs.heartbeat(run)
    assert run.stop_requested and run.lost


async def test_a_lease_that_ran_out_is_lost() -> None:
    world = World()
    await add(world)
    jobs = worker(world, ScriptedHandler())
    run = await jobs.claim(TaskId("t1"))
    assert run is not None

    world.clock.advance(LEASE + timedelta(seconds=1))

    assert not await jobs.heartbeat(run)
    assert run.lost


async def test_a_restarted_worker_resumes_a_stale_task_from_its_checkpoint() -> None:
    world = World()
    await add(world)
    crashed = worker(world, ScriptedHandler(), "worker-1")
    run = await crashed.claim(TaskId("t1"))
    assert run is not None
    async with world.uow() as uow:
        task = await uow.tasks.get(TaskId("t1"))
        task.record_progress("worker-1", world.clock.now(), done=7, checkpoint="after-7")
        await uow.tasks.update(task)
        await uow.commit()
    # worker-1 dies here without a word.

    handler = ScriptedHandler()
    restarted = worker(world, handler, "worker-2")
    assert await restarted.recover_stale() == []  # the lease still holds
    world.clock.advance(LEASE)
    assert await restarted.recover_stale() == [TaskId("t1")]
    assert (await world.task("t1")).state is TaskState.PENDING

    run = await restarted.claim(TaskId("t1"))
    assert run is not None
    assert await restarted.execute(run) is RunOutcome.COMPLETED
    assert handler.runs == [("worker-2", "t1", "after-7")]
    finished = await world.task("t1")
    assert finished.state is TaskState.SUCCEEDED and finished.attempts == 2 and finished.done == 7


async def test_two_workers_never_run_the_same_task_twice() -> None:
    world = World()
    for n in range(20):
        await add(world, f"t{n:02d}")
    handler = ScriptedHandler()
    workers = [worker(world, handler, f"worker-{n}") for n in range(3)]

    async def work(jobs: TaskWorker) -> None:
        while ids := await jobs.runnable(limit=5):
            for task_id in ids:
                run = await jobs.claim(task_id)
                await asyncio.sleep(0)  # let the others race for the same ids
                if run is not None:
                    await jobs.execute(run)

    await asyncio.gather(*(work(jobs) for jobs in workers))

    ran = [task_id for _, task_id, _ in handler.runs]
    assert sorted(ran) == [f"t{n:02d}" for n in range(20)]
    assert len({owner for owner, _, _ in handler.runs}) > 1
    assert all(task.state is TaskState.SUCCEEDED for task in world.database.state.tasks.values())


async def test_a_revoked_token_fails_the_task_with_the_reason() -> None:
    world = World()
    await add(world)
    jobs = worker(world, ScriptedHandler("revoked"))
    run = await jobs.claim(TaskId("t1"))
    assert run is not None

    assert await jobs.execute(run) is RunOutcome.FAILED
    task = await world.task("t1")
    assert task.state is TaskState.FAILED and "re-authorize" in (task.failure_reason or "")


async def test_an_unexpected_error_fails_the_task_without_leaking_its_message() -> None:
    world = World()
    await add(world)
    jobs = worker(world, ScriptedHandler("crash"))
    run = await jobs.claim(TaskId("t1"))
    assert run is not None

    assert await jobs.execute(run) is RunOutcome.FAILED
    reason = (await world.task("t1")).failure_reason or ""
    assert "RuntimeError" in reason and "secret" not in reason


async def test_a_handler_failure_is_recorded() -> None:
    world = World()
    await add(world)
    jobs = worker(world, ScriptedHandler("fail"))
    run = await jobs.claim(TaskId("t1"))
    assert run is not None

    assert await jobs.execute(run) is RunOutcome.FAILED
    assert (await world.task("t1")).failure_reason == "nothing to import"


class CountingHandler:
    """Records ``counts`` (with one error per failed item) as its progress, then completes."""

    def __init__(self, world: World, counts: TaskCounts) -> None:
        self.world = world
        self.counts = counts

    async def run(self, run: TaskRun) -> RunResult:
        errors = [(f"items/{n}", "TikTok refused the price") for n in range(self.counts.failed)]
        async with self.world.uow() as uow:
            task = await uow.tasks.get(run.task_id)
            task.record_progress(run.owner, self.world.clock.now(), counts=self.counts, errors=errors)
            await uow.tasks.update(task)
            await uow.commit()
        return RunResult.completed()


async def test_a_completed_run_whose_every_item_failed_fails_the_task_saying_so() -> None:
    world = World()
    await add(world)
    jobs = TaskWorker(
        world.uow,
        world.clock,
        {TaskKind.AUTO_LINK: CountingHandler(world, TaskCounts(failed=2))},
        owner="worker-1",
    )
    run = await jobs.claim(TaskId("t1"))
    assert run is not None

    assert await jobs.execute(run) is RunOutcome.FAILED
    task = await world.task("t1")
    assert task.state is TaskState.FAILED and task.counts == TaskCounts(failed=2)
    assert task.failure_reason == "every item failed (2); first: items/0: TikTok refused the price"


@pytest.mark.parametrize(
    "counts", [TaskCounts(), TaskCounts(updated=1, failed=2), TaskCounts(skipped=3, failed=1)]
)
async def test_a_completed_run_with_no_items_or_some_through_succeeds(counts: TaskCounts) -> None:
    world = World()
    await add(world)
    jobs = TaskWorker(
        world.uow, world.clock, {TaskKind.AUTO_LINK: CountingHandler(world, counts)}, owner="worker-1"
    )
    run = await jobs.claim(TaskId("t1"))
    assert run is not None

    assert await jobs.execute(run) is RunOutcome.COMPLETED
    task = await world.task("t1")
    assert (task.state, task.counts, task.failure_reason) == (TaskState.SUCCEEDED, counts, None)
    assert len(task.last_errors) == counts.failed


async def test_a_task_cancelled_while_running_stays_cancelled() -> None:
    world = World()
    await add(world)
    handler = ScriptedHandler("wait")
    jobs = worker(world, handler)
    run = await jobs.claim(TaskId("t1"))
    assert run is not None
    running = asyncio.create_task(jobs.execute(run))
    await asyncio.sleep(0)

    async with world.uow() as uow:
        task = await uow.tasks.get(TaskId("t1"))
        task.cancel(world.clock.now())
        await uow.tasks.update(task)
        await uow.commit()
    handler.release.set()

    assert await running is RunOutcome.STOPPED  # the handler did not notice, recording its success did
    assert (await world.task("t1")).state is TaskState.CANCELLED


# --- starting a shop's task -----------------------------------------------------------------


async def test_a_shop_task_for_a_missing_or_foreign_shop_names_the_shop_in_full() -> None:
    world = World()
    await world.add_shop(SHOP, OTHER_APP)
    starter = TaskStarter(world.uow, world.clock, world.ids, world.jobs)

    for shop_id in (SHOP, ShopId("missing")):
        request = ClientRequest(APP, None, "SyncOrders", f"shops/{shop_id}")
        with pytest.raises(ShopNotFound) as caught:
            await starter.start(request, TaskKind.ORDER_SYNC, shop_id=shop_id)
        assert caught.value.resource_name == f"apps/{APP}/shops/{shop_id}"
    assert world.jobs.jobs == []
