"""The server through real stubs: health, reflection, the error edge, paging."""

from __future__ import annotations

import logging

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from grpc_status import rpc_status

from adapters.grpc.api import SERVICES
from domain.app import App
from domain.ids import AppId
from multichannel.v1 import app_pb2, app_pb2_grpc
from tests.e2e.bearer import channel_with_key

API_SERVICES = {f"multichannel.v1.{name}" for name in SERVICES}


def _error_info(error: grpc.aio.AioRpcError) -> error_details_pb2.ErrorInfo:
    status = rpc_status.from_call(error)
    assert status is not None
    for detail in status.details:
        info = error_details_pb2.ErrorInfo()
        if detail.Unpack(info):
            return info
    raise AssertionError("no ErrorInfo in the status details")


async def test_health_reports_serving_overall_and_per_service(harness) -> None:  # type: ignore[no-untyped-def]
    stub = health_pb2_grpc.HealthStub(harness.channel)
    for service in ["", *sorted(API_SERVICES)]:
        reply = await stub.Check(health_pb2.HealthCheckRequest(service=service))
        assert reply.status == health_pb2.HealthCheckResponse.SERVING, service


async def test_reflection_lists_every_service(harness) -> None:  # type: ignore[no-untyped-def]
    stub = reflection_pb2_grpc.ServerReflectionStub(harness.channel)

    async def requests():  # type: ignore[no-untyped-def]
        yield reflection_pb2.ServerReflectionRequest(list_services="")

    names = set()
    async for reply in stub.ServerReflectionInfo(requests()):
        names |= {service.name for service in reply.list_services_response.service}
    assert names >= API_SERVICES
    assert {"grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection"} <= names


async def test_list_apps_is_a_real_call(harness) -> None:  # type: ignore[no-untyped-def]
    now = harness.container.core.clock().now()
    async with harness.container.persistence.unit_of_work() as uow:
        for i in range(3):
            await uow.apps.add(App.install(AppId(f"app{i}"), f"store-{i}", now))
        await uow.commit()
    stub = app_pb2_grpc.AppServiceStub(harness.channel)
    first = await stub.ListApps(app_pb2.ListAppsRequest(page_size=2))
    assert [a.name for a in first.apps] == ["apps/app0", "apps/app1"]
    second = await stub.ListApps(app_pb2.ListAppsRequest(page_size=2, page_token=first.next_page_token))
    assert [a.name for a in second.apps] == ["apps/app2"]
    assert second.next_page_token == ""
    got = await stub.GetApp(app_pb2.GetAppRequest(name="apps/app1"))
    assert got.app.store_handle == "store-1"
    assert got.app.create_time.seconds > 0


async def test_unknown_app_is_not_found_with_error_info(harness) -> None:  # type: ignore[no-untyped-def]
    stub = app_pb2_grpc.AppServiceStub(harness.channel)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.GetApp(app_pb2.GetAppRequest(name="apps/missing"))
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    info = _error_info(caught.value)
    assert info.reason == "APP_NOT_FOUND"
    assert info.domain == "multichannel.v1"


async def test_bad_input_is_invalid_argument_naming_the_field(harness) -> None:  # type: ignore[no-untyped-def]
    stub = app_pb2_grpc.AppServiceStub(harness.channel)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.GetApp(app_pb2.GetAppRequest(name="shops/1"))
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    status = rpc_status.from_call(caught.value)
    violations = []
    for detail in status.details:
        bad = error_details_pb2.BadRequest()
        if detail.Unpack(bad):
            violations += [v.field for v in bad.field_violations]
    assert violations == ["name"]

    for request, field in [
        (app_pb2.ListAppsRequest(page_size=-1), "page_size"),
        (app_pb2.ListAppsRequest(page_token="forged"), "page_token"),
    ]:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.ListApps(request)
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert field in caught.value.details()


async def test_unknown_exceptions_are_generic_internal(harness, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    servicer_queries = harness.container.api.app_queries

    class Exploding:
        async def get_app(self, app_id):  # type: ignore[no-untyped-def]
            raise RuntimeError("secret-token-value-123456 leaked?")

    # Restart with an exploding use case: providers are overridden, never monkeypatched.
    await harness.service.server.stop(0)
    with servicer_queries.override(Exploding()):
        server = await harness.container.api.grpc_server()
        try:
            async with channel_with_key(f"127.0.0.1:{server.port}", harness.admin_key) as channel:
                stub = app_pb2_grpc.AppServiceStub(channel)
                with pytest.raises(grpc.aio.AioRpcError) as caught:
                    await stub.GetApp(app_pb2.GetAppRequest(name="apps/a"))
        finally:
            await server.stop(0)
    assert caught.value.code() == grpc.StatusCode.INTERNAL
    assert "secret-token-value" not in caught.value.details()
    assert _error_info(caught.value).metadata["correlation_id"]


async def test_access_log_has_method_code_and_duration_but_no_payload(harness, caplog) -> None:  # type: ignore[no-untyped-def]
    stub = app_pb2_grpc.AppServiceStub(harness.channel)
    with caplog.at_level(logging.INFO, logger="mcc.access"):
        await stub.ListApps(app_pb2.ListAppsRequest(store_handle="payload-marker-store"))
        with pytest.raises(grpc.aio.AioRpcError):
            await stub.GetApp(app_pb2.GetAppRequest(name="apps/payload-marker-app"))
    lines = [r.getMessage() for r in caplog.records if r.name == "mcc.access"]
    assert any("method=/multichannel.v1.AppService/ListApps code=OK duration_ms=" in line for line in lines)
    assert any("method=/multichannel.v1.AppService/GetApp code=NOT_FOUND" in line for line in lines)
    assert all("payload-marker" not in line for line in lines)
