"""Domain events: past-tense facts recorded by aggregates, published only after a commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.ids import (
    AppId,
    ChannelProductId,
    ChannelSkuId,
    OrderId,
    PoolId,
    ShopId,
    ShoplineOrderId,
    ShoplineVariantId,
    TaskId,
    TikTokShopId,
)


@dataclass(frozen=True)
class DomainEvent:
    """Base of every event."""


class RecordsEvents:
    """Mixin for aggregates: record events while changing state; the unit of work pulls them.

    Each aggregate's constructor sets ``self._events = []``.
    """

    _events: list[DomainEvent]

    def _record(self, event: DomainEvent) -> None:
        self._events.append(event)

    @property
    def pending_events(self) -> tuple[DomainEvent, ...]:
        """Recorded and not yet pulled: lets a use case react inside the same transaction."""
        return tuple(self._events)

    def pull_events(self) -> list[DomainEvent]:
        events, self._events = self._events, []
        return events


# --- App and shops --------------------------------------------------------------------------


@dataclass(frozen=True)
class AppSettingsChanged(DomainEvent):
    app_id: AppId
    occurred_at: datetime


@dataclass(frozen=True)
class AppInstalled(DomainEvent):
    """The merchant completed the installation: the first one or a re-installation."""

    app_id: AppId
    occurred_at: datetime


@dataclass(frozen=True)
class ShopAuthorized(DomainEvent):
    shop_id: ShopId
    app_id: AppId
    tiktok_shop_id: TikTokShopId
    occurred_at: datetime


@dataclass(frozen=True)
class ShopReauthorized(DomainEvent):
    shop_id: ShopId
    app_id: AppId
    tiktok_shop_id: TikTokShopId
    occurred_at: datetime


@dataclass(frozen=True)
class ShopNeedsReauthorization(DomainEvent):
    shop_id: ShopId
    app_id: AppId
    occurred_at: datetime


@dataclass(frozen=True)
class ShopDeauthorized(DomainEvent):
    shop_id: ShopId
    app_id: AppId
    occurred_at: datetime


@dataclass(frozen=True)
class ShopRenamed(DomainEvent):
    shop_id: ShopId
    app_id: AppId
    display_name: str


# --- Tokens ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TikTokTokenRefreshed(DomainEvent):
    shop_id: ShopId
    occurred_at: datetime


@dataclass(frozen=True)
class TikTokTokenRevoked(DomainEvent):
    shop_id: ShopId
    occurred_at: datetime


@dataclass(frozen=True)
class ShoplineTokenRefreshed(DomainEvent):
    app_id: AppId
    occurred_at: datetime


# --- Inventory ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PoolAvailabilityChanged(DomainEvent):
    pool_id: PoolId
    app_id: AppId
    variant_id: ShoplineVariantId
    available: int
    oversold: int


@dataclass(frozen=True)
class PoolLinksChanged(DomainEvent):
    """A channel SKU was linked to or unlinked from the pool, or its cap changed."""

    pool_id: PoolId
    app_id: AppId
    variant_id: ShoplineVariantId


# --- Orders ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineQuantity:
    sku_id: ChannelSkuId
    quantity: int


@dataclass(frozen=True)
class OrderLinesReserved(DomainEvent):
    """The order was first seen holding stock: reserve each line in its pool."""

    app_id: AppId
    shop_id: ShopId
    order_id: OrderId
    lines: tuple[LineQuantity, ...]


@dataclass(frozen=True)
class OrderReleased(DomainEvent):
    """A reserved, never imported order was cancelled: release its reservations."""

    app_id: AppId
    shop_id: ShopId
    order_id: OrderId
    lines: tuple[LineQuantity, ...]


@dataclass(frozen=True)
class OrderImported(DomainEvent):
    """The order now exists in SHOPLINE: commit its reservations (if it held any)."""

    app_id: AppId
    shop_id: ShopId
    order_id: OrderId
    shopline_order_id: ShoplineOrderId
    lines: tuple[LineQuantity, ...]
    had_reservations: bool


@dataclass(frozen=True)
class OrderImportFailed(DomainEvent):
    app_id: AppId
    shop_id: ShopId
    order_id: OrderId
    reason: str


@dataclass(frozen=True)
class ShoplineFulfillmentsOwed(DomainEvent):
    """TikTok shipped packages of an imported order whose tracking TikTok issues: their SHOPLINE
    fulfillments are to be created."""

    app_id: AppId
    shop_id: ShopId
    order_id: OrderId


@dataclass(frozen=True)
class ImportedOrderCancelled(DomainEvent):
    """An imported order was cancelled on TikTok: cancel it in SHOPLINE with restock."""

    app_id: AppId
    shop_id: ShopId
    order_id: OrderId
    shopline_order_id: ShoplineOrderId


# --- Catalog --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SkuLinked(DomainEvent):
    shop_id: ShopId
    product_id: ChannelProductId
    sku_id: ChannelSkuId
    variant_id: ShoplineVariantId
    manual: bool


@dataclass(frozen=True)
class SkuUnlinked(DomainEvent):
    shop_id: ShopId
    product_id: ChannelProductId
    sku_id: ChannelSkuId
    variant_id: ShoplineVariantId


# --- Tasks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskCreated(DomainEvent):
    task_id: TaskId
    app_id: AppId
    kind: str


@dataclass(frozen=True)
class TaskChanged(DomainEvent):
    """State or progress moved; drives the live progress stream."""

    task_id: TaskId
    app_id: AppId
    state: str
    done: int
    total: int | None
