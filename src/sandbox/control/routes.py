"""The control operations over HTTP: `POST /_sandbox/{operation}`, `GET /_sandbox/state`, consent."""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from sandbox.control.facade import SandboxControl
from sandbox.control.tiktok_shipping import document_bytes, document_media_type

# Operations reachable through POST /_sandbox/{operation}.
HTTP_OPERATIONS = (
    "create_shop",
    "shops",
    "grant_authorization",
    "reauthorize",
    "revoke_grant",
    "expire_tokens",
    "set_stock",
    "set_price",
    "set_product_status",
    "set_order_status",
    "create_order",
    "change_recipient_address",
    "request_buyer_cancellation",
    "complete_cancellations",
    "sample_orders",
    "sample_skus",
    "set_rate_limit",
    "add_fault",
    "clear_faults",
    "faults",
    "configure_webhooks",
    "emit_tiktok_webhook",
    "emit_shopline_webhook",
    "deliver_webhooks",
    "webhook_log",
    "add_webhook_fault",
    "clear_webhook_faults",
    "release_webhooks",
    "warn_authorization_expiry",
    "create_product",
    "advance_clock",
    "set_clock",
    "now",
    "create_store",
    "install_shopline",
    "shopline_install_request",
    "set_shopline_inventory",
    "set_variant_price",
    "set_variant_sku",
    "delete_shopline_product",
    "emit_redact",
    "expire_shopline_tokens",
    "shopline_variants",
    "shopline_orders",
    "create_store_order",
    "cancel_store_order_in_admin",
    "create_store_customer",
    "update_store_customer",
    "uninstall_shopline",
    "configure_tiktok_redirect",
    "set_order_logistics",
    "tiktok_order_shipping",
    "scan_tiktok_package",
    "fulfill_shopline_order",
    "update_shopline_fulfillment_tracking",
    "cancel_shopline_fulfillment",
    "set_shopline_shipment_status",
    "open_return",
    "move_return",
    "tiktok_return",
    "shopline_refunds",
)


def _json(payload: Any, status: int = 200) -> web.Response:
    return web.Response(
        body=json.dumps(payload, default=str).encode(), status=status, content_type="application/json"
    )


def control_routes(
    control: SandboxControl, *, consent_page: bool = False
) -> Callable[[web.Application], None]:
    """Installs `/_sandbox/...` (and, on the TikTok auth host, the `/open/authorize` consent page)."""

    async def run_operation(request: web.Request) -> web.Response:
        name = request.match_info["operation"]
        if name not in HTTP_OPERATIONS:
            return _json({"error": f"unknown operation {name!r}", "operations": list(HTTP_OPERATIONS)}, 404)
        try:
            kwargs = await request.json() if await request.read() else {}
            result = getattr(control, name)(**kwargs)
            if inspect.isawaitable(result):
                result = await result
        except (TypeError, ValueError, KeyError) as exc:
            return _json({"error": f"{type(exc).__name__}: {exc}"}, 400)
        except Exception as exc:  # an operation broke a rule (e.g. an illegal order transition)
            return _json({"error": f"{type(exc).__name__}: {exc}"}, 409)
        return _json({"result": result})

    async def shipping_document(request: web.Request) -> web.Response:
        """The file behind a TikTok `doc_url` (T3.10), until the URL expires (24 hours)."""
        package_id, name = request.match_info["package_id"], request.match_info["name"]
        try:
            expires = int(request.query.get("expires", ""))
        except ValueError:
            return _json({"error": "the document URL is incomplete"}, 400)
        if control.clock.now_s() > expires:
            return _json({"error": "the document URL has expired"}, 403)
        return web.Response(body=document_bytes(package_id, name), content_type=document_media_type(name))

    async def get_state(_request: web.Request) -> web.Response:
        return _json(control.state())

    async def consent(request: web.Request) -> web.StreamResponse:
        """A seller's consent screen that approves at once for every shop (or `shop_ids`)."""
        if request.query.get("service_id") != control.tiktok.app.service_id:
            return _json({"error": "unknown service_id"}, 400)
        shop_ids = [s for s in request.query.get("shop_ids", "").split(",") if s] or None
        granted = control.grant_authorization(shop_ids)
        params = {
            "app_key": control.tiktok.app.app_key,
            "code": granted["code"],
            "locale": "en",
            "shop_region": granted["shop_region"],
        }
        if "state" in request.query:
            params["state"] = request.query["state"]
        if control.tiktok_redirect_url:
            raise web.HTTPFound(f"{control.tiktok_redirect_url}?{urlencode(params)}")
        return _json({"result": params})

    def install(app: web.Application) -> None:
        app.router.add_post("/_sandbox/{operation}", run_operation)
        app.router.add_get("/_sandbox/state", get_state)
        app.router.add_get("/_sandbox/documents/{package_id}/{name}", shipping_document)
        if consent_page:
            app.router.add_get("/open/authorize", consent)

    return install
