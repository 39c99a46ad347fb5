"""aiohttp application of the SHOPLINE simulator.

The real store URL is `https://{handle}.myshopline.com`; on loopback the handle moves into a path
prefix, so clients use the URL template `http://127.0.0.1:{port}/stores/{handle}` and append
`/admin/openapi/{version}/...` or `/admin/oauth/token/...` exactly as they would to the real host.
"""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from sandbox.faults import FaultInjector
from sandbox.shopline import (
    routes_catalog,
    routes_customers,
    routes_fulfillments,
    routes_orders,
    routes_refunds,
    routes_webhooks,
)
from sandbox.shopline.gateway import make_rest_dispatcher
from sandbox.shopline.routes_oauth import make_oauth_handler
from sandbox.shopline.state import ShoplineState

REST_ROUTES = (
    routes_catalog.ROUTES
    + routes_fulfillments.ROUTES
    + routes_orders.ROUTES
    + routes_customers.ROUTES
    + routes_refunds.ROUTES
    + routes_webhooks.ROUTES
)


def build_app(
    state: ShoplineState,
    faults: FaultInjector,
    add_control_routes: Callable[[web.Application], None] | None = None,
) -> web.Application:
    app = web.Application(client_max_size=8 * 1024 * 1024)
    if add_control_routes is not None:
        add_control_routes(app)
    app.router.add_post(
        "/stores/{handle}/admin/oauth/token/create", make_oauth_handler(state, faults, "create")
    )
    app.router.add_post(
        "/stores/{handle}/admin/oauth/token/refresh", make_oauth_handler(state, faults, "refresh")
    )
    app.router.add_route(
        "*",
        "/stores/{handle}/admin/openapi/{version}/{resource:.+}",
        make_rest_dispatcher(state, REST_ROUTES, faults),
    )
    return app
