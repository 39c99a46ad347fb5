"""Control of the TikTok Shop simulator: shops, grants and tokens, catalog, orders and cancellations."""

from __future__ import annotations

from typing import Any

from sandbox.control.base import ControlBase
from sandbox.tiktok import events as tiktok_events
from sandbox.tiktok import operations, recipients
from sandbox.tiktok.models import Product, Sku
from sandbox.tiktok.render import shop_summary

# TikTok documents no event for every stock or price edit (type 27 fires only on low stock), so the
# sandbox reports a seller's SKU edits as type 15, which makes a receiver read the product again.
SKU_EDIT_FIELDS = ["skus"]


class TikTokControl(ControlBase):
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

    def warn_authorization_expiry(self, shop_id: str, days_left: int = 30) -> bool:
        """Type 7, as TikTok sends it 30 days before the authorization ends and then daily."""
        expires_at = self.clock.now_s() + days_left * 86_400
        return (
            tiktok_events.emit(
                self.tiktok,
                self.dispatcher,
                shop_id,
                7,
                {
                    "message": f"The authorization of shop {shop_id} expires in {days_left} days.",
                    "expiration_time": str(expires_at),
                },
            )
            is not None
        )

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
        self._emit_sku_edit(shop_id, sku.product_id)
        return dict(sku.inventory)

    def set_price(self, shop_id: str, sku_id: str, amount: str) -> str:
        data = self.tiktok.data(shop_id)
        sku = data.skus[sku_id]
        sku.sale_price = amount
        data.products[sku.product_id].update_time = self.clock.now_s()
        self.tiktok.touch(shop_id)
        self._emit_sku_edit(shop_id, sku.product_id)
        return amount

    def _emit_sku_edit(self, shop_id: str, product_id: str) -> None:
        tiktok_events.emit(
            self.tiktok,
            self.dispatcher,
            shop_id,
            15,
            {
                "product_id": int(product_id),
                "changed_fields": SKU_EDIT_FIELDS,
                "update_time": self.clock.now_s(),
            },
        )

    def create_product(
        self,
        shop_id: str,
        seller_skus: list[str],
        price: str = "10.00",
        quantity: int = 0,
        title: str = "Sandbox product",
    ) -> dict[str, Any]:
        """A product the seller lists in Seller Center, active at once, one SKU per seller SKU."""
        shop, data = self.tiktok.shop(shop_id), self.tiktok.data(shop_id)
        if not seller_skus:
            raise ValueError("a product needs at least one seller SKU")
        newest = max((int(p) for p in data.products), default=1_729_000_000_000_000_000)
        product_id, now = str(newest + 64), self.clock.now_s()
        product = Product(product_id, title, "ACTIVATE", now, now, [])
        for n, seller_sku in enumerate(seller_skus):
            sku_id = str(int(product_id) + 1 + n)
            inventory = dict.fromkeys(shop.warehouse_ids, quantity)
            data.skus[sku_id] = Sku(sku_id, product_id, seller_sku, price, "Black", inventory)
            product.sku_ids.append(sku_id)
        data.products[product_id] = product
        self.tiktok.touch(shop_id)
        tiktok_events.emit(
            self.tiktok,
            self.dispatcher,
            shop_id,
            16,
            {"product_id": int(product_id), "product_type": ["NORMAL"], "update_time": now},
        )
        return {"id": product_id, "sku_ids": list(product.sku_ids)}

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
        fulfillment_type: str = "FULFILLMENT_BY_SELLER",
        buyer_message: str = "",
    ) -> dict[str, Any]:
        if not lines:
            sku = self.sample_skus(shop_id, 1, active_only=True)[0]
            lines = [(sku["id"], 1)]
        if fulfillment_type not in recipients.FULFILLMENT_TYPES:
            raise ValueError(f"fulfillment_type must be one of {sorted(recipients.FULFILLMENT_TYPES)}")
        parsed = [(str(sku_id), int(qty)) for sku_id, qty in lines]
        # Set before the order is announced, so its first read already shows them.
        order = operations.create_order(
            self.tiktok,
            self.dispatcher,
            shop_id,
            parsed,
            status,
            buyer_user_id,
            fulfillment_type=fulfillment_type,
            buyer_message=buyer_message,
        )
        return operations.order_summary(order)

    def change_recipient_address(self, shop_id: str, order_id: str, **address: str) -> dict[str, Any]:
        """The buyer changes the shipping address (fields: ``recipients.ADDRESS_FIELDS``); TikTok
        sets ``has_updated_recipient_address`` and sends webhook 3."""
        order = self.tiktok.data(shop_id).orders.get(order_id)
        if order is None:
            raise KeyError(f"unknown order {order_id} in shop {shop_id}")
        recipients.change_recipient_address(self.tiktok, self.dispatcher, shop_id, order, address)
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
