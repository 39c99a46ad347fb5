"""Shop management: list, read, rename and delete the TikTok shops of an app."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from domain.authorization import ShopLinking
from domain.errors import ShopNotFound, TokenNotFound
from domain.ids import AppId, ShopId
from domain.paging import Page
from domain.ports import Clock, ShopCounts, ShopOverview, UnitOfWork
from domain.shop import DisplayName, Shop, ShopStatus
from domain.tokens import TikTokToken, TokenState
from domain.webhooks import WebhookSource
from services.shared.requests import ClientRequest
from services.shared.update_mask import masked_fields
from services.tasks.cancelling import cancel_unfinished_tasks
from services.webhooks.health import SignatureFailures, WebhookHealth, webhook_health

PAGE_SIZE_FOR_SCANS = 100
DELETE_SHOP = "DeleteShop"
UPDATE_SHOP = "UpdateShop"

_STATUS_REASONS = {
    ShopStatus.ACTIVE: "",
    ShopStatus.NEEDS_REAUTHORIZATION: (
        "TikTok no longer accepts the shop's refresh token; re-authorize the shop"
    ),
    ShopStatus.DEAUTHORIZED: "the seller revoked the authorization on TikTok; re-authorize the shop",
}

_SHOP_PATHS = {"display_name": ("display_name",)}


@dataclass(frozen=True)
class ShopView:
    """A shop as the API shows it: the aggregate plus its token's expiries and what it holds.

    Token values are never part of a view; only expiries and the derived state are.
    """

    shop: Shop
    access_token_expires_at: datetime | None
    grant_expires_at: datetime | None
    token_state: TokenState | None
    expiring_soon: bool
    counts: ShopCounts
    webhook_health: WebhookHealth | None = None
    """Read by ``get_shop`` only."""

    @classmethod
    def of(cls, overview: ShopOverview, now: datetime) -> ShopView:
        token = overview.token
        return cls(
            shop=overview.shop,
            access_token_expires_at=token.access_expires_at if token else None,
            grant_expires_at=token.refresh_expires_at if token else None,
            token_state=token.state(now) if token else None,
            expiring_soon=token.expiring_soon(now) if token else False,
            counts=overview.counts,
        )

    @property
    def status_reason(self) -> str:
        return _STATUS_REASONS[self.shop.status]

    @property
    def last_order_sync(self) -> datetime | None:
        return self.shop.orders_synced_until

    @property
    def last_product_sync(self) -> datetime | None:
        return self.shop.products_synced_until


@dataclass(frozen=True)
class ShopPurge:
    """What deleting a shop removed."""

    shop_id: ShopId
    orders: int
    products: int
    tasks: int
    cancelled_tasks: int
    pools_touched: int
    replayed: bool = False
    """A retry with the request id of a deletion already done: nothing more was removed."""


async def shop_view(uow: UnitOfWork, shop: Shop, now: datetime) -> ShopView:
    """The view of ``shop`` as the open unit of work holds it."""
    return ShopView.of(await uow.shop_overviews.get(shop.id), now)


async def find_tiktok_token(uow: UnitOfWork, shop_id: ShopId) -> TikTokToken | None:
    try:
        return await uow.tokens.get_tiktok(shop_id)
    except TokenNotFound:
        return None


async def owned_shop(uow: UnitOfWork, app_id: AppId, shop_id: ShopId) -> Shop:
    """The shop, if it belongs to ``app_id``; another app's shop is reported as not found."""
    try:
        shop = await uow.shops.get(shop_id)
    except ShopNotFound:
        shop = None
    if shop is None or shop.app_id != app_id:
        raise ShopNotFound(f"apps/{app_id}/shops/{shop_id}")
    return shop


class ShopManagement:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        queries: Callable[[], UnitOfWork] | None = None,
        signature_failures: SignatureFailures | None = None,
    ) -> None:
        """``queries`` opens the read-only units of work of ``list_shops`` and ``get_shop``."""
        self._unit_of_work = unit_of_work
        self._queries = queries or unit_of_work
        self._clock = clock
        self._signature_failures = signature_failures

    async def list_shops(
        self, app_id: AppId, *, page_size: int, after: str | None, status: ShopStatus | None = None
    ) -> Page[ShopView]:
        now = self._clock.now()
        async with self._queries() as uow:
            await uow.apps.get(app_id)
            page = await uow.shop_overviews.list(app_id, page_size=page_size, after=after, status=status)
            return Page([ShopView.of(overview, now) for overview in page.items], page.next_cursor)

    async def get_shop(self, app_id: AppId, shop_id: ShopId) -> ShopView:
        now = self._clock.now()
        async with self._queries() as uow:
            try:
                overview = await uow.shop_overviews.get(shop_id)
            except ShopNotFound:
                overview = None
            if overview is None or overview.shop.app_id != app_id:
                raise ShopNotFound(f"apps/{app_id}/shops/{shop_id}")
            health = await webhook_health(
                uow, WebhookSource.TIKTOK, overview.shop.tiktok_shop_id, now, self._signature_failures
            )
        return replace(ShopView.of(overview, now), webhook_health=health)

    async def update_shop(
        self,
        app_id: AppId,
        shop_id: ShopId,
        *,
        display_name: str,
        update_mask: Sequence[str],
        request_id: str | None = None,
    ) -> ShopView:
        """A call repeating the ``request_id`` of an earlier one returns the shop as it is now."""
        fields = masked_fields(update_mask, _SHOP_PATHS)
        now = self._clock.now()
        details = repr((sorted(fields), display_name))
        request = ClientRequest(app_id, request_id, UPDATE_SHOP, f"shops/{shop_id}", details)
        async with self._unit_of_work() as uow:
            shop = await owned_shop(uow, app_id, shop_id)
            if await request.replayed(uow):
                return await shop_view(uow, shop, now)
            if "display_name" in fields:
                shop.rename(DisplayName.parse(display_name))
            await uow.shops.update(shop)
            await request.record(uow, now)
            await uow.commit()
            return await shop_view(uow, shop, now)

    async def delete_shop(self, app_id: AppId, shop_id: ShopId, request_id: str | None = None) -> ShopPurge:
        """Removes every connector-side record of the shop in one transaction and frees it for any app.

        A retry carrying the ``request_id`` of a deletion already done succeeds again (``replayed``).

        The import ledger is kept, so re-authorizing the same seller later never imports an order
        twice. Nothing on TikTok or in SHOPLINE is touched.
        """
        now = self._clock.now()
        request = ClientRequest(app_id, request_id, DELETE_SHOP, f"shops/{shop_id}")
        async with self._unit_of_work() as uow:
            if await request.replayed(uow):
                return ShopPurge(shop_id, 0, 0, 0, 0, 0, replayed=True)
            shop = await owned_shop(uow, app_id, shop_id)
            # Cancelled before deletion so the task stream and any worker see the end of the task.
            cancelled = await cancel_unfinished_tasks(uow, shop.app_id, now, shop.id)
            pools_touched = await self._forget_in_pools(uow, shop)
            await uow.order_returns.delete_for_shop(shop.id)
            orders = await uow.orders.delete_for_shop(shop.id)
            products = await uow.channel_products.delete_for_shop(shop.id)
            tasks = await uow.tasks.delete_for_shop(shop.id)
            if await find_tiktok_token(uow, shop.id) is not None:
                await uow.tokens.delete_tiktok(shop.id)
            await ShopLinking(uow.shop_registry).unlink(shop)
            await uow.shops.delete(shop.id)
            await request.record(uow, now)
            await uow.commit()
        return ShopPurge(shop.id, orders, products, tasks, cancelled, pools_touched)

    @staticmethod
    async def _forget_in_pools(uow: UnitOfWork, shop: Shop) -> int:
        """Only the pools holding a link or reservation of the shop, each under its write lock so
        an order reserving on it at the same time is neither lost nor a conflict."""
        touched = 0
        after: str | None = None
        while True:
            page = await uow.inventory_pools.list_for_shop(
                shop.id, page_size=PAGE_SIZE_FOR_SCANS, after=after
            )
            for found in page.items:
                pool = await uow.inventory_pools.lock(found.id)
                pool.forget_shop(shop.id)
                await uow.inventory_pools.update(pool)
                touched += 1
            if page.next_cursor is None:
                return touched
            after = page.next_cursor
