"""No input is INTERNAL: values no use case can hold are INVALID_ARGUMENT naming the field, and an
error quotes only a short piece of what the caller sent.

Each case once reached a conversion or the database and came back INTERNAL (NUL bytes and 32-bit
overflows on PostgreSQL only), or, for a long value, came back RESOURCE_EXHAUSTED because the echo
of it overflowed the client's trailer limit.
"""

from __future__ import annotations

import grpc
import pytest
from google.protobuf import duration_pb2, field_mask_pb2, timestamp_pb2
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from multichannel.v1 import (
    analytics_pb2,
    analytics_pb2_grpc,
    app_pb2,
    app_pb2_grpc,
    inventory_pb2,
    inventory_pb2_grpc,
    order_pb2,
    order_pb2_grpc,
    task_pb2,
    task_pb2_grpc,
)
from tests.e2e.conftest import Harness
from tests.e2e.installation import completion_request

SHOP = "apps/app-1/shops/shop-1"
YEAR_10000 = 253_402_300_800


@pytest.fixture
def sandbox_size() -> str:
    return "tiny"


def _violation(error: grpc.aio.AioRpcError) -> tuple[str, str]:
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, (error.code(), error.details())
    status = rpc_status.from_call(error)
    assert status is not None
    for detail in status.details:
        bad_request = error_details_pb2.BadRequest()
        if detail.Unpack(bad_request):
            (violation,) = bad_request.field_violations
            return violation.field, violation.description
    raise AssertionError("no BadRequest detail")


async def _rejected(call) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return _violation(caught.value)


async def _install(harness: Harness, handle: str = "limits-store") -> str:
    apps = app_pb2_grpc.AppServiceStub(harness.channel)
    harness.sandbox.control.create_store(handle)
    started = await apps.StartInstallation(app_pb2.StartInstallationRequest(store_handle=handle))
    callback = harness.sandbox.control.install_shopline(handle, custom_field=started.state)["params"]
    return (await apps.CompleteInstallation(completion_request(callback))).app.name


@pytest.mark.parametrize(
    ("stamp", "field"),
    [
        (timestamp_pb2.Timestamp(seconds=YEAR_10000), "create_start_time"),
        (timestamp_pb2.Timestamp(seconds=-(10**13)), "create_start_time"),
        (timestamp_pb2.Timestamp(seconds=0, nanos=-1), "create_end_time"),
        (timestamp_pb2.Timestamp(seconds=0, nanos=10**9), "create_end_time"),
    ],
)
async def test_list_orders_rejects_timestamps_outside_the_protobuf_range(
    harness: Harness, stamp: timestamp_pb2.Timestamp, field: str
) -> None:
    orders = order_pb2_grpc.OrderServiceStub(harness.channel)
    request = order_pb2.ListOrdersRequest(parent=SHOP)
    getattr(request, field).CopyFrom(stamp)
    named, description = await _rejected(orders.ListOrders(request))
    assert named == field
    assert "9999-12-31" in description


async def test_analytics_rejects_an_out_of_range_timestamp(harness: Harness) -> None:
    analytics = analytics_pb2_grpc.AnalyticsServiceStub(harness.channel)
    request = analytics_pb2.GetSalesSummaryRequest(
        parent="apps/app-1", end_time=timestamp_pb2.Timestamp(seconds=YEAR_10000 * 4)
    )
    named, _ = await _rejected(analytics.GetSalesSummary(request))
    assert named == "end_time"


@pytest.mark.parametrize("seconds", [10**15, -(10**15), 315_576_000_001])
async def test_watch_task_rejects_a_heartbeat_interval_beyond_any_timedelta(
    harness: Harness, seconds: int
) -> None:
    tasks = task_pb2_grpc.TaskServiceStub(harness.channel)
    request = task_pb2.WatchTaskRequest(
        name="apps/app-1/tasks/task-1", heartbeat_interval=duration_pb2.Duration(seconds=seconds)
    )
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        async for _ in tasks.WatchTask(request, timeout=10):
            pass
    named, _ = _violation(caught.value)
    assert named == "heartbeat_interval"


async def test_integers_beyond_the_32_bit_columns_are_rejected_by_name(harness: Harness) -> None:
    app = await _install(harness)
    apps = app_pb2_grpc.AppServiceStub(harness.channel)
    named, description = await _rejected(
        apps.UpdateApp(
            app_pb2.UpdateAppRequest(
                app=app_pb2.App(name=app, settings=app_pb2.AppSettings(default_safety_stock=2**31)),
                update_mask=field_mask_pb2.FieldMask(paths=["settings.default_safety_stock"]),
            )
        )
    )
    assert named == "app.settings.default_safety_stock"
    assert "2147483647" in description
    pools = inventory_pb2_grpc.InventoryServiceStub(harness.channel)
    named, _ = await _rejected(
        pools.ListInventoryPools(
            inventory_pb2.ListInventoryPoolsRequest(parent=app, low_stock_threshold=2**40)
        )
    )
    assert named == "low_stock_threshold"
    # Within range it is accepted as before.
    await apps.UpdateApp(
        app_pb2.UpdateAppRequest(
            app=app_pb2.App(name=app, settings=app_pb2.AppSettings(default_safety_stock=2**31 - 1)),
            update_mask=field_mask_pb2.FieldMask(paths=["settings.default_safety_stock"]),
        )
    )


async def test_a_nul_character_in_any_string_is_rejected_by_name(harness: Harness) -> None:
    app = await _install(harness)
    apps = app_pb2_grpc.AppServiceStub(harness.channel)
    named, description = await _rejected(
        apps.CompleteInstallation(
            app_pb2.CompleteInstallationRequest(
                app_key="key", code="code", handle="limits-store", timestamp="1", sign="s", state="st\x00ate"
            )
        )
    )
    assert (named, description) == ("state", "must not contain NUL characters")
    named, _ = await _rejected(
        apps.UpdateApp(
            app_pb2.UpdateAppRequest(
                app=app_pb2.App(name=app, settings=app_pb2.AppSettings(shopline_location_ids=["a", "b\x00"])),
                update_mask=field_mask_pb2.FieldMask(paths=["settings.shopline_location_ids"]),
            )
        )
    )
    assert named == "app.settings.shopline_location_ids[1]"
    tasks = task_pb2_grpc.TaskServiceStub(harness.channel)
    named, _ = await _rejected(tasks.ListTasks(task_pb2.ListTasksRequest(parent=app, page_token="\x00")))
    assert named == "page_token"


@pytest.mark.parametrize("length", [2_000, 3_000, 1 << 20])
async def test_a_long_value_is_quoted_briefly_and_the_caller_sees_invalid_argument(
    harness: Harness, length: int
) -> None:
    apps = app_pb2_grpc.AppServiceStub(harness.channel)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await apps.GetApp(app_pb2.GetAppRequest(name="apps/" + "é" * length))
    named, description = _violation(caught.value)
    assert named == "name"
    assert len(description) <= 300 and len(caught.value.details() or "") <= 400


@pytest.mark.parametrize("time_zone", ["Pacific/Kiritimati", "Pacific/Niue", ""])
async def test_the_first_and_last_representable_days_are_answers_not_internal(
    harness: Harness, time_zone: str
) -> None:
    app = await _install(harness)
    analytics = analytics_pb2_grpc.AnalyticsServiceStub(harness.channel)
    orders = order_pb2_grpc.OrderServiceStub(harness.channel)
    first = timestamp_pb2.Timestamp(seconds=-62_135_596_800)
    last = timestamp_pb2.Timestamp(seconds=YEAR_10000 - 1, nanos=999_999_999)
    for start, end in (
        (first, timestamp_pb2.Timestamp(seconds=-62_135_596_800 + 86_400 * 30)),
        (timestamp_pb2.Timestamp(seconds=YEAR_10000 - 86_400 * 30), last),
    ):
        for call in (
            analytics.GetSalesSummary(
                analytics_pb2.GetSalesSummaryRequest(
                    parent=app, start_time=start, end_time=end, time_zone=time_zone
                )
            ),
            analytics.GetCustomerSummary(
                analytics_pb2.GetCustomerSummaryRequest(parent=app, start_time=start, end_time=end)
            ),
            orders.ListOrders(
                order_pb2.ListOrdersRequest(
                    parent=f"{app}/shops/-", create_start_time=start, create_end_time=end
                )
            ),
        ):
            try:
                await call
            except grpc.aio.AioRpcError as error:
                assert error.code() in (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.NOT_FOUND), (
                    error.code(),
                    error.details(),
                )
