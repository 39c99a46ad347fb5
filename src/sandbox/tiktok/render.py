"""JSON shapes of TikTok resources (reference §3), built from the compact records on read."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from sandbox.money import add_amounts, format_amount
from sandbox.tiktok import recipients
from sandbox.tiktok.models import Cancellation, Order, Product, Shop, ShopData, Sku
from sandbox.tiktok.render_logistics import order_shipping_fields

_LINE_DISPLAY_STATUS = {"ON_HOLD": "AWAITING_SHIPMENT", "PARTIALLY_SHIPPING": "AWAITING_SHIPMENT"}


def shop_summary(shop: Shop) -> dict[str, Any]:
    return {
        "cipher": shop.cipher,
        "code": shop.code,
        "id": shop.id,
        "name": shop.name,
        "region": shop.region,
        "seller_type": shop.seller_type,
    }


def sku_json(shop: Shop, sku: Sku, *, detail: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": sku.id,
        "seller_sku": sku.seller_sku,
        "price": {
            "currency": shop.currency,
            "sale_price": sku.sale_price,
            "tax_exclusive_price": sku.sale_price,
        },
        "inventory": [{"quantity": qty, "warehouse_id": wid} for wid, qty in sku.inventory.items()],
    }
    if detail:
        body["sales_attributes"] = [
            {
                "id": "100000",
                "name": "Color",
                "value_id": str(100_000 + sum(map(ord, sku.color))),
                "value_name": sku.color,
            }
        ]
        body["status_info"] = {"status": "NORMAL"}
        body["external_sku_id"] = ""
    return body


def product_json(shop: Shop, data: ShopData, product: Product, *, detail: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": product.id,
        "title": product.title,
        "status": product.status,
        "create_time": product.create_time,
        "update_time": product.update_time,
        "sales_regions": [shop.region],
        "is_not_for_sale": False,
        "skus": [sku_json(shop, data.skus[sku_id], detail=detail) for sku_id in product.sku_ids],
    }
    if detail:
        body["description"] = f"<p>{product.title}</p>"
        body["audit"] = {"status": "APPROVED"}
        body["category_chains"] = [
            {"id": "600001", "is_leaf": True, "local_name": "Home Supplies", "parent_id": "0"}
        ]
        body["is_cod_allowed"] = False
        body["package_weight"] = {"unit": "KILOGRAM", "value": "0.5"}
    return body


def order_json(shop: Shop, data: ShopData, order: Order) -> dict[str, Any]:
    currency = shop.currency
    lines = []
    line_status = _LINE_DISPLAY_STATUS.get(order.status, order.status)
    shipping, line_shipping = order_shipping_fields(shop, data, order)
    for i, (sku_id, price) in enumerate(zip(order.unit_sku_ids, order.unit_prices, strict=True)):
        sku = data.skus[sku_id]
        product = data.products[sku.product_id]
        line: dict[str, Any] = {
            "id": str(int(order.id) + 1 + i),
            "sku_id": sku_id,
            "product_id": sku.product_id,
            "product_name": product.title,
            "sku_name": sku.color,
            "seller_sku": sku.seller_sku,
            "currency": currency,
            "original_price": price,
            "sale_price": price,
            "seller_discount": format_amount(Decimal(0), currency),
            "platform_discount": format_amount(Decimal(0), currency),
            "display_status": line_status,
            "is_gift": False,
            **line_shipping[i],
        }
        if order.status == "CANCELLED":
            line["cancel_user"] = order.cancellation_initiator or "SYSTEM"
            line["cancel_reason"] = order.cancel_reason or ""
        lines.append(line)
    subtotal = add_amounts(list(order.unit_prices), currency)
    zero = format_amount(Decimal(0), currency)
    body: dict[str, Any] = {
        "id": order.id,
        "status": order.status,
        "create_time": order.create_time,
        "update_time": order.update_time,
        "user_id": order.buyer_user_id,
        "payment": {
            "currency": currency,
            "original_total_product_price": subtotal,
            "seller_discount": zero,
            "platform_discount": zero,
            "sub_total": subtotal,
            "shipping_fee": order.shipping_fee,
            "original_shipping_fee": order.shipping_fee,
            "tax": zero,
            "total_amount": add_amounts([subtotal, order.shipping_fee], currency),
        },
        "line_items": lines,
        "order_type": "NORMAL",
        **shipping,
        "warehouse_id": order.warehouse_id,
        "is_cod": False,
        "is_on_hold_order": order.status == "ON_HOLD",
        "is_sample_order": False,
        "is_replacement_order": False,
        "is_buyer_request_cancel": order.is_buyer_request_cancel,
        "commerce_platform": "TIKTOK_SHOP",
    }
    if order.paid_time is not None:
        body["paid_time"] = order.paid_time
    if order.request_cancel_time is not None:
        body["request_cancel_time"] = order.request_cancel_time
    if order.status == "CANCELLED":
        body["cancellation_initiator"] = order.cancellation_initiator or "SYSTEM"
        body["cancel_reason"] = order.cancel_reason or ""
        body["cancel_time"] = order.cancel_time or order.update_time
    body["fulfillment_type"] = order.fulfillment_type
    body["buyer_message"] = order.buyer_message
    body["has_updated_recipient_address"] = order.has_updated_recipient_address
    if order.status not in recipients.HIDDEN_WHILE:
        body["buyer_email"] = recipients.buyer_email(order)
        # Desensitized under TikTok's logistics (TikTok shipping, or TikTok fulfills it).
        masked = shipping.get("shipping_type") != "SELLER"
        body["recipient_address"] = recipients.recipient_address(shop, order, masked=masked)
    return body


def quantity_by_sku(order: Order) -> Counter[str]:
    return Counter(order.unit_sku_ids)


def cancellation_json(shop: Shop, data: ShopData, cancellation: Cancellation) -> dict[str, Any]:
    order = data.orders[cancellation.order_id]
    currency = shop.currency
    subtotal = add_amounts(list(order.unit_prices), currency)
    body: dict[str, Any] = {
        "cancel_id": cancellation.id,
        "order_id": cancellation.order_id,
        "cancel_type": cancellation.cancel_type,
        "cancel_status": cancellation.status,
        "role": cancellation.role,
        "cancel_reason": cancellation.reason,
        "cancel_reason_text": cancellation.reason_text,
        "create_time": cancellation.create_time,
        "update_time": cancellation.update_time,
        "refund_amount": {
            "currency": currency,
            "refund_total": add_amounts([subtotal, order.shipping_fee], currency),
            "refund_subtotal": subtotal,
            "refund_shipping_fee": order.shipping_fee,
            "refund_tax": format_amount(Decimal(0), currency),
        },
        "cancel_line_items": [
            {
                "cancel_line_item_id": str(int(cancellation.id) * 10 + i),
                "order_line_item_id": str(int(order.id) + 1 + i),
                "sku_id": sku_id,
                "seller_sku": data.skus[sku_id].seller_sku,
                "product_name": data.products[data.skus[sku_id].product_id].title,
                "sku_name": data.skus[sku_id].color,
            }
            for i, sku_id in enumerate(order.unit_sku_ids)
        ],
    }
    if cancellation.status == "CANCELLATION_REQUEST_PENDING" and cancellation.deadline:
        body["seller_next_action_response"] = [
            {"action": "SELLER_RESPOND_BUYER_CANCEL", "deadline": cancellation.deadline}
        ]
    return body
