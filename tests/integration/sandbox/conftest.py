"""Fixtures: a sandbox per test on loopback ports, and minimal signed clients built from the
sandbox's own signing helpers so each test can break exactly one thing."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from sandbox.runner import RunningSandbox
from sandbox.signing import compact_json, shopline_post_headers, signed_tiktok_query

SHOPLINE_VERSION = "v20251201"


@pytest.fixture
def sandbox_seed() -> int:
    return 7


class TikTokClient:
    def __init__(self, sandbox: RunningSandbox, http: httpx.AsyncClient) -> None:
        self.sandbox = sandbox
        self.http = http
        self.app_key = sandbox.credentials.tiktok_app_key
        self.app_secret = sandbox.credentials.tiktok_app_secret
        self.access_token = ""
        self.refresh_token = ""
        self.shops: list[dict[str, Any]] = []

    def now(self) -> int:
        return self.sandbox.control.clock.now_s()

    async def token(self, flow: str, *, grant_type: str | None = None, **params: str) -> httpx.Response:
        """`flow` is `authorized_code` (token/get) or `refresh_token` (token/refresh)."""
        path = "/api/v2/token/get" if flow == "authorized_code" else "/api/v2/token/refresh"
        query = {
            "app_key": self.app_key,
            "app_secret": self.app_secret,
            "grant_type": grant_type or flow,
            **params,
        }
        return await self.http.get(f"{self.sandbox.tiktok_auth_url}{path}", params=query)

    async def authorize(self, shop_ids: list[str] | None = None) -> dict[str, Any]:
        code = self.sandbox.control.grant_authorization(shop_ids)["code"]
        response = await self.token("authorized_code", auth_code=code)
        data = response.json()["data"]
        self.access_token, self.refresh_token = data["access_token"], data["refresh_token"]
        shops = await self.call("GET", "/authorization/202309/shops")
        self.shops = shops.json()["data"]["shops"]
        return data

    def cipher(self, index: int = 0) -> str:
        return self.shops[index]["cipher"]

    def shop_id(self, index: int = 0) -> str:
        return self.shops[index]["id"]

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        body: Any = None,
        cipher: str | None = None,
        timestamp: int | None = None,
        token: str | None = None,
        sent_body: bytes | None = None,
        app_key: str | None = None,
        app_secret: str | None = None,
        extra: list[tuple[str, str]] | None = None,
        drop: tuple[str, ...] = (),
    ) -> httpx.Response:
        """A correctly signed request unless an argument says otherwise: `sent_body` sends other
        bytes than were signed, `extra` adds unsigned pairs, `drop` removes pairs after signing."""
        raw = compact_json(body) if body is not None else b""
        pairs = signed_tiktok_query(
            app_key or self.app_key,
            app_secret or self.app_secret,
            path,
            params,
            timestamp=self.now() if timestamp is None else timestamp,
            body=raw,
            shop_cipher=cipher,
        )
        pairs = [(k, v) for k, v in pairs if k not in drop] + (extra or [])
        headers = {"content-type": "application/json"}
        access = self.access_token if token is None else token
        if access:
            headers["x-tts-access-token"] = access
        url = f"{self.sandbox.tiktok_api_url}{path}?{urlencode(pairs)}"
        content = raw if sent_body is None else sent_body
        return await self.http.request(method, url, content=content or None, headers=headers)

    async def ok(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = await self.call(method, path, **kwargs)
        payload = response.json()
        assert response.status_code == 200 and payload["code"] == 0, payload
        return payload["data"]


class ShoplineClient:
    def __init__(self, sandbox: RunningSandbox, http: httpx.AsyncClient) -> None:
        self.sandbox = sandbox
        self.http = http
        self.app_key = sandbox.credentials.shopline_app_key
        self.app_secret = sandbox.credentials.shopline_app_secret
        self.handle = sandbox.credentials.shopline_handle
        self.access_token = ""

    @property
    def base(self) -> str:
        return self.sandbox.shopline_url_template.format(handle=self.handle)

    def now_ms(self) -> int:
        return self.sandbox.control.clock.now_ms()

    async def signed_post(self, path: str, body: bytes, *, secret: str | None = None) -> httpx.Response:
        headers = shopline_post_headers(self.app_key, secret or self.app_secret, body, self.now_ms())
        return await self.http.post(f"{self.base}{path}", content=body, headers=headers)

    async def install(self, scopes: list[str] | None = None) -> str:
        code = self.sandbox.control.install_shopline(self.handle, scopes)["code"]
        response = await self.signed_post("/admin/oauth/token/create", compact_json({"code": code}))
        assert response.json()["code"] == 200, response.text
        self.access_token = response.json()["data"]["accessToken"]
        return self.access_token

    async def request(
        self, method: str, resource: str, *, params: Any = None, json: Any = None, token: str | None = None
    ) -> httpx.Response:
        url = (
            resource
            if resource.startswith("http")
            else f"{self.base}/admin/openapi/{SHOPLINE_VERSION}/{resource}"
        )
        access = self.access_token if token is None else token
        # Every SHOPLINE request carries the JSON content type, GET included (reference A4).
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if access:
            headers["Authorization"] = f"Bearer {access}"
        if json is not None:
            return await self.http.request(
                method, url, params=params, content=compact_json(json), headers=headers
            )
        return await self.http.request(method, url, params=params, headers=headers)


@pytest.fixture
async def tiktok(sandbox: RunningSandbox, http: httpx.AsyncClient) -> TikTokClient:
    client = TikTokClient(sandbox, http)
    await client.authorize()
    return client


@pytest.fixture
async def shopline(sandbox: RunningSandbox, http: httpx.AsyncClient) -> ShoplineClient:
    client = ShoplineClient(sandbox, http)
    await client.install()
    return client


@pytest.fixture
def new_tiktok_client(sandbox: RunningSandbox, http: httpx.AsyncClient):  # type: ignore[no-untyped-def]
    """A factory of unauthorized TikTok clients, for tests that need a second seller or grant."""
    return lambda: TikTokClient(sandbox, http)
