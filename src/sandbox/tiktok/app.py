"""aiohttp applications of the TikTok simulator: the Open API host and the auth (token) host."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from sandbox.faults import FaultInjector
from sandbox.tiktok import (
    routes_auth,
    routes_fulfillment,
    routes_logistics,
    routes_misc,
    routes_orders,
    routes_products,
    routes_return_requests,
    routes_returns,
    routes_tiktok_shipping,
)
from sandbox.tiktok.gateway import RouteTable, make_dispatcher
from sandbox.tiktok.state import TikTokState

ROUTE_TABLE = RouteTable(
    routes_auth.ROUTES
    + routes_products.ROUTES
    + routes_orders.ROUTES
    + routes_returns.ROUTES
    + routes_return_requests.ROUTES
    + routes_misc.ROUTES
    + routes_fulfillment.ROUTES
    + routes_tiktok_shipping.ROUTES
    + routes_logistics.ROUTES
)

AddRoutes = Callable[[web.Application], None]


def build_api_app(
    state: TikTokState, faults: FaultInjector, add_control_routes: AddRoutes | None = None
) -> web.Application:
    app = web.Application(client_max_size=8 * 1024 * 1024)
    if add_control_routes is not None:
        add_control_routes(app)
    app.router.add_route("*", "/{tail:.*}", make_dispatcher(state, ROUTE_TABLE, faults))
    return app


def build_auth_app(
    state: TikTokState, faults: FaultInjector, add_control_routes: AddRoutes | None = None
) -> web.Application:
    app = web.Application()
    if add_control_routes is not None:
        add_control_routes(app)
    app.router.add_route("*", "/{tail:.*}", routes_auth.make_token_handler(state, faults))
    return app
