"""Customers (reference B4; fields and limits as SHOPLINE's Create a customer, v20251201): create
with validation (email format and at most 50 characters, phone digits with `+` or `00` and at most
20 characters, names at most 128), a taken email or phone refused with 422 as SHOPLINE refuses a
duplicate; find by email (exact), the fuzzy search over phone, email and names, and get by id."""

from __future__ import annotations

import re
from typing import Any

from sandbox.shopline.errors import ShoplineError
from sandbox.shopline.gateway import Reply, SlCall, SlRoute
from sandbox.shopline.models import Customer, Store
from sandbox.shopline.render import iso, project

EMAIL_MAX = 50
PHONE_MAX = 20
NAME_MAX = 128
NOTE_MAX = 1000
TAGS_MAX, TAG_MAX, TAG_COUNT_MAX = 1000, 128, 100
QUERY_PARAM_MAX = 50
SEARCH_LIMIT_MAX = 250
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
_PHONE = re.compile(r"(\+|00)?[0-9]{6,18}")


def phone_digits(phone: str) -> str:
    """The number without its international prefix: `+44...` and `0044...` are the same phone."""
    compact = re.sub(r"[\s\-()]", "", phone)
    if compact.startswith("+"):
        return compact[1:]
    return compact[2:] if compact.startswith("00") else compact


def customer_json(customer: Customer) -> dict[str, Any]:
    return {
        "id": customer.id,
        "email": customer.email,
        "phone": customer.phone,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "note": customer.note,
        "tags": customer.tags,
        "state": 1,
        "orders_count": customer.orders_count,
        "created_at": iso(customer.created_at),
        "updated_at": iso(customer.updated_at),
    }


def _text(body: dict[str, Any], name: str, limit: int) -> str:
    value = body.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ShoplineError(422, f"customer.{name} must be a string")
    if len(value) > limit:
        raise ShoplineError(422, f"customer.{name} must be at most {limit} characters")
    return value


def _email(store: Store, body: dict[str, Any]) -> str | None:
    email = _text(body, "email", EMAIL_MAX).strip()
    if not email:
        return None
    if not _EMAIL.fullmatch(email):
        raise ShoplineError(422, "customer.email is invalid")
    if any((c.email or "").lower() == email.lower() for c in store.customers.values()):
        raise ShoplineError(422, "customer.email has already been taken")
    return email


def _phone(store: Store, body: dict[str, Any]) -> str | None:
    phone = _text(body, "phone", PHONE_MAX).strip()
    if not phone:
        return None
    if not _PHONE.fullmatch(re.sub(r"[\s\-()]", "", phone)):
        raise ShoplineError(422, "customer.phone is invalid")
    digits = phone_digits(phone)
    if any(c.phone and phone_digits(c.phone) == digits for c in store.customers.values()):
        raise ShoplineError(422, "customer.phone has already been taken")
    return phone


def _tags(body: dict[str, Any]) -> str:
    tags = _text(body, "tags", TAGS_MAX)
    parts = [tag.strip() for tag in tags.split(",") if tag.strip()]
    if len(parts) > TAG_COUNT_MAX or any(len(tag) > TAG_MAX for tag in parts):
        raise ShoplineError(422, f"customer.tags allows {TAG_COUNT_MAX} tags of {TAG_MAX} characters")
    return ",".join(parts)


async def create_customer(call: SlCall) -> Reply:
    body = call.json().get("customer")
    if not isinstance(body, dict):
        raise ShoplineError(400, "body.customer is required")
    store = call.store
    email, phone = _email(store, body), _phone(store, body)
    if email is None and phone is None:
        raise ShoplineError(422, "customer.email or customer.phone is required")
    now = call.now
    customer = Customer(
        id=f"42{len(store.customers) + 1:08d}",
        email=email,
        phone=phone,
        first_name=_text(body, "first_name", NAME_MAX),
        last_name=_text(body, "last_name", NAME_MAX),
        note=_text(body, "note", NOTE_MAX),
        tags=_tags(body),
        created_at=now,
        updated_at=now,
    )
    store.customers[customer.id] = customer
    call.touch()
    return Reply({"customer": customer_json(customer)})


async def query_by_email(call: SlCall) -> Reply:
    email = call.json().get("email")
    if not isinstance(email, str) or not email.strip():
        raise ShoplineError(400, "email is required")
    wanted = email.strip().lower()
    for customer in call.store.customers.values():
        if (customer.email or "").lower() == wanted:
            return Reply({"customer": customer_json(customer)})
    raise ShoplineError(404, "The customer does not exist.")


def _matches(customer: Customer, needle: str) -> bool:
    texts = [customer.email or "", customer.phone or "", customer.first_name, customer.last_name]
    if any(needle.lower() in text.lower() for text in texts):
        return True
    digits = re.sub(r"[^0-9]", "", needle)
    return (
        len(digits) >= 6
        and bool(customer.phone)
        and phone_digits(needle) in phone_digits(customer.phone or "")
    )


async def search_customers(call: SlCall) -> Reply:
    needle = call.query.get("query_param", "")
    if len(needle) > QUERY_PARAM_MAX:
        raise ShoplineError(400, f"query_param must be at most {QUERY_PARAM_MAX} characters")
    raw_limit = call.query.get("limit", "50")
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= SEARCH_LIMIT_MAX:
        raise ShoplineError(400, f"limit must be 1-{SEARCH_LIMIT_MAX}")
    found = [c for c in call.store.customers.values() if not needle or _matches(c, needle)]
    found.sort(key=lambda c: (-c.created_at, c.id))
    fields = call.query.get("fields")
    return Reply({"customers": [project(customer_json(c), fields) for c in found[: int(raw_limit)]]})


async def get_customer(call: SlCall) -> Reply:
    customer = call.store.customers.get(call.path_params["customer_id"])
    if customer is None:
        raise ShoplineError(404, "The customer does not exist.")
    return Reply({"customer": project(customer_json(customer), call.query.get("fields"))})


# Scopes per reference B4 (`read/write_customers`).
ROUTES = [
    SlRoute("POST", "customers.json", create_customer, ("write_customers",)),
    SlRoute("POST", "customers/query_user_by_email.json", query_by_email, ("read_customers",)),
    SlRoute("GET", "customers/v2/search.json", search_customers, ("read_customers",)),
    SlRoute("GET", "customers/v2/{customer_id}.json", get_customer, ("read_customers",)),
]
