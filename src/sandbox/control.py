"""Test and demo control of both simulators.

`SandboxControl` is the in-process API. The same operations are served over HTTP on every
simulator port as `POST /_sandbox/{operation}` with the keyword arguments as a JSON object
(answer `{"result": ...}`), and `GET /_sandbox/state` for a summary, for out-of-process use.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from aiohttp import web

from sandbox.clock import SandboxClock
from sandbox.datagen import DatasetSpec, resolve_spec
from sandbox.faults import FaultInjector, FaultRule
from sandbox.shopline import events as shopline_events
from sandbox.shopline import models as shopline_models
from sandbox.shopline.auth import DEFAULT_SCOPES as SHOPLINE_SCOPES
from sandbox.shopline.render import order_json, variant_json
from sandbox.shopline.state import ShoplineState
from sandbox.signing import shopline_get_sign
from sandbox.tiktok import events as tiktok_events
from sandbox.tiktok import operations
from sandbox.tiktok.render import shop_summary
from sandbox.tiktok.state import TikTokState
from sandbox.webhooks import WebhookDispatcher

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
    "advance_clock",
    "set_clock",
    "now",
    "create_store",
    "install_shopline",
    "shopline_install_request",
    "set_shopline_inventory",
    "set_variant_price",
    "expire_shopline_tokens",
    "shopline_variants",
    "shopline_orders",
    "create_store_order",
    "uninstall_shopline",
    "configure_tiktok_redirect",
)


class SandboxControl:
    def __init__(
        self,
        clock: SandboxClock,
        tiktok: TikTokState,
        shopline: ShoplineState,
        faults: FaultInjector,
        dispatcher: WebhookDispatcher,
    ) -> None:
        self.clock = clock
        self.tiktok = tiktok
        self.shopline = shopline
        self.fault_injector = faults
        self.dispatcher = dispatcher
        self.tiktok_redirect_url: str | None = None

    # ------------------------------------------------------------------ TikTok shops and grants

    def create_shop(
        self,
        region: str,
        name: str | None = None,
        *,
        products: int | None = None,
        orders: int | None = None,
        warehouses: int = 1,
        shop_id: str | None = None,
        cipher: str | None = None,
    ) -> dict[str, Any]:
        shop = self.tiktok.create_shop(
            region,
            name,
            products=products,
            orders=orders,
            warehouses=warehouses,
            shop_id=shop_id,
            cipher=cipher,
        )
        return {**shop_summary(shop), "currency": shop.currency, "warehouse_ids": list(shop.warehouse_ids)}

    def shops(self) -> list[dict[str, Any]]:
        return [
            {**shop_summary(s), "currency": s.currency, "warehouse_ids": list(s.warehouse_ids)}
            for s in self.tiktok.shops.values()
        ]

    def grant_authorization(
        self, shop_ids: list[str] | None = None, seller_name: str = "Sandbox Seller"
    ) -> dict[str, Any]:
        """The seller consents for `shop_ids` (default: every shop); returns a fresh auth code."""
        ids = tuple(shop_ids) if shop_ids else tuple(self.tiktok.shops)
        for shop_id in ids:
            self.tiktok.shop(shop_id)
        region = self.tiktok.shops[ids[0]].region if ids else "US"
        grant, code = self.tiktok.auth.grant(ids, seller_name, region)
        return {
            "code": code,
            "grant_id": grant.id,
            "open_id": grant.open_id,
            "shop_ids": list(ids),
            "shop_region": region,
            "app_key": self.tiktok.app.app_key,
        }

    def reauthorize(self, grant_id: str) -> dict[str, Any]:
        return {"code": self.tiktok.auth.issue_code(grant_id), "grant_id": grant_id}

    def configure_tiktok_redirect(self, url: str | None) -> str | None:
        """The redirect URL registered for the app; the consent page sends the seller there."""
        self.tiktok_redirect_url = url or None
        return self.tiktok_redirect_url

    def revoke_grant(self, shop_id: str | None = None, grant_id: str | None = None) -> list[str]:
        revoked = self.tiktok.auth.revoke(shop_id=shop_id, grant_id=grant_id)
        for gid in revoked:
            for sid in self.tiktok.auth.grants[gid].shop_ids:
                tiktok_events.emit(
                    self.tiktok,
                    self.dispatcher,
                    sid,
                    6,
                    {"message": f"Shop_id {sid} is deauthorized from your APP by merchant."},
                )
        return revoked

    def expire_tokens(self, shop_id: str | None = None, *, refresh: bool = False) -> int:
        """Make TikTok access tokens (and refresh tokens too, with `refresh`) expired now."""
        count = self.tiktok.auth.expire_access_tokens(shop_id)
        if refresh:
            count += self.tiktok.auth.expire_refresh_tokens(shop_id)
        return count

    # ------------------------------------------------------------------ TikTok catalog and orders

    def set_stock(
        self, shop_id: str, sku_id: str, quantity: int, warehouse_id: str | None = None
    ) -> dict[str, int]:
        sku = self.tiktok.data(shop_id).skus[sku_id]
        for wid in [warehouse_id] if warehouse_id else list(sku.inventory):
            if wid not in sku.inventory:
                raise KeyError(f"warehouse {wid} is not a warehouse of SKU {sku_id}")
            sku.inventory[wid] = quantity
        self.tiktok.touch(shop_id)
        return dict(sku.inventory)

    def set_price(self, shop_id: str, sku_id: str, amount: str) -> str:
        data = self.tiktok.data(shop_id)
        sku = data.skus[sku_id]
        sku.sale_price = amount
        data.products[sku.product_id].update_time = self.clock.now_s()
        self.tiktok.touch(shop_id)
        return amount

    def set_product_status(self, shop_id: str, product_id: str, status: str) -> str:
        product = self.tiktok.data(shop_id).products[product_id]
        product.status, product.update_time = status, self.clock.now_s()
        self.tiktok.touch(shop_id)
        tiktok_events.emit(
            self.tiktok,
            self.dispatcher,
            shop_id,
            5,
            {
                "product_id": int(product_id),
                "status": "PRODUCT_STATUS_CHANGED",
                "update_time": product.update_time,
            },
        )
        return status

    def set_order_status(
        self, shop_id: str, order_id: str, status: str, force: bool = False
    ) -> dict[str, Any]:
        order = operations.set_order_status(
            self.tiktok, self.dispatcher, shop_id, order_id, status, force=force
        )
        return operations.order_summary(order)

    def create_order(
        self,
        shop_id: str,
        lines: list[tuple[str, int]] | list[list[Any]] | None = None,
        status: str = "UNPAID",
        buyer_user_id: str | None = None,
    ) -> dict[str, Any]:
        if not lines:
            sku = self.sample_skus(shop_id, 1, active_only=True)[0]
            lines = [(sku["id"], 1)]
        parsed = [(str(sku_id), int(qty)) for sku_id, qty in lines]
        order = operations.create_order(self.tiktok, self.dispatcher, shop_id, parsed, status, buyer_user_id)
        return operations.order_summary(order)

    def request_buyer_cancellation(self, shop_id: str, order_id: str) -> dict[str, Any]:
        c = operations.request_buyer_cancellation(self.tiktok, self.dispatcher, shop_id, order_id)
        return {"cancel_id": c.id, "order_id": c.order_id, "cancel_status": c.status}

    def complete_cancellations(self, shop_id: str) -> int:
        return operations.complete_cancellations(self.tiktok, self.dispatcher, shop_id)

    def sample_orders(self, shop_id: str, status: str | None = None, limit: int = 10) -> list[dict[str, Any]]:
        orders = self.tiktok.data(shop_id).orders.values()
        return [operations.order_summary(o) for o in orders if status is None or o.status == status][:limit]

    def sample_skus(
        self, shop_id: str, limit: int = 10, *, active_only: bool = False, multi_warehouse: bool = False
    ) -> list[dict[str, Any]]:
        data = self.tiktok.data(shop_id)
        found = []
        for sku in data.skus.values():
            product = data.products[sku.product_id]
            if active_only and product.status != "ACTIVATE":
                continue
            if multi_warehouse and len(sku.inventory) < 2:
                continue
            found.append(
                {
                    "id": sku.id,
                    "product_id": sku.product_id,
                    "seller_sku": sku.seller_sku,
                    "price": sku.sale_price,
                    "inventory": dict(sku.inventory),
                    "product_status": product.status,
                }
            )
            if len(found) >= limit:
                break
        return found

    # ------------------------------------------------------------------ limits, faults, clock

    def set_rate_limit(self, partner: str, rate: float, burst: int) -> dict[str, Any]:
        """TikTok: token bucket per (app, shop, endpoint). SHOPLINE: leaky bucket per (app, store)."""
        limiter = self.tiktok.limiter if partner == "tiktok" else self.shopline.limiter
        limiter.configure(rate, burst)
        return {"partner": partner, "rate": rate, "burst": burst}

    def add_fault(
        self,
        kind: str,
        service: str = "*",
        pattern: str = "*",
        probability: float = 1.0,
        count: int | None = None,
        latency_s: float = 0.0,
        status: int | None = None,
    ) -> dict[str, Any]:
        rule = FaultRule(kind, service, pattern, probability, count, latency_s, status)  # type: ignore[arg-type]
        return self.fault_injector.add(rule).to_dict()

    def clear_faults(self, rule_id: int | None = None) -> None:
        self.fault_injector.remove(rule_id)

    def faults(self) -> list[dict[str, Any]]:
        return [rule.to_dict() for rule in self.fault_injector.rules]

    def advance_clock(self, seconds: float) -> float:
        return self.clock.advance(seconds)

    def set_clock(self, unix_seconds: float, frozen: bool = False) -> float:
        return self.clock.set(unix_seconds, frozen=frozen)

    def now(self) -> float:
        return self.clock.now()

    # ------------------------------------------------------------------ webhooks

    def configure_webhooks(
        self, tiktok_url: str | None = None, shopline_url: str | None = None, handle: str | None = None
    ) -> dict[str, Any]:
        """App-level receivers: every TikTok event, and every SHOPLINE topic of `handle`."""
        if tiktok_url is not None:
            self.tiktok.webhook_url = tiktok_url or None
        if shopline_url is not None:
            target = handle or next(iter(self.shopline.stores), "")
            if shopline_url:
                self.shopline.webhook_urls[target] = shopline_url
            else:
                self.shopline.webhook_urls.pop(target, None)
        return {"tiktok_url": self.tiktok.webhook_url, "shopline_urls": dict(self.shopline.webhook_urls)}

    def emit_tiktok_webhook(
        self, shop_id: str, type: int, data: dict[str, Any], url: str | None = None
    ) -> bool:
        return tiktok_events.emit(self.tiktok, self.dispatcher, shop_id, int(type), data, url) is not None

    def emit_shopline_webhook(
        self, handle: str, topic: str, payload: dict[str, Any], url: str | None = None
    ) -> int:
        return len(shopline_events.emit(self.shopline, self.shopline.store(handle), topic, payload, url))

    async def deliver_webhooks(self) -> int:
        return await self.dispatcher.pump()

    def webhook_log(self) -> dict[str, Any]:
        return self.dispatcher.summary()

    # ------------------------------------------------------------------ SHOPLINE

    def create_store(self, handle: str, size: str | None = None) -> dict[str, Any]:
        spec: DatasetSpec | None = resolve_spec(size) if size else None
        store = self.shopline.add_store(handle, spec)
        return {
            "handle": store.handle,
            "id": store.id,
            "currency": store.currency,
            "default_location_id": store.default_location_id,
        }

    def install_shopline(
        self,
        handle: str | None = None,
        scopes: list[str] | None = None,
        redirect_uri: str = "http://127.0.0.1/callback",
        custom_field: str | None = None,
        authorization_url: str | None = None,
    ) -> dict[str, Any]:
        """The merchant approves the app: a code (10 minutes) and the signed callback SHOPLINE would call.

        With `authorization_url` (the authorize page the app sent the merchant to) the merchant
        grants exactly its `scope`, and its `redirectUri` and `customField` are used.
        """
        handle = handle or next(iter(self.shopline.stores))
        self.shopline.store(handle)
        if authorization_url is not None:
            asked = _authorize_query(authorization_url)
            if asked.get("appKey") != self.shopline.app.app_key:
                raise ValueError("the authorize URL is not for this app")
            scopes = [scope for scope in asked.get("scope", "").split(",") if scope]
            redirect_uri = asked.get("redirectUri", redirect_uri)
            custom_field = asked.get("customField", custom_field)
        granted = SHOPLINE_SCOPES if scopes is None else tuple(scopes)
        code = self.shopline.auth.issue_code(handle, granted)
        params = {
            "appkey": self.shopline.app.app_key,
            "code": code,
            "handle": handle,
            "timestamp": str(self.clock.now_ms()),
        }
        if custom_field is not None:
            params["customField"] = custom_field
        params["sign"] = shopline_get_sign(params, self.shopline.app.app_secret)
        return {"code": code, "params": params, "callback_url": f"{redirect_uri}?{urlencode(params)}"}

    def shopline_install_request(
        self, handle: str | None = None, app_url: str = "http://127.0.0.1/app", lang: str = "en"
    ) -> dict[str, Any]:
        """The signed GET SHOPLINE sends to the App URL when a merchant installs or opens the app."""
        handle = handle or next(iter(self.shopline.stores))
        params = {
            "appkey": self.shopline.app.app_key,
            "handle": handle,
            "lang": lang,
            "timestamp": str(self.clock.now_ms()),
        }
        params["sign"] = shopline_get_sign(params, self.shopline.app.app_secret)
        return {"params": params, "url": f"{app_url}?{urlencode(params)}"}

    def uninstall_shopline(self, handle: str) -> None:
        store = self.shopline.store(handle)
        self.shopline.auth.uninstall(handle)
        shopline_events.emit(
            self.shopline,
            store,
            "apps/installed_uninstalled",
            {
                "operate": "UNINSTALL",
                "handle": handle,
                "store_id": store.id,
                "appkey": self.shopline.app.app_key,
                "timestamp": self.clock.now_ms(),
            },
        )

    def expire_shopline_tokens(self, handle: str | None = None) -> int:
        return self.shopline.auth.expire(handle)

    def set_shopline_inventory(
        self, handle: str, variant_id: str, available: int, location_id: str | None = None
    ) -> int:
        store = self.shopline.store(handle)
        variant = store.variants[variant_id]
        key = (variant.inventory_item_id, location_id or store.default_location_id)
        store.levels[key] = available
        store.level_updated[key] = self.clock.now_s()
        self.shopline.touch(handle)
        shopline_events.emit(
            self.shopline,
            store,
            "inventory_levels/update",
            {
                "inventory_item_id": key[0],
                "location_id": key[1],
                "available": available,
                "variant_id": variant_id,
            },
        )
        return available

    def set_variant_price(self, handle: str, variant_id: str, price: str) -> str:
        store = self.shopline.store(handle)
        variant = store.variants[variant_id]
        variant.price, variant.updated_at = price, self.clock.now_s()
        store.products[variant.product_id].updated_at = variant.updated_at
        self.shopline.touch(handle)
        return price

    def set_variant_sku(self, handle: str, variant_id: str, sku: str) -> str:
        store = self.shopline.store(handle)
        variant = store.variants[variant_id]
        variant.sku, variant.updated_at = sku, self.clock.now_s()
        store.products[variant.product_id].updated_at = variant.updated_at
        self.shopline.touch(handle)
        return sku

    def set_store_currency(self, handle: str, currency: str) -> str:
        """The store's settlement currency; variant prices keep their amounts."""
        self.shopline.store(handle).currency = currency
        self.shopline.touch(handle)
        return currency

    def shopline_variants(self, handle: str, limit: int = 10, sku: str | None = None) -> list[dict[str, Any]]:
        store = self.shopline.store(handle)
        found = [variant_json(store, v) for v in store.variants.values() if sku is None or v.sku == sku]
        return found[:limit]

    def shopline_orders(self, handle: str) -> list[dict[str, Any]]:
        store = self.shopline.store(handle)
        return [{"id": o.id, "name": o.name, "status": o.status} for o in store.orders.values()]

    def create_store_order(
        self,
        handle: str,
        lines: list[list[Any]],
        *,
        customer_id: str | None = None,
        financial_status: str = "paid",
        created_at: float | None = None,
        cancelled: bool = False,
        currency: str | None = None,
        note_attributes: list[dict[str, str]] | None = None,
        tags: str = "",
    ) -> dict[str, Any]:
        """A web order of the store itself (not through the API): `lines` are
        `[variant_id, quantity]` or `[variant_id, quantity, unit_price, line_discount]`."""
        store = self.shopline.store(handle)
        now = self.clock.now_s()
        created = int(created_at) if created_at is not None else now
        order_id = self.shopline.new_id("21")
        currency = currency or store.currency
        parsed = []
        for n, line in enumerate(lines):
            variant = store.variants[str(line[0])]
            parsed.append(
                shopline_models.OrderLine(
                    f"{order_id[:-3]}{n + 1:03d}",
                    variant.id,
                    variant.product_id,
                    variant.sku,
                    store.products[variant.product_id].title,
                    str(line[2]) if len(line) > 2 else variant.price,
                    int(line[1]),
                    None,
                    False,
                    str(line[3]) if len(line) > 3 else "0",
                )
            )
        payload: dict[str, Any] = {"note_attributes": note_attributes or [], "tags": tags}
        if customer_id is not None:
            payload["customer"] = {"id": customer_id}
        order = shopline_models.Order(
            order_id,
            f"#{store.next_order_number}",
            created,
            max(created, now),
            currency,
            financial_status,
            "unshipped",
            parsed,
            payload,
        )
        if cancelled:
            order.status, order.cancelled_at, order.cancel_reason = "cancelled", order.updated_at, "customer"
        store.next_order_number += 1
        store.orders[order_id] = order
        self.shopline.touch(handle)
        return order_json(store, order)

    # ------------------------------------------------------------------ summary

    def state(self) -> dict[str, Any]:
        return {
            "now": self.clock.now(),
            "tiktok": {
                "app_key": self.tiktok.app.app_key,
                "shops": self.shops(),
                "grants": [
                    {"id": g.id, "shop_ids": list(g.shop_ids), "revoked": g.revoked}
                    for g in self.tiktok.auth.grants.values()
                ],
            },
            "shopline": {
                "stores": [
                    {
                        "handle": s.handle,
                        "id": s.id,
                        "products": len(s.products),
                        "variants": len(s.variants),
                        "orders": len(s.orders),
                    }
                    for s in self.shopline.stores.values()
                ]
            },
            "faults": self.faults(),
        }


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
        if consent_page:
            app.router.add_get("/open/authorize", consent)

    return install


def _authorize_query(authorization_url: str) -> dict[str, str]:
    """The parameters of `.../admin/oauth-web/#/oauth/authorize?...`: they sit in the fragment."""
    fragment = urlsplit(authorization_url).fragment
    return dict(parse_qsl(fragment.partition("?")[2]))
