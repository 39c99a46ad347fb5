"""Order: a TikTok order as we hold it, its cancellation and its import into SHOPLINE."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

from domain.app import ImportScope
from domain.channel import TikTokOrderData
from domain.errors import (
    CancellationNotPending,
    CancellationResponseOverdue,
    InvalidOrderData,
    MixedCurrencyOrder,
    OrderAlreadyImported,
    OrderNotCancellable,
    OrderNotImportable,
)
from domain.events import (
    ImportedOrderCancelled,
    LineQuantity,
    OrderImported,
    OrderImportFailed,
    OrderLinesReserved,
    OrderReleased,
)
from domain.ids import AppId, ChannelSkuId, ShopId, ShoplineOrderId, ShoplineVariantId, TikTokShopId
from domain.order.amounts import OrderAmounts
from domain.order.cancellation import Cancellation, CancellationState
from domain.order.fields import OrderFields
from domain.order.imports import ImportLine, ImportState, ImportStatus
from domain.order.lines import aggregate_lines
from domain.order.recipient import is_relay_email, platform_shipped
from domain.order.shopline_cancellation import (
    ShoplineCancellation,
    ShoplineCancellationState,
    seller_cancellable,
    seller_cancellable_statuses,
)
from domain.order.status import (
    IMPORTABLE,
    LIFECYCLE,
    SELLER_CANCELLABLE,
    STOCK_HOLDING,
    OrderStatus,
    StockState,
    UpdateOutcome,
)


class Order(OrderFields):
    @classmethod
    def first_seen(
        cls,
        app_id: AppId,
        shop_id: ShopId,
        tiktok_shop_id: TikTokShopId,
        data: TikTokOrderData,
        now: datetime,
    ) -> Order:
        if data.total.currency != data.currency:
            raise MixedCurrencyOrder(data.order_id, f"{data.currency}, {data.total.currency}")
        if not data.line_items:
            raise InvalidOrderData("line_items", f"order {data.order_id} has no line items")
        lines = aggregate_lines(data.order_id, data.currency, data.line_items)
        order = cls(
            order_id=data.order_id,
            app_id=app_id,
            shop_id=shop_id,
            tiktok_shop_id=tiktok_shop_id,
            status=OrderStatus.parse(data.status),
            currency=data.currency,
            total=data.total,
            lines=lines,
            buyer=data.buyer,
            create_time=data.create_time,
            update_time=data.update_time,
            first_seen_at=now,
            amounts=OrderAmounts.of(data, lines),
            paid_time=data.paid_time,
            synced_at=now,
            logistics=data.logistics,
            recipient=data.recipient,
            line_shipments=data.line_shipments,
        )
        # TikTok keeps and ships the stock of the orders it fulfills: the shared pools never hold them.
        if order._status in STOCK_HOLDING and not order.fulfilled_by_tiktok:
            order._stock_state = StockState.RESERVED
            order._record(OrderLinesReserved(app_id, shop_id, order._id, order._line_quantities()))
        return order

    # --- updates from TikTok ----------------------------------------------------------------

    def apply_update(self, data: TikTokOrderData, now: datetime | None = None) -> UpdateOutcome:
        """Sync windows overlap, so the same or an older snapshot arrives often."""
        if data.order_id != self._id:
            raise InvalidOrderData("order_id", "update is for another order")
        if data.update_time < self._update_time:
            return UpdateOutcome.STALE
        if data.update_time == self._update_time and not self._later_in_same_second(data):
            return UpdateOutcome.DUPLICATE
        amounts = self._amounts
        if data.line_items and data.currency == self._currency:
            # Amounts can change before shipping (a partial cancellation); lines stay as first seen
            # because the stock reserved for them is keyed by them.
            amounts = OrderAmounts.of(data, aggregate_lines(data.order_id, data.currency, data.line_items))
        self._update_time = data.update_time
        self._amounts = amounts
        if data.line_items and data.total.currency == self._currency:
            self._total = data.total
        if now is not None:
            self._synced_at = now
        if data.paid_time is not None:
            self._paid_time = data.paid_time
        # TikTok withholds the buyer's data while UNPAID or ON_HOLD and sends it later.
        self._buyer = self._buyer.updated_by(data.buyer)
        self._logistics = data.logistics
        if self.fulfilled_by_tiktok and self._stock_state is StockState.RESERVED:
            # Known as TikTok's to fulfill only now: what the pools held for it goes back.
            self._stock_state = StockState.RELEASED
            self._record(OrderReleased(self._app_id, self._shop_id, self._id, self._line_quantities()))
        if not data.recipient.empty:
            self._recipient = data.recipient
        if data.line_shipments:
            self._line_shipments = data.line_shipments
        new_status = OrderStatus.parse(data.status)
        if self._status.terminal or new_status is self._status:
            return UpdateOutcome.APPLIED
        self._status = new_status
        if new_status is OrderStatus.CANCELLED:
            self._on_cancelled(data.cancel_time or data.update_time, data.cancel_reason)
        return UpdateOutcome.APPLIED

    def _later_in_same_second(self, data: TikTokOrderData) -> bool:
        """TikTok's times are whole seconds: a snapshot with the held time but a status further
        along the lifecycle, or another recipient (the buyer changed the address), is a second
        change within that second, not a repeat."""
        if not data.recipient.empty and data.recipient != self._recipient:
            return True
        if self._status.terminal:
            return False
        return LIFECYCLE.index(OrderStatus.parse(data.status)) > LIFECYCLE.index(self._status)

    def _on_cancelled(self, when: datetime, reason: str) -> None:
        if self._cancellation.state is CancellationState.REQUESTED:
            # TikTok granted the buyer's request (on its own after the deadline, or answered elsewhere).
            self._cancellation = replace(
                self._cancellation,
                state=CancellationState.APPROVED,
                resolve_time=when,
                reason=self._cancellation.reason or reason,
            )
        elif self._cancellation.state is CancellationState.NONE and reason:
            self._cancellation = replace(self._cancellation, reason=reason, resolve_time=when)
        if self._shopline_cancellation.requested:
            # The merchant cancelled it in SHOPLINE first: nothing is left to undo there.
            if self._shopline_cancellation.state is not ShoplineCancellationState.CANCELLED_ON_TIKTOK:
                self._shopline_cancellation = replace(
                    self._shopline_cancellation,
                    state=ShoplineCancellationState.CANCELLED_ON_TIKTOK,
                    reason="",
                    resolved_at=when,
                )
            return
        imported_as = self._import.shopline_order_id
        if self._import.state is ImportState.IMPORTED and imported_as is not None:
            self._shopline_cancel_pending = True
            self._record(ImportedOrderCancelled(self._app_id, self._shop_id, self._id, imported_as))
        elif self._stock_state is StockState.RESERVED:
            self._stock_state = StockState.RELEASED
            self._record(OrderReleased(self._app_id, self._shop_id, self._id, self._line_quantities()))

    # --- cancellation -----------------------------------------------------------------------

    def buyer_requested_cancellation(
        self,
        cancel_id: str,
        response_deadline: datetime | None,
        *,
        reason: str = "",
        requested_at: datetime | None = None,
    ) -> None:
        if self._status.terminal:
            raise OrderNotCancellable(self._subject, f"the order is {self._status.value}")
        if self._cancellation.state in (CancellationState.APPROVED, CancellationState.SELLER_CANCELLED):
            raise OrderNotCancellable(self._subject, "the order is already being cancelled")
        self._cancellation = Cancellation(
            CancellationState.REQUESTED, cancel_id, response_deadline, reason, requested_at
        )

    def approve_cancellation(self, now: datetime) -> str:
        """Returns the TikTok cancel id to approve."""
        cancel_id = self._pending_cancel_id(now)
        self._cancellation = replace(self._cancellation, state=CancellationState.APPROVED, resolve_time=now)
        return cancel_id

    def reject_cancellation(self, now: datetime) -> str:
        cancel_id = self._pending_cancel_id(now)
        self._cancellation = replace(self._cancellation, state=CancellationState.REJECTED, resolve_time=now)
        return cancel_id

    def _pending_cancel_id(self, now: datetime) -> str:
        cancellation = self._cancellation
        if cancellation.state is not CancellationState.REQUESTED or cancellation.cancel_id is None:
            raise CancellationNotPending(self._subject, "there is no buyer cancellation request to answer")
        if cancellation.response_deadline is not None and now > cancellation.response_deadline:
            raise CancellationResponseOverdue(self._subject, "the deadline to answer the buyer has passed")
        return cancellation.cancel_id

    def cancel_as_seller(self, reason: str = "", now: datetime | None = None) -> None:
        if self._status not in SELLER_CANCELLABLE:
            raise OrderNotCancellable(
                self._subject, f"a seller cannot cancel an order that is {self._status.value}"
            )
        if self._cancellation.state is CancellationState.REQUESTED:
            raise OrderNotCancellable(self._subject, "answer the buyer's cancellation request instead")
        if self._cancellation.state is CancellationState.APPROVED:
            raise OrderNotCancellable(self._subject, "the order is already being cancelled")
        self._cancellation = Cancellation(
            CancellationState.SELLER_CANCELLED, reason=reason, request_time=now, resolve_time=now
        )

    # --- cancellation made in SHOPLINE ------------------------------------------------------

    def cancelled_in_shopline(self, now: datetime, region: str) -> bool:
        """Records that the merchant cancelled the imported order in SHOPLINE; True when TikTok is
        to be asked to cancel it (again, after a failure that left it owed).

        An order already cancelled on TikTok asks nothing: that is the echo of the SHOPLINE cancel
        this service made itself, or TikTok got there first. An order TikTok's rules keep the
        seller from cancelling in its market is marked NOT_CANCELLABLE with the reason.
        """
        current = self._shopline_cancellation
        if current.owed:
            return True
        if current.requested or self.cancelled or self._shopline_cancel_pending:
            return False
        if self._import.state is not ImportState.IMPORTED:
            raise OrderNotCancellable(self._subject, "the order was not imported into SHOPLINE")
        buyer_asked = self._cancellation.state is CancellationState.REQUESTED  # approving it cancels
        if not buyer_asked and not seller_cancellable(self._status, region):
            allowed = ", ".join(status.value for status in seller_cancellable_statuses(region))
            self._shopline_cancellation = ShoplineCancellation(
                ShoplineCancellationState.NOT_CANCELLABLE,
                cancelled_at=now,
                reason=(
                    f"TikTok lets the seller cancel an order in {region} only while it is {allowed}; "
                    f"this order is {self._status.value}"
                ),
                resolved_at=now,
            )
            return False
        self._shopline_cancellation = ShoplineCancellation(
            ShoplineCancellationState.PENDING, cancelled_at=now
        )
        return True

    def cancelled_on_tiktok_from_shopline(self, cancel_id: str, reason: str, now: datetime) -> None:
        """TikTok accepted the cancellation asked for the SHOPLINE cancel (or had it already)."""
        if not self._shopline_cancellation.owed:
            return
        self._shopline_cancellation = replace(
            self._shopline_cancellation,
            state=ShoplineCancellationState.CANCELLED_ON_TIKTOK,
            cancel_id=cancel_id,
            resolved_at=now,
        )
        if self._cancellation.state is CancellationState.REQUESTED:
            self._cancellation = replace(
                self._cancellation, state=CancellationState.APPROVED, resolve_time=now
            )
        elif self._cancellation.state in (CancellationState.NONE, CancellationState.REJECTED):
            self._cancellation = Cancellation(
                CancellationState.SELLER_CANCELLED,
                cancel_id=cancel_id,
                reason=reason,
                request_time=now,
                resolve_time=now,
            )

    def tiktok_refused_shopline_cancel(self, code: str, message: str, now: datetime) -> None:
        if not self._shopline_cancellation.owed:
            return
        self._shopline_cancellation = replace(
            self._shopline_cancellation,
            state=ShoplineCancellationState.REFUSED,
            reason="TikTok refused the seller cancellation",
            partner_code=code,
            partner_message=message,
            resolved_at=now,
        )

    # --- import into SHOPLINE ---------------------------------------------------------------

    def import_lines(
        self, scope: ImportScope, linked: Mapping[ChannelSkuId, ShoplineVariantId]
    ) -> tuple[ImportLine, ...]:
        """Checks the order may be imported now and returns what to create in SHOPLINE."""
        if self._import.state is ImportState.IMPORTED:
            raise OrderNotImportable(self._id, "ALREADY_IMPORTED", "the order is already in SHOPLINE")
        if self.cancelled:
            raise OrderNotImportable(self._id, "CANCELLED", "a cancelled order is never imported")
        if self._status not in IMPORTABLE:
            raise OrderNotImportable(
                self._id,
                "NOT_READY",
                f"orders are imported from AWAITING_SHIPMENT on, not {self._status.value}",
            )
        unlinked = [line.sku_id for line in self._lines if line.sku_id not in linked]
        if unlinked and scope is ImportScope.ONLY_LINKED:
            raise OrderNotImportable(
                self._id, "UNLINKED_SKUS", f"{len(unlinked)} SKU(s) are not linked to SHOPLINE variants"
            )
        return tuple(ImportLine(line, linked.get(line.sku_id)) for line in self._lines)

    def shopline_email(self, default_email: str) -> str:
        """The email the SHOPLINE order gets: the buyer's, or the app's default where TikTok's
        logistics carry the order and hide the buyer's address. Without a default there is none
        to give, and the import cannot go on."""
        if not (platform_shipped(self._logistics) and is_relay_email(self._buyer.email)):
            return self._buyer.email
        if not default_email:
            raise OrderNotImportable(
                self._id,
                "DEFAULT_EMAIL_MISSING",
                "TikTok ships this order and hides the buyer's email; set the app's default email "
                "(settings.default_email) to import it",
            )
        return default_email

    def claim_import(self, now: datetime, until: datetime) -> None:
        """Reserves the creation of the SHOPLINE order for one importer until ``until``; a claim
        left by an importer that died runs out, and the next one looks the order up first."""
        if self._import.state is ImportState.IMPORTED:
            raise OrderNotImportable(self._id, "ALREADY_IMPORTED", "the order is already in SHOPLINE")
        claimed = self._import.claimed_until
        if claimed is not None and claimed > now:
            raise OrderNotImportable(
                self._id, "IMPORT_IN_PROGRESS", "another import of this order is creating it in SHOPLINE"
            )
        self._import = replace(self._import, claimed_until=until)

    def mark_imported(self, shopline_order_id: ShoplineOrderId, now: datetime) -> None:
        """Exactly once: a repeat with the same SHOPLINE order is a no-op, another one is refused."""
        if self._import.state is ImportState.IMPORTED:
            if self._import.shopline_order_id != shopline_order_id:
                raise OrderAlreadyImported(self.import_key.channel_marker)
            return
        had_reservations = self._stock_state is StockState.RESERVED
        self._import = ImportStatus(
            ImportState.IMPORTED, shopline_order_id, None, now, self._import.attempt_count + 1
        )
        if had_reservations:
            self._stock_state = StockState.COMMITTED
        if self._status is OrderStatus.CANCELLED:
            # Cancelled on TikTok while the SHOPLINE order was being created: it goes again.
            self._shopline_cancel_pending = True
        self._record(
            OrderImported(
                self._app_id,
                self._shop_id,
                self._id,
                shopline_order_id,
                self._line_quantities(),
                had_reservations,
            )
        )

    def mark_cancelled_in_shopline(self) -> None:
        """SHOPLINE cancelled the imported order (with restock); nothing is left to undo there."""
        self._shopline_cancel_pending = False

    def mark_import_failed(self, reason: str, now: datetime) -> None:
        """A failed import may be retried; an imported order cannot fail afterwards."""
        if self._import.state is ImportState.IMPORTED:
            raise OrderAlreadyImported(self.import_key.channel_marker)
        self._import = ImportStatus(ImportState.FAILED, None, reason, now, self._import.attempt_count + 1)
        self._record(OrderImportFailed(self._app_id, self._shop_id, self._id, reason))

    # --- helpers ----------------------------------------------------------------------------

    @property
    def _subject(self) -> str:
        return f"orders/{self._id}"

    def _line_quantities(self) -> tuple[LineQuantity, ...]:
        return tuple(LineQuantity(line.sku_id, line.quantity) for line in self._lines)

    def __repr__(self) -> str:
        return (
            f"Order(id={self._id!r}, shop_id={self._shop_id!r}, status={self._status.value}, "
            f"import={self._import.state.value})"
        )
