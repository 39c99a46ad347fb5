"""Stock pushes to TikTok: per linked SKU, the quantity it should show and how pushing it went.

A ``PushState`` row is written in the same transaction as every change of a pool that moves a
SKU's quantity (``desired``), so a change can never be lost; pushers work from these rows. Each
change bumps ``desired_seq``: a push that finishes after a newer change leaves the row pending,
so the latest value always gets pushed and a burst of changes ends in one push of the last value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum

from domain.channel import InventoryUpdate, WarehouseQuantity
from domain.ids import AppId, ChannelProductId, ChannelSkuId, PoolId, ShopId

FIRST_RETRY_DELAY = timedelta(seconds=2)
PUSH_LEASE = timedelta(seconds=60)
"""How long a pusher holds a SKU's row while its push is in flight (longer than any call)."""
MAX_RETRY_DELAY = timedelta(minutes=10)
CLOSED_PRODUCT_RETRY_DELAY = MAX_RETRY_DELAY
"""A product the channel takes no stock for (frozen, deleted) is tried again only this much later."""


class PushResult(Enum):
    PENDING = "PENDING"
    """A push is due (queued or in flight)."""
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    """The last attempt failed; another follows after ``next_attempt_at``."""


def retry_delay(failures: int) -> timedelta:
    """Doubling back-off from ``FIRST_RETRY_DELAY``, at most ``MAX_RETRY_DELAY``."""
    return min(FIRST_RETRY_DELAY * (1 << min(max(failures - 1, 0), 20)), MAX_RETRY_DELAY)


@dataclass(frozen=True)
class PushState:
    pool_id: PoolId
    sku_id: ChannelSkuId
    app_id: AppId
    shop_id: ShopId
    product_id: ChannelProductId | None
    desired: int
    desired_seq: int = 1
    pushed: int | None = None
    """The quantity TikTok last accepted; None if never pushed."""
    pushed_at: datetime | None = None
    """When the last attempt finished."""
    result: PushResult = PushResult.PENDING
    error: str = ""
    failures: int = 0
    """Failed attempts in a row."""
    next_attempt_at: datetime | None = None
    lease_owner: str | None = None
    """The pusher (process) sending this SKU's push right now, until ``lease_until``."""
    lease_until: datetime | None = None

    @property
    def key(self) -> tuple[PoolId, ChannelSkuId]:
        return (self.pool_id, self.sku_id)

    def due(self, now: datetime) -> bool:
        if self.result is PushResult.SUCCEEDED or self.leased(now):
            return False
        return self.next_attempt_at is None or self.next_attempt_at <= now

    def leased(self, now: datetime, by_other_than: str | None = None) -> bool:
        """Whether a pusher (other than ``by_other_than``) holds the row: one push per SKU at a
        time across processes; a lease that ran out (its process died) counts for nothing."""
        if self.lease_until is None or self.lease_until <= now:
            return False
        return by_other_than is None or self.lease_owner != by_other_than

    def wanting(self, desired: int) -> PushState:
        """The state after the pool's change asked for ``desired``."""
        return replace(self, desired=desired, desired_seq=self.desired_seq + 1, result=PushResult.PENDING)

    def succeeded(self, seq: int, quantity: int, now: datetime) -> PushState:
        """TikTok took ``quantity`` (the desired value at ``seq``); still pending if it moved since."""
        return replace(
            self,
            pushed=quantity,
            pushed_at=now,
            result=PushResult.SUCCEEDED if seq == self.desired_seq else PushResult.PENDING,
            error="",
            failures=0,
            next_attempt_at=None,
            lease_owner=None,
            lease_until=None,
        )

    def failed(self, error: str, now: datetime, *, retry_in: timedelta | None = None) -> PushState:
        """The attempt failed; the next one follows the back-off, or ``retry_in`` when given."""
        failures = self.failures + 1
        return replace(
            self,
            pushed_at=now,
            result=PushResult.FAILED,
            error=error,
            failures=failures,
            next_attempt_at=now + (retry_delay(failures) if retry_in is None else retry_in),
            lease_owner=None,
            lease_until=None,
        )


def push_changes(
    before: Mapping[ChannelSkuId, int], after: Mapping[ChannelSkuId, int]
) -> tuple[dict[ChannelSkuId, int], list[ChannelSkuId]]:
    """What a pool change means for its push rows: new or changed quantities, and gone SKUs."""
    wanted = {sku: quantity for sku, quantity in after.items() if before.get(sku) != quantity}
    gone = sorted(sku for sku in before if sku not in after)
    return wanted, gone


def inventory_update(sku_id: ChannelSkuId, warehouse_ids: Sequence[str], quantity: int) -> InventoryUpdate:
    """An absolute update naming every warehouse of the SKU (TikTok requires all of them).

    The whole quantity goes to the first warehouse and the others get 0: TikTok sells the sum over
    warehouses, so offering it on each would multiply the stock.
    """
    quantities = tuple(
        WarehouseQuantity(warehouse_id, quantity if index == 0 else 0)
        for index, warehouse_id in enumerate(warehouse_ids)
    )
    return InventoryUpdate(sku_id, quantities)
