"""Carrier mapping: override, normalized name match with aliases, default, and never a guess."""

from __future__ import annotations

import pytest

from domain.fulfillment import (
    DEFAULT_MAPPING_KEY,
    CarrierMapping,
    ResolvedBy,
    carrier_key,
    normalized_carrier,
    resolve_provider,
)
from domain.logistics import ShippingProvider
from tests.unit.builders import T0

ROYAL_MAIL = ShippingProvider("rm", "Royal mail - 24®/48® RM tracked")
EVRI = ShippingProvider("evri", "Hermes/EVRI")
DPD = ShippingProvider("dpd", "DPD")
DPD_LOCAL = ShippingProvider("dpd-local", "DPD Local")
OFFERED = (ROYAL_MAIL, EVRI, DPD, DPD_LOCAL)


def mapping(key: str, provider: ShippingProvider, name: str = "") -> CarrierMapping:
    return CarrierMapping(key, name or key, provider.provider_id, provider.name, T0)


@pytest.mark.parametrize(
    "name, key",
    [
        ("Royal Mail", "royalmail"),
        ("ROYAL MAIL Tracked 48", "royalmail"),
        ("Royal mail - 24®/48® RM tracked", "royalmail"),
        ("Hermes", "evri"),
        ("EVRI", "evri"),
        ("Hermes/EVRI", "evri"),
        ("  D.P.D  ", "dpd"),
        ("DPD Local", "dpdlocal"),
        ("Correos Exprés", "correosexpres"),
        ("J&T Express", "jtexpress"),
    ],
)
def test_carrier_names_fold_to_one_key(name: str, key: str) -> None:
    assert carrier_key(name) == key


def test_normalizing_drops_case_spaces_punctuation_and_marks() -> None:
    assert normalized_carrier("Royal Mail® 24™") == "royalmail24"


def test_an_override_wins_over_the_name() -> None:
    got = resolve_provider("DPD", {"dpd": mapping("dpd", DPD_LOCAL)}, OFFERED)
    assert got.provider == DPD_LOCAL and got.resolved_by is ResolvedBy.OVERRIDE


def test_aliases_match_the_providers_tiktok_offers() -> None:
    assert resolve_provider("Hermes", {}, OFFERED).provider == EVRI
    assert resolve_provider("Royal Mail", {}, OFFERED).provider == ROYAL_MAIL
    assert resolve_provider("dpd", {}, OFFERED).resolved_by is ResolvedBy.NAME_MATCH


def test_an_ambiguous_name_is_not_guessed_and_falls_to_the_default() -> None:
    two_royal_mails = (
        ShippingProvider("rm24", "Royal Mail 24"),
        ShippingProvider("rm48", "Royal Mail 48"),
        DPD,
    )
    blocked = resolve_provider("Royal Mail", {}, two_royal_mails, "opt-1")
    assert blocked.provider is None and "several TikTok providers" in blocked.blocked_reason
    default = resolve_provider(
        "Royal Mail", {DEFAULT_MAPPING_KEY: mapping(DEFAULT_MAPPING_KEY, DPD)}, two_royal_mails
    )
    assert default.provider == DPD and default.resolved_by is ResolvedBy.DEFAULT


def test_a_mapping_to_a_provider_not_offered_for_the_option_is_not_sent() -> None:
    got = resolve_provider(
        "Yodel", {"yodel": mapping("yodel", ShippingProvider("gone", "Gone"))}, OFFERED, "opt-1"
    )
    assert got.provider is None
    assert "'Yodel'" in got.blocked_reason and "does not offer" in got.blocked_reason


def test_an_unknown_carrier_without_default_is_blocked_with_the_name_to_map() -> None:
    got = resolve_provider("Yodel Direct", {}, OFFERED, "opt-1")
    assert got.provider is None and "'Yodel Direct'" in got.blocked_reason and "opt-1" in got.blocked_reason
