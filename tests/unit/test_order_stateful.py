"""Order against a small model: update ordering, terminal states, cancellation, import once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from domain.app import ImportScope
from domain.errors import (
    CancellationNotPending,
    CancellationResponseOverdue,
    OrderAlreadyImported,
    OrderNotCancellable,
    OrderNotImportable,
)
from domain.events import ImportedOrderCancelled, OrderImported, OrderLinesReserved, OrderReleased
from domain.ids import ChannelSkuId, ShoplineOrderId, ShoplineVariantId
from domain.order import Order, UpdateOutcome
from tests.unit.builders import APP_A, SHOP, T0, TIKTOK_SHOP, order_data

STATUSES = [
    "UNPAID",
    "ON_HOLD",
    "AWAITING_SHIPMENT",
    "PARTIALLY_SHIPPING",
    "AWAITING_COLLECTION",
    "IN_TRANSIT",
    "DELIVERED",
    "COMPLETED",
    "CANCELLED",
]
HOLDING = {"UNPAID", "ON_HOLD", "AWAITING_SHIPMENT", "PARTIALLY_SHIPPING", "AWAITING_COLLECTION"}
IMPORTABLE = {
    "AWAITING_SHIPMENT",
    "PARTIALLY_SHIPPING",
    "AWAITING_COLLECTION",
    "IN_TRANSIT",
    "DELIVERED",
    "COMPLETED",
}
SELLER_CANCELLABLE = {"UNPAID", "ON_HOLD", "AWAITING_SHIPMENT", "AWAITING_COLLECTION"}
SKUS = [ChannelSkuId("sku-1"), ChannelSkuId("sku-2")]


def hours(n: int) -> timedelta:
    return timedelta(hours=n)


class OrderMachine(RuleBasedStateMachine):
    order: Order

    @initialize(status=st.sampled_from(STATUSES))
    def first_seen(self, status: str) -> None:
        self.order = Order.first_seen(APP_A, SHOP, TIKTOK_SHOP, order_data(status=status), T0)
        self.status = status
        self.update = 0
        self.stock = "RESERVED" if status in HOLDING else "NONE"
        self.imported_as: str | None = None
        self.import_failed = False
        self.cancellation = "NONE"
        self.deadline: int | None = None
        self.reserved_events = 0
        self.released_events = 0
        self.imported_events = 0
        self.imported_cancel_events = 0
        self.committed_events = 0
        self.attempts = 0
        self.claimed_until: int | None = None
        self.shopline_cancel_pending = False
        self.resolved = False
        self.merchant_cancel = "NONE"

    def _terminal(self) -> bool:
        return self.status in {"CANCELLED", "COMPLETED"}

    def _cancelled(self) -> bool:
        return self.status == "CANCELLED" or self.cancellation in {"APPROVED", "SELLER_CANCELLED"}

    # --- updates from TikTok ----------------------------------------------------------------

    @rule(status=st.sampled_from(STATUSES), shift=st.integers(-2, 3))
    def tiktok_update(self, status: str, shift: int) -> None:
        when = self.update + shift
        outcome = self.order.apply_update(order_data(status=status, update=T0 + hours(when)))
        later_in_same_second = (
            when == self.update
            and not self._terminal()
            and STATUSES.index(status) > STATUSES.index(self.status)
        )
        if when < self.update:
            assert outcome is UpdateOutcome.STALE
        elif when == self.update and not later_in_same_second:
            assert outcome is UpdateOutcome.DUPLICATE
        else:
            assert outcome is UpdateOutcome.APPLIED
            self.update = when
            if not self._terminal() and status != self.status:
                self.status = status
                if status == "CANCELLED" and self.imported_as is None and self.stock == "RESERVED":
                    self.stock = "RELEASED"
                if status == "CANCELLED" and self.merchant_cancel != "NONE":
                    self.merchant_cancel = "CANCELLED_ON_TIKTOK"  # nothing goes back to SHOPLINE
                elif status == "CANCELLED" and self.imported_as is not None:
                    self.shopline_cancel_pending = True
                if status == "CANCELLED" and self.cancellation == "REQUESTED":
                    self.cancellation = "APPROVED"  # TikTok granted the buyer's request
                    self.resolved = True

    # --- cancellation -----------------------------------------------------------------------

    @rule(deadline=st.none() | st.integers(0, 10))
    def buyer_requests_cancellation(self, deadline: int | None) -> None:
        when = None if deadline is None else T0 + hours(deadline)
        if self._terminal() or self.cancellation in {"APPROVED", "SELLER_CANCELLED"}:
            with pytest.raises(OrderNotCancellable):
                self.order.buyer_requested_cancellation("c1", when)
        else:
            self.order.buyer_requested_cancellation("c1", when, reason="changed mind", requested_at=T0)
            self.cancellation, self.deadline = "REQUESTED", deadline
            self.resolved = False

    @rule(now=st.integers(0, 10), approve=st.booleans())
    def answer_cancellation(self, now: int, approve: bool) -> None:
        answer = self.order.approve_cancellation if approve else self.order.reject_cancellation
        if self.cancellation != "REQUESTED":
            with pytest.raises(CancellationNotPending):
                answer(T0 + hours(now))
        elif self.deadline is not None and now > self.deadline:
            with pytest.raises(CancellationResponseOverdue):
                answer(T0 + hours(now))
        else:
            assert answer(T0 + hours(now)) == "c1"
            self.cancellation = "APPROVED" if approve else "REJECTED"
            self.resolved = True
            assert self.order.cancellation.resolve_time == T0 + hours(now)
            assert self.order.cancellation.reason == "changed mind"

    @rule()
    def seller_cancels(self) -> None:
        if self.status not in SELLER_CANCELLABLE or self.cancellation in {"REQUESTED", "APPROVED"}:
            with pytest.raises(OrderNotCancellable):
                self.order.cancel_as_seller()
        else:
            self.order.cancel_as_seller("seller_cancel_reason_out_of_stock", T0)
            self.cancellation = "SELLER_CANCELLED"
            self.resolved = True
            assert self.order.cancellation.reason == "seller_cancel_reason_out_of_stock"

    # --- cancellation made in SHOPLINE ------------------------------------------------------

    @rule(region=st.sampled_from(["US", "GB", "SG"]))
    def merchant_cancels_in_shopline(self, region: str) -> None:
        seller_may = self.status in {"UNPAID", "ON_HOLD", "AWAITING_SHIPMENT"} or (
            self.status == "AWAITING_COLLECTION" and region == "US"
        )
        if self.merchant_cancel == "PENDING":
            assert self.order.cancelled_in_shopline(T0, region) is True
        elif self.merchant_cancel != "NONE" or self._cancelled() or self.shopline_cancel_pending:
            assert self.order.cancelled_in_shopline(T0, region) is False  # decided, or our own echo
        elif self.imported_as is None:
            with pytest.raises(OrderNotCancellable):
                self.order.cancelled_in_shopline(T0, region)
        elif self.cancellation != "REQUESTED" and not seller_may:
            assert self.order.cancelled_in_shopline(T0, region) is False
            self.merchant_cancel = "NOT_CANCELLABLE"
            assert self.status in self.order.shopline_cancellation.reason
        else:
            assert self.order.cancelled_in_shopline(T0, region) is True
            self.merchant_cancel = "PENDING"

    @rule(accepted=st.booleans())
    def tiktok_answers_the_merchant_cancel(self, accepted: bool) -> None:
        if accepted:
            self.order.cancelled_on_tiktok_from_shopline("c9", "cancelled in SHOPLINE", T0 + hours(1))
        else:
            self.order.tiktok_refused_shopline_cancel("12052902", "not cancellable", T0 + hours(1))
        if self.merchant_cancel != "PENDING":
            return  # only an owed cancel takes TikTok's answer
        self.merchant_cancel = "CANCELLED_ON_TIKTOK" if accepted else "REFUSED"
        if accepted and self.cancellation == "REQUESTED":
            self.cancellation, self.resolved = "APPROVED", True
        elif accepted and self.cancellation in {"NONE", "REJECTED"}:
            self.cancellation, self.resolved = "SELLER_CANCELLED", True

    # --- import -----------------------------------------------------------------------------

    @rule(
        scope=st.sampled_from(ImportScope),
        linked=st.sets(st.sampled_from(SKUS)),
        suffix=st.sampled_from("ab"),
    )
    def import_into_shopline(self, scope: ImportScope, linked: set[ChannelSkuId], suffix: str) -> None:
        mapping = {sku: ShoplineVariantId(f"v-{sku}") for sku in linked}
        if self.imported_as is not None:
            why = "ALREADY_IMPORTED"
        elif self._cancelled():
            why = "CANCELLED"
        elif self.status not in IMPORTABLE:
            why = "NOT_READY"
        elif scope is ImportScope.ONLY_LINKED and len(linked) < len(SKUS):
            why = "UNLINKED_SKUS"
        else:
            why = ""
        if why:
            with pytest.raises(OrderNotImportable) as raised:
                self.order.import_lines(scope, mapping)
            assert raised.value.why == why
            return
        lines = self.order.import_lines(scope, mapping)
        assert {line.line.sku_id: line.variant_id for line in lines} == {
            sku: mapping.get(sku) for sku in SKUS
        }
        shopline_id = ShoplineOrderId(f"sl-{suffix}")
        self.order.mark_imported(shopline_id, T0 + hours(self.update))
        self.imported_as = shopline_id
        self.attempts += 1
        self.claimed_until = None
        if self.stock == "RESERVED":
            self.stock = "COMMITTED"

    @rule()
    def shopline_cancelled(self) -> None:
        self.order.mark_cancelled_in_shopline()
        self.shopline_cancel_pending = False

    @rule(now=st.integers(0, 10))
    def claim_import(self, now: int) -> None:
        if self.imported_as is not None or (self.claimed_until is not None and self.claimed_until > now):
            with pytest.raises(OrderNotImportable) as raised:
                self.order.claim_import(T0 + hours(now), T0 + hours(now + 2))
            expected = "ALREADY_IMPORTED" if self.imported_as is not None else "IMPORT_IN_PROGRESS"
            assert raised.value.why == expected
        else:
            self.order.claim_import(T0 + hours(now), T0 + hours(now + 2))
            self.claimed_until = now + 2

    @precondition(lambda self: self.imported_as is not None)
    @rule(suffix=st.sampled_from("ab"))
    def mark_imported_again(self, suffix: str) -> None:
        shopline_id = ShoplineOrderId(f"sl-{suffix}")
        if shopline_id == self.imported_as:
            self.order.mark_imported(shopline_id, T0)
        else:
            with pytest.raises(OrderAlreadyImported):
                self.order.mark_imported(shopline_id, T0)

    @rule()
    def import_fails(self) -> None:
        if self.imported_as is not None:
            with pytest.raises(OrderAlreadyImported):
                self.order.mark_import_failed("boom", T0)
        else:
            self.order.mark_import_failed("boom", T0)
            self.import_failed = True
            self.attempts += 1
            self.claimed_until = None

    # --- invariants -------------------------------------------------------------------------

    @invariant()
    def state_matches_the_model(self) -> None:
        assert self.order.status.value == self.status
        assert self.order.update_time == T0 + hours(self.update)
        assert self.order.cancellation.state.value == self.cancellation
        assert self.order.stock_state.value == self.stock
        assert self.order.import_status.shopline_order_id == self.imported_as
        expected_import = (
            "IMPORTED" if self.imported_as else ("FAILED" if self.import_failed else "NOT_IMPORTED")
        )
        assert self.order.import_status.state.value == expected_import
        assert self.order.import_status.attempt_count == self.attempts
        claimed = None if self.claimed_until is None else T0 + hours(self.claimed_until)
        assert self.order.import_status.claimed_until == claimed
        assert self.order.shopline_cancel_pending == self.shopline_cancel_pending
        assert self.order.shopline_cancellation.state.value == self.merchant_cancel
        assert self.order.shopline_cancellation.owed == (self.merchant_cancel == "PENDING")
        # Cancelled in SHOPLINE by the merchant: SHOPLINE is never asked to cancel it again.
        assert self.merchant_cancel == "NONE" or not self.shopline_cancel_pending
        assert (self.order.cancellation.resolve_time is not None) == self.resolved
        # The builder's order: three units of 10.00 whatever the status.
        assert self.order.unit_count == 3
        assert self.order.amounts.subtotal.amount == 30
        assert self.order.amounts.net == self.order.amounts.subtotal - self.order.amounts.discount

    @invariant()
    def stock_effects_and_import_happen_at_most_once(self) -> None:
        for event in self.order.pull_events():
            if isinstance(event, OrderLinesReserved):
                self.reserved_events += 1
            elif isinstance(event, OrderReleased):
                self.released_events += 1
                assert self.reserved_events == 1
            elif isinstance(event, OrderImported):
                self.imported_events += 1
                assert event.had_reservations == (self.reserved_events == 1 and self.released_events == 0)
                self.committed_events += int(event.had_reservations)
            elif isinstance(event, ImportedOrderCancelled):
                self.imported_cancel_events += 1
                assert self.imported_events == 1
        assert self.reserved_events <= 1
        assert self.released_events <= 1
        assert self.imported_events <= 1
        assert self.imported_cancel_events <= 1
        # A reservation ends once: released or committed, never both.
        assert self.released_events + self.committed_events <= self.reserved_events


OrderMachine.TestCase.settings = settings(
    max_examples=200, stateful_step_count=30, deadline=None, database=None
)
TestOrder = OrderMachine.TestCase
