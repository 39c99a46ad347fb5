"""Shop rules: regions, display names, status, and one shop per app."""

from __future__ import annotations

import pytest

from domain.authorization import ShopLinking, refresh_rejected
from domain.channel import AuthorizedShop
from domain.errors import InvalidArgument, InvalidDisplayName, ShopLinkedToAnotherApp, UnsupportedRegion
from domain.events import ShopAuthorized, ShopNeedsReauthorization, ShopReauthorized
from domain.ids import ShopId
from domain.secret import Secret
from domain.shop import DisplayName, Region, SellerType, Shop, ShopIdentity, ShopStatus
from domain.tokens import TikTokGrant, TikTokToken, TokenState
from tests.fakes import FakeShopRegistry
from tests.unit.builders import APP_A, APP_B, SHOP, T0, TIKTOK_SHOP, at, identity


@pytest.mark.parametrize("code", ["SG", "MY", "JP", "GB", "US"])
def test_supported_regions_parse(code: str) -> None:
    assert Region.parse(code).value == code


def test_uk_is_an_alias_of_gb() -> None:
    assert Region.parse("UK") is Region.GB
    assert Region.GB.currency == "GBP"


@pytest.mark.parametrize("code", ["ID", "VN", "TH", "PH", "FR", "", "U"])
def test_other_regions_are_unsupported(code: str) -> None:
    with pytest.raises(UnsupportedRegion) as raised:
        Region.parse(code)
    assert raised.value.field == "region"
    assert isinstance(raised.value, InvalidArgument)


def test_display_name_is_trimmed() -> None:
    assert DisplayName.parse("  My shop \t").value == "My shop"


def test_display_name_accepts_any_script() -> None:
    assert DisplayName.parse("東京ストア 本店").value == "東京ストア 本店"


def test_display_name_allows_64_characters_and_no_more() -> None:
    assert len(DisplayName.parse("あ" * 64).value) == 64
    with pytest.raises(InvalidDisplayName):
        DisplayName.parse("あ" * 65)


@pytest.mark.parametrize("text", ["", "   ", "\t\n"])
def test_display_name_must_not_be_empty(text: str) -> None:
    with pytest.raises(InvalidDisplayName):
        DisplayName.parse(text)


@pytest.mark.parametrize("text", ["bad\x07name", "two\nlines", "nul\x00", "del\x7f", "line\u2028sep"])
def test_display_name_rejects_control_characters(text: str) -> None:
    with pytest.raises(InvalidDisplayName) as raised:
        DisplayName.parse(text)
    assert raised.value.field == "display_name"


def _shop() -> Shop:
    shop = Shop.authorize(SHOP, APP_A, identity(), T0)
    shop.pull_events()
    return shop


def test_a_new_shop_is_active_and_announced() -> None:
    shop = Shop.authorize(SHOP, APP_A, identity(name="Maomao beauty"), T0)
    assert shop.status is ShopStatus.ACTIVE
    assert shop.display_name.value == "Maomao beauty"
    assert shop.pull_events() == [ShopAuthorized(SHOP, APP_A, TIKTOK_SHOP, T0)]


def test_reauthorization_returns_to_active_and_keeps_everything() -> None:
    shop = _shop()
    shop.rename(DisplayName.parse("Custom"))
    shop.advance_orders_watermark(at(hours=5))
    shop.mark_needs_reauthorization(at(hours=6))
    assert shop.status is ShopStatus.NEEDS_REAUTHORIZATION
    shop.reauthorize(identity(cipher="GCP_new"), at(hours=7))
    assert shop.status is ShopStatus.ACTIVE
    assert shop.id == SHOP
    assert shop.display_name.value == "Custom"
    assert shop.orders_synced_until == at(hours=5)
    assert shop.cipher == "GCP_new"
    assert shop.reauthorized_at == at(hours=7)


def test_reauthorization_also_revives_a_deauthorized_shop() -> None:
    shop = _shop()
    shop.mark_deauthorized(at(hours=1))
    shop.reauthorize(identity(), at(hours=2))
    assert shop.status is ShopStatus.ACTIVE


def test_reauthorization_must_be_for_the_same_tiktok_shop() -> None:
    with pytest.raises(InvalidArgument):
        _shop().reauthorize(identity(tiktok_shop_id="999"), at(hours=1))


def test_needs_reauthorization_is_announced_once() -> None:
    shop = _shop()
    shop.mark_needs_reauthorization(at(hours=1))
    shop.mark_needs_reauthorization(at(hours=2))
    assert shop.pull_events() == [ShopNeedsReauthorization(SHOP, APP_A, at(hours=1))]


def test_watermarks_never_move_back() -> None:
    shop = _shop()
    shop.advance_orders_watermark(at(hours=5))
    shop.advance_orders_watermark(at(hours=3))
    shop.advance_products_watermark(at(hours=2))
    shop.advance_products_watermark(at(hours=1))
    assert shop.orders_synced_until == at(hours=5)
    assert shop.products_synced_until == at(hours=2)


def test_default_display_name_comes_from_tiktok_cleaned() -> None:
    shop = Shop.authorize(SHOP, APP_A, identity(name="  Shop\nName  "), T0)
    assert shop.display_name.value == "ShopName"
    nameless = Shop.authorize(SHOP, APP_A, identity(name=" "), T0)
    assert nameless.display_name.value == TIKTOK_SHOP


# --- one shop per app ----------------------------------------------------------------------


async def test_linking_a_shop_held_by_another_app_fails_without_revealing_it() -> None:
    registry = FakeShopRegistry()
    linking = ShopLinking(registry)
    await linking.link(APP_A, identity(), None, SHOP, T0)
    with pytest.raises(ShopLinkedToAnotherApp) as raised:
        await linking.link(APP_B, identity(), None, ShopId("shop-2"), at(hours=1))
    error = raised.value
    assert APP_A not in str(error)
    assert all(APP_A not in value for value in error.metadata().values())
    assert APP_A not in repr(vars(error))
    assert "remove it from that app first" in str(error)
    assert await registry.owner(TIKTOK_SHOP) == APP_A


async def test_linking_again_to_the_same_app_reauthorizes_the_same_shop() -> None:
    linking = ShopLinking(FakeShopRegistry())
    shop = await linking.link(APP_A, identity(), None, SHOP, T0)
    shop.mark_needs_reauthorization(at(hours=1))
    again = await linking.link(APP_A, identity(), shop, ShopId("unused"), at(hours=2))
    assert again is shop
    assert again.id == SHOP
    assert again.status is ShopStatus.ACTIVE
    assert isinstance(again.pull_events()[-1], ShopReauthorized)


async def test_a_shop_held_by_another_app_cannot_be_reauthorized_through_it() -> None:
    linking = ShopLinking(FakeShopRegistry())
    shop = await linking.link(APP_A, identity(), None, SHOP, T0)
    with pytest.raises(ShopLinkedToAnotherApp):
        await linking.link(APP_B, identity(), shop, ShopId("shop-2"), at(hours=1))


async def test_deleting_a_shop_frees_its_id_for_any_app() -> None:
    registry = FakeShopRegistry()
    linking = ShopLinking(registry)
    shop = await linking.link(APP_A, identity(), None, SHOP, T0)
    await linking.unlink(shop)
    other = await linking.link(APP_B, identity(), None, ShopId("shop-2"), at(hours=1))
    assert other.app_id == APP_B
    assert await registry.owner(TIKTOK_SHOP) == APP_B


def test_a_rejected_refresh_revokes_the_token_and_asks_for_reauthorization() -> None:
    shop = _shop()
    grant = TikTokGrant(Secret("at"), at(days=7), Secret("rt"), at(days=365))
    token = TikTokToken.issue(SHOP, grant, T0)
    refresh_rejected(token, shop, at(hours=1))
    assert token.state(at(hours=1)) is TokenState.REVOKED
    assert shop.status is ShopStatus.NEEDS_REAUTHORIZATION


def test_identity_from_tiktok_checks_region_and_seller_type() -> None:
    tiktok = AuthorizedShop(TIKTOK_SHOP, "GCP_x", "UK", "CROSS_BORDER", "Maomao")
    assert ShopIdentity.from_authorized_shop(tiktok).region is Region.GB
    assert ShopIdentity.from_authorized_shop(tiktok).seller_type is SellerType.CROSS_BORDER
    with pytest.raises(UnsupportedRegion):
        ShopIdentity.from_authorized_shop(AuthorizedShop(TIKTOK_SHOP, "c", "VN", "LOCAL", "n"))
    with pytest.raises(InvalidArgument):
        ShopIdentity.from_authorized_shop(AuthorizedShop(TIKTOK_SHOP, "c", "SG", "OTHER", "n"))
