"""Each gateway rule of the TikTok checklist rejects a client that breaks it, one at a time."""

from __future__ import annotations

from urllib.parse import urlencode

from sandbox.signing import compact_json, signed_tiktok_query

SHOPS = "/authorization/202309/shops"
ORDERS_SEARCH = "/order/202309/orders/search"


def _error(response):
    payload = response.json()
    return response.status_code, payload["code"], payload["message"]


async def test_correct_request_succeeds(tiktok):
    data = await tiktok.ok("GET", SHOPS)
    assert {shop["region"] for shop in data["shops"]} == {"US", "GB"}


async def test_unknown_path_is_404_36009009(tiktok):
    status, code, _ = _error(await tiktok.call("GET", "/authorization/202309/nothing"))
    assert (status, code) == (404, 36009009)


async def test_unknown_path_is_404_even_with_a_wrong_app_key(tiktok):
    status, code, _ = _error(await tiktok.call("GET", "/nothing/202309/here", app_key="bogus"))
    assert (status, code) == (404, 36009009)


async def test_wrong_method_is_36009010(tiktok):
    _status, code, _ = _error(await tiktok.call("POST", SHOPS))
    assert code == 36009010


async def test_unsupported_version_is_36009014(tiktok):
    _status, code, _ = _error(await tiktok.call("GET", "/authorization/202401/shops"))
    assert code == 36009014


async def test_unknown_app_key_is_400_36009004(tiktok):
    status, code, message = _error(await tiktok.call("GET", SHOPS, app_key="wrongkey"))
    assert (status, code) == (400, 36009004) and "app_key" in message


async def test_missing_sign_is_36009004(tiktok):
    _status, code, message = _error(await tiktok.call("GET", SHOPS, drop=("sign",)))
    assert code == 36009004 and "signature" in message


async def test_stale_timestamp_is_rejected(tiktok):
    _status, code, message = _error(await tiktok.call("GET", SHOPS, timestamp=tiktok.now() - 301))
    assert code == 36009004 and "5 minutes" in message
    assert (await tiktok.call("GET", SHOPS, timestamp=tiktok.now() - 290)).json()["code"] == 0


async def test_timestamp_from_the_future_is_rejected(tiktok):
    _status, code, message = _error(await tiktok.call("GET", SHOPS, timestamp=tiktok.now() + 45))
    assert code == 36009004 and "30 seconds" in message


async def test_timestamp_in_milliseconds_is_rejected(tiktok):
    _status, code, _ = _error(await tiktok.call("GET", SHOPS, timestamp=tiktok.now() * 1000))
    assert code == 36009004


async def test_body_reserialized_with_spaces_is_401_106001(tiktok):
    body = {"order_status": "AWAITING_SHIPMENT"}
    spaced = b'{"order_status": "AWAITING_SHIPMENT"}'
    response = await tiktok.call(
        "POST", ORDERS_SEARCH, params={"page_size": "10"}, body=body, cipher=tiktok.cipher(), sent_body=spaced
    )
    assert _error(response)[:2] == (401, 106001)


async def test_wrong_secret_is_106001(tiktok):
    status, code, _ = _error(await tiktok.call("GET", SHOPS, app_secret="not-the-secret"))
    assert (status, code) == (401, 106001)


async def test_unsigned_extra_parameter_is_106001(tiktok):
    _status, code, _ = _error(await tiktok.call("GET", SHOPS, extra=[("locale", "en-US")]))
    assert code == 106001


async def test_legacy_access_token_query_parameter_is_not_signed_and_is_accepted(tiktok):
    response = await tiktok.call("GET", SHOPS, token="", extra=[("access_token", tiktok.access_token)])
    assert response.json()["code"] == 0


async def test_legacy_version_parameter_must_match_the_path(tiktok, sandbox, http):
    path = SHOPS
    pairs = signed_tiktok_query(
        tiktok.app_key, tiktok.app_secret, path, {"version": "202401"}, timestamp=tiktok.now()
    )
    url = f"{sandbox.tiktok_api_url}{path}?{urlencode(pairs)}"
    response = await http.get(url, headers={"x-tts-access-token": tiktok.access_token})
    assert _error(response)[1] == 36009004 and "version" in _error(response)[2]


async def test_empty_object_body_verifies_signed_with_or_without_braces(tiktok, sandbox, http):
    params = {"page_size": "5"}
    for signed_body in (b"{}", b""):
        pairs = signed_tiktok_query(
            tiktok.app_key,
            tiktok.app_secret,
            ORDERS_SEARCH,
            params,
            timestamp=tiktok.now(),
            body=signed_body,
            shop_cipher=tiktok.cipher(),
        )
        response = await http.post(
            f"{sandbox.tiktok_api_url}{ORDERS_SEARCH}?{urlencode(pairs)}",
            content=b"{}",
            headers={"x-tts-access-token": tiktok.access_token, "content-type": "application/json"},
        )
        assert response.json()["code"] == 0, response.text


async def test_shop_cipher_on_authorization_endpoint_is_36009004(tiktok):
    _status, code, message = _error(await tiktok.call("GET", SHOPS, cipher=tiktok.cipher()))
    assert code == 36009004 and "shop_cipher" in message and "not required" in message


async def test_shop_scoped_endpoint_without_cipher_is_106013(tiktok):
    _status, code, _ = _error(await tiktok.call("POST", ORDERS_SEARCH, params={"page_size": "10"}, body={}))
    assert code == 106013


async def test_cipher_outside_the_grant_is_rejected(sandbox, new_tiktok_client):
    first_shop_only = new_tiktok_client()
    all_shops = [shop["id"] for shop in sandbox.control.shops()]
    await first_shop_only.authorize([all_shops[0]])
    other_cipher = sandbox.control.shops()[1]["cipher"]
    response = await first_shop_only.call(
        "POST", ORDERS_SEARCH, params={"page_size": "10"}, body={}, cipher=other_cipher
    )
    assert _error(response)[1] == 36009004 and "shop_cipher" in _error(response)[2]


async def test_unknown_token_is_36009004(tiktok):
    _status, code, message = _error(await tiktok.call("GET", SHOPS, token="ROW_not-a-token"))
    assert code == 36009004 and "x-tts-access-token" in message


async def test_expired_token_is_105002_and_refresh_recovers(tiktok, sandbox):
    sandbox.control.expire_tokens()
    _status, code, _ = _error(await tiktok.call("GET", SHOPS))
    assert code == 105002
    refreshed = (await tiktok.token("refresh_token", refresh_token=tiktok.refresh_token)).json()["data"]
    assert (await tiktok.call("GET", SHOPS, token=refreshed["access_token"])).json()["code"] == 0


async def test_token_expires_after_seven_days_of_sandbox_clock(tiktok, sandbox):
    sandbox.control.advance_clock(7 * 86400 - 60)
    assert (await tiktok.call("GET", SHOPS)).json()["code"] == 0
    sandbox.control.advance_clock(61)
    assert (await tiktok.call("GET", SHOPS)).json()["code"] == 105002


async def test_rate_limit_per_shop_and_endpoint_answers_429_36009002(tiktok, sandbox):
    sandbox.control.set_rate_limit("tiktok", rate=0.001, burst=3)
    calls = [
        await tiktok.call("POST", ORDERS_SEARCH, params={"page_size": "1"}, body={}, cipher=tiktok.cipher())
        for _ in range(4)
    ]
    assert [c.status_code for c in calls] == [200, 200, 200, 429]
    assert calls[-1].json()["code"] == 36009002
    other_shop = await tiktok.call(
        "POST", ORDERS_SEARCH, params={"page_size": "1"}, body={}, cipher=tiktok.cipher(1)
    )
    other_endpoint = await tiktok.call("GET", "/logistics/202309/warehouses", cipher=tiktok.cipher())
    assert other_shop.status_code == 200 and other_endpoint.status_code == 200
    sandbox.control.advance_clock(1000)
    refilled = await tiktok.call(
        "POST", ORDERS_SEARCH, params={"page_size": "1"}, body={}, cipher=tiktok.cipher()
    )
    assert refilled.status_code == 200


async def test_non_json_body_content_type_is_rejected(tiktok, sandbox, http):
    body = compact_json({})
    pairs = signed_tiktok_query(
        tiktok.app_key,
        tiktok.app_secret,
        ORDERS_SEARCH,
        {"page_size": "5"},
        timestamp=tiktok.now(),
        body=body,
        shop_cipher=tiktok.cipher(),
    )
    response = await http.post(
        f"{sandbox.tiktok_api_url}{ORDERS_SEARCH}?{urlencode(pairs)}",
        content=body,
        headers={"x-tts-access-token": tiktok.access_token, "content-type": "text/plain"},
    )
    assert response.json()["code"] == 36009022
