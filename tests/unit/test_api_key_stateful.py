"""API keys against a minute-based model of issue, use, expiry and revocation, including the
issues the rules refuse."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from domain.api_key import ApiKey, ApiKeyId, KeyState, Role, compose_key, hash_key, split_key
from domain.errors import InvalidApiKey
from domain.ids import AppId
from tests.unit.builders import T0

APPS = st.frozensets(st.sampled_from([AppId("a"), AppId("b"), AppId("c")]), max_size=3)
SECRETS = st.text("abcdefghijklmnopqrstuvwxyz0123456789_-", min_size=43, max_size=43)


def minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


class ApiKeyMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.key: ApiKey | None = None
        self.now = 0
        self.expires: int | None = None
        self.revoked_at: int | None = None
        self.last_used: int | None = None

    @initialize(
        role=st.sampled_from(list(Role)),
        apps=APPS,
        expires_in=st.none() | st.integers(-5, 600),
        secret=SECRETS,
    )
    def issue(self, role: Role, apps: frozenset[AppId], expires_in: int | None, secret: str) -> None:
        self.secret = compose_key("0123456789", secret)
        scope = apps or None
        refused = (scope is None and role is not Role.ADMIN) or (expires_in is not None and expires_in <= 0)
        issue = lambda: ApiKey.issue(  # noqa: E731
            key_id=ApiKeyId("k"),
            prefix="0123456789",
            role=role,
            apps=scope,
            now=T0,
            expires_at=None if expires_in is None else T0 + minutes(expires_in),
            secret_hash=hash_key(self.secret),
        )
        if refused:
            with pytest.raises(InvalidApiKey):
                issue()
            return
        self.key = issue()
        self.role, self.apps, self.expires = role, scope, expires_in

    @rule(step=st.integers(0, 240))
    def time_passes(self, step: int) -> None:
        self.now += step

    @precondition(lambda self: self.key is not None)
    @rule()
    def revoke(self) -> None:
        assert self.key is not None
        self.key = self.key.revoke(T0 + minutes(self.now))
        if self.revoked_at is None:
            self.revoked_at = self.now

    @precondition(lambda self: self.key is not None)
    @rule(back=st.integers(0, 30))
    def used(self, back: int) -> None:
        # Uses may be recorded out of order (several servers): the latest always wins.
        assert self.key is not None
        at = max(0, self.now - back)
        self.key = self.key.used(T0 + minutes(at))
        self.last_used = at if self.last_used is None else max(self.last_used, at)

    @precondition(lambda self: self.key is not None)
    @rule(other=SECRETS)
    def a_presented_key_matches_only_itself(self, other: str) -> None:
        assert self.key is not None
        assert self.key.matches(self.secret)
        presented = compose_key("0123456789", other)
        assert self.key.matches(presented) == (presented == self.secret)
        assert split_key(presented) == "0123456789"

    @invariant()
    def state_matches_the_model(self) -> None:
        if self.key is None:
            return
        expected = KeyState.ACTIVE
        if self.expires is not None and self.now >= self.expires:
            expected = KeyState.EXPIRED
        if self.revoked_at is not None:
            expected = KeyState.REVOKED
        assert self.key.state(T0 + minutes(self.now)) is expected
        assert self.key.revoked_at == (None if self.revoked_at is None else T0 + minutes(self.revoked_at))
        assert self.key.last_used_at == (None if self.last_used is None else T0 + minutes(self.last_used))
        principal = self.key.principal()
        assert (principal.role, principal.apps) == (self.role, self.apps)
        assert principal.name == "key:mcc_0123456789"
        for app in ("a", "b", "c", "z"):
            assert principal.sees(AppId(app)) == (self.apps is None or AppId(app) in self.apps)


TestApiKeyMachine = ApiKeyMachine.TestCase
