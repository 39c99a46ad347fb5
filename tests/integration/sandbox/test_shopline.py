"""SHOPLINE rules: signed token endpoints, 10-hour bearer tokens, leaky-bucket rate limit,
`Link` paging, orders with `inventory_behaviour`, cancel with restock, lookup by order name."""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

from sandbox.signing import compact_json

LINK_NEXT = re.compile(r'<([^>]+)>; rel="next"')


def next_link(response):
    match = LINK_NEXT.search(response.headers.get("link", ""))
    return match.group(1) if match else None


async def test_url_template_carries_the_handle_in_a_path_prefix(sandbox, shopline):
    assert sandbox.shopline_url_template.endswith("/stores/{handle}")
    response = await shopline.request("GET", "locations/list.json")
    assert response.status_code == 200 and response.headers["traceId"]
    other = await shopline.http.get(
        sandbox.shopline_url("unknown-store") + "/admin/openapi/v20251201/locations/list.json"
    )
    assert other.status_code == 404


async def test_a_request_without_the_json_content_type_is_400_even_a_get(shopline):
    url = f"{shopline.base}/admin/openapi/v20251201/products/count.json"
    bearer = {"Authorization": f"Bearer {shopline.access_token}"}
    missing = await shopline.http.get(url, headers=bearer)
    assert missing.status_code == 400 and "Content-Type" in missing.json()["errors"]
    wrong = await shopline.http.get(url, headers={**bearer, "Content-Type": "text/plain"})
    assert wrong.status_code == 400
    sent = await shopline.http.get(url, headers={**bearer, "Content-Type": "application/json; charset=utf-8"})
    assert sent.status_code == 200


async def test_a_call_outside_the_granted_scopes_is_403_naming_the_scope(shopline):
    await shopline.install(scopes=["read_products", "read_orders"])
    assert (await shopline.request("GET", "products/count.json")).status_code == 200
    assert (await shopline.request("GET", "orders.json")).status_code == 200
    level = {"inventory_item_id": "1", "location_id": "1", "available": 1}
    refused = await shopline.request("POST", "inventory_levels/set.json", json=level)
    assert refused.status_code == 403
    assert refused.json() == {
        "errors": "Forbidden: the app has not been granted the access scope write_inventory."
    }
    assert refused.headers["traceId"]
    store_information = await shopline.request("GET", "merchants/shop.json")
    assert (
        store_information.status_code == 403
        and "read_store_information" in store_information.json()["errors"]
    )
    assert (await shopline.request("POST", "orders.json", json={"order": {}})).status_code == 403
    assert (
        await shopline.request("PUT", "products/variants/1.json", json={"variant": {}})
    ).status_code == 403


async def test_the_merchant_grants_exactly_the_scopes_of_the_authorize_url(sandbox, shopline):
    asked = {
        "appKey": shopline.app_key,
        "responseType": "code",
        "scope": "read_orders,write_orders",
        "redirectUri": "http://127.0.0.1/mcc/callback",
        "customField": "csrf-2",
    }
    url = f"{shopline.base}/admin/oauth-web/#/oauth/authorize?{urlencode(asked, quote_via=quote)}"
    installed = sandbox.control.install_shopline(shopline.handle, authorization_url=url)
    assert installed["callback_url"].startswith("http://127.0.0.1/mcc/callback?")
    assert installed["params"]["customField"] == "csrf-2"
    created = await shopline.signed_post(
        "/admin/oauth/token/create", compact_json({"code": installed["code"]})
    )
    data = created.json()["data"]
    assert data["scope"] == "read_orders,write_orders"
    token = data["accessToken"]
    assert (await shopline.request("GET", "orders.json", token=token)).status_code == 200
    assert (await shopline.request("GET", "products/count.json", token=token)).status_code == 403


async def test_unknown_api_version_is_404(shopline):
    response = await shopline.request(
        "GET", f"{shopline.base}/admin/openapi/v20230101/products/products.json"
    )
    assert response.status_code == 404


async def test_token_create_with_bad_signature_is_refused(sandbox, http):
    from sandbox.signing import shopline_post_headers

    code = sandbox.control.install_shopline()["code"]
    body = compact_json({"code": code})
    headers = shopline_post_headers(
        sandbox.credentials.shopline_app_key, "wrong-secret", body, sandbox.control.clock.now_ms()
    )
    response = await http.post(
        sandbox.shopline_url() + "/admin/oauth/token/create", content=body, headers=headers
    )
    assert response.json()["code"] != 200 and response.json()["i18nCode"] == "SIGN_INVALID"


async def test_token_create_signature_covers_the_exact_body(sandbox, http):
    from sandbox.signing import shopline_post_headers

    code = sandbox.control.install_shopline()["code"]
    signed = compact_json({"code": code})
    headers = shopline_post_headers(
        sandbox.credentials.shopline_app_key,
        sandbox.credentials.shopline_app_secret,
        signed,
        sandbox.control.clock.now_ms(),
    )
    sent = b'{"code": "' + code.encode() + b'"}'
    response = await http.post(
        sandbox.shopline_url() + "/admin/oauth/token/create", content=sent, headers=headers
    )
    assert response.json()["i18nCode"] == "SIGN_INVALID"


async def test_token_create_rejects_a_timestamp_in_seconds(sandbox, http):
    from sandbox.signing import shopline_post_headers

    code = sandbox.control.install_shopline()["code"]
    body = compact_json({"code": code})
    headers = shopline_post_headers(
        sandbox.credentials.shopline_app_key,
        sandbox.credentials.shopline_app_secret,
        body,
        sandbox.control.clock.now_s(),
    )
    response = await http.post(
        sandbox.shopline_url() + "/admin/oauth/token/create", content=body, headers=headers
    )
    assert response.json()["i18nCode"] == "TIMESTAMP_INVALID"


async def test_oauth_code_is_single_use_and_lives_10_minutes(sandbox, shopline):
    code = sandbox.control.install_shopline()["code"]
    assert (await shopline.signed_post("/admin/oauth/token/create", compact_json({"code": code}))).json()[
        "code"
    ] == 200
    reused = await shopline.signed_post("/admin/oauth/token/create", compact_json({"code": code}))
    assert reused.json()["i18nCode"] == "OAUTH_CODE_INVALID"
    late = sandbox.control.install_shopline()["code"]
    sandbox.control.advance_clock(601)
    response = await shopline.signed_post("/admin/oauth/token/create", compact_json({"code": late}))
    assert response.json()["i18nCode"] == "OAUTH_CODE_INVALID"


async def test_install_callback_is_signed_per_the_get_algorithm(sandbox):
    from sandbox.signing import shopline_get_sign

    callback = sandbox.control.install_shopline(custom_field="csrf-1")["params"]
    assert callback["sign"] == shopline_get_sign(callback, sandbox.credentials.shopline_app_secret)
    assert callback["customField"] == "csrf-1" and len(callback["timestamp"]) == 13


async def test_bearer_token_expires_after_10_hours(sandbox, shopline):
    sandbox.control.advance_clock(10 * 3600 - 5)
    assert (await shopline.request("GET", "products/count.json")).status_code == 200
    sandbox.control.advance_clock(10)
    expired = await shopline.request("GET", "products/count.json")
    assert expired.status_code == 401 and "errors" in expired.json()


async def test_missing_or_foreign_bearer_token_is_401(sandbox, shopline):
    assert (await shopline.request("GET", "products/count.json", token="")).status_code == 401
    sandbox.control.create_store("second-store", "tiny")
    foreign = await shopline.http.get(
        sandbox.shopline_url("second-store") + "/admin/openapi/v20251201/products/count.json",
        headers={"Authorization": f"Bearer {shopline.access_token}"},
    )
    assert foreign.status_code == 401


async def test_refresh_mints_a_new_token_and_the_old_one_lives_5_more_minutes(sandbox, shopline):
    old = shopline.access_token
    too_soon = await shopline.signed_post("/admin/oauth/token/refresh", b"")
    assert too_soon.json()["i18nCode"] == "REQUEST_FREQUENTLY"
    sandbox.control.advance_clock(3600)
    refreshed = await shopline.signed_post("/admin/oauth/token/refresh", b"")
    new = refreshed.json()["data"]["accessToken"]
    assert new != old and refreshed.json()["data"]["expireTime"].endswith("+00:00")
    assert (await shopline.request("GET", "products/count.json", token=old)).status_code == 200
    sandbox.control.advance_clock(301)
    assert (await shopline.request("GET", "products/count.json", token=old)).status_code == 401
    assert (await shopline.request("GET", "products/count.json", token=new)).status_code == 200


async def test_rate_limit_is_429_beyond_a_burst_of_40(sandbox, shopline):
    sandbox.control.set_clock(sandbox.control.now(), frozen=True)
    statuses = [(await shopline.request("GET", "products/count.json")).status_code for _ in range(41)]
    assert statuses[:40] == [200] * 40
    limited = await shopline.request("GET", "products/count.json")
    assert statuses[40] == 429 and limited.json() == {"errors": "Too many request"}
    sandbox.control.advance_clock(0.5)
    assert (await shopline.request("GET", "products/count.json")).status_code == 200
    assert (await shopline.request("GET", "products/count.json")).status_code == 200
    assert (await shopline.request("GET", "products/count.json")).status_code == 429


async def test_link_paging_walks_every_product_exactly_once(sandbox, shopline):
    response = await shopline.request(
        "GET", "products/products.json", params={"limit": 7, "status": "active"}
    )
    seen, pages = [], 0
    while True:
        assert response.status_code == 200
        seen.extend(p["id"] for p in response.json()["products"])
        pages += 1
        link = next_link(response)
        if link is None:
            break
        assert "status=" not in link
        response = await shopline.request("GET", link)
    expected = [p.id for p in sandbox.control.shopline.store(shopline.handle).products.values()]
    assert (
        sorted(seen) == sorted(expected) and len(seen) == len(set(seen)) and pages == -(-len(expected) // 7)
    )


async def test_filters_sent_with_page_info_are_ignored(shopline):
    first = await shopline.request("GET", "products/products.json", params={"limit": 3})
    link = next_link(first)
    again = await shopline.request("GET", link + "&title=nothing-matches-this")
    plain = await shopline.request("GET", link)
    assert again.json() == plain.json() and len(plain.json()["products"]) == 3


async def test_previous_link_goes_back_one_page(shopline):
    first = await shopline.request("GET", "products/products.json", params={"limit": 4})
    second = await shopline.request("GET", next_link(first))
    previous = re.search(r'<([^>]+)>; rel="previous"', second.headers["link"]).group(1)
    back = await shopline.request("GET", previous)
    assert [p["id"] for p in back.json()["products"]] == [p["id"] for p in first.json()["products"]]


async def test_limit_above_maximum_is_rejected(shopline):
    assert (await shopline.request("GET", "orders.json", params={"limit": 101})).status_code == 400
    assert (
        await shopline.request("GET", "products/products.json", params={"limit": 1001})
    ).status_code == 400


async def level(shopline, variant):
    response = await shopline.request(
        "GET", "inventory_levels.json", params={"inventory_item_ids": variant["inventory_item_id"]}
    )
    levels = {lv["location_id"]: lv["available"] for lv in response.json()["inventory_levels"]}
    return levels


async def order_payload(variant, quantity, behaviour, name="TT-1"):
    return {
        "order": {
            "name": name,
            "line_items": [{"variant_id": variant["id"], "quantity": quantity, "price": variant["price"]}],
            "financial_status": "paid",
            "inventory_behaviour": behaviour,
            "note_attributes": [{"name": "tiktok_order_id", "value": "576461413038785752"}],
        }
    }


async def test_order_create_decrements_inventory_per_inventory_behaviour(sandbox, shopline):
    variant = sandbox.control.shopline_variants(shopline.handle, 1)[0]
    location = sandbox.control.shopline.store(shopline.handle).default_location_id
    sandbox.control.set_shopline_inventory(shopline.handle, variant["id"], 5)
    created = await shopline.request(
        "POST", "orders.json", json=await order_payload(variant, 2, "bypass", "A")
    )
    assert created.status_code == 200 and (await level(shopline, variant))[location] == 5
    await shopline.request(
        "POST", "orders.json", json=await order_payload(variant, 2, "decrement_obeying_policy", "B")
    )
    assert (await level(shopline, variant))[location] == 3
    refused = await shopline.request(
        "POST", "orders.json", json=await order_payload(variant, 4, "decrement_obeying_policy", "C")
    )
    assert refused.status_code == 422 and (await level(shopline, variant))[location] == 3
    await shopline.request(
        "POST", "orders.json", json=await order_payload(variant, 4, "decrement_ignoring_policy", "D")
    )
    assert (await level(shopline, variant))[location] == -1


async def test_order_create_rejects_unknown_statuses_and_behaviours(sandbox, shopline):
    variant = sandbox.control.shopline_variants(shopline.handle, 1)[0]
    for field, value in (
        ("financial_status", "PAID"),
        ("inventory_behaviour", "decrement"),
        ("fulfillment_status", "fulfilled"),
    ):
        payload = await order_payload(variant, 1, "bypass")
        payload["order"][field] = value
        assert (await shopline.request("POST", "orders.json", json=payload)).status_code == 422
    no_lines = {"order": {"line_items": []}}
    assert (await shopline.request("POST", "orders.json", json=no_lines)).status_code == 422


async def test_cancel_with_restock_returns_the_stock(sandbox, shopline):
    variant = sandbox.control.shopline_variants(shopline.handle, 2)[1]
    location = sandbox.control.shopline.store(shopline.handle).default_location_id
    sandbox.control.set_shopline_inventory(shopline.handle, variant["id"], 10)
    order = (
        await shopline.request(
            "POST", "orders.json", json=await order_payload(variant, 3, "decrement_obeying_policy")
        )
    ).json()["order"]
    assert (await level(shopline, variant))[location] == 7
    cancelled = await shopline.request("POST", f"orders/{order['id']}/cancel.json", json={"restock": True})
    assert cancelled.json()["order"]["status"] == "cancelled"
    assert (await level(shopline, variant))[location] == 10
    twice = await shopline.request("POST", f"orders/{order['id']}/cancel.json", json={"restock": True})
    assert twice.status_code == 422 and (await level(shopline, variant))[location] == 10


async def test_cancel_without_restock_keeps_stock_down(sandbox, shopline):
    variant = sandbox.control.shopline_variants(shopline.handle, 3)[2]
    location = sandbox.control.shopline.store(shopline.handle).default_location_id
    sandbox.control.set_shopline_inventory(shopline.handle, variant["id"], 10)
    order = (
        await shopline.request(
            "POST", "orders.json", json=await order_payload(variant, 3, "decrement_ignoring_policy")
        )
    ).json()["order"]
    await shopline.request("POST", f"orders/{order['id']}/cancel.json", json={"restock": False})
    assert (await level(shopline, variant))[location] == 7


async def test_imported_order_is_found_by_its_name_marker(sandbox, shopline):
    variant = sandbox.control.shopline_variants(shopline.handle, 1)[0]
    await shopline.request(
        "POST", "orders.json", json=await order_payload(variant, 1, "bypass", "TT576461413038785752")
    )
    await shopline.request(
        "POST", "orders.json", json=await order_payload(variant, 1, "bypass", "TT576461413038785753")
    )
    found = await shopline.request("GET", "orders.json", params={"name": "TT576461413038785752"})
    orders = found.json()["orders"]
    assert [o["name"] for o in orders] == ["TT576461413038785752"]
    assert orders[0]["note_attributes"] == [{"name": "tiktok_order_id", "value": "576461413038785752"}]
    searched = await shopline.request("GET", "orders.json", params={"search_content": "tt57646141303878575"})
    assert len(searched.json()["orders"]) == 2


async def test_orders_list_by_updated_at_pages_through_link(sandbox, shopline):
    variant = sandbox.control.shopline_variants(shopline.handle, 1)[0]
    for n in range(5):
        await shopline.request("POST", "orders.json", json=await order_payload(variant, 1, "bypass", f"N{n}"))
        sandbox.control.advance_clock(10)
    first = await shopline.request("GET", "orders.json", params={"limit": 1})
    middle = first.json()["orders"][0]["updated_at"]
    response = await shopline.request(
        "GET",
        "orders.json",
        params={"limit": 2, "updated_at_min": middle, "sort_condition": "updated_at:asc"},
    )
    names = []
    while response is not None:
        names.extend(o["name"] for o in response.json()["orders"])
        link = next_link(response)
        response = await shopline.request("GET", link) if link else None
    assert names == ["N0", "N1", "N2", "N3", "N4"]


async def test_lost_response_applies_the_write_exactly_once(sandbox, shopline):
    import httpx
    import pytest

    variant = sandbox.control.shopline_variants(shopline.handle, 1)[0]
    sandbox.control.add_fault("lost_response", service="shopline", pattern="POST */orders.json", count=1)
    with pytest.raises(httpx.HTTPError):
        await shopline.request(
            "POST", "orders.json", json=await order_payload(variant, 1, "bypass", "LOST-1")
        )
    found = await shopline.request("GET", "orders.json", params={"name": "LOST-1"})
    assert len(found.json()["orders"]) == 1
    assert (await shopline.request("GET", "orders.json", params={"name": "LOST-1"})).status_code == 200


async def test_variant_update_cannot_write_inventory_quantity(sandbox, shopline):
    variant = sandbox.control.shopline_variants(shopline.handle, 1)[0]
    response = await shopline.request(
        "PUT", f"products/variants/{variant['id']}.json", json={"variant": {"inventory_quantity": 5}}
    )
    assert response.status_code == 422
    response = await shopline.request(
        "PUT", f"products/variants/{variant['id']}.json", json={"variant": {"price": "10.50"}}
    )
    assert response.json()["variant"]["price"] == "10.50"


async def test_inventory_set_is_absolute_and_adjust_is_a_delta(sandbox, shopline):
    variant = sandbox.control.shopline_variants(shopline.handle, 1)[0]
    location = sandbox.control.shopline.store(shopline.handle).default_location_id
    item = variant["inventory_item_id"]
    await shopline.request(
        "POST",
        "inventory_levels/set.json",
        json={"inventory_item_id": item, "location_id": location, "available": 12},
    )
    await shopline.request(
        "POST",
        "inventory_levels/adjust.json",
        json={"inventory_item_id": item, "location_id": location, "available_adjustment": -2},
    )
    assert (await level(shopline, variant))[location] == 10
    bad = await shopline.request(
        "POST",
        "inventory_levels/set.json",
        json={"inventory_item_id": item, "location_id": "1", "available": 1},
    )
    assert bad.status_code == 422


async def test_generated_skus_match_tiktok_seller_skus_with_some_ambiguity(sandbox):
    store = sandbox.control.shopline.store(sandbox.credentials.shopline_handle)
    store_skus = [v.sku for v in store.variants.values()]
    assert len(store_skus) > len(set(store_skus))  # a few variants share one SKU code
    shop_id = sandbox.control.shops()[0]["id"]
    tiktok_skus = [s.seller_sku for s in sandbox.control.tiktok.data(shop_id).skus.values()]
    matched = sum(1 for sku in tiktok_skus if sku in set(store_skus))
    assert 0.6 < matched / len(tiktok_skus) < 0.95
