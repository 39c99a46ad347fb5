"""Incremental read of each app's SHOPLINE store orders, for analytics.

Per app: orders updated in ``[watermark - overlap, now)`` are read page by page and each page is
written in one transaction (newer stored copies win). Paid store sales are kept; unpaid orders and
orders this service imported from a channel (they carry the channel marker) are removed, because
their sales are counted on the channel. The watermark moves only after every page is committed,
so a failed run is simply read again next time. A cancelled order that this service imported is
also handed to ``imported_order_cancelled`` (the merchant's cancel goes on to TikTok), as the
``orders/cancelled`` webhook does; a failure there is logged and left to the webhook's retries.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from domain.analytics import StoreOrder
from domain.channel import ShoplineCredentials, TimeWindow
from domain.errors import AppNotFound, DomainError, PartnerError, TokenNotFound
from domain.ids import AppId, ShoplineOrderId
from domain.ports import Clock, ShoplineApi, UnitOfWork
from services.orders.shopline_cancellation import StoreOrderCancelled

log = logging.getLogger(__name__)

OVERLAP = timedelta(minutes=10)
FIRST_READ = timedelta(days=30)
_APP_PAGE = 100

ImportedOrdersSeen = Callable[[AppId, Sequence[ShoplineOrderId]], Awaitable[object]]


@dataclass(frozen=True)
class StoreSyncReport:
    app_id: AppId
    stored: int = 0
    removed: int = 0
    skipped_reason: str = ""


class StoreOrderSync:
    """``run`` is the periodic job (every app); ``sync_app`` reads one app's store orders."""

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        shopline: ShoplineApi,
        clock: Clock,
        *,
        overlap: timedelta = OVERLAP,
        first_read: timedelta = FIRST_READ,
        imported_order_cancelled: Callable[[StoreOrderCancelled], Awaitable[object]] | None = None,
        imported_orders_seen: ImportedOrdersSeen | None = None,
    ) -> None:
        """``imported_orders_seen`` hears of the orders this service imported that the window
        saw updated (their fulfillments may be new)."""
        self._unit_of_work = unit_of_work
        self._shopline = shopline
        self._clock = clock
        self._overlap = overlap
        self._first_read = first_read
        self._imported_order_cancelled = imported_order_cancelled
        self._imported_orders_seen = imported_orders_seen

    async def run(self) -> list[StoreSyncReport]:
        reports = []
        for app_id in await self._app_ids():
            try:
                reports.append(await self.sync_app(app_id))
            except PartnerError as error:
                # Passing partner trouble: the watermark stays, the next round reads the window again.
                log.warning("store order sync deferred app=%s reason=%s", app_id, type(error).__name__)
                reports.append(StoreSyncReport(app_id, skipped_reason=type(error).__name__))
        return reports

    async def sync_app(self, app_id: AppId) -> StoreSyncReport:
        now = self._clock.now()
        async with self._unit_of_work() as uow:
            try:
                app = await uow.apps.get(app_id)
                token = await uow.tokens.get_shopline(app_id)
            except (AppNotFound, TokenNotFound):
                return StoreSyncReport(app_id, skipped_reason="not installed")
            synced_until = await uow.store_orders.synced_until(app_id)
        if token.revoked or token.expired(now):
            return StoreSyncReport(app_id, skipped_reason="no usable SHOPLINE token")
        start = synced_until - self._overlap if synced_until is not None else now - self._first_read
        credentials = ShoplineCredentials(app.store_handle, token.access_token)
        stored = removed = 0
        async for page in self._shopline.store_orders_updated(credentials, TimeWindow(start, now)):
            sales = [order for order in page if order.is_store_sale]
            others = [order.order_id for order in page if not order.is_store_sale]
            async with self._unit_of_work() as uow:
                await uow.store_orders.upsert_many(app_id, sales)
                removed += await uow.store_orders.delete_many(app_id, others)
                await uow.commit()
            stored += len(sales)
            await self._pass_on_cancelled_imports(app_id, page)
            imported = [order.order_id for order in page if order.channel_marker]
            if imported and self._imported_orders_seen is not None:
                await self._imported_orders_seen(app_id, imported)
        async with self._unit_of_work() as uow:
            current = await uow.store_orders.synced_until(app_id)
            if current is None or current < now:
                await uow.store_orders.set_synced_until(app_id, now)
            await uow.commit()
        return StoreSyncReport(app_id, stored=stored, removed=removed)

    async def _pass_on_cancelled_imports(self, app_id: AppId, page: Sequence[StoreOrder]) -> None:
        if self._imported_order_cancelled is None:
            return
        for order in page:
            if not order.cancelled or order.channel_marker is None:
                continue
            event = StoreOrderCancelled(app_id, order.order_id, (order.channel_marker,))
            try:
                await self._imported_order_cancelled(event)
            except DomainError as error:
                log.warning(
                    "SHOPLINE cancel of order %s not carried over yet: %s", order.order_id, error.reason
                )

    async def _app_ids(self) -> list[AppId]:
        found: list[AppId] = []
        after: str | None = None
        async with self._unit_of_work() as uow:
            while True:
                page = await uow.apps.list(page_size=_APP_PAGE, after=after)
                found.extend(app.id for app in page.items)
                if page.next_cursor is None:
                    return found
                after = page.next_cursor
