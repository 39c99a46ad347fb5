"""Changing an app's settings through an update mask (``UpdateApp``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import fields
from typing import Any

from domain.app import App, AppSettings
from domain.ids import AppId
from domain.ports import Clock, UnitOfWork
from services.shared.requests import ClientRequest
from services.shared.update_mask import masked_fields

UPDATE_APP = "UpdateApp"

_SETTING_PATHS: dict[str, tuple[str, ...]] = {
    "settings.auto_import_orders": ("auto_import_orders",),
    "settings.order_import_scope": ("import_scope",),
    "settings.default_safety_stock": ("default_safety_stock",),
    "settings.shopline_location_ids": ("location_ids",),
    "settings.default_price_rule": ("default_price_rule",),
    "settings.default_email": ("default_email",),
    "settings.sync_customers": ("sync_customers",),
    "settings.return_restock": ("return_restock",),
}
_SETTING_PATHS["settings"] = tuple(name for names in _SETTING_PATHS.values() for name in names)


class AppSettingsUpdates:
    def __init__(self, unit_of_work: Callable[[], UnitOfWork], clock: Clock) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock

    async def update_app(
        self,
        app_id: AppId,
        settings: AppSettings,
        update_mask: Sequence[str],
        request_id: str | None = None,
    ) -> App:
        """Takes from ``settings`` only the fields named by ``update_mask``; the rest stay as they are.

        Paths are relative to the API's App: ``settings`` (all) or ``settings.<field>``. A call
        repeating the ``request_id`` of an earlier one returns the app as it is now.
        """
        chosen = masked_fields(update_mask, _SETTING_PATHS)
        details = repr(sorted((name, getattr(settings, name)) for name in chosen))
        request = ClientRequest(app_id, request_id, UPDATE_APP, f"apps/{app_id}", details)
        async with self._unit_of_work() as uow:
            app = await uow.apps.get(app_id)
            if await request.replayed(uow):
                return app
            current = app.settings
            values: dict[str, Any] = {
                f.name: getattr(settings if f.name in chosen else current, f.name)
                for f in fields(AppSettings)
            }
            app.change_settings(AppSettings(**values), self._clock.now())
            await uow.apps.update(app)
            await request.record(uow, self._clock.now())
            await uow.commit()
            return app
