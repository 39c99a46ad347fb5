"""Who may call, through real stubs: keys, roles, app scope, key management and the audit log."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import grpc
import pytest
from google.protobuf import duration_pb2, field_mask_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_status import rpc_status

from adapters.grpc.server import ServiceBinding, create_server
from domain.api_key import Role
from domain.app import App
from domain.ids import AppId, ShopId
from domain.shop import Shop
from multichannel.v1 import (
    api_key_pb2,
    api_key_pb2_grpc,
    app_pb2,
    app_pb2_grpc,
    order_pb2,
    order_pb2_grpc,
    shop_pb2,
    shop_pb2_grpc,
)
from tests.e2e.bearer import channel_with_key, issue_key
from tests.unit.builders import T0, identity

MINE, THEIRS = AppId("app-1"), AppId("app-2")
MY_SHOP, THEIR_SHOP = "apps/app-1/shops/shop-1", "apps/app-2/shops/shop-2"


async def _seed(harness) -> None:  # type: ignore[no-untyped-def]
    async with harness.container.persistence.unit_of_work() as uow:
        await uow.apps.add(App.install(MINE, "store-1", T0))
        await uow.apps.add(App.install(THEIRS, "store-2", T0))
        await uow.shops.add(Shop.authorize(ShopId("shop-1"), MINE, identity("7001", cipher="c1"), T0))
        await uow.shops.add(Shop.authorize(ShopId("shop-2"), THEIRS, identity("7002", cipher="c2"), T0))
        await uow.commit()


async def _code(call: Awaitable[Any]) -> grpc.StatusCode:
    try:
        await call
    except grpc.aio.AioRpcError as error:
        return error.code()
    return grpc.StatusCode.OK


def _rename(name: str) -> shop_pb2.UpdateShopRequest:
    return shop_pb2.UpdateShopRequest(
        shop=shop_pb2.Shop(name=name, display_name="Renamed"),
        update_mask=field_mask_pb2.FieldMask(paths=["display_name"]),
    )


async def test_health_and_reflection_need_no_key_and_everything_else_does(harness) -> None:  # type: ignore[no-untyped-def]
    async with harness.open_channel(None) as anonymous:
        reply = await health_pb2_grpc.HealthStub(anonymous).Check(health_pb2.HealthCheckRequest())
        assert reply.status == health_pb2.HealthCheckResponse.SERVING
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await app_pb2_grpc.AppServiceStub(anonymous).ListApps(app_pb2.ListAppsRequest())
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
    status = rpc_status.from_call(caught.value)
    assert status is not None and status.details  # an ErrorInfo, through the one error table


@pytest.mark.parametrize(
    "header",
    ["wrong secret", "unknown prefix", "no Bearer scheme", "Basic", "empty", "truncated"],
)
async def test_a_bad_credential_is_unauthenticated(harness, header: str) -> None:  # type: ignore[no-untyped-def]
    key = harness.admin_key
    value = {
        "wrong secret": f"Bearer {key[:-1]}{'A' if key[-1] != 'A' else 'B'}",
        "unknown prefix": f"Bearer mcc_ffffffffff{key[14:]}",
        "no Bearer scheme": key,
        "Basic": f"Basic {key}",
        "empty": "Bearer ",
        "truncated": f"Bearer {key[:30]}",
    }[header]
    async with harness.open_channel(None) as anonymous:
        stub = app_pb2_grpc.AppServiceStub(anonymous)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.ListApps(app_pb2.ListAppsRequest(), metadata=(("authorization", value),))
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert key[14:] not in (caught.value.details() or "")


async def test_an_expired_key_is_unauthenticated(harness) -> None:  # type: ignore[no-untyped-def]
    key = await issue_key(harness.container, Role.ADMIN, valid_for=timedelta(hours=1))
    async with harness.open_channel(key) as channel:
        stub = app_pb2_grpc.AppServiceStub(channel)
        assert await _code(stub.ListApps(app_pb2.ListAppsRequest())) == grpc.StatusCode.OK
        harness.clock.advance(timedelta(hours=1, seconds=1))
        assert await _code(stub.ListApps(app_pb2.ListAppsRequest())) == grpc.StatusCode.UNAUTHENTICATED


async def test_keys_are_made_listed_and_revoked_over_grpc(harness) -> None:  # type: ignore[no-untyped-def]
    await _seed(harness)
    keys = api_key_pb2_grpc.ApiKeyServiceStub(harness.channel)
    created = await keys.CreateApiKey(
        api_key_pb2.CreateApiKeyRequest(
            api_key=api_key_pb2.ApiKey(role=api_key_pb2.API_KEY_ROLE_OPERATOR, apps=["apps/app-1"]),
            ttl=duration_pb2.Duration(seconds=90 * 86_400),
        )
    )
    assert created.key.startswith(created.api_key.prefix + "_")
    assert created.api_key.expire_time.seconds - created.api_key.create_time.seconds == 90 * 86_400
    async with harness.open_channel(created.key) as channel:
        shops = shop_pb2_grpc.ShopServiceStub(channel)
        assert (await shops.GetShop(shop_pb2.GetShopRequest(name=MY_SHOP))).shop.name == MY_SHOP

        listed = await keys.ListApiKeys(api_key_pb2.ListApiKeysRequest())
        mine = next(key for key in listed.api_keys if key.prefix == created.api_key.prefix)
        assert (list(mine.apps), mine.role, mine.state) == (
            ["apps/app-1"],
            api_key_pb2.API_KEY_ROLE_OPERATOR,
            api_key_pb2.API_KEY_STATE_ACTIVE,
        )
        assert mine.HasField("last_use_time")
        assert all(not key.HasField("revoke_time") for key in listed.api_keys)

        revoked = await keys.RevokeApiKey(api_key_pb2.RevokeApiKeyRequest(name=created.api_key.prefix))
        assert revoked.api_key.state == api_key_pb2.API_KEY_STATE_REVOKED
        code = await _code(shops.GetShop(shop_pb2.GetShopRequest(name=MY_SHOP)))
        assert code == grpc.StatusCode.UNAUTHENTICATED
    got = await keys.GetApiKey(api_key_pb2.GetApiKeyRequest(name=created.api_key.name))
    assert got.api_key.HasField("revoke_time")


async def test_key_creation_checks_its_input(harness) -> None:  # type: ignore[no-untyped-def]
    keys = api_key_pb2_grpc.ApiKeyServiceStub(harness.channel)
    for request, field in [
        (api_key_pb2.CreateApiKeyRequest(), "api_key.role"),
        (
            api_key_pb2.CreateApiKeyRequest(api_key=api_key_pb2.ApiKey(role=api_key_pb2.API_KEY_ROLE_READER)),
            "apps",
        ),
        (
            api_key_pb2.CreateApiKeyRequest(
                api_key=api_key_pb2.ApiKey(role=api_key_pb2.API_KEY_ROLE_READER, apps=["shops/x"])
            ),
            "api_key.apps",
        ),
        (
            api_key_pb2.CreateApiKeyRequest(
                api_key=api_key_pb2.ApiKey(role=api_key_pb2.API_KEY_ROLE_ADMIN),
                ttl=duration_pb2.Duration(seconds=-5),
            ),
            "ttl",
        ),
    ]:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await keys.CreateApiKey(request)
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT, field
        assert field in (caught.value.details() or ""), caught.value.details()
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await keys.RevokeApiKey(api_key_pb2.RevokeApiKeyRequest(name="mcc_ffffffffff"))
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


async def test_a_reader_reads_but_cannot_change(harness) -> None:  # type: ignore[no-untyped-def]
    await _seed(harness)
    reader = await issue_key(harness.container, Role.READER, frozenset({MINE}))
    async with harness.open_channel(reader) as channel:
        shops = shop_pb2_grpc.ShopServiceStub(channel)
        assert await _code(shops.GetShop(shop_pb2.GetShopRequest(name=MY_SHOP))) == grpc.StatusCode.OK
        assert await _code(shops.UpdateShop(_rename(MY_SHOP))) == grpc.StatusCode.PERMISSION_DENIED
        orders = order_pb2_grpc.OrderServiceStub(channel)
        code = await _code(orders.SyncOrders(order_pb2.SyncOrdersRequest(parent=MY_SHOP)))
        assert code == grpc.StatusCode.PERMISSION_DENIED


async def test_admin_methods_need_an_admin_and_installations_an_admin_of_every_app(harness) -> None:  # type: ignore[no-untyped-def]
    await _seed(harness)
    operator = await issue_key(harness.container, Role.OPERATOR, frozenset({MINE}))
    scoped_admin = await issue_key(harness.container, Role.ADMIN, frozenset({MINE}))
    install = app_pb2.StartInstallationRequest(store_handle="sandbox-store")
    new_key = api_key_pb2.CreateApiKeyRequest(api_key=api_key_pb2.ApiKey(role=api_key_pb2.API_KEY_ROLE_ADMIN))
    async with harness.open_channel(operator) as channel:
        assert (
            await _code(shop_pb2_grpc.ShopServiceStub(channel).UpdateShop(_rename(MY_SHOP)))
            == grpc.StatusCode.OK
        )
        delete = shop_pb2_grpc.ShopServiceStub(channel).DeleteShop(shop_pb2.DeleteShopRequest(name=MY_SHOP))
        assert await _code(delete) == grpc.StatusCode.PERMISSION_DENIED
        start = app_pb2_grpc.AppServiceStub(channel).StartInstallation(install)
        assert await _code(start) == grpc.StatusCode.PERMISSION_DENIED
        create = api_key_pb2_grpc.ApiKeyServiceStub(channel).CreateApiKey(new_key)
        assert await _code(create) == grpc.StatusCode.PERMISSION_DENIED
    async with harness.open_channel(scoped_admin) as channel:
        start = app_pb2_grpc.AppServiceStub(channel).StartInstallation(install)
        assert await _code(start) == grpc.StatusCode.PERMISSION_DENIED
        listing = api_key_pb2_grpc.ApiKeyServiceStub(channel).ListApiKeys(api_key_pb2.ListApiKeysRequest())
        assert await _code(listing) == grpc.StatusCode.PERMISSION_DENIED
        delete = shop_pb2_grpc.ShopServiceStub(channel).DeleteShop(shop_pb2.DeleteShopRequest(name=MY_SHOP))
        assert await _code(delete) == grpc.StatusCode.OK
    assert (
        await _code(app_pb2_grpc.AppServiceStub(harness.channel).StartInstallation(install))
        == grpc.StatusCode.OK
    )


def _answer(error: grpc.aio.AioRpcError, app: str) -> tuple[Any, ...]:
    """What a caller can observe of a refusal, with the app id made neutral."""
    status = rpc_status.from_call(error)
    assert status is not None
    details = [detail.SerializeToString().replace(app.encode(), b"APP") for detail in status.details]
    return error.code(), (error.details() or "").replace(app, "APP"), details


CALLS: dict[str, Callable[[grpc.aio.Channel, str], Awaitable[Any]]] = {
    "GetApp": lambda ch, app: app_pb2_grpc.AppServiceStub(ch).GetApp(
        app_pb2.GetAppRequest(name=f"apps/{app}")
    ),
    "GetShop": lambda ch, app: shop_pb2_grpc.ShopServiceStub(ch).GetShop(
        shop_pb2.GetShopRequest(name=f"apps/{app}/shops/shop-2")
    ),
    "ListShops": lambda ch, app: shop_pb2_grpc.ShopServiceStub(ch).ListShops(
        shop_pb2.ListShopsRequest(parent=f"apps/{app}")
    ),
    "UpdateShop": lambda ch, app: shop_pb2_grpc.ShopServiceStub(ch).UpdateShop(
        _rename(f"apps/{app}/shops/shop-2")
    ),
    "ListOrders": lambda ch, app: order_pb2_grpc.OrderServiceStub(ch).ListOrders(
        order_pb2.ListOrdersRequest(parent=f"apps/{app}/shops/shop-2")
    ),
    "ListOrders-all-shops": lambda ch, app: order_pb2_grpc.OrderServiceStub(ch).ListOrders(
        order_pb2.ListOrdersRequest(parent=f"apps/{app}/shops/-")
    ),
    "GetOrder": lambda ch, app: order_pb2_grpc.OrderServiceStub(ch).GetOrder(
        order_pb2.GetOrderRequest(name=f"apps/{app}/shops/shop-2/orders/576461413038785752")
    ),
}


@pytest.mark.parametrize("call", list(CALLS))
async def test_another_apps_resources_are_not_found_exactly_as_if_the_app_did_not_exist(
    harness, call: str
) -> None:  # type: ignore[no-untyped-def]
    await _seed(harness)
    operator = await issue_key(harness.container, Role.OPERATOR, frozenset({MINE}))
    async with harness.open_channel(operator) as channel:
        with pytest.raises(grpc.aio.AioRpcError) as theirs:
            await CALLS[call](channel, "app-2")
        with pytest.raises(grpc.aio.AioRpcError) as nobodys:
            await CALLS[call](channel, "app-9")
    assert theirs.value.code() == grpc.StatusCode.NOT_FOUND
    assert _answer(theirs.value, "app-2") == _answer(nobodys.value, "app-9")
    shop = await shop_pb2_grpc.ShopServiceStub(harness.channel).GetShop(
        shop_pb2.GetShopRequest(name=THEIR_SHOP)
    )
    assert shop.shop.display_name != "Renamed"
    # The admin of every app is let through: the refusal came from the scope, not from the data.
    assert await _code(CALLS[call](harness.channel, "app-2")) in (
        grpc.StatusCode.OK,
        grpc.StatusCode.NOT_FOUND,
    )


async def test_list_apps_shows_only_the_callers_apps(harness) -> None:  # type: ignore[no-untyped-def]
    await _seed(harness)
    async with harness.container.persistence.unit_of_work() as uow:
        for number in range(3, 7):
            await uow.apps.add(App.install(AppId(f"app-{number}"), f"store-{number}", T0))
        await uow.commit()
    reader = await issue_key(
        harness.container, Role.READER, frozenset({MINE, AppId("app-4"), AppId("app-6"), AppId("app-gone")})
    )
    async with harness.open_channel(reader) as channel:
        apps = app_pb2_grpc.AppServiceStub(channel)
        first = await apps.ListApps(app_pb2.ListAppsRequest(page_size=2))
        second = await apps.ListApps(app_pb2.ListAppsRequest(page_size=2, page_token=first.next_page_token))
        by_handle = await apps.ListApps(app_pb2.ListAppsRequest(store_handle="store-2"))
    assert [app.name for app in first.apps] == ["apps/app-1", "apps/app-4"]
    assert [app.name for app in second.apps] == ["apps/app-6"]
    assert second.next_page_token == ""
    assert list(by_handle.apps) == []
    everything = await app_pb2_grpc.AppServiceStub(harness.channel).ListApps(app_pb2.ListAppsRequest())
    assert len(everything.apps) == 6


async def test_completing_an_authorization_names_the_app_with_a_scoped_key(harness) -> None:  # type: ignore[no-untyped-def]
    operator = await issue_key(harness.container, Role.OPERATOR, frozenset({MINE}))
    async with harness.open_channel(operator) as channel:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await shop_pb2_grpc.ShopServiceStub(channel).CompleteAuthorization(
                shop_pb2.CompleteAuthorizationRequest(state="s", code="c")
            )
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "parent" in (caught.value.details() or "")


async def test_mutating_calls_are_audited_without_secrets(harness, caplog) -> None:  # type: ignore[no-untyped-def]
    await _seed(harness)
    operator = await issue_key(harness.container, Role.OPERATOR, frozenset({MINE}))
    prefix = operator[: len("mcc_") + 10]
    with caplog.at_level(logging.INFO):
        async with harness.open_channel(operator) as channel:
            shops = shop_pb2_grpc.ShopServiceStub(channel)
            await shops.UpdateShop(_rename(MY_SHOP), metadata=(("x-request-id", "audit-req-1"),))
            await shops.GetShop(shop_pb2.GetShopRequest(name=MY_SHOP))
            delete = shops.DeleteShop(
                shop_pb2.DeleteShopRequest(name=MY_SHOP), metadata=(("x-request-id", "r2"),)
            )
            assert await _code(delete) == grpc.StatusCode.PERMISSION_DENIED
            assert await _code(shops.UpdateShop(_rename(THEIR_SHOP))) == grpc.StatusCode.NOT_FOUND
        async with harness.open_channel(None) as anonymous:
            update = shop_pb2_grpc.ShopServiceStub(anonymous).UpdateShop(_rename(MY_SHOP))
            assert await _code(update) == grpc.StatusCode.UNAUTHENTICATED
    audit = [record for record in caplog.records if record.name == "mcc.audit"]
    lines = [record.getMessage() for record in audit]
    assert lines == [
        f"audit principal=key:{prefix} method=/multichannel.v1.ShopService/UpdateShop resource={MY_SHOP} "
        "request_id=audit-req-1 code=OK",
        f"audit principal=key:{prefix} method=/multichannel.v1.ShopService/DeleteShop resource=- "
        "request_id=r2 code=PERMISSION_DENIED",
        lines[2],
        lines[3],
    ]
    assert lines[2].startswith(
        f"audit principal=key:{prefix} method=/multichannel.v1.ShopService/UpdateShop "
    )
    assert f"resource={THEIR_SHOP} " in lines[2] and lines[2].endswith("code=NOT_FOUND")
    assert lines[3].startswith("audit principal=- method=/multichannel.v1.ShopService/UpdateShop resource=- ")
    assert lines[3].endswith("code=UNAUTHENTICATED")
    assert audit[0].audit == {  # type: ignore[attr-defined]
        "principal": f"key:{prefix}",
        "method": "/multichannel.v1.ShopService/UpdateShop",
        "resource": MY_SHOP,
        "request_id": "audit-req-1",
        "code": "OK",
    }
    secret = operator[len(prefix) :]
    assert all(secret not in record.getMessage() for record in caplog.records)
    assert all(harness.admin_key[14:] not in record.getMessage() for record in caplog.records)


async def test_a_served_method_without_a_rule_is_refused(harness) -> None:  # type: ignore[no-untyped-def]
    async def echo(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        return request

    handler = grpc.method_handlers_generic_handler(
        "multichannel.v1.NewService", {"DoSomething": grpc.unary_unary_rpc_method_handler(echo)}
    )
    binding = ServiceBinding(
        "multichannel.v1.NewService", lambda server: server.add_generic_rpc_handlers((handler,))
    )
    server = await create_server(
        [binding], "127.0.0.1:0", authenticator=harness.container.api.authenticator()
    )
    try:
        async with channel_with_key(f"127.0.0.1:{server.port}", harness.admin_key) as channel:
            call = channel.unary_unary("/multichannel.v1.NewService/DoSomething")(b"hi")
            assert await _code(call) == grpc.StatusCode.PERMISSION_DENIED
    finally:
        await server.stop(0)
