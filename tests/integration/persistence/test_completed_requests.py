"""Completed client requests: the fake, SQLite and PostgreSQL keep them alike, across shop deletion."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain.errors import RequestIdReused, StaleWrite
from domain.ids import AppId, ShopId
from domain.ports import CompletedRequest
from tests.integration.persistence.builders import APP, OTHER_APP, SHOP, at, seed

REQUEST = "0d5e7c1a-3b52-4f0e-8a61-5c2d9e7b4f30"


async def test_a_recorded_request_is_found_again_only_for_its_app(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, apps=(APP, OTHER_APP))
    done = CompletedRequest(AppId(APP), REQUEST, "DeleteShop", f"shops/{SHOP}", at(5))
    async with backend.new_uow() as uow:
        await uow.completed_requests.record(done)
        await uow.shops.delete(ShopId(SHOP))  # the record outlives what it names
        await uow.commit()
    async with backend.new_uow() as uow:
        assert await uow.completed_requests.find(AppId(APP), REQUEST) == done
        assert await uow.completed_requests.find(AppId(OTHER_APP), REQUEST) is None


async def test_recording_the_same_request_again_is_allowed_and_another_one_is_refused(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    done = CompletedRequest(AppId(APP), REQUEST, "RetryTask", "tasks/t1", at(5))
    async with backend.new_uow() as uow:
        await uow.completed_requests.record(done)
        await uow.commit()
    async with backend.new_uow() as uow:
        await uow.completed_requests.record(
            CompletedRequest(AppId(APP), REQUEST, "RetryTask", "tasks/t1", at(9))
        )
        with pytest.raises(RequestIdReused):
            await uow.completed_requests.record(
                CompletedRequest(AppId(APP), REQUEST, "RetryTask", "tasks/t2", at(9))
            )
    async with backend.new_uow() as uow:
        assert await uow.completed_requests.find(AppId(APP), REQUEST) == done


async def test_a_start_keeps_the_task_it_started_and_a_concurrent_other_result_is_a_stale_write(
    backend,
) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    started = CompletedRequest(AppId(APP), REQUEST, "SyncPrices", f"shops/{SHOP}", at(5), "task-1")
    async with backend.new_uow() as uow:
        await uow.completed_requests.record(started)
        await uow.commit()
    async with backend.new_uow() as uow:
        # Another call with the same id started its own task: it must start over and replay.
        with pytest.raises(StaleWrite):
            await uow.completed_requests.record(replace(started, result="task-2"))
    async with backend.new_uow() as uow:
        assert await uow.completed_requests.find(AppId(APP), REQUEST) == started
