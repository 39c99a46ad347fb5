"""Token policy against an hour-based model of expiries, refreshes and revocation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from domain.errors import TokenRevoked
from domain.ids import AppId, ShopId
from domain.secret import Secret
from domain.tokens import ShoplineGrant, ShoplineToken, TikTokGrant, TikTokToken, TokenState
from tests.unit.builders import T0

WINDOW_HOURS = 48
WARNING_HOURS = 30 * 24


def hours(n: int) -> timedelta:
    return timedelta(hours=n)


class TikTokTokenMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.now = 0
        self.access, self.refresh, self.revoked = 7 * 24, 365 * 24, False
        self.serial = 0
        self.token = TikTokToken.issue(ShopId("s"), self._grant(), T0)

    def _grant(self) -> TikTokGrant:
        self.serial += 1
        return TikTokGrant(
            Secret(f"access-{self.serial}"),
            T0 + hours(self.access),
            Secret(f"refresh-{self.serial}"),
            T0 + hours(self.refresh),
        )

    @rule(step=st.integers(0, 24 * 200))
    def time_passes(self, step: int) -> None:
        self.now += step

    @rule(access=st.integers(1, 24 * 10), refresh=st.integers(1, 24 * 400))
    def refresh_succeeds(self, access: int, refresh: int) -> None:
        before = (self.access, self.refresh)
        self.access, self.refresh = self.now + access, self.now + refresh
        grant = self._grant()
        if self.revoked:
            self.access, self.refresh = before
            with pytest.raises(TokenRevoked):
                self.token.refreshed(grant, T0 + hours(self.now))
            return
        self.token.refreshed(grant, T0 + hours(self.now))
        assert self.token.access_token == grant.access_token
        assert self.token.refresh_token == grant.refresh_token

    @rule()
    def refresh_rejected(self) -> None:
        self.token.reject_refresh(T0 + hours(self.now))
        self.revoked = True

    @rule(access=st.integers(1, 24 * 10), refresh=st.integers(1, 24 * 400))
    def reauthorized(self, access: int, refresh: int) -> None:
        self.access, self.refresh = self.now + access, self.now + refresh
        self.token.reissue(self._grant(), T0 + hours(self.now))
        self.revoked = False

    @rule(ahead=st.integers(-24, 24 * 400))
    def tiktok_announces_the_grant_end(self, ahead: int) -> None:
        end = self.now + ahead
        changed = self.token.grant_ends_by(T0 + hours(end))
        assert changed == (end < self.refresh)
        self.refresh = min(self.refresh, end)  # an announcement only brings the end nearer

    @invariant()
    def policy_matches_the_model(self) -> None:
        now = T0 + hours(self.now)
        access_left, refresh_left = self.access - self.now, self.refresh - self.now
        both_expired = access_left <= 0 and refresh_left <= 0
        assert self.token.refresh_due(now) == (
            not self.revoked and refresh_left > 0 and access_left <= WINDOW_HOURS
        )
        assert self.token.needs_reauthorization(now) == (self.revoked or both_expired)
        if self.revoked:
            expected = TokenState.REVOKED
        elif both_expired:
            expected = TokenState.EXPIRED
        elif refresh_left <= WARNING_HOURS:
            expected = TokenState.EXPIRING_SOON
        else:
            expected = TokenState.VALID
        assert self.token.state(now) is expected

    @invariant()
    def the_two_tokens_always_come_from_the_same_grant(self) -> None:
        access = self.token.access_token.reveal().removeprefix("access-")
        refresh = self.token.refresh_token.reveal().removeprefix("refresh-")
        assert access == refresh
        assert "access-" not in repr(self.token) and "refresh-" not in repr(self.token)


class ShoplineTokenMachine(RuleBasedStateMachine):
    """Minutes as the unit: refresh is due at 90 % of each token's lifetime."""

    def __init__(self) -> None:
        super().__init__()
        self.now, self.issued, self.expires, self.revoked = 0, 0, 600, False
        self.token = ShoplineToken.issue(
            AppId("a"), ShoplineGrant(Secret("jwt"), T0 + timedelta(minutes=600)), T0
        )

    @rule(step=st.integers(0, 400))
    def time_passes(self, step: int) -> None:
        self.now += step

    @rule(lifetime=st.integers(10, 900))
    def refreshed(self, lifetime: int) -> None:
        grant = ShoplineGrant(Secret("jwt"), T0 + timedelta(minutes=self.now + lifetime))
        if self.revoked:
            with pytest.raises(TokenRevoked):
                self.token.refreshed(grant, T0 + timedelta(minutes=self.now))
            return
        self.token.refreshed(grant, T0 + timedelta(minutes=self.now))
        self.issued, self.expires = self.now, self.now + lifetime

    @rule()
    def uninstalled(self) -> None:
        self.token.revoke(T0 + timedelta(minutes=self.now))
        self.revoked = True

    @invariant()
    def refresh_is_due_at_ninety_percent(self) -> None:
        now = T0 + timedelta(minutes=self.now)
        due_at = self.issued + (self.expires - self.issued) * 9 / 10
        assert self.token.refresh_due(now) == (not self.revoked and self.now >= due_at)
        assert self.token.expired(now) == (self.now >= self.expires)


_SETTINGS = settings(max_examples=200, stateful_step_count=30, deadline=None, database=None)
TikTokTokenMachine.TestCase.settings = _SETTINGS
ShoplineTokenMachine.TestCase.settings = _SETTINGS
TestTikTokToken = TikTokTokenMachine.TestCase
TestShoplineToken = ShoplineTokenMachine.TestCase
