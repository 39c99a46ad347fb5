"""Which orders a listing shows, and the newest-first listing position."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.errors import InvalidOrderData
from domain.ids import AppId, OrderId, ShopId
from domain.order.aggregate import Order
from domain.order.cancellation import CancellationState
from domain.order.imports import ImportState
from domain.order.status import OrderStatus


@dataclass(frozen=True)
class OrderFilter:
    """Which orders a listing shows; an empty or None criterion matches anything."""

    app_id: AppId
    shop_id: ShopId | None = None
    statuses: frozenset[OrderStatus] = frozenset()
    import_state: ImportState | None = None
    cancellation_state: CancellationState | None = None
    created_from: datetime | None = None
    """Inclusive."""
    created_before: datetime | None = None
    """Exclusive."""
    shopline_cancel_pending: bool | None = None
    tiktok_cancel_owed: bool | None = None
    """The merchant cancelled it in SHOPLINE and the cancel on TikTok is still to be made."""

    def matches(self, order: Order) -> bool:
        return (
            order.app_id == self.app_id
            and (self.shop_id is None or order.shop_id == self.shop_id)
            and (not self.statuses or order.status in self.statuses)
            and (self.import_state is None or order.import_status.state is self.import_state)
            and (self.cancellation_state is None or order.cancellation.state is self.cancellation_state)
            and (self.created_from is None or order.create_time >= self.created_from)
            and (self.created_before is None or order.create_time < self.created_before)
            and (
                self.shopline_cancel_pending is None
                or order.shopline_cancel_pending == self.shopline_cancel_pending
            )
            and (
                self.tiktok_cancel_owed is None or order.shopline_cancellation.owed == self.tiktok_cancel_owed
            )
        )


def newest_first_position(order: Order) -> str:
    """The listing cursor of ``order``: create time, TikTok order id, shop (all descending)."""
    return f"{order.create_time.isoformat()}|{order.id}|{order.shop_id}"


def parse_newest_first_position(text: str) -> tuple[datetime, OrderId, ShopId]:
    try:
        created, order_id, shop_id = text.split("|")
        return datetime.fromisoformat(created), OrderId(order_id), ShopId(shop_id)
    except ValueError:
        raise InvalidOrderData("page_token", "not an order listing position") from None
