"""Token upkeep (periodic refresh) and the TikTok adapter's on-demand refresher, over the fakes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest

from domain.channel import TIKTOK, ShopCredentials
from domain.errors import PartnerRejected, PartnerUnavailable
from domain.ids import AppId, ShopId
from domain.secret import Secret
from domain.shop import ShopStatus
from domain.tokens import TikTokGrant, TokenState
from tests.fakes import FakeTikTokChannelApi
from tests.services.support_auth import Harness, tiktok_shop

# The fake issues 7-day access tokens; the default window refreshes in the last 48 hours.
INTO_WINDOW = timedelta(days=5, hours=1)


async def _authorized(h: Harness, app_id: AppId, *numbers: int) -> list[ShopId]:
    outcome = await h.authorize(app_id, *(tiktok_shop(n) for n in numbers))
    return [linked.view.shop.id for linked in outcome.linked]


async def test_upkeep_refreshes_tokens_inside_the_window_and_leaves_fresh_ones() -> None:
    h = Harness()
    app_id = await h.installed_app()
    [old] = await _authorized(h, app_id, 1)
    h.clock.advance(timedelta(days=3))
    [fresh] = await _authorized(h, app_id, 2)
    fresh_token = h.database.state.tiktok_tokens[fresh]
    h.clock.advance(timedelta(days=2, hours=1))

    report = await h.upkeep.run()

    assert report.tiktok_refreshed == (old,)
    refreshed = h.database.state.tiktok_tokens[old]
    assert refreshed.access_expires_at == h.clock.now() + h.tiktok.ACCESS_LIFETIME
    assert refreshed.issued_at == h.clock.now()
    untouched = h.database.state.tiktok_tokens[fresh]
    assert untouched.access_token == fresh_token.access_token
    assert untouched.access_expires_at == fresh_token.access_expires_at


async def test_a_refused_refresh_marks_the_shop_for_reauthorization_and_a_new_grant_resumes_it() -> None:
    h = Harness()
    app_id = await h.installed_app()
    [shop_id] = await _authorized(h, app_id, 1)
    h.tiktok.revoke_all_grants()  # e.g. the seller changed the password
    h.clock.advance(INTO_WINDOW)

    report = await h.upkeep.run()

    assert report.needs_reauthorization == (shop_id,)
    assert h.database.state.shops[shop_id].status is ShopStatus.NEEDS_REAUTHORIZATION
    assert h.database.state.tiktok_tokens[shop_id].state(h.clock.now()) is TokenState.REVOKED
    calls = len(h.tiktok.calls)
    assert (await h.upkeep.run()).needs_reauthorization == ()
    assert h.tiktok.calls[calls:] == []  # nothing more is tried for that grant

    outcome = await h.authorize(app_id, tiktok_shop(1), reauthorize=shop_id)

    assert outcome.linked[0].view.shop.id == shop_id
    assert h.database.state.shops[shop_id].status is ShopStatus.ACTIVE
    assert not h.database.state.tiktok_tokens[shop_id].revoked


@pytest.mark.parametrize("code", ["36004001", "36004005"])
async def test_tiktok_rejecting_the_refresh_token_counts_as_refused(code: str) -> None:
    h = Harness()
    app_id = await h.installed_app()
    [shop_id] = await _authorized(h, app_id, 1)
    h.clock.advance(INTO_WINDOW)
    h.tiktok.fail_next(PartnerRejected(TIKTOK, code, "rt has expired"))

    report = await h.upkeep.run()

    assert report.needs_reauthorization == (shop_id,)
    assert h.database.state.shops[shop_id].status is ShopStatus.NEEDS_REAUTHORIZATION


async def test_a_passing_failure_leaves_the_token_for_the_next_round() -> None:
    h = Harness()
    app_id = await h.installed_app()
    [shop_id] = await _authorized(h, app_id, 1)
    before = h.database.state.tiktok_tokens[shop_id]
    h.clock.advance(INTO_WINDOW)
    h.tiktok.fail_next(PartnerUnavailable(TIKTOK, "503", "Service Unavailable"))

    first = await h.upkeep.run()

    assert first.deferred == 1 and first.tiktok_refreshed == ()
    assert h.database.state.shops[shop_id].status is ShopStatus.ACTIVE
    assert h.database.state.tiktok_tokens[shop_id].access_token == before.access_token

    second = await h.upkeep.run()

    assert second.tiktok_refreshed == (shop_id,)
    assert h.database.state.tiktok_tokens[shop_id].access_token != before.access_token


async def test_shops_of_one_grant_share_each_refresh() -> None:
    h = Harness()
    app_id = await h.installed_app()
    shop_ids = await _authorized(h, app_id, 1, 2)
    h.clock.advance(INTO_WINDOW)

    report = await h.upkeep.run()

    assert sorted(report.tiktok_refreshed) == sorted(shop_ids)
    assert h.tiktok.calls.count("refresh") == 1
    first, second = (h.database.state.tiktok_tokens[s] for s in shop_ids)
    assert first.refresh_token == second.refresh_token
    # The next round still works for both: neither was left holding the rotated-out token.
    h.clock.advance(INTO_WINDOW)
    assert sorted((await h.upkeep.run()).tiktok_refreshed) == sorted(shop_ids)
    assert all(h.database.state.shops[s].status is ShopStatus.ACTIVE for s in shop_ids)


async def test_a_grant_past_its_end_needs_reauthorization() -> None:
    h = Harness()
    app_id = await h.installed_app()
    [shop_id] = await _authorized(h, app_id, 1)
    h.clock.advance(h.tiktok.REFRESH_LIFETIME + timedelta(days=1))

    report = await h.upkeep.run()

    assert report.needs_reauthorization == (shop_id,)
    assert h.database.state.shops[shop_id].status is ShopStatus.NEEDS_REAUTHORIZATION
    assert "refresh" not in h.tiktok.calls


async def test_shopline_tokens_are_refreshed_at_ninety_percent_of_their_life() -> None:
    h = Harness()
    app_id = await h.installed_app()
    issued = h.database.state.shopline_tokens[app_id]
    h.clock.advance(timedelta(hours=8, minutes=59))

    early = await h.upkeep.run()

    assert early.shopline_refreshed == ()
    h.clock.advance(timedelta(minutes=1))
    due = await h.upkeep.run()
    assert due.shopline_refreshed == (app_id,)
    token = h.database.state.shopline_tokens[app_id]
    assert token.access_token != issued.access_token
    assert token.expires_at == h.clock.now() + h.shopline.TOKEN_LIFETIME


async def test_an_uninstalled_store_revokes_its_token() -> None:
    h = Harness()
    app_id = await h.installed_app()
    h.shopline.uninstall("open001")
    h.clock.advance(timedelta(hours=9))

    report = await h.upkeep.run()

    assert report.shopline_revoked == (app_id,)
    assert h.database.state.shopline_tokens[app_id].revoked


async def test_a_shopline_outage_defers_the_refresh() -> None:
    h = Harness()
    app_id = await h.installed_app()
    h.clock.advance(timedelta(hours=9))
    h.shopline.fail_next(PartnerUnavailable("shopline", "502", "Bad Gateway"))

    report = await h.upkeep.run()

    assert report.deferred == 1 and report.shopline_refreshed == ()
    assert not h.database.state.shopline_tokens[app_id].revoked


# --- TokenRefresher (called by the TikTok adapter on 105002) --------------------------------


async def test_refresh_for_rotates_and_stores_the_pair_and_returns_the_new_access_token() -> None:
    h = Harness()
    app_id = await h.installed_app()
    [shop_id] = await _authorized(h, app_id, 1)
    before = h.database.state.tiktok_tokens[shop_id]
    h.clock.advance(timedelta(days=8))  # the access token has expired

    fresh = await h.upkeep.refresh_for(ShopCredentials(tiktok_shop(1).cipher, before.access_token))

    stored = h.database.state.tiktok_tokens[shop_id]
    assert fresh == stored.access_token != before.access_token
    assert stored.refresh_token != before.refresh_token
    assert stored.access_valid(h.clock.now())
    # The new token works against TikTok.
    assert await h.tiktok.warehouses(ShopCredentials(tiktok_shop(1).cipher, fresh)) == []


async def test_refresh_for_hands_out_a_token_another_caller_already_rotated() -> None:
    h = Harness()
    app_id = await h.installed_app()
    [shop_id] = await _authorized(h, app_id, 1)
    stale = h.database.state.tiktok_tokens[shop_id].access_token
    h.clock.advance(timedelta(days=8))
    first = await h.upkeep.refresh_for(ShopCredentials(tiktok_shop(1).cipher, stale))
    refreshes = h.tiktok.calls.count("refresh")

    again = await h.upkeep.refresh_for(ShopCredentials(tiktok_shop(1).cipher, stale))

    assert again == first
    assert h.tiktok.calls.count("refresh") == refreshes


async def test_refresh_for_gives_none_when_the_grant_is_refused_or_the_shop_unknown() -> None:
    h = Harness()
    app_id = await h.installed_app()
    [shop_id] = await _authorized(h, app_id, 1)
    token = h.database.state.tiktok_tokens[shop_id].access_token
    h.tiktok.revoke_all_grants()

    assert await h.upkeep.refresh_for(ShopCredentials(tiktok_shop(1).cipher, token)) is None
    assert h.database.state.shops[shop_id].status is ShopStatus.NEEDS_REAUTHORIZATION
    assert await h.upkeep.refresh_for(ShopCredentials(tiktok_shop(1).cipher, token)) is None
    assert await h.upkeep.refresh_for(ShopCredentials("GCP_unknown", Secret("x"))) is None


async def test_refresh_for_lets_a_passing_failure_through() -> None:
    h = Harness()
    app_id = await h.installed_app()
    [shop_id] = await _authorized(h, app_id, 1)
    token = h.database.state.tiktok_tokens[shop_id].access_token
    h.tiktok.fail_next(PartnerUnavailable(TIKTOK, "503", "Service Unavailable"))

    with pytest.raises(PartnerUnavailable):
        await h.upkeep.refresh_for(ShopCredentials(tiktok_shop(1).cipher, token))

    assert h.database.state.shops[shop_id].status is ShopStatus.ACTIVE


async def test_upkeep_results_and_logs_carry_no_token_values(caplog: pytest.LogCaptureFixture) -> None:
    h = Harness()
    app_id = await h.installed_app()
    [shop_id] = await _authorized(h, app_id, 1)
    h.clock.advance(INTO_WINDOW)
    caplog.set_level("DEBUG")

    report = await h.upkeep.run()
    h.tiktok.revoke_all_grants()
    h.clock.advance(INTO_WINDOW)
    await h.upkeep.run()

    token = h.database.state.tiktok_tokens[shop_id]
    text = repr(report) + caplog.text + repr(token) + repr(h.publisher.published)
    assert token.access_token.reveal() not in text and token.refresh_token.reveal() not in text
    assert "TTP_" not in text


class _RacingTikTok(FakeTikTokChannelApi):
    """Lets another caller rotate the pair just before our refresh reaches TikTok."""

    racer: Callable[[], Awaitable[object]] | None = None

    async def refresh(self, refresh_token: Secret) -> TikTokGrant:
        if self.racer is not None:
            racer, self.racer = self.racer, None
            await racer()
        return await super().refresh(refresh_token)


async def test_a_refresh_that_lost_a_race_does_not_mark_the_shop() -> None:
    h = Harness()
    h.tiktok = _RacingTikTok(h.clock)
    app_id = await h.installed_app()
    [shop_id] = await _authorized(h, app_id, 1)
    stale = h.database.state.tiktok_tokens[shop_id].access_token
    h.clock.advance(INTO_WINDOW)
    h.tiktok.racer = lambda: h.upkeep.refresh_for(ShopCredentials(tiktok_shop(1).cipher, stale))

    report = await h.upkeep.run()

    assert report.needs_reauthorization == ()
    assert h.database.state.shops[shop_id].status is ShopStatus.ACTIVE
    winner = h.database.state.tiktok_tokens[shop_id]
    assert not winner.revoked and winner.access_token != stale
    assert await h.tiktok.warehouses(ShopCredentials(tiktok_shop(1).cipher, winner.access_token)) == []
