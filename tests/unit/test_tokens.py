"""Token rules: absolute expiries, refresh policy, revocation, and no secret in any text."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.channel import ShopCredentials
from domain.errors import PartnerTokenRevoked, TokenRevoked
from domain.events import TikTokTokenRefreshed, TikTokTokenRevoked
from domain.ids import AppId
from domain.secret import Secret
from domain.tokens import ShoplineGrant, ShoplineToken, TikTokGrant, TikTokToken, TokenState
from tests.unit.builders import SHOP, T0, at

ACCESS = "TTP_access_SECRET_value"
REFRESH = "TTP_refresh_SECRET_value"


def token(access_days: float = 7, refresh_days: float = 365) -> TikTokToken:
    grant = TikTokGrant(Secret(ACCESS), at(days=access_days), Secret(REFRESH), at(days=refresh_days))
    return TikTokToken.issue(SHOP, grant, T0)


def test_refresh_is_due_when_the_access_token_ends_within_48_hours() -> None:
    t = token(access_days=7)
    assert not t.refresh_due(at(days=5) - timedelta(seconds=1))
    assert t.refresh_due(at(days=5))
    assert t.refresh_due(at(days=6, hours=23))


def test_the_refresh_window_is_configurable() -> None:
    assert token(access_days=7).refresh_due(at(days=6, hours=1), window=timedelta(hours=24))
    assert not token(access_days=7).refresh_due(at(days=5), window=timedelta(hours=24))


def test_refresh_is_not_due_once_the_refresh_token_is_expired() -> None:
    t = token(access_days=7, refresh_days=6)
    assert not t.refresh_due(at(days=6))


def test_an_expired_access_token_with_a_valid_refresh_token_is_refreshed_not_reauthorized() -> None:
    t = token(access_days=7)
    assert t.refresh_due(at(days=8))
    assert not t.needs_reauthorization(at(days=8))


def test_both_tokens_expired_means_reauthorization() -> None:
    t = token(access_days=7, refresh_days=30)
    assert not t.needs_reauthorization(at(days=29))
    assert t.needs_reauthorization(at(days=30))
    assert t.state(at(days=30)) is TokenState.EXPIRED


def test_a_refresh_replaces_both_tokens_at_once() -> None:
    t = token()
    new = TikTokGrant(Secret("a2"), at(days=10), Secret("r2"), at(days=400))
    t.refreshed(new, at(days=3))
    assert (t.access_token, t.refresh_token) == (Secret("a2"), Secret("r2"))
    assert (t.access_expires_at, t.refresh_expires_at) == (at(days=10), at(days=400))
    assert t.pull_events() == [TikTokTokenRefreshed(SHOP, at(days=3))]


def test_a_rejected_refresh_revokes_the_token() -> None:
    t = token()
    t.reject_refresh(at(days=1))
    assert t.revoked
    assert t.needs_reauthorization(at(days=1))
    assert t.state(at(days=1)) is TokenState.REVOKED
    assert not t.refresh_due(at(days=6))
    assert t.pull_events() == [TikTokTokenRevoked(SHOP, at(days=1))]


def test_a_revoked_token_cannot_be_refreshed_but_can_be_reissued() -> None:
    t = token()
    t.reject_refresh(at(days=1))
    grant = TikTokGrant(Secret("a2"), at(days=9), Secret("r2"), at(days=400))
    with pytest.raises(TokenRevoked):
        t.refreshed(grant, at(days=2))
    t.reissue(grant, at(days=2))
    assert t.state(at(days=2)) is TokenState.VALID


def test_expiring_soon_when_the_grant_ends_within_30_days() -> None:
    t = token(refresh_days=100)
    assert t.state(at(days=69)) is TokenState.VALID
    assert not t.expiring_soon(at(days=69))
    assert t.expiring_soon(at(days=70))
    assert t.state(at(days=70)) is TokenState.EXPIRING_SOON


def test_shopline_refresh_is_due_at_90_percent_of_the_lifetime() -> None:
    t = ShoplineToken.issue(AppId("a"), ShoplineGrant(Secret("jwt"), at(hours=10)), T0)
    assert t.refresh_at == at(hours=9)
    assert not t.refresh_due(at(hours=9) - timedelta(seconds=1))
    assert t.refresh_due(at(hours=9))
    assert t.state(at(hours=9, days=0)) is TokenState.EXPIRING_SOON
    assert t.state(at(hours=10)) is TokenState.EXPIRED


def test_shopline_refresh_restarts_the_lifetime() -> None:
    t = ShoplineToken.issue(AppId("a"), ShoplineGrant(Secret("jwt"), at(hours=10)), T0)
    t.refreshed(ShoplineGrant(Secret("jwt2"), at(hours=19)), at(hours=9))
    assert t.refresh_at == at(hours=9) + timedelta(hours=9)
    assert t.state(at(hours=10)) is TokenState.VALID
    t.revoke(at(hours=11))
    with pytest.raises(TokenRevoked):
        t.refreshed(ShoplineGrant(Secret("jwt3"), at(hours=30)), at(hours=12))


def test_no_token_value_appears_in_any_text() -> None:
    t = token()
    shopline = ShoplineToken.issue(AppId("a"), ShoplineGrant(Secret("JWT_SECRET_value"), at(hours=10)), T0)
    grant = TikTokGrant(Secret(ACCESS), at(days=7), Secret(REFRESH), at(days=365))
    credentials = ShopCredentials("cipher", Secret(ACCESS))
    texts = [repr(t), str(t), repr(shopline), str(shopline), repr(grant), str(grant), repr(credentials)]
    texts += [repr(Secret(ACCESS)), str(Secret(ACCESS)), f"{Secret(ACCESS)}"]
    texts += [str(PartnerTokenRevoked("tiktok", "36004005", "can not find related auth record"))]
    for text in texts:
        assert "SECRET" not in text, text
    assert t.access_token.reveal() == ACCESS
