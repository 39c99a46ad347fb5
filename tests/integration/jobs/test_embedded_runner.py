"""The embedded runner over the stateful fakes: claims, heartbeats, restarts, stops, queues."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from adapters.jobs.change_feed import InProcessTaskChangeFeed
from adapters.jobs.runner import EmbeddedJobRunner
from adapters.jobs.scheduler import PeriodicScheduler
from domain.events import TaskChanged
from domain.ids import AppId, TaskId
from domain.ports import Job, JobQueue, TaskChangeFeed
from domain.task import TaskKind, TaskState
from services.tasks.jobs import RunResult, TaskRun, TaskWorker, run_task_job
from tests.services.support_tasks import World, until

LEASE = timedelta(seconds=30)
QUICK = timedelta(milliseconds=5)


class Handler:
    def __init__(self, *, until_stopped: bool = False, ignore_stop: bool = False) -> None:
        self.until_stopped = until_stopped
        self.ignore_stop = ignore_stop
        self.runs: list[tuple[str, TaskId]] = []
        self.active = 0
        self.most_active = 0
        self.gate = asyncio.Event()

    async def run(self, run: TaskRun) -> RunResult:
        self.runs.append((run.owner, run.task_id))
        self.active += 1
        self.most_active = max(self.most_active, self.active)
        try:
            if self.ignore_stop:
                await asyncio.Event().wait()
            while self.until_stopped and not run.stop_requested:
                await run.pause(QUICK)
            if self.until_stopped:
                return RunResult.stopped()
            await self.gate.wait()
            return RunResult.completed()
        finally:
            self.active -= 1


def runner(world: World, handler: Handler, owner: str = "worker-1", **options: object) -> EmbeddedJobRunner:
    jobs = TaskWorker(world.uow, world.clock, {TaskKind.AUTO_LINK: handler}, owner=owner, lease_for=LEASE)
    options.setdefault("poll_every", QUICK)
    return EmbeddedJobRunner(jobs, **options)  # type: ignore[arg-type]


async def add_tasks(world: World, count: int) -> None:
    for n in range(count):
        await world.add_task(f"t{n:02d}", kind=TaskKind.AUTO_LINK)


async def states(world: World) -> list[TaskState]:
    return [task.state for task in world.database.state.tasks.values()]


def test_the_runner_and_the_feed_fit_their_ports() -> None:
    world = World()
    assert isinstance(runner(world, Handler()), JobQueue)
    assert isinstance(InProcessTaskChangeFeed(), TaskChangeFeed)


async def test_runs_every_pending_task_with_at_most_the_configured_concurrency() -> None:
    world = World()
    await add_tasks(world, 7)
    handler = Handler()
    handler.gate.set()
    jobs = runner(world, handler, concurrency=2)

    handler.gate.clear()
    waiting = asyncio.create_task(jobs.run_until_idle())
    await asyncio.sleep(0.02)
    assert len(jobs.running) == 2
    handler.gate.set()
    await asyncio.wait_for(waiting, 5)

    assert handler.most_active == 2
    assert sorted(task_id for _, task_id in handler.runs) == [f"t{n:02d}" for n in range(7)]
    assert await states(world) == [TaskState.SUCCEEDED] * 7


async def test_heartbeats_renew_the_lease_while_a_handler_runs() -> None:
    world = World()
    await add_tasks(world, 1)
    handler = Handler()
    jobs = runner(world, handler, heartbeat_every=QUICK)
    await jobs.start()
    await until(lambda: bool(jobs.running))
    first = (await world.task("t00")).lease

    for _ in range(12):  # two minutes pass, far beyond one lease, but the heartbeat keeps up
        world.clock.advance(timedelta(seconds=10))
        await asyncio.sleep(0.02)
    lease = (await world.task("t00")).lease
    handler.gate.set()
    await jobs.stop()

    assert first is not None and lease is not None
    assert lease.expires_at - first.expires_at >= timedelta(seconds=90)
    assert (await world.task("t00")).state is TaskState.SUCCEEDED


async def test_a_graceful_stop_checkpoints_and_releases_then_a_new_process_resumes() -> None:
    world = World()
    await add_tasks(world, 2)
    jobs = runner(world, Handler(until_stopped=True))
    await jobs.start()
    await until(lambda: len(jobs.running) == 2)

    await jobs.stop(grace=timedelta(seconds=5))

    assert await states(world) == [TaskState.PENDING] * 2
    assert all(task.lease is None for task in world.database.state.tasks.values())

    handler = Handler()
    handler.gate.set()
    await asyncio.wait_for(runner(world, handler, "worker-2").run_until_idle(), 5)
    assert await states(world) == [TaskState.SUCCEEDED] * 2


async def test_a_handler_that_ignores_the_stop_is_cancelled_after_the_grace_and_released() -> None:
    world = World()
    await add_tasks(world, 1)
    jobs = runner(world, Handler(ignore_stop=True))
    await jobs.start()
    await until(lambda: bool(jobs.running))

    await asyncio.wait_for(jobs.stop(grace=timedelta(milliseconds=20)), 5)

    task = await world.task("t00")
    assert task.state is TaskState.PENDING and task.lease is None


async def test_a_restarted_process_resumes_tasks_whose_lease_went_stale() -> None:
    world = World()
    await add_tasks(world, 1)
    dead = TaskWorker(world.uow, world.clock, {TaskKind.AUTO_LINK: Handler()}, owner="dead", lease_for=LEASE)
    assert await dead.claim(TaskId("t00")) is not None
    world.clock.advance(LEASE + timedelta(seconds=1))

    handler = Handler()
    handler.gate.set()
    jobs = runner(world, handler, "worker-2")
    await jobs.start()
    await until(lambda: succeeded(world, "t00"))
    await jobs.stop()

    assert handler.runs == [("worker-2", "t00")]
    assert (await world.task("t00")).attempts == 2


async def test_two_runners_on_one_database_never_run_a_task_twice() -> None:
    world = World()
    await add_tasks(world, 24)
    handler = Handler()
    handler.gate.set()
    first, second = runner(world, handler, "worker-1"), runner(world, handler, "worker-2")

    await first.start()
    await second.start()
    await until(lambda: all(t.state is TaskState.SUCCEEDED for t in world.database.state.tasks.values()))
    await first.stop()
    await second.stop()

    ran = sorted(task_id for _, task_id in handler.runs)
    assert ran == [f"t{n:02d}" for n in range(24)]


async def test_a_run_task_job_wakes_the_runner_before_its_next_poll() -> None:
    world = World()
    handler = Handler()
    handler.gate.set()
    jobs = runner(world, handler, poll_every=timedelta(seconds=30))
    await jobs.start()
    await asyncio.sleep(0.01)  # the runner has polled once and sleeps for 30 s

    await add_tasks(world, 1)
    await jobs.enqueue(run_task_job(TaskId("t00")))
    await until(lambda: succeeded(world, "t00"), within=2)
    await jobs.stop()


async def succeeded(world: World, task_id: str) -> bool:
    return (await world.task(task_id)).state is TaskState.SUCCEEDED


async def test_a_job_other_than_run_task_is_logged_and_dropped(caplog) -> None:  # type: ignore[no-untyped-def]
    world = World()
    await add_tasks(world, 1)
    jobs = runner(world, Handler())

    await jobs.enqueue(Job("no_such_job", {"shop_id": "s1"}))

    assert "no handler for job name=no_such_job" in caplog.text
    assert (await world.task("t00")).state is TaskState.PENDING  # nothing was started


async def test_a_job_of_a_registered_drain_wakes_it() -> None:
    world = World()
    jobs = runner(world, Handler())
    woken: list[str] = []
    jobs.drains("process_webhooks", lambda: woken.append("inbox"))

    await jobs.enqueue(Job("process_webhooks"))
    await jobs.enqueue(Job("process_webhooks"))

    assert woken == ["inbox", "inbox"]


async def test_periodic_jobs_repeat_and_survive_a_failing_run() -> None:
    runs: list[str] = []

    async def upkeep() -> None:
        runs.append("upkeep")
        if len(runs) == 1:
            raise RuntimeError("first run fails")

    scheduler = PeriodicScheduler([("token_upkeep", timedelta(milliseconds=5), upkeep)])
    await scheduler.start()
    await until(lambda: len(runs) >= 3)
    await scheduler.stop()
    count = len(runs)
    await asyncio.sleep(0.02)

    assert len(runs) == count


async def test_the_in_process_feed_wakes_only_the_watchers_of_the_changed_task() -> None:
    feed = InProcessTaskChangeFeed()
    watching, other = feed.subscribe(TaskId("t1")), feed.subscribe(TaskId("t2"))

    await feed.tasks_changed([TaskChanged(TaskId("t1"), AppId("a"), "RUNNING", 1, None)])

    assert await watching.wait(timedelta(seconds=1))
    assert not await other.wait(timedelta(milliseconds=5))
    assert not await watching.wait(timedelta(milliseconds=5))  # woken once per change
    await watching.close()
    await other.close()
