"""The SHOPLINE Admin REST gateway: store handle from the URL prefix `/stores/{handle}`, API
version, route, Bearer token, the token's access scopes, leaky-bucket rate limit per (app, store),
content type, injected faults, then the endpoint. Every answer carries a `traceId` header
(reference A4)."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from sandbox.faults import FaultInjector
from sandbox.shopline.errors import TOO_MANY_REQUESTS, ShoplineError, scope_not_granted
from sandbox.shopline.models import Store
from sandbox.shopline.state import API_VERSIONS, ShoplineState

STORE_PREFIX = "/stores/{handle}"


@dataclass(slots=True)
class Reply:
    payload: Any
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class SlCall:
    request: web.Request
    state: ShoplineState
    store: Store
    version: str
    path_params: dict[str, str]
    body: bytes
    _json: Any = None

    @property
    def query(self) -> Any:
        return self.request.query

    @property
    def now(self) -> int:
        return self.state.clock.now_s()

    @property
    def base_url(self) -> str:
        """Where this store's API lives, for `Link` headers (as the client addressed it)."""
        origin = self.request.url.origin()
        return f"{origin}/stores/{self.store.handle}/admin/openapi/{self.version}"

    def json(self) -> dict[str, Any]:
        if self._json is None:
            try:
                self._json = json.loads(self.body) if self.body.strip() else {}
            except ValueError:
                raise ShoplineError(400, "The request body is not valid JSON.") from None
            if not isinstance(self._json, dict):
                raise ShoplineError(400, "The request body must be a JSON object.")
        return self._json

    def touch(self) -> None:
        self.state.touch(self.store.handle)


SlHandler = Callable[[SlCall], Awaitable[Reply]]
RequestHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(slots=True)
class SlRoute:
    method: str
    resource: str
    handler: SlHandler
    scopes: tuple[str, ...] = ()
    """Any one of these access scopes admits the call; empty when the reference names none."""
    pattern: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        self.pattern = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+?)", self.resource) + "$")


def resolve(routes: list[SlRoute], method: str, resource: str) -> tuple[SlRoute, dict[str, str]]:
    wrong_method = False
    for route in routes:
        match = route.pattern.match(resource)
        if match is None:
            continue
        if route.method != method:
            wrong_method = True
            continue
        return route, match.groupdict()
    if wrong_method:
        raise ShoplineError(405, "Method Not Allowed")
    raise ShoplineError(404, "Not Found")


def reply(
    state: ShoplineState, payload: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    all_headers = {"traceId": state.trace_id(), **(headers or {})}
    return web.Response(
        body=json.dumps(payload).encode(), status=status, content_type="application/json", headers=all_headers
    )


def error_reply(state: ShoplineState, exc: ShoplineError) -> web.Response:
    return reply(state, {"errors": exc.errors}, exc.status)


def drop_connection(request: web.Request) -> web.Response:
    if request.transport is not None:
        request.transport.abort()
    return web.Response(status=500)


def make_rest_dispatcher(
    state: ShoplineState, routes: list[SlRoute], faults: FaultInjector
) -> RequestHandler:
    async def dispatch(request: web.Request) -> web.StreamResponse:
        try:
            return await _dispatch(request)
        except ShoplineError as exc:
            return error_reply(state, exc)

    async def _dispatch(request: web.Request) -> web.StreamResponse:
        handle = request.match_info["handle"]
        version = request.match_info["version"]
        resource = request.match_info["resource"]
        store = state.stores.get(handle)
        if store is None or version not in API_VERSIONS:
            raise ShoplineError(404, "Not Found")
        route, params = resolve(routes, request.method, resource)
        token = state.auth.authenticate(handle, request.headers.get("Authorization"))
        if route.scopes and not set(route.scopes) & set(token.scopes):
            raise ShoplineError(403, scope_not_granted(route.scopes[0]))
        if not state.limiter.try_acquire((state.app.app_key, handle)):
            raise ShoplineError(429, TOO_MANY_REQUESTS)
        body = await request.read()
        # Every request, GET included, must say `Content-Type: application/json; charset=utf-8`;
        # a missing or wrong one is a 400 (reference A4, A6, B4a).
        media_type = request.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if media_type != "application/json":
            raise ShoplineError(400, "Content-Type must be application/json.")
        decision = faults.decide("shopline", request.method, f"/admin/openapi/{version}/{resource}")
        if decision.latency_s:
            await asyncio.sleep(decision.latency_s)
        rule = decision.terminal
        if rule is not None:
            if rule.kind == "rate_limit":
                raise ShoplineError(429, TOO_MANY_REQUESTS)
            if rule.kind == "error":
                raise ShoplineError(rule.status or 500, "Internal Server Error")
            if rule.kind == "reset":
                return drop_connection(request)
        result = await route.handler(SlCall(request, state, store, version, params, body))
        if rule is not None and rule.kind == "lost_response":
            if rule.status:
                raise ShoplineError(rule.status, "Internal Server Error")
            return drop_connection(request)
        return reply(state, result.payload, result.status, result.headers)

    return dispatch
