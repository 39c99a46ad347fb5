"""Buyers of imported orders as SHOPLINE customers, matched as SHOPLINE's Multichannel Connect does
(shopline-api.md C4): by email, then phone, then the customer this service linked the channel
buyer to before; a new customer is created when none matches. The link (app, TikTok buyer user id)
-> SHOPLINE customer id is kept, so later orders of the buyer and the analytics find it again.

TikTok gives buyer data masked or as relay addresses; what cannot identify a customer (a masked
phone, an address over SHOPLINE's length limit) is left out rather than sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from domain.channel import BuyerInfo
from domain.ids import AppId, ShoplineCustomerId

EMAIL_MAX_LENGTH = 50
"""SHOPLINE's limit on a customer's email (Create a customer, v20251201)."""
PHONE_MAX_LENGTH = 20
NAME_MAX_LENGTH = 128
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
_PHONE_DIGITS = re.compile(r"[0-9]{8,18}")  # country code and subscriber number


class MatchedBy(Enum):
    EMAIL = "EMAIL"
    PHONE = "PHONE"
    CHANNEL_CUSTOMER_ID = "CHANNEL_CUSTOMER_ID"
    """The customer this service linked the TikTok buyer to before."""
    CREATED = "CREATED"


@dataclass(frozen=True)
class ShoplineCustomer:
    customer_id: ShoplineCustomerId
    email: str = field(default="", repr=False)
    phone: str = field(default="", repr=False)


@dataclass(frozen=True)
class NewShoplineCustomer:
    email: str | None = field(default=None, repr=False)
    phone: str | None = field(default=None, repr=False)
    first_name: str = field(default="", repr=False)
    last_name: str = field(default="", repr=False)
    note: str = ""
    tags: str = ""


@dataclass(frozen=True)
class CustomerLink:
    app_id: AppId
    tiktok_user_id: str
    shopline_customer_id: ShoplineCustomerId
    matched_by: MatchedBy
    linked_at: datetime


def usable_email(text: str) -> str | None:
    """The email as SHOPLINE takes it (lowercase), or None when it cannot be one."""
    email = text.strip().lower()
    if not email or len(email) > EMAIL_MAX_LENGTH or not _EMAIL.fullmatch(email):
        return None
    return email


def usable_phone(text: str) -> str | None:
    """``(+1)2135551212``, ``+44 20 7946 0958`` or ``0044...`` as ``+<digits>``; None for a masked
    or malformed number (TikTok masks recipient phones: ``(+1)213*****12``)."""
    raw = text.strip()
    if not raw or "*" in raw:
        return None
    international = raw.startswith(("+", "(+", "00"))
    digits = re.sub(r"[\s()\-.+]", "", raw)
    if digits.startswith("00"):
        digits = digits[2:]
    if not international or not _PHONE_DIGITS.fullmatch(digits) or len(digits) + 1 > PHONE_MAX_LENGTH:
        return None
    return f"+{digits}"


def new_customer_for(buyer: BuyerInfo, marker: str) -> NewShoplineCustomer:
    """What SHOPLINE gets about a TikTok buyer: only an identifying email or phone, and the name."""
    first, _, last = buyer.name.strip().partition(" ")
    return NewShoplineCustomer(
        email=usable_email(buyer.email),
        phone=usable_phone(buyer.phone),
        first_name=first[:NAME_MAX_LENGTH],
        last_name=last.strip()[:NAME_MAX_LENGTH],
        note=f"Buyer of TikTok Shop order {marker}",
        tags="TikTok Shop",
    )
