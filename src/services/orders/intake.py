"""The one way TikTok orders enter the service: history import, incremental sync and webhooks.

A batch of TikTok order details for one shop is written in one transaction: each order is
created or updated (stale and repeated snapshots change nothing), the stock effects of the
batch (reservations, releases) are applied to the shared pools, and the caller's own writes
(a task's progress and checkpoint) commit with them. After the commit, when the app imports
automatically, the batch's importable orders go to SHOPLINE. Buyers' cancellation requests
enter the same way, onto the orders already held.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from domain.channel import TikTokCancellation, TikTokOrderData
from domain.errors import (
    ConcurrencyConflict,
    DomainError,
    OrderNotCancellable,
    OrderNotImportable,
)
from domain.ids import AppId, OrderId, ShopId, TikTokShopId
from domain.order import CancellationState, ImportState, Order, UpdateOutcome
from domain.ports import Clock, UnitOfWork
from domain.task import TaskCounts
from services.inventory.stock_effects import StockEffects
from services.orders.shopline_import import OrderImporter
from services.shared.stale_writes import retry_stale


@dataclass(frozen=True)
class IntakeShop:
    app_id: AppId
    shop_id: ShopId
    tiktok_shop_id: TikTokShopId

    def order_name(self, order_id: OrderId) -> str:
        return f"apps/{self.app_id}/shops/{self.shop_id}/orders/{order_id}"


@dataclass
class IntakeReport:
    """What a batch did: per-order counts and errors, in the task center's terms."""

    counts: TaskCounts = field(default_factory=TaskCounts)
    errors: list[tuple[str, str]] = field(default_factory=list)
    not_imported: list[OrderId] = field(default_factory=list)
    """The batch's orders not in SHOPLINE yet: candidates for the automatic import."""
    auto_import: bool = False
    import_errors: list[tuple[str, str]] = field(default_factory=list)
    """Automatic imports that failed after the commit (the caller records them on its own)."""

    def add(self, **increments: int) -> None:
        self.counts = self.counts.plus(TaskCounts(**increments))

    def failed(self, item: str, reason: str) -> None:
        self.add(failed=1)
        self.errors.append((item, reason))


AlsoWrite = Callable[[UnitOfWork, IntakeReport], Awaitable[None]]
"""The caller's writes that commit with the batch (progress, checkpoint, other rows)."""


class OrderIntake:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        stock_effects: StockEffects,
        importer: OrderImporter,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._stock_effects = stock_effects
        self._importer = importer

    async def take(
        self,
        shop: IntakeShop,
        batch: Sequence[TikTokOrderData],
        *,
        created_since: datetime | None = None,
        also: AlsoWrite | None = None,
    ) -> IntakeReport:
        """Writes the batch (and ``also``) in one transaction, retried from a fresh read when
        another writer got in first, then imports automatically where the app says so.

        ``created_since``: orders not held yet that were created earlier are skipped (the
        history import covers a fixed span)."""

        async def write() -> IntakeReport:
            async with self._unit_of_work() as uow:
                report = await self._write(uow, shop, batch, created_since)
                if also is not None:
                    await also(uow, report)
                await uow.commit()
            return report

        report = await retry_stale(write)
        if report.auto_import:
            await self._import_automatically(shop, report)
        return report

    async def take_cancellation_requests(
        self,
        shop: IntakeShop,
        requests: Sequence[TikTokCancellation],
        *,
        also: AlsoWrite | None = None,
    ) -> IntakeReport:
        """Records pending buyer requests on their orders, in one transaction with ``also``. A
        request for an order not held yet is skipped: the next sync brings both."""

        async def write() -> IntakeReport:
            async with self._unit_of_work() as uow:
                report = await self._write_requests(uow, shop, requests)
                if also is not None:
                    await also(uow, report)
                await uow.commit()
            return report

        return await retry_stale(write)

    async def _write_requests(
        self, uow: UnitOfWork, shop: IntakeShop, requests: Sequence[TikTokCancellation]
    ) -> IntakeReport:
        report = IntakeReport()
        held = await uow.orders.find_many(shop.shop_id, (request.order_id for request in requests))
        changed: dict[OrderId, Order] = {}
        for request in requests:
            order = held.get(request.order_id)
            if order is None:
                report.add(skipped=1)
                continue
            known = order.cancellation
            if known.cancel_id == request.cancel_id and known.state is not CancellationState.NONE:
                report.add(skipped=1)
                continue
            try:
                order.buyer_requested_cancellation(
                    request.cancel_id,
                    request.response_deadline,
                    reason=request.reason,
                    requested_at=request.create_time,
                )
            except OrderNotCancellable:
                report.add(skipped=1)
                continue
            changed[order.id] = order
            report.add(updated=1)
        await uow.orders.save_many(list(changed.values()))
        return report

    async def _write(
        self,
        uow: UnitOfWork,
        shop: IntakeShop,
        batch: Sequence[TikTokOrderData],
        created_since: datetime | None,
    ) -> IntakeReport:
        report = IntakeReport()
        if not batch:
            return report
        now = self._clock.now()
        held = await uow.orders.find_many(shop.shop_id, (data.order_id for data in batch))
        changed: dict[OrderId, Order] = {}
        for data in batch:
            current = changed.get(data.order_id) or held.get(data.order_id)
            if current is None and created_since is not None and data.create_time < created_since:
                report.add(skipped=1)
                continue
            try:
                if current is None:
                    # First sight: the order records its own stock effects (reservations) as events.
                    changed[data.order_id] = Order.first_seen(
                        shop.app_id, shop.shop_id, shop.tiktok_shop_id, data, now
                    )
                    report.add(created=1)
                elif current.apply_update(data, now) is UpdateOutcome.APPLIED:
                    changed[data.order_id] = current
                    report.add(updated=1)
                else:
                    report.add(skipped=1)
            except DomainError as error:
                report.failed(shop.order_name(data.order_id), error.message)
        # One call for the batch: its pools are locked together, in ascending id order.
        await self._stock_effects.apply(uow, [e for order in changed.values() for e in order.pending_events])
        await uow.orders.save_many(list(changed.values()))
        for data in batch:
            stored = changed.get(data.order_id) or held.get(data.order_id)
            if stored is not None and stored.import_status.state is not ImportState.IMPORTED:
                report.not_imported.append(stored.id)
        if report.not_imported:
            report.auto_import = (await uow.apps.get(shop.app_id)).settings.auto_import_orders
        return report

    async def _import_automatically(self, shop: IntakeShop, report: IntakeReport) -> None:
        """After the commit: the batch's eligible orders go to SHOPLINE; failures are reported."""
        for order_id in dict.fromkeys(report.not_imported):
            try:
                await self._importer.import_order(shop.app_id, shop.shop_id, order_id)
            except (OrderNotImportable, ConcurrencyConflict):
                continue  # not importable now, or being imported by another call
            except DomainError as error:  # the batch is committed; report and go on
                report.import_errors.append((shop.order_name(order_id), f"import failed: {error.message}"))
