"""What an imported order tells SHOPLINE about its recipient: the shipping address as TikTok gives
it (masked where TikTok masks it), the email to use when TikTok hides the buyer's, and the note
attributes that carry the buyer's message, the delivery option and the SLA times.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from domain.channel import NoteAttribute
from domain.logistics import AddressPart, OrderLogistics, RecipientAddress, ShippingType, ShoplineAddress

# SHOPLINE's documented maximum lengths of shipping_address fields (order create, B3).
NAME_MAX = 64
PLACE_MAX = 64
ADDRESS_LINE_MAX = 255

# TikTok relays buyer mail through its own domains (buyer_email, §3.8): such an address reaches
# no one outside TikTok's chat, so SHOPLINE gets the app's default email instead.
RELAY_EMAIL_DOMAINS = ("tiktok.com", "tiktokw.us")

# District levels as TikTok names them (district_info[].address_level_name), by SHOPLINE field.
_PROVINCE_LEVELS = frozenset({"state", "province", "region", "prefecture"})
_CITY_LEVELS = frozenset({"city", "town", "post town", "municipality"})
_AREA_LEVELS = frozenset({"district", "county", "area", "ward", "borough", "subdistrict"})
_COUNTRY_LEVELS = frozenset({"country", "country/region"})

BUYER_MESSAGE = "tiktok_buyer_message"
DELIVERY_OPTION = "tiktok_delivery_option"
FULFILLMENT_TYPE = "tiktok_fulfillment_type"
RTS_SLA_TIME = "tiktok_rts_sla_time"
TTS_SLA_TIME = "tiktok_tts_sla_time"
SHIPPING_DUE_TIME = "tiktok_shipping_due_time"


def is_relay_email(email: str) -> bool:
    """Empty, or an address TikTok made up to hide the buyer's."""
    if "@" not in email:
        return True
    domain = email.rsplit("@", 1)[1].lower()
    return any(domain == relay or domain.endswith(f".{relay}") for relay in RELAY_EMAIL_DOMAINS)


def platform_shipped(logistics: OrderLogistics) -> bool:
    """TikTok's logistics carry the order (TikTok shipping or fulfilled by TikTok): the buyer's
    data reaches the seller encrypted or anonymized."""
    return logistics.fulfilled_by_tiktok or logistics.shipping_type is ShippingType.TIKTOK


def shopline_address(recipient: RecipientAddress, email: str) -> ShoplineAddress | None:
    """The recipient as SHOPLINE's ``shipping_address``; None while TikTok withholds it."""
    if recipient.empty:
        return None
    first, last = _names(recipient)
    lines = [line for line in recipient.address_lines if line]
    if not lines and recipient.address_detail:
        lines = [recipient.address_detail]
    if not lines and recipient.full_address:
        lines = [recipient.full_address]
    province, city, area, country = _places(recipient.districts)
    return ShoplineAddress(
        first_name=first[:NAME_MAX],
        last_name=last[:NAME_MAX],
        phone=recipient.phone,
        email=email,
        address1=(lines[0] if lines else "")[:ADDRESS_LINE_MAX],
        address2=", ".join(lines[1:])[:ADDRESS_LINE_MAX],
        area=area[:PLACE_MAX],
        city=(city or recipient.post_town)[:PLACE_MAX],
        province=province[:PLACE_MAX],
        country=country[:PLACE_MAX],
        country_code=recipient.region_code.upper(),
        zip=recipient.postal_code,
    )


def note_attributes(logistics: OrderLogistics) -> tuple[NoteAttribute, ...]:
    """The buyer's message, the delivery option and the SLA times, each only when TikTok sent it."""
    found = [NoteAttribute(FULFILLMENT_TYPE, logistics.fulfillment_type.value)]
    if logistics.buyer_message:
        found.append(NoteAttribute(BUYER_MESSAGE, logistics.buyer_message))
    option = " ".join(
        part
        for part in (
            logistics.delivery_option_name,
            f"({logistics.delivery_option_id})" if logistics.delivery_option_id else "",
        )
        if part
    )
    if option:
        found.append(NoteAttribute(DELIVERY_OPTION, option))
    for name, moment in (
        (RTS_SLA_TIME, logistics.rts_sla_time),
        (TTS_SLA_TIME, logistics.tts_sla_time),
        (SHIPPING_DUE_TIME, logistics.shipping_due_time),
    ):
        if moment is not None:
            found.append(NoteAttribute(name, _iso(moment)))
    return tuple(found)


def _names(recipient: RecipientAddress) -> tuple[str, str]:
    if recipient.first_name or recipient.last_name:
        return recipient.first_name, recipient.last_name
    name = recipient.name.strip()
    if " " not in name:
        return name, ""
    first, last = name.rsplit(" ", 1)
    return first.strip(), last


def _places(districts: Iterable[AddressPart]) -> tuple[str, str, str, str]:
    """(province, city, area, country): the first district of each kind TikTok names."""
    province = city = area = country = ""
    for part in districts:
        level = part.level_name.strip().lower()
        if level in _PROVINCE_LEVELS and not province:
            province = part.name
        elif level in _CITY_LEVELS and not city:
            city = part.name
        elif level in _AREA_LEVELS and not area:
            area = part.name
        elif level in _COUNTRY_LEVELS and not country:
            country = part.name
    return province, city, area, country


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")
