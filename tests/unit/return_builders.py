"""Builders of TikTok return reports for the return tests."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.ids import ChannelSkuId, OrderId
from domain.money import Money
from domain.returns import RefundAmount, TikTokReturnData, TikTokReturnLineItem
from tests.unit.builders import T0

ORDER_ID = OrderId("576000000000000001")


def refund_amount(total: str = "20.00", currency: str = "USD") -> RefundAmount:
    zero = Money.of("0", currency)
    return RefundAmount(Money.of(total, currency), Money.of(total, currency), zero, zero)


def return_data(
    *,
    return_id: str = "4035000000000000001",
    order_id: OrderId = ORDER_ID,
    return_type: str = "RETURN_AND_REFUND",
    status: str = "RETURN_OR_REFUND_REQUEST_PENDING",
    units: tuple[tuple[str, str], ...] = (("sku-1", "10.00"), ("sku-1", "10.00")),
    updated: datetime | None = None,
    role: str = "BUYER",
) -> TikTokReturnData:
    lines = tuple(
        TikTokReturnLineItem(
            f"{return_id}{n}", f"{order_id}{n}", ChannelSkuId(sku), f"SELLER-{sku}", Money.of(price, "USD")
        )
        for n, (sku, price) in enumerate(units)
    )
    total = sum((line.refund_total for line in lines if line.refund_total), Money.of("0", "USD"))
    return TikTokReturnData(
        return_id=return_id,
        order_id=order_id,
        return_type=return_type,
        status=status,
        role=role,
        line_items=lines,
        refund=refund_amount(format(total.amount, "f")),
        create_time=T0,
        update_time=updated or T0,
        reason="Wrong item was sent",
    )


def later(report: TikTokReturnData, status: str, seconds: int = 60) -> TikTokReturnData:
    from dataclasses import replace

    return replace(report, status=status, update_time=report.update_time + timedelta(seconds=seconds))
