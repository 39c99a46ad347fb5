"""Orders (reference B3): create without duplicates, find by channel marker, cancel, list by update.

`POST orders.json` is never repeated blindly. After an ambiguous failure (timeout, reset, 5xx, or
a 429) the client first looks for the order by its channel marker and creates it again only when
it is not there. The lookup uses `search_content` (order number), then the orders created since
the first attempt, matching the marker note attribute exactly.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from datetime import UTC, datetime
from typing import Any

from adapters.http.failures import Failure, FailureKind
from adapters.shopline import mapping
from adapters.shopline.scopes import READ_ORDERS, WRITE_ORDERS
from adapters.shopline.transport import RestCall, RestReply, ShoplineTransport, iterate_pages
from domain.channel import NewShoplineOrder, ShoplineOrderRef
from domain.logistics import ShoplineAddress

log = logging.getLogger("adapters.shopline")

ORDER_PAGE_LIMIT = 100
LOOKUP_FIELDS = "id,name,status,updated_at,created_at,note_attributes,tags"
# Orders created this long before the first attempt still count: clocks of both sides differ.
LOOKUP_CLOCK_SLACK_S = 300


def _matching(data: Any, marker: str) -> ShoplineOrderRef | None:
    for raw in (data or {}).get("orders") or []:
        if isinstance(raw, dict) and mapping.channel_marker(raw) == marker:
            return mapping.order_ref(raw)
    return None


async def find_by_marker(
    transport: ShoplineTransport, handle: str, token: str, marker: str, *, created_since: float | None = None
) -> ShoplineOrderRef | None:
    searches = [{"status": "any", "search_content": marker, "fields": LOOKUP_FIELDS}]
    if created_since is not None:
        since = datetime.fromtimestamp(created_since - LOOKUP_CLOCK_SLACK_S, UTC)
        searches.append({"status": "any", "created_at_min": mapping.iso_text(since), "fields": LOOKUP_FIELDS})
    for params in searches:
        async for data in iterate_pages(
            transport, handle, token, RestCall("GET", "orders.json", READ_ORDERS, params), ORDER_PAGE_LIMIT
        ):
            found = _matching(data, marker)
            if found is not None:
                return found
    return None


def _ambiguous(failure: Failure) -> bool:
    """The request may have been carried out although no success came back."""
    return failure.kind in (FailureKind.UNAVAILABLE, FailureKind.RATE_LIMITED)


async def create(
    transport: ShoplineTransport, handle: str, token: str, order: NewShoplineOrder, inventory_behaviour: str
) -> ShoplineOrderRef:
    call = RestCall(
        "POST",
        "orders.json",
        WRITE_ORDERS,
        body=mapping.new_order_body(order, inventory_behaviour),
        idempotent=False,
    )
    started = transport.clock()
    previous: Failure | None = None

    async def attempt() -> ShoplineOrderRef | Failure:
        nonlocal previous
        if previous is not None and previous.sent:
            found = await find_by_marker(
                transport, handle, token, order.channel_marker, created_since=started
            )
            if found is not None:
                log.info("shopline order for marker found after %s; not creating it again", previous.code)
                return found
        outcome = await transport.attempt(handle, token, call)
        if isinstance(outcome, RestReply):
            return mapping.order_ref((outcome.data or {}).get("order"))
        previous = outcome
        return outcome

    def delay(retry_number: int, failure: Failure) -> float:
        wait = transport.policy.delay(retry_number, failure.retry_after_s)
        if failure.code == "timeout":
            # The timed-out request may still be running on the server: give it as long again.
            wait = max(wait, transport.timeout.read or 0.0)
        return wait

    return await transport.retrying(attempt, call.label, retriable=_ambiguous, delay=delay)


async def get(transport: ShoplineTransport, handle: str, token: str, order_id: str) -> Any:
    call = RestCall("GET", f"orders/{order_id}.json", READ_ORDERS, {"fields": LOOKUP_FIELDS})
    return ((await transport.call(handle, token, call)).data or {}).get("order")


async def has_fulfillment(transport: ShoplineTransport, handle: str, token: str, order_id: str) -> bool:
    call = RestCall(
        "GET", f"orders/{order_id}.json", READ_ORDERS, {"fields": "id,fulfillment_status,fulfillments"}
    )
    return mapping.has_live_fulfillment(((await transport.call(handle, token, call)).data or {}).get("order"))


async def update_shipping_address(
    transport: ShoplineTransport, handle: str, token: str, order_id: str, address: ShoplineAddress
) -> None:
    """The same address twice gives the same order: safe to retry."""
    call = RestCall(
        "PUT",
        f"orders/{order_id}.json",
        WRITE_ORDERS,
        body={"order": {"id": order_id, "shipping_address": mapping.address_body(address, complete=True)}},
        idempotent=True,
    )
    await transport.call(handle, token, call)


async def cancel(
    transport: ShoplineTransport, handle: str, token: str, order_id: str, *, restock: bool, reason: str
) -> None:
    """Cancelling twice is refused by SHOPLINE, so after an ambiguous failure or a refusal the
    order is read back: already cancelled counts as done."""
    call = RestCall(
        "POST",
        f"orders/{order_id}/cancel.json",
        WRITE_ORDERS,
        body={"restock": restock, "cancel_reason": reason, "email": False},
        idempotent=False,
    )

    async def attempt() -> bool | Failure:
        outcome = await transport.attempt(handle, token, call)
        if isinstance(outcome, RestReply):
            return True
        refused = outcome.kind is FailureKind.REJECTED and outcome.code == "422"
        if refused or (_ambiguous(outcome) and outcome.sent):
            current = await get(transport, handle, token, order_id)
            if isinstance(current, dict) and current.get("status") == "cancelled":
                return True
        return outcome

    await transport.retrying(attempt, call.label, retriable=_ambiguous)


def updated_between(
    transport: ShoplineTransport, handle: str, token: str, updated_at_min: datetime, updated_at_max: datetime
) -> AsyncGenerator[Any, None]:
    params = {
        "status": "any",
        "updated_at_min": mapping.iso_text(updated_at_min),
        "updated_at_max": mapping.iso_text(updated_at_max),
        "fields": LOOKUP_FIELDS,
    }
    return iterate_pages(
        transport, handle, token, RestCall("GET", "orders.json", READ_ORDERS, params), ORDER_PAGE_LIMIT
    )
