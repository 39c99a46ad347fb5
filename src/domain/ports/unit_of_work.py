"""The unit of work and the records written in its transaction besides the aggregates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

from domain.authorization_state import AuthorizationStateStore
from domain.ids import (
    AppId,
    ShoplineOrderId,
    TikTokShopId,
)
from domain.order import ImportKey
from domain.ports.read_models import ShopOverviews
from domain.ports.repositories import (
    AppRepository,
    ChannelProductRepository,
    CustomerLinkRepository,
    InventoryPoolRepository,
    OrderRepository,
    PushStateRepository,
    ReturnRepository,
    ShoplineVariantRepository,
    ShopRepository,
    StoreOrderRepository,
    TaskRepository,
    TokenRepository,
)
from domain.ports.shipping import (
    CarrierMappingRepository,
    OwnShoplineFulfillments,
    ShipmentRepository,
    ShippingProviderCache,
)
from domain.webhooks import WebhookActivity, WebhookDelivery, WebhookSource


@runtime_checkable
class WebhookInbox(Protocol):
    """Verified webhook deliveries, unique per (source, delivery key), until they are processed."""

    async def add(self, delivery: WebhookDelivery) -> bool:
        """Stores a new delivery; False (and nothing changes) when its key is already stored."""
        ...

    async def pending(self, *, limit: int) -> list[WebhookDelivery]:
        """Unprocessed deliveries, oldest received first."""
        ...

    async def save(self, delivery: WebhookDelivery) -> None:
        """Records a processing outcome (``WebhookDelivery.done`` / ``failed``)."""
        ...

    async def record_subscribed(self, source: WebhookSource, account: str, at: datetime) -> None:
        """Every event of the account was found (or made) subscribed to this service at ``at``."""
        ...

    async def activity(self, source: WebhookSource, account: str, since: datetime) -> WebhookActivity:
        """The account's subscription check and the deliveries received for it."""
        ...


@runtime_checkable
class ImportLedger(Protocol):
    """Which SHOPLINE order each channel order became; survives shop deletion."""

    async def find(self, key: ImportKey) -> ShoplineOrderId | None: ...
    async def record(self, key: ImportKey, shopline_order_id: ShoplineOrderId, now: datetime) -> None:
        """Idempotent for the same SHOPLINE order; ``OrderAlreadyImported`` for another one."""
        ...


@runtime_checkable
class ShopRegistry(Protocol):
    """Which app each TikTok shop is linked to (a unique constraint in the database)."""

    async def claim(self, tiktok_shop_id: TikTokShopId, app_id: AppId) -> None:
        """Idempotent for the same app; ``ShopLinkedToAnotherApp`` when another app holds it."""
        ...

    async def release(self, tiktok_shop_id: TikTokShopId, app_id: AppId) -> None:
        """Frees the shop id if ``app_id`` holds it; otherwise does nothing."""
        ...

    async def owner(self, tiktok_shop_id: TikTokShopId) -> AppId | None: ...


@dataclass(frozen=True)
class CompletedRequest:
    """A call that changed state under a client's ``request_id``: ``operation`` on ``subject``."""

    app_id: AppId
    request_id: str
    operation: str
    subject: str
    completed_at: datetime
    result: str | None = None
    """What the call produced when its subject does not say (e.g. the task a start created)."""


@runtime_checkable
class CompletedRequests(Protocol):
    """Client retry keys, written in the same transaction as the change they name, so a retry
    finds the first call's result instead of doing it again."""

    async def find(self, app_id: AppId, request_id: str) -> CompletedRequest | None: ...
    async def record(self, request: CompletedRequest) -> None:
        """``RequestIdReused`` when the app already used the id for another operation or subject;
        ``StaleWrite`` when a concurrent call with the same id recorded another result first (a
        retry from a fresh read then replays it)."""
        ...


@runtime_checkable
class UnitOfWork(Protocol):
    """``async with uow:`` opens a transaction; leaving without ``commit`` rolls back.

    Events recorded by aggregates loaded or saved through the repositories are published after a
    successful commit, never after a rollback.
    """

    @property
    def apps(self) -> AppRepository: ...
    @property
    def shops(self) -> ShopRepository: ...
    @property
    def tokens(self) -> TokenRepository: ...
    @property
    def inventory_pools(self) -> InventoryPoolRepository: ...
    @property
    def push_states(self) -> PushStateRepository: ...
    @property
    def orders(self) -> OrderRepository: ...
    @property
    def order_returns(self) -> ReturnRepository: ...
    @property
    def channel_products(self) -> ChannelProductRepository: ...
    @property
    def shopline_variants(self) -> ShoplineVariantRepository: ...
    @property
    def tasks(self) -> TaskRepository: ...
    @property
    def store_orders(self) -> StoreOrderRepository: ...
    @property
    def import_ledger(self) -> ImportLedger: ...
    @property
    def shop_registry(self) -> ShopRegistry: ...
    @property
    def webhook_inbox(self) -> WebhookInbox: ...
    @property
    def authorization_states(self) -> AuthorizationStateStore: ...
    @property
    def shop_overviews(self) -> ShopOverviews: ...
    @property
    def completed_requests(self) -> CompletedRequests: ...
    @property
    def customer_links(self) -> CustomerLinkRepository: ...
    @property
    def shipments(self) -> ShipmentRepository: ...
    @property
    def carrier_mappings(self) -> CarrierMappingRepository: ...
    @property
    def shipping_providers(self) -> ShippingProviderCache: ...
    @property
    def own_shopline_fulfillments(self) -> OwnShoplineFulfillments: ...

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...
