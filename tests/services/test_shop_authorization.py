"""StartAuthorization / CompleteAuthorization over the stateful fakes."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from domain.authorization import refresh_rejected
from domain.authorization_state import AuthorizationStateInvalid
from domain.catalog import ChannelProduct
from domain.errors import (
    AppNotFound,
    InvalidArgument,
    PartnerRejected,
    PreconditionFailed,
    ShopNotFound,
    UnsupportedRegion,
)
from domain.events import ShopAuthorized, ShopReauthorized
from domain.ids import AppId
from domain.shop import ShopStatus
from domain.task import TaskKind, TaskState
from services.shops.authorization import SkipReason
from services.tasks.jobs import RUN_TASK
from tests.services.support_auth import Harness, product_data, tiktok_shop


async def test_full_authorization_links_every_shop_with_its_token_and_queues_the_history_import() -> None:
    h = Harness()
    app_id = await h.installed_app()

    outcome = await h.authorize(app_id, tiktok_shop(1, "GB"), tiktok_shop(2, "US"), display_name=" Main ")

    assert [linked.reauthorized for linked in outcome.linked] == [False, False]
    assert outcome.skipped == ()
    shops = {s.tiktok_shop_id: s for s in h.shop_rows()}
    assert set(shops) == {tiktok_shop(1).tiktok_shop_id, tiktok_shop(2).tiktok_shop_id}
    for shop in shops.values():
        assert shop.app_id == app_id
        assert shop.status is ShopStatus.ACTIVE
        assert shop.display_name.value == "Main"
        assert h.database.state.shop_links[shop.tiktok_shop_id] == app_id
        token = h.database.state.tiktok_tokens[shop.id]
        assert token.access_expires_at == h.clock.now() + h.tiktok.ACCESS_LIFETIME
    for linked in outcome.linked:
        assert linked.view.access_token_expires_at == h.clock.now() + h.tiktok.ACCESS_LIFETIME
        assert linked.view.grant_expires_at == h.clock.now() + h.tiktok.REFRESH_LIFETIME

    tasks = h.database.state.tasks
    assert set(outcome.history_import_tasks) == set(tasks)
    assert {t.shop_id for t in tasks.values()} == {s.id for s in shops.values()}
    assert all(t.kind is TaskKind.HISTORY_IMPORT and t.state is TaskState.PENDING for t in tasks.values())
    jobs = h.jobs.take_all()
    assert [job.name for job in jobs] == [RUN_TASK, RUN_TASK]
    assert [job.arguments["task_id"] for job in jobs] == list(outcome.history_import_tasks)
    assert sum(isinstance(e, ShopAuthorized) for e in h.publisher.published) == 2


async def test_the_state_is_32_random_bytes_kept_only_as_its_hash_for_30_minutes() -> None:
    h = Harness()
    app_id = await h.installed_app()

    start = await h.authorization.start(app_id, "UK")

    assert h.random.requested == [32]
    assert start.state in start.authorization_url
    assert start.expires_at == h.clock.now() + timedelta(minutes=30)
    stored = h.database.state.oauth_states
    assert list(stored) == [hashlib.sha256(start.state.encode()).hexdigest()]
    assert start.state not in repr(stored) and start.state not in repr(start)


async def test_a_used_state_cannot_be_replayed() -> None:
    h = Harness()
    app_id = await h.installed_app()
    start = await h.authorization.start(app_id, "GB")
    h.tiktok.add_authorization_code("TTP_first", [tiktok_shop(1)])
    await h.authorization.complete(start.state, "TTP_first")
    h.tiktok.add_authorization_code("TTP_second", [tiktok_shop(2)])

    with pytest.raises(AuthorizationStateInvalid) as replay:
        await h.authorization.complete(start.state, "TTP_second")

    assert isinstance(replay.value, PreconditionFailed)
    assert replay.value.reason == "AUTHORIZATION_STATE_INVALID"
    assert len(h.shop_rows()) == 1


async def test_an_unknown_or_expired_state_is_the_same_error_and_never_reaches_tiktok() -> None:
    h = Harness()
    app_id = await h.installed_app()
    start = await h.authorization.start(app_id, "GB")
    h.tiktok.add_authorization_code("TTP_code", [tiktok_shop(1)])
    h.clock.advance(timedelta(minutes=30))

    with pytest.raises(AuthorizationStateInvalid) as expired:
        await h.authorization.complete(start.state, "TTP_code")
    with pytest.raises(AuthorizationStateInvalid) as unknown:
        await h.authorization.complete("made-up-state", "TTP_code")

    assert str(expired.value) == str(unknown.value)
    assert "exchange_code" not in h.tiktok.calls
    assert h.shop_rows() == []


async def test_a_shop_in_an_unsupported_region_is_reported_and_not_linked() -> None:
    h = Harness()
    app_id = await h.installed_app()

    outcome = await h.authorize(app_id, tiktok_shop(1, "VN", "Fujiwa Vietnam Store"), tiktok_shop(2, "MY"))

    [skipped] = outcome.skipped
    assert skipped.reason is SkipReason.UNSUPPORTED_REGION
    assert (skipped.tiktok_shop_id, skipped.name, skipped.region_code) == (
        tiktok_shop(1).tiktok_shop_id,
        "Fujiwa Vietnam Store",
        "VN",
    )
    assert [s.tiktok_shop_id for s in h.shop_rows()] == [tiktok_shop(2).tiktok_shop_id]
    assert tiktok_shop(1).tiktok_shop_id not in h.database.state.shop_links
    assert len(outcome.history_import_tasks) == 1


async def test_a_code_tiktok_rejects_propagates_and_links_nothing() -> None:
    h = Harness()
    app_id = await h.installed_app()
    start = await h.authorization.start(app_id, "GB")

    with pytest.raises(PartnerRejected) as rejected:
        await h.authorization.complete(start.state, "TTP_never_issued")

    assert rejected.value.code == "36004004"
    assert h.shop_rows() == [] and h.database.state.tiktok_tokens == {} and h.jobs.jobs == []


async def test_a_shop_linked_to_one_app_is_skipped_for_another_without_naming_it() -> None:
    h = Harness()
    first = await h.installed_app("first-store")
    second = await h.installed_app("second-store")
    await h.authorize(first, tiktok_shop(1))

    outcome = await h.authorize(second, tiktok_shop(1), tiktok_shop(2))

    [skipped] = outcome.skipped
    assert skipped.reason is SkipReason.LINKED_TO_ANOTHER_APP
    assert "another app" in skipped.message
    assert first not in repr(outcome) and first not in skipped.message
    assert [linked.view.shop.tiktok_shop_id for linked in outcome.linked] == [tiktok_shop(2).tiktok_shop_id]
    assert h.shop_by_tiktok_id(tiktok_shop(1).tiktok_shop_id).app_id == first
    assert h.database.state.shop_links[tiktok_shop(1).tiktok_shop_id] == first


async def test_a_shop_claimed_by_another_app_in_the_registry_only_is_skipped_too() -> None:
    h = Harness()
    app_id = await h.installed_app()
    h.database.state.shop_links[tiktok_shop(1).tiktok_shop_id] = AppId("app-racing")

    outcome = await h.authorize(app_id, tiktok_shop(1))

    assert [s.reason for s in outcome.skipped] == [SkipReason.LINKED_TO_ANOTHER_APP]
    assert h.shop_rows() == []


async def test_reauthorization_keeps_the_shop_and_its_data_with_a_new_token_and_no_duplicates() -> None:
    h = Harness()
    app_id = await h.installed_app()
    first = await h.authorize(app_id, tiktok_shop(1), display_name="Flagship")
    shop_id = first.linked[0].view.shop.id
    async with h.uow() as uow:
        await uow.channel_products.add(ChannelProduct.synced(app_id, shop_id, product_data("p-1", "s-1")))
        token = await uow.tokens.get_tiktok(shop_id)
        shop = await uow.shops.get(shop_id)
        refresh_rejected(token, shop, h.clock.now())
        await uow.tokens.save_tiktok(token)
        await uow.shops.update(shop)
        await uow.commit()
    old_token = h.database.state.tiktok_tokens[shop_id]
    h.clock.advance(timedelta(days=3))
    h.jobs.take_all()

    outcome = await h.authorize(app_id, tiktok_shop(1), tiktok_shop(2), reauthorize=shop_id)

    [linked] = outcome.linked
    assert linked.reauthorized and linked.view.shop.id == shop_id
    assert [(s.tiktok_shop_id, s.reason) for s in outcome.skipped] == [
        (tiktok_shop(2).tiktok_shop_id, SkipReason.NOT_THE_REAUTHORIZED_SHOP)
    ]
    [shop] = h.shop_rows()
    assert shop.id == shop_id and shop.status is ShopStatus.ACTIVE
    assert shop.display_name.value == "Flagship"
    assert shop.reauthorized_at == h.clock.now()
    token = h.database.state.tiktok_tokens[shop_id]
    assert not token.revoked
    assert token.access_token != old_token.access_token
    assert token.access_expires_at == h.clock.now() + h.tiktok.ACCESS_LIFETIME
    assert list(h.database.state.products) == [(shop_id, "p-1")]
    assert len(h.database.state.tasks) == 1  # only the first authorization's import
    assert outcome.history_import_tasks == () and h.jobs.jobs == []
    assert linked.view.counts.products == 1
    assert any(isinstance(e, ShopReauthorized) for e in h.publisher.published)


async def test_authorizing_the_same_shop_again_reauthorizes_it_in_place() -> None:
    h = Harness()
    app_id = await h.installed_app()
    await h.authorize(app_id, tiktok_shop(1))

    outcome = await h.authorize(app_id, tiktok_shop(1), display_name="Ignored for existing shops")

    assert [linked.reauthorized for linked in outcome.linked] == [True]
    [shop] = h.shop_rows()
    assert shop.display_name.value == "TikTok shop 1"
    assert len(h.database.state.tiktok_tokens) == 1 and len(h.database.state.tasks) == 1


async def test_start_checks_the_app_the_region_and_the_shop_to_reauthorize() -> None:
    h = Harness()
    app_id = await h.installed_app()
    other = await h.installed_app("other-store")
    outcome = await h.authorize(other, tiktok_shop(1))
    foreign_shop = outcome.linked[0].view.shop.id

    with pytest.raises(UnsupportedRegion):
        await h.authorization.start(app_id, "VN")
    with pytest.raises(AppNotFound):
        await h.authorization.start(AppId("missing"), "GB")
    with pytest.raises(ShopNotFound):
        await h.authorization.start(app_id, "GB", shop_to_reauthorize=foreign_shop)


async def test_completing_for_another_app_than_the_state_names_is_invalid() -> None:
    h = Harness()
    app_id = await h.installed_app()
    start = await h.authorization.start(app_id, "GB")
    h.tiktok.add_authorization_code("TTP_code", [tiktok_shop(1)])

    with pytest.raises(InvalidArgument) as mismatch:
        await h.authorization.complete(start.state, "TTP_code", app_id=AppId("app-other"))

    assert mismatch.value.field == "parent"
    assert h.shop_rows() == []


async def test_a_failed_transaction_publishes_nothing_and_writes_nothing() -> None:
    h = Harness()
    app_id = await h.installed_app()
    start = await h.authorization.start(app_id, "GB")
    h.tiktok.add_authorization_code("TTP_code", [tiktok_shop(1)])
    del h.database.state.apps[app_id]  # the app went away between start and callback
    published_before = list(h.publisher.published)

    with pytest.raises(AppNotFound):
        await h.authorization.complete(start.state, "TTP_code")

    assert h.publisher.published == published_before
    assert h.shop_rows() == [] and h.database.state.shop_links == {} and h.database.state.tasks == {}


async def test_results_never_carry_token_values() -> None:
    h = Harness()
    app_id = await h.installed_app()

    outcome = await h.authorize(app_id, tiktok_shop(1))

    token = h.database.state.tiktok_tokens[outcome.linked[0].view.shop.id]
    text = repr(outcome) + repr(h.jobs.jobs) + repr(h.publisher.published) + repr(h.database.state.tasks)
    assert token.access_token.reveal() not in text
    assert token.refresh_token.reveal() not in text
    assert "TTP_" not in text


async def test_reauthorizing_with_a_grant_that_lacks_the_shop_links_nothing() -> None:
    h = Harness()
    app_id = await h.installed_app()
    first = await h.authorize(app_id, tiktok_shop(1))
    shop_id = first.linked[0].view.shop.id
    token_before = h.database.state.tiktok_tokens[shop_id]

    outcome = await h.authorize(app_id, tiktok_shop(2), reauthorize=shop_id)

    assert outcome.linked == () and outcome.history_import_tasks == ()
    assert [s.reason for s in outcome.skipped] == [SkipReason.NOT_THE_REAUTHORIZED_SHOP]
    assert [s.id for s in h.shop_rows()] == [shop_id]
    assert h.database.state.tiktok_tokens[shop_id].access_token == token_before.access_token
