"""What of a TikTok buyer can identify a SHOPLINE customer: emails within SHOPLINE's limits, phones
TikTok did not mask, in one canonical form."""

from __future__ import annotations

import pytest

from domain.channel import BuyerInfo
from domain.customers import new_customer_for, usable_email, usable_phone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("V2Abc@scs2.tiktok.com", "v2abc@scs2.tiktok.com"),
        (" jane@example.co.uk ", "jane@example.co.uk"),
        ("", None),
        ("no-at-sign.example.com", None),
        ("two@@example.com", None),
        ("jane@example", None),
        ("a" * 40 + "@example.com", None),  # over SHOPLINE's 50 characters
    ],
)
def test_emails(text: str, expected: str | None) -> None:
    assert usable_email(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(+1)2135551212", "+12135551212"),
        ("+44 20 7946 0958", "+442079460958"),
        ("0044-20-7946-0958", "+442079460958"),
        ("(+1)213*****12", None),  # masked by TikTok
        ("2135551212", None),  # no country code: ambiguous
        ("+1 (213) 555", None),  # too short
        ("+1234567890123456789", None),  # too long
        ("", None),
    ],
)
def test_phones(text: str, expected: str | None) -> None:
    assert usable_phone(text) == expected


def test_a_new_customer_carries_only_what_identifies_the_buyer_and_the_name() -> None:
    buyer = BuyerInfo(user_id="u1", email="v2x@scs2.tiktok.com", name="Jane van D***", phone="(+1)213*****12")
    new = new_customer_for(buyer, "TIKTOK_SHOP:1:2")
    assert (new.email, new.phone, new.first_name, new.last_name) == (
        "v2x@scs2.tiktok.com",
        None,
        "Jane",
        "van D***",
    )
    assert "TIKTOK_SHOP:1:2" in new.note
    assert "v2x" not in repr(new)
