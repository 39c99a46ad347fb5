"""The authorization lifecycle end to end: gRPC in, the partner sandbox out, SQLite underneath."""

from __future__ import annotations

import logging

import grpc
import pytest
from google.protobuf import field_mask_pb2

from multichannel.v1 import app_pb2, app_pb2_grpc, shop_pb2, shop_pb2_grpc, task_pb2, task_pb2_grpc


@pytest.fixture
def sandbox_size() -> str:
    return "tiny"


async def _install(harness, handle: str) -> str:  # type: ignore[no-untyped-def]
    apps = app_pb2_grpc.AppServiceStub(harness.channel)
    harness.sandbox.control.create_store(handle)
    started = await apps.StartInstallation(app_pb2.StartInstallationRequest(store_handle=handle))
    assert f"/stores/{handle}/admin/oauth-web/#/oauth/authorize" in started.authorization_url
    callback = harness.sandbox.control.install_shopline(handle, custom_field=started.state)["params"]
    done = await apps.CompleteInstallation(
        app_pb2.CompleteInstallationRequest(
            app_key=callback["appkey"],
            code=callback["code"],
            handle=callback["handle"],
            timestamp=callback["timestamp"],
            sign=callback["sign"],
            state=callback["customField"],
        )
    )
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
