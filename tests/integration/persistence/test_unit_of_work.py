"""Unit of work contract: rollback by default, events only after commit (fake, SQLite, PostgreSQL)."""

from __future__ import annotations

import pytest

from adapters.persistence.engine import query_session_factory
from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork
from domain.errors import OrderNotFound, ShopNotFound, TaskNotFound
from domain.events import ShopAuthorized, ShopRenamed, TaskCreated
from domain.ids import AppId, ShopId, TaskId
from domain.shop import DisplayName, Shop
from domain.task import Task, TaskKind
from tests.integration.persistence.builders import APP, SHOP, at, order, seed, shop, task


async def test_leaving_without_commit_rolls_back_every_repository(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, shops=())
    async with backend.new_uow() as uow:
        await uow.shops.add(shop())
        await uow.orders.add(order())
        await uow.tasks.add(task())
    async with backend.new_uow() as uow:
        with pytest.raises(ShopNotFound):
            await uow.shops.get(SHOP)
        with pytest.raises(OrderNotFound):
            await uow.orders.get(SHOP, order().id)
        with pytest.raises(TaskNotFound):
            await uow.tasks.get(TaskId("task-1"))
    assert backend.publisher.published == []


async def test_an_error_inside_the_block_rolls_back(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, shops=())
    with pytest.raises(RuntimeError):
        async with backend.new_uow() as uow:
            await uow.shops.add(Shop.authorize(ShopId(SHOP), AppId(APP), shop().identity, at(0)))
            raise RuntimeError("boom")
    async with backend.new_uow() as uow:
        assert await uow.shops.find_by_tiktok_shop_id(shop().tiktok_shop_id) is None
    assert backend.publisher.published == []


async def test_events_are_published_after_commit_only(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, shops=())
    authorized = Shop.authorize(ShopId(SHOP), AppId(APP), shop().identity, at(0))
    async with backend.new_uow() as uow:
        await uow.shops.add(authorized)
        await uow.tasks.add(
            Task.create(TaskId("t-1"), AppId(APP), TaskKind.HISTORY_IMPORT, at(0), ShopId(SHOP))
        )
        assert backend.publisher.published == []
        await uow.commit()
        assert [type(e) for e in backend.publisher.published] == [ShopAuthorized, TaskCreated]
        await uow.commit()  # nothing new: nothing published twice
    assert len(backend.publisher.published) == 2


async def test_explicit_rollback_discards_work_and_events(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, shops=())
    async with backend.new_uow() as uow:
        await uow.shops.add(Shop.authorize(ShopId(SHOP), AppId(APP), shop().identity, at(0)))
        await uow.rollback()
        await uow.commit()
        with pytest.raises(ShopNotFound):
            await uow.shops.get(SHOP)
    assert backend.publisher.published == []


async def test_events_survive_reading_the_aggregate_again(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    async with backend.new_uow() as uow:
        first = await uow.shops.get(SHOP)
        first.rename(DisplayName.parse("Renamed"))
        await uow.shops.update(first)
        await uow.shops.get(SHOP)  # a second copy of the same shop
        await uow.shops.list(AppId(APP), page_size=10, after=None)
        await uow.commit()
    assert backend.publisher.published == [ShopRenamed(ShopId(SHOP), AppId(APP), "Renamed")]


async def test_a_query_unit_of_work_reads_commits_and_refuses_to_commit(sql_backend) -> None:  # type: ignore[no-untyped-def]
    await seed(sql_backend, shops=())
    queries = query_session_factory(sql_backend.engine)
    async with sql_backend.new_uow() as uow:
        await uow.shops.add(shop())
        await uow.commit()
    async with SqlAlchemyUnitOfWork(queries, read_only=True) as reader:
        assert (await reader.shops.get(SHOP)).display_name == shop().display_name
        async with sql_backend.new_uow() as writer:  # a commit between two reads is seen by the second
            renamed = await writer.shops.get(SHOP)
            renamed.rename(DisplayName.parse("Renamed"))
            await writer.shops.update(renamed)
            await writer.commit()
        assert (await reader.shops.get(SHOP)).display_name == DisplayName.parse("Renamed")
        with pytest.raises(RuntimeError, match="read-only"):
            await reader.commit()
