"""Task rules: lifecycle, leases, monotonic progress, bounded errors, retry from the checkpoint."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.errors import (
    InvalidTaskProgress,
    TaskLeaseHeld,
    TaskLeaseLost,
    TaskNotClaimable,
    TaskNotRetryable,
    TaskNotRunning,
)
from domain.ids import AppId, ShopId, TaskId
from domain.task import MAX_LAST_ERRORS, Task, TaskCounts, TaskKind, TaskState
from tests.unit.builders import T0, at

LEASE = timedelta(minutes=5)


def task(total: int | None = 100) -> Task:
    return Task.create(
        TaskId("t1"), AppId("app"), TaskKind.HISTORY_IMPORT, T0, shop_id=ShopId("s1"), total=total
    )


def running(owner: str = "w1") -> Task:
    t = task()
    t.claim(owner, T0, LEASE)
    return t


def test_a_task_runs_to_success() -> None:
    t = running()
    t.record_progress("w1", at(hours=0.01), done=100, counts=TaskCounts(created=90, skipped=10))
    t.complete("w1", at(hours=0.02))
    assert t.state is TaskState.SUCCEEDED
    assert t.counts == TaskCounts(created=90, skipped=10)
    assert t.lease is None


def test_a_run_whose_every_item_failed_fails_naming_the_first_error() -> None:
    t = running()
    errors = [(f"shops/s1/products/p{i}/skus/k{i}", "no exchange rate for EUR") for i in range(3)]
    t.record_progress("w1", T0, done=3, counts=TaskCounts(failed=3), errors=errors)
    t.complete("w1", at(hours=0.02))
    assert t.state is TaskState.FAILED
    assert t.failure_reason == (
        "every item failed (3); first: shops/s1/products/p0/skus/k0: no exchange rate for EUR"
    )
    assert t.counts == TaskCounts(failed=3)
    assert t.lease is None and t.finished_at == at(hours=0.02)


def test_with_errors_dropped_the_failure_reason_does_not_call_its_example_the_first() -> None:
    t = running()
    many = MAX_LAST_ERRORS + 5
    errors = [(f"item-{i}", "refused") for i in range(many)]
    t.record_progress("w1", T0, counts=TaskCounts(failed=many), errors=errors)
    t.complete("w1", T0)
    assert t.failure_reason == f"every item failed ({many}); e.g.: item-5: refused"


@pytest.mark.parametrize(
    "counts",
    [
        TaskCounts(),  # nothing to do, e.g. an empty order window
        TaskCounts(updated=1, failed=9),  # partial failure
        TaskCounts(created=1, failed=9),
        TaskCounts(skipped=1, failed=9),  # an item already right came through too
    ],
)
def test_a_run_where_some_item_came_through_or_none_was_met_succeeds(counts: TaskCounts) -> None:
    t = running()
    t.record_progress("w1", T0, counts=counts, errors=[("item", "refused")] * counts.failed)
    t.complete("w1", T0)
    assert (t.state, t.failure_reason, t.counts) == (TaskState.SUCCEEDED, None, counts)


def test_every_item_failed_counts_the_items_of_earlier_runs_too() -> None:
    t = running()
    t.record_progress("w1", T0, counts=TaskCounts(updated=4), checkpoint="page-1")
    t.fail("w1", "TikTok kept failing", T0)
    t.retry(T0)
    t.claim("w1", T0, LEASE)
    t.record_progress("w1", T0, counts=TaskCounts(failed=2), errors=[("item", "refused")] * 2)
    t.complete("w1", T0)
    assert t.state is TaskState.SUCCEEDED


def test_done_never_exceeds_total() -> None:
    with pytest.raises(InvalidTaskProgress):
        running().record_progress("w1", T0, done=101)


def test_done_and_counts_never_decrease() -> None:
    t = running()
    t.record_progress("w1", T0, done=10, counts=TaskCounts(created=5))
    with pytest.raises(InvalidTaskProgress):
        t.record_progress("w1", T0, done=9)
    with pytest.raises(InvalidTaskProgress):
        t.record_progress("w1", T0, counts=TaskCounts(created=-1))
    assert (t.done, t.counts.created) == (10, 5)


def test_total_cannot_drop_below_done() -> None:
    t = running()
    t.record_progress("w1", T0, done=50)
    with pytest.raises(InvalidTaskProgress):
        t.record_progress("w1", T0, total=40)
    t.record_progress("w1", T0, total=60)
    assert t.total == 60


def test_last_errors_keep_only_the_most_recent() -> None:
    t = running()
    t.record_progress("w1", T0, errors=[(f"sku-{i}", "bad") for i in range(MAX_LAST_ERRORS + 5)])
    assert len(t.last_errors) == MAX_LAST_ERRORS
    assert t.last_errors[0].item_ref == "sku-5"
    assert t.last_errors[-1].item_ref == f"sku-{MAX_LAST_ERRORS + 4}"


def test_an_expired_lease_returns_the_task_to_pending_and_it_resumes_from_its_checkpoint() -> None:
    t = running("w1")
    t.record_progress("w1", T0, done=30, checkpoint="cursor-30")
    assert not t.requeue_if_lease_expired(T0 + LEASE - timedelta(seconds=1))
    assert t.requeue_if_lease_expired(T0 + LEASE)
    assert t.state is TaskState.PENDING
    t.claim("w2", T0 + LEASE, LEASE)
    assert (t.state, t.checkpoint, t.done, t.attempts) == (TaskState.RUNNING, "cursor-30", 30, 2)


def test_a_live_lease_cannot_be_taken_and_a_lost_one_cannot_report() -> None:
    t = running("w1")
    with pytest.raises(TaskLeaseHeld):
        t.claim("w2", T0 + timedelta(minutes=1), LEASE)
    t.claim("w2", T0 + LEASE, LEASE)  # expired: taken over
    with pytest.raises(TaskLeaseLost):
        t.record_progress("w1", T0 + LEASE, done=1)
    with pytest.raises(TaskLeaseLost):
        t.complete("w1", T0 + LEASE)


def test_heartbeat_extends_the_lease() -> None:
    t = running("w1")
    t.heartbeat("w1", T0 + timedelta(minutes=4), LEASE)
    assert not t.lease_expired(T0 + timedelta(minutes=8))


def test_cancelling_a_finished_task_is_a_no_op() -> None:
    t = running()
    t.complete("w1", T0 + timedelta(minutes=1))
    t.cancel(at(hours=2))
    assert t.state is TaskState.SUCCEEDED
    assert t.finished_at == T0 + timedelta(minutes=1)


def test_a_cancelled_task_stops_its_worker() -> None:
    t = running()
    t.cancel(at(hours=1))
    assert t.state is TaskState.CANCELLED
    with pytest.raises(TaskNotRunning):
        t.record_progress("w1", at(hours=1), done=1)
    with pytest.raises(TaskNotClaimable):
        t.claim("w1", at(hours=1), LEASE)


def test_a_failed_task_is_retried_from_its_checkpoint() -> None:
    t = running()
    t.record_progress("w1", T0, done=40, counts=TaskCounts(created=40), checkpoint="page-4")
    t.fail("w1", "SHOPLINE unavailable", T0 + timedelta(minutes=1))
    assert t.failure_reason == "SHOPLINE unavailable"
    t.retry(at(hours=2))
    assert (t.state, t.checkpoint, t.done, t.counts.created) == (TaskState.PENDING, "page-4", 40, 40)
    assert t.failure_reason is None


@pytest.mark.parametrize("finish", ["pending", "running", "succeeded", "cancelled"])
def test_only_a_failed_task_can_be_retried(finish: str) -> None:
    t = task()
    if finish != "pending":
        t.claim("w1", T0, LEASE)
    if finish == "succeeded":
        t.complete("w1", T0)
    if finish == "cancelled":
        t.cancel(T0)
    with pytest.raises(TaskNotRetryable):
        t.retry(at(hours=1))


def test_a_task_belongs_to_an_app_and_optionally_a_shop() -> None:
    t = Task.create(TaskId("t2"), AppId("app"), TaskKind.AUTO_LINK, T0)
    assert (t.app_id, t.shop_id, t.kind) == ("app", None, TaskKind.AUTO_LINK)
    assert {k.value for k in TaskKind} == {
        "HISTORY_IMPORT",
        "AUTO_LINK",
        "PRICE_SYNC",
        "INVENTORY_PUSH",
        "ORDER_SYNC",
    }
