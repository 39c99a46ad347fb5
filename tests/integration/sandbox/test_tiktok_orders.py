"""Orders: search paging by update time, detail, one line item per unit, lifecycle and
cancellations driven through the control surface, and webhooks."""

from __future__ import annotations

from collections import Counter

SEARCH = "/order/202309/orders/search"
DETAIL = "/order/202309/orders"


async def walk_orders(tiktok, cipher, body, *, page_size=20, sort_order="ASC", sort_field="update_time"):
    orders, token, pages = [], "", 0
    while True:
        params = {"page_size": str(page_size), "sort_field": sort_field, "sort_order": sort_order}
        if token:
            params["page_token"] = token
        data = await tiktok.ok("POST", SEARCH, params=params, body=body, cipher=cipher)
        orders.extend(data["orders"])
        pages += 1
        token = data["next_page_token"]
        if not token:
            return orders, data["total_count"], pages


async def test_order_search_walks_every_order_once_in_update_time_order(tiktok, sandbox):
    sandbox.control.set_rate_limit("tiktok", rate=1000, burst=1000)
    orders, total, pages = await walk_orders(tiktok, tiktok.cipher(), {})
    ids = [o["id"] for o in orders]
    assert len(ids) == len(set(ids)) == total == len(sandbox.control.tiktok.data(tiktok.shop_id()).orders)
    assert pages == -(-total // 20) and pages > 10
    times = [(o["update_time"], int(o["id"])) for o in orders]
    assert times == sorted(times)


async def test_order_search_window_is_inclusive_then_exclusive(tiktok, sandbox):
    all_orders, _, _ = await walk_orders(tiktok, tiktok.cipher(), {}, page_size=100)
    pivot = sorted(o["update_time"] for o in all_orders)[len(all_orders) // 2]
    before, _, _ = await walk_orders(tiktok, tiktok.cipher(), {"update_time_lt": pivot}, page_size=100)
    after, _, _ = await walk_orders(tiktok, tiktok.cipher(), {"update_time_ge": pivot}, page_size=100)
    assert len(before) + len(after) == len(all_orders)
    assert all(o["update_time"] < pivot for o in before) and all(o["update_time"] >= pivot for o in after)


async def test_order_search_by_status_and_default_sort_is_create_time_desc(tiktok):
    orders, total, _ = await walk_orders(
        tiktok,
        tiktok.cipher(),
        {"order_status": "COMPLETED"},
        page_size=100,
        sort_order="DESC",
        sort_field="create_time",
    )
    assert total > 0 and {o["status"] for o in orders} == {"COMPLETED"}
    created = [o["create_time"] for o in orders]
    assert created == sorted(created, reverse=True)


async def test_realistic_status_mix_and_money_as_decimal_strings(tiktok, sandbox):
    orders, _, _ = await walk_orders(tiktok, tiktok.cipher(), {}, page_size=100)
    statuses = Counter(o["status"] for o in orders)
    for status in ("AWAITING_SHIPMENT", "IN_TRANSIT", "DELIVERED", "COMPLETED", "CANCELLED"):
        assert statuses[status] > 0, statuses
    for order in orders:
        assert isinstance(order["payment"]["total_amount"], str) and "." in order["payment"]["total_amount"]
        for line in order["line_items"]:
            assert "quantity" not in line and isinstance(line["sale_price"], str)


async def test_unpaid_orders_hide_the_address(tiktok, sandbox):
    created = sandbox.control.create_order(tiktok.shop_id(), status="UNPAID")
    data = await tiktok.ok("GET", DETAIL, params={"ids": created["id"]}, cipher=tiktok.cipher())
    assert "recipient_address" not in data["orders"][0]
    sandbox.control.set_order_status(tiktok.shop_id(), created["id"], "AWAITING_SHIPMENT")
    data = await tiktok.ok("GET", DETAIL, params={"ids": created["id"]}, cipher=tiktok.cipher())
    assert data["orders"][0]["recipient_address"]["region_code"] == "US"


async def test_detail_takes_comma_separated_ids_at_most_50(tiktok, sandbox):
    ids = [o["id"] for o in sandbox.control.sample_orders(tiktok.shop_id(), limit=51)]
    data = await tiktok.ok("GET", DETAIL, params={"ids": ",".join(ids[:50])}, cipher=tiktok.cipher())
    assert [o["id"] for o in data["orders"]] == ids[:50]
    too_many = await tiktok.call("GET", DETAIL, params={"ids": ",".join(ids)}, cipher=tiktok.cipher())
    assert too_many.json()["code"] == 36009004


async def test_detail_of_an_order_of_another_shop_is_21008111(tiktok, sandbox):
    foreign = sandbox.control.sample_orders(tiktok.shop_id(1), limit=1)[0]["id"]
    response = await tiktok.call("GET", DETAIL, params={"ids": foreign}, cipher=tiktok.cipher())
    assert response.json()["code"] == 21008111


async def test_new_order_has_one_line_item_per_unit(tiktok, sandbox):
    skus = sandbox.control.sample_skus(tiktok.shop_id(), 2, active_only=True)
    created = sandbox.control.create_order(tiktok.shop_id(), [(skus[0]["id"], 3), (skus[1]["id"], 1)])
    order = (await tiktok.ok("GET", DETAIL, params={"ids": created["id"]}, cipher=tiktok.cipher()))["orders"][
        0
    ]
    assert Counter(line["sku_id"] for line in order["line_items"]) == {skus[0]["id"]: 3, skus[1]["id"]: 1}
    assert len({line["id"] for line in order["line_items"]}) == 4
    assert order["status"] == "UNPAID"


async def test_status_change_bumps_update_time_and_is_found_by_incremental_sync(tiktok, sandbox):
    order = sandbox.control.sample_orders(tiktok.shop_id(), status="AWAITING_SHIPMENT", limit=1)[0]
    sandbox.control.advance_clock(60)
    since = sandbox.control.clock.now_s()
    sandbox.control.set_order_status(tiktok.shop_id(), order["id"], "AWAITING_COLLECTION")
    found, total, _ = await walk_orders(tiktok, tiktok.cipher(), {"update_time_ge": since})
    assert total == 1 and found[0]["id"] == order["id"] and found[0]["status"] == "AWAITING_COLLECTION"


async def test_buyer_cancellation_request_can_be_found_and_approved(tiktok, sandbox):
    order = sandbox.control.sample_orders(tiktok.shop_id(), status="AWAITING_SHIPMENT", limit=1)[0]
    request = sandbox.control.request_buyer_cancellation(tiktok.shop_id(), order["id"])
    data = await tiktok.ok(
        "POST",
        "/return_refund/202309/cancellations/search",
        params={"page_size": "50"},
        body={"cancel_status": ["CANCELLATION_REQUEST_PENDING"]},
        cipher=tiktok.cipher(),
    )
    pending = {c["cancel_id"]: c for c in data["cancellations"]}
    assert request["cancel_id"] in pending
    assert (
        pending[request["cancel_id"]]["seller_next_action_response"][0]["deadline"]
        > sandbox.control.clock.now_s()
    )
    path = f"/return_refund/202309/cancellations/{request['cancel_id']}/approve"
    await tiktok.ok("POST", path, params={"idempotency_key": "k-1"}, cipher=tiktok.cipher())
    detail = await tiktok.ok("GET", DETAIL, params={"ids": order["id"]}, cipher=tiktok.cipher())
    assert detail["orders"][0]["status"] == "CANCELLED"
    again = await tiktok.call("POST", path, params={"idempotency_key": "k-2"}, cipher=tiktok.cipher())
    assert again.json()["code"] != 0


async def test_generated_data_has_pending_buyer_cancellations(tiktok):
    data = await tiktok.ok(
        "POST",
        SEARCH,
        params={"page_size": "100"},
        body={"is_buyer_request_cancel": True},
        cipher=tiktok.cipher(),
    )
    assert data["total_count"] > 0
    assert all(o["is_buyer_request_cancel"] for o in data["orders"])


async def test_seller_cancel_needs_a_reason_from_aftersale_eligibility(tiktok, sandbox):
    created = sandbox.control.create_order(tiktok.shop_id(), status="AWAITING_SHIPMENT")
    eligibility = await tiktok.ok(
        "GET", f"/return_refund/202309/orders/{created['id']}/aftersale_eligibility", cipher=tiktok.cipher()
    )
    reason = eligibility["sku_eligibility"][0]["line_item_eligibility"][0]["available_reason_names"][0]
    bad = await tiktok.call(
        "POST",
        "/return_refund/202309/cancellations",
        body={"order_id": created["id"], "cancel_reason": "because"},
        cipher=tiktok.cipher(),
    )
    assert bad.json()["code"] != 0
    data = await tiktok.ok(
        "POST",
        "/return_refund/202309/cancellations",
        body={"order_id": created["id"], "cancel_reason": reason},
        cipher=tiktok.cipher(),
    )
    assert data["cancel_status"] == "CANCELLATION_REQUEST_SUCCESS"


async def test_illegal_status_transition_is_refused_by_control(tiktok, sandbox):
    import pytest

    from sandbox.tiktok.operations import OrderRuleError

    order = sandbox.control.sample_orders(tiktok.shop_id(), status="COMPLETED", limit=1)[0]
    with pytest.raises(OrderRuleError):
        sandbox.control.set_order_status(tiktok.shop_id(), order["id"], "IN_TRANSIT")


async def test_page_token_must_be_percent_encoded_and_signed_decoded(tiktok, sandbox, http):
    from sandbox.signing import signed_tiktok_query

    first = await tiktok.ok("POST", SEARCH, params={"page_size": "5"}, body={}, cipher=tiktok.cipher())
    token = first["next_page_token"]
    assert "+" in token and "/" in token
    params = {"page_size": "5", "page_token": token}
    pairs = signed_tiktok_query(
        tiktok.app_key,
        tiktok.app_secret,
        SEARCH,
        params,
        timestamp=tiktok.now(),
        body=b"{}",
        shop_cipher=tiktok.cipher(),
    )
    raw_query = "&".join(f"{key}={value}" for key, value in pairs)  # "+" left raw: read as a space
    response = await http.post(
        f"{sandbox.tiktok_api_url}{SEARCH}?{raw_query}",
        content=b"{}",
        headers={"x-tts-access-token": tiktok.access_token, "content-type": "application/json"},
    )
    assert response.json()["code"] == 106001
    second = await tiktok.ok("POST", SEARCH, params=params, body={}, cipher=tiktok.cipher())
    assert {o["id"] for o in second["orders"]}.isdisjoint({o["id"] for o in first["orders"]})


async def test_rejected_buyer_request_keeps_the_order_and_approved_one_completes(tiktok, sandbox):
    shop_id = tiktok.shop_id()
    first, second = sandbox.control.sample_orders(shop_id, status="AWAITING_SHIPMENT", limit=2)
    rejected = sandbox.control.request_buyer_cancellation(shop_id, first["id"])
    path = f"/return_refund/202309/cancellations/{rejected['cancel_id']}/reject"
    reasons = await tiktok.ok(
        "GET",
        "/return_refund/202309/reject_reasons",
        params={"return_or_cancel_id": rejected["cancel_id"]},
        cipher=tiktok.cipher(),
    )
    bad = await tiktok.call("POST", path, body={"reject_reason": "no"}, cipher=tiktok.cipher())
    assert bad.json()["code"] != 0
    await tiktok.ok(
        "POST", path, body={"reject_reason": reasons["reasons"][0]["name"]}, cipher=tiktok.cipher()
    )
    order = (await tiktok.ok("GET", DETAIL, params={"ids": first["id"]}, cipher=tiktok.cipher()))["orders"][0]
    assert order["status"] == "AWAITING_SHIPMENT" and not order["is_buyer_request_cancel"]

    approved = sandbox.control.request_buyer_cancellation(shop_id, second["id"])
    await tiktok.ok(
        "POST", f"/return_refund/202309/cancellations/{approved['cancel_id']}/approve", cipher=tiktok.cipher()
    )
    assert sandbox.control.complete_cancellations(shop_id) >= 1
    found = await tiktok.ok(
        "POST",
        "/return_refund/202309/cancellations/search",
        params={"page_size": "10"},
        body={"cancel_ids": [approved["cancel_id"], rejected["cancel_id"]]},
        cipher=tiktok.cipher(),
    )
    statuses = {c["cancel_id"]: c["cancel_status"] for c in found["cancellations"]}
    assert statuses == {
        approved["cancel_id"]: "CANCELLATION_REQUEST_COMPLETE",
        rejected["cancel_id"]: "CANCELLATION_REQUEST_CANCEL",
    }
