"""App queries: read installations, their settings and the state of their SHOPLINE token."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from domain.app import App
from domain.errors import AppNotFound, TokenNotFound
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
        self,
        *,
        page_size: int,
        after: str | None,
        store_handle: str | None = None,
        only: frozenset[AppId] | None = None,
    ) -> Page[AppView]:
        """``only``: the apps the caller may see (None: every app); the others are never listed."""
        async with self._unit_of_work() as uow:
            if store_handle:
                found = await uow.apps.find_by_handle(store_handle)
                if found is None or (only is not None and found.id not in only):
                    return Page(items=[])
                return Page(items=[await _view(uow, found)])
            if only is not None:
                return await _page_of(uow, only, page_size=page_size, after=after)
            page = await uow.apps.list(page_size=page_size, after=after)
            return Page([await _view(uow, app) for app in page.items], page.next_cursor)


async def _page_of(
    uow: UnitOfWork, app_ids: frozenset[AppId], *, page_size: int, after: str | None
) -> Page[AppView]:
    """The named apps that exist, in the order and paging of ``AppRepository.list``."""
    remaining = sorted(app_id for app_id in app_ids if after is None or app_id > after)
    views: list[AppView] = []
    while remaining and len(views) < page_size:
        app_id = remaining.pop(0)
        try:
            views.append(await _view(uow, await uow.apps.get(app_id)))
        except AppNotFound:
            continue
    return Page(views, views[-1].app.id if views and remaining else None)


async def _view(uow: UnitOfWork, app: App) -> AppView:
    try:
        token = await uow.tokens.get_shopline(app.id)
    except TokenNotFound:
        return AppView(app, None, False)
    return AppView(app, token.expires_at, token.revoked_at is not None)
