"""Fake repositories of seller shipping over the fake database's tables."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from datetime import datetime

from domain.errors import StaleWrite
from domain.fulfillment import CachedProviders, CarrierMapping, SellerShipment, ShipmentKey
from domain.ids import AppId, OrderId, ShopId, ShoplineOrderId
from domain.order import ImportState
from tests.fakes.tables import FakeState, _detached, _ignore, _standalone


class FakeShipmentRepository:
    def __init__(
        self,
        state: Callable[[], FakeState] | FakeState | None = None,
        seen: Callable[[object], None] = _ignore,
    ) -> None:
        self._state = _standalone(state)
        self._seen = seen

    def _rows(self) -> dict[tuple[ShopId, str], SellerShipment]:
        return self._state().shipments

    def _out(self, shipment: SellerShipment) -> SellerShipment:
        found = _detached(shipment)
        self._seen(found)
        return found

    async def add(self, shipment: SellerShipment) -> None:
        if await self.find_by_key(shipment.key) is not None or (
            (shipment.shop_id, shipment.shipment_id) in self._rows()
        ):
            raise StaleWrite(f"shipments/{shipment.shipment_id}", "a shipment with the same key exists")
        self._seen(shipment)
        shipment.version = 1
        self._rows()[(shipment.shop_id, shipment.shipment_id)] = _detached(shipment)

    async def update(self, shipment: SellerShipment) -> None:
        stored = self._rows().get((shipment.shop_id, shipment.shipment_id))
        if stored is None or stored.version != shipment.version:
            raise StaleWrite(f"shipments/{shipment.shipment_id}", "changed since it was read")
        self._seen(shipment)
        shipment.version += 1
        self._rows()[(shipment.shop_id, shipment.shipment_id)] = _detached(shipment)

    async def find(self, shop_id: ShopId, shipment_id: str) -> SellerShipment | None:
        stored = self._rows().get((shop_id, shipment_id))
        return None if stored is None else self._out(stored)

    async def find_by_key(self, key: ShipmentKey) -> SellerShipment | None:
        for shipment in self._rows().values():
            if shipment.key == key:
                return self._out(shipment)
        return None

    async def for_order(self, shop_id: ShopId, order_id: OrderId) -> list[SellerShipment]:
        return self._where(lambda s: s.shop_id == shop_id and s.order_id == order_id)

    async def for_orders(
        self, shop_id: ShopId, order_ids: Iterable[OrderId]
    ) -> dict[OrderId, list[SellerShipment]]:
        wanted = set(order_ids)
        found: dict[OrderId, list[SellerShipment]] = {}
        for shipment in self._where(lambda s: s.shop_id == shop_id and s.order_id in wanted):
            found.setdefault(shipment.order_id, []).append(shipment)
        return found

    async def for_fulfillment(self, app_id: AppId, fulfillment_id: str) -> list[SellerShipment]:
        return self._where(lambda s: s.app_id == app_id and s.shopline_fulfillment_id == fulfillment_id)

    async def due(self, now: datetime, *, limit: int) -> list[SellerShipment]:
        return self._where(lambda s: s.due(now))[:limit]

    async def blocked(self, shop_id: ShopId) -> list[SellerShipment]:
        return self._where(lambda s: s.shop_id == shop_id and s.state.value == "BLOCKED")

    async def imported_order(
        self, app_id: AppId, shopline_order_id: ShoplineOrderId
    ) -> tuple[ShopId, OrderId] | None:
        for order in self._state().orders.values():
            status = order.import_status
            if (
                order.app_id == app_id
                and status.state is ImportState.IMPORTED
                and status.shopline_order_id == shopline_order_id
            ):
                return order.shop_id, order.id
        return None

    def _where(self, keep: Callable[[SellerShipment], bool]) -> list[SellerShipment]:
        chosen = sorted(
            (s for s in self._rows().values() if keep(s)), key=lambda s: (s.created_at, s.shipment_id)
        )
        return [self._out(s) for s in chosen]


class FakeCarrierMappingRepository:
    def __init__(self, state: Callable[[], FakeState] | FakeState | None = None) -> None:
        self._state = _standalone(state)

    async def for_shop(self, shop_id: ShopId) -> dict[str, CarrierMapping]:
        return dict(self._state().carrier_mappings.get(shop_id, {}))

    async def put(self, shop_id: ShopId, mapping: CarrierMapping) -> None:
        self._state().carrier_mappings.setdefault(shop_id, {})[mapping.carrier_key] = mapping


class FakeShippingProviderCache:
    def __init__(self, state: Callable[[], FakeState] | FakeState | None = None) -> None:
        self._state = _standalone(state)

    async def find(self, shop_id: ShopId, delivery_option_id: str) -> CachedProviders | None:
        return self._state().shipping_providers.get((shop_id, delivery_option_id))

    async def for_shop(self, shop_id: ShopId) -> list[CachedProviders]:
        rows = self._state().shipping_providers
        return [rows[key] for key in sorted(rows) if key[0] == shop_id]

    async def put(self, entry: CachedProviders) -> None:
        self._state().shipping_providers[(entry.shop_id, entry.delivery_option_id)] = copy.copy(entry)

    async def drop_others(self, shop_id: ShopId, keep: Iterable[str]) -> None:
        kept = set(keep)
        rows = self._state().shipping_providers
        for key in [k for k in rows if k[0] == shop_id and k[1] not in kept]:
            del rows[key]


class FakeOwnShoplineFulfillments:
    def __init__(self, state: Callable[[], FakeState] | FakeState | None = None) -> None:
        self._state = _standalone(state)

    async def record(
        self, app_id: AppId, shopline_order_id: ShoplineOrderId, fulfillment_id: str, now: datetime
    ) -> None:
        self._state().own_shopline_fulfillments[(app_id, fulfillment_id)] = shopline_order_id

    async def created_by_us(self, app_id: AppId, fulfillment_id: str) -> bool:
        return (app_id, fulfillment_id) in self._state().own_shopline_fulfillments
