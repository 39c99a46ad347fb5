"""Taking verified webhook deliveries into the inbox, and draining it after the answer.

The edge only verifies and stores: ``WebhookIntake.receive`` commits deliveries arriving together
in one short transaction, so a burst is answered within the partners' deadlines, then enqueues a
``process_webhooks`` job through the job port. ``InboxDrain`` hands each pending delivery to the
``WebhookHandler``, at least once: when that job runs, and by a periodic sweep that retries
failures and catches jobs lost to a restart. A failure leaves
the delivery pending with its reason; after ``MAX_ATTEMPTS`` it is given up (done, with the
error kept) and logged, so one poisoned delivery cannot hold the inbox forever.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace

from domain.errors import DomainError
from domain.ports import Clock, Job, JobQueue, UnitOfWork
from domain.webhooks import WebhookDelivery, WebhookSource
from services.shared.concurrency import BackgroundDrain, GroupCommit
from services.webhooks.handler import WebhookHandler

log = logging.getLogger("mcc.webhooks")

GROUP_COMMIT_MAX = 200
"""Deliveries written in one transaction at most."""
MAX_ATTEMPTS = 8
"""With the sweep every 30 s a delivery is retried for a few minutes; polling covers the rest."""


PROCESS_WEBHOOKS = "process_webhooks"
"""Job name: process the inbox's pending deliveries (the rows are the durable record)."""


def process_webhooks_job() -> Job:
    return Job(PROCESS_WEBHOOKS, dedupe_key=PROCESS_WEBHOOKS)


class WebhookIntake:
    """Stores verified deliveries. Deliveries arriving together share one transaction (a group
    commit): under a burst they are written at the pace of commits, not of one connection each,
    and each caller still learns whether its own delivery was new once it is durable."""

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        jobs: JobQueue | None = None,
        *,
        max_group: int = GROUP_COMMIT_MAX,
    ) -> None:
        self._jobs = jobs
        self._group = GroupCommit(unit_of_work, _add_all, max_group=max_group, after_commit=self._stored)

    async def receive(self, delivery: WebhookDelivery) -> bool:
        """Returns once the delivery is committed; False (a no-op) for a redelivery."""
        return await self._group.submit(delivery)

    async def _stored(self, new: list[bool]) -> None:
        """New deliveries are processed after the answer, through the job port."""
        if any(new) and self._jobs is not None:
            await self._jobs.enqueue(process_webhooks_job())


async def _add_all(uow: UnitOfWork, deliveries: list[WebhookDelivery]) -> list[bool]:
    return [await uow.webhook_inbox.add(delivery) for delivery in deliveries]


class InboxDrain(BackgroundDrain):
    failure_message = "webhook inbox drain failed"

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        handler: WebhookHandler,
        clock: Clock,
        *,
        batch: int = 200,
        concurrency: int = 8,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        super().__init__()
        self._unit_of_work = unit_of_work
        self._handler = handler
        self._clock = clock
        self._batch = batch
        self._slots = asyncio.Semaphore(concurrency)
        self._max_attempts = max_attempts

    # --- processing -------------------------------------------------------------------------

    async def drain(self) -> int:
        """Processes pending deliveries until none is left; returns how many were attempted.

        Each delivery is attempted once per drain (a failure waits for the next one). Deliveries
        about one account go in the order received; different accounts are processed side by side.
        """
        attempted: set[tuple[WebhookSource, str]] = set()
        while True:
            self.begin_round()
            async with self._unit_of_work() as uow:
                pending = await uow.webhook_inbox.pending(limit=self._batch + len(attempted))
            fresh = [d for d in pending if (d.source, d.delivery_key) not in attempted][: self._batch]
            if not fresh:
                if self.woken_meanwhile:
                    continue
                return len(attempted)
            attempted.update((d.source, d.delivery_key) for d in fresh)
            by_account: dict[tuple[WebhookSource, str], list[WebhookDelivery]] = {}
            for delivery in fresh:
                by_account.setdefault((delivery.source, delivery.account), []).append(delivery)
            outcomes = await asyncio.gather(*(self._in_order(group) for group in by_account.values()))
            async with self._unit_of_work() as uow:
                for group in outcomes:
                    for outcome in group:
                        await uow.webhook_inbox.save(outcome)
                await uow.commit()

    async def _in_order(self, deliveries: list[WebhookDelivery]) -> list[WebhookDelivery]:
        async with self._slots:
            return [await self._process(delivery) for delivery in deliveries]

    async def _process(self, delivery: WebhookDelivery) -> WebhookDelivery:
        try:
            await self._handler.handle(delivery)
        except DomainError as error:
            return self._failed(delivery, str(error))
        except Exception as error:
            # A bug in one reaction must not stop the inbox; the delivery is retried like any failure.
            log.exception(
                "webhook reaction raised source=%s topic=%s delivery=%s",
                delivery.source.value,
                delivery.topic,
                delivery.delivery_key,
            )
            return self._failed(delivery, f"unexpected {type(error).__name__}")
        return delivery.done(self._clock.now())

    def _failed(self, delivery: WebhookDelivery, reason: str) -> WebhookDelivery:
        failed = delivery.failed(reason)
        if failed.attempts < self._max_attempts:
            log.warning(
                "webhook delivery failed, will retry source=%s topic=%s delivery=%s attempts=%d reason=%s",
                delivery.source.value,
                delivery.topic,
                delivery.delivery_key,
                failed.attempts,
                reason,
            )
            return failed
        log.error(
            "webhook delivery given up source=%s topic=%s delivery=%s attempts=%d reason=%s",
            delivery.source.value,
            delivery.topic,
            delivery.delivery_key,
            failed.attempts,
            reason,
        )
        return replace(failed, processed_at=self._clock.now())  # done, the error kept
