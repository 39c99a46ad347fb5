"""Customers (reference B4): find by email, find by phone, get, create.

Email lookup uses `POST customers/query_user_by_email.json` (an exact match with the full record);
phone lookup the fuzzy `GET customers/v2/search.json?query_param=` (phone, email, names, address
lines), keeping only a customer whose phone is the same number. `POST customers.json` is never
repeated blindly: after an ambiguous failure, or SHOPLINE refusing the email or phone as taken,
the customer is looked up again and the one found is the answer.
"""

from __future__ import annotations

import re
from typing import Any

from adapters.http.failures import Failure, FailureKind
from adapters.shopline import mapping
from adapters.shopline.scopes import READ_CUSTOMERS, WRITE_CUSTOMERS
from adapters.shopline.transport import RestCall, RestReply, ShoplineTransport
from domain.customers import NewShoplineCustomer, ShoplineCustomer
from domain.ids import ShoplineCustomerId

SEARCH_LIMIT = 50
FIELDS = "id,email,phone"


def _digits(phone: str) -> str:
    digits = re.sub(r"[^0-9]", "", phone)
    return digits[2:] if phone.strip().startswith("00") else digits


def customer(raw: Any) -> ShoplineCustomer:
    data = raw if isinstance(raw, dict) else None
    if data is None:
        raise mapping.MalformedResponse("customer is not an object")
    customer_id = data.get("id")
    if customer_id in (None, "") or isinstance(customer_id, bool | float):
        raise mapping.MalformedResponse("customer.id is not an id")
    return ShoplineCustomer(
        ShoplineCustomerId(str(customer_id)), str(data.get("email") or ""), str(data.get("phone") or "")
    )


def _found(data: Any) -> ShoplineCustomer | None:
    raw = (data or {}).get("customer") if isinstance(data, dict) else None
    return customer(raw) if raw else None


async def by_email(
    transport: ShoplineTransport, handle: str, token: str, email: str
) -> ShoplineCustomer | None:
    call = RestCall("POST", "customers/query_user_by_email.json", READ_CUSTOMERS, body={"email": email})
    outcome = await transport.retrying(
        lambda: _attempt_tolerating_404(transport, handle, token, call), call.label, retriable=_retriable
    )
    if outcome is None:
        return None
    found = _found(outcome.data)
    return found if found is not None and found.email.strip().lower() == email.strip().lower() else None


async def by_phone(
    transport: ShoplineTransport, handle: str, token: str, phone: str
) -> ShoplineCustomer | None:
    wanted = _digits(phone)
    params: dict[str, str | int] = {"query_param": phone, "limit": SEARCH_LIMIT, "fields": FIELDS}
    reply = await transport.call(
        handle, token, RestCall("GET", "customers/v2/search.json", READ_CUSTOMERS, params)
    )
    for raw in (reply.data or {}).get("customers") or []:
        found = customer(raw)
        if found.phone and _digits(found.phone) == wanted:
            return found
    return None


async def get(
    transport: ShoplineTransport, handle: str, token: str, customer_id: ShoplineCustomerId
) -> ShoplineCustomer | None:
    call = RestCall("GET", f"customers/v2/{customer_id}.json", READ_CUSTOMERS, {"fields": FIELDS})
    outcome = await transport.retrying(
        lambda: _attempt_tolerating_404(transport, handle, token, call), call.label, retriable=_retriable
    )
    return None if outcome is None else _found(outcome.data)


async def create(
    transport: ShoplineTransport, handle: str, token: str, new: NewShoplineCustomer
) -> ShoplineCustomer:
    call = RestCall("POST", "customers.json", WRITE_CUSTOMERS, body=create_body(new), idempotent=False)

    async def existing() -> ShoplineCustomer | None:
        if new.email:
            found = await by_email(transport, handle, token, new.email)
            if found is not None:
                return found
        return await by_phone(transport, handle, token, new.phone) if new.phone else None

    async def attempt() -> ShoplineCustomer | Failure:
        outcome = await transport.attempt(handle, token, call)
        if isinstance(outcome, RestReply):
            created = _found(outcome.data)
            if created is None:
                raise mapping.MalformedResponse("the created customer is missing")
            return created
        taken = outcome.kind is FailureKind.REJECTED and outcome.code == "422"
        if taken or (_ambiguous(outcome) and outcome.sent):
            found = await existing()
            if found is not None:
                return found
        return outcome

    return await transport.retrying(attempt, call.label, retriable=_ambiguous)


def create_body(new: NewShoplineCustomer) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for name in ("email", "phone", "first_name", "last_name", "note", "tags"):
        value = getattr(new, name)
        if value:
            body[name] = value
    return {"customer": body}


async def _attempt_tolerating_404(
    transport: ShoplineTransport, handle: str, token: str, call: RestCall
) -> RestReply | Failure | None:
    """SHOPLINE answers 404 for a customer that is not there: that is an answer, not a failure."""
    outcome = await transport.attempt(handle, token, call)
    if isinstance(outcome, Failure) and outcome.kind is FailureKind.REJECTED and outcome.code == "404":
        return None
    return outcome


def _ambiguous(failure: Failure) -> bool:
    return failure.kind in (FailureKind.UNAVAILABLE, FailureKind.RATE_LIMITED)


def _retriable(failure: Failure) -> bool:
    """Lookups are reads: retried while throttled or down, and whenever nothing was sent."""
    return _ambiguous(failure) or not failure.sent
