"""Customers (reference B4) between the client and the sandbox: find by email and by phone, get,
create with SHOPLINE's validation, duplicates refused, a lost create answer found again, and an
order created with its customer."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain.customers import NewShoplineCustomer
from domain.errors import PartnerRejected
from domain.ids import ShoplineCustomerId

from .test_shopline_client import new_order  # noqa: TID252


def new(email: str | None = None, phone: str | None = None) -> NewShoplineCustomer:
    return NewShoplineCustomer(
        email=email, phone=phone, first_name="Jane", last_name="D***", tags="TikTok Shop"
    )


async def test_a_created_customer_is_found_by_email_by_phone_and_by_id(client, credentials) -> None:
    created = await client.create_customer(credentials, new("v2abc@scs2.tiktok.com", "+442079460958"))
    assert created.customer_id
    by_email = await client.find_customer_by_email(credentials, "V2ABC@scs2.tiktok.com")
    assert by_email is not None and by_email.customer_id == created.customer_id
    by_phone = await client.find_customer_by_phone(credentials, "+442079460958")
    assert by_phone is not None and by_phone.customer_id == created.customer_id
    assert await client.get_customer(credentials, created.customer_id) == by_email
    assert await client.find_customer_by_email(credentials, "nobody@example.com") is None
    assert await client.find_customer_by_phone(credentials, "+442079460959") is None
    assert await client.get_customer(credentials, ShoplineCustomerId("4299999999")) is None


async def test_a_phone_stored_with_the_00_prefix_is_the_same_number(sandbox, client, credentials) -> None:
    sandbox.control.create_store_customer(sandbox.shopline_handle, phone="00442079460958")
    found = await client.find_customer_by_phone(credentials, "+442079460958")
    assert found is not None and found.phone == "00442079460958"


@pytest.mark.parametrize(
    ("email", "phone", "message"),
    [
        ("not-an-email", None, "customer.email is invalid"),
        ("a" * 45 + "@x.com", None, "customer.email must be at most 50 characters"),
        (None, "12ab34", "customer.phone is invalid"),
        (None, "+1234567890123456789012", "customer.phone must be at most 20 characters"),
        (None, None, "customer.email or customer.phone is required"),
    ],
)
async def test_invalid_customers_are_refused(client, credentials, email, phone, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PartnerRejected) as caught:
        await client.create_customer(credentials, new(email, phone))
    assert caught.value.code == "422"
    assert message in caught.value.message


async def test_a_taken_email_or_phone_is_refused_unless_it_is_the_same_customer(
    sandbox, client, credentials
) -> None:  # type: ignore[no-untyped-def]
    first = await client.create_customer(credentials, new("jane@example.com", "+12135551212"))
    # Creating the same customer again answers with the one SHOPLINE holds (a retry after a lost reply).
    assert (
        await client.create_customer(credentials, new("JANE@example.com"))
    ).customer_id == first.customer_id
    store = sandbox.control.shopline.store(sandbox.shopline_handle)
    assert len(store.customers) == 1
    raw = await sandbox_create(client, credentials, {"email": "jane@example.com"})
    assert raw.status_code == 422 and "already been taken" in raw.text
    raw = await sandbox_create(client, credentials, {"email": "other@example.com", "phone": "0012135551212"})
    assert raw.status_code == 422 and "customer.phone has already been taken" in raw.text


async def test_a_lost_create_answer_leaves_one_customer(sandbox, client, credentials) -> None:
    sandbox.control.add_fault(
        "lost_response", service="shopline", pattern="POST /admin/openapi/*/customers.json", count=1
    )
    created = await client.create_customer(credentials, new("lost@example.com"))
    assert sandbox.control.faults() == []  # its one lost answer happened (the rule is used up)
    store = sandbox.control.shopline.store(sandbox.shopline_handle)
    assert [c.id for c in store.customers.values()] == [created.customer_id]


async def test_an_order_is_created_with_its_customer_and_an_unknown_one_is_refused(
    sandbox, client, credentials
) -> None:  # type: ignore[no-untyped-def]
    variant = sandbox.control.shopline_variants(sandbox.shopline_handle, 1)[0]
    customer = await client.create_customer(credentials, new("buyer@example.com"))
    ref = await client.create_order(
        credentials, replace(new_order(variant), customer_id=customer.customer_id)
    )
    held = sandbox.control.shopline.store(sandbox.shopline_handle).orders[ref.order_id]
    assert held.payload["customer"]["id"] == customer.customer_id
    assert held.payload["customer"]["email"] == "buyer@example.com"
    with pytest.raises(PartnerRejected) as caught:
        await client.create_order(
            credentials,
            replace(new_order(variant, marker="TT-2"), customer_id=ShoplineCustomerId("4299999999")),
        )
    assert "order.customer.id does not exist" in caught.value.message


async def sandbox_create(client, credentials, customer: dict):  # type: ignore[no-untyped-def]
    """A raw create, to see SHOPLINE's refusal as it is."""
    url = client.transport.rest_url(credentials.store_handle, "customers.json", {})
    return await client.transport._http.post(  # the client's own connection pool
        url,
        json={"customer": customer},
        headers={"Authorization": f"Bearer {credentials.access_token.reveal()}"},
    )
