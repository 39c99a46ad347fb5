"""Token host rules: single-use codes with a 30-minute life, rotation on refresh, absolute expiries."""

from __future__ import annotations

import httpx

SHOPS = "/authorization/202309/shops"


async def test_code_exchange_returns_absolute_expiries(sandbox, new_tiktok_client):
    client = new_tiktok_client()
    before = sandbox.control.clock.now_s()
    data = await client.authorize()
    assert before + 7 * 86400 <= data["access_token_expire_in"] <= before + 7 * 86400 + 2
    assert data["refresh_token_expire_in"] > data["access_token_expire_in"]
    assert data["user_type"] == 0 and data["open_id"] and data["seller_base_region"] == "US"


async def test_token_response_uses_the_token_envelope(sandbox, new_tiktok_client):
    client = new_tiktok_client()
    code = sandbox.control.grant_authorization()["code"]
    payload = (await client.token("authorized_code", auth_code=code)).json()
    assert payload["code"] == 0 and payload["message"] == "success" and payload["request_id"]


async def test_auth_code_is_single_use(sandbox, new_tiktok_client):
    client = new_tiktok_client()
    code = sandbox.control.grant_authorization()["code"]
    assert (await client.token("authorized_code", auth_code=code)).json()["code"] == 0
    reused = await client.token("authorized_code", auth_code=code)
    assert reused.json()["code"] == 36004004


async def test_auth_code_expires_after_30_minutes(sandbox, new_tiktok_client):
    client = new_tiktok_client()
    code = sandbox.control.grant_authorization()["code"]
    sandbox.control.advance_clock(30 * 60)
    assert (await client.token("authorized_code", auth_code=code)).json()["code"] == 36004004


async def test_auth_code_within_30_minutes_works(sandbox, new_tiktok_client):
    client = new_tiktok_client()
    code = sandbox.control.grant_authorization()["code"]
    sandbox.control.advance_clock(29 * 60)
    assert (await client.token("authorized_code", auth_code=code)).json()["code"] == 0


async def test_oauth_grant_type_spelling_is_rejected(sandbox, new_tiktok_client):
    client = new_tiktok_client()
    code = sandbox.control.grant_authorization()["code"]
    response = await client.token("authorized_code", auth_code=code, grant_type="authorization_code")
    assert response.json()["code"] == 36009004 and "grant_type" in response.json()["message"]
    assert (await client.token("authorized_code", auth_code=code)).json()["code"] == 0


async def test_wrong_app_secret_is_rejected(sandbox, new_tiktok_client):
    client = new_tiktok_client()
    code = sandbox.control.grant_authorization()["code"]
    response = await client.token("authorized_code", auth_code=code, app_secret="guess")
    assert response.json()["code"] == 36009004


async def test_token_endpoints_live_on_the_auth_host_only(tiktok, sandbox, http):
    response = await http.get(f"{sandbox.tiktok_api_url}/api/v2/token/get")
    assert response.status_code == 404 and response.json()["code"] == 36009009


async def test_refresh_rotates_both_tokens_and_old_refresh_token_dies(tiktok, sandbox):
    old_access, old_refresh = tiktok.access_token, tiktok.refresh_token
    sandbox.control.advance_clock(3600)
    data = (await tiktok.token("refresh_token", refresh_token=old_refresh)).json()["data"]
    assert data["access_token"] != old_access and data["refresh_token"] != old_refresh
    assert data["access_token_expire_in"] == sandbox.control.clock.now_s() + 7 * 86400
    again = await tiktok.token("refresh_token", refresh_token=old_refresh)
    assert again.json()["code"] == 36004005
    assert (await tiktok.call("GET", SHOPS, token=data["access_token"])).json()["code"] == 0
    rotated = await tiktok.token("refresh_token", refresh_token=data["refresh_token"])
    assert rotated.json()["code"] == 0


async def test_refresh_with_authorized_code_grant_type_is_rejected(tiktok):
    response = await tiktok.token(
        "refresh_token", refresh_token=tiktok.refresh_token, grant_type="authorized_code"
    )
    assert response.json()["code"] == 36009004


async def test_expired_refresh_token_is_36004001(tiktok, sandbox):
    sandbox.control.expire_tokens(refresh=True)
    response = await tiktok.token("refresh_token", refresh_token=tiktok.refresh_token)
    assert response.json()["code"] == 36004001


async def test_revoked_grant_kills_tokens_and_refresh(tiktok, sandbox):
    sandbox.control.revoke_grant(shop_id=tiktok.shop_id())
    assert (await tiktok.call("GET", SHOPS)).json()["code"] == 36009004
    assert (await tiktok.token("refresh_token", refresh_token=tiktok.refresh_token)).json()[
        "code"
    ] == 36004005


async def test_grant_covers_only_the_chosen_shops(sandbox, new_tiktok_client):
    client = new_tiktok_client()
    shop_ids = [shop["id"] for shop in sandbox.control.shops()]
    await client.authorize(shop_ids[1:])
    assert [shop["id"] for shop in client.shops] == shop_ids[1:]


async def test_created_shop_can_be_authorized_and_read(sandbox, new_tiktok_client):
    shop = sandbox.control.create_shop("JP", "Tokyo Outlet", products=3, orders=5)
    client = new_tiktok_client()
    await client.authorize([shop["id"]])
    assert client.shops == [{k: shop[k] for k in ("cipher", "code", "id", "name", "region", "seller_type")}]
    data = await client.ok(
        "POST", "/product/202309/products/search", params={"page_size": "10"}, body={}, cipher=shop["cipher"]
    )
    assert data["total_count"] <= 3
    assert all(
        sku["price"]["currency"] == "JPY" and "." not in sku["price"]["sale_price"]
        for product in data["products"]
        for sku in product["skus"]
    )


async def test_consent_page_redirects_with_code_state_and_region(sandbox, http, new_tiktok_client):
    sandbox.control.configure_tiktok_redirect("https://app.example/callback")
    response = await http.get(
        f"{sandbox.tiktok_auth_url}/open/authorize",
        params={"service_id": sandbox.credentials.tiktok_service_id, "state": "xyz"},
    )
    assert response.status_code == 302
    location = httpx.URL(response.headers["location"])
    assert location.params["state"] == "xyz" and location.params["shop_region"] == "US"
    client = new_tiktok_client()
    assert (await client.token("authorized_code", auth_code=location.params["code"])).json()["code"] == 0
