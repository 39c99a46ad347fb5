"""The services' shared helpers: retrying stale writes and client request ids."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from domain.errors import PoolAlreadyExists, RequestIdReused, StaleWrite
from services.shared.requests import ClientRequest
from services.shared.stale_writes import WRITE_ATTEMPTS, retry_stale
from tests.services.support_tasks import APP, World

REQUEST = "5b0f7d2c-1e3a-4c6b-9d8e-7f6a5b4c3d21"


def failing(times: int, error: Exception) -> tuple[list[int], Callable[[], Awaitable[str]]]:
    calls: list[int] = []

    async def write() -> str:
        calls.append(len(calls) + 1)
        if len(calls) <= times:
            raise error
        return "written"

    return calls, write


async def test_a_stale_write_is_tried_again_until_it_goes_through() -> None:
    calls, write = failing(WRITE_ATTEMPTS - 1, StaleWrite("tasks/t1", "changed"))
    assert await retry_stale(write) == "written"
    assert len(calls) == WRITE_ATTEMPTS


async def test_the_last_attempts_stale_write_propagates() -> None:
    calls, write = failing(WRITE_ATTEMPTS, StaleWrite("tasks/t1", "changed"))
    with pytest.raises(StaleWrite):
        await retry_stale(write)
    assert len(calls) == WRITE_ATTEMPTS


async def test_other_errors_are_not_retried_unless_named() -> None:
    calls, write = failing(1, PoolAlreadyExists("pools/p1"))
    with pytest.raises(PoolAlreadyExists):
        await retry_stale(write)
    assert len(calls) == 1

    calls, write = failing(1, PoolAlreadyExists("pools/p1"))
    assert await retry_stale(write, also=(PoolAlreadyExists,)) == "written"
    assert len(calls) == 2


async def test_a_request_without_an_id_is_never_replayed_nor_recorded() -> None:
    world = World()
    request = ClientRequest(APP, None, "UpdateShop", "shops/shop-1")
    async with world.uow() as uow:
        await request.record(uow, world.clock.now())
        assert await request.replayed(uow) is None
        await uow.commit()
    assert world.database.state.completed_requests == {}


async def test_a_recorded_request_is_replayed_and_its_id_refused_for_another_call() -> None:
    world = World()
    request = ClientRequest(APP, REQUEST, "UpdateShop", "shops/shop-1")
    async with world.uow() as uow:
        assert await request.replayed(uow) is None
        await request.record(uow, world.clock.now(), "result-1")
        await uow.commit()
    async with world.uow() as uow:
        done = await request.replayed(uow)
        assert done is not None and done.result == "result-1"
        for other in (
            ClientRequest(APP, REQUEST, "DeleteShop", "shops/shop-1"),
            ClientRequest(APP, REQUEST, "UpdateShop", "shops/shop-2"),
        ):
            with pytest.raises(RequestIdReused) as raised:
                await other.replayed(uow)
            assert raised.value.field == "request_id"


async def test_the_same_id_with_other_details_is_refused() -> None:
    world = World()
    first = ClientRequest(APP, REQUEST, "UpdateApp", f"apps/{APP}", "auto_import_orders=True")
    async with world.uow() as uow:
        await first.record(uow, world.clock.now())
        await uow.commit()
    async with world.uow() as uow:
        assert await first.replayed(uow) is not None
        with pytest.raises(RequestIdReused):
            await ClientRequest(
                APP, REQUEST, "UpdateApp", f"apps/{APP}", "auto_import_orders=False"
            ).replayed(uow)
