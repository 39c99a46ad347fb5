"""TikTok returns: one row per return, its lines and refund breakdown as JSON."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, delete, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.repositories.common import limit_for, rowcount, versioned_update
from adapters.persistence.tables import order_returns
from domain.errors import ReturnNotFound, StaleWrite
from domain.ids import AppId, ChannelSkuId, OrderId, ShopId
from domain.money import Money
from domain.paging import Page
from domain.returns import (
    OrderReturn,
    RefundAmount,
    RefundState,
    ReturnFilter,
    ReturnLine,
    ReturnRole,
    ReturnStatus,
    ReturnType,
    newest_first_position,
    parse_newest_first_position,
)

ReturnKey = tuple[ShopId, str]


def _name(shop_id: ShopId, return_id: str) -> str:
    return f"shops/{shop_id}/returns/{return_id}"


class SqlAlchemyReturnRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._versions: dict[ReturnKey, int] = {}

    async def get(self, shop_id: ShopId, return_id: str) -> OrderReturn:
        found = await self.find(shop_id, return_id)
        if found is None:
            raise ReturnNotFound(_name(shop_id, return_id))
        return found

    async def find(self, shop_id: ShopId, return_id: str) -> OrderReturn | None:
        found = await self._load(_key_is(shop_id, return_id))
        return found[0] if found else None

    async def add(self, found: OrderReturn) -> None:
        try:
            await self._session.execute(insert(order_returns).values(**return_to_row(found), version=1))
        except IntegrityError:
            raise StaleWrite(_name(found.shop_id, found.return_id), "was added concurrently") from None
        self._versions[(found.shop_id, found.return_id)] = 1

    async def update(self, found: OrderReturn) -> None:
        key = (found.shop_id, found.return_id)
        self._versions[key] = await versioned_update(
            self._session,
            order_returns,
            _key_is(*key),
            self._versions.get(key),
            return_to_row(found),
            subject=_name(*key),
            not_found=ReturnNotFound(_name(*key)),
        )

    async def delete_for_shop(self, shop_id: ShopId) -> int:
        result = await self._session.execute(delete(order_returns).where(order_returns.c.shop_id == shop_id))
        for key in [key for key in self._versions if key[0] == shop_id]:
            del self._versions[key]
        return rowcount(result)

    async def of_order(self, shop_id: ShopId, order_id: OrderId) -> builtins.list[OrderReturn]:
        return await self._load(
            (order_returns.c.shop_id == shop_id) & (order_returns.c.order_id == order_id),
            order_by=(order_returns.c.create_time, order_returns.c.return_id),
        )

    async def due_refunds(self, shop_id: ShopId) -> builtins.list[OrderReturn]:
        """The shop's returns whose SHOPLINE refund is still to be made."""
        return await self._load(
            (order_returns.c.shop_id == shop_id) & (order_returns.c.refund_state == RefundState.DUE.value)
        )

    async def search(self, criteria: ReturnFilter, *, page_size: int, after: str | None) -> Page[OrderReturn]:
        """Matching returns newest first; the cursor is ``create time|return id``."""
        limit = limit_for(page_size)
        c = order_returns.c
        where = (c.app_id == criteria.app_id) & (c.shop_id == criteria.shop_id)
        if criteria.order_id is not None:
            where = where & (c.order_id == criteria.order_id)
        if criteria.statuses:
            where = where & c.status.in_(sorted(status.value for status in criteria.statuses))
        if after is not None:
            created, return_id = parse_newest_first_position(after)
            where = where & or_(
                c.create_time < created, (c.create_time == created) & (c.return_id < return_id)
            )
        found = await self._load(where, limit=limit + 1, order_by=(c.create_time.desc(), c.return_id.desc()))
        items = found[:limit]
        more = len(found) > limit and bool(items)
        return Page(items, newest_first_position(items[-1]) if more else None)

    async def _load(
        self,
        where: ColumnElement[bool],
        limit: int | None = None,
        order_by: Sequence[ColumnElement[Any]] = (),
    ) -> builtins.list[OrderReturn]:
        query = select(order_returns).where(where).order_by(*(order_by or (order_returns.c.return_id,)))
        if limit is not None:
            query = query.limit(limit)
        found = []
        for row in (await self._session.execute(query)).mappings():
            item = return_from_row(row)
            self._versions[(item.shop_id, item.return_id)] = row["version"]
            found.append(item)
        return found


def _key_is(shop_id: ShopId, return_id: str) -> ColumnElement[bool]:
    return (order_returns.c.shop_id == shop_id) & (order_returns.c.return_id == return_id)


def return_to_row(found: OrderReturn) -> dict[str, Any]:
    refund = found.refund
    return {
        "shop_id": found.shop_id,
        "return_id": found.return_id,
        "app_id": found.app_id,
        "order_id": found.order_id,
        "return_type": found.return_type.value,
        "status": found.status.value,
        "role": found.role.value,
        "lines": [
            {
                "sku_id": line.sku_id,
                "seller_sku": line.seller_sku,
                "quantity": line.quantity,
                "refund_total": None if line.refund_total is None else str(line.refund_total.amount),
                "currency": None if line.refund_total is None else line.refund_total.currency,
                "order_line_item_ids": list(line.order_line_item_ids),
            }
            for line in found.lines
        ],
        "refund": None
        if refund is None
        else {
            "currency": refund.total.currency,
            "total": str(refund.total.amount),
            "subtotal": str(refund.subtotal.amount),
            "shipping_fee": str(refund.shipping_fee.amount),
            "tax": str(refund.tax.amount),
        },
        "reason": found.reason,
        "create_time": found.create_time,
        "update_time": found.update_time,
        "first_seen_at": found.first_seen_at,
        "refund_state": found.refund_state.value,
        "shopline_refund_id": found.shopline_refund_id,
        "restocked": found.restocked,
        "refunded_at": found.refunded_at,
        "refund_claimed_until": found.refund_claimed_until,
    }


def return_from_row(row: Any) -> OrderReturn:
    raw_refund = row["refund"]
    refund = None
    if raw_refund is not None:
        currency = raw_refund["currency"]
        refund = RefundAmount(
            *(
                Money(Decimal(raw_refund[name]), currency)
                for name in ("total", "subtotal", "shipping_fee", "tax")
            )
        )
    return OrderReturn(
        return_id=row["return_id"],
        app_id=AppId(row["app_id"]),
        shop_id=ShopId(row["shop_id"]),
        order_id=OrderId(row["order_id"]),
        return_type=ReturnType(row["return_type"]),
        status=ReturnStatus(row["status"]),
        role=ReturnRole(row["role"]),
        lines=tuple(
            ReturnLine(
                sku_id=ChannelSkuId(line["sku_id"]),
                seller_sku=line["seller_sku"],
                quantity=line["quantity"],
                refund_total=None
                if line["refund_total"] is None
                else Money(Decimal(line["refund_total"]), line["currency"]),
                order_line_item_ids=tuple(line["order_line_item_ids"]),
            )
            for line in row["lines"]
        ),
        refund=refund,
        reason=row["reason"],
        create_time=row["create_time"],
        update_time=row["update_time"],
        first_seen_at=row["first_seen_at"],
        refund_state=RefundState(row["refund_state"]),
        shopline_refund_id=row["shopline_refund_id"],
        restocked=row["restocked"],
        refunded_at=row["refunded_at"],
        refund_claimed_until=row["refund_claimed_until"],
    )
