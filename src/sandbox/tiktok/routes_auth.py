"""Token host (`/api/v2/token/get`, `/api/v2/token/refresh`, reference §1.3-§1.7) and the
shop discovery endpoints of the Open API host (§1.8, §3.1)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from sandbox.faults import FaultInjector
from sandbox.tiktok import errors
from sandbox.tiktok.auth import AccessToken, Grant, RefreshToken
from sandbox.tiktok.errors import TikTokError, envelope
from sandbox.tiktok.gateway import (
    Call,
    RequestHandler,
    Route,
    apply_fault_before,
    drop_connection,
    error_response,
    json_response,
    merged_query,
    query_pairs,
)
from sandbox.tiktok.render import shop_summary
from sandbox.tiktok.state import TikTokState

TOKEN_PATHS = {"/api/v2/token/get": "authorized_code", "/api/v2/token/refresh": "refresh_token"}


def token_payload(
    grant: Grant, access: str, access_rec: AccessToken, refresh: str, refresh_rec: RefreshToken
) -> dict[str, Any]:
    return {
        "access_token": access,
        "access_token_expire_in": access_rec.expires_at,
        "refresh_token": refresh,
        "refresh_token_expire_in": refresh_rec.expires_at,
        "open_id": grant.open_id,
        "seller_name": grant.seller_name,
        "seller_base_region": grant.region,
        "user_type": 0,
        "granted_scopes": list(grant.scopes),
    }


def make_token_handler(state: TikTokState, faults: FaultInjector) -> RequestHandler:
    """Unsigned GETs carrying app_key and app_secret in the query."""

    async def handle(request: web.Request) -> web.StreamResponse:
        try:
            expected_grant_type = TOKEN_PATHS.get(request.path)
            if expected_grant_type is None:
                raise errors.error(errors.INVALID_PATH)
            if request.method != "GET":
                raise errors.error(errors.INVALID_METHOD)
            query = merged_query(query_pairs(request))
            if query.get("app_key") != state.app.app_key:
                raise errors.error(errors.INVALID_APP_KEY)
            if query.get("app_secret") != state.app.app_secret:
                raise errors.TikTokError(
                    36009004, "Invalid credentials. Invalid 'app_secret' query parameter.", 400
                )
            if query.get("grant_type") != expected_grant_type:
                raise errors.invalid_param(
                    f"The 'grant_type' query parameter must be '{expected_grant_type}'."
                )
            decision = faults.decide("tiktok_auth", request.method, request.path)
            injected = await apply_fault_before(decision)
            if injected is not None:
                return error_response(state, injected)
            if decision.terminal is not None and decision.terminal.kind == "reset":
                return drop_connection(request)
            if expected_grant_type == "authorized_code":
                minted = state.auth.exchange_code(query.get("auth_code", ""))
            else:
                minted = state.auth.refresh(query.get("refresh_token", ""))
            if decision.terminal is not None and decision.terminal.kind == "lost_response":
                return drop_connection(request)
            payload = envelope(
                0, "success", state.request_ids.next(state.clock.now()), token_payload(*minted)
            )
            return json_response(state, payload)
        except TikTokError as exc:
            return error_response(state, exc)

    return handle


async def get_authorized_shops(call: Call) -> dict[str, Any]:
    assert call.grant is not None
    shops = [call.state.shops[shop_id] for shop_id in call.grant.shop_ids if shop_id in call.state.shops]
    return {"shops": [shop_summary(shop) for shop in shops]}


async def get_active_shops(call: Call) -> dict[str, Any]:
    assert call.grant is not None
    return {
        "shops": [
            {"id": shop_id, "region": call.state.shops[shop_id].region}
            for shop_id in call.grant.shop_ids
            if shop_id in call.state.shops
        ]
    }


ROUTES = [
    Route("GET", "authorization", ("202309",), "shops", get_authorized_shops, shop_scoped=False),
    Route("GET", "seller", ("202309",), "shops", get_active_shops, shop_scoped=False),
]
