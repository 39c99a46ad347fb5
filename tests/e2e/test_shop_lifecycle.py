"""The authorization lifecycle end to end: gRPC in, the partner sandbox out, SQLite or PostgreSQL under."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import timedelta

import grpc
import pytest
from google.protobuf import field_mask_pb2
from sqlalchemy import func, select

from adapters.persistence import tables
from domain.channel import ShopCredentials, TimeWindow
from multichannel.v1 import app_pb2, app_pb2_grpc, shop_pb2, shop_pb2_grpc, task_pb2, task_pb2_grpc
from sandbox.runner import RunningSandbox
from tests.e2e.conftest import TEST_TOKEN_KEY, fresh_schema, running_harness
from tests.e2e.installation import completion_request
from tests.postgres import admin_url_or_skip, throwaway_database


@pytest.fixture
def sandbox_size() -> str:
    return "tiny"


@pytest.fixture(autouse=True)
def _no_credential_reaches_a_log(caplog, sandbox: RunningSandbox) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Every test here logs at DEBUG for every logger; no token, code or secret may show up."""
    caplog.set_level(logging.DEBUG)
    yield
    tiktok_auth = sandbox.control.tiktok.auth
    credentials = {
        sandbox.credentials.tiktok_app_secret,
        sandbox.credentials.shopline_app_secret,
        TEST_TOKEN_KEY,
        *tiktok_auth.access_tokens,
        *tiktok_auth.refresh_tokens,
        *tiktok_auth.codes,
        *(token for grant in tiktok_auth.grants.values() for token in grant.access_tokens),
        *sandbox.control.shopline.auth.tokens,
        *sandbox.control.shopline.auth.codes,
    }
    records = caplog.get_records("setup") + caplog.get_records("call")
    logged = "\n".join(
        part for record in records for part in (record.getMessage(), record.exc_text or "", str(record.args))
    )
    leaked = [credential[:8] + "…" for credential in credentials if credential and credential in logged]
    assert leaked == []


async def _install(harness, handle: str) -> str:  # type: ignore[no-untyped-def]
    apps = app_pb2_grpc.AppServiceStub(harness.channel)
    harness.sandbox.control.create_store(handle)
    started = await apps.StartInstallation(app_pb2.StartInstallationRequest(store_handle=handle))
    assert f"/stores/{handle}/admin/oauth-web/#/oauth/authorize" in started.authorization_url
    callback = harness.sandbox.control.install_shopline(handle, authorization_url=started.authorization_url)[
        "params"
    ]
    done = await apps.CompleteInstallation(completion_request(callback))
    assert done.created
    assert done.app.store_handle == handle
    return done.app.name


async def _authorize(harness, app: str, shop_ids: list[str] | None = None):  # type: ignore[no-untyped-def]
    shops = shop_pb2_grpc.ShopServiceStub(harness.channel)
    started = await shops.StartAuthorization(
        shop_pb2.StartAuthorizationRequest(parent=app, region_code="UK", display_name="  英国の店  ")
    )
    assert "state=" in started.authorization_url
    code = harness.sandbox.control.grant_authorization(shop_ids)["code"]
    return await shops.CompleteAuthorization(
        shop_pb2.CompleteAuthorizationRequest(parent=app, state=started.state, code=code)
    )


async def _watch_to_end(harness, task_name: str) -> task_pb2.Task:  # type: ignore[no-untyped-def]
    tasks = task_pb2_grpc.TaskServiceStub(harness.channel)
    last = None
    async for event in tasks.WatchTask(task_pb2.WatchTaskRequest(name=task_name), timeout=60):
        if event.HasField("task"):
            last = event.task
    assert last is not None
    return last


async def test_install_authorize_import_rename_and_delete(harness, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG)
    app = await _install(harness, "lifecycle-store")
    outcome = await _authorize(harness, app)
    assert len(outcome.shops) == 1
    shop = outcome.shops[0]
    assert shop.status == shop_pb2.SHOP_STATUS_ACTIVE
    assert shop.display_name == "英国の店"
    assert shop.access_token_expire_time.seconds > 0
    assert shop.grant_expire_time.seconds > shop.access_token_expire_time.seconds
    assert len(outcome.history_import_tasks) == 1

    finished = await _watch_to_end(harness, outcome.history_import_tasks[0])
    assert finished.state == task_pb2.TASK_STATE_SUCCEEDED, finished.failure_reason
    assert finished.created_count > 0

    shops = shop_pb2_grpc.ShopServiceStub(harness.channel)
    got = (await shops.GetShop(shop_pb2.GetShopRequest(name=shop.name))).shop
    assert got.product_count > 0 and got.order_count > 0
    listed = await shops.ListShops(shop_pb2.ListShopsRequest(parent=app))
    assert [s.name for s in listed.shops] == [shop.name]

    renamed = await shops.UpdateShop(
        shop_pb2.UpdateShopRequest(
            shop=shop_pb2.Shop(name=shop.name, display_name="Main UK shop"),
            update_mask=field_mask_pb2.FieldMask(paths=["display_name"]),
        )
    )
    assert renamed.shop.display_name == "Main UK shop"

    await shops.DeleteShop(shop_pb2.DeleteShopRequest(name=shop.name))
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await shops.GetShop(shop_pb2.GetShopRequest(name=shop.name))
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND

    # No token value reached any log line.
    secrets = [harness.settings.tiktok_app_secret, harness.settings.shopline_app_secret]
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert all(secret and secret not in text for secret in secrets)
    assert "TTP_" not in text


async def test_a_second_app_cannot_take_a_linked_shop_and_learns_nothing_about_the_first(harness) -> None:  # type: ignore[no-untyped-def]
    first = await _install(harness, "alpha-store")
    second = await _install(harness, "beta-store")
    linked = await _authorize(harness, first)
    assert len(linked.shops) == 1
    refused = await _authorize(harness, second)
    assert list(refused.shops) == []
    (skipped,) = refused.skipped_shops
    assert skipped.reason == shop_pb2.SKIPPED_SHOP_REASON_LINKED_TO_ANOTHER_APP
    assert "alpha" not in skipped.message
    assert first.removeprefix("apps/") not in str(refused)


async def test_a_state_works_once(harness) -> None:  # type: ignore[no-untyped-def]
    app = await _install(harness, "replay-store")
    shops = shop_pb2_grpc.ShopServiceStub(harness.channel)
    started = await shops.StartAuthorization(shop_pb2.StartAuthorizationRequest(parent=app, region_code="SG"))
    code = harness.sandbox.control.grant_authorization()["code"]
    await shops.CompleteAuthorization(shop_pb2.CompleteAuthorizationRequest(state=started.state, code=code))
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await shops.CompleteAuthorization(
            shop_pb2.CompleteAuthorizationRequest(state=started.state, code=code)
        )
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION


async def test_unsupported_region_is_invalid_argument_naming_the_field(harness) -> None:  # type: ignore[no-untyped-def]
    app = await _install(harness, "region-store")
    shops = shop_pb2_grpc.ShopServiceStub(harness.channel)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await shops.StartAuthorization(shop_pb2.StartAuthorizationRequest(parent=app, region_code="FR"))
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "region" in caught.value.details()


# --- the rest of the lifecycle: races, re-authorization, deletion, tokens, tasks, restarts ---------


def _shop_id(shop_name: str) -> str:
    return shop_name.rsplit("/", 1)[1]


def _tiktok_shop(harness) -> str:  # type: ignore[no-untyped-def]
    (shop,) = harness.sandbox.control.shops()
    return shop["id"]


async def _authorized_and_imported(harness, handle: str):  # type: ignore[no-untyped-def]
    app = await _install(harness, handle)
    outcome = await _authorize(harness, app)
    (task,) = outcome.history_import_tasks
    finished = await _watch_to_end(harness, task)
    assert finished.state == task_pb2.TASK_STATE_SUCCEEDED, finished.failure_reason
    return app, outcome.shops[0]


async def _get_shop(harness, name: str) -> shop_pb2.Shop:  # type: ignore[no-untyped-def]
    shops = shop_pb2_grpc.ShopServiceStub(harness.channel)
    return (await shops.GetShop(shop_pb2.GetShopRequest(name=name))).shop


async def _count_rows(harness, table, **where: str) -> int:  # type: ignore[no-untyped-def]
    query = select(func.count()).select_from(table)
    for column, value in where.items():
        query = query.where(table.c[column] == value)
    async with harness.container.persistence.engine().connect() as conn:
        return (await conn.execute(query)).scalar_one()


async def test_full_authorization_lists_the_shop_with_its_token_and_grant_expiry(harness) -> None:  # type: ignore[no-untyped-def]
    app = await _install(harness, "full-store")
    outcome = await _authorize(harness, app)
    (linked,) = outcome.shops
    shops = shop_pb2_grpc.ShopServiceStub(harness.channel)
    (listed,) = (await shops.ListShops(shop_pb2.ListShopsRequest(parent=app))).shops
    assert listed.name == linked.name
    assert listed.status == shop_pb2.SHOP_STATUS_ACTIVE
    assert listed.tiktok_shop_id == _tiktok_shop(harness)
    assert listed.display_name == "英国の店"
    now = harness.clock.now().timestamp()
    # TikTok: access tokens live about 7 days, the grant about a year.
    assert 6 * 86_400 < listed.access_token_expire_time.seconds - now <= 7 * 86_400
    assert 300 * 86_400 < listed.grant_expire_time.seconds - now <= 366 * 86_400


async def test_concurrent_authorizations_of_one_shop_in_two_apps_let_exactly_one_win(harness) -> None:  # type: ignore[no-untyped-def]
    apps = [await _install(harness, "race-a-store"), await _install(harness, "race-b-store")]
    shops = shop_pb2_grpc.ShopServiceStub(harness.channel)
    second_channel = harness.open_channel()
    try:
        other_shops = shop_pb2_grpc.ShopServiceStub(second_channel)
        calls = []
        for app, stub in zip(apps, [shops, other_shops], strict=True):
            started = await stub.StartAuthorization(
                shop_pb2.StartAuthorizationRequest(parent=app, region_code="GB")
            )
            code = harness.sandbox.control.grant_authorization()["code"]
            calls.append(
                stub.CompleteAuthorization(
                    shop_pb2.CompleteAuthorizationRequest(parent=app, state=started.state, code=code)
                )
            )
        results = await asyncio.gather(*calls, return_exceptions=True)
    finally:
        await second_channel.close()

    winners = [r for r in results if isinstance(r, shop_pb2.CompleteAuthorizationResponse) and r.shops]
    losers = [r for r in results if r not in winners]
    assert len(winners) == 1 and len(losers) == 1, results
    (loser,) = losers
    winning_app = apps[results.index(winners[0])]
    if isinstance(loser, grpc.aio.AioRpcError):
        assert loser.code() == grpc.StatusCode.FAILED_PRECONDITION, loser
        assert winning_app.removeprefix("apps/") not in (loser.details() or "")
    else:
        (skipped,) = loser.skipped_shops
        assert skipped.reason == shop_pb2.SKIPPED_SHOP_REASON_LINKED_TO_ANOTHER_APP
        assert winning_app.removeprefix("apps/") not in str(loser)
    listed = [len((await shops.ListShops(shop_pb2.ListShopsRequest(parent=app))).shops) for app in apps]
    assert sorted(listed) == [0, 1]
    assert await _count_rows(harness, tables.shops) == 1
    assert await _count_rows(harness, tables.shop_links) == 1


async def test_reauthorization_keeps_the_data_and_creates_no_duplicates(harness) -> None:  # type: ignore[no-untyped-def]
    app, shop = await _authorized_and_imported(harness, "reauth-store")
    before = await _get_shop(harness, shop.name)
    assert before.product_count > 0 and before.order_count > 0
    grant_id = harness.sandbox.control.state()["tiktok"]["grants"][-1]["id"]

    shops = shop_pb2_grpc.ShopServiceStub(harness.channel)
    started = await shops.StartAuthorization(
        shop_pb2.StartAuthorizationRequest(parent=app, region_code="GB", shop=shop.name)
    )
    code = harness.sandbox.control.reauthorize(grant_id)["code"]
    again = await shops.CompleteAuthorization(
        shop_pb2.CompleteAuthorizationRequest(parent=app, state=started.state, code=code)
    )
    (reauthorized,) = again.shops
    assert reauthorized.name == shop.name
    assert list(again.history_import_tasks) == []

    after = await _get_shop(harness, shop.name)
    assert after.status == shop_pb2.SHOP_STATUS_ACTIVE
    assert after.display_name == before.display_name
    assert (after.product_count, after.order_count) == (before.product_count, before.order_count)
    listed = (await shops.ListShops(shop_pb2.ListShopsRequest(parent=app))).shops
    assert [s.name for s in listed] == [shop.name]
    shop_id = _shop_id(shop.name)
    assert await _count_rows(harness, tables.shops) == 1
    assert await _count_rows(harness, tables.tiktok_tokens, shop_id=shop_id) == 1
    assert await _count_rows(harness, tables.orders, shop_id=shop_id) == before.order_count
    assert await _count_rows(harness, tables.channel_products, shop_id=shop_id) == before.product_count


async def test_delete_leaves_no_row_of_the_shop_keeps_the_ledger_and_frees_the_shop(harness) -> None:  # type: ignore[no-untyped-def]
    _app, shop = await _authorized_and_imported(harness, "delete-store")
    shop_id = _shop_id(shop.name)
    tiktok_shop_id = _tiktok_shop(harness)
    for table in (tables.orders, tables.channel_products, tables.channel_skus, tables.tasks):
        assert await _count_rows(harness, table, shop_id=shop_id) > 0, table.name
    ledger_before = await _count_rows(harness, tables.import_ledger)

    shops = shop_pb2_grpc.ShopServiceStub(harness.channel)
    deletion = shop_pb2.DeleteShopRequest(name=shop.name, request_id="3f0a9d2e-7c41-4b6a-9e58-1d2c3b4a5f60")
    await shops.DeleteShop(deletion)
    await shops.DeleteShop(deletion)  # a client retrying after a lost answer succeeds again
    with pytest.raises(grpc.aio.AioRpcError) as gone:
        await shops.DeleteShop(shop_pb2.DeleteShopRequest(name=shop.name))
    assert gone.value.code() is grpc.StatusCode.NOT_FOUND

    for table in tables.SHOP_OWNED_TABLES:
        assert await _count_rows(harness, table, shop_id=shop_id) == 0, table.name
    assert await _count_rows(harness, tables.shops, id=shop_id) == 0
    assert await _count_rows(harness, tables.shop_links, tiktok_shop_id=tiktok_shop_id) == 0
    assert await _count_rows(harness, tables.tiktok_tokens, shop_id=shop_id) == 0
    assert await _count_rows(harness, tables.import_ledger) == ledger_before

    other = await _install(harness, "after-delete-store")
    taken = await _authorize(harness, other)
    (relinked,) = taken.shops
    assert relinked.name.startswith(f"{other}/shops/")
    assert relinked.tiktok_shop_id == tiktok_shop_id


async def test_an_expired_state_is_rejected(harness) -> None:  # type: ignore[no-untyped-def]
    app = await _install(harness, "late-store")
    shops = shop_pb2_grpc.ShopServiceStub(harness.channel)
    started = await shops.StartAuthorization(shop_pb2.StartAuthorizationRequest(parent=app, region_code="GB"))
    code = harness.sandbox.control.grant_authorization()["code"]
    harness.clock.advance(timedelta(minutes=31))
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await shops.CompleteAuthorization(
            shop_pb2.CompleteAuthorizationRequest(state=started.state, code=code)
        )
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert list((await shops.ListShops(shop_pb2.ListShopsRequest(parent=app))).shops) == []


async def test_upkeep_refreshes_an_expiring_access_token_and_the_shop_stays_active(harness) -> None:  # type: ignore[no-untyped-def]
    _app, shop = await _authorized_and_imported(harness, "upkeep-store")
    before = await _get_shop(harness, shop.name)
    # Six days on for both sides: the access token is inside the refresh window.
    harness.clock.advance(timedelta(days=6))
    harness.sandbox.control.advance_clock(6 * 86_400)
    report = await harness.container.partners.token_upkeep().run()
    assert report.tiktok_refreshed == (_shop_id(shop.name),)
    after = await _get_shop(harness, shop.name)
    assert after.status == shop_pb2.SHOP_STATUS_ACTIVE
    assert after.access_token_expire_time.seconds >= before.access_token_expire_time.seconds + 6 * 86_400


async def test_a_call_with_an_expired_access_token_succeeds_through_a_refresh(harness) -> None:  # type: ignore[no-untyped-def]
    _app, shop = await _authorized_and_imported(harness, "expired-store")
    shop_id = _shop_id(shop.name)
    async with harness.container.persistence.unit_of_work() as uow:
        stored = await uow.shops.get(shop_id)
        token = await uow.tokens.get_tiktok(shop_id)
    assert harness.sandbox.control.expire_tokens(_tiktok_shop(harness)) > 0

    tiktok = harness.container.partners.tiktok_api()
    now = harness.clock.now()
    pages = tiktok.search_products(
        ShopCredentials(stored.cipher, token.access_token), TimeWindow(now - timedelta(days=3650), now)
    )
    found = [item async for page in pages for item in page.items]
    assert len(found) == (await _get_shop(harness, shop.name)).product_count
    async with harness.container.persistence.unit_of_work() as uow:
        renewed = await uow.tokens.get_tiktok(shop_id)
    assert renewed.access_token != token.access_token
    assert (await _get_shop(harness, shop.name)).status == shop_pb2.SHOP_STATUS_ACTIVE


async def test_a_revoked_grant_needs_reauthorization_until_the_seller_authorizes_again(harness) -> None:  # type: ignore[no-untyped-def]
    app, shop = await _authorized_and_imported(harness, "revoked-store")
    before = await _get_shop(harness, shop.name)
    harness.sandbox.control.revoke_grant(shop_id=_tiktok_shop(harness))
    harness.clock.advance(timedelta(days=6))  # the refresh is due; TikTok refuses it
    report = await harness.container.partners.token_upkeep().run()
    assert report.needs_reauthorization == (_shop_id(shop.name),)

    lapsed = await _get_shop(harness, shop.name)
    assert lapsed.status == shop_pb2.SHOP_STATUS_NEEDS_REAUTHORIZATION
    assert "re-authorize" in lapsed.status_reason
    shops = shop_pb2_grpc.ShopServiceStub(harness.channel)
    waiting = await shops.ListShops(
        shop_pb2.ListShopsRequest(parent=app, status=shop_pb2.SHOP_STATUS_NEEDS_REAUTHORIZATION)
    )
    assert [s.name for s in waiting.shops] == [shop.name]

    started = await shops.StartAuthorization(
        shop_pb2.StartAuthorizationRequest(parent=app, region_code="GB", shop=shop.name)
    )
    code = harness.sandbox.control.grant_authorization()["code"]  # a new consent: the old grant is gone
    await shops.CompleteAuthorization(shop_pb2.CompleteAuthorizationRequest(state=started.state, code=code))
    back = await _get_shop(harness, shop.name)
    assert back.status == shop_pb2.SHOP_STATUS_ACTIVE
    assert back.status_reason == ""
    assert (back.product_count, back.order_count) == (before.product_count, before.order_count)


async def test_watch_task_streams_a_snapshot_then_growing_progress_then_the_end_state(harness) -> None:  # type: ignore[no-untyped-def]
    shop = harness.sandbox.control.create_shop("SG", products=300, orders=300)
    app = await _install(harness, "watch-store")
    outcome = await _authorize(harness, app, [shop["id"]])
    (task_name,) = outcome.history_import_tasks
    tasks = task_pb2_grpc.TaskServiceStub(harness.channel)
    snapshots = [
        event.task
        async for event in tasks.WatchTask(task_pb2.WatchTaskRequest(name=task_name), timeout=60)
        if event.HasField("task")
    ]
    assert snapshots[0].name == task_name
    assert snapshots[0].state in (task_pb2.TASK_STATE_PENDING, task_pb2.TASK_STATE_RUNNING)
    progress = [snapshot.done_count for snapshot in snapshots]
    assert progress == sorted(progress)
    assert snapshots[-1].state == task_pb2.TASK_STATE_SUCCEEDED
    assert all(s.state != task_pb2.TASK_STATE_SUCCEEDED for s in snapshots[:-1])
    assert snapshots[-1].done_count == snapshots[-1].total_count > 0
    assert len(snapshots) >= 2


@asynccontextmanager
async def _another_database(like: str, tmp_path) -> AsyncIterator[str]:  # type: ignore[no-untyped-def]
    if like.startswith("sqlite"):
        url = f"sqlite+aiosqlite:///{tmp_path}/reference.db"
        await fresh_schema(url)
        yield url
        return
    with throwaway_database(admin_url_or_skip()) as url:
        await fresh_schema(url)
        yield url


# Columns that name our own ids or our own clock differ between two databases; the rest is the data.
_OURS = {"shop_id", "app_id", "first_seen_at", "linked_at", "synced_at"}


async def _imported_rows(harness, shop_name: str) -> dict[str, list[tuple[object, ...]]]:  # type: ignore[no-untyped-def]
    shop_id = _shop_id(shop_name)
    found: dict[str, list[tuple[object, ...]]] = {}
    async with harness.container.persistence.engine().connect() as conn:
        for table in (tables.channel_products, tables.channel_skus, tables.orders):
            columns = [column for column in table.c if column.name not in _OURS]
            rows = await conn.execute(select(*columns).where(table.c.shop_id == shop_id))
            found[table.name] = sorted(tuple(repr(value) for value in row) for row in rows)
    return found


async def _import_a_shop(harness, handle: str, tiktok_shop_id: str):  # type: ignore[no-untyped-def]
    app = await _install(harness, handle)
    outcome = await _authorize(harness, app, [tiktok_shop_id])
    (task_name,) = outcome.history_import_tasks
    return outcome.shops[0].name, task_name


async def test_an_import_stopped_abruptly_resumes_after_a_restart_and_ends_with_the_same_data(  # type: ignore[no-untyped-def]
    database_url: str, sandbox: RunningSandbox, tmp_path
) -> None:
    big = sandbox.control.create_shop("SG", "Big shop", products=1_200, orders=1_500)

    async with (
        _another_database(database_url, tmp_path) as reference_url,
        running_harness(reference_url, sandbox) as reference,
    ):
        shop_name, task_name = await _import_a_shop(reference, "reference-store", big["id"])
        uninterrupted = await _watch_to_end(reference, task_name)
        assert uninterrupted.state == task_pb2.TASK_STATE_SUCCEEDED, uninterrupted.failure_reason
        expected = await _imported_rows(reference, shop_name)
    searchable = [
        p for p in sandbox.control.tiktok.data(big["id"]).products.values() if p.status != "DELETED"
    ]
    assert len(expected["channel_products"]) == len(searchable) > 1_000
    assert len(expected["orders"]) == 1_500

    async with running_harness(database_url, sandbox) as first:
        shop_name, task_name = await _import_a_shop(first, "restarted-store", big["id"])
        tasks = task_pb2_grpc.TaskServiceStub(first.channel)
        async for event in tasks.WatchTask(task_pb2.WatchTaskRequest(name=task_name), timeout=60):
            if event.task.done_count > 0:
                break  # the first batch and its checkpoint are committed
        # TikTok starts failing, so the import sits in its back-off; then it is cancelled with no grace.
        sandbox.control.add_fault("error", status=503)
        await asyncio.sleep(0.3)
        await first.service.runner.stop(timedelta(0))
        sandbox.control.clear_faults()
        stopped = (await tasks.GetTask(task_pb2.GetTaskRequest(name=task_name))).task
        assert stopped.state != task_pb2.TASK_STATE_SUCCEEDED
        assert 0 < stopped.done_count < uninterrupted.done_count

    async with running_harness(database_url, sandbox) as second:
        resumed = await _watch_to_end(second, task_name)
        assert resumed.state == task_pb2.TASK_STATE_SUCCEEDED, resumed.failure_reason
        assert resumed.attempt_count >= 2
        assert resumed.created_count == uninterrupted.created_count
        actual = await _imported_rows(second, shop_name)
        shops = shop_pb2_grpc.ShopServiceStub(second.channel)
        counts = (await shops.GetShop(shop_pb2.GetShopRequest(name=shop_name))).shop

    assert {name: len(rows) for name, rows in actual.items()} == {
        name: len(rows) for name, rows in expected.items()
    }
    assert actual == expected
    assert (counts.product_count, counts.order_count) == (len(searchable), 1_500)
