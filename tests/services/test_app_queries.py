"""Reading apps: settings plus the SHOPLINE token's expiry and state, never its value."""

from __future__ import annotations

from domain.app import App
from domain.ids import AppId
from services.apps.queries import AppQueries
from tests.services.support_auth import Harness


async def test_an_installed_app_shows_its_token_expiry() -> None:
    harness = Harness()
    app_id = await harness.installed_app("store-a")
    view = await AppQueries(harness.uow, harness.clock).get_app(app_id)
    assert view.installed
    assert view.token_expires_at is not None and view.token_expires_at > harness.clock.now()


async def test_a_revoked_token_means_the_app_needs_reinstalling() -> None:
    harness = Harness()
    app_id = await harness.installed_app("store-b")
    async with harness.uow() as uow:
        token = await uow.tokens.get_shopline(app_id)
        token.revoke(harness.clock.now())
        await uow.tokens.save_shopline(token)
        await uow.commit()
    view = await AppQueries(harness.uow, harness.clock).get_app(app_id)
    assert not view.installed and view.token_revoked


async def test_list_pages_and_filters_by_store_handle() -> None:
    harness = Harness()
    async with harness.uow() as uow:
        for i in range(3):
            await uow.apps.add(App.install(AppId(f"app{i}"), f"store-{i}", harness.clock.now()))
        await uow.commit()
    queries = AppQueries(harness.uow, harness.clock)
    first = await queries.list_apps(page_size=2, after=None)
    assert [v.app.id for v in first.items] == ["app0", "app1"]
    rest = await queries.list_apps(page_size=2, after=first.next_cursor)
    assert [v.app.id for v in rest.items] == ["app2"] and rest.next_cursor is None
    only = await queries.list_apps(page_size=2, after=None, store_handle="store-1")
    assert [v.app.id for v in only.items] == ["app1"]
    assert not only.items[0].installed
