"""OAuth token endpoints (reference A2 step 4 and 5): `appkey`, `timestamp` (ms) and
`sign = hex(HMAC-SHA256(app_secret, raw_body + timestamp))` headers, ±10 minute window."""

from __future__ import annotations

import hmac
import json
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from sandbox.faults import FaultInjector
from sandbox.shopline.auth import AccessToken
from sandbox.shopline.errors import OAuthError
from sandbox.shopline.gateway import RequestHandler, drop_connection, reply
from sandbox.shopline.state import ShoplineState
from sandbox.signing import shopline_post_sign

TIMESTAMP_WINDOW_MS = 10 * 60 * 1000


def expire_time_text(expires_at: float) -> str:
    moment = datetime.fromtimestamp(expires_at, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+00:00"


def _token_data(token: str, record: AccessToken) -> dict[str, Any]:
    return {
        "accessToken": token,
        "expireTime": expire_time_text(record.expires_at),
        "scope": ",".join(record.scopes),
    }


def verify_signed_post(state: ShoplineState, request: web.Request, body: bytes) -> None:
    if request.headers.get("appkey") != state.app.app_key:
        raise OAuthError(401, "APP_KEY_INVALID", "The appkey header is missing or unknown.")
    timestamp = request.headers.get("timestamp", "")
    if not timestamp.isdigit() or abs(state.clock.now_ms() - int(timestamp)) > TIMESTAMP_WINDOW_MS:
        raise OAuthError(
            401, "TIMESTAMP_INVALID", "The timestamp header must be Unix milliseconds within 10 minutes."
        )
    expected = shopline_post_sign(state.app.app_secret, body, timestamp)
    if not hmac.compare_digest(expected, request.headers.get("sign", "")):
        raise OAuthError(
            401, "SIGN_INVALID", "The sign header does not match the request body and timestamp."
        )


def make_oauth_handler(state: ShoplineState, faults: FaultInjector, action: str) -> RequestHandler:
    async def handle(request: web.Request) -> web.StreamResponse:
        handle_name = request.match_info["handle"]
        try:
            store = state.stores.get(handle_name)
            if store is None:
                return reply(state, {"errors": "Not Found"}, 404)
            body = await request.read()
            verify_signed_post(state, request, body)
            decision = faults.decide("shopline", request.method, f"/admin/oauth/token/{action}")
            rule = decision.terminal
            if rule is not None and rule.kind in ("error", "rate_limit"):
                status = 429 if rule.kind == "rate_limit" else (rule.status or 500)
                return reply(
                    state,
                    {"code": status, "i18nCode": "SYSTEM_ERROR", "message": "injected", "data": None},
                    status,
                )
            if rule is not None and rule.kind == "reset":
                return drop_connection(request)
            if action == "create":
                try:
                    code = json.loads(body or b"{}").get("code")
                except (ValueError, AttributeError):
                    code = None
                token, record = state.auth.create_token(handle_name, store.id, str(code or ""))
            else:
                token, record = state.auth.refresh_token(handle_name, store.id)
            if rule is not None and rule.kind == "lost_response":
                return drop_connection(request)
            return reply(
                state,
                {
                    "code": 200,
                    "i18nCode": "SUCCESS",
                    "message": "success",
                    "data": _token_data(token, record),
                },
            )
        except OAuthError as exc:
            return reply(
                state,
                {"code": exc.status, "i18nCode": exc.i18n_code, "message": exc.message, "data": None},
                exc.status,
            )

    return handle
