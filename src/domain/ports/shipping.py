"""Repositories of seller shipping: shipment records, carrier mappings, cached providers, and the
SHOPLINE fulfillments this service created itself (whose webhooks are its own echoes)."""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from datetime import datetime
from typing import Protocol, runtime_checkable

from domain.fulfillment import CachedProviders, CarrierMapping, SellerShipment, ShipmentKey
from domain.ids import AppId, OrderId, ShopId, ShoplineOrderId


@runtime_checkable
class ShipmentRepository(Protocol):
    """Seller shipments, unique per ``ShipmentKey``; ``update`` raises ``StaleWrite`` when the
    record changed since it was read (two senders, or a sender and a mapping change)."""

    async def add(self, shipment: SellerShipment) -> None:
        """``StaleWrite`` when a shipment with the same key exists (a concurrent recording)."""
        ...

    async def update(self, shipment: SellerShipment) -> None: ...
    async def find(self, shop_id: ShopId, shipment_id: str) -> SellerShipment | None: ...
    async def find_by_key(self, key: ShipmentKey) -> SellerShipment | None: ...
    async def for_order(self, shop_id: ShopId, order_id: OrderId) -> builtins.list[SellerShipment]:
        """Oldest first."""
        ...

    async def for_orders(
        self, shop_id: ShopId, order_ids: Iterable[OrderId]
    ) -> dict[OrderId, builtins.list[SellerShipment]]: ...
    async def for_fulfillment(self, app_id: AppId, fulfillment_id: str) -> builtins.list[SellerShipment]:
        """The shipments a SHOPLINE fulfillment became."""
        ...

    async def due(self, now: datetime, *, limit: int) -> builtins.list[SellerShipment]:
        """Pending shipments past their back-off and sent ones whose lease ended, oldest first."""
        ...

    async def blocked(self, shop_id: ShopId) -> builtins.list[SellerShipment]: ...

    async def imported_order(
        self, app_id: AppId, shopline_order_id: ShoplineOrderId
    ) -> tuple[ShopId, OrderId] | None:
        """The TikTok order of the app that was imported as this SHOPLINE order, if any."""
        ...


@runtime_checkable
class CarrierMappingRepository(Protocol):
    """Per shop: SHOPLINE carrier (by ``carrier_key``) → TikTok provider, and the default."""

    async def for_shop(self, shop_id: ShopId) -> dict[str, CarrierMapping]:
        """Keyed by ``carrier_key``; the default under ``DEFAULT_MAPPING_KEY``."""
        ...

    async def put(self, shop_id: ShopId, mapping: CarrierMapping) -> None: ...


@runtime_checkable
class ShippingProviderCache(Protocol):
    async def find(self, shop_id: ShopId, delivery_option_id: str) -> CachedProviders | None: ...
    async def for_shop(self, shop_id: ShopId) -> builtins.list[CachedProviders]:
        """By delivery option id."""
        ...

    async def put(self, entry: CachedProviders) -> None: ...
    async def drop_others(self, shop_id: ShopId, keep: Iterable[str]) -> None:
        """Forgets the shop's delivery options not in ``keep`` (TikTok removed them)."""
        ...


@runtime_checkable
class OwnShoplineFulfillments(Protocol):
    """The SHOPLINE fulfillments this service created (from TikTok's own shipping): their
    ``fulfillments/create`` webhooks and poll sightings are echoes, never shipped back to TikTok.
    The flow that creates them records each one here in the same transaction."""

    async def record(
        self, app_id: AppId, shopline_order_id: ShoplineOrderId, fulfillment_id: str, now: datetime
    ) -> None: ...

    async def created_by_us(self, app_id: AppId, fulfillment_id: str) -> bool: ...
