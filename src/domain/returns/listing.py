"""What ListReturns asks for: one shop's returns, or one order's, optionally by status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.errors import InvalidReturnData
from domain.ids import AppId, OrderId, ShopId
from domain.returns.aggregate import OrderReturn
from domain.returns.status import ReturnStatus


@dataclass(frozen=True)
class ReturnFilter:
    app_id: AppId
    shop_id: ShopId
    order_id: OrderId | None = None
    statuses: frozenset[ReturnStatus] = frozenset()
    """Empty means any status."""

    def matches(self, found: OrderReturn) -> bool:
        return (
            found.app_id == self.app_id
            and found.shop_id == self.shop_id
            and (self.order_id is None or found.order_id == self.order_id)
            and (not self.statuses or found.status in self.statuses)
        )


def newest_first_position(found: OrderReturn) -> str:
    """The listing cursor of a return: create time, then return id (both descending)."""
    return f"{found.create_time.isoformat()}|{found.return_id}"


def parse_newest_first_position(text: str) -> tuple[datetime, str]:
    try:
        created, return_id = text.split("|")
        return datetime.fromisoformat(created), return_id
    except ValueError:
        raise InvalidReturnData("page_token", "not a return listing position") from None
