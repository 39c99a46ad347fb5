"""Order refunds (reference B3: `POST order/refund.json`, `GET orders/{id}/refunds.json`; fields as
in SHOPLINE's Go SDK `order_refund.go`), behind ``domain.ports.ShoplineRefundsApi``.

SHOPLINE takes no idempotency key for refunds, so the refund carries its own key in its note, and
`order/refund.json` is never repeated blindly: after an ambiguous failure (timeout, reset, 5xx,
429 once the request went out) the order's refunds are read back for the key first, and the refund
is sent again only when it is not there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from adapters.http.failures import Failure, FailureKind
from adapters.shopline.client import ShoplineClient
from adapters.shopline.mapping import MalformedResponse
from adapters.shopline.scopes import READ_ORDERS, WRITE_ORDERS
from adapters.shopline.transport import PARTNER, RestCall, RestReply
from domain.channel import ShoplineCredentials
from domain.errors import PartnerRejected
from domain.ids import ShoplineOrderId, ShoplineVariantId
from domain.returns.shopline import NewShoplineRefund, ShoplineOrderItem, ShoplineRefund, ShoplineRefundLine

T = TypeVar("T")

RESTOCK = "return"
NO_RESTOCK = "no_restock"


def _mapped(convert: Callable[[Any], T], raw: Any) -> T:
    try:
        return convert(raw)
    except (MalformedResponse, AttributeError, KeyError, TypeError, ValueError) as exc:
        raise PartnerRejected(PARTNER, "malformed_response", str(exc)) from None


def _items(order: Any) -> list[ShoplineOrderItem]:
    found = []
    for raw in order["line_items"]:
        variant = raw.get("variant_id")
        location = raw.get("location_id")
        found.append(
            ShoplineOrderItem(
                line_item_id=str(raw["id"]),
                variant_id=None if variant in (None, "") else ShoplineVariantId(str(variant)),
                title=str(raw.get("title") or ""),
                quantity=int(raw["quantity"]),
                location_id=None if location in (None, "") else str(location),
            )
        )
    return found


def refund_from_json(raw: Any) -> ShoplineRefund:
    return ShoplineRefund(
        refund_id=str(raw["id"]),
        order_id=ShoplineOrderId(str(raw["order_id"])),
        note=str(raw.get("note") or ""),
        lines=tuple(
            ShoplineRefundLine(
                line_item_id=str(item["line_item_id"]),
                quantity=int(item["quantity"]),
                restock=item.get("restock_type", NO_RESTOCK) != NO_RESTOCK,
                location_id=None if item.get("location_id") is None else str(item["location_id"]),
            )
            for item in raw.get("refund_line_items") or []
        ),
    )


def refund_body(refund: NewShoplineRefund) -> dict[str, Any]:
    lines = []
    for line in refund.lines:
        entry: dict[str, Any] = {
            "line_item_id": line.line_item_id,
            "quantity": line.quantity,
            "restock_type": RESTOCK if line.restock else NO_RESTOCK,
        }
        if line.restock and line.location_id is not None:
            entry["location_id"] = line.location_id
        lines.append(entry)
    return {
        "order_id": refund.order_id,
        "currency": refund.currency,
        "note": refund.marker,
        "notify": False,
        "refund_line_items": lines,
    }


def _ambiguous(failure: Failure) -> bool:
    return failure.kind in (FailureKind.UNAVAILABLE, FailureKind.RATE_LIMITED)


class ShoplineRefundsClient:
    """Implements ``ShoplineRefundsApi`` over the SHOPLINE client's transport."""

    def __init__(self, shopline: ShoplineClient) -> None:
        self._transport = shopline.transport

    async def order_items(
        self, credentials: ShoplineCredentials, order_id: ShoplineOrderId
    ) -> list[ShoplineOrderItem]:
        call = RestCall("GET", f"orders/{order_id}.json", READ_ORDERS, {"fields": "id,line_items"})
        reply = await self._transport.call(credentials.store_handle, credentials.access_token.reveal(), call)
        return _mapped(lambda data: _items(data["order"]), reply.data)

    async def find_refund(
        self, credentials: ShoplineCredentials, order_id: ShoplineOrderId, marker: str
    ) -> ShoplineRefund | None:
        call = RestCall("GET", f"orders/{order_id}/refunds.json", READ_ORDERS)
        reply = await self._transport.call(credentials.store_handle, credentials.access_token.reveal(), call)
        refunds = _mapped(
            lambda data: [refund_from_json(raw) for raw in data.get("refunds") or []], reply.data
        )
        return next((refund for refund in refunds if refund.note == marker), None)

    async def create_refund(
        self, credentials: ShoplineCredentials, refund: NewShoplineRefund
    ) -> ShoplineRefund:
        call = RestCall("POST", "order/refund.json", WRITE_ORDERS, body=refund_body(refund), idempotent=False)
        handle, token = credentials.store_handle, credentials.access_token.reveal()
        previous: Failure | None = None

        async def attempt() -> ShoplineRefund | Failure:
            nonlocal previous
            if previous is not None and previous.sent:
                found = await self.find_refund(credentials, refund.order_id, refund.marker)
                if found is not None:
                    return found
            outcome = await self._transport.attempt(handle, token, call)
            if isinstance(outcome, RestReply):
                return _mapped(lambda data: refund_from_json(data["data"]), outcome.data)
            previous = outcome
            return outcome

        return await self._transport.retrying(attempt, call.label, retriable=_ambiguous)
