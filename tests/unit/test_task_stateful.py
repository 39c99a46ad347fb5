"""Task lifecycle against a model: leases, monotonic progress, bounded errors, retry and cancel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from domain.errors import (
    InvalidTaskProgress,
    TaskLeaseHeld,
    TaskLeaseLost,
    TaskNotClaimable,
    TaskNotRetryable,
    TaskNotRunning,
)
from domain.ids import AppId, TaskId
from domain.task import MAX_LAST_ERRORS, Task, TaskCounts, TaskKind
from tests.unit.builders import T0

OWNERS = ["w1", "w2"]
LEASE = 5
FINISHED = {"SUCCEEDED", "FAILED", "CANCELLED"}


def minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


class TaskMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.task = Task.create(TaskId("t"), AppId("a"), TaskKind.HISTORY_IMPORT, T0, total=50)
        self.now = 0
        self.state = "PENDING"
        self.owner: str | None = None
        self.lease_until = 0
        self.done, self.total = 0, 50
        self.counts = TaskCounts()
        self.errors: list[str] = []
        self.checkpoint: str | None = None
        self.error_serial = 0

    def _holds(self, owner: str) -> bool:
        return self.state == "RUNNING" and self.owner == owner and self.now < self.lease_until

    def _lease_check(self, owner: str) -> type[Exception] | None:
        if self.state != "RUNNING":
            return TaskNotRunning
        if not self._holds(owner):
            return TaskLeaseLost
        return None

    @rule(step=st.integers(0, 8))
    def time_passes(self, step: int) -> None:
        self.now += step

    @rule(owner=st.sampled_from(OWNERS))
    def claim(self, owner: str) -> None:
        now = T0 + minutes(self.now)
        if self.state in FINISHED:
            with pytest.raises(TaskNotClaimable):
                self.task.claim(owner, now, minutes(LEASE))
        elif self.state == "RUNNING" and self.now < self.lease_until and self.owner != owner:
            with pytest.raises(TaskLeaseHeld):
                self.task.claim(owner, now, minutes(LEASE))
        else:
            self.task.claim(owner, now, minutes(LEASE))
            self.state, self.owner, self.lease_until = "RUNNING", owner, self.now + LEASE

    @rule(owner=st.sampled_from(OWNERS))
    def heartbeat(self, owner: str) -> None:
        error = self._lease_check(owner)
        if error is not None:
            with pytest.raises(error):
                self.task.heartbeat(owner, T0 + minutes(self.now), minutes(LEASE))
        else:
            self.task.heartbeat(owner, T0 + minutes(self.now), minutes(LEASE))
            self.lease_until = self.now + LEASE

    @rule()
    def requeue_expired(self) -> None:
        expected = self.state == "RUNNING" and self.now >= self.lease_until
        assert self.task.requeue_if_lease_expired(T0 + minutes(self.now)) == expected
        if expected:
            self.state, self.owner = "PENDING", None

    @rule(
        owner=st.sampled_from(OWNERS),
        done=st.none() | st.integers(0, 70),
        total=st.none() | st.integers(0, 70),
        created=st.integers(-1, 5),
        failed=st.integers(0, 3),
        errors=st.integers(0, 25),
        checkpoint=st.none() | st.sampled_from(["c1", "c2", "c3"]),
    )
    def report_progress(
        self,
        owner: str,
        done: int | None,
        total: int | None,
        created: int,
        failed: int,
        errors: int,
        checkpoint: str | None,
    ) -> None:
        refs = [f"item-{self.error_serial + i}" for i in range(errors)]

        def call() -> None:
            self.task.record_progress(
                owner,
                T0 + minutes(self.now),
                done=done,
                total=total,
                counts=TaskCounts(created=created, failed=failed),
                errors=[(ref, "bad") for ref in refs],
                checkpoint=checkpoint,
            )

        error = self._lease_check(owner)
        new_done = self.done if done is None else done
        new_total = self.total if total is None else total
        if error is None and (created < 0 or new_done < self.done or new_done > new_total):
            error = InvalidTaskProgress
        if error is not None:
            with pytest.raises(error):
                call()
            return
        call()
        self.error_serial += errors
        self.done, self.total = new_done, new_total
        self.counts = self.counts.plus(TaskCounts(created=created, failed=failed))
        self.errors = (self.errors + refs)[-MAX_LAST_ERRORS:]
        self.checkpoint = checkpoint or self.checkpoint

    @rule(owner=st.sampled_from(OWNERS), completed=st.booleans())
    def finish(self, owner: str, completed: bool) -> None:
        """A run that completed fails only when it met items and every one failed."""
        now = T0 + minutes(self.now)
        error = self._lease_check(owner)
        call = (
            (lambda: self.task.complete(owner, now))
            if completed
            else (lambda: self.task.fail(owner, "boom", now))
        )
        if error is not None:
            with pytest.raises(error):
                call()
            return
        call()
        every_item_failed = self.counts.failed > 0 and self.counts.created == 0
        self.state, self.owner = ("SUCCEEDED" if completed and not every_item_failed else "FAILED"), None
        if completed and every_item_failed:
            assert self.task.failure_reason is not None
            assert self.task.failure_reason.startswith(f"every item failed ({self.counts.failed})")
        elif completed:
            assert self.task.failure_reason is None

    @rule()
    def cancel(self) -> None:
        self.task.cancel(T0 + minutes(self.now))
        if self.state not in FINISHED:
            self.state, self.owner = "CANCELLED", None

    @rule()
    def retry(self) -> None:
        if self.state != "FAILED":
            with pytest.raises(TaskNotRetryable):
                self.task.retry(T0 + minutes(self.now))
            return
        self.task.retry(T0 + minutes(self.now))
        self.state = "PENDING"

    @invariant()
    def matches_the_model(self) -> None:
        assert self.task.state.value == self.state
        assert (self.task.done, self.task.total) == (self.done, self.total)
        assert self.task.counts == self.counts
        assert [e.item_ref for e in self.task.last_errors] == self.errors
        assert self.task.checkpoint == self.checkpoint

    @invariant()
    def progress_is_bounded_and_finished_tasks_hold_no_lease(self) -> None:
        assert self.task.total is None or 0 <= self.task.done <= self.task.total
        assert len(self.task.last_errors) <= MAX_LAST_ERRORS
        if self.task.state.finished:
            assert self.task.lease is None
            assert self.task.finished_at is not None


TaskMachine.TestCase.settings = settings(
    max_examples=200, stateful_step_count=30, deadline=None, database=None
)
TestTask = TaskMachine.TestCase
