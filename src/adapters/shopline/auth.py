"""SHOPLINE app installation and tokens (reference A2).

The merchant is sent to the store's authorize page; SHOPLINE calls back with a signed GET that is
verified (signature and ±10 minute window) before the code is exchanged. Token create and refresh
are POSTs signed over `body + timestamp`; there is no refresh token, the app signature alone
authorizes a refresh. A code is single use and a refresh mints a new token, so neither is repeated
after an ambiguous failure, only when the request certainly never left.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from adapters.http.attempts import send
from adapters.http.failures import Failure, FailureKind
from adapters.shopline import signing
from adapters.shopline.transport import PARTNER, ShoplineTransport
from domain.errors import PartnerRejected
from domain.secret import Secret
from domain.tokens import ShoplineGrant

AUTHORIZE_PATH = "/admin/oauth-web/#/oauth/authorize"
TOKEN_CREATE_PATH = "/admin/oauth/token/create"  # noqa: S105
TOKEN_REFRESH_PATH = "/admin/oauth/token/refresh"  # noqa: S105

REVOKED_CODES = frozenset({"STORE_NOT_INSTALL_APP", "APP_AUDIT_NOT_PASS"})
THROTTLED_CODES = frozenset({"REQUEST_FREQUENTLY"})


def parse_expire_time(text: Any) -> datetime:
    if not isinstance(text, str):
        raise ValueError("expireTime is not a date-time")
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("expireTime has no offset")
    return moment


def grant_from_data(data: Any) -> ShoplineGrant:
    if not isinstance(data, Mapping):
        raise ValueError("token response has no data")
    scopes = str(data.get("scope") or "")
    return ShoplineGrant(
        access_token=Secret(str(data["accessToken"])),
        expires_at=parse_expire_time(data["expireTime"]),
        scopes=tuple(scope for scope in scopes.split(",") if scope),
    )


class ShoplineAuth:
    def __init__(self, transport: ShoplineTransport, *, app_key: str, app_secret: str) -> None:
        self._transport = transport
        self._app_key = app_key
        self._app_secret = app_secret

    def __repr__(self) -> str:
        return "ShoplineAuth()"

    def install_url(
        self, store_handle: str, scopes: Sequence[str], redirect_uri: str, custom_field: str | None = None
    ) -> str:
        """The authorize page the merchant's browser is sent to; `custom_field` comes back on the callback."""
        params = {
            "appKey": self._app_key,
            "responseType": "code",
            "scope": ",".join(scopes),
            "redirectUri": redirect_uri,
        }
        if custom_field:
            params["customField"] = custom_field
        query = urlencode(params, quote_via=quote)
        return f"{self._transport.store_url(store_handle)}{AUTHORIZE_PATH}?{query}"

    def verify_callback(self, params: Mapping[str, str]) -> bool:
        """An install request or OAuth callback is genuine, recent, and for this app."""
        if params.get("appkey", self._app_key) != self._app_key:
            return False
        now_ms = int(self._transport.clock() * 1000)
        return signing.verify_get_request(self._app_secret, params, now_ms)

    async def create_token(self, store_handle: str, code: str) -> ShoplineGrant:
        return await self._token_call(store_handle, TOKEN_CREATE_PATH, signing.compact_json({"code": code}))

    async def refresh_token(self, store_handle: str) -> ShoplineGrant:
        return await self._token_call(store_handle, TOKEN_REFRESH_PATH, b"")

    async def _token_call(self, store_handle: str, path: str, body: bytes) -> ShoplineGrant:
        url = f"{self._transport.store_url(store_handle)}{path}"
        return await self._transport.retrying(
            lambda: self._send(url, body),
            f"POST {path}",
            retriable=lambda failure: not failure.sent,
        )

    async def _send(self, url: str, body: bytes) -> ShoplineGrant | Failure:
        # A fresh timestamp, and so a fresh signature, for every attempt.
        timestamp_ms = int(self._transport.clock() * 1000)
        headers = signing.post_headers(self._app_key, self._app_secret, body, timestamp_ms)
        request = self._transport.http.build_request(
            "POST", url, content=body, headers=headers, timeout=self._transport.timeout
        )
        response = await send(self._transport.http, request)
        if isinstance(response, Failure):
            return response
        trace_id = response.headers.get("traceId", "")
        try:
            payload = json.loads(response.content) if response.content else {}
        except ValueError:
            payload = {}
        if not isinstance(payload, dict):
            payload = {}
        i18n_code = str(payload.get("i18nCode") or "")
        message = str(payload.get("message") or response.reason_phrase)
        if response.status_code == 200 and payload.get("code") == 200:
            try:
                return grant_from_data(payload.get("data"))
            except (KeyError, ValueError, TypeError):
                raise PartnerRejected(
                    PARTNER, "malformed_token_response", "The token response lacks a field.", trace_id
                ) from None
        code = i18n_code or str(payload.get("code") or response.status_code)
        if i18n_code in REVOKED_CODES:
            return Failure(FailureKind.TOKEN_REVOKED, code, message, trace_id)
        if i18n_code in THROTTLED_CODES or response.status_code == 429:
            return Failure(FailureKind.RATE_LIMITED, code, message, trace_id)
        if response.status_code >= 500:
            return Failure(FailureKind.UNAVAILABLE, code, message, trace_id)
        return Failure(FailureKind.REJECTED, code, message, trace_id)
