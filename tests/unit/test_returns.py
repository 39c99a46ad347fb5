"""OrderReturn: TikTok's reports, the seller's decisions, the refund due in SHOPLINE, restocking."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.app import ReturnRestock
from domain.errors import InvalidReturnData, ReturnAlreadyRefunded, ReturnNotAwaitingSeller
from domain.ids import ChannelSkuId
from domain.money import Money
from domain.returns import OrderReturn, RefundLine, RefundState, ReturnStatus, ReturnType
from tests.unit.builders import APP_A, SHOP, T0
from tests.unit.return_builders import later, return_data


def seen(**kwargs: object) -> OrderReturn:
    return OrderReturn.first_seen(APP_A, SHOP, return_data(**kwargs), T0)  # type: ignore[arg-type]


def test_units_are_aggregated_per_sku_with_their_refund() -> None:
    found = seen(units=(("sku-2", "5.00"), ("sku-1", "10.00"), ("sku-1", "10.50")))
    assert [(line.sku_id, line.quantity) for line in found.lines] == [("sku-1", 2), ("sku-2", 1)]
    assert found.lines[0].refund_total == Money.of("20.50", "USD")
    assert found.refund is not None and found.refund.total == Money.of("25.50", "USD")


def test_the_webhook_spelling_of_the_cancel_status_is_understood() -> None:
    found = seen(status="RETURN_OR_REFUND__REQUEST_CANCELLED")
    assert found.status is ReturnStatus.RETURN_OR_REFUND_REQUEST_CANCEL
    assert found.status.terminal


def test_an_unknown_status_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidReturnData) as error:
        seen(status="SOMETHING_NEW")
    assert error.value.field == "return_status"


def test_older_and_repeated_reports_change_nothing() -> None:
    report = return_data(updated=T0 + timedelta(minutes=5))
    found = OrderReturn.first_seen(APP_A, SHOP, report, T0)
    assert not found.apply_update(report)
    older = later(report, "AWAITING_BUYER_SHIP", seconds=-60)
    assert not found.apply_update(older)
    assert found.status is ReturnStatus.RETURN_OR_REFUND_REQUEST_PENDING


def test_a_terminal_status_never_changes() -> None:
    found = seen(status="RETURN_OR_REFUND_REQUEST_COMPLETE")
    assert not found.apply_update(later(return_data(), "RETURN_OR_REFUND_REQUEST_PENDING", seconds=600))
    assert found.status is ReturnStatus.RETURN_OR_REFUND_REQUEST_COMPLETE


@pytest.mark.parametrize(
    ("return_type", "status", "due"),
    [
        ("REFUND", "RETURN_OR_REFUND_REQUEST_SUCCESS", True),
        ("RETURN_AND_REFUND", "RETURN_OR_REFUND_REQUEST_COMPLETE", True),
        ("RETURN_AND_REFUND", "BUYER_SHIPPED_ITEM", False),
        ("REPLACEMENT", "REPLACEMENT_REQUEST_COMPLETE", False),
        ("REFUND", "REFUND_OR_RETURN_REQUEST_REJECT", False),
    ],
)
def test_a_refund_is_due_once_tiktok_refunded_a_refund_or_return(
    return_type: str, status: str, due: bool
) -> None:
    found = seen(return_type=return_type, status=status)
    assert (found.refund_state is RefundState.DUE) is due


def test_the_refund_is_recorded_once() -> None:
    found = seen(status="RETURN_OR_REFUND_REQUEST_COMPLETE")
    found.mark_refunded("refund-1", True, T0)
    found.mark_refunded("refund-1", True, T0)  # a retry that found its own refund
    assert found.refund_state is RefundState.REFUNDED and found.restocked
    with pytest.raises(ReturnAlreadyRefunded):
        found.mark_refunded("refund-2", True, T0)


def test_no_refund_is_recorded_when_none_is_due() -> None:
    with pytest.raises(ReturnNotAwaitingSeller):
        seen().mark_refunded("refund-1", False, T0)


def test_an_order_not_in_shopline_gets_its_refund_recorded_only() -> None:
    found = seen(status="RETURN_OR_REFUND_REQUEST_SUCCESS")
    found.mark_order_not_imported(T0)
    assert found.refund_state is RefundState.NOT_IMPORTED
    assert not found.apply_update(later(return_data(), "RETURN_OR_REFUND_REQUEST_SUCCESS", seconds=0))
    found.apply_update(later(return_data(), "RETURN_OR_REFUND_REQUEST_COMPLETE"))
    assert found.refund_state is RefundState.NOT_IMPORTED


@pytest.mark.parametrize(
    ("rule", "return_type", "restock"),
    [
        (ReturnRestock.RESTOCK_ON_RETURN_RECEIVED, "RETURN_AND_REFUND", True),
        (ReturnRestock.RESTOCK_ON_RETURN_RECEIVED, "REFUND", False),
        (ReturnRestock.NEVER, "RETURN_AND_REFUND", False),
    ],
)
def test_restocking_follows_the_app_rule(rule: ReturnRestock, return_type: str, restock: bool) -> None:
    found = seen(return_type=return_type, status="RETURN_OR_REFUND_REQUEST_COMPLETE")
    assert found.refund_lines(rule) == (RefundLine(ChannelSkuId("sku-1"), 2, restock),)


@pytest.mark.parametrize(
    ("return_type", "status", "approve", "reject"),
    [
        ("REFUND", "RETURN_OR_REFUND_REQUEST_PENDING", "APPROVE_REFUND", "REJECT_REFUND"),
        ("RETURN_AND_REFUND", "RETURN_OR_REFUND_REQUEST_PENDING", "APPROVE_RETURN", "REJECT_RETURN"),
        ("RETURN_AND_REFUND", "BUYER_SHIPPED_ITEM", "APPROVE_RECEIVED_PACKAGE", "REJECT_RECEIVED_PACKAGE"),
        ("REPLACEMENT", "REPLACEMENT_REQUEST_PENDING", "APPROVE_REPLACEMENT", "REJECT_REPLACEMENT"),
    ],
)
def test_the_seller_decision_follows_type_and_status(
    return_type: str, status: str, approve: str, reject: str
) -> None:
    found = seen(return_type=return_type, status=status)
    assert found.awaits_seller
    assert (found.decision(approve=True), found.decision(approve=False)) == (approve, reject)


@pytest.mark.parametrize("status", ["AWAITING_BUYER_SHIP", "RETURN_OR_REFUND_REQUEST_COMPLETE"])
def test_no_decision_when_tiktok_waits_for_nobody_or_the_buyer(status: str) -> None:
    found = seen(status=status)
    assert not found.awaits_seller
    with pytest.raises(ReturnNotAwaitingSeller):
        found.decision(approve=True)


def test_return_type_is_kept() -> None:
    assert seen(return_type="REFUND").return_type is ReturnType.REFUND


def test_one_refunder_at_a_time_until_its_claim_runs_out() -> None:
    found = seen(status="RETURN_OR_REFUND_REQUEST_COMPLETE")
    assert found.claim_refund(T0, T0 + timedelta(minutes=10))
    assert not found.claim_refund(T0 + timedelta(minutes=5), T0 + timedelta(minutes=15))
    assert found.claim_refund(T0 + timedelta(minutes=11), T0 + timedelta(minutes=21))
    found.release_refund_claim()
    assert found.claim_refund(T0 + timedelta(minutes=12), T0 + timedelta(minutes=22))
    found.mark_refunded("refund-1", False, T0)
    assert found.refund_claimed_until is None
    assert not found.claim_refund(T0 + timedelta(hours=1), T0 + timedelta(hours=2))


def test_nothing_to_claim_before_tiktok_refunded() -> None:
    assert not seen().claim_refund(T0, T0 + timedelta(minutes=10))
