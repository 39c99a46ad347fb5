"""The fake database's tables: copy-in, copy-out storage that the fake repositories share."""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

from domain.analytics import (
    StoreOrder,
)
from domain.app import App
from domain.authorization_state import PendingOAuth
from domain.catalog import ChannelProduct
from domain.channel import (
    ShoplineVariant,
)
from domain.customers import CustomerLink
from domain.errors import (
    DomainError,
)
from domain.fulfillment import CachedProviders, CarrierMapping, SellerShipment
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
from domain.inventory_pool import InventoryPool
from domain.order import (
    ImportKey,
    Order,
)
from domain.paging import Page
from domain.ports import CompletedRequest
from domain.returns import OrderReturn
from domain.shop import Shop
from domain.stock_push import PushState
from domain.task import Task
from domain.tokens import ShoplineToken, TikTokToken
from domain.webhooks import WebhookDelivery, WebhookSource

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass
class FakeState:
    """Every table of the fake database."""

    apps: dict[AppId, App] = field(default_factory=dict)
    shops: dict[ShopId, Shop] = field(default_factory=dict)
    tiktok_tokens: dict[ShopId, TikTokToken] = field(default_factory=dict)
    shopline_tokens: dict[AppId, ShoplineToken] = field(default_factory=dict)
    pools: dict[PoolId, InventoryPool] = field(default_factory=dict)
    push_states: dict[tuple[PoolId, ChannelSkuId], PushState] = field(default_factory=dict)
    orders: dict[tuple[ShopId, OrderId], Order] = field(default_factory=dict)
    products: dict[tuple[ShopId, ChannelProductId], ChannelProduct] = field(default_factory=dict)
    tasks: dict[TaskId, Task] = field(default_factory=dict)
    ledger: dict[ImportKey, ShoplineOrderId] = field(default_factory=dict)
    shop_links: dict[TikTokShopId, AppId] = field(default_factory=dict)
    oauth_states: dict[str, PendingOAuth] = field(default_factory=dict)
    shopline_variants: dict[tuple[AppId, ShoplineVariantId], ShoplineVariant] = field(default_factory=dict)
    completed_requests: dict[tuple[AppId, str], CompletedRequest] = field(default_factory=dict)
    store_orders: dict[tuple[AppId, ShoplineOrderId], StoreOrder] = field(default_factory=dict)
    store_orders_synced_until: dict[AppId, datetime] = field(default_factory=dict)
    webhook_inbox: dict[tuple[WebhookSource, str], WebhookDelivery] = field(default_factory=dict)
    webhook_subscribed: dict[tuple[WebhookSource, str], datetime] = field(default_factory=dict)
    customer_links: dict[tuple[AppId, str], CustomerLink] = field(default_factory=dict)
    shipments: dict[tuple[ShopId, str], SellerShipment] = field(default_factory=dict)
    carrier_mappings: dict[ShopId, dict[str, CarrierMapping]] = field(default_factory=dict)
    shipping_providers: dict[tuple[ShopId, str], CachedProviders] = field(default_factory=dict)
    own_shopline_fulfillments: dict[tuple[AppId, str], ShoplineOrderId] = field(default_factory=dict)
    returns: dict[tuple[ShopId, str], OrderReturn] = field(default_factory=dict)


def _detached(aggregate: V) -> V:
    """A copy without pending events, as a row read back from the database would be."""
    duplicate = copy.deepcopy(aggregate)
    if hasattr(duplicate, "_events"):
        duplicate._events = []
    return duplicate


class _Table(Generic[K, V]):
    """Copy-in, copy-out storage with keyset paging over the string form of the key."""

    def __init__(
        self,
        rows: Callable[[], dict[K, V]],
        not_found: Callable[[str], DomainError],
        already_exists: Callable[[str], DomainError],
        seen: Callable[[object], None],
    ) -> None:
        self._rows = rows
        self._not_found = not_found
        self._already_exists = already_exists
        self._seen = seen

    def get(self, key: K) -> V:
        try:
            row = self._rows()[key]
        except KeyError:
            raise self._not_found(_name(key)) from None
        found = _detached(row)
        self._seen(found)
        return found

    def find(self, key: K) -> V | None:
        return self.get(key) if key in self._rows() else None

    def find_where(self, predicate: Callable[[V], bool]) -> V | None:
        for key in sorted(self._rows(), key=_name):
            if predicate(self._rows()[key]):
                return self.get(key)
        return None

    def add(self, key: K, aggregate: V) -> None:
        if key in self._rows():
            raise self._already_exists(_name(key))
        self._seen(aggregate)
        self._rows()[key] = _detached(aggregate)

    def update(self, key: K, aggregate: V) -> None:
        if key not in self._rows():
            raise self._not_found(_name(key))
        self._seen(aggregate)
        self._rows()[key] = _detached(aggregate)

    def put(self, key: K, aggregate: V) -> None:
        self._seen(aggregate)
        self._rows()[key] = _detached(aggregate)

    def delete(self, key: K) -> None:
        if key not in self._rows():
            raise self._not_found(_name(key))
        del self._rows()[key]

    def delete_where(self, predicate: Callable[[V], bool]) -> int:
        doomed = [k for k, v in self._rows().items() if predicate(v)]
        for key in doomed:
            del self._rows()[key]
        return len(doomed)

    def count_where(self, predicate: Callable[[V], bool]) -> int:
        return sum(1 for row in self._rows().values() if predicate(row))

    def rows_where(self, predicate: Callable[[V], bool]) -> list[V]:
        return [_detached(row) for row in self._rows().values() if predicate(row)]

    def page(self, predicate: Callable[[V], bool], page_size: int, after: str | None) -> Page[V]:
        keys = sorted((k for k, v in self._rows().items() if predicate(v)), key=_name)
        if after is not None:
            keys = [k for k in keys if _name(k) > after]
        chosen = keys[: max(page_size, 1)]
        more = len(keys) > len(chosen)
        items = [self.get(k) for k in chosen]
        return Page(items, _name(chosen[-1]) if more and chosen else None)


def _name(key: object) -> str:
    return "/".join(key) if isinstance(key, tuple) else str(key)


def _standalone(state: Callable[[], FakeState] | FakeState | None) -> Callable[[], FakeState]:
    if callable(state):
        return state
    fixed = state or FakeState()
    return lambda: fixed


def _ignore(_: object) -> None:
    return None
