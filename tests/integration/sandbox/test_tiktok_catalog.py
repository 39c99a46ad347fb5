"""Products: search paging and its 10,000-result cap, detail, inventory and price updates."""

from __future__ import annotations

SEARCH = "/product/202309/products/search"


def product_path(product_id: str, action: str = "") -> str:
    return f"/product/202309/products/{product_id}{action}"


async def walk_products(tiktok, cipher, body=None, page_size=7):
    seen, token, pages = [], "", 0
    while True:
        params = {"page_size": str(page_size)}
        if token:
            params["page_token"] = token
        data = await tiktok.ok("POST", SEARCH, params=params, body=body or {}, cipher=cipher)
        seen.extend(product["id"] for product in data["products"])
        pages += 1
        token = data["next_page_token"]
        if not token:
            return seen, data["total_count"], pages


async def test_product_search_pages_walk_every_product_once(tiktok, sandbox):
    seen, total, pages = await walk_products(tiktok, tiktok.cipher())
    data = sandbox.control.tiktok.data(tiktok.shop_id())
    expected = {p.id for p in data.products.values() if p.status != "DELETED"}
    assert len(seen) == len(set(seen)) == total == len(expected) and set(seen) == expected
    assert pages == -(-total // 7)


async def test_product_search_filters_by_status_and_seller_sku(tiktok, sandbox):
    active, _total, _ = await walk_products(tiktok, tiktok.cipher(), {"status": "ACTIVATE"}, page_size=50)
    data = sandbox.control.tiktok.data(tiktok.shop_id())
    assert set(active) == {p.id for p in data.products.values() if p.status == "ACTIVATE"}
    sku = sandbox.control.sample_skus(tiktok.shop_id(), 1)[0]
    found, _, _ = await walk_products(tiktok, tiktok.cipher(), {"seller_skus": [sku["seller_sku"]]})
    assert sku["product_id"] in found


async def test_page_size_is_required_and_bounded(tiktok):
    for params in ({}, {"page_size": "0"}, {"page_size": "101"}):
        response = await tiktok.call("POST", SEARCH, params=params, body={}, cipher=tiktok.cipher())
        assert response.json()["code"] == 36009004 and "page_size" in response.json()["message"]


async def test_page_token_is_bound_to_its_filters(tiktok):
    first = await tiktok.ok("POST", SEARCH, params={"page_size": "2"}, body={}, cipher=tiktok.cipher())
    response = await tiktok.call(
        "POST",
        SEARCH,
        params={"page_size": "2", "page_token": first["next_page_token"]},
        body={"status": "ACTIVATE"},
        cipher=tiktok.cipher(),
    )
    assert response.json()["code"] == 36009004


async def test_product_search_stops_at_10000_results(sandbox, new_tiktok_client):
    shop = sandbox.control.create_shop("US", "Huge catalog", products=10_300, orders=0)
    sandbox.control.set_rate_limit("tiktok", rate=10_000, burst=10_000)
    client = new_tiktok_client()
    await client.authorize([shop["id"]])
    token, served = "", 0
    for _ in range(100):
        params = {"page_size": "100"} | ({"page_token": token} if token else {})
        data = await client.ok("POST", SEARCH, params=params, body={}, cipher=shop["cipher"])
        served += len(data["products"])
        token = data["next_page_token"]
    assert served == 10_000 and token and data["total_count"] > 10_000
    beyond = await client.call(
        "POST", SEARCH, params={"page_size": "100", "page_token": token}, body={}, cipher=shop["cipher"]
    )
    assert beyond.json()["code"] == 12052180


async def test_get_product_detail_and_unknown_product(tiktok, sandbox):
    sku = sandbox.control.sample_skus(tiktok.shop_id(), 1)[0]
    product = await tiktok.ok("GET", product_path(sku["product_id"]), cipher=tiktok.cipher())
    assert product["id"] == sku["product_id"]
    detail_sku = next(s for s in product["skus"] if s["id"] == sku["id"])
    assert detail_sku["seller_sku"] == sku["seller_sku"]
    assert detail_sku["price"] == {
        "currency": "USD",
        "sale_price": sku["price"],
        "tax_exclusive_price": sku["price"],
    }
    missing = await tiktok.call("GET", product_path("1"), cipher=tiktok.cipher())
    assert missing.json()["code"] == 12019150


async def test_inventory_update_must_list_every_warehouse(tiktok, sandbox):
    sku = sandbox.control.sample_skus(tiktok.shop_id(), 1, multi_warehouse=True)[0]
    first, second = list(sku["inventory"])
    partial = {"skus": [{"id": sku["id"], "inventory": [{"warehouse_id": first, "quantity": 5}]}]}
    response = await tiktok.call(
        "POST", product_path(sku["product_id"], "/inventory/update"), body=partial, cipher=tiktok.cipher()
    )
    assert response.json()["code"] == 12019028
    no_warehouse = {"skus": [{"id": sku["id"], "inventory": [{"quantity": 5}]}]}
    response = await tiktok.call(
        "POST",
        product_path(sku["product_id"], "/inventory/update"),
        body=no_warehouse,
        cipher=tiktok.cipher(),
    )
    assert response.json()["code"] == 12019028
    full = {
        "skus": [
            {
                "id": sku["id"],
                "inventory": [
                    {"warehouse_id": first, "quantity": 5},
                    {"warehouse_id": second, "quantity": 0},
                ],
            }
        ]
    }
    assert (
        await tiktok.ok(
            "POST", product_path(sku["product_id"], "/inventory/update"), body=full, cipher=tiktok.cipher()
        )
        == {}
    )
    product = await tiktok.ok("GET", product_path(sku["product_id"]), cipher=tiktok.cipher())
    inventory = next(s for s in product["skus"] if s["id"] == sku["id"])["inventory"]
    assert {i["warehouse_id"]: i["quantity"] for i in inventory} == {first: 5, second: 0}


async def test_single_warehouse_sku_may_omit_the_warehouse(tiktok, sandbox):
    sku = sandbox.control.sample_skus(tiktok.shop_id(1), 1)[0]
    body = {"skus": [{"id": sku["id"], "inventory": [{"quantity": 42}]}]}
    await tiktok.ok(
        "POST", product_path(sku["product_id"], "/inventory/update"), body=body, cipher=tiktok.cipher(1)
    )
    assert sandbox.control.tiktok.data(tiktok.shop_id(1)).skus[sku["id"]].inventory == {
        next(iter(sku["inventory"])): 42
    }


async def test_inventory_update_rejects_foreign_sku_and_bad_quantity(tiktok, sandbox):
    first, second = sandbox.control.sample_skus(tiktok.shop_id(1), 10)[0], None
    second = next(
        s
        for s in sandbox.control.sample_skus(tiktok.shop_id(1), 10)
        if s["product_id"] != first["product_id"]
    )
    foreign = {"skus": [{"id": second["id"], "inventory": [{"quantity": 1}]}]}
    path = product_path(first["product_id"], "/inventory/update")
    assert (await tiktok.call("POST", path, body=foreign, cipher=tiktok.cipher(1))).json()["code"] == 12052036
    negative = {"skus": [{"id": first["id"], "inventory": [{"quantity": -1}]}]}
    assert (await tiktok.call("POST", path, body=negative, cipher=tiktok.cipher(1))).json()[
        "code"
    ] == 12019024


async def test_unknown_warehouse_is_reported_per_item_inside_a_success(tiktok, sandbox):
    sku = sandbox.control.sample_skus(tiktok.shop_id(1), 1)[0]
    body = {"skus": [{"id": sku["id"], "inventory": [{"warehouse_id": "1", "quantity": 1}]}]}
    data = await tiktok.ok(
        "POST", product_path(sku["product_id"], "/inventory/update"), body=body, cipher=tiktok.cipher(1)
    )
    assert data["errors"][0]["code"] == 12052990 and data["errors"][0]["detail"]["sku_id"] == sku["id"]


async def test_price_update_requires_activate_status(tiktok, sandbox):
    sku = sandbox.control.sample_skus(tiktok.shop_id(), 1, active_only=True)[0]
    body = {"skus": [{"id": sku["id"], "price": {"amount": "12.34", "currency": "USD"}}]}
    path = product_path(sku["product_id"], "/prices/update")
    sandbox.control.set_product_status(tiktok.shop_id(), sku["product_id"], "SELLER_DEACTIVATED")
    assert (await tiktok.call("POST", path, body=body, cipher=tiktok.cipher())).json()["code"] == 12019113
    sandbox.control.set_product_status(tiktok.shop_id(), sku["product_id"], "ACTIVATE")
    assert await tiktok.ok("POST", path, body=body, cipher=tiktok.cipher()) == {}
    product = await tiktok.ok("GET", product_path(sku["product_id"]), cipher=tiktok.cipher())
    assert next(s for s in product["skus"] if s["id"] == sku["id"])["price"]["sale_price"] == "12.34"


async def test_price_update_rejects_wrong_currency_and_float_amounts(tiktok, sandbox):
    sku = sandbox.control.sample_skus(tiktok.shop_id(), 1, active_only=True)[0]
    path = product_path(sku["product_id"], "/prices/update")
    for price in (
        {"amount": "12.34", "currency": "GBP"},
        {"amount": 12.34, "currency": "USD"},
        {"amount": "12.345", "currency": "USD"},
    ):
        body = {"skus": [{"id": sku["id"], "price": price}]}
        assert (await tiktok.call("POST", path, body=body, cipher=tiktok.cipher())).json()["code"] == 12052012


async def test_inventory_search_reports_warehouses(tiktok, sandbox):
    sku = sandbox.control.sample_skus(tiktok.shop_id(), 1, multi_warehouse=True)[0]
    sandbox.control.set_stock(tiktok.shop_id(), sku["id"], 17)
    data = await tiktok.ok(
        "POST", "/product/202309/inventory/search", body={"sku_ids": [sku["id"]]}, cipher=tiktok.cipher()
    )
    found = data["inventory"][0]["skus"]
    match = next(s for s in found if s["id"] == sku["id"])
    assert match["total_available_quantity"] == 34 and len(match["warehouse_inventory"]) == 2


async def test_control_price_change_is_visible_through_search(tiktok, sandbox):
    sku = sandbox.control.sample_skus(tiktok.shop_id(), 1)[0]
    sandbox.control.set_price(tiktok.shop_id(), sku["id"], "99.99")
    data = await tiktok.ok(
        "POST",
        SEARCH,
        params={"page_size": "5"},
        body={"seller_skus": [sku["seller_sku"]]},
        cipher=tiktok.cipher(),
    )
    prices = [s["price"]["sale_price"] for p in data["products"] for s in p["skus"] if s["id"] == sku["id"]]
    assert prices == ["99.99"]
