"""TikTok JSON → domain values (reference §3, §4).

Ids stay strings (some webhook payloads carry numbers; they are turned into text, never floats),
money becomes `Money` from the decimal strings, times become aware UTC datetimes. Each order line
item is one unit. A payload that does not have the shape we rely on raises `MalformedResponse`,
which the client reports as a partner rejection.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from adapters.tiktok import order_logistics
from adapters.tiktok.malformed import MalformedResponse
from domain.channel import (
    AuthorizedShop,
    BuyerInfo,
    CancellationStatus,
    ChannelProductData,
    ChannelSkuData,
    ItemFailure,
    SalesAttribute,
    TikTokCancellation,
    TikTokLineItem,
    TikTokOrderData,
    Warehouse,
    WarehouseQuantity,
)
from domain.errors import DomainError
from domain.ids import ChannelProductId, ChannelSkuId, OrderId, TikTokShopId
from domain.money import Money


def _obj(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise MalformedResponse(f"{what} is not an object")
    return value


def _list(value: Any, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise MalformedResponse(f"{what} is not an array")
    return value


def text_id(value: Any, what: str) -> str:
    """64-bit ids as text; a JSON number is accepted but never passes through a float."""
    if isinstance(value, bool) or value is None or isinstance(value, float):
        raise MalformedResponse(f"{what} is not an id")
    text = str(value)
    if not text:
        raise MalformedResponse(f"{what} is empty")
    return text


def unix_time(value: Any, what: str) -> datetime:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise MalformedResponse(f"{what} is not a Unix time")
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (ValueError, OverflowError):
        raise MalformedResponse(f"{what} is not a Unix time") from None


def money(amount: Any, currency: Any, what: str) -> Money:
    if not isinstance(amount, str | int) or isinstance(amount, bool) or not isinstance(currency, str):
        raise MalformedResponse(f"{what} is not a decimal amount with a currency")
    try:
        return Money.of(amount, currency)
    except DomainError:
        raise MalformedResponse(f"{what} is not a decimal amount with a currency") from None


def unix_seconds(moment: datetime) -> int:
    """Whole seconds, rounded down (for inclusive lower bounds)."""
    return math.floor(moment.timestamp())


def unix_seconds_ceil(moment: datetime) -> int:
    """Whole seconds, rounded up (for exclusive upper bounds, so no second inside is lost)."""
    return math.ceil(moment.timestamp())


# --- shops and warehouses -------------------------------------------------------------------


def authorized_shop(raw: Any) -> AuthorizedShop:
    shop = _obj(raw, "shop")
    return AuthorizedShop(
        tiktok_shop_id=TikTokShopId(text_id(shop.get("id"), "shop.id")),
        cipher=str(shop.get("cipher") or ""),
        region=str(shop.get("region") or ""),
        seller_type=str(shop.get("seller_type") or ""),
        name=str(shop.get("name") or ""),
        code=str(shop.get("code") or ""),
    )


def authorized_shops(data: Any) -> list[AuthorizedShop]:
    return [authorized_shop(shop) for shop in _list(_obj(data, "data").get("shops"), "shops")]


def warehouses(data: Any) -> list[Warehouse]:
    found = []
    for raw in _list(_obj(data, "data").get("warehouses"), "warehouses"):
        item = _obj(raw, "warehouse")
        found.append(
            Warehouse(
                warehouse_id=text_id(item.get("id"), "warehouse.id"),
                name=str(item.get("name") or ""),
                type=str(item.get("type") or ""),
                effect_status=str(item.get("effect_status") or ""),
                is_default=bool(item.get("is_default", False)),
            )
        )
    return found


# --- products -------------------------------------------------------------------------------


def sku(raw: Any) -> ChannelSkuData:
    item = _obj(raw, "sku")
    price_obj = item.get("price")
    price = None
    # Search results may lack `sale_price` (reference §3.2); Get Product carries it.
    if isinstance(price_obj, Mapping) and price_obj.get("sale_price") not in (None, ""):
        price = money(price_obj["sale_price"], price_obj.get("currency"), "sku.price.sale_price")
    inventory = tuple(
        WarehouseQuantity(
            warehouse_id=text_id(_obj(entry, "inventory").get("warehouse_id"), "inventory.warehouse_id"),
            quantity=int(_obj(entry, "inventory").get("quantity", 0)),
        )
        for entry in _list(item.get("inventory"), "sku.inventory")
    )
    return ChannelSkuData(
        sku_id=ChannelSkuId(text_id(item.get("id"), "sku.id")),
        seller_sku=str(item.get("seller_sku") or ""),
        price=price,
        inventory=inventory,
        attributes=_sales_attributes(item),
    )


def _sales_attributes(item: Mapping[str, Any]) -> tuple[SalesAttribute, ...] | None:
    """Get Product's `sales_attributes[{id, name, value_id, value_name}]`; None when not sent."""
    if "sales_attributes" not in item:
        return None
    found = []
    for raw in _list(item["sales_attributes"], "sku.sales_attributes"):
        entry = _obj(raw, "sales_attribute")
        name, value = entry.get("name"), entry.get("value_name")
        if not isinstance(name, str) or not isinstance(value, str):
            raise MalformedResponse("sales_attribute has no name and value_name")
        found.append(SalesAttribute(name=name, value=value))
    return tuple(found)


def product(raw: Any) -> ChannelProductData:
    item = _obj(raw, "product")
    return ChannelProductData(
        product_id=ChannelProductId(text_id(item.get("id"), "product.id")),
        title=str(item.get("title") or ""),
        status=str(item.get("status") or ""),
        update_time=unix_time(item.get("update_time"), "product.update_time"),
        skus=tuple(sku(entry) for entry in _list(item.get("skus"), "product.skus")),
    )


@dataclass(frozen=True)
class SkuInventory:
    """One SKU of Inventory Search: sellable quantity per warehouse, and what orders hold."""

    product_id: ChannelProductId
    sku_id: ChannelSkuId
    seller_sku: str
    available: tuple[WarehouseQuantity, ...]
    committed_total: int


def sku_inventories(data: Any) -> list[SkuInventory]:
    found = []
    for product_raw in _list(_obj(data, "data").get("inventory"), "inventory"):
        product_entry = _obj(product_raw, "inventory entry")
        product_id = ChannelProductId(text_id(product_entry.get("product_id"), "inventory.product_id"))
        for sku_raw in _list(product_entry.get("skus"), "inventory.skus"):
            entry = _obj(sku_raw, "inventory sku")
            available = tuple(
                WarehouseQuantity(
                    text_id(_obj(w, "warehouse_inventory").get("warehouse_id"), "warehouse_id"),
                    int(_obj(w, "warehouse_inventory").get("available_quantity", 0)),
                )
                for w in _list(entry.get("warehouse_inventory"), "warehouse_inventory")
            )
            found.append(
                SkuInventory(
                    product_id=product_id,
                    sku_id=ChannelSkuId(text_id(entry.get("id"), "inventory.sku.id")),
                    seller_sku=str(entry.get("seller_sku") or ""),
                    available=available,
                    committed_total=int(entry.get("total_committed_quantity") or 0),
                )
            )
    return found


def batch_failures(data: Any) -> list[ItemFailure]:
    """Per-item failures reported inside a `code: 0` answer (`data.errors[]`)."""
    if not isinstance(data, Mapping):
        return []
    failures = []
    for raw in _list(data.get("errors"), "errors"):
        entry = _obj(raw, "error")
        raw_detail = entry.get("detail")
        detail: Mapping[str, Any] = raw_detail if isinstance(raw_detail, Mapping) else {}
        ref = str(detail.get("sku_id") or detail.get("product_id") or "")
        code, message = str(entry.get("code", "")), str(entry.get("message") or "")
        extras = _list(detail.get("extra_errors"), "extra_errors")
        if extras:
            for extra_raw in extras:
                extra = _obj(extra_raw, "extra_error")
                where = f"{ref}/{extra['warehouse_id']}" if extra.get("warehouse_id") else ref
                failures.append(
                    ItemFailure(where, str(extra.get("code", code)), str(extra.get("message") or message))
                )
        else:
            failures.append(ItemFailure(ref, code, message))
    return failures


# --- orders ---------------------------------------------------------------------------------


def _normalized_order_status(status: str) -> str:
    return "CANCELLED" if status == "CANCEL" else status


def line_item(raw: Any, order_currency: str) -> TikTokLineItem:
    item = _obj(raw, "line_item")
    currency = item.get("currency") or order_currency
    return TikTokLineItem(
        line_item_id=text_id(item.get("id"), "line_item.id"),
        sku_id=ChannelSkuId(text_id(item.get("sku_id"), "line_item.sku_id")),
        product_id=ChannelProductId(text_id(item.get("product_id"), "line_item.product_id")),
        seller_sku=str(item.get("seller_sku") or ""),
        product_name=str(item.get("product_name") or ""),
        sku_name=str(item.get("sku_name") or ""),
        sale_price=money(item.get("sale_price"), currency, "line_item.sale_price"),
        original_price=_optional_money(item.get("original_price"), currency, "line_item.original_price"),
    )


def _optional_money(amount: Any, currency: str, what: str) -> Money | None:
    """A payment field TikTok may leave out (or send empty)."""
    if amount is None or amount == "":
        return None
    return money(amount, currency, what)


def _optional_time(value: Any, what: str) -> datetime | None:
    if value is None or value == "" or value == 0:
        return None
    return unix_time(value, what)


def order_id(raw: Any) -> OrderId:
    """Only the id of an order object (a search result whose details are read separately)."""
    return OrderId(text_id(_obj(raw, "order").get("id"), "order.id"))


def order(raw: Any) -> TikTokOrderData:
    item = _obj(raw, "order")
    payment = _obj(item.get("payment") or {}, "order.payment")
    currency = payment.get("currency")
    lines = _list(item.get("line_items"), "order.line_items")
    if not isinstance(currency, str) or not currency:
        currency = next((line.get("currency") for line in lines if isinstance(line, Mapping)), None)
    if not isinstance(currency, str) or not currency:
        raise MalformedResponse("order has no currency")
    raw_address = item.get("recipient_address")
    address: Mapping[str, Any] = raw_address if isinstance(raw_address, Mapping) else {}
    return TikTokOrderData(
        order_id=OrderId(text_id(item.get("id"), "order.id")),
        status=_normalized_order_status(str(item.get("status") or "")),
        create_time=unix_time(item.get("create_time"), "order.create_time"),
        update_time=unix_time(item.get("update_time"), "order.update_time"),
        currency=currency,
        total=money(payment.get("total_amount", "0"), currency, "order.payment.total_amount"),
        line_items=tuple(line_item(line, currency) for line in lines),
        buyer=BuyerInfo(
            user_id=str(item.get("user_id") or ""),
            email=str(item.get("buyer_email") or ""),
            name=str(address.get("name") or ""),
            phone=str(address.get("phone_number") or ""),
        ),
        subtotal=_optional_money(
            payment.get("original_total_product_price"),
            currency,
            "order.payment.original_total_product_price",
        ),
        seller_discount=_optional_money(
            payment.get("seller_discount"), currency, "order.payment.seller_discount"
        ),
        platform_discount=_optional_money(
            payment.get("platform_discount"), currency, "order.payment.platform_discount"
        ),
        shipping_fee=_optional_money(payment.get("shipping_fee"), currency, "order.payment.shipping_fee"),
        tax=_optional_money(payment.get("tax"), currency, "order.payment.tax"),
        paid_time=_optional_time(item.get("paid_time"), "order.paid_time"),
        cancel_reason=str(item.get("cancel_reason") or ""),
        cancel_time=_optional_time(item.get("cancel_time"), "order.cancel_time"),
        recipient=order_logistics.recipient(item),
        logistics=order_logistics.logistics(item),
        line_shipments=order_logistics.line_shipments(lines),
        package_ids=order_logistics.package_ids(item),
    )


# --- cancellations --------------------------------------------------------------------------


def cancellation(raw: Any) -> TikTokCancellation:
    item = _obj(raw, "cancellation")
    deadline = None
    for action in _list(item.get("seller_next_action_response"), "seller_next_action_response"):
        if isinstance(action, Mapping) and action.get("deadline") is not None:
            deadline = unix_time(action["deadline"], "seller_next_action_response.deadline")
            break
    try:
        status = CancellationStatus.parse(str(item.get("cancel_status") or ""))
    except ValueError:
        raise MalformedResponse("unknown cancel_status") from None
    return TikTokCancellation(
        cancel_id=text_id(item.get("cancel_id"), "cancel_id"),
        order_id=OrderId(text_id(item.get("order_id"), "order_id")),
        cancel_type=str(item.get("cancel_type") or ""),
        status=status,
        role=str(item.get("role") or ""),
        reason=str(item.get("cancel_reason") or ""),
        create_time=unix_time(item.get("create_time"), "cancellation.create_time"),
        update_time=unix_time(item.get("update_time", item.get("create_time")), "cancellation.update_time"),
        response_deadline=deadline,
    )


def available_cancel_reasons(data: Any) -> list[str]:
    """Reason names valid for a seller cancellation, from `aftersale_eligibility`, in order."""
    names: list[str] = []
    for sku_raw in _list(_obj(data, "data").get("sku_eligibility"), "sku_eligibility"):
        for line_raw in _list(_obj(sku_raw, "sku_eligibility").get("line_item_eligibility"), "lines"):
            for name in _list(_obj(line_raw, "line_item_eligibility").get("available_reason_names"), "names"):
                if isinstance(name, str) and name not in names:
                    names.append(name)
    return names


def reject_reasons(data: Any) -> list[str]:
    reasons = _list(_obj(data, "data").get("reasons"), "reasons")
    return [
        str(_obj(reason, "reason").get("name")) for reason in reasons if _obj(reason, "reason").get("name")
    ]
