"""The SHOPLINE refunds client against the sandbox: line items, refunds with and without restock,
SHOPLINE's validation, and exactly one refund when replies are lost."""

from __future__ import annotations

import pytest

from adapters.shopline.refunds import ShoplineRefundsClient
from domain.errors import PartnerRejected
from domain.ids import ShoplineOrderId
from domain.returns.shopline import NewShoplineRefund, ShoplineRefundLine

from .test_shopline_client import new_order  # noqa: TID252

REFUNDS = "POST /admin/openapi/*/order/refund.json"


@pytest.fixture
def refunds(client) -> ShoplineRefundsClient:
    return ShoplineRefundsClient(client)


async def imported(sandbox, client, credentials, marker: str, quantity: int = 3):  # type: ignore[no-untyped-def]
    variant = sandbox.control.shopline_variants(sandbox.shopline_handle, 1)[0]
    sandbox.control.set_shopline_inventory(sandbox.shopline_handle, variant["id"], 20)
    ref = await client.create_order(credentials, new_order(variant, marker, quantity=quantity))
    return variant, ref


def on_hand(sandbox, variant_id: str) -> int:
    store = sandbox.control.shopline.store(sandbox.shopline_handle)
    item = store.variants[variant_id].inventory_item_id
    return sum(quantity for (held, _), quantity in store.levels.items() if held == item)


def refund(
    order_id: str, marker: str, line_id: str, quantity: int, restock: bool, location: str | None = None
):  # type: ignore[no-untyped-def]
    return NewShoplineRefund(
        ShoplineOrderId(order_id), marker, "USD", (ShoplineRefundLine(line_id, quantity, restock, location),)
    )


async def test_a_refund_with_restock_puts_the_units_back(sandbox, client, credentials, refunds) -> None:
    variant, ref = await imported(sandbox, client, credentials, "TT-refund-restock")
    assert on_hand(sandbox, variant["id"]) == 17
    [item] = await refunds.order_items(credentials, ref.order_id)
    assert item.variant_id == variant["id"] and item.quantity == 3
    made = await refunds.create_refund(
        credentials, refund(ref.order_id, "TIKTOK_RETURN:1:r1", item.line_item_id, 2, True, item.location_id)
    )
    assert [(line.quantity, line.restock) for line in made.lines] == [(2, True)]
    assert on_hand(sandbox, variant["id"]) == 19
    assert await refunds.find_refund(credentials, ref.order_id, "TIKTOK_RETURN:1:r1") == made
    assert await refunds.find_refund(credentials, ref.order_id, "TIKTOK_RETURN:1:other") is None


async def test_a_refund_without_restock_leaves_stock_alone(sandbox, client, credentials, refunds) -> None:
    variant, ref = await imported(sandbox, client, credentials, "TT-refund-plain")
    [item] = await refunds.order_items(credentials, ref.order_id)
    await refunds.create_refund(
        credentials, refund(ref.order_id, "TIKTOK_RETURN:1:r2", item.line_item_id, 3, False)
    )
    assert on_hand(sandbox, variant["id"]) == 17


async def test_shopline_refuses_more_than_ordered_and_unknown_orders(
    sandbox, client, credentials, refunds
) -> None:
    _, ref = await imported(sandbox, client, credentials, "TT-refund-too-much", quantity=2)
    [item] = await refunds.order_items(credentials, ref.order_id)
    with pytest.raises(PartnerRejected):
        await refunds.create_refund(credentials, refund(ref.order_id, "m1", item.line_item_id, 3, False))
    await refunds.create_refund(credentials, refund(ref.order_id, "m2", item.line_item_id, 2, False))
    with pytest.raises(PartnerRejected):
        await refunds.create_refund(credentials, refund(ref.order_id, "m3", item.line_item_id, 1, False))
    with pytest.raises(PartnerRejected):
        await refunds.create_refund(
            credentials, refund("2100000000000000000000001", "m4", item.line_item_id, 1, False)
        )
    with pytest.raises(PartnerRejected):
        await refunds.create_refund(credentials, refund(ref.order_id, "m5", "999", 1, False))


@pytest.mark.parametrize("status", [None, 502])
async def test_a_lost_refund_reply_yields_exactly_one_refund(
    sandbox, client, credentials, refunds, status
) -> None:
    variant, ref = await imported(sandbox, client, credentials, f"TT-refund-lost-{status}")
    [item] = await refunds.order_items(credentials, ref.order_id)
    sandbox.control.add_fault("lost_response", service="shopline", pattern=REFUNDS, count=2, status=status)
    made = await refunds.create_refund(
        credentials, refund(ref.order_id, "TIKTOK_RETURN:1:lost", item.line_item_id, 3, True)
    )
    stored = sandbox.control.shopline_refunds(sandbox.shopline_handle, ref.order_id)
    assert [r["id"] for r in stored] == [made.refund_id]
    assert on_hand(sandbox, variant["id"]) == 20
