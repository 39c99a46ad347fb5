"""A history import's batch: the rows read since the last write, and what writing them did."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from domain.catalog import ChannelProduct
from domain.channel import TIKTOK, ChannelProductData, TikTokOrderData
from domain.errors import DomainError, PartnerRejected
from domain.ids import ChannelProductId, OrderId
from domain.ports import UnitOfWork
from domain.task import TaskCounts
from services.orders.intake import IntakeShop

NO_DETAIL = PartnerRejected(TIKTOK, "missing_detail", "TikTok's order details left out this searched order")
"""Why an order the search found is recorded as failed when its detail read did not return it."""


@dataclass(frozen=True)
class NoDetail:
    """An order the search found but its detail read did not return."""

    order_id: OrderId


@dataclass
class Batch:
    products: list[ChannelProductData] = field(default_factory=list)
    orders: list[TikTokOrderData] = field(default_factory=list)
    without_detail: list[OrderId] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.products) + len(self.orders) + len(self.without_detail)


@dataclass
class Applied:
    counts: TaskCounts = field(default_factory=TaskCounts)
    errors: list[tuple[str, str]] = field(default_factory=list)

    def add(self, **increments: int) -> None:
        self.counts = self.counts.plus(TaskCounts(**increments))

    def failed(self, item_ref: str, error: DomainError) -> None:
        self.add(failed=1)
        self.errors.append((item_ref, error.message))


PageRows = list[ChannelProductData] | list["TikTokOrderData | NoDetail"]


def add_rows(batch: Batch, rows: PageRows) -> None:
    for row in rows:
        if isinstance(row, ChannelProductData):
            batch.products.append(row)
        elif isinstance(row, NoDetail):
            batch.without_detail.append(row.order_id)
        else:
            batch.orders.append(row)


async def apply_products(
    uow: UnitOfWork, shop: IntakeShop, items: Sequence[ChannelProductData], applied: Applied
) -> None:
    """Creates or updates the batch's products (unchanged ones are skipped) inside ``uow``."""
    if not items:
        return
    held = await uow.channel_products.find_many(shop.shop_id, (item.product_id for item in items))
    changed: dict[ChannelProductId, ChannelProduct] = {}
    for data in items:
        current = changed.get(data.product_id) or held.get(data.product_id)
        try:
            if current is None:
                changed[data.product_id] = ChannelProduct.synced(shop.app_id, shop.shop_id, data)
                applied.add(created=1)
            elif current.apply_sync(data):
                changed[data.product_id] = current
                applied.add(updated=1)
            else:
                applied.add(skipped=1)
        except DomainError as error:
            applied.failed(f"apps/{shop.app_id}/shops/{shop.shop_id}/products/{data.product_id}", error)
    await uow.channel_products.save_many(list(changed.values()))
