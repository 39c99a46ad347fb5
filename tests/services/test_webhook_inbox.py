"""Webhook intake and the inbox drain over the fakes: stored once, processed at least once."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest

from domain.errors import PartnerUnavailable
from domain.ports import Job
from domain.webhooks import WebhookDelivery, WebhookSource
from services.webhooks.inbox import PROCESS_WEBHOOKS, InboxDrain, WebhookIntake
from tests.fakes import FakeDatabase, FakeUnitOfWork
from tests.fakes.runtime import FakeClock


def delivery(key: str, account: str = "shop-1", minutes: int = 0) -> WebhookDelivery:
    return WebhookDelivery(
        source=WebhookSource.TIKTOK,
        delivery_key=key,
        topic="ORDER_STATUS_CHANGE",
        account=account,
        body="{}",
        received_at=FakeClock().now() + timedelta(minutes=minutes),
    )


class RecordingHandler:
    """Acts on deliveries; ``failures`` says which keys fail, and how."""

    def __init__(self) -> None:
        self.handled: list[str] = []
        self.failures: dict[str, Exception] = {}

    async def handle(self, delivery: WebhookDelivery) -> None:
        self.handled.append(delivery.delivery_key)
        failure = self.failures.get(delivery.delivery_key)
        if failure is not None:
            raise failure


class DrainingQueue:
    """The job port as the runner serves it: a ``process_webhooks`` job wakes the drain."""

    def __init__(self, drain: InboxDrain) -> None:
        self.drain = drain
        self.jobs: list[Job] = []

    async def enqueue(self, job: Job) -> None:
        self.jobs.append(job)
        if job.name == PROCESS_WEBHOOKS:
            self.drain.wake()


class World:
    def __init__(self, *, woken: bool = True) -> None:
        """``woken``: stored deliveries wake ``drain`` (else the test drains by hand)."""
        self.database = FakeDatabase()
        self.clock = FakeClock()
        self.handler = RecordingHandler()
        self.drain = InboxDrain(self.uow, self.handler, self.clock, max_attempts=3)
        self.jobs = DrainingQueue(self.drain)
        self.intake = WebhookIntake(self.uow, self.jobs if woken else None)

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.database)

    def stored(self, key: str) -> WebhookDelivery:
        return self.database.state.webhook_inbox[(WebhookSource.TIKTOK, key)]


async def test_a_delivery_is_stored_once_and_a_redelivery_is_a_no_op() -> None:
    world = World()
    assert await world.intake.receive(delivery("n-1")) is True
    assert await world.intake.receive(delivery("n-1", minutes=3)) is False
    assert list(world.database.state.webhook_inbox) == [(WebhookSource.TIKTOK, "n-1")]
    assert world.stored("n-1").received_at == FakeClock().now()


async def test_a_stored_delivery_wakes_the_drain_which_processes_it_once() -> None:
    world = World()
    await world.intake.receive(delivery("n-1"))
    await world.drain.idle()
    assert world.handler.handled == ["n-1"]
    assert world.stored("n-1").processed_at == world.clock.now()
    assert world.stored("n-1").attempts == 1
    await world.intake.receive(delivery("n-1"))  # redelivered after processing
    await world.drain.sweep()
    assert world.handler.handled == ["n-1"]


async def test_a_failure_stays_pending_with_its_reason_and_is_retried_by_the_next_drain() -> None:
    world = World()
    world.handler.failures["n-1"] = PartnerUnavailable("TikTok", "TIMEOUT", "timed out")
    await world.intake.receive(delivery("n-1"))
    await world.intake.receive(delivery("n-2", minutes=1))
    await world.drain.idle()
    assert world.handler.handled == ["n-1", "n-2"]  # once each in one drain
    failed = world.stored("n-1")
    assert (failed.processed, failed.attempts) == (False, 1)
    assert failed.last_error is not None and "timed out" in failed.last_error
    assert world.stored("n-2").processed

    del world.handler.failures["n-1"]
    await world.drain.sweep()
    assert world.handler.handled == ["n-1", "n-2", "n-1"]
    retried = world.stored("n-1")
    assert (retried.processed, retried.attempts, retried.last_error) == (True, 2, None)


async def test_after_the_last_attempt_a_delivery_is_given_up_with_its_error_kept(caplog) -> None:  # type: ignore[no-untyped-def]
    world = World()
    world.handler.failures["n-1"] = PartnerUnavailable("TikTok", "TIMEOUT", "timed out")
    await world.intake.receive(delivery("n-1"))
    await world.drain.idle()
    with caplog.at_level(logging.ERROR, logger="mcc.webhooks"):
        await world.drain.sweep()
        await world.drain.sweep()
    given_up = world.stored("n-1")
    assert (given_up.processed, given_up.attempts) == (True, 3)
    assert given_up.last_error is not None and "timed out" in given_up.last_error
    assert any("given up" in record.getMessage() for record in caplog.records)
    await world.drain.sweep()
    assert world.handler.handled == ["n-1"] * 3


async def test_an_unexpected_exception_is_logged_and_does_not_stop_the_drain(caplog) -> None:  # type: ignore[no-untyped-def]
    world = World()
    world.handler.failures["n-1"] = KeyError("order_id")
    for key, minutes in (("n-1", 0), ("n-2", 1)):
        await world.intake.receive(delivery(key, account="shop-1", minutes=minutes))
    await world.intake.receive(delivery("n-3", account="shop-2", minutes=2))
    with caplog.at_level(logging.ERROR, logger="mcc.webhooks"):
        await world.drain.idle()
    assert sorted(world.handler.handled) == ["n-1", "n-2", "n-3"]
    assert world.stored("n-1").last_error == "unexpected KeyError"
    assert not world.stored("n-1").processed
    assert world.stored("n-2").processed and world.stored("n-3").processed
    assert any(record.exc_info for record in caplog.records)


async def test_deliveries_about_one_account_are_handled_in_the_order_received() -> None:
    world = World(woken=False)
    for minutes, key in enumerate(("a", "b", "c", "d")):
        await world.intake.receive(delivery(key, minutes=minutes))
    await world.drain.drain()
    assert world.handler.handled == ["a", "b", "c", "d"]


@pytest.mark.parametrize("batch", [1, 2, 50])
async def test_one_drain_takes_everything_pending_whatever_its_batch(batch: int) -> None:
    world = World(woken=False)
    drain = InboxDrain(world.uow, world.handler, world.clock, batch=batch)
    world.handler.failures["k0"] = PartnerUnavailable("TikTok", "TIMEOUT", "timed out")
    for minutes in range(5):
        await world.intake.receive(delivery(f"k{minutes}", account=f"shop-{minutes}", minutes=minutes))
    assert await drain.drain() == 5
    assert sorted(world.handler.handled) == [f"k{i}" for i in range(5)]


async def test_deliveries_arriving_together_share_one_transaction_and_each_learns_its_outcome() -> None:
    database = FakeDatabase()
    units: list[FakeUnitOfWork] = []

    def counted() -> FakeUnitOfWork:
        units.append(FakeUnitOfWork(database))
        return units[-1]

    intake = WebhookIntake(counted)
    keys = [f"n-{n}" for n in range(50)] + ["n-7"]  # one redelivered within the burst
    outcomes = await asyncio.gather(*(intake.receive(delivery(key)) for key in keys))

    assert len(units) == 1 and units[0].commits == 1
    assert outcomes == [True] * 50 + [False]
    assert len(database.state.webhook_inbox) == 50


async def test_a_failed_group_write_fails_every_caller_of_the_group_and_the_next_one_is_written() -> None:
    database = FakeDatabase()
    broken = [True]

    class Unreachable(Exception):
        pass

    def flaky() -> FakeUnitOfWork:
        if broken.pop() if broken else False:
            raise Unreachable("database unreachable")
        return FakeUnitOfWork(database)

    intake = WebhookIntake(flaky)
    with pytest.raises(Unreachable):
        await intake.receive(delivery("n-1"))
    assert await intake.receive(delivery("n-1")) is True  # the partner's redelivery is stored


async def test_a_new_delivery_is_processed_through_the_job_port_and_a_redelivery_queues_nothing() -> None:
    world = World()
    await world.intake.receive(delivery("n-1"))
    await world.intake.receive(delivery("n-1"))
    assert [job.name for job in world.jobs.jobs] == [PROCESS_WEBHOOKS]
    await world.drain.idle()
    assert world.handler.handled == ["n-1"]
