"""App queries: read installations, their settings and the state of their SHOPLINE token."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from domain.app import App
from domain.errors import TokenNotFound
from domain.ids import AppId
from domain.paging import Page
from domain.ports import Clock, UnitOfWork
from domain.webhooks import WebhookSource
from services.webhooks.health import SignatureFailures, WebhookHealth, webhook_health


@dataclass(frozen=True)
class AppView:
    """An app as the API shows it; the token's value never leaves the store, only its expiry."""

    app: App
    token_expires_at: datetime | None
    token_revoked: bool
    webhook_health: WebhookHealth | None = None
    """Read by ``get_app`` only."""

    @property
    def installed(self) -> bool:
        return self.token_expires_at is not None and not self.token_revoked and not self.app.uninstalled


class AppQueries:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        signature_failures: SignatureFailures | None = None,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._signature_failures = signature_failures

    async def get_app(self, app_id: AppId) -> AppView:
        async with self._unit_of_work() as uow:
            view = await _view(uow, await uow.apps.get(app_id))
            health = await webhook_health(
                uow,
                WebhookSource.SHOPLINE,
                view.app.store_handle,
                self._clock.now(),
                self._signature_failures,
            )
        return replace(view, webhook_health=health)

    async def list_apps(
        self, *, page_size: int, after: str | None, store_handle: str | None = None
    ) -> Page[AppView]:
        async with self._unit_of_work() as uow:
            if store_handle:
                found = await uow.apps.find_by_handle(store_handle)
                return Page(items=[await _view(uow, found)] if found is not None else [])
            page = await uow.apps.list(page_size=page_size, after=after)
            return Page([await _view(uow, app) for app in page.items], page.next_cursor)


async def _view(uow: UnitOfWork, app: App) -> AppView:
    try:
        token = await uow.tokens.get_shopline(app.id)
    except TokenNotFound:
        return AppView(app, None, False)
    return AppView(app, token.expires_at, token.revoked_at is not None)
