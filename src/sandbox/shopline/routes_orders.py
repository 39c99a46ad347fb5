"""Orders (reference B3): create with `inventory_behaviour`, list by `updated_at` with `Link`
paging, look up an imported order by its channel marker (`name`, or `search_content` over the
order number, SKUs and tracking numbers), cancel with optional restock."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from sandbox.money import format_amount
from sandbox.shopline import events, order_fields
from sandbox.shopline.errors import ShoplineError
from sandbox.shopline.gateway import Reply, SlCall, SlRoute
from sandbox.shopline.models import Customer, Order, OrderLine, Store, line_item_id
from sandbox.shopline.paging import link_page, time_bound
from sandbox.shopline.render import order_json, project
from sandbox.shopline.routes_customers import customer_json
from sandbox.shopline.state import ShoplineState

FINANCIAL_STATUSES = frozenset({"unpaid", "partially_paid", "paid"})
FULFILLMENT_STATUSES = frozenset({"unshipped", "shipped"})
INVENTORY_BEHAVIOURS = frozenset({"bypass", "decrement_ignoring_policy", "decrement_obeying_policy"})
DEFAULT_INVENTORY_BEHAVIOUR = "bypass"
ORDER_FILTERS = (
    "ids",
    "since_id",
    "status",
    "financial_status",
    "fulfillment_status",
    "created_at_min",
    "created_at_max",
    "updated_at_min",
    "updated_at_max",
    "name",
    "email",
    "search_content",
    "sort_condition",
)
SORT_CONDITIONS = {
    "order_at:desc": ("created_at", -1),
    "order_at:asc": ("created_at", 1),
    "updated_at:desc": ("updated_at", -1),
    "updated_at:asc": ("updated_at", 1),
}


def _price(value: Any, currency: str, where: str) -> str:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ShoplineError(422, f"{where}.price is invalid") from None
    if amount < 0:
        raise ShoplineError(422, f"{where}.price must not be negative")
    return format_amount(amount, currency)


def _parse_lines(store: Store, body: dict[str, Any], currency: str) -> list[OrderLine]:
    raw_lines = body.get("line_items")
    if not isinstance(raw_lines, list) or not raw_lines:
        raise ShoplineError(422, "order.line_items must not be empty")
    lines = []
    for n, raw in enumerate(raw_lines):
        where = f"order.line_items[{n}]"
        if not isinstance(raw, dict):
            raise ShoplineError(422, f"{where} must be an object")
        quantity = raw.get("quantity")
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
            raise ShoplineError(422, f"{where}.quantity must be a positive integer")
        location_id = raw.get("location_id")
        if location_id is not None and str(location_id) not in store.locations:
            raise ShoplineError(422, f"{where}.location_id does not exist")
        variant_id = raw.get("variant_id")
        if variant_id is not None:
            variant = store.variants.get(str(variant_id))
            if variant is None:
                raise ShoplineError(422, f"{where}.variant_id does not exist")
            product = store.products[variant.product_id]
            price = _price(raw.get("price", variant.price), currency, where)
            lines.append(
                OrderLine(
                    "",
                    variant.id,
                    product.id,
                    variant.sku,
                    raw.get("title") or product.title,
                    price,
                    quantity,
                    str(location_id) if location_id else None,
                    False,
                )
            )
        else:
            if not raw.get("title") or raw.get("price") is None:
                raise ShoplineError(
                    422, f"{where} needs a variant_id, or a title and a price for a custom item"
                )
            lines.append(
                OrderLine(
                    "",
                    None,
                    None,
                    raw.get("sku"),
                    str(raw["title"]),
                    _price(raw["price"], currency, where),
                    quantity,
                    None,
                    False,
                )
            )
    return lines


def _customer(store: Store, body: dict[str, Any]) -> Customer | None:
    """The existing customer the order names by `customer.id`; an order may also carry only contact
    fields (kept as sent), or no customer at all."""
    customer = body.get("customer")
    if customer is None:
        return None
    if not isinstance(customer, dict):
        raise ShoplineError(422, "order.customer must be an object")
    if customer.get("id") in (None, ""):
        return None
    found = store.customers.get(str(customer["id"]))
    if found is None:
        raise ShoplineError(422, "order.customer.id does not exist")
    return found


def _plan_decrements(store: Store, lines: list[OrderLine], behaviour: str) -> list[tuple[OrderLine, str]]:
    """Where each tracked line takes its stock from; refuses the whole order when a `deny` variant
    lacks stock under `decrement_obeying_policy`."""
    if behaviour == "bypass":
        return []
    default_location = store.default_location_id
    plan: list[tuple[OrderLine, str]] = []
    needed: dict[tuple[str, str], int] = {}
    for line in lines:
        if line.variant_id is None:
            continue
        variant = store.variants[line.variant_id]
        if not variant.inventory_tracker:
            continue
        location_id = line.location_id or default_location
        key = (variant.inventory_item_id, location_id)
        needed[key] = needed.get(key, 0) + line.quantity
        obeys_policy = behaviour == "decrement_obeying_policy" and variant.inventory_policy == "deny"
        if obeys_policy and store.levels.get(key, 0) < needed[key]:
            raise ShoplineError(422, f"Insufficient inventory for variant {variant.id} (sku {variant.sku!r})")
        plan.append((line, location_id))
    return plan


async def create_order(call: SlCall) -> Reply:
    body = call.json().get("order")
    if not isinstance(body, dict):
        raise ShoplineError(400, "body.order is required")
    store = call.store
    currency = str(body.get("currency") or store.currency)
    if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
        raise ShoplineError(422, "order.currency must be an ISO 4217 code")
    financial = body.get("financial_status", "unpaid")
    if financial not in FINANCIAL_STATUSES:
        raise ShoplineError(422, f"order.financial_status must be one of {sorted(FINANCIAL_STATUSES)}")
    fulfillment = body.get("fulfillment_status") or "unshipped"
    if fulfillment not in FULFILLMENT_STATUSES:
        raise ShoplineError(422, f"order.fulfillment_status must be one of {sorted(FULFILLMENT_STATUSES)}")
    behaviour = body.get("inventory_behaviour", DEFAULT_INVENTORY_BEHAVIOUR)
    if behaviour not in INVENTORY_BEHAVIOURS:
        raise ShoplineError(422, f"order.inventory_behaviour must be one of {sorted(INVENTORY_BEHAVIOURS)}")
    order_fields.note_attributes(body.get("note_attributes", []))
    for address in ("shipping_address", "billing_address"):
        if address in body:
            order_fields.shipping_address(body[address], f"order.{address}")
    order_fields.notes(body)
    buyer = _customer(store, body)
    lines = _parse_lines(store, body, currency)
    plan = _plan_decrements(store, lines, behaviour)
    now = call.now
    order_id = call.state.new_id("21")
    for n, line in enumerate(lines):
        line.id = line_item_id(order_id, n)
    touched = []
    for line, location_id in plan:
        variant = store.variants[line.variant_id or ""]
        key = (variant.inventory_item_id, location_id)
        store.levels[key] = store.levels.get(key, 0) - line.quantity
        store.level_updated[key] = now
        line.location_id, line.decremented = location_id, True
        touched.append(key)
    name = body.get("name")
    if not name:
        name = f"#{store.next_order_number}"
        store.next_order_number += 1
    payload = {
        k: v
        for k, v in body.items()
        if k not in ("line_items", "name", "financial_status", "fulfillment_status", "currency")
    }
    if buyer is not None:
        buyer.orders_count += 1
        payload["customer"] = customer_json(buyer)
    order = Order(order_id, str(name), now, now, currency, financial, fulfillment, lines, payload)
    store.orders[order_id] = order
    call.touch()
    rendered = order_json(store, order)
    events.emit(call.state, store, "orders/create", rendered)
    for item_id, location_id in touched:
        events.emit(
            call.state,
            store,
            "inventory_levels/update",
            {
                "inventory_item_id": item_id,
                "location_id": location_id,
                "available": store.levels[(item_id, location_id)],
                "variant_id": store.variant_by_item.get(item_id),
            },
        )
    return Reply({"order": rendered})


def _order_candidates(call: SlCall) -> Callable[[dict[str, Any]], list[Order]]:
    def candidates(filters: dict[str, Any]) -> list[Order]:
        ids = set(filters["ids"].split(",")) if filters.get("ids") else None
        if ids is not None and len(ids) > 100:
            raise ShoplineError(400, "ids accepts at most 100 ids")
        status = filters.get("status", "any")
        if status not in ("open", "cancelled", "any"):
            raise ShoplineError(400, "status must be open, cancelled or any")
        since_id = filters.get("since_id")
        if since_id and not since_id.isdigit():
            raise ShoplineError(400, "since_id must be an id")
        bounds = [
            time_bound(filters, n)
            for n in ("created_at_min", "created_at_max", "updated_at_min", "updated_at_max")
        ]
        name = filters.get("name")
        search = (filters.get("search_content") or "").lower()
        found = []
        for order in call.store.orders.values():
            if ids is not None and order.id not in ids:
                continue
            if since_id and int(order.id) <= int(since_id):
                continue
            if status != "any" and order.status != status:
                continue
            if filters.get("financial_status") and order.financial_status != filters["financial_status"]:
                continue
            if (
                filters.get("fulfillment_status")
                and order.fulfillment_status != filters["fulfillment_status"]
            ):
                continue
            if bounds[0] is not None and order.created_at < bounds[0]:
                continue
            if bounds[1] is not None and order.created_at > bounds[1]:
                continue
            if bounds[2] is not None and order.updated_at < bounds[2]:
                continue
            if bounds[3] is not None and order.updated_at > bounds[3]:
                continue
            if name and order.name != name:
                continue
            if (
                filters.get("email")
                and (order.payload.get("customer") or {}).get("email") != filters["email"]
            ):
                continue
            if search and not _matches_search(order, search):
                continue
            found.append(order)
        return found

    return candidates


def _matches_search(order: Order, needle: str) -> bool:
    haystack = [order.name] + [line.sku or "" for line in order.lines]
    haystack += [str(f.get("tracking_number", "")) for f in order.payload.get("fulfillments", []) or []]
    haystack += [t["tracking_number"] for f in order.fulfillments for t in f.tracking]
    return any(needle in text.lower() for text in haystack)


def _order_sort(filters: dict[str, Any]) -> Callable[[Order], tuple[int, int]]:
    condition = filters.get("sort_condition", "order_at:asc")
    if condition not in SORT_CONDITIONS:
        raise ShoplineError(400, f"sort_condition must be one of {sorted(SORT_CONDITIONS)}")
    field, sign = SORT_CONDITIONS[condition]
    return lambda o: (sign * getattr(o, field), sign * int(o.id))


async def list_orders(call: SlCall) -> Reply:
    items, headers = link_page(
        call, "orders.json", "orders", ORDER_FILTERS, _order_candidates(call), _order_sort, max_limit=100
    )
    fields = call.query.get("fields")
    return Reply({"orders": [project(order_json(call.store, o), fields) for o in items]}, headers=headers)


async def count_orders(call: SlCall) -> Reply:
    filters = {n: call.query[n] for n in ORDER_FILTERS if call.query.get(n)}
    return Reply({"count": len(_order_candidates(call)(filters))})


def _order(call: SlCall) -> Order:
    order = call.store.orders.get(call.path_params["order_id"])
    if order is None:
        raise ShoplineError(404, "The order does not exist.")
    return order


async def get_order(call: SlCall) -> Reply:
    return Reply({"order": project(order_json(call.store, _order(call)), call.query.get("fields"))})


async def update_order(call: SlCall) -> Reply:
    order = _order(call)
    body = call.json().get("order")
    if not isinstance(body, dict):
        raise ShoplineError(400, "body.order is required")
    if "id" in body and str(body["id"]) != order.id:
        raise ShoplineError(422, "order.id does not match the order in the path")
    if "note_attributes" in body:
        order_fields.note_attributes(body["note_attributes"])
    if "shipping_address" in body:
        order_fields.shipping_address(body["shipping_address"])
    order_fields.notes(body)
    for name in ("note", "note_attributes", "tags", "buyer_note", "email", "phone"):
        if name in body:
            order.payload[name] = body[name]
    if "shipping_address" in body:
        order.payload["shipping_address"] = dict(body["shipping_address"])
    order.updated_at = call.now
    call.touch()
    rendered = order_json(call.store, order)
    events.emit(call.state, call.store, "orders/updated", rendered)
    return Reply({"order": rendered})


def cancel(state: ShoplineState, store: Store, order: Order, restock: bool, reason: str | None) -> None:
    """Cancels the order as SHOPLINE does, through the API or the admin: once only; with restock the
    decremented units go back to their locations (each level change is announced)."""
    if order.status == "cancelled":
        raise ShoplineError(422, "The order has already been cancelled.")
    now = state.clock.now_s()
    if restock:
        for line in order.lines:
            if line.decremented and line.variant_id and line.location_id:
                key = (store.variants[line.variant_id].inventory_item_id, line.location_id)
                store.levels[key] = store.levels.get(key, 0) + line.quantity
                store.level_updated[key] = now
                line.decremented = False
                events.level_updated(state, store, *key)
    order.status, order.cancelled_at, order.updated_at = "cancelled", now, now
    order.cancel_reason = reason or "other"
    state.touch(store.handle)


async def cancel_order(call: SlCall) -> Reply:
    order = _order(call)
    body = call.json()
    restock = body.get("restock", False)
    if not isinstance(restock, bool):
        raise ShoplineError(422, "restock must be a boolean")
    cancel(call.state, call.store, order, restock, body.get("cancel_reason"))
    rendered = order_json(call.store, order)
    events.emit(call.state, call.store, "orders/cancelled", rendered)
    return Reply({"order": rendered})


# Scopes per reference B3.
ROUTES = [
    SlRoute("POST", "orders.json", create_order, ("write_orders",)),
    SlRoute("GET", "orders.json", list_orders, ("read_orders",)),
    SlRoute("GET", "orders/count.json", count_orders, ("read_orders",)),
    SlRoute("POST", "orders/{order_id}/cancel.json", cancel_order, ("write_orders",)),
    SlRoute("GET", "orders/{order_id}.json", get_order, ("read_orders",)),
    SlRoute("PUT", "orders/{order_id}.json", update_order, ("write_orders",)),
]
