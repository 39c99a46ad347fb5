"""Control of TikTok shipping: how an order ships, its packages, and the carrier's scans."""

from __future__ import annotations

from typing import Any

from sandbox.control.base import ControlBase
from sandbox.tiktok import logistics
from sandbox.tiktok.packages import packages_of, scan_package, shipped_lines
from sandbox.tiktok.render_logistics import package_json

_MEDIA_TYPES = {"pdf": "application/pdf", "png": "image/png", "zpl": "text/plain"}


def document_media_type(name: str) -> str:
    return _MEDIA_TYPES.get(name.rsplit(".", 1)[-1], "application/octet-stream")


def document_bytes(package_id: str, name: str) -> bytes:
    """A stand-in label naming the package and the document type."""
    kind = name.rsplit(".", 1)[-1]
    text = f"{name.rsplit('.', 1)[0]} for package {package_id}"
    if kind == "zpl":
        return f"^XA^FO50,50^A0N,40,40^FD{text}^FS^XZ".encode()
    if kind == "png":
        return b"\x89PNG\r\n\x1a\n" + text.encode()
    return f"%PDF-1.4\n% {text}\n%%EOF\n".encode()


class TikTokShippingControl(ControlBase):
    def set_order_logistics(
        self,
        shop_id: str,
        order_id: str,
        shipping_type: str | None = None,
        fulfillment_type: str | None = None,
        delivery_option_id: str | None = None,
    ) -> dict[str, Any]:
        """Who ships the order and with which delivery option; only before anything shipped.
        A seller-shipping order gets the warehouse's ``SEND_BY_SELLER`` option unless told."""
        shop, data = self.tiktok.shop(shop_id), self.tiktok.data(shop_id)
        order = data.orders[order_id]
        if shipped_lines(packages_of(shop, data, order)):
            raise ValueError(f"order {order_id} has shipped packages; its logistics are fixed")
        if shipping_type is not None and shipping_type not in logistics.SHIPPING_TYPES:
            raise ValueError(f"shipping_type must be one of {sorted(logistics.SHIPPING_TYPES)}")
        if fulfillment_type is not None and fulfillment_type not in logistics.FULFILLMENT_TYPES:
            raise ValueError(f"fulfillment_type must be one of {sorted(logistics.FULFILLMENT_TYPES)}")
        if delivery_option_id is not None:
            option = logistics.find_option(shop, delivery_option_id)
            if option is None:
                raise ValueError(f"{delivery_option_id} is not a delivery option of shop {shop_id}")
            if shipping_type is not None and option.fulfilled_by_tiktok != (
                shipping_type == logistics.TIKTOK
            ):
                raise ValueError("the delivery option does not match the shipping type")
            shipping_type = logistics.TIKTOK if option.fulfilled_by_tiktok else logistics.SELLER
        order.shipping_type = shipping_type or order.shipping_type
        order.fulfillment_type = fulfillment_type or order.fulfillment_type
        order.delivery_option_id = delivery_option_id
        # The packages are rebuilt for the new set-up.
        for package_id in data.package_ids_by_order.pop(order_id, []):
            data.packages.pop(package_id, None)
        order.update_time = self.clock.now_s()
        self.tiktok.touch(shop_id)
        return self.tiktok_order_shipping(shop_id, order_id)

    def tiktok_order_shipping(self, shop_id: str, order_id: str) -> dict[str, Any]:
        """The order's status, shipping facts and packages as the API shows them."""
        shop, data = self.tiktok.shop(shop_id), self.tiktok.data(shop_id)
        order = data.orders[order_id]
        option = logistics.delivery_option(shop, order)
        return {
            "order_id": order.id,
            "status": order.status,
            "region": shop.region,
            "fulfillment_type": order.fulfillment_type,
            "shipping_type": logistics.shipping_type(shop, order),
            "delivery_option_id": option.id,
            "warehouse_id": order.warehouse_id,
            "line_item_ids": [str(int(order.id) + 1 + i) for i in range(len(order.unit_sku_ids))],
            "packages": [package_json(shop, data, p) for p in packages_of(shop, data, order)],
        }

    def scan_tiktok_package(
        self, shop_id: str, package_id: str, status: str = "IN_TRANSIT"
    ) -> dict[str, Any]:
        """The carrier scans a shipped package: ``IN_TRANSIT`` (collected) or ``DELIVERED``; the
        order follows once every package got there, with TikTok's type 1 webhooks."""
        shop = self.tiktok.shop(shop_id)
        package = scan_package(self.tiktok, self.dispatcher, shop, package_id, status)
        return package_json(shop, self.tiktok.data(shop_id), package)
