"""App queries: read installations and their settings."""

from __future__ import annotations

from collections.abc import Callable

from domain.app import App
from domain.ids import AppId
from domain.paging import Page
from domain.ports import UnitOfWork


class AppQueries:
    def __init__(self, unit_of_work: Callable[[], UnitOfWork]) -> None:
        self._unit_of_work = unit_of_work

    async def get_app(self, app_id: AppId) -> App:
        async with self._unit_of_work() as uow:
            return await uow.apps.get(app_id)

    async def list_apps(
        self, *, page_size: int, after: str | None, store_handle: str | None = None
    ) -> Page[App]:
        async with self._unit_of_work() as uow:
            if store_handle:
                found = await uow.apps.find_by_handle(store_handle)
                return Page(items=[found] if found is not None else [])
            return await uow.apps.list(page_size=page_size, after=after)
