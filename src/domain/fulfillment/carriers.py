"""Carrier mapping: which TikTok shipping provider a SHOPLINE carrier name stands for (M2).

Resolution for one order's delivery option, in order: (a) the shop's override for the carrier,
(b) a unique match of the normalized name (aliases such as Hermes/Evri count as the same
carrier) among the providers TikTok offers for the option, (c) the shop's default provider,
(d) nothing: the shipment is blocked and the merchant is asked to map the carrier. A provider
TikTok does not offer for the option is never sent, and an ambiguous name is never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from domain.logistics import ShippingProvider

DEFAULT_MAPPING_KEY = "default"
"""The resource id of a shop's default provider (no carrier normalizes to it: see ``carrier_key``)."""
CARRIER_NAME_MAX = 128

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")

# Names of one carrier under its different brandings; the key is the canonical form.
_ALIASES: dict[str, frozenset[str]] = {
    "evri": frozenset({"hermes", "evri", "hermesevri", "evrihermes", "myhermes", "hermesuk", "evriuk"}),
    "royalmail": frozenset({"royalmail", "royalmailuk", "rm", "royalmailtracked", "royalmailrmtracked"}),
    "parcelforce": frozenset({"parcelforce", "parcelforceworldwide"}),
    "usps": frozenset({"usps", "unitedstatespostalservice", "uspostalservice"}),
    "ups": frozenset({"ups", "unitedparcelservice"}),
    "fedex": frozenset({"fedex", "federalexpress"}),
    "dhl": frozenset({"dhl", "dhlexpress"}),
    "yamato": frozenset({"yamato", "yamatotransport", "kuronekoyamato"}),
    "sagawa": frozenset({"sagawa", "sagawaexpress"}),
    "japanpost": frozenset({"japanpost", "jppost", "yupack"}),
    "jtexpress": frozenset({"jt", "jtexpress", "jandtexpress", "jnt", "jntexpress"}),
    "ninjavan": frozenset({"ninjavan", "ninjavanexpress"}),
}
_CANONICAL = {alias: canonical for canonical, aliases in _ALIASES.items() for alias in aliases}
# Royal Mail's services ("Royal mail - 24®/48® RM tracked", "Royal Mail Tracked 48") are one carrier.
_ROYAL_MAIL_SERVICE = re.compile(r"^royalmail(tracked)?(24|48|2448|special|signed|rmtracked|tracked)*$")


def normalized_carrier(name: str) -> str:
    """Case-folded, accents dropped, without spaces, punctuation or marks such as ® and ™."""
    folded = unicodedata.normalize("NFKD", name.casefold().replace("&", "and"))
    ascii_only = folded.encode("ascii", "ignore").decode()
    return _NOT_ALNUM.sub("", ascii_only)


def carrier_key(name: str) -> str:
    """The key a carrier is known by: its normalized name, aliases folded into one."""
    normalized = normalized_carrier(name)
    if _ROYAL_MAIL_SERVICE.match(normalized):
        return "royalmail"
    return _CANONICAL.get(normalized, normalized)


class ResolvedBy(Enum):
    OPERATOR = "OPERATOR"
    OVERRIDE = "OVERRIDE"
    NAME_MATCH = "NAME_MATCH"
    DEFAULT = "DEFAULT"


@dataclass(frozen=True)
class CarrierMapping:
    """The shop's override: SHOPLINE carrier ``carrier_name`` ships as TikTok provider
    ``provider_id``; with ``carrier_key`` ``DEFAULT_MAPPING_KEY`` it is the shop's default."""

    carrier_key: str
    carrier_name: str
    provider_id: str
    provider_name: str
    updated_at: datetime

    @property
    def is_default(self) -> bool:
        return self.carrier_key == DEFAULT_MAPPING_KEY


@dataclass(frozen=True)
class Resolution:
    provider: ShippingProvider | None
    resolved_by: ResolvedBy | None = None
    blocked_reason: str = ""


def resolve_provider(
    carrier_name: str,
    mappings: Mapping[str, CarrierMapping],
    offered: Sequence[ShippingProvider],
    delivery_option: str = "",
) -> Resolution:
    """The provider for ``carrier_name`` among ``offered`` (TikTok's providers for the order's
    delivery option), per the shop's ``mappings`` keyed by ``carrier_key``."""
    by_id = {provider.provider_id: provider for provider in offered}
    key = carrier_key(carrier_name)
    notes: list[str] = []
    override = mappings.get(key) if key and key != DEFAULT_MAPPING_KEY else None
    if override is not None:
        if override.provider_id in by_id:
            return Resolution(by_id[override.provider_id], ResolvedBy.OVERRIDE)
        notes.append(f"its mapping names provider {override.provider_id}, which TikTok does not offer here")
    if key:
        matches = [provider for provider in offered if carrier_key(provider.name) == key]
        if len(matches) == 1:
            return Resolution(matches[0], ResolvedBy.NAME_MATCH)
        if len(matches) > 1:
            names = ", ".join(sorted(provider.name for provider in matches))
            notes.append(f"it matches several TikTok providers ({names})")
    default = mappings.get(DEFAULT_MAPPING_KEY)
    if default is not None:
        if default.provider_id in by_id:
            return Resolution(by_id[default.provider_id], ResolvedBy.DEFAULT)
        notes.append(f"the shop's default provider {default.provider_id} is not offered here")
    shown = carrier_name.strip() or "(no carrier name)"
    where = f" for delivery option {delivery_option}" if delivery_option else ""
    detail = f" ({'; '.join(notes)})" if notes else ""
    reason = (
        f"carrier {shown!r} has no TikTok shipping provider{where}{detail}: "
        "map it with UpdateCarrierMapping or set the shop's default provider"
    )
    if not offered:
        reason = f"TikTok offers no shipping provider{where}; carrier {shown!r} cannot be mapped yet"
    return Resolution(None, blocked_reason=reason)
