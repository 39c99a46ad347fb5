"""The partner APIs (TikTok Shop, SHOPLINE). Their adapters raise ``PartnerError`` subclasses only."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from domain.analytics import StoreOrder
from domain.channel import (
    AuthorizedShop,
    ChannelProductData,
    InventoryLevel,
    InventoryUpdate,
    ItemFailure,
    NewShoplineOrder,
    PriceUpdate,
    ResultPage,
    ShopCredentials,
    ShoplineCredentials,
    ShoplineLocation,
    ShoplineOrderRef,
    ShoplineVariant,
    TikTokCancellation,
    TikTokOrderData,
    TimeWindow,
    Warehouse,
)
from domain.customers import NewShoplineCustomer, ShoplineCustomer
from domain.ids import (
    ChannelProductId,
    OrderId,
    ShoplineCustomerId,
    ShoplineOrderId,
    ShoplineVariantId,
)
from domain.logistics import (
    ShoplineAddress,
)
from domain.money import Money
from domain.secret import Secret
from domain.tokens import ShoplineGrant, TikTokGrant
from domain.webhook_subscriptions import WebhookSubscription


@runtime_checkable
class TikTokTokenRefresh(Protocol):
    """Renewing a TikTok grant: all that keeping tokens alive needs from TikTok."""

    async def refresh(self, refresh_token: Secret) -> TikTokGrant:
        """``PartnerTokenRevoked`` when TikTok rejects the refresh token as invalid or expired."""
        ...


@runtime_checkable
class AccessTokenRefresher(Protocol):
    """What the TikTok adapter asks for a new access token after TikTok rejected a shop's one."""

    async def refresh_for(self, credentials: ShopCredentials) -> Secret | None:
        """A fresh access token for the shop of ``credentials`` (the rotated pair already
        stored), or None when the shop cannot be refreshed. Passing partner failures propagate."""
        ...


@runtime_checkable
class TikTokChannelApi(Protocol):
    """TikTok Shop Partner API. Raises ``PartnerError`` subclasses only."""

    async def exchange_code(self, code: str) -> TikTokGrant: ...
    async def refresh(self, refresh_token: Secret) -> TikTokGrant:
        """``PartnerTokenRevoked`` when TikTok rejects the refresh token as invalid or expired."""
        ...

    async def authorized_shops(self, access_token: Secret) -> list[AuthorizedShop]: ...

    def authorization_url(self, region: str, state: str) -> str:
        """The consent page for sellers of ``region`` (a ``Region`` value); TikTok echoes ``state``."""
        ...

    def search_products(
        self, credentials: ShopCredentials, window: TimeWindow, *, page_size: int = 100
    ) -> AsyncIterator[ResultPage[ChannelProductData]]:
        """Products updated in ``window``, page by page."""
        ...

    async def get_product(
        self, credentials: ShopCredentials, product_id: ChannelProductId
    ) -> ChannelProductData: ...
    async def update_inventory(
        self, credentials: ShopCredentials, product_id: ChannelProductId, updates: Sequence[InventoryUpdate]
    ) -> list[ItemFailure]: ...
    async def update_prices(
        self, credentials: ShopCredentials, product_id: ChannelProductId, updates: Sequence[PriceUpdate]
    ) -> list[ItemFailure]: ...

    def search_orders(
        self, credentials: ShopCredentials, window: TimeWindow, *, page_size: int = 100
    ) -> AsyncIterator[ResultPage[TikTokOrderData]]:
        """Orders updated in ``window`` (start inclusive, end exclusive), oldest update first."""
        ...

    def search_order_ids(
        self, credentials: ShopCredentials, window: TimeWindow, *, page_size: int = 100
    ) -> AsyncIterator[ResultPage[OrderId]]:
        """The ids of ``search_orders``'s pages, for callers that read the details anyway."""
        ...

    async def get_orders(
        self, credentials: ShopCredentials, order_ids: Sequence[OrderId]
    ) -> list[TikTokOrderData]:
        """At most 50 ids per call."""
        ...

    def search_cancellations(
        self, credentials: ShopCredentials, window: TimeWindow, *, page_size: int = 100
    ) -> AsyncIterator[ResultPage[TikTokCancellation]]: ...

    async def order_cancellations(
        self, credentials: ShopCredentials, order_id: OrderId
    ) -> list[TikTokCancellation]:
        """The cancellations of one order (the search filtered by ``order_ids``), any status."""
        ...

    async def approve_cancellation(self, credentials: ShopCredentials, cancel_id: str) -> None: ...
    async def reject_cancellation(
        self, credentials: ShopCredentials, cancel_id: str, reason: str
    ) -> None: ...
    async def cancel_order(self, credentials: ShopCredentials, order_id: OrderId, reason: str) -> str:
        """Seller cancellation of the whole order; returns the cancel id."""
        ...

    async def cancel_reasons(self, credentials: ShopCredentials, order_id: OrderId) -> list[str]:
        """Reason names TikTok accepts now for a seller cancellation of the order (aftersale
        eligibility); empty when the seller cannot cancel it."""
        ...

    async def warehouses(self, credentials: ShopCredentials) -> list[Warehouse]: ...

    async def subscribe_webhook(self, credentials: ShopCredentials, event_type: str, address: str) -> None:
        """Sends the shop's events of ``event_type`` (an Event API name) to ``address`` from now on,
        replacing the address held for that type."""
        ...

    async def webhook_subscriptions(self, credentials: ShopCredentials) -> list[WebhookSubscription]:
        """The shop's own subscriptions (the app-level URL of Partner Center is not listed)."""
        ...

    async def unsubscribe_webhook(self, credentials: ShopCredentials, event_type: str) -> None:
        """Succeeds when nothing is subscribed for ``event_type``."""
        ...


@runtime_checkable
class ShoplineApi(Protocol):
    """SHOPLINE Open API for one store. Raises ``PartnerError`` subclasses only."""

    async def create_token(self, store_handle: str, code: str) -> ShoplineGrant: ...
    async def refresh_token(self, store_handle: str) -> ShoplineGrant: ...

    def install_url(
        self, store_handle: str, scopes: Sequence[str], redirect_uri: str, custom_field: str | None = None
    ) -> str:
        """SHOPLINE's authorize page for the store; ``custom_field`` comes back on the callback."""
        ...

    def verify_callback(self, params: Mapping[str, str]) -> bool:
        """The redirect's ``sign`` matches its other parameters (adapters may also check recency)."""
        ...

    async def store_currency(self, credentials: ShoplineCredentials) -> str:
        """The store's settlement currency (ISO 4217), the currency of its variant prices."""
        ...

    def variants(
        self, credentials: ShoplineCredentials, currency: str, *, updated_since: datetime | None = None
    ) -> AsyncIterator[Sequence[ShoplineVariant]]:
        """Every variant of every product (of products updated at or after ``updated_since`` when
        given), page by page; SHOPLINE prices are bare amounts, ``currency`` is the store's."""
        ...

    async def update_variant_price(
        self, credentials: ShoplineCredentials, variant_id: ShoplineVariantId, price: Money
    ) -> None: ...
    async def inventory_levels(
        self, credentials: ShoplineCredentials, inventory_item_ids: Sequence[str], location_ids: Sequence[str]
    ) -> list[InventoryLevel]: ...
    async def set_inventory_level(
        self, credentials: ShoplineCredentials, inventory_item_id: str, location_id: str, available: int
    ) -> InventoryLevel: ...
    async def locations(self, credentials: ShoplineCredentials) -> list[ShoplineLocation]: ...
    async def create_order(
        self, credentials: ShoplineCredentials, order: NewShoplineOrder
    ) -> ShoplineOrderRef: ...
    async def find_order_by_channel_marker(
        self, credentials: ShoplineCredentials, channel_marker: str
    ) -> ShoplineOrderRef | None: ...
    async def cancel_order(
        self, credentials: ShoplineCredentials, order_id: ShoplineOrderId, *, restock: bool, reason: str
    ) -> None: ...
    async def order_has_fulfillment(
        self, credentials: ShoplineCredentials, order_id: ShoplineOrderId
    ) -> bool:
        """Whether any of the order's units left in a fulfillment that is not cancelled."""
        ...

    async def update_order_shipping_address(
        self, credentials: ShoplineCredentials, order_id: ShoplineOrderId, address: ShoplineAddress
    ) -> None:
        """``PUT orders/{id}.json`` with the new ``shipping_address`` only."""
        ...

    def orders_updated(
        self, credentials: ShoplineCredentials, window: TimeWindow
    ) -> AsyncIterator[Sequence[ShoplineOrderRef]]: ...

    async def subscribe_webhook(
        self, credentials: ShoplineCredentials, topic: str, address: str, api_version: str
    ) -> WebhookSubscription:
        """One topic per call; ``api_version`` is the event version (v20240601 or later)."""
        ...

    async def webhook_subscriptions(self, credentials: ShoplineCredentials) -> list[WebhookSubscription]: ...
    async def update_webhook_address(
        self, credentials: ShoplineCredentials, subscription_id: str, address: str
    ) -> None: ...
    async def delete_webhook(self, credentials: ShoplineCredentials, subscription_id: str) -> None:
        """``PartnerRejected`` when SHOPLINE has no such subscription."""
        ...

    def store_orders_updated(
        self, credentials: ShoplineCredentials, window: TimeWindow
    ) -> AsyncIterator[Sequence[StoreOrder]]:
        """Full orders updated in ``window`` (start inclusive, end exclusive), page by page;
        orders imported from a channel come with their ``channel_marker`` set."""
        ...


@runtime_checkable
class ShoplineCustomers(Protocol):
    """SHOPLINE Customers (reference B4) for one store. Raises ``PartnerError`` subclasses only."""

    async def find_customer_by_email(
        self, credentials: ShoplineCredentials, email: str
    ) -> ShoplineCustomer | None:
        """The customer whose email is exactly ``email`` (case-insensitive), or None."""
        ...

    async def find_customer_by_phone(
        self, credentials: ShoplineCredentials, phone: str
    ) -> ShoplineCustomer | None:
        """The customer whose phone is ``phone`` (``+<digits>``; SHOPLINE's ``00`` prefix is the same)."""
        ...

    async def get_customer(
        self, credentials: ShoplineCredentials, customer_id: ShoplineCustomerId
    ) -> ShoplineCustomer | None:
        """None when the customer no longer exists (deleted in SHOPLINE)."""
        ...

    async def create_customer(
        self, credentials: ShoplineCredentials, customer: NewShoplineCustomer
    ) -> ShoplineCustomer:
        """``PartnerRejected`` when SHOPLINE refuses it, e.g. its email or phone is taken already."""
        ...
