"""SHOPLINE order fulfillments in the sandbox: create per API version, quantities, overwrite of
tracking, cancel, the order's fulfillment state, the merchant shipping in the admin, webhooks."""

from __future__ import annotations

import json

from sandbox.signing import verify_shopline_webhook

PARKED = "http://127.0.0.1:9/parked"


def store_order(sandbox, handle, quantities=(2, 1)):
    variants = sandbox.control.shopline_variants(handle, len(quantities))
    lines = [[v["id"], q] for v, q in zip(variants, quantities, strict=True)]
    return sandbox.control.create_store_order(handle, lines)


def events(sandbox):
    return [
        (d.headers["X-Shopline-Topic"], json.loads(d.body), d)
        for d in sandbox.control.dispatcher.pending
        if "X-Shopline-Topic" in d.headers
    ]


def versioned(shopline, version, resource):
    return f"{shopline.base}/admin/openapi/{version}/{resource}"


async def test_partial_then_complete_fulfillment_with_single_tracking_fields(sandbox, shopline):
    handle = shopline.handle
    sandbox.control.configure_webhooks(shopline_url=PARKED, handle=handle)
    order = store_order(sandbox, handle)
    sandbox.control.dispatcher.pending.clear()
    first, second = order["line_items"]
    body = {
        "fulfillment": {
            "line_items": [{"id": int(first["id"]), "quantity": 1}],
            "tracking_company": "SF",
            "tracking_number": "SF1234567890",
            "tracking_url": "https://www.sf-tracking.com/?number=SF1234567890",
        }
    }
    response = await shopline.request("POST", f"orders/{order['id']}/fulfillments.json", json=body)
    assert response.status_code == 200, response.text
    created = response.json()["fulfillment"]
    assert isinstance(created["id"], str) and created["status"] == "success"
    assert created["name"] == f"{order['name']}.1"
    assert created["tracking_info_list"][0]["tracking_number"] == "SF1234567890"
    assert created["line_items"][0]["fulfillable_quantity"] == 1
    shown = (await shopline.request("GET", f"orders/{order['id']}.json")).json()["order"]
    assert shown["fulfillment_status"] == "partial"
    assert [line["fulfillable_quantity"] for line in shown["line_items"]] == [1, 1]
    assert [line["fulfillment_status"] for line in shown["line_items"]] == ["partial", "unshipped"]
    assert [topic for topic, _, _ in events(sandbox)] == ["fulfillments/create", "orders/partially_fulfilled"]
    for _, _, delivery in events(sandbox):
        assert verify_shopline_webhook(
            sandbox.credentials.shopline_app_secret, delivery.body, delivery.headers["X-Shopline-Hmac-Sha256"]
        )
    sandbox.control.dispatcher.pending.clear()

    rest = {
        "fulfillment": {
            "line_items": [{"id": int(first["id"]), "quantity": 1}, {"id": int(second["id"]), "quantity": 1}]
        }
    }
    response = await shopline.request("POST", f"orders/{order['id']}/fulfillments.json", json=rest)
    assert response.status_code == 200, response.text
    assert [topic for topic, _, _ in events(sandbox)] == ["fulfillments/create", "orders/fulfilled"]
    fulfilled = events(sandbox)[1][1]
    assert fulfilled["fulfillment_status"] == "shipped" and len(fulfilled["fulfillments"]) == 2
    listed = await shopline.request("GET", f"orders/{order['id']}/fulfillments.json")
    assert len(listed.json()["fulfillments"]) == 2
    count = await shopline.request("GET", f"orders/{order['id']}/fulfillments/count.json")
    assert count.json() == {"count": 2}


async def test_create_refusals(sandbox, shopline):
    order = store_order(sandbox, shopline.handle)
    line = order["line_items"][0]
    path = f"orders/{order['id']}/fulfillments.json"

    async def status(line_items):
        response = await shopline.request("POST", path, json={"fulfillment": {"line_items": line_items}})
        return response.status_code

    assert await status([{"id": line["id"], "quantity": 1}]) == 400  # a string id
    assert await status([{"id": int(line["id"]), "quantity": 3}]) == 422
    assert await status([{"id": int(line["id"]) + 999, "quantity": 1}]) == 422
    assert await status([]) == 400
    assert await status([{"id": 2**63, "quantity": 1}]) == 400
    cancelled = store_order(sandbox, shopline.handle)
    await shopline.request("POST", f"orders/{cancelled['id']}/cancel.json", json={})
    response = await shopline.request(
        "POST",
        f"orders/{cancelled['id']}/fulfillments.json",
        json={"fulfillment": {"line_items": [{"id": int(cancelled["line_items"][0]["id"]), "quantity": 1}]}},
    )
    assert response.status_code == 422


async def test_tracking_follows_the_api_version(sandbox, shopline):
    order = store_order(sandbox, shopline.handle, (3,))
    line_id = int(order["line_items"][0]["id"])
    tracking = [{"tracking_company": "4PX", "tracking_number": "4PX000111222"}]
    old = {"fulfillment": {"line_items": [{"id": line_id, "quantity": 1}], "tracking_info_list": tracking}}
    created = await shopline.request("POST", f"orders/{order['id']}/fulfillments.json", json=old)
    assert created.json()["fulfillment"]["tracking_info_list"] == []  # not a field of v20251201

    new_path = versioned(shopline, "v20260301", f"orders/{order['id']}/fulfillments.json")
    created = await shopline.request("POST", new_path, json=old)
    assert created.json()["fulfillment"]["tracking_info_list"][0]["tracking_number"] == "4PX000111222"
    eleven = [{"tracking_number": f"N{n:08d}"} for n in range(11)]
    too_many = {"fulfillment": {"line_items": [{"id": line_id, "quantity": 1}], "tracking_info_list": eleven}}
    assert (await shopline.request("POST", new_path, json=too_many)).status_code == 422


async def test_update_tracking_overwrites_and_cancel_gives_units_back(sandbox, shopline):
    handle = shopline.handle
    sandbox.control.configure_webhooks(shopline_url=PARKED, handle=handle)
    order = store_order(sandbox, handle, (1,))
    created = sandbox.control.fulfill_shopline_order(
        handle, order["id"], tracking=[{"tracking_company": "SF", "tracking_number": "SF1"}] * 2
    )
    sandbox.control.dispatcher.pending.clear()
    base = f"orders/{order['id']}/fulfillments/{created['id']}"
    new_list = [{"tracking_company": "DHL", "tracking_number": "DHL0001"}]
    response = await shopline.request(
        "POST", f"{base}/update_tracking.json", json={"fulfillment": {"tracking_info_list": new_list}}
    )
    assert response.status_code == 200, response.text
    assert [t["tracking_number"] for t in response.json()["fulfillment"]["tracking_info_list"]] == ["DHL0001"]
    missing = {"fulfillment": {"tracking_info_list": [{"tracking_company": "DHL"}]}}
    assert (await shopline.request("POST", f"{base}/update_tracking.json", json=missing)).status_code == 422
    assert [topic for topic, _, _ in events(sandbox)] == ["fulfillments/update"]

    cancelled = await shopline.request("POST", f"{base}/cancel.json")
    assert cancelled.json()["fulfillment"]["status"] == "cancelled"
    shown = (await shopline.request("GET", f"orders/{order['id']}.json")).json()["order"]
    assert shown["fulfillment_status"] == "unshipped" and shown["line_items"][0]["fulfillable_quantity"] == 1
    assert (await shopline.request("POST", f"{base}/cancel.json")).status_code == 422
    unknown = f"orders/{order['id']}/fulfillments/1/cancel.json"
    assert (await shopline.request("POST", unknown)).status_code == 404


async def test_merchant_ships_in_the_admin_with_a_carrier_name(sandbox, shopline):
    handle = shopline.handle
    sandbox.control.configure_webhooks(shopline_url=PARKED, handle=handle)
    order = store_order(sandbox, handle)
    sandbox.control.dispatcher.pending.clear()
    sandbox.control.fulfill_shopline_order(
        handle, order["id"], tracking_company="Royal Mail", tracking_number="AB123456789GB"
    )
    topic, payload, delivery = events(sandbox)[0]
    assert topic == "fulfillments/create" and delivery.headers["X-Shopline-API-Version"]
    assert payload["order_id"] == order["id"] and payload["tracking_company"] == "Royal Mail"
    assert payload["tracking_info_list"] == [
        {"tracking_company": "Royal Mail", "tracking_number": "AB123456789GB", "tracking_url": ""}
    ]
    assert sorted((line["id"], line["fulfillment_quantity"]) for line in payload["line_items"]) == sorted(
        (line["id"], line["quantity"]) for line in order["line_items"]
    )
    assert events(sandbox)[1][0] == "orders/fulfilled"


async def test_control_endpoints_over_http(sandbox, shopline, tiktok, http):
    origin = shopline.base.split("/stores/")[0]
    order = store_order(sandbox, shopline.handle, (1,))
    response = await http.post(
        f"{origin}/_sandbox/fulfill_shopline_order",
        json={
            "handle": shopline.handle,
            "order_id": order["id"],
            "tracking_company": "DPD",
            "tracking_number": "15501234567890",
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["result"]["tracking_info_list"][0]["tracking_company"] == "DPD"

    shop_id = tiktok.shop_id()
    sku = sandbox.control.sample_skus(shop_id, 1, active_only=True)[0]
    created = sandbox.control.create_order(shop_id, [[sku["id"], 1]], status="AWAITING_SHIPMENT")
    api = sandbox.tiktok_api_url
    response = await http.post(
        f"{api}/_sandbox/set_order_logistics",
        json={"shop_id": shop_id, "order_id": created["id"], "shipping_type": "TIKTOK"},
    )
    assert response.json()["result"]["shipping_type"] == "TIKTOK"
    response = await http.post(
        f"{api}/_sandbox/scan_tiktok_package", json={"shop_id": shop_id, "package_id": "1"}
    )
    assert response.status_code == 400  # no such package
