"""Order fulfillments over the Admin API (fulfillment-and-webhooks S2-S4).

Line item ids are int64 JSON numbers and quantities positive integers, at most the line's
fulfillable quantity. Tracking follows the API version of the path: up to v20251201 the single
fields ``tracking_company``, ``tracking_number``, ``tracking_url`` (a ``tracking_info_list`` is
not part of those versions and is ignored); from v20260301 ``tracking_info_list`` (at most 10),
the single fields then only when no list is given. Update tracking takes the list in every
version and overwrites.
"""

from __future__ import annotations

from typing import Any

from sandbox.shopline import fulfillments
from sandbox.shopline.errors import ShoplineError
from sandbox.shopline.gateway import Reply, SlCall, SlRoute
from sandbox.shopline.models import Order
from sandbox.shopline.render_fulfillments import fulfillment_json

LIST_VERSION = "v20260301"
INT64_MAX = 2**63 - 1


def _order(call: SlCall) -> Order:
    order = call.store.orders.get(call.path_params["order_id"])
    if order is None:
        raise ShoplineError(404, "The order does not exist.")
    return order


def _body(call: SlCall) -> dict[str, Any]:
    body = call.json().get("fulfillment")
    if not isinstance(body, dict):
        raise ShoplineError(400, "body.fulfillment is required")
    return body


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _lines(body: dict[str, Any]) -> list[tuple[str, int]]:
    raw = body.get("line_items")
    if not isinstance(raw, list) or not raw:
        raise ShoplineError(400, "fulfillment.line_items is required")
    lines = []
    for n, item in enumerate(raw):
        if not isinstance(item, dict):
            raise ShoplineError(400, f"fulfillment.line_items[{n}] must be an object")
        line_id, quantity = item.get("id"), item.get("quantity")
        if not _int(line_id) or not 0 < line_id <= INT64_MAX:
            raise ShoplineError(400, f"fulfillment.line_items[{n}].id must be an int64 number")
        if not _int(quantity):
            raise ShoplineError(400, f"fulfillment.line_items[{n}].quantity must be an integer")
        lines.append((str(line_id), quantity))
    return lines


def _tracking_list(body: dict[str, Any]) -> list[dict[str, str]]:
    raw = body.get("tracking_info_list")
    if not isinstance(raw, list) or not all(isinstance(entry, dict) for entry in raw):
        raise ShoplineError(400, "fulfillment.tracking_info_list must be a list of objects")
    return fulfillments.check_tracking(raw, "fulfillment.tracking_info_list")


def _single_tracking(body: dict[str, Any]) -> list[dict[str, str]]:
    if body.get("tracking_number") in (None, ""):
        return []
    entry = {name: body.get(name) or "" for name in ("tracking_company", "tracking_number", "tracking_url")}
    return fulfillments.check_tracking([entry], "fulfillment.tracking")


async def create_fulfillment(call: SlCall) -> Reply:
    order = _order(call)
    body = _body(call)
    lines = _lines(body)
    notify = body.get("notify_customer", False)
    if not isinstance(notify, bool):
        raise ShoplineError(400, "fulfillment.notify_customer must be a boolean")
    uses_list = call.version >= LIST_VERSION and "tracking_info_list" in body
    tracking = _tracking_list(body) if uses_list else _single_tracking(body)
    created = fulfillments.create(call.state, call.store, order, lines, tracking)
    return Reply({"fulfillment": fulfillment_json(order, created)})


async def list_fulfillments(call: SlCall) -> Reply:
    order = _order(call)
    return Reply({"fulfillments": [fulfillment_json(order, f) for f in order.fulfillments]})


async def count_fulfillments(call: SlCall) -> Reply:
    return Reply({"count": len(_order(call).fulfillments)})


async def get_fulfillment(call: SlCall) -> Reply:
    order = _order(call)
    found = fulfillments.find(order, call.path_params["fulfillment_id"])
    return Reply({"fulfillment": fulfillment_json(order, found)})


async def update_tracking(call: SlCall) -> Reply:
    order = _order(call)
    found = fulfillments.find(order, call.path_params["fulfillment_id"])
    body = _body(call)
    if "tracking_info_list" not in body:
        raise ShoplineError(400, "fulfillment.tracking_info_list is required")
    if not isinstance(body.get("notify_customer", False), bool):
        raise ShoplineError(400, "fulfillment.notify_customer must be a boolean")
    changed = fulfillments.update_tracking(call.state, call.store, order, found, _tracking_list(body))
    return Reply({"fulfillment": fulfillment_json(order, changed)})


async def cancel_fulfillment(call: SlCall) -> Reply:
    order = _order(call)
    found = fulfillments.find(order, call.path_params["fulfillment_id"])
    cancelled = fulfillments.cancel(call.state, call.store, order, found)
    return Reply({"fulfillment": fulfillment_json(order, cancelled)})


# The reference names write_orders for the writes and no scope for the reads (S2); reads admit
# read_orders or write_orders.
ROUTES = [
    SlRoute("POST", "orders/{order_id}/fulfillments.json", create_fulfillment, ("write_orders",)),
    SlRoute("GET", "orders/{order_id}/fulfillments.json", list_fulfillments, ("read_orders", "write_orders")),
    SlRoute(
        "GET",
        "orders/{order_id}/fulfillments/count.json",
        count_fulfillments,
        ("read_orders", "write_orders"),
    ),
    SlRoute(
        "POST",
        "orders/{order_id}/fulfillments/{fulfillment_id}/update_tracking.json",
        update_tracking,
        ("write_orders",),
    ),
    SlRoute(
        "POST",
        "orders/{order_id}/fulfillments/{fulfillment_id}/cancel.json",
        cancel_fulfillment,
        ("write_orders",),
    ),
    SlRoute(
        "GET",
        "orders/{order_id}/fulfillments/{fulfillment_id}.json",
        get_fulfillment,
        ("read_orders", "write_orders"),
    ),
]
