"""The TikTok returns client against the sandbox: search, one order's returns, approve and reject
with TikTok's status gating, refusals with TikTok's codes, and lost replies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.tiktok.returns import TikTokReturnsClient
from domain.channel import ShopCredentials, TimeWindow
from domain.errors import PartnerRejected
from domain.ids import OrderId


def everything(clock) -> TimeWindow:
    now = datetime.fromtimestamp(clock.now_s() + 1, UTC)
    return TimeWindow(now - timedelta(days=400), now)


def delivered_order(sandbox, shop_id: str, quantity: int = 2) -> str:
    sku = sandbox.control.sample_skus(shop_id, 1, active_only=True)[0]
    order = sandbox.control.create_order(shop_id, [[sku["id"], quantity]], status="AWAITING_SHIPMENT")
    for status in ("IN_TRANSIT", "DELIVERED"):
        sandbox.control.set_order_status(shop_id, order["id"], status)
    return order["id"]


@pytest.fixture
def returns(client) -> TikTokReturnsClient:
    return TikTokReturnsClient(client)


async def test_a_return_is_found_by_search_by_order_and_by_id(sandbox, returns, shop, clock) -> None:
    order_id = delivered_order(sandbox, shop.shop_id, quantity=3)
    opened = sandbox.control.open_return(shop.shop_id, order_id, "RETURN_AND_REFUND")
    [found] = await returns.order_returns(shop.credentials, OrderId(order_id))
    assert found.return_id == opened["return_id"] and found.return_type == "RETURN_AND_REFUND"
    assert found.status == "RETURN_OR_REFUND_REQUEST_PENDING"
    assert len(found.line_items) == 3 and len({item.order_line_item_id for item in found.line_items}) == 3
    assert (
        found.refund is not None and found.refund.total.currency == found.line_items[0].refund_total.currency
    )
    searched = []
    async for page in returns.search_returns(shop.credentials, everything(clock), page_size=1):
        searched.extend(page.items)
    assert opened["return_id"] in {item.return_id for item in searched}
    assert (await returns.get_return(shop.credentials, opened["return_id"])) == found


async def test_search_pages_through_every_return(sandbox, returns, shop, clock) -> None:
    ids = set()
    for _ in range(3):
        order_id = delivered_order(sandbox, shop.shop_id, quantity=1)
        ids.add(sandbox.control.open_return(shop.shop_id, order_id, "REFUND")["return_id"])
    pages = 0
    found = set()
    async for page in returns.search_returns(shop.credentials, everything(clock), page_size=2):
        pages += 1
        found |= {item.return_id for item in page.items}
    assert ids <= found and pages >= 2


async def test_return_and_refund_approved_shipped_back_received_and_completed(sandbox, returns, shop) -> None:
    order_id = delivered_order(sandbox, shop.shop_id)
    return_id = sandbox.control.open_return(shop.shop_id, order_id, "RETURN_AND_REFUND")["return_id"]
    with pytest.raises(PartnerRejected):
        await returns.approve_return(shop.credentials, return_id, "APPROVE_REFUND")  # wrong decision
    await returns.approve_return(shop.credentials, return_id, "APPROVE_RETURN")
    assert (await returns.get_return(shop.credentials, return_id)).status == "AWAITING_BUYER_SHIP"
    # A repeat meets a return no longer pending: read back, it already shows the approval.
    await returns.approve_return(shop.credentials, return_id, "APPROVE_RETURN")
    with pytest.raises(PartnerRejected) as refused:
        await returns.approve_return(shop.credentials, return_id, "APPROVE_RECEIVED_PACKAGE")
    assert refused.value.code == "12052903"
    sandbox.control.move_return(shop.shop_id, return_id, "BUYER_SHIPPED_ITEM")
    await returns.approve_return(shop.credentials, return_id, "APPROVE_RECEIVED_PACKAGE")
    assert (
        await returns.get_return(shop.credentials, return_id)
    ).status == "RETURN_OR_REFUND_REQUEST_SUCCESS"
    sandbox.control.move_return(shop.shop_id, return_id, "RETURN_OR_REFUND_REQUEST_COMPLETE")
    assert (
        await returns.get_return(shop.credentials, return_id)
    ).status == "RETURN_OR_REFUND_REQUEST_COMPLETE"


async def test_reject_needs_one_of_tiktoks_reasons(sandbox, returns, shop) -> None:
    order_id = delivered_order(sandbox, shop.shop_id)
    return_id = sandbox.control.open_return(shop.shop_id, order_id, "REFUND")["return_id"]
    reasons = await returns.return_reject_reasons(shop.credentials, return_id)
    assert reasons
    with pytest.raises(PartnerRejected) as refused:
        await returns.reject_return(shop.credentials, return_id, "REJECT_REFUND", "not_a_reason")
    assert refused.value.code == "36009004"
    await returns.reject_return(shop.credentials, return_id, "REJECT_REFUND", reasons[0], "Used item")
    assert (await returns.get_return(shop.credentials, return_id)).status == "REFUND_OR_RETURN_REQUEST_REJECT"


async def test_unknown_returns_and_other_shops_returns_are_refused(
    sandbox, returns, client, shop, store
) -> None:
    with pytest.raises(PartnerRejected):
        await returns.approve_return(shop.credentials, "4035228871802999999", "APPROVE_REFUND")
    assert await returns.get_return(shop.credentials, "4035228871802999999") is None
    other = sandbox.control.create_shop("GB", "Other shop")
    code = sandbox.control.grant_authorization([shop.shop_id, other["id"]])["code"]
    grant = await client.exchange_code(code)
    cipher = next(
        s.cipher for s in await client.authorized_shops(grant.access_token) if s.tiktok_shop_id == other["id"]
    )
    order_id = delivered_order(sandbox, shop.shop_id)
    return_id = sandbox.control.open_return(shop.shop_id, order_id, "REFUND")["return_id"]
    elsewhere = ShopCredentials(cipher, grant.access_token)
    assert await returns.get_return(elsewhere, return_id) is None
    with pytest.raises(PartnerRejected):
        await returns.approve_return(elsewhere, return_id, "APPROVE_REFUND")


async def test_a_lost_approve_reply_is_retried_under_the_same_idempotency_key(sandbox, returns, shop) -> None:
    order_id = delivered_order(sandbox, shop.shop_id)
    return_id = sandbox.control.open_return(shop.shop_id, order_id, "REFUND")["return_id"]
    sandbox.control.add_fault(
        "lost_response", service="tiktok", pattern="POST /return_refund/202309/returns/*/approve", count=1
    )
    await returns.approve_return(shop.credentials, return_id, "APPROVE_REFUND")
    assert (
        await returns.get_return(shop.credentials, return_id)
    ).status == "RETURN_OR_REFUND_REQUEST_SUCCESS"
    assert sandbox.control.faults() == []  # the lost reply happened (the rule is used up)


async def test_every_status_change_sends_webhook_12(sandbox, shop) -> None:
    sandbox.control.configure_webhooks(tiktok_url="http://127.0.0.1:9/hooks/tiktok")
    order_id = delivered_order(sandbox, shop.shop_id)
    return_id = sandbox.control.open_return(shop.shop_id, order_id, "RETURN_AND_REFUND")["return_id"]
    sandbox.control.move_return(shop.shop_id, return_id, "RETURN_OR_REFUND_REQUEST_CANCEL")
    log = sandbox.control.webhook_log()
    sent = [d for d in log["pending"] + log["finished"] if d["event"] == "tiktok:RETURN_STATUS_CHANGE"]
    assert len(sent) == 2
