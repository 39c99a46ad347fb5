"""SHOPLINE order fulfillments (`domain.ports.ShoplineFulfillmentApi`; fulfillment-and-webhooks S2-S4).

Line item ids travel as JSON integers (int64) and come back as strings. Tracking follows the API
version the client is configured for: the single `tracking_company`/`tracking_number`/
`tracking_url` fields up to v20251201 (so at most one tracking number), `tracking_info_list` from
v20260301. Updating tracking overwrites the list.

Creating a fulfillment is not repeated blindly: after an ambiguous failure the order's
fulfillments are read and one with the same lines and tracking numbers, created since the first
attempt, is taken as the result. Cancelling an already cancelled fulfillment counts as done.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from adapters.http.failures import Failure, FailureKind
from adapters.shopline.mapping import MalformedResponse, iso_time
from adapters.shopline.scopes import READ_ORDERS, WRITE_ORDERS
from adapters.shopline.transport import PARTNER, RestCall, RestReply, ShoplineTransport
from domain.channel import ShoplineCredentials
from domain.errors import PartnerRejected
from domain.ids import ShoplineOrderId
from domain.logistics import (
    FulfillmentLine,
    NewFulfillment,
    ShoplineFulfillment,
    ShoplineLineItem,
    TrackingInfo,
)

T = TypeVar("T")

LIST_VERSION = "v20260301"
MAX_TRACKING = 10
# Fulfillments created this long before the first attempt still count (clocks differ).
CLOCK_SLACK_S = 300


def _obj(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise MalformedResponse(f"{what} is not an object")
    return value


def _items(value: Any, what: str) -> list[Mapping[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise MalformedResponse(f"{what} is not an array")
    return [_obj(item, f"{what}[]") for item in value]


def _id(value: Any, what: str) -> str:
    if value is None or isinstance(value, bool | float) or str(value) == "":
        raise MalformedResponse(f"{what} is not an id")
    return str(value)


def _count(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise MalformedResponse(f"{what} is not a count")
    return value


def fulfillment(raw: Any) -> ShoplineFulfillment:
    """A fulfillment as the API answers it and as ``fulfillments/create|update`` carry it."""
    data = _obj(raw, "fulfillment")
    tracking = [
        TrackingInfo(
            str(item.get("tracking_company") or ""),
            _id(item.get("tracking_number"), "tracking_info_list[].tracking_number"),
            str(item.get("tracking_url") or ""),
        )
        for item in _items(data.get("tracking_info_list"), "fulfillment.tracking_info_list")
    ]
    if not tracking and data.get("tracking_number"):
        # Payloads of older event versions carry the deprecated single fields only.
        tracking = [
            TrackingInfo(
                str(data.get("tracking_company") or ""),
                str(data["tracking_number"]),
                str(data.get("tracking_url") or ""),
            )
        ]
    lines = tuple(
        FulfillmentLine(
            _id(item.get("id"), "fulfillment.line_items[].id"),
            _count(
                item.get("fulfillment_quantity", item.get("quantity")), "line_items[].fulfillment_quantity"
            ),
        )
        for item in _items(data.get("line_items"), "fulfillment.line_items")
    )
    updated = data.get("updated_at")
    return ShoplineFulfillment(
        fulfillment_id=_id(data.get("id"), "fulfillment.id"),
        order_id=ShoplineOrderId(_id(data.get("order_id"), "fulfillment.order_id")),
        status=str(data.get("status") or ""),
        lines=lines,
        tracking=tuple(tracking),
        shipment_status=str(data.get("shipment_status") or ""),
        updated_at=None if updated in (None, "") else iso_time(updated, "fulfillment.updated_at"),
    )


def line_items(raw: Any) -> list[ShoplineLineItem]:
    order = _obj(raw, "order")
    return [
        ShoplineLineItem(
            line_item_id=_id(item.get("id"), "line_items[].id"),
            variant_id=str(item.get("variant_id") or ""),
            sku=str(item.get("sku") or ""),
            quantity=_count(item.get("quantity"), "line_items[].quantity"),
            fulfillable_quantity=_count(
                item.get("fulfillable_quantity"), "line_items[].fulfillable_quantity"
            ),
        )
        for item in _items(order.get("line_items"), "order.line_items")
    ]


def _tracking_entry(info: TrackingInfo) -> dict[str, str]:
    entry = {"tracking_company": info.tracking_company, "tracking_number": info.tracking_number}
    if info.tracking_url:
        entry["tracking_url"] = info.tracking_url
    return entry


def _line_id(line_item_id: str) -> int:
    """SHOPLINE wants the line id as an int64 number; anything else cannot be a line of it."""
    try:
        value = int(line_item_id)
    except ValueError:
        value = -1
    if not 0 < value < 2**63:
        raise PartnerRejected(
            PARTNER, "invalid_line_item_id", f"{line_item_id!r} is not a SHOPLINE line item id"
        )
    return value


def create_body(new: NewFulfillment, api_version: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "line_items": [{"id": _line_id(line.line_item_id), "quantity": line.quantity} for line in new.lines],
        "notify_customer": new.notify_customer,
    }
    if api_version >= LIST_VERSION:
        if len(new.tracking) > MAX_TRACKING:
            raise PartnerRejected(
                PARTNER,
                "too_many_tracking_numbers",
                f"SHOPLINE takes at most {MAX_TRACKING} tracking numbers",
            )
        body["tracking_info_list"] = [_tracking_entry(info) for info in new.tracking]
    elif len(new.tracking) > 1:
        raise PartnerRejected(
            PARTNER,
            "too_many_tracking_numbers",
            f"API version {api_version} takes one tracking number per fulfillment "
            f"(a list from {LIST_VERSION})",
        )
    elif new.tracking:
        body.update(_tracking_entry(new.tracking[0]))
    return {"fulfillment": body}


def _same(found: ShoplineFulfillment, new: NewFulfillment, since: float) -> bool:
    created_recently = found.updated_at is None or found.updated_at.timestamp() >= since - CLOCK_SLACK_S
    return (
        found.status == "success"
        and created_recently
        and sorted((line.line_item_id, line.quantity) for line in found.lines)
        == sorted((line.line_item_id, line.quantity) for line in new.lines)
        and [t.tracking_number for t in found.tracking] == [t.tracking_number for t in new.tracking]
    )


def _ambiguous(failure: Failure) -> bool:
    return failure.kind in (FailureKind.UNAVAILABLE, FailureKind.RATE_LIMITED)


def _mapped(convert: Callable[[Any], T], raw: Any) -> T:
    try:
        return convert(raw)
    except (MalformedResponse, AttributeError, KeyError, TypeError, ValueError) as exc:
        raise PartnerRejected(PARTNER, "malformed_response", str(exc)) from None


class ShoplineFulfillmentClient:
    """Implements `ShoplineFulfillmentApi` over the SHOPLINE client's `ShoplineTransport`."""

    def __init__(self, transport: ShoplineTransport) -> None:
        self._transport = transport

    def __repr__(self) -> str:
        return f"ShoplineFulfillmentClient({self._transport!r})"

    async def _call(self, credentials: ShoplineCredentials, call: RestCall) -> Any:
        reply = await self._transport.call(credentials.store_handle, credentials.access_token.reveal(), call)
        return reply.data or {}

    async def order_line_items(
        self, credentials: ShoplineCredentials, order_id: ShoplineOrderId
    ) -> list[ShoplineLineItem]:
        call = RestCall("GET", f"orders/{order_id}.json", READ_ORDERS, {"fields": "id,line_items"})
        data = await self._call(credentials, call)
        return _mapped(lambda d: line_items(_obj(d, "data").get("order")), data)

    async def fulfillments(
        self, credentials: ShoplineCredentials, order_id: ShoplineOrderId
    ) -> list[ShoplineFulfillment]:
        data = await self._call(
            credentials, RestCall("GET", f"orders/{order_id}/fulfillments.json", READ_ORDERS)
        )
        return _mapped(
            lambda d: [fulfillment(f) for f in _items(_obj(d, "data").get("fulfillments"), "fulfillments")],
            data,
        )

    async def create_fulfillment(
        self, credentials: ShoplineCredentials, order_id: ShoplineOrderId, fulfillment: NewFulfillment
    ) -> ShoplineFulfillment:
        handle, token = credentials.store_handle, credentials.access_token.reveal()
        call = RestCall(
            "POST",
            f"orders/{order_id}/fulfillments.json",
            WRITE_ORDERS,
            body=create_body(fulfillment, self._transport.api_version),
            idempotent=False,
        )
        started = self._transport.clock()
        previous: Failure | None = None

        async def attempt() -> ShoplineFulfillment | Failure:
            nonlocal previous
            if previous is not None and previous.sent:
                for existing in await self.fulfillments(credentials, order_id):
                    if _same(existing, fulfillment, started):
                        return existing
            outcome = await self._transport.attempt(handle, token, call)
            if isinstance(outcome, RestReply):
                return _mapped(fulfillment_of, outcome.data)
            previous = outcome
            return outcome

        return await self._transport.retrying(attempt, call.label, retriable=_ambiguous)

    async def update_fulfillment_tracking(
        self,
        credentials: ShoplineCredentials,
        order_id: ShoplineOrderId,
        fulfillment_id: str,
        tracking: Sequence[TrackingInfo],
    ) -> ShoplineFulfillment:
        body = {
            "fulfillment": {
                "tracking_info_list": [_tracking_entry(t) for t in tracking],
                "notify_customer": False,
            }
        }
        call = RestCall(
            "POST",
            f"orders/{order_id}/fulfillments/{fulfillment_id}/update_tracking.json",
            WRITE_ORDERS,
            body=body,
        )
        return _mapped(fulfillment_of, await self._call(credentials, call))

    async def cancel_fulfillment(
        self, credentials: ShoplineCredentials, order_id: ShoplineOrderId, fulfillment_id: str
    ) -> ShoplineFulfillment:
        handle, token = credentials.store_handle, credentials.access_token.reveal()
        call = RestCall(
            "POST",
            f"orders/{order_id}/fulfillments/{fulfillment_id}/cancel.json",
            WRITE_ORDERS,
            idempotent=False,
        )

        async def attempt() -> ShoplineFulfillment | Failure:
            outcome = await self._transport.attempt(handle, token, call)
            if isinstance(outcome, RestReply):
                return _mapped(fulfillment_of, outcome.data)
            refused = outcome.kind is FailureKind.REJECTED and outcome.code == "422"
            if refused or (_ambiguous(outcome) and outcome.sent):
                for existing in await self.fulfillments(credentials, order_id):
                    if existing.fulfillment_id == fulfillment_id and existing.status == "cancelled":
                        return existing
            return outcome

        return await self._transport.retrying(attempt, call.label, retriable=_ambiguous)


def fulfillment_of(data: Any) -> ShoplineFulfillment:
    return fulfillment(_obj(data, "data").get("fulfillment"))
