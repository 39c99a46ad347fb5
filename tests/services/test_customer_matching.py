"""Buyers of imported orders as SHOPLINE customers, over the stateful fakes: matched by email, then
phone, then the customer linked before; created when nothing matches; the link kept; nothing done
when the app does not sync customers."""

from __future__ import annotations

from dataclasses import replace

from domain.channel import BuyerInfo, TikTokOrderData
from domain.customers import MatchedBy
from domain.errors import PartnerRejected
from domain.ids import OrderId, ShoplineCustomerId
from services.customers.matching import CustomerMatching
from services.inventory.stock_effects import StockEffects
from services.orders.shopline_import import OrderImporter
from tests.services.support_catalog import HANDLE
from tests.services.support_tasks import APP, CIPHER, SHOP
from tests.services.support_webhooks import WebhookWorld
from tests.services.test_webhook_reactions import linked_world, tiktok_order

EMAIL = "v2buyer0001@scs2.tiktok.com"
BUYER = BuyerInfo(user_id="buyer-1", email=EMAIL, name="Jane D***", phone="(+44)207*****58")


async def world(*, sync_customers: bool = True) -> WebhookWorld:
    w = await linked_world()
    app = w.database.state.apps[APP]
    app.change_settings(replace(app.settings, sync_customers=sync_customers), app.created_at)
    return w


def importer(w: WebhookWorld) -> OrderImporter:
    matching = CustomerMatching(w.uow, w.shopline, w.clock)
    return OrderImporter(w.uow, w.shopline, w.clock, StockEffects(w.clock, w.ids), w.on_hand_reader, matching)


async def bought(w: WebhookWorld, order_id: str, buyer: BuyerInfo = BUYER) -> ShoplineCustomerId | None:
    """The buyer's order arrives and is imported; returns the customer its SHOPLINE order has."""
    data: TikTokOrderData = replace(tiktok_order(), order_id=OrderId(order_id), buyer=buyer)
    w.tiktok.shop(CIPHER).orders[data.order_id] = data
    await w.tiktok_event(1, {"order_id": data.order_id})
    imported = await importer(w).import_order(APP, SHOP, data.order_id)
    shopline_order_id = imported.import_status.shopline_order_id
    assert shopline_order_id is not None
    return w.shopline.store(HANDLE).orders[shopline_order_id][0].customer_id


def link(w: WebhookWorld, user_id: str = "buyer-1"):  # type: ignore[no-untyped-def]
    return w.database.state.customer_links.get((APP, user_id))


async def test_with_the_setting_off_nothing_is_looked_up_or_created() -> None:
    w = await world(sync_customers=False)
    assert await bought(w, "900001") is None
    assert not [c for c in w.shopline.calls if "customer" in c]
    assert w.database.state.customer_links == {}


async def test_a_store_customer_with_the_buyers_email_is_the_orders_customer() -> None:
    w = await world()
    shopper = w.shopline.add_customer(HANDLE, email=EMAIL.upper())
    assert await bought(w, "900001") == shopper
    held = link(w)
    assert (held.shopline_customer_id, held.matched_by) == (shopper, MatchedBy.EMAIL)
    assert "create_customer" not in w.shopline.calls


async def test_an_unmasked_phone_matches_when_the_email_does_not() -> None:
    w = await world()
    shopper = w.shopline.add_customer(HANDLE, phone="+442079460958")
    buyer = replace(BUYER, phone="(+44)20 7946 0958")
    assert await bought(w, "900001", buyer) == shopper
    assert link(w).matched_by is MatchedBy.PHONE


async def test_a_masked_phone_is_never_used_to_match_or_create() -> None:
    w = await world()
    w.shopline.add_customer(HANDLE, phone="+44207000058")
    created = await bought(w, "900001")
    assert created is not None
    assert w.shopline.store(HANDLE).customers[created].phone is None
    assert "find_customer_by_phone" not in w.shopline.calls


async def test_a_new_buyer_becomes_one_customer_for_all_their_orders() -> None:
    w = await world()
    first = await bought(w, "900001")
    second = await bought(w, "900002")
    assert first is not None and first == second
    assert w.shopline.calls.count("create_customer") == 1
    created = w.shopline.store(HANDLE).customers[first]
    assert (created.email, created.first_name, created.last_name) == (EMAIL, "Jane", "D***")
    assert w.shopline.calls.count("find_customer_by_email") == 2  # the second order found it by email
    assert link(w).matched_by is MatchedBy.CREATED


async def test_the_linked_customer_is_used_when_email_and_phone_no_longer_match() -> None:
    w = await world()
    first = await bought(w, "900001")
    assert first is not None
    customers = w.shopline.store(HANDLE).customers
    customers[first] = replace(customers[first], email="changed@example.com")  # the merchant edited it
    assert await bought(w, "900002") == first
    assert w.shopline.calls.count("get_customer") == 1  # found through the link
    assert link(w).shopline_customer_id == first
    assert w.shopline.calls.count("create_customer") == 1


async def test_a_deleted_linked_customer_is_created_again_and_relinked() -> None:
    w = await world()
    first = await bought(w, "900001")
    assert first is not None
    del w.shopline.store(HANDLE).customers[first]
    second = await bought(w, "900002")
    assert second is not None and second != first
    assert (link(w).shopline_customer_id, link(w).matched_by) == (second, MatchedBy.CREATED)


async def test_a_buyer_with_nothing_that_identifies_them_gets_no_customer() -> None:
    w = await world()
    buyer = BuyerInfo(user_id="buyer-2", name="J*** D***", phone="(+1)213*****12")
    assert await bought(w, "900001", buyer) is None
    assert "create_customer" not in w.shopline.calls
    assert link(w, "buyer-2") is None


async def test_a_customer_shopline_refuses_leaves_the_order_imported_without_one() -> None:
    w = await world()

    async def refused(*_args: object) -> None:
        raise PartnerRejected("shopline", "422", "customer.email is invalid")

    w.shopline.create_customer = refused  # type: ignore[method-assign, assignment]
    assert await bought(w, "900001") is None
    assert link(w) is None


async def test_a_customer_redaction_drops_the_links_to_that_customer() -> None:
    w = await world()
    first = await bought(w, "900001")
    other = await bought(w, "900002", replace(BUYER, user_id="buyer-2", email="v2other@scs2.tiktok.com"))
    assert first is not None and other is not None
    await w.shopline_event("customers/redact", {"customers": [{"id": first}], "handle": HANDLE})
    assert link(w) is None
    assert link(w, "buyer-2").shopline_customer_id == other
