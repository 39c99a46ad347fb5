"""Cancel Order (reference §3.12) between the client and the sandbox: TikTok's status gating by
market (seller cancel at AWAITING_COLLECTION is US only, fulfillment reference T2), the answer for
an order cancelled already, and a lost answer that must not lead to a second cancel."""

from __future__ import annotations

import pytest

from adapters.tiktok import cancellations
from adapters.tiktok.client import TikTokChannelClient
from domain.channel import ShopCredentials
from domain.errors import PartnerRejected
from domain.ids import OrderId

from .conftest import AuthorizedShop, TokenStore  # noqa: TID252


async def authorized(sandbox, client: TikTokChannelClient, store: TokenStore, region: str) -> AuthorizedShop:  # type: ignore[no-untyped-def]
    shop_id = sandbox.control.create_shop(region=region, products=2, orders=0)["id"]
    grant = await client.exchange_code(sandbox.control.grant_authorization([shop_id])["code"])
    store.grant = grant
    (found,) = [s for s in await client.authorized_shops(grant.access_token) if s.tiktok_shop_id == shop_id]
    return AuthorizedShop(shop_id, ShopCredentials(found.cipher, grant.access_token))


def order_at(sandbox, shop: AuthorizedShop, status: str) -> OrderId:  # type: ignore[no-untyped-def]
    order = sandbox.control.create_order(shop.shop_id, status="AWAITING_SHIPMENT")
    if status != "AWAITING_SHIPMENT":
        sandbox.control.set_order_status(shop.shop_id, order["id"], status)
    return OrderId(str(order["id"]))


def seller_cancellations(sandbox, shop: AuthorizedShop, order_id: str) -> list[object]:  # type: ignore[no-untyped-def]
    data = sandbox.control.tiktok.data(shop.shop_id)
    return [c for c in data.cancellations.values() if c.order_id == order_id and c.role == "SELLER"]


@pytest.mark.parametrize(
    ("region", "status", "allowed"),
    [
        ("US", "AWAITING_SHIPMENT", True),
        ("GB", "AWAITING_SHIPMENT", True),
        ("US", "AWAITING_COLLECTION", True),
        ("GB", "AWAITING_COLLECTION", False),
        ("SG", "AWAITING_COLLECTION", False),
        ("US", "IN_TRANSIT", False),
    ],
)
async def test_the_seller_may_cancel_at_collection_only_in_the_us(
    sandbox, client, store, region: str, status: str, allowed: bool
) -> None:  # type: ignore[no-untyped-def]
    shop = await authorized(sandbox, client, store, region)
    order_id = order_at(sandbox, shop, status)
    offered = await client.cancel_reasons(shop.credentials, order_id)
    assert bool(offered) is allowed
    if allowed:
        assert (await client.cancel_order(shop.credentials, order_id, "")).isdigit()
        assert sandbox.control.tiktok.data(shop.shop_id).orders[order_id].status == "CANCELLED"
        return
    with pytest.raises(PartnerRejected) as caught:
        await client.cancel_order(shop.credentials, order_id, "")
    assert caught.value.code == "not_cancellable"
    # Asked directly (the raw endpoint, without the client's checks), the sandbox refuses as TikTok does.
    tokens = client._tokens(shop.credentials)
    with pytest.raises(PartnerRejected) as raw:
        await cancellations.seller_cancel(
            client.transport,
            tokens,
            shop.credentials.shop_cipher,
            order_id,
            "seller_cancel_reason_out_of_stock",
        )
    assert raw.value.code == "12052902"
    assert status in raw.value.message
    assert seller_cancellations(sandbox, shop, order_id) == []


async def test_an_order_cancelled_already_is_answered_as_such_and_read_back_as_done(
    sandbox, client, store
) -> None:  # type: ignore[no-untyped-def]
    shop = await authorized(sandbox, client, store, "GB")
    order_id = order_at(sandbox, shop, "AWAITING_SHIPMENT")
    first = await client.cancel_order(shop.credentials, order_id, "")
    tokens = client._tokens(shop.credentials)
    with pytest.raises(PartnerRejected) as raw:
        await cancellations.seller_cancel(
            client.transport,
            tokens,
            shop.credentials.shop_cipher,
            order_id,
            "seller_cancel_reason_out_of_stock",
        )
    assert raw.value.code == "21011041"
    assert await client.cancel_order(shop.credentials, order_id, "") == first
    assert len(seller_cancellations(sandbox, shop, order_id)) == 1


async def test_a_lost_answer_is_read_back_and_the_order_is_cancelled_once(sandbox, client, store) -> None:  # type: ignore[no-untyped-def]
    shop = await authorized(sandbox, client, store, "US")
    order_id = order_at(sandbox, shop, "AWAITING_SHIPMENT")
    sandbox.control.add_fault(
        "lost_response", service="tiktok", pattern="POST /return_refund/202309/cancellations", count=1
    )
    cancel_id = await client.cancel_order(shop.credentials, order_id, "")
    assert sandbox.control.faults() == []  # its one lost answer happened (the rule is used up)
    (made,) = seller_cancellations(sandbox, shop, order_id)
    assert made.id == cancel_id  # type: ignore[attr-defined]
    assert await client.cancel_order(shop.credentials, order_id, "") == cancel_id
    assert len(seller_cancellations(sandbox, shop, order_id)) == 1
