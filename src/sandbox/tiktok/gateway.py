"""The Open API gateway: every request passes the checks of the reference's fake-server checklist
(§9) in the order the live gateway applies them (§6.2): route and version, `app_key`, signature
presence and timestamp window, signature, legacy parameters, access token, `shop_cipher` rules,
rate limit per (app, shop, endpoint); then injected faults; then the endpoint.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from sandbox.faults import FaultDecision, FaultInjector
from sandbox.signing import is_multipart, tiktok_signature_matches
from sandbox.tiktok import errors
from sandbox.tiktok.auth import Grant
from sandbox.tiktok.errors import TikTokError, envelope
from sandbox.tiktok.models import Shop, ShopData
from sandbox.tiktok.state import TikTokState

TIMESTAMP_MAX_AGE_S = 300
TIMESTAMP_MAX_AHEAD_S = 30


@dataclass(slots=True)
class Call:
    """One authenticated request as seen by an endpoint."""

    request: web.Request
    state: TikTokState
    version: str
    path_params: dict[str, str]
    query: dict[str, str]
    body: bytes
    grant: Grant | None = None
    shop: Shop | None = None
    _json: Any = field(default=None)

    def json(self) -> dict[str, Any]:
        if self._json is None:
            if not self.body.strip():
                self._json = {}
            else:
                try:
                    self._json = json.loads(self.body)
                except ValueError:
                    raise errors.invalid_param("The request body is not valid JSON.") from None
            if not isinstance(self._json, dict):
                raise errors.invalid_param("The request body must be a JSON object.")
        return self._json

    @property
    def shop_data(self) -> ShopData:
        assert self.shop is not None
        return self.state.data(self.shop.id)

    @property
    def now(self) -> int:
        return self.state.clock.now_s()


Handler = Callable[[Call], Awaitable[Any]]
RequestHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(slots=True)
class Route:
    method: str
    module: str
    versions: tuple[str, ...]
    resource: str
    handler: Handler
    shop_scoped: bool
    writes: bool = False
    pattern: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.resource)
        self.pattern = re.compile(f"^{regex}$")

    @property
    def name(self) -> str:
        return f"{self.method} /{self.module}/{{v}}/{self.resource}"


class RouteTable:
    def __init__(self, routes: list[Route]) -> None:
        self.routes = routes

    def resolve(self, method: str, path: str) -> tuple[Route, str, dict[str, str]]:
        parts = path.strip("/").split("/", 2)
        if len(parts) < 3:
            raise errors.error(errors.INVALID_PATH)
        module, version, rest = parts
        wrong_method = wrong_version = False
        for route in self.routes:
            if route.module != module:
                continue
            match = route.pattern.match(rest)
            if match is None:
                continue
            if version not in route.versions:
                wrong_version = True
                continue
            if route.method != method:
                wrong_method = True
                continue
            return route, version, match.groupdict()
        if wrong_method:
            raise errors.error(errors.INVALID_METHOD)
        if wrong_version:
            raise errors.error(errors.INVALID_VERSION)
        raise errors.error(errors.INVALID_PATH)


def json_response(state: TikTokState, payload: dict[str, Any], status: int = 200) -> web.Response:
    return web.Response(body=json.dumps(payload).encode(), status=status, content_type="application/json")


def error_response(state: TikTokState, exc: TikTokError) -> web.Response:
    payload = envelope(exc.code, exc.message, state.request_ids.next(state.clock.now()), exc.data)
    headers = {"Retry-After": "1"} if exc.http_status == 429 else None
    return web.Response(
        body=json.dumps(payload).encode(),
        status=exc.http_status,
        content_type="application/json",
        headers=headers,
    )


def query_pairs(request: web.Request) -> list[tuple[str, str]]:
    return parse_qsl(request.rel_url.raw_query_string, keep_blank_values=True)


def merged_query(pairs: list[tuple[str, str]]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for key, value in pairs:
        merged[key] = f"{merged[key]},{value}" if key in merged else value
    return merged


def check_timestamp(raw: str | None, now: float) -> None:
    try:
        stamp = int(raw or "")
    except ValueError:
        raise errors.error(errors.TIMESTAMP_TOO_OLD) from None
    if stamp < 0:
        raise errors.error(errors.TIMESTAMP_NEGATIVE)
    if stamp < now - TIMESTAMP_MAX_AGE_S:
        raise errors.error(errors.TIMESTAMP_TOO_OLD)
    if stamp > now + TIMESTAMP_MAX_AHEAD_S:
        raise errors.error(errors.TIMESTAMP_TOO_NEW)


async def apply_fault_before(decision: FaultDecision) -> TikTokError | None:
    """Latency, then a terminal fault that answers instead of the endpoint (None: carry on)."""
    if decision.latency_s:
        await asyncio.sleep(decision.latency_s)
    rule = decision.terminal
    if rule is None or rule.kind == "lost_response":
        return None
    if rule.kind == "rate_limit":
        return errors.error(errors.TOO_MANY_REQUESTS)
    if rule.kind == "error":
        return errors.error(errors.INTERNAL_ERROR, http_status=rule.status or 500)
    return None


def drop_connection(request: web.Request) -> web.Response:
    """Abort the TCP connection so the client sees a reset and no answer."""
    transport = request.transport
    if transport is not None:
        transport.abort()
    return web.Response(status=500)


def make_dispatcher(state: TikTokState, table: RouteTable, faults: FaultInjector) -> RequestHandler:
    async def dispatch(request: web.Request) -> web.StreamResponse:
        try:
            return await _dispatch(request)
        except TikTokError as exc:
            return error_response(state, exc)

    async def _dispatch(request: web.Request) -> web.StreamResponse:
        now = state.clock.now()
        route, version, path_params = table.resolve(request.method, request.path)
        pairs = query_pairs(request)
        query = merged_query(pairs)
        if query.get("app_key") != state.app.app_key:
            raise errors.error(errors.INVALID_APP_KEY)
        if not query.get("sign"):
            raise errors.error(errors.MISSING_SIGN)
        check_timestamp(query.get("timestamp"), now)
        body = await request.read()
        content_type = request.headers.get("Content-Type")
        if not tiktok_signature_matches(
            state.app.app_secret, request.path, pairs, body, content_type, query["sign"]
        ):
            raise errors.error(errors.INVALID_SIGN)
        if body and not is_multipart(content_type):
            media_type = (content_type or "").split(";", 1)[0].strip().lower()
            if media_type != "application/json":
                raise errors.error(errors.BAD_CONTENT_TYPE)
        if "version" in query and query["version"] != version:
            raise errors.error(errors.INVALID_VERSION_PARAM)
        token = request.headers.get("x-tts-access-token") or query.get("access_token")
        grant = state.auth.authenticate(token)
        call = Call(request, state, version, path_params, query, body, grant)
        cipher = query.get("shop_cipher")
        if route.shop_scoped:
            if not cipher:
                raise errors.error(errors.MISSING_CIPHER)
            shop = state.shop_for_cipher(cipher)
            if shop.id not in grant.shop_ids:
                raise errors.error(errors.INVALID_CIPHER)
            if query.get("shop_id") and query["shop_id"] != shop.id:
                raise errors.error(errors.INVALID_SHOP_ID)
            call.shop = shop
        elif cipher is not None:
            raise errors.error(errors.UNEXPECTED_CIPHER)
        if not state.limiter.try_acquire((state.app.app_key, cipher or "", route.name)):
            raise errors.error(errors.TOO_MANY_REQUESTS)
        decision = faults.decide("tiktok", request.method, request.path)
        injected = await apply_fault_before(decision)
        if injected is not None:
            return error_response(state, injected)
        if decision.terminal is not None and decision.terminal.kind == "reset":
            return drop_connection(request)
        data = await route.handler(call)
        if decision.terminal is not None and decision.terminal.kind == "lost_response":
            if decision.terminal.status:
                return error_response(
                    state, errors.error(errors.INTERNAL_ERROR, http_status=decision.terminal.status)
                )
            return drop_connection(request)
        return json_response(state, envelope(0, "Success", state.request_ids.next(now), data))

    return dispatch
