"""Returns and refunds in the simulators: TikTok's return search and seller decisions as strict as
TikTok (paging, filters, status gating, decisions, reasons, idempotency keys), the buyer's control
moves, and SHOPLINE refunds (validation, restock, `refunds/create`)."""

from __future__ import annotations

import pytest

SEARCH = "/return_refund/202309/returns/search"


def delivered_order(sandbox, shop_id: str, quantity: int = 2) -> str:  # type: ignore[no-untyped-def]
    sku = sandbox.control.sample_skus(shop_id, 1, active_only=True)[0]
    order = sandbox.control.create_order(shop_id, [[sku["id"], quantity]], status="AWAITING_SHIPMENT")
    for status in ("IN_TRANSIT", "DELIVERED"):
        sandbox.control.set_order_status(shop_id, order["id"], status)
    return order["id"]


async def test_search_needs_a_page_size_and_known_filters(tiktok, sandbox) -> None:  # type: ignore[no-untyped-def]
    missing = (await tiktok.call("POST", SEARCH, body={}, cipher=tiktok.cipher())).json()
    assert missing["code"] == 36009004 and "page_size" in missing["message"]
    unknown = await tiktok.call(
        "POST", SEARCH, params={"page_size": "10"}, body={"return_status": ["LOST"]}, cipher=tiktok.cipher()
    )
    assert unknown.json()["code"] == 36009004
    order_id = delivered_order(sandbox, tiktok.shop_id())
    opened = sandbox.control.open_return(tiktok.shop_id(), order_id, "REFUND", quantity=1)
    data = await tiktok.ok(
        "POST",
        SEARCH,
        params={"page_size": "10"},
        body={"order_ids": [order_id], "return_status": ["RETURN_OR_REFUND_REQUEST_PENDING"]},
        cipher=tiktok.cipher(),
    )
    [found] = data["return_orders"]
    assert found["return_id"] == opened["return_id"] and len(found["return_line_items"]) == 1
    assert found["seller_next_action_response"]
    assert data["next_page_token"] == "" and data["total_count"] == 1


async def test_decisions_are_gated_by_type_and_status_and_keyed_by_idempotency(tiktok, sandbox) -> None:  # type: ignore[no-untyped-def]
    order_id = delivered_order(sandbox, tiktok.shop_id())
    return_id = sandbox.control.open_return(tiktok.shop_id(), order_id, "RETURN_AND_REFUND")["return_id"]
    path = f"/return_refund/202309/returns/{return_id}/approve"
    wrong = await tiktok.call("POST", path, body={"decision": "APPROVE_REFUND"}, cipher=tiktok.cipher())
    assert wrong.json()["code"] == 36009004
    key = {"idempotency_key": "k-1"}
    await tiktok.ok("POST", path, params=key, body={"decision": "APPROVE_RETURN"}, cipher=tiktok.cipher())
    # The same key again is the same call: accepted, nothing changes.
    await tiktok.ok("POST", path, params=key, body={"decision": "APPROVE_RETURN"}, cipher=tiktok.cipher())
    assert (
        sandbox.control.tiktok_return(tiktok.shop_id(), return_id)["return_status"] == "AWAITING_BUYER_SHIP"
    )
    again = await tiktok.call("POST", path, body={"decision": "APPROVE_RETURN"}, cipher=tiktok.cipher())
    assert again.json()["code"] == 12052903
    reject = f"/return_refund/202309/returns/{return_id}/reject"
    body = {"decision": "REJECT_RETURN", "reject_reason": "seller_reject_apply_product_has_been_packed"}
    assert (await tiktok.call("POST", reject, body=body, cipher=tiktok.cipher())).json()["code"] == 12052903
    unknown = await tiktok.call(
        "POST",
        "/return_refund/202309/returns/1/approve",
        body={"decision": "APPROVE_REFUND"},
        cipher=tiktok.cipher(),
    )
    assert unknown.json()["code"] == 36009004


async def test_reject_needs_a_reason_name_and_a_short_comment(tiktok, sandbox) -> None:  # type: ignore[no-untyped-def]
    order_id = delivered_order(sandbox, tiktok.shop_id())
    return_id = sandbox.control.open_return(tiktok.shop_id(), order_id, "REFUND")["return_id"]
    path = f"/return_refund/202309/returns/{return_id}/reject"
    bad = await tiktok.call(
        "POST", path, body={"decision": "REJECT_REFUND", "reject_reason": "x"}, cipher=tiktok.cipher()
    )
    assert bad.json()["code"] == 36009004
    long_comment = {
        "decision": "REJECT_REFUND",
        "reject_reason": "seller_reject_apply_product_has_been_packed",
        "comment": "x" * 501,
    }
    assert (await tiktok.call("POST", path, body=long_comment, cipher=tiktok.cipher())).json()[
        "code"
    ] == 36009004
    await tiktok.ok("POST", path, body={**long_comment, "comment": "ok"}, cipher=tiktok.cipher())
    assert (
        sandbox.control.tiktok_return(tiktok.shop_id(), return_id)["return_status"]
        == "REFUND_OR_RETURN_REQUEST_REJECT"
    )


def test_the_buyer_can_ask_only_for_what_was_shipped_and_not_twice(sandbox) -> None:  # type: ignore[no-untyped-def]
    shop_id = sandbox.control.shops()[0]["id"]
    sku = sandbox.control.sample_skus(shop_id, 1, active_only=True)[0]
    waiting = sandbox.control.create_order(shop_id, [[sku["id"], 1]], status="AWAITING_SHIPMENT")
    with pytest.raises(ValueError):
        sandbox.control.open_return(shop_id, waiting["id"], "REFUND")
    order_id = delivered_order(sandbox, shop_id, quantity=2)
    first = sandbox.control.open_return(shop_id, order_id, "RETURN_AND_REFUND", quantity=1)
    sandbox.control.open_return(shop_id, order_id, "REFUND")  # the other unit
    with pytest.raises(ValueError):
        sandbox.control.open_return(shop_id, order_id, "REFUND")
    sandbox.control.move_return(shop_id, first["return_id"], "RETURN_OR_REFUND_REQUEST_CANCEL")
    again = sandbox.control.open_return(shop_id, order_id, "REFUND")  # a withdrawn unit may be asked again
    assert len(again["return_line_items"]) == 1
    with pytest.raises(ValueError):
        sandbox.control.move_return(shop_id, again["return_id"], "RETURN_OR_REFUND_REQUEST_COMPLETE")


async def test_shopline_refunds_validate_restock_and_send_refunds_create(shopline, sandbox) -> None:  # type: ignore[no-untyped-def]
    handle = sandbox.shopline_handle
    sandbox.control.configure_webhooks(shopline_url="http://127.0.0.1:9/hooks/shopline", handle=handle)
    variant = sandbox.control.shopline_variants(handle, 1)[0]
    sandbox.control.set_shopline_inventory(handle, variant["id"], 10)
    created = await shopline.request(
        "POST",
        "orders.json",
        json={
            "order": {
                "line_items": [{"variant_id": variant["id"], "quantity": 2, "price": "5.00"}],
                "financial_status": "paid",
                "inventory_behaviour": "decrement_ignoring_policy",
            }
        },
    )
    order = created.json()["order"]
    line_id = order["line_items"][0]["id"]
    wrong_currency = await shopline.request(
        "POST",
        "order/refund.json",
        json={
            "order_id": order["id"],
            "currency": "XXX",
            "refund_line_items": [{"line_item_id": line_id, "quantity": 1}],
        },
    )
    assert wrong_currency.status_code == 422
    bad_restock = await shopline.request(
        "POST",
        "order/refund.json",
        json={
            "order_id": order["id"],
            "refund_line_items": [{"line_item_id": line_id, "quantity": 1, "restock_type": "x"}],
        },
    )
    assert bad_restock.status_code == 422
    made = await shopline.request(
        "POST",
        "order/refund.json",
        json={
            "order_id": order["id"],
            "refund_line_items": [{"line_item_id": line_id, "quantity": 2, "restock_type": "return"}],
        },
    )
    assert made.status_code == 200 and made.json()["data"]["transactions"][0]["amount"] == "10.00"
    store = sandbox.control.shopline.store(handle)
    item = store.variants[variant["id"]].inventory_item_id
    assert store.levels[(item, store.default_location_id)] == 10
    listed = await shopline.request("GET", f"orders/{order['id']}/refunds.json")
    assert [r["id"] for r in listed.json()["refunds"]] == [made.json()["data"]["id"]]
    log = sandbox.control.webhook_log()
    assert any(d["event"] == "shopline:refunds/create" for d in log["pending"] + log["finished"])
