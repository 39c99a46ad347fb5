"""OrderReturn against a small model: TikTok's reports in any order, the seller's decisions, and
the SHOPLINE refund made at most once and only after TikTok refunded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from domain.errors import ReturnAlreadyRefunded, ReturnNotAwaitingSeller
from domain.returns import TERMINAL, OrderReturn, RefundState, ReturnStatus
from tests.unit.builders import APP_A, SHOP, T0
from tests.unit.return_builders import return_data

TYPES = ["REFUND", "RETURN_AND_REFUND", "REPLACEMENT", "EXCHANGE"]
STATUSES = [status.value for status in ReturnStatus]
REFUNDED = {"RETURN_OR_REFUND_REQUEST_SUCCESS", "RETURN_OR_REFUND_REQUEST_COMPLETE"}
SELLER_TURN = {
    ("REFUND", "RETURN_OR_REFUND_REQUEST_PENDING"),
    ("RETURN_AND_REFUND", "RETURN_OR_REFUND_REQUEST_PENDING"),
    ("RETURN_AND_REFUND", "BUYER_SHIPPED_ITEM"),
    ("REPLACEMENT", "REPLACEMENT_REQUEST_PENDING"),
}


class ReturnMachine(RuleBasedStateMachine):
    found: OrderReturn

    @initialize(return_type=st.sampled_from(TYPES), status=st.sampled_from(STATUSES))
    def first_seen(self, return_type: str, status: str) -> None:
        self.return_type = return_type
        self.found = OrderReturn.first_seen(
            APP_A, SHOP, return_data(return_type=return_type, status=status), T0
        )
        self.status = status
        self.updated = T0
        self.due_seen = self._refunded(status)
        self.refund_id: str | None = None
        self.not_imported = False

    def _refunded(self, status: str) -> bool:
        return self.return_type in ("REFUND", "RETURN_AND_REFUND") and status in REFUNDED

    @rule(status=st.sampled_from(STATUSES), delta=st.integers(min_value=-120, max_value=120))
    def tiktok_reports(self, status: str, delta: int) -> None:
        when = self.updated + timedelta(seconds=delta)
        report = return_data(return_type=self.return_type, status=status, updated=when)
        applied = self.found.apply_update(report)
        expected = (
            when >= self.updated
            and ReturnStatus(self.status) not in TERMINAL
            and not (when == self.updated and status == self.status)
        )
        assert applied == expected
        if applied:
            self.status, self.updated = status, when
            self.due_seen = self.due_seen or self._refunded(status)

    @rule(approve=st.booleans())
    def seller_decides(self, approve: bool) -> None:
        if (self.return_type, self.status) in SELLER_TURN:
            assert self.found.decision(approve).startswith("APPROVE_" if approve else "REJECT_")
        else:
            with pytest.raises(ReturnNotAwaitingSeller):
                self.found.decision(approve)

    @rule(refund_id=st.sampled_from(["refund-1", "refund-2"]))
    def shopline_refund(self, refund_id: str) -> None:
        if self.refund_id is not None:
            if refund_id == self.refund_id:
                self.found.mark_refunded(refund_id, False, T0)
            else:
                with pytest.raises(ReturnAlreadyRefunded):
                    self.found.mark_refunded(refund_id, False, T0)
        elif self.due_seen and not self.not_imported:
            self.found.mark_refunded(refund_id, False, T0)
            self.refund_id = refund_id
        else:
            with pytest.raises(ReturnNotAwaitingSeller):
                self.found.mark_refunded(refund_id, False, T0)

    @rule()
    def order_not_in_shopline(self) -> None:
        self.found.mark_order_not_imported(T0)
        if self.due_seen and self.refund_id is None:
            self.not_imported = True

    @invariant()
    def matches_the_model(self) -> None:
        assert self.found.status.value == ReturnStatus.parse(self.status).value
        assert self.found.update_time == self.updated
        if self.refund_id is not None:
            expected = RefundState.REFUNDED
        elif self.not_imported:
            expected = RefundState.NOT_IMPORTED
        elif self.due_seen:
            expected = RefundState.DUE
        else:
            expected = RefundState.NONE
        assert self.found.refund_state is expected
        assert self.found.shopline_refund_id == self.refund_id


TestReturnMachine = ReturnMachine.TestCase
TestReturnMachine.settings = settings(max_examples=150, stateful_step_count=25, deadline=None)
