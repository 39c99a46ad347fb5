"""Order endpoints (reference §3.7, §3.8)."""

from __future__ import annotations

from typing import Any

from sandbox.tiktok import errors, logistics
from sandbox.tiktok.gateway import Call, Route
from sandbox.tiktok.models import Order
from sandbox.tiktok.render import order_json
from sandbox.tiktok.search import page_size, search_page

ORDER_STATUSES = (
    "UNPAID",
    "ON_HOLD",
    "AWAITING_SHIPMENT",
    "PARTIALLY_SHIPPING",
    "AWAITING_COLLECTION",
    "IN_TRANSIT",
    "DELIVERED",
    "COMPLETED",
    "CANCELLED",
)
MAX_DETAIL_IDS = 50


def _bound(body: dict[str, Any], name: str) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise errors.invalid_param(f"The '{name}' field must be a Unix timestamp in seconds.")
    return value


async def search_orders(call: Call) -> dict[str, Any]:
    size = page_size(call)
    sort_field = call.query.get("sort_field", "create_time")
    sort_order = call.query.get("sort_order", "DESC")
    if sort_field not in ("create_time", "update_time"):
        raise errors.invalid_param("The 'sort_field' query parameter must be 'create_time' or 'update_time'.")
    if sort_order not in ("ASC", "DESC"):
        raise errors.invalid_param("The 'sort_order' query parameter must be 'ASC' or 'DESC'.")
    body = call.json()
    status = body.get("order_status")
    if status is not None and status not in ORDER_STATUSES:
        raise errors.invalid_param(f"Unknown order_status {status!r}.")
    bounds = {
        n: _bound(body, n) for n in ("create_time_ge", "create_time_lt", "update_time_ge", "update_time_lt")
    }
    buyer = body.get("buyer_user_id")
    buyer_cancel = body.get("is_buyer_request_cancel")
    warehouses = body.get("warehouse_ids")
    if warehouses is not None and (not isinstance(warehouses, list) or len(warehouses) > 100):
        raise errors.invalid_param("'warehouse_ids' must be an array of at most 100 ids.")
    shipping_type = body.get("shipping_type")
    query = {
        "s": status,
        "b": buyer,
        "c": buyer_cancel,
        "w": sorted(warehouses or []),
        "t": shipping_type,
        "sf": sort_field,
        "so": sort_order,
        **bounds,
    }
    data = call.shop_data
    assert call.shop is not None
    shop = call.shop
    create_ge, create_lt = bounds["create_time_ge"], bounds["create_time_lt"]
    update_ge, update_lt = bounds["update_time_ge"], bounds["update_time_lt"]
    warehouse_set = set(warehouses or [])

    def candidates() -> list[Order]:
        found = []
        for order in data.orders.values():
            if status is not None and order.status != status:
                continue
            if create_ge is not None and order.create_time < create_ge:
                continue
            if create_lt is not None and order.create_time >= create_lt:
                continue
            if update_ge is not None and order.update_time < update_ge:
                continue
            if update_lt is not None and order.update_time >= update_lt:
                continue
            if buyer is not None and order.buyer_user_id != buyer:
                continue
            if buyer_cancel is not None and order.is_buyer_request_cancel != bool(buyer_cancel):
                continue
            if warehouse_set and order.warehouse_id not in warehouse_set:
                continue
            if shipping_type is not None and (
                order.fulfillment_type != logistics.BY_SELLER
                or logistics.shipping_type(shop, order) != shipping_type
            ):
                continue
            found.append(order)
        return found

    sign = 1 if sort_order == "ASC" else -1
    if sort_field == "create_time":
        key = lambda o: (sign * o.create_time, sign * int(o.id))  # noqa: E731
    else:
        key = lambda o: (sign * o.update_time, sign * int(o.id))  # noqa: E731
    items, token, total = search_page(call, "orders", query, candidates, key, size)
    assert call.shop is not None
    return {
        "orders": [order_json(call.shop, data, order) for order in items],
        "next_page_token": token,
        "total_count": total,
    }


async def get_order_detail(call: Call) -> dict[str, Any]:
    raw = call.query.get("ids", "")
    ids = [item for item in raw.split(",") if item]
    if not ids:
        raise errors.invalid_param("The 'ids' query parameter is required.")
    if len(ids) > MAX_DETAIL_IDS:
        raise errors.invalid_param(f"The 'ids' query parameter accepts at most {MAX_DETAIL_IDS} order IDs.")
    data = call.shop_data
    if any(order_id not in data.orders for order_id in ids):
        raise errors.error(errors.ORDER_NOT_OWNED)
    assert call.shop is not None
    return {"orders": [order_json(call.shop, data, data.orders[order_id]) for order_id in ids]}


ROUTES = [
    Route("POST", "order", ("202309",), "orders/search", search_orders, shop_scoped=True),
    Route("GET", "order", ("202309", "202507"), "orders", get_order_detail, shop_scoped=True),
]
