"""TikTok fulfillment in the sandbox: packages per market, the ship calls and their refusals,
shipping-info updates, tracking, delivery options and providers, TikTok shipping (labels,
handover slots, US label purchase), carrier scans and the webhooks they send."""

from __future__ import annotations

import json

import pytest

PARKED = "http://127.0.0.1:9/parked"
DETAIL = "/order/202309/orders"
F = "/fulfillment/202309"
USPS = "7117858858072016686"
UPS = "7117859084333745966"
USPS_NUMBER = "9400111899223197428490"


def new_order(sandbox, shop_id, units=2, status="AWAITING_SHIPMENT", shipping_type="SELLER", **logistics):
    skus = sandbox.control.sample_skus(shop_id, 2, active_only=True)
    lines = [[skus[0]["id"], units - 1], [skus[1]["id"], 1]] if units > 1 else [[skus[0]["id"], 1]]
    order = sandbox.control.create_order(shop_id, lines, status=status)
    return sandbox.control.set_order_logistics(shop_id, order["id"], shipping_type=shipping_type, **logistics)


async def detail(tiktok, order_id, index=0):
    data = await tiktok.ok("GET", DETAIL, params={"ids": order_id}, cipher=tiktok.cipher(index))
    return data["orders"][0]


async def refusal(tiktok, method, path, index=0, **kwargs):
    response = await tiktok.call(method, path, cipher=tiktok.cipher(index), **kwargs)
    payload = response.json()
    assert payload["code"] != 0, payload
    return payload["code"]


def pending(sandbox, event_type):
    return [
        json.loads(d.body)["data"]
        for d in sandbox.control.dispatcher.pending
        if json.loads(d.body)["type"] == event_type
    ]


@pytest.fixture
async def us(tiktok, sandbox):
    assert sandbox.control.tiktok.shop(tiktok.shop_id(0)).region == "US"
    sandbox.control.configure_webhooks(tiktok_url=PARKED)
    return tiktok


async def test_us_seller_order_has_no_package_until_marked_shipped_line_by_line(us, sandbox):
    shop_id = us.shop_id()
    order = new_order(sandbox, shop_id, units=2)
    shown = await detail(us, order["order_id"])
    assert shown["shipping_type"] == "SELLER" and shown["fulfillment_type"] == "FULFILLMENT_BY_SELLER"
    assert shown["packages"] == [] and all("package_id" not in line for line in shown["line_items"])
    assert {"rts_sla_time", "shipping_due_time"} <= set(shown)
    providers = await us.ok(
        "GET",
        f"/logistics/202309/delivery_options/{shown['delivery_option_id']}/shipping_providers",
        cipher=us.cipher(),
    )
    assert {"id": USPS, "name": "USPS"} in providers["shipping_providers"]
    first, second = order["line_item_ids"]
    sandbox.control.dispatcher.pending.clear()

    shipped = await us.ok(
        "POST",
        f"{F}/orders/{order['order_id']}/packages",
        body={"tracking_number": USPS_NUMBER, "shipping_provider_id": USPS, "order_line_item_ids": [first]},
        cipher=us.cipher(),
    )
    assert shipped["order_line_item_ids"] == [first] and "warning" not in shipped
    shown = await detail(us, order["order_id"])
    assert shown["status"] == "PARTIALLY_SHIPPING"
    lines = {line["id"]: line for line in shown["line_items"]}
    assert lines[first]["package_id"] == shipped["package_id"]
    assert lines[first]["tracking_number"] == USPS_NUMBER and lines[first]["shipping_provider_name"] == "USPS"
    assert "package_id" not in lines[second]
    assert pending(sandbox, 4)[0]["sc_type"] == "SPLIT" and pending(sandbox, 1) == []

    again = {"tracking_number": USPS_NUMBER, "shipping_provider_id": USPS, "order_line_item_ids": [first]}
    path = f"{F}/orders/{order['order_id']}/packages"
    assert await refusal(us, "POST", path, body=again) == 21011040
    whole = {"tracking_number": USPS_NUMBER, "shipping_provider_id": USPS}
    assert await refusal(us, "POST", path, body=whole) == 21011048

    rest = await us.ok(
        "POST",
        path,
        body={"tracking_number": "ABC1234567", "shipping_provider_id": UPS, "order_line_item_ids": [second]},
        cipher=us.cipher(),
    )
    assert "UPS" in rest["warning"]["message"]
    shown = await detail(us, order["order_id"])
    assert shown["status"] == "AWAITING_COLLECTION" and len(shown["packages"]) == 2
    assert [d["order_status"] for d in pending(sandbox, 1)] == ["AWAITING_COLLECTION"]
    package = await us.ok("GET", f"{F}/packages/{rest['package_id']}", cipher=us.cipher())
    assert package["package_status"] == "PROCESSING" and package["shipping_provider_id"] == UPS
    assert package["order_line_item_ids"] == [second] and package["shipping_type"] == "SELLER"


async def test_mark_package_as_shipped_refusals(us, sandbox, new_tiktok_client):
    shop_id = us.shop_id()
    ship = {"tracking_number": USPS_NUMBER, "shipping_provider_id": USPS}

    async def code(order_id, body=ship, index=0):
        return await refusal(us, "POST", f"{F}/orders/{order_id}/packages", index=index, body=body)

    assert await code(new_order(sandbox, shop_id, status="ON_HOLD")["order_id"]) == 21042057
    assert await code(new_order(sandbox, shop_id, status="UNPAID")["order_id"]) == 21042057
    cancelled = new_order(sandbox, shop_id)["order_id"]
    sandbox.control.set_order_status(shop_id, cancelled, "CANCELLED")
    assert await code(cancelled) == 21011041
    fbt = new_order(sandbox, shop_id, fulfillment_type="FULFILLMENT_BY_TIKTOK")["order_id"]
    assert await code(fbt) == 21008025
    assert await code(new_order(sandbox, shop_id, shipping_type="TIKTOK")["order_id"]) == 21011004
    order_id = new_order(sandbox, shop_id)["order_id"]
    assert await code(order_id, {**ship, "tracking_number": "94001-1189"}) == 21004012
    royal_mail = "7129736154391332613"
    assert await code(order_id, {**ship, "shipping_provider_id": royal_mail}) == 21011022
    assert await code(order_id, {"shipping_provider_id": USPS}) == 36009004
    assert await code(order_id, {**ship, "order_line_item_ids": ["1"]}) == 36009004
    other_shop_order = sandbox.control.sample_orders(us.shop_id(1), limit=1)[0]["id"]
    assert await code(other_shop_order) == 21008111

    sg = sandbox.control.create_shop("SG")
    seller = new_tiktok_client()
    await seller.authorize([sg["id"]])
    sg_order = new_order(sandbox, sg["id"])["order_id"]
    response = await seller.call("POST", f"{F}/orders/{sg_order}/packages", body=ship, cipher=seller.cipher())
    assert response.json()["code"] == 21008106


async def test_update_shipping_info_once_within_72_hours(us, sandbox):
    shop_id = us.shop_id()
    order_id = new_order(sandbox, shop_id, units=1)["order_id"]
    update = f"{F}/orders/{order_id}/shipping_info/update"
    fixed = {"tracking_number": "1Z999AA10123456784", "shipping_provider_id": UPS}
    assert await refusal(us, "POST", update, body=fixed) == 21011043
    await us.ok(
        "POST",
        f"{F}/orders/{order_id}/packages",
        body={"tracking_number": USPS_NUMBER, "shipping_provider_id": USPS},
        cipher=us.cipher(),
    )
    await us.ok("POST", update, body=fixed, cipher=us.cipher())
    shown = await detail(us, order_id)
    assert shown["line_items"][0]["tracking_number"] == fixed["tracking_number"]
    assert await refusal(us, "POST", update, body=fixed) == 21011051

    late = new_order(sandbox, shop_id, units=1)["order_id"]
    shipped = await us.ok(
        "POST",
        f"{F}/orders/{late}/packages",
        body={"tracking_number": USPS_NUMBER, "shipping_provider_id": USPS},
        cipher=us.cipher(),
    )
    sandbox.control.advance_clock(72 * 3600 + 1)
    path = f"{F}/packages/{shipped['package_id']}/shipping_info/update"
    assert await refusal(us, "POST", path, body=fixed) == 21011050

    tracking = await us.ok("GET", f"{F}/orders/{order_id}/tracking", cipher=us.cipher())
    times = [event["update_time_millis"] for event in tracking["tracking"]]
    assert times and all(t > 10**12 for t in times) and times == sorted(times, reverse=True)


async def test_delivery_options_and_providers(us, sandbox):
    shop = sandbox.control.tiktok.shop(us.shop_id())
    options = await us.ok(
        "GET", f"/logistics/202309/warehouses/{shop.warehouse_ids[0]}/delivery_options", cipher=us.cipher()
    )
    by_type = {o["type"]: o for o in options["delivery_options"]}
    assert set(by_type) == {"STANDARD", "EXPRESS", "SEND_BY_SELLER"}
    providers = "/logistics/202309/delivery_options/{}/shipping_providers"
    assert await refusal(us, "GET", providers.format(by_type["STANDARD"]["id"])) == 21008117
    assert await refusal(us, "GET", providers.format("6900000000000000001")) == 21008116
    assert await refusal(us, "GET", "/logistics/202309/warehouses/1/delivery_options") == 36009004


async def test_sea_packages_exist_from_payment_and_ship_with_self_shipment(sandbox, new_tiktok_client):
    sandbox.control.configure_webhooks(tiktok_url=PARKED)
    sg = sandbox.control.create_shop("SG")
    seller = new_tiktok_client()
    await seller.authorize([sg["id"]])
    order = new_order(sandbox, sg["id"], units=1)
    shown = await detail(seller, order["order_id"])
    [package] = shown["packages"]
    assert shown["line_items"][0]["package_status"] == "TO_FULFILL" and "tracking_number" not in shown
    ninja_van = "7091154282542663426"
    path = f"{F}/packages/{package['id']}/ship"
    assert await refusal(seller, "POST", path, body={}) == 21011022  # seller shipping needs self_shipment
    body = {"self_shipment": {"tracking_number": "NV123456789SG", "shipping_provider_id": ninja_van}}
    await seller.ok("POST", path, body=body, cipher=seller.cipher())
    shown = await detail(seller, order["order_id"])
    assert shown["status"] == "AWAITING_COLLECTION" and shown["tracking_number"] == "NV123456789SG"
    assert await refusal(seller, "POST", path, body=body) == 21011040
    document = f"{F}/packages/{package['id']}/shipping_documents"
    assert await refusal(seller, "GET", document, params={"document_type": "SHIPPING_LABEL"}) == 21008017

    tiktok_order = new_order(sandbox, sg["id"], units=1, shipping_type="TIKTOK")
    [tiktok_package] = (await detail(seller, tiktok_order["order_id"]))["packages"]
    label = f"{F}/packages/{tiktok_package['id']}/shipping_documents"
    params = {"document_type": "SHIPPING_LABEL"}
    assert await refusal(seller, "GET", label, params=params) == 21023035
    await seller.ok("POST", f"{F}/packages/{tiktok_package['id']}/ship", body={}, cipher=seller.cipher())
    document = await seller.ok("GET", label, params=params, cipher=seller.cipher())
    assert document["doc_url"].startswith("http") and document["tracking_number"].startswith("TT")
    label_file = await seller.http.get(document["doc_url"])
    assert label_file.status_code == 200 and label_file.content.startswith(b"%PDF")
    sandbox.control.advance_clock(86_401)
    assert (await seller.http.get(document["doc_url"])).status_code == 403
    sandbox.control.scan_tiktok_package(sg["id"], tiktok_package["id"], "IN_TRANSIT")
    assert await refusal(seller, "GET", label, params=params) == 21042102


async def test_uk_tiktok_shipping_with_pickup_slot(us, sandbox):
    gb = us.shop_id(1)
    assert sandbox.control.tiktok.shop(gb).region == "GB"
    order = new_order(sandbox, gb, units=1, shipping_type="TIKTOK")
    [package] = (await detail(us, order["order_id"], 1))["packages"]
    slots = await us.ok("GET", f"{F}/packages/{package['id']}/handover_time_slots", cipher=us.cipher(1))
    offered = [s for s in slots["pickup_slots"] if s["avaliable"]]
    path = f"{F}/packages/{package['id']}/ship"
    wrong = {"handover_method": "PICKUP", "pickup_slot": {"start_time": 1, "end_time": 2}}
    assert await refusal(us, "POST", path, 1, body=wrong) == 21011053
    slot = {"start_time": offered[0]["start_time"], "end_time": offered[0]["end_time"]}
    await us.ok("POST", path, body={"handover_method": "PICKUP", "pickup_slot": slot}, cipher=us.cipher(1))
    shipped = await us.ok("GET", f"{F}/packages/{package['id']}", cipher=us.cipher(1))
    assert shipped["handover_method"] == "PICKUP" and shipped["pickup_slot"] == slot
    assert shipped["shipping_provider_name"] == "Evri" and shipped["tracking_number"]


async def test_us_label_purchase_then_carrier_scans_drive_the_order(us, sandbox):
    shop_id = us.shop_id()
    order = new_order(sandbox, shop_id, units=2, shipping_type="TIKTOK")
    parcel = {
        "weight": {"value": "1.2", "unit": "POUND"},
        "dimension": {"length": "10", "width": "8", "height": "4", "unit": "INCH"},
    }
    services = await us.ok(
        "POST", f"{F}/orders/{order['order_id']}/shipping_services/query", body=parcel, cipher=us.cipher()
    )
    default = next(s for s in services["shipping_services"] if s["is_default"])
    bad = {**parcel, "weight": {"value": "-1", "unit": "POUND"}}
    path = f"{F}/orders/{order['order_id']}/shipping_services/query"
    assert await refusal(us, "POST", path, body=bad) == 36009004
    sandbox.control.dispatcher.pending.clear()
    first, second = order["line_item_ids"]
    create = {"order_id": order["order_id"], "shipping_service_id": default["id"], **parcel}
    created = await us.ok(
        "POST", f"{F}/packages", body={**create, "order_line_item_ids": [first]}, cipher=us.cipher()
    )
    assert created["order_line_item_ids"] == [first]
    assert (await detail(us, order["order_id"]))["status"] == "PARTIALLY_SHIPPING"
    again = {**create, "order_line_item_ids": [first]}
    assert await refusal(us, "POST", f"{F}/packages", body=again) == 21022025
    rest = await us.ok("POST", f"{F}/packages", body=create, cipher=us.cipher())
    assert rest["order_line_item_ids"] == [second]
    label = await us.ok(
        "GET",
        f"{F}/packages/{created['package_id']}/shipping_documents",
        params={"document_type": "SHIPPING_LABEL"},
        cipher=us.cipher(),
    )
    assert label["tracking_number"] == (await detail(us, order["order_id"]))["tracking_number"]

    sandbox.control.scan_tiktok_package(shop_id, created["package_id"], "IN_TRANSIT")
    assert (await detail(us, order["order_id"]))["status"] == "AWAITING_COLLECTION"
    sandbox.control.scan_tiktok_package(shop_id, rest["package_id"], "IN_TRANSIT")
    assert (await detail(us, order["order_id"]))["status"] == "IN_TRANSIT"
    sandbox.control.advance_clock(86_400)
    sandbox.control.scan_tiktok_package(shop_id, created["package_id"], "DELIVERED")
    sandbox.control.scan_tiktok_package(shop_id, rest["package_id"], "DELIVERED")
    shown = await detail(us, order["order_id"])
    assert shown["status"] == "DELIVERED"
    assert {line["package_status"] for line in shown["line_items"]} == {"COMPLETED"}
    statuses = [d["order_status"] for d in pending(sandbox, 1)]
    assert statuses == ["AWAITING_COLLECTION", "IN_TRANSIT", "DELIVERED"]
    tracking = await us.ok("GET", f"{F}/orders/{order['order_id']}/tracking", cipher=us.cipher())
    assert tracking["tracking"][0]["description"] == "Delivered"


async def test_generated_orders_have_packages_consistent_with_their_status(us, sandbox):
    sandbox.control.set_rate_limit("tiktok", rate=1000, burst=1000)
    shop_id = us.shop_id(1)  # GB: packages before shipping for TikTok shipping only
    for summary in sandbox.control.sample_orders(shop_id, limit=60):
        shown = await detail(us, summary["id"], 1)
        status = shown["status"]
        lines = shown["line_items"]
        if status in ("AWAITING_COLLECTION", "IN_TRANSIT", "DELIVERED", "COMPLETED"):
            assert all(line.get("tracking_number") for line in lines), shown
            assert shown["tracking_number"]
        if status == "IN_TRANSIT":
            assert {line["package_status"] for line in lines} == {"FULFILLING"}
        if status == "AWAITING_SHIPMENT" and shown["shipping_type"] == "SELLER":
            assert shown["packages"] == []


async def test_search_and_batch_ship_packages(us, sandbox):
    gb = us.shop_id(1)
    first = new_order(sandbox, gb, units=1, shipping_type="TIKTOK")
    second = new_order(sandbox, gb, units=1, shipping_type="TIKTOK")
    ids = [(await detail(us, o["order_id"], 1))["packages"][0]["id"] for o in (first, second)]
    await us.ok("POST", f"{F}/packages/{ids[0]}/ship", body={}, cipher=us.cipher(1))
    batch = await us.ok(
        "POST", f"{F}/packages/ship", body={"packages": [{"id": i} for i in ids]}, cipher=us.cipher(1)
    )
    assert [(e["code"], e["detail"]["package_id"]) for e in batch["errors"]] == [(21011040, ids[0])]
    assert (await detail(us, second["order_id"], 1))["status"] == "AWAITING_COLLECTION"
    found = await us.ok(
        "POST",
        f"{F}/packages/search",
        params={"page_size": "50", "sort_field": "update_time"},
        body={"package_status": "PROCESSING"},
        cipher=us.cipher(1),
    )
    assert set(ids) <= {p["id"] for p in found["packages"]} and found["total_count"] >= 2
    too_big = {"page_size": "51"}
    assert await refusal(us, "POST", f"{F}/packages/search", 1, params=too_big, body={}) == 36009004


async def test_japan_ships_the_package_made_at_payment_and_splits_it_for_some_lines(
    sandbox, new_tiktok_client
):
    sandbox.control.configure_webhooks(tiktok_url=PARKED)
    jp = sandbox.control.create_shop("JP")
    seller = new_tiktok_client()
    await seller.authorize([jp["id"]])
    option = new_order(sandbox, jp["id"])["delivery_option_id"]
    providers = await seller.ok(
        "GET", f"/logistics/202309/delivery_options/{option}/shipping_providers", cipher=seller.cipher()
    )
    yamato = next(p["id"] for p in providers["shipping_providers"] if p["name"] == "Yamato Transport")
    whole = new_order(sandbox, jp["id"], units=1)
    [made_at_payment] = (await detail(seller, whole["order_id"]))["packages"]
    shipped = await seller.ok(
        "POST",
        f"{F}/orders/{whole['order_id']}/packages",
        body={"tracking_number": "123456789012", "shipping_provider_id": yamato},
        cipher=seller.cipher(),
    )
    assert shipped["package_id"] == made_at_payment["id"]

    split = new_order(sandbox, jp["id"], units=3)
    [original] = (await detail(seller, split["order_id"]))["packages"]
    sandbox.control.dispatcher.pending.clear()
    first = await seller.ok(
        "POST",
        f"{F}/orders/{split['order_id']}/packages",
        body={
            "tracking_number": "123456789013",
            "shipping_provider_id": yamato,
            "order_line_item_ids": split["line_item_ids"][:1],
        },
        cipher=seller.cipher(),
    )
    assert first["package_id"] != original["id"]
    rest = await seller.ok("GET", f"{F}/packages/{original['id']}", cipher=seller.cipher())
    assert (
        rest["package_status"] == "TO_FULFILL" and rest["order_line_item_ids"] == split["line_item_ids"][1:]
    )
    [update] = pending(sandbox, 4)
    assert update["sc_type"] == "SPLIT"
    assert {p["package_id"] for p in update["package_list"]} == {original["id"], first["package_id"]}
