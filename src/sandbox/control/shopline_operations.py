"""Control of the SHOPLINE simulator: stores, installation, variants, inventory and store orders."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from sandbox.control.base import ControlBase
from sandbox.datagen import DatasetSpec, resolve_spec
from sandbox.shopline import events as shopline_events
from sandbox.shopline import models as shopline_models
from sandbox.shopline.auth import DEFAULT_SCOPES as SHOPLINE_SCOPES
from sandbox.shopline.render import order_json, variant_json
from sandbox.shopline.routes_customers import customer_json
from sandbox.shopline.routes_orders import cancel as cancel_order
from sandbox.signing import shopline_get_sign


class ShoplineControl(ControlBase):
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
                "merchant_id": store.id,
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
        shopline_events.level_updated(self.shopline, store, *key)
        return available

    def set_variant_price(self, handle: str, variant_id: str, price: str) -> str:
        store = self.shopline.store(handle)
        variant = store.variants[variant_id]
        variant.price, variant.updated_at = price, self.clock.now_s()
        store.products[variant.product_id].updated_at = variant.updated_at
        self.shopline.touch(handle)
        shopline_events.product_updated(self.shopline, store, variant.product_id)
        return price

    def set_variant_sku(self, handle: str, variant_id: str, sku: str) -> str:
        store = self.shopline.store(handle)
        variant = store.variants[variant_id]
        variant.sku, variant.updated_at = sku, self.clock.now_s()
        store.products[variant.product_id].updated_at = variant.updated_at
        self.shopline.touch(handle)
        shopline_events.product_updated(self.shopline, store, variant.product_id)
        return sku

    def delete_shopline_product(self, handle: str, product_id: str) -> None:
        """The merchant deletes a product with its variants and their inventory levels."""
        store = self.shopline.store(handle)
        product = store.products.pop(product_id)
        for variant_id in product.variant_ids:
            variant = store.variants.pop(variant_id)
            store.variant_by_item.pop(variant.inventory_item_id, None)
            for key in [key for key in store.levels if key[0] == variant.inventory_item_id]:
                del store.levels[key]
                store.level_updated.pop(key, None)
        self.shopline.touch(handle)
        shopline_events.emit(self.shopline, store, "products/delete", {"id": product_id})

    def emit_redact(
        self, handle: str, topic: str = "customers/redact", customer_ids: list[str] | None = None
    ) -> int:
        """A GDPR request: `customers/redact` names customers, `merchants/redact` the whole store."""
        if topic not in ("customers/redact", "merchants/redact"):
            raise ValueError("topic must be customers/redact or merchants/redact")
        store = self.shopline.store(handle)
        payload: dict[str, Any] = {"store_id": store.id, "handle": handle}
        if topic == "customers/redact":
            ids = customer_ids or []
            payload["customers"] = [{"id": customer_id} for customer_id in ids]
            payload["orders_to_redact"] = [
                order.id
                for order in store.orders.values()
                if order.payload.get("customer", {}).get("id") in ids
            ]
        return len(shopline_events.emit(self.shopline, store, topic, payload))

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
                    shopline_models.line_item_id(order_id, n),
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
        rendered = order_json(store, order)
        shopline_events.emit(self.shopline, store, "orders/create", rendered)
        if cancelled:
            shopline_events.emit(self.shopline, store, "orders/cancelled", rendered)
        return rendered

    def create_store_customer(
        self,
        handle: str,
        *,
        email: str | None = None,
        phone: str | None = None,
        first_name: str = "",
        last_name: str = "",
    ) -> dict[str, Any]:
        """A customer the store has already (a web shopper signed up), unchecked."""
        store = self.shopline.store(handle)
        now = self.clock.now_s()
        customer = shopline_models.Customer(
            f"42{len(store.customers) + 1:08d}", email, phone, first_name, last_name, "", "", now, now
        )
        store.customers[customer.id] = customer
        self.shopline.touch(handle)
        return customer_json(customer)

    def update_store_customer(
        self, handle: str, customer_id: str, *, email: str | None = None, phone: str | None = None
    ) -> dict[str, Any]:
        """The merchant edits a customer's email or phone in the admin."""
        store = self.shopline.store(handle)
        customer = store.customers[customer_id]
        if email is not None:
            customer.email = email or None
        if phone is not None:
            customer.phone = phone or None
        customer.updated_at = self.clock.now_s()
        self.shopline.touch(handle)
        return customer_json(customer)

    def cancel_store_order_in_admin(
        self, handle: str, order_id: str, *, restock: bool = True, reason: str = "customer"
    ) -> dict[str, Any]:
        """The merchant presses Cancel on an order in the SHOPLINE admin: the order is cancelled
        (restocking its decremented units when asked, each level announced) and `orders/cancelled`
        goes out with the order, signed as every delivery (reference B6, S6)."""
        store = self.shopline.store(handle)
        order = store.orders.get(str(order_id))
        if order is None:
            raise KeyError(f"unknown SHOPLINE order {order_id} in store {handle}")
        cancel_order(self.shopline, store, order, restock, reason)
        rendered = order_json(store, order)
        shopline_events.emit(self.shopline, store, "orders/cancelled", rendered)
        return rendered


def _authorize_query(authorization_url: str) -> dict[str, str]:
    """The parameters of `.../admin/oauth-web/#/oauth/authorize?...`: they sit in the fragment."""
    fragment = urlsplit(authorization_url).fragment
    return dict(parse_qsl(fragment.partition("?")[2]))
