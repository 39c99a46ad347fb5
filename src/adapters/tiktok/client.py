"""The TikTok Shop port adapter (`domain.ports.TikTokChannelApi`).

Shop-scoped calls get their token from the `ShopCredentials` they are given. When TikTok says the
token expired (or is invalid), the adapter asks its `AccessTokenRefresher` (a port, given at
construction) for a new one once, then repeats the call; the refresher belongs to the service
layer, which refreshes through the token host and persists the rotated pair. It needs only the
token host client, not this one, so both can share one `TikTokAuthClient` without a cycle.
Concurrent calls of one shop that hit the same expired token share a single refresh.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import aclosing
from typing import Any, TypeVar

import httpx

from adapters.http.ratelimit import KeyedRateLimiter
from adapters.http.retry import RetryPolicy
from adapters.tiktok import (
    cancellations,
    mapping,
    orders,
    products,
    seller_cancellation,
    signing,
    webhooks,
)
from adapters.tiktok.auth import TikTokAuthClient
from adapters.tiktok.replies import closed_product_refusals, mapped
from adapters.tiktok.shop_tokens import SharedShopRefresh, ShopTokens
from adapters.tiktok.transport import DEFAULT_TIMEOUT, PARTNER, ApiCall, TikTokTransport
from domain.channel import (
    AuthorizedShop,
    CancellationStatus,
    ChannelProductData,
    InventoryUpdate,
    ItemFailure,
    PriceUpdate,
    ResultPage,
    ShopCredentials,
    TikTokCancellation,
    TikTokOrderData,
    TimeWindow,
    Warehouse,
)
from domain.errors import PartnerRejected
from domain.ids import ChannelProductId, OrderId
from domain.ports import AccessTokenRefresher
from domain.secret import Secret
from domain.tokens import TikTokGrant
from domain.webhook_subscriptions import WebhookSubscription

log = logging.getLogger("adapters.tiktok")

T = TypeVar("T")

AUTHORIZED_SHOPS_PATH = "/authorization/202309/shops"
APPROVED = {CancellationStatus.SUCCESS, CancellationStatus.COMPLETE}


class TikTokChannelClient:
    """Implements `TikTokChannelApi` over one shared `httpx.AsyncClient`."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        api_url: str,
        auth_url: str,
        app_key: str,
        app_secret: str,
        service_id: str,
        rate_limiter: KeyedRateLimiter | None = None,
        token_refresher: AccessTokenRefresher | None = None,
        auth: TikTokAuthClient | None = None,
        consent_base_url: str | None = None,
        retry_policy: RetryPolicy | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        policy = retry_policy or RetryPolicy()
        self.transport = TikTokTransport(
            http,
            base_url=api_url,
            app_key=app_key,
            app_secret=app_secret,
            rate_limiter=rate_limiter if rate_limiter is not None else KeyedRateLimiter(10.0),
            retry_policy=policy,
            timeout=timeout,
            clock=clock,
            sleep=sleep,
        )
        # `auth` is the token host client shared with the refresher; otherwise one of our own.
        self.auth = auth or TikTokAuthClient(
            http,
            auth_url=auth_url,
            app_key=app_key,
            app_secret=app_secret,
            service_id=service_id,
            consent_base_url=consent_base_url,
            retry_policy=policy,
            timeout=timeout,
            clock=clock,
            sleep=sleep,
        )
        self._refresh_shop_token = SharedShopRefresh(token_refresher)
        self._app_key = app_key
        self._app_secret = app_secret

    def __repr__(self) -> str:
        return f"TikTokChannelClient({self.transport!r})"

    def _tokens(self, credentials: ShopCredentials) -> ShopTokens:
        return ShopTokens(credentials, self._refresh_shop_token)

    def shop_tokens(self, credentials: ShopCredentials) -> ShopTokens:
        """The token source of one call of the shop, for adapters sharing this client's transport
        and its single refresh per expired token."""
        return self._tokens(credentials)

    # ------------------------------------------------------------------ authorization

    def authorization_url(self, region: str, state: str | None = None) -> str:
        return self.auth.authorization_url(region, state)

    def verify_webhook(self, raw_body: bytes, authorization: str | None) -> bool:
        """The `Authorization` header of a webhook delivery matches the raw body."""
        return signing.verify_webhook(self._app_key, self._app_secret, raw_body, authorization)

    async def exchange_code(self, code: str) -> TikTokGrant:
        return await self.auth.exchange_code(code)

    async def refresh(self, refresh_token: Secret) -> TikTokGrant:
        return await self.auth.refresh(refresh_token)

    async def authorized_shops(self, access_token: Secret) -> list[AuthorizedShop]:
        # Called right after a code exchange, with no shop yet to refresh for.
        tokens = ShopTokens(ShopCredentials("", access_token), None)
        reply = await self.transport.call(ApiCall("GET", AUTHORIZED_SHOPS_PATH), tokens)
        return mapped(mapping.authorized_shops, reply.data, reply.request_id)

    # ------------------------------------------------------------------ products

    async def search_products(
        self, credentials: ShopCredentials, window: TimeWindow, *, page_size: int = 100
    ) -> AsyncIterator[ResultPage[ChannelProductData]]:
        start = mapping.unix_seconds(window.start)
        last = mapping.unix_seconds_ceil(window.end) - 1  # the product filter's upper bound is inclusive
        if last < start:
            return
        pages = products.search_products(
            self.transport,
            self._tokens(credentials),
            credentials.shop_cipher,
            start,
            last,
            page_size=page_size,
        )
        async with aclosing(pages):
            async for data in pages:
                items = mapped(lambda d: tuple(mapping.product(p) for p in d.get("products") or []), data)
                yield ResultPage(items, int(data.get("total_count") or 0))

    async def get_product(
        self, credentials: ShopCredentials, product_id: ChannelProductId
    ) -> ChannelProductData:
        data = await products.get_product(
            self.transport, self._tokens(credentials), credentials.shop_cipher, product_id
        )
        return mapped(mapping.product, data)

    async def search_inventory(
        self, credentials: ShopCredentials, *, product_ids: Sequence[str] = (), sku_ids: Sequence[str] = ()
    ) -> list[mapping.SkuInventory]:
        """Inventory Search (not part of the port): per-warehouse quantities of at most 100 SKUs."""
        data = await products.search_inventory(
            self.transport,
            self._tokens(credentials),
            credentials.shop_cipher,
            product_ids=product_ids,
            sku_ids=sku_ids,
        )
        return mapped(mapping.sku_inventories, data)

    async def update_inventory(
        self, credentials: ShopCredentials, product_id: ChannelProductId, updates: Sequence[InventoryUpdate]
    ) -> list[ItemFailure]:
        skus = [
            {
                "id": update.sku_id,
                "inventory": [
                    {"warehouse_id": entry.warehouse_id, "quantity": entry.quantity}
                    for entry in update.quantities
                ],
            }
            for update in updates
        ]
        with closed_product_refusals():
            data = await products.update_inventory(
                self.transport, self._tokens(credentials), credentials.shop_cipher, product_id, skus
            )
        return mapped(mapping.batch_failures, data)

    async def update_prices(
        self, credentials: ShopCredentials, product_id: ChannelProductId, updates: Sequence[PriceUpdate]
    ) -> list[ItemFailure]:
        skus = [
            {
                "id": update.sku_id,
                "price": {
                    "amount": format(update.price.rounded().amount, "f"),
                    "currency": update.price.currency,
                },
            }
            for update in updates
        ]
        with closed_product_refusals():
            data = await products.update_prices(
                self.transport, self._tokens(credentials), credentials.shop_cipher, product_id, skus
            )
        return mapped(mapping.batch_failures, data)

    # ------------------------------------------------------------------ orders

    def search_orders(
        self, credentials: ShopCredentials, window: TimeWindow, *, page_size: int = 100
    ) -> AsyncIterator[ResultPage[TikTokOrderData]]:
        return self._order_search(credentials, window, page_size, mapping.order)

    def search_order_ids(
        self, credentials: ShopCredentials, window: TimeWindow, *, page_size: int = 100
    ) -> AsyncIterator[ResultPage[OrderId]]:
        return self._order_search(credentials, window, page_size, mapping.order_id)

    async def _order_search(
        self, credentials: ShopCredentials, window: TimeWindow, page_size: int, convert: Callable[[Any], T]
    ) -> AsyncIterator[ResultPage[T]]:
        pages = orders.search_orders(
            self.transport,
            self._tokens(credentials),
            credentials.shop_cipher,
            mapping.unix_seconds(window.start),
            mapping.unix_seconds_ceil(window.end),
            page_size=page_size,
        )
        async with aclosing(pages):
            async for data in pages:
                items = mapped(lambda d: tuple(convert(o) for o in d.get("orders") or []), data)
                yield ResultPage(items, int(data.get("total_count") or 0))

    async def get_orders(
        self, credentials: ShopCredentials, order_ids: Sequence[OrderId]
    ) -> list[TikTokOrderData]:
        if not order_ids:
            return []
        raw = await orders.get_order_details(
            self.transport, self._tokens(credentials), credentials.shop_cipher, list(order_ids)
        )
        return mapped(lambda items: [mapping.order(o) for o in items], raw)

    async def warehouses(self, credentials: ShopCredentials) -> list[Warehouse]:
        data = await orders.get_warehouses(self.transport, self._tokens(credentials), credentials.shop_cipher)
        return mapped(mapping.warehouses, data)

    # ------------------------------------------------------------------ webhook subscriptions

    async def subscribe_webhook(self, credentials: ShopCredentials, event_type: str, address: str) -> None:
        await webhooks.put_webhook(
            self.transport, self._tokens(credentials), credentials.shop_cipher, event_type, address
        )

    async def webhook_subscriptions(self, credentials: ShopCredentials) -> list[WebhookSubscription]:
        data = await webhooks.list_webhooks(
            self.transport, self._tokens(credentials), credentials.shop_cipher
        )
        return mapped(webhooks.subscriptions, data)

    async def unsubscribe_webhook(self, credentials: ShopCredentials, event_type: str) -> None:
        await webhooks.delete_webhook(
            self.transport, self._tokens(credentials), credentials.shop_cipher, event_type
        )

    # ------------------------------------------------------------------ cancellations

    async def search_cancellations(
        self, credentials: ShopCredentials, window: TimeWindow, *, page_size: int = 100
    ) -> AsyncIterator[ResultPage[TikTokCancellation]]:
        pages = cancellations.search_cancellations(
            self.transport,
            self._tokens(credentials),
            credentials.shop_cipher,
            mapping.unix_seconds(window.start),
            mapping.unix_seconds_ceil(window.end),
            page_size=page_size,
        )
        async with aclosing(pages):
            async for data in pages:
                items = mapped(
                    lambda d: tuple(mapping.cancellation(c) for c in d.get("cancellations") or []), data
                )
                yield ResultPage(items, int(data.get("total_count") or 0))

    async def order_cancellations(
        self, credentials: ShopCredentials, order_id: OrderId
    ) -> list[TikTokCancellation]:
        raw = await cancellations.of_order(
            self.transport, self._tokens(credentials), credentials.shop_cipher, order_id
        )
        return mapped(lambda items: [mapping.cancellation(c) for c in items], raw)

    async def _already(
        self,
        credentials: ShopCredentials,
        tokens: ShopTokens,
        cancel_id: str,
        outcomes: set[CancellationStatus],
    ) -> bool:
        raw = await cancellations.find(self.transport, tokens, credentials.shop_cipher, cancel_id)
        return raw is not None and mapped(mapping.cancellation, raw).status in outcomes

    async def approve_cancellation(self, credentials: ShopCredentials, cancel_id: str) -> None:
        """Approving a request that is already approved succeeds: a retry whose first answer was
        lost, or a repeated call, meets a request that is no longer pending."""
        tokens = self._tokens(credentials)
        try:
            await cancellations.approve(self.transport, tokens, credentials.shop_cipher, cancel_id)
        except PartnerRejected:
            if not await self._already(credentials, tokens, cancel_id, APPROVED):
                raise

    async def reject_cancellation(self, credentials: ShopCredentials, cancel_id: str, reason: str) -> None:
        """`reason` must be a reject-reason name; an empty one takes TikTok's first offered reason."""
        tokens = self._tokens(credentials)
        if not reason:
            data = await cancellations.reject_reasons(
                self.transport, tokens, credentials.shop_cipher, cancel_id
            )
            offered = mapped(mapping.reject_reasons, data)
            if not offered:
                raise PartnerRejected(
                    PARTNER, "no_reject_reason", "TikTok offers no reject reason for this request."
                )
            reason = offered[0]
        try:
            await cancellations.reject(self.transport, tokens, credentials.shop_cipher, cancel_id, reason)
        except PartnerRejected:
            if not await self._already(credentials, tokens, cancel_id, {CancellationStatus.CANCELLED}):
                raise

    async def cancel_reasons(self, credentials: ShopCredentials, order_id: OrderId) -> list[str]:
        """Reason names TikTok accepts for a seller cancellation of this order (aftersale eligibility)."""
        data = await cancellations.aftersale_eligibility(
            self.transport, self._tokens(credentials), credentials.shop_cipher, order_id
        )
        return mapped(mapping.available_cancel_reasons, data)

    async def cancel_order(self, credentials: ShopCredentials, order_id: OrderId, reason: str) -> str:
        """`reason` must be one of the order's eligible reason names; empty takes the first one.
        Safe to call again: an order found cancelled on TikTok counts as done."""
        return await seller_cancellation.cancel_whole_order(
            self.transport, self._tokens(credentials), credentials.shop_cipher, order_id, reason
        )
