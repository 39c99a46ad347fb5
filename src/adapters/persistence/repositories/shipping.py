"""Seller shipping's records: shipments (versioned), carrier mappings, the providers cache and the
SHOPLINE fulfillments this service created."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.repositories.common import limit_for, upsert_insert, versioned_update
from adapters.persistence.repositories.seen import Seen
from adapters.persistence.tables import (
    carrier_mappings,
    order_shipments,
    orders,
    own_shopline_fulfillments,
    shipping_provider_cache,
)
from domain.errors import StaleWrite
from domain.fulfillment import (
    CachedProviders,
    CarrierMapping,
    SellerShipment,
    ShipmentKey,
    ShipmentSource,
    ShipmentState,
    TrackingChange,
    TrackingUpdateState,
)
from domain.ids import AppId, OrderId, ShopId, ShoplineOrderId
from domain.logistics import ShippingProvider
from domain.order import ImportState

_S = order_shipments


class SqlAlchemyShipmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self.seen: Seen[SellerShipment] = Seen()

    async def add(self, shipment: SellerShipment) -> None:
        try:
            async with self._session.begin_nested():
                await self._session.execute(_S.insert().values(**_row(shipment), version=1))
        except IntegrityError:
            raise StaleWrite(
                f"shipments/{shipment.shipment_id}", "a shipment with the same key exists"
            ) from None
        shipment.version = 1
        self.seen.add(shipment)

    async def update(self, shipment: SellerShipment) -> None:
        where = and_(_S.c.shop_id == shipment.shop_id, _S.c.id == shipment.shipment_id)
        shipment.version = await versioned_update(
            self._session,
            _S,
            where,
            shipment.version,
            _row(shipment),
            subject=f"shipments/{shipment.shipment_id}",
            not_found=StaleWrite(f"shipments/{shipment.shipment_id}", "is gone"),
        )
        self.seen.add(shipment)

    async def find(self, shop_id: ShopId, shipment_id: str) -> SellerShipment | None:
        found = await self._select(and_(_S.c.shop_id == shop_id, _S.c.id == shipment_id))
        return found[0] if found else None

    async def find_by_key(self, key: ShipmentKey) -> SellerShipment | None:
        found = await self._select(
            and_(
                _S.c.shop_id == key.shop_id,
                _S.c.order_id == key.order_id,
                _S.c.lines_digest == key.lines_digest,
                _S.c.tracking_number == key.tracking_number,
            )
        )
        return found[0] if found else None

    async def for_order(self, shop_id: ShopId, order_id: OrderId) -> builtins.list[SellerShipment]:
        return await self._select(and_(_S.c.shop_id == shop_id, _S.c.order_id == order_id))

    async def for_orders(
        self, shop_id: ShopId, order_ids: Iterable[OrderId]
    ) -> dict[OrderId, builtins.list[SellerShipment]]:
        wanted = sorted(set(order_ids))
        found: dict[OrderId, builtins.list[SellerShipment]] = {}
        if not wanted:
            return found
        for shipment in await self._select(and_(_S.c.shop_id == shop_id, _S.c.order_id.in_(wanted))):
            found.setdefault(shipment.order_id, []).append(shipment)
        return found

    async def for_fulfillment(self, app_id: AppId, fulfillment_id: str) -> builtins.list[SellerShipment]:
        return await self._select(and_(_S.c.app_id == app_id, _S.c.shopline_fulfillment_id == fulfillment_id))

    async def due(self, now: datetime, *, limit: int) -> builtins.list[SellerShipment]:
        waiting = or_(_S.c.next_attempt_at.is_(None), _S.c.next_attempt_at <= now)
        condition = or_(
            and_(_S.c.state == ShipmentState.PENDING.value, waiting),
            and_(
                _S.c.state == ShipmentState.SENT.value,
                or_(_S.c.lease_until.is_(None), _S.c.lease_until <= now),
            ),
            and_(
                _S.c.state == ShipmentState.CONFIRMED.value,
                _S.c.tracking_change_state == TrackingUpdateState.PENDING.value,
                waiting,
            ),
        )
        return await self._select(condition, limit=limit_for(limit))

    async def blocked(self, shop_id: ShopId) -> builtins.list[SellerShipment]:
        return await self._select(and_(_S.c.shop_id == shop_id, _S.c.state == ShipmentState.BLOCKED.value))

    async def imported_order(
        self, app_id: AppId, shopline_order_id: ShoplineOrderId
    ) -> tuple[ShopId, OrderId] | None:
        query = (
            select(orders.c.shop_id, orders.c.id)
            .where(
                orders.c.app_id == app_id,
                orders.c.shopline_order_id == shopline_order_id,
                orders.c.import_state == ImportState.IMPORTED.value,
            )
            .limit(1)
        )
        row = (await self._session.execute(query)).first()
        return None if row is None else (ShopId(row[0]), OrderId(row[1]))

    async def _select(self, condition: Any, *, limit: int | None = None) -> builtins.list[SellerShipment]:
        query = select(_S).where(condition).order_by(_S.c.created_at, _S.c.id)
        if limit is not None:
            query = query.limit(limit)
        shipments = [_shipment(row) for row in (await self._session.execute(query)).mappings()]
        for shipment in shipments:
            self.seen.add(shipment)
        return shipments


def _row(shipment: SellerShipment) -> dict[str, Any]:
    change = shipment.tracking_change
    return {
        "shop_id": shipment.shop_id,
        "id": shipment.shipment_id,
        "app_id": shipment.app_id,
        "order_id": shipment.order_id,
        "lines_digest": shipment.key.lines_digest,
        "tracking_number": shipment.key.tracking_number,
        "line_item_ids": list(shipment.line_item_ids),
        "carrier_name": shipment.carrier_name,
        "source": shipment.source.value,
        "shopline_fulfillment_id": shipment.shopline_fulfillment_id,
        "provider_id": shipment.provider_id,
        "provider_name": shipment.provider_name,
        "explicit_provider": shipment.explicit_provider,
        "state": shipment.state.value,
        "package_ids": list(shipment.package_ids),
        "blocked_reason": shipment.blocked_reason,
        "failure_code": shipment.failure_code,
        "failure_message": shipment.failure_message,
        "attempts": shipment.attempts,
        "next_attempt_at": shipment.next_attempt_at,
        "lease_until": shipment.lease_until,
        "confirmed_at": shipment.confirmed_at,
        "created_at": shipment.created_at,
        "updated_at": shipment.updated_at,
        "tracking_change": None
        if change is None
        else {
            "tracking_number": change.tracking_number,
            "carrier_name": change.carrier_name,
            "state": change.state.value,
            "refusal_code": change.refusal_code,
            "refusal_message": change.refusal_message,
        },
        "tracking_change_state": TrackingUpdateState.NONE.value if change is None else change.state.value,
        "changed_tracking": shipment.changed_tracking,
    }


def _shipment(row: Mapping[str, Any]) -> SellerShipment:
    change = row["tracking_change"]
    return SellerShipment(
        shipment_id=row["id"],
        app_id=AppId(row["app_id"]),
        key=ShipmentKey(
            ShopId(row["shop_id"]),
            OrderId(row["order_id"]),
            tuple(row["line_item_ids"]),
            row["tracking_number"],
        ),
        carrier_name=row["carrier_name"],
        source=ShipmentSource(row["source"]),
        created_at=row["created_at"],
        shopline_fulfillment_id=row["shopline_fulfillment_id"],
        provider_id=row["provider_id"],
        provider_name=row["provider_name"],
        explicit_provider=row["explicit_provider"],
        state=ShipmentState(row["state"]),
        package_ids=tuple(row["package_ids"]),
        blocked_reason=row["blocked_reason"],
        failure_code=row["failure_code"],
        failure_message=row["failure_message"],
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        lease_until=row["lease_until"],
        confirmed_at=row["confirmed_at"],
        updated_at=row["updated_at"],
        tracking_change=None
        if change is None
        else TrackingChange(
            change["tracking_number"],
            change["carrier_name"],
            TrackingUpdateState(change["state"]),
            change["refusal_code"],
            change["refusal_message"],
        ),
        changed_tracking=row["changed_tracking"],
        version=row["version"],
    )


class SqlAlchemyCarrierMappingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def for_shop(self, shop_id: ShopId) -> dict[str, CarrierMapping]:
        rows = await self._session.execute(
            select(carrier_mappings).where(carrier_mappings.c.shop_id == shop_id)
        )
        return {
            row["carrier_key"]: CarrierMapping(
                row["carrier_key"],
                row["carrier_name"],
                row["provider_id"],
                row["provider_name"],
                row["updated_at"],
            )
            for row in rows.mappings()
        }

    async def put(self, shop_id: ShopId, mapping: CarrierMapping) -> None:
        values = {
            "carrier_name": mapping.carrier_name,
            "provider_id": mapping.provider_id,
            "provider_name": mapping.provider_name,
            "updated_at": mapping.updated_at,
        }
        statement = (
            upsert_insert(self._session, carrier_mappings)
            .values(shop_id=shop_id, carrier_key=mapping.carrier_key, **values)
            .on_conflict_do_update(
                index_elements=[carrier_mappings.c.shop_id, carrier_mappings.c.carrier_key], set_=values
            )
        )
        await self._session.execute(statement)


class SqlAlchemyShippingProviderCache:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._t = shipping_provider_cache

    async def find(self, shop_id: ShopId, delivery_option_id: str) -> CachedProviders | None:
        query = select(self._t).where(
            self._t.c.shop_id == shop_id, self._t.c.delivery_option_id == delivery_option_id
        )
        row = (await self._session.execute(query)).mappings().first()
        return None if row is None else _cached(row)

    async def for_shop(self, shop_id: ShopId) -> builtins.list[CachedProviders]:
        query = select(self._t).where(self._t.c.shop_id == shop_id).order_by(self._t.c.delivery_option_id)
        return [_cached(row) for row in (await self._session.execute(query)).mappings()]

    async def put(self, entry: CachedProviders) -> None:
        values = {
            "delivery_option_name": entry.delivery_option_name,
            "providers": [{"id": p.provider_id, "name": p.name} for p in entry.providers],
            "fulfilled_by_tiktok": entry.fulfilled_by_tiktok,
            "fetched_at": entry.fetched_at,
        }
        statement = (
            upsert_insert(self._session, self._t)
            .values(shop_id=entry.shop_id, delivery_option_id=entry.delivery_option_id, **values)
            .on_conflict_do_update(
                index_elements=[self._t.c.shop_id, self._t.c.delivery_option_id], set_=values
            )
        )
        await self._session.execute(statement)

    async def drop_others(self, shop_id: ShopId, keep: Iterable[str]) -> None:
        kept = sorted(set(keep))
        condition = self._t.c.shop_id == shop_id
        if kept:
            condition = and_(condition, self._t.c.delivery_option_id.not_in(kept))
        await self._session.execute(delete(self._t).where(condition))


def _cached(row: Mapping[str, Any]) -> CachedProviders:
    return CachedProviders(
        ShopId(row["shop_id"]),
        row["delivery_option_id"],
        tuple(ShippingProvider(p["id"], p["name"]) for p in row["providers"]),
        row["fetched_at"],
        row["delivery_option_name"],
        row["fulfilled_by_tiktok"],
    )


class SqlAlchemyOwnShoplineFulfillments:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(
        self, app_id: AppId, shopline_order_id: ShoplineOrderId, fulfillment_id: str, now: datetime
    ) -> None:
        statement = (
            upsert_insert(self._session, own_shopline_fulfillments)
            .values(
                app_id=app_id,
                fulfillment_id=fulfillment_id,
                shopline_order_id=shopline_order_id,
                created_at=now,
            )
            .on_conflict_do_nothing()
        )
        await self._session.execute(statement)

    async def created_by_us(self, app_id: AppId, fulfillment_id: str) -> bool:
        query = select(own_shopline_fulfillments.c.fulfillment_id).where(
            own_shopline_fulfillments.c.app_id == app_id,
            own_shopline_fulfillments.c.fulfillment_id == fulfillment_id,
        )
        return (await self._session.execute(query)).first() is not None
