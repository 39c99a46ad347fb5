"""Subscribing a shop or an app to the partners' webhooks soon after it was authorized or installed.

A reaction to committed events: the authorization / installation has already answered, so a slow
or failing partner never holds it up or fails it. Failures are logged; the periodic repair
(``WebhookSubscriptions.repair_all``) subscribes what was missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from domain.errors import DomainError, PartnerError
from domain.events import AppInstalled, ShopAuthorized, ShopReauthorized
from domain.ids import AppId, ShopId
from services.webhooks.subscriptions import WebhookSubscriptions

log = logging.getLogger(__name__)


class SubscriptionScheduler:
    """Coalesces the apps and shops to subscribe and subscribes them in one background drain.

    Built before the subscriptions it drives (the event publisher it reacts for comes first), so
    they are attached afterwards; until then, and when no public URL is set, events are ignored."""

    def __init__(self) -> None:
        self._subscriptions: WebhookSubscriptions | None = None
        self._apps: dict[AppId, None] = {}
        self._shops: dict[ShopId, AppId] = {}
        self._drainer: asyncio.Task[None] | None = None

    def attach(self, subscriptions: WebhookSubscriptions) -> None:
        self._subscriptions = subscriptions

    @property
    def _enabled(self) -> bool:
        return self._subscriptions is not None and self._subscriptions.enabled

    async def apps_installed(self, events: Sequence[AppInstalled]) -> None:
        """Reaction to a committed installation: the store's topics are subscribed soon."""
        if not self._enabled:
            return
        for event in events:
            self._apps[event.app_id] = None
        self._start()

    async def shops_authorized(self, events: Sequence[ShopAuthorized | ShopReauthorized]) -> None:
        """Reaction to a committed (re-)authorization: the shop's events are subscribed soon."""
        if not self._enabled:
            return
        for event in events:
            self._shops[event.shop_id] = event.app_id
        self._start()

    async def idle(self) -> None:
        while self._drainer is not None and not self._drainer.done():
            await asyncio.wait([self._drainer])

    async def stop(self) -> None:
        if self._drainer is not None:
            self._drainer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._drainer

    def _start(self) -> None:
        if (self._apps or self._shops) and (self._drainer is None or self._drainer.done()):
            self._drainer = asyncio.ensure_future(self._drain())

    async def _drain(self) -> None:
        subscriptions = self._subscriptions
        if subscriptions is None:
            return
        while self._apps or self._shops:
            if self._apps:
                app_id, _ = self._apps.popitem()
                what, subscribing = f"app {app_id}", subscriptions.subscribe_app(app_id)
            else:
                shop_id, app_id = self._shops.popitem()
                what, subscribing = f"shop {shop_id}", subscriptions.subscribe_shop(app_id, shop_id)
            try:
                await subscribing
            except (DomainError, PartnerError) as error:
                log.warning("%s: webhooks not subscribed (%s); the periodic repair tries again", what, error)
