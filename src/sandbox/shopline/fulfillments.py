"""SHOPLINE order fulfillments (fulfillment-and-webhooks S3, S4, S6): create, update tracking
(an overwrite), cancel; shared by the Admin API and the control surface (a merchant shipping in
the SHOPLINE admin). Each change sends ``fulfillments/create`` or ``fulfillments/update`` with
the fulfillment, and a create sends ``orders/fulfilled`` or ``orders/partially_fulfilled`` with
the order."""

from __future__ import annotations

from collections.abc import Sequence

from sandbox.shopline import events
from sandbox.shopline.errors import ShoplineError
from sandbox.shopline.models import Fulfillment, Order, Store
from sandbox.shopline.render import order_json
from sandbox.shopline.render_fulfillments import fulfillable_quantity, fulfillment_json, order_status
from sandbox.shopline.state import ShoplineState

MAX_TRACKING = 10
SHIPMENT_STATUSES = frozenset(
    {
        "label_printed",
        "label_purchased",
        "attempted_delivery",
        "ready_for_pickup",
        "picked_up",
        "confirmed",
        "in_transit",
        "out_for_delivery",
        "delivered",
        "failure",
    }
)


def check_tracking(tracking: Sequence[dict[str, str]], where: str) -> list[dict[str, str]]:
    if len(tracking) > MAX_TRACKING:
        raise ShoplineError(422, f"{where} accepts at most {MAX_TRACKING} entries")
    checked = []
    for n, entry in enumerate(tracking):
        number = entry.get("tracking_number")
        if not isinstance(number, str) or not number.strip() or len(number) > 255:
            raise ShoplineError(422, f"{where}[{n}].tracking_number is required")
        for name in ("tracking_company", "tracking_url"):
            if not isinstance(entry.get(name, ""), str):
                raise ShoplineError(422, f"{where}[{n}].{name} must be a string")
        checked.append(
            {
                "tracking_company": entry.get("tracking_company") or "Other",
                "tracking_number": number,
                "tracking_url": entry.get("tracking_url") or "",
            }
        )
    return checked


def create(
    state: ShoplineState,
    store: Store,
    order: Order,
    lines: Sequence[tuple[str, int]],
    tracking: Sequence[dict[str, str]],
) -> Fulfillment:
    if order.status == "cancelled":
        raise ShoplineError(422, "The order has been cancelled and cannot be fulfilled.")
    by_id = {line.id: line for line in order.lines}
    if not lines:
        raise ShoplineError(422, "fulfillment.line_items must not be empty")
    seen = set()
    for n, (line_id, quantity) in enumerate(lines):
        line = by_id.get(line_id)
        if line is None:
            raise ShoplineError(422, f"fulfillment.line_items[{n}].id is not a line item of the order")
        if line_id in seen:
            raise ShoplineError(422, f"fulfillment.line_items[{n}].id is given twice")
        seen.add(line_id)
        if quantity < 1 or quantity > fulfillable_quantity(order, line):
            raise ShoplineError(
                422, f"fulfillment.line_items[{n}].quantity exceeds the fulfillable quantity of the line item"
            )
    now = state.clock.now_s()
    fulfillment = Fulfillment(
        id=state.new_id("53"),
        name=f"{order.name}.{len(order.fulfillments) + 1}",
        status="success",
        lines=list(lines),
        tracking=list(tracking),
        created_at=now,
        updated_at=now,
        shipment_status="confirmed",
    )
    order.fulfillments.append(fulfillment)
    _changed(state, store, order)
    events.emit(state, store, "fulfillments/create", fulfillment_json(order, fulfillment))
    topic = "orders/fulfilled" if order.fulfillment_status == "shipped" else "orders/partially_fulfilled"
    events.emit(state, store, topic, order_json(store, order))
    return fulfillment


def find(order: Order, fulfillment_id: str) -> Fulfillment:
    for fulfillment in order.fulfillments:
        if fulfillment.id == fulfillment_id:
            return fulfillment
    raise ShoplineError(404, "The fulfillment does not exist.")


def update_tracking(
    state: ShoplineState,
    store: Store,
    order: Order,
    fulfillment: Fulfillment,
    tracking: Sequence[dict[str, str]],
) -> Fulfillment:
    """Overwrites the tracking entries: those left out are cleared (S4)."""
    if fulfillment.status == "cancelled":
        raise ShoplineError(422, "The fulfillment has been cancelled.")
    fulfillment.tracking = list(tracking)
    fulfillment.updated_at = state.clock.now_s()
    _changed(state, store, order)
    events.emit(state, store, "fulfillments/update", fulfillment_json(order, fulfillment))
    return fulfillment


def cancel(state: ShoplineState, store: Store, order: Order, fulfillment: Fulfillment) -> Fulfillment:
    """The units go back to fulfillable."""
    if fulfillment.status == "cancelled":
        raise ShoplineError(422, "The fulfillment has already been cancelled.")
    fulfillment.status = "cancelled"
    fulfillment.updated_at = state.clock.now_s()
    _changed(state, store, order)
    events.emit(state, store, "fulfillments/update", fulfillment_json(order, fulfillment))
    return fulfillment


def set_shipment_status(
    state: ShoplineState, store: Store, order: Order, fulfillment: Fulfillment, status: str
) -> Fulfillment:
    if status not in SHIPMENT_STATUSES:
        raise ShoplineError(422, f"shipment_status must be one of {sorted(SHIPMENT_STATUSES)}")
    if fulfillment.status == "cancelled":
        raise ShoplineError(422, "The fulfillment has been cancelled.")
    fulfillment.shipment_status = status
    fulfillment.updated_at = state.clock.now_s()
    _changed(state, store, order)
    events.emit(state, store, "fulfillments/update", fulfillment_json(order, fulfillment))
    return fulfillment


def _changed(state: ShoplineState, store: Store, order: Order) -> None:
    order.fulfillment_status = order_status(order)
    order.updated_at = state.clock.now_s()
    state.touch(store.handle)
