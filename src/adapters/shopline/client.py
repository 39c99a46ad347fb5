"""The SHOPLINE port adapter (`domain.ports.ShoplineApi`)."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import aclosing
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx

from adapters.http.ratelimit import KeyedRateLimiter
from adapters.http.retry import RetryPolicy
from adapters.shopline import customers, mapping, orders, products, signing, store_orders, webhooks
from adapters.shopline.auth import ShoplineAuth
from adapters.shopline.transport import (
    DEFAULT_API_VERSION,
    DEFAULT_TIMEOUT,
    DEFAULT_URL_TEMPLATE,
    PARTNER,
    ShoplineTransport,
    default_rate_limiter,
)
from domain.analytics import StoreOrder
from domain.channel import (
    InventoryLevel,
    NewShoplineOrder,
    ShoplineCredentials,
    ShoplineLocation,
    ShoplineOrderRef,
    ShoplineVariant,
    TimeWindow,
)
from domain.customers import NewShoplineCustomer, ShoplineCustomer
from domain.errors import PartnerRejected
from domain.ids import ShoplineCustomerId, ShoplineOrderId, ShoplineVariantId
from domain.logistics import ShoplineAddress
from domain.money import Money
from domain.tokens import ShoplineGrant
from domain.webhook_subscriptions import WebhookSubscription

T = TypeVar("T")

INVENTORY_BEHAVIOURS = frozenset({"bypass", "decrement_ignoring_policy", "decrement_obeying_policy"})


async def _well_formed(call: Awaitable[T]) -> T:
    """The call's answer; a malformed one is a partner refusal, never an escaping ``ValueError``."""
    try:
        return await call
    except (mapping.MalformedResponse, AttributeError, KeyError, TypeError, ValueError) as exc:
        raise PartnerRejected(PARTNER, "malformed_response", str(exc)) from None


def _mapped(convert: Callable[[Any], T], raw: Any) -> T:
    try:
        return convert(raw)
    except (mapping.MalformedResponse, AttributeError, KeyError, TypeError, ValueError) as exc:
        raise PartnerRejected(PARTNER, "malformed_response", str(exc)) from None


class ShoplineClient:
    """Implements `ShoplineApi` over one shared `httpx.AsyncClient`.

    SHOPLINE variants carry a bare amount: callers pass the store's currency (`store_currency`
    reads it from the store information). `inventory_behaviour` decides how imported
    orders take stock; the default decrements even past the variant's policy, because the channel
    has already sold the goods.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        app_key: str,
        app_secret: str,
        url_template: str = DEFAULT_URL_TEMPLATE,
        api_version: str = DEFAULT_API_VERSION,
        rate_limiter: KeyedRateLimiter | None = None,
        inventory_behaviour: str = "decrement_ignoring_policy",
        product_page_size: int = products.PRODUCT_PAGE_LIMIT,
        retry_policy: RetryPolicy | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if inventory_behaviour not in INVENTORY_BEHAVIOURS:
            raise ValueError(f"inventory_behaviour must be one of {sorted(INVENTORY_BEHAVIOURS)}")
        self.transport = ShoplineTransport(
            http,
            url_template=url_template,
            api_version=api_version,
            rate_limiter=rate_limiter if rate_limiter is not None else default_rate_limiter(),
            retry_policy=retry_policy,
            timeout=timeout,
            clock=clock,
            sleep=sleep,
        )
        self.auth = ShoplineAuth(self.transport, app_key=app_key, app_secret=app_secret)
        self._app_secret = app_secret
        self._inventory_behaviour = inventory_behaviour
        self._product_page_size = product_page_size

    def __repr__(self) -> str:
        return f"ShoplineClient({self.transport!r})"

    # ------------------------------------------------------------------ installation and tokens

    def install_url(
        self, store_handle: str, scopes: Sequence[str], redirect_uri: str, custom_field: str | None = None
    ) -> str:
        return self.auth.install_url(store_handle, scopes, redirect_uri, custom_field)

    def verify_callback(self, params: Mapping[str, str]) -> bool:
        return self.auth.verify_callback(params)

    def verify_webhook(self, raw_body: bytes, hmac_header: str | None) -> bool:
        return signing.verify_webhook(self._app_secret, raw_body, hmac_header)

    async def create_token(self, store_handle: str, code: str) -> ShoplineGrant:
        return await self.auth.create_token(store_handle, code)

    async def refresh_token(self, store_handle: str) -> ShoplineGrant:
        return await self.auth.refresh_token(store_handle)

    # ------------------------------------------------------------------ catalog and inventory

    async def store_currency(self, credentials: ShoplineCredentials) -> str:
        data = await products.store_information(
            self.transport, credentials.store_handle, credentials.access_token.reveal()
        )
        return _mapped(mapping.store_currency, data)

    async def variants(
        self, credentials: ShoplineCredentials, currency: str, *, updated_since: datetime | None = None
    ) -> AsyncIterator[Sequence[ShoplineVariant]]:
        handle = credentials.store_handle
        # `updated_at_min` is second-grained: round down so nothing at the boundary is missed.
        since = None if updated_since is None else mapping.iso_text(updated_since.replace(microsecond=0))
        pages = products.list_products(
            self.transport,
            handle,
            credentials.access_token.reveal(),
            limit=self._product_page_size,
            updated_at_min=since,
        )
        async with aclosing(pages):
            async for data in pages:
                yield _mapped(lambda d: mapping.variants_of_products(d, currency), data)

    async def get_variant(
        self, credentials: ShoplineCredentials, variant_id: ShoplineVariantId, currency: str
    ) -> ShoplineVariant:
        """One variant (not part of the port); its title is the option, the product title being elsewhere."""
        data = await products.get_variant(
            self.transport, credentials.store_handle, credentials.access_token.reveal(), variant_id
        )
        return _mapped(lambda d: mapping.variant(d["variant"], currency), data)

    async def update_variant_price(
        self, credentials: ShoplineCredentials, variant_id: ShoplineVariantId, price: Money
    ) -> None:
        await products.update_variant_price(
            self.transport,
            credentials.store_handle,
            credentials.access_token.reveal(),
            variant_id,
            mapping.price_text(price),
        )

    async def inventory_levels(
        self, credentials: ShoplineCredentials, inventory_item_ids: Sequence[str], location_ids: Sequence[str]
    ) -> list[InventoryLevel]:
        if not inventory_item_ids:
            return []
        bodies = await products.inventory_levels(
            self.transport,
            credentials.store_handle,
            credentials.access_token.reveal(),
            list(inventory_item_ids),
            list(location_ids),
        )
        return [level for body in bodies for level in _mapped(mapping.inventory_levels, body)]

    async def set_inventory_level(
        self, credentials: ShoplineCredentials, inventory_item_id: str, location_id: str, available: int
    ) -> InventoryLevel:
        data = await products.set_inventory_level(
            self.transport,
            credentials.store_handle,
            credentials.access_token.reveal(),
            inventory_item_id,
            location_id,
            available,
        )
        return _mapped(lambda d: mapping.inventory_level(d["inventory_level"]), data)

    async def locations(self, credentials: ShoplineCredentials) -> list[ShoplineLocation]:
        data = await products.list_locations(
            self.transport, credentials.store_handle, credentials.access_token.reveal()
        )
        return _mapped(mapping.locations, data)

    # ------------------------------------------------------------------ webhook subscriptions

    async def subscribe_webhook(
        self, credentials: ShoplineCredentials, topic: str, address: str, api_version: str
    ) -> WebhookSubscription:
        data = await webhooks.create(
            self.transport,
            credentials.store_handle,
            credentials.access_token.reveal(),
            topic,
            address,
            api_version,
        )
        return _mapped(lambda d: webhooks.subscription(d["webhook"]), data)

    async def webhook_subscriptions(self, credentials: ShoplineCredentials) -> list[WebhookSubscription]:
        data = await webhooks.list_all(
            self.transport, credentials.store_handle, credentials.access_token.reveal()
        )
        return _mapped(webhooks.subscriptions, data)

    async def update_webhook_address(
        self, credentials: ShoplineCredentials, subscription_id: str, address: str
    ) -> None:
        await webhooks.update_address(
            self.transport,
            credentials.store_handle,
            credentials.access_token.reveal(),
            subscription_id,
            address,
        )

    async def delete_webhook(self, credentials: ShoplineCredentials, subscription_id: str) -> None:
        await webhooks.delete(
            self.transport, credentials.store_handle, credentials.access_token.reveal(), subscription_id
        )

    # ------------------------------------------------------------------ orders

    async def create_order(
        self, credentials: ShoplineCredentials, order: NewShoplineOrder
    ) -> ShoplineOrderRef:
        try:
            return await orders.create(
                self.transport,
                credentials.store_handle,
                credentials.access_token.reveal(),
                order,
                self._inventory_behaviour,
            )
        except (mapping.MalformedResponse, AttributeError, KeyError, TypeError, ValueError) as exc:
            raise PartnerRejected(PARTNER, "malformed_response", str(exc)) from None

    async def find_order_by_channel_marker(
        self, credentials: ShoplineCredentials, channel_marker: str
    ) -> ShoplineOrderRef | None:
        try:
            return await orders.find_by_marker(
                self.transport, credentials.store_handle, credentials.access_token.reveal(), channel_marker
            )
        except (mapping.MalformedResponse, AttributeError, KeyError, TypeError, ValueError) as exc:
            raise PartnerRejected(PARTNER, "malformed_response", str(exc)) from None

    async def cancel_order(
        self, credentials: ShoplineCredentials, order_id: ShoplineOrderId, *, restock: bool, reason: str
    ) -> None:
        await orders.cancel(
            self.transport,
            credentials.store_handle,
            credentials.access_token.reveal(),
            order_id,
            restock=restock,
            reason=reason,
        )

    async def order_has_fulfillment(
        self, credentials: ShoplineCredentials, order_id: ShoplineOrderId
    ) -> bool:
        try:
            return await orders.has_fulfillment(
                self.transport, credentials.store_handle, credentials.access_token.reveal(), order_id
            )
        except (mapping.MalformedResponse, AttributeError, KeyError, TypeError, ValueError) as exc:
            raise PartnerRejected(PARTNER, "malformed_response", str(exc)) from None

    async def update_order_shipping_address(
        self, credentials: ShoplineCredentials, order_id: ShoplineOrderId, address: ShoplineAddress
    ) -> None:
        await orders.update_shipping_address(
            self.transport, credentials.store_handle, credentials.access_token.reveal(), order_id, address
        )

    # ------------------------------------------------------------------ customers (ShoplineCustomers)

    async def find_customer_by_email(
        self, credentials: ShoplineCredentials, email: str
    ) -> ShoplineCustomer | None:
        return await _well_formed(
            customers.by_email(
                self.transport, credentials.store_handle, credentials.access_token.reveal(), email
            )
        )

    async def find_customer_by_phone(
        self, credentials: ShoplineCredentials, phone: str
    ) -> ShoplineCustomer | None:
        return await _well_formed(
            customers.by_phone(
                self.transport, credentials.store_handle, credentials.access_token.reveal(), phone
            )
        )

    async def get_customer(
        self, credentials: ShoplineCredentials, customer_id: ShoplineCustomerId
    ) -> ShoplineCustomer | None:
        token = credentials.access_token.reveal()
        return await _well_formed(customers.get(self.transport, credentials.store_handle, token, customer_id))

    async def create_customer(
        self, credentials: ShoplineCredentials, customer: NewShoplineCustomer
    ) -> ShoplineCustomer:
        token = credentials.access_token.reveal()
        return await _well_formed(customers.create(self.transport, credentials.store_handle, token, customer))

    async def orders_updated(
        self, credentials: ShoplineCredentials, window: TimeWindow
    ) -> AsyncIterator[Sequence[ShoplineOrderRef]]:
        # `updated_at_max` is inclusive and second-grained; the window's end is exclusive.
        first = datetime.fromtimestamp(math.floor(window.start.timestamp()), UTC)
        last = datetime.fromtimestamp(math.ceil(window.end.timestamp()) - 1, UTC)
        if last < first:
            return
        pages = orders.updated_between(
            self.transport, credentials.store_handle, credentials.access_token.reveal(), first, last
        )
        async with aclosing(pages):
            async for data in pages:
                yield _mapped(mapping.order_refs, data)

    async def store_orders_updated(
        self, credentials: ShoplineCredentials, window: TimeWindow
    ) -> AsyncIterator[Sequence[StoreOrder]]:
        # Same second-grained, inclusive bounds as `orders_updated`.
        first = datetime.fromtimestamp(math.floor(window.start.timestamp()), UTC)
        last = datetime.fromtimestamp(math.ceil(window.end.timestamp()) - 1, UTC)
        if last < first:
            return
        pages = store_orders.updated_between(
            self.transport, credentials.store_handle, credentials.access_token.reveal(), first, last
        )
        async with aclosing(pages):
            async for data in pages:
                yield _mapped(store_orders.store_orders, data)
