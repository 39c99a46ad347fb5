"""App repository and unit of work contract, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import sqlalchemy
from sqlalchemy.exc import NoInspectionAvailable

from domain.app import App, AppSettings, ImportScope
from domain.errors import AppAlreadyExists, AppNotFound, StaleWrite
from domain.ids import AppId
from domain.pricing import ExchangeRate, PriceRule

NOW = datetime(2026, 11, 1, 12, 30, tzinfo=UTC)


def _app(app_id: str = "a1", handle: str = "store-one") -> App:
    return App.install(AppId(app_id), handle, NOW)


async def test_added_app_reads_back_equal(uow_factory) -> None:  # type: ignore[no-untyped-def]
    settings = AppSettings(
        auto_import_orders=True,
        import_scope=ImportScope.ALL_ORDERS,
        default_safety_stock=3,
        location_ids=("loc-1", "loc-2"),
        default_price_rule=PriceRule(
            target_currency="SGD",
            markup=Decimal("0.15"),
            fixed=Decimal("0.50"),
            exchange_rate=ExchangeRate("USD", "SGD", Decimal("1.3412")),
        ),
    )
    async with uow_factory() as uow:
        await uow.apps.add(App.install(AppId("a1"), "store-one", NOW, settings))
        await uow.commit()
    async with uow_factory() as uow:
        loaded = await uow.apps.get(AppId("a1"))
    assert loaded.store_handle == "store-one"
    assert loaded.settings == settings
    assert loaded.created_at == NOW


async def test_leaving_without_commit_rolls_back(uow_factory) -> None:  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        await uow.apps.add(_app())
    async with uow_factory() as uow:
        with pytest.raises(AppNotFound):
            await uow.apps.get(AppId("a1"))


async def test_an_error_inside_the_block_rolls_back(uow_factory) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError):
        async with uow_factory() as uow:
            await uow.apps.add(_app())
            raise RuntimeError("boom")
    async with uow_factory() as uow:
        assert await uow.apps.find_by_handle("store-one") is None


async def test_missing_app_is_not_found(uow_factory) -> None:  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        with pytest.raises(AppNotFound) as caught:
            await uow.apps.get(AppId("nope"))
    assert caught.value.resource_name == "apps/nope"


async def test_duplicate_store_handle_is_already_exists(uow_factory) -> None:  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        await uow.apps.add(_app("a1", "same"))
        await uow.commit()
    async with uow_factory() as uow:
        with pytest.raises(AppAlreadyExists):
            await uow.apps.add(_app("a2", "same"))


async def test_concurrent_update_is_a_stale_write(uow_factory) -> None:  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        await uow.apps.add(_app())
        await uow.commit()
    async with uow_factory() as first:
        mine = await first.apps.get(AppId("a1"))
        async with uow_factory() as second:
            theirs = await second.apps.get(AppId("a1"))
            theirs.set_auto_import(True, NOW)
            await second.apps.update(theirs)
            await second.commit()
        mine.change_settings(AppSettings(default_safety_stock=9), NOW)
        with pytest.raises(StaleWrite):
            await first.apps.update(mine)
    async with uow_factory() as uow:
        assert (await uow.apps.get(AppId("a1"))).settings.auto_import_orders is True


async def test_list_pages_by_keyset(uow_factory) -> None:  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        for i in range(7):
            await uow.apps.add(_app(f"a{i}", f"store-{i}"))
        await uow.commit()
    seen: list[str] = []
    after = None
    async with uow_factory() as uow:
        while True:
            page = await uow.apps.list(page_size=3, after=after)
            seen += [app.id for app in page.items]
            if page.next_cursor is None:
                break
            after = page.next_cursor
    assert seen == [f"a{i}" for i in range(7)]


async def test_delete_removes_the_row(uow_factory) -> None:  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        await uow.apps.add(_app())
        await uow.commit()
    async with uow_factory() as uow:
        await uow.apps.delete(AppId("a1"))
        await uow.commit()
    async with uow_factory() as uow:
        with pytest.raises(AppNotFound):
            await uow.apps.delete(AppId("a1"))


async def test_events_are_published_only_after_commit(engine) -> None:  # type: ignore[no-untyped-def]
    from adapters.persistence.engine import session_factory
    from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork

    published: list[object] = []

    class Recorder:
        async def publish(self, events):  # type: ignore[no-untyped-def]
            published.extend(events)

    sessions = session_factory(engine)
    async with SqlAlchemyUnitOfWork(sessions, Recorder()) as uow:
        await uow.apps.add(_app())
        await uow.commit()
    assert [type(event).__name__ for event in published] == ["AppInstalled"]
    published.clear()
    async with SqlAlchemyUnitOfWork(sessions, Recorder()) as uow:
        app = await uow.apps.get(AppId("a1"))
        app.set_auto_import(True, NOW)
        await uow.apps.update(app)
    assert published == []  # rolled back: nothing published
    async with SqlAlchemyUnitOfWork(sessions, Recorder()) as uow:
        app = await uow.apps.get(AppId("a1"))
        app.set_auto_import(True, NOW)
        await uow.apps.update(app)
        await uow.commit()
    assert len(published) == 1


def test_domain_classes_stay_uninstrumented() -> None:
    with pytest.raises(NoInspectionAvailable):
        sqlalchemy.inspect(App)
