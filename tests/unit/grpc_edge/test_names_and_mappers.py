"""Resource names and domain-to-proto mapping at the edge."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta, timezone

import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from hypothesis import given
from hypothesis import strategies as st

from adapters.grpc.catalog_mappers import price_rule_changes_from_proto
from adapters.grpc.mappers import (
    app_view_to_proto,
    price_rule_to_proto,
    task_kind_from_proto,
    task_state_from_proto,
    task_to_proto,
    timestamp,
)
from adapters.grpc.names import parse_app_name, parse_shop_name, parse_task_name, shop_name, task_name
from domain.app import App
from domain.errors import InvalidArgument
from domain.ids import AppId, ShopId, TaskId
from domain.pricing import PriceRule
from domain.task import Task, TaskKind, TaskState
from multichannel.v1 import app_pb2, common_pb2, task_pb2
from services.apps.queries import AppView

NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def test_names_round_trip() -> None:
    assert parse_app_name("apps/a1") == "a1"
    assert parse_shop_name(shop_name("a1", "s1")) == ("a1", "s1")
    assert parse_task_name(task_name("a1", "t1")) == ("a1", "t1")


@pytest.mark.parametrize(
    ("parse", "name"),
    [
        (parse_app_name, ""),
        (parse_app_name, "apps/"),
        (parse_app_name, "apps/a/shops/s"),
        (parse_shop_name, "apps/a/shop/s"),
        (parse_shop_name, "apps/a/shops/s/extra"),
        (parse_task_name, "apps/a/tasks/../x"),
    ],
)
def test_malformed_names_are_invalid_arguments_naming_the_field(parse, name) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidArgument) as caught:
        parse(name, "parent")
    assert caught.value.field == "parent"


def test_task_maps_every_field() -> None:
    task = Task.create(
        TaskId("t1"), AppId("a1"), TaskKind.HISTORY_IMPORT, NOW, shop_id=ShopId("s1"), total=10
    )
    message = task_to_proto(task)
    assert message.name == "apps/a1/tasks/t1"
    assert message.shop == "apps/a1/shops/s1"
    assert message.kind == task_pb2.TASK_KIND_HISTORY_IMPORT
    assert message.state == task_pb2.TASK_STATE_PENDING
    assert message.total_count == 10
    assert message.create_time.ToDatetime(tzinfo=UTC) == NOW


def test_every_domain_enum_value_has_a_proto_value() -> None:
    for kind in TaskKind:
        assert task_kind_from_proto(task_pb2.TaskKind.Value(f"TASK_KIND_{kind.value}")) is kind
    for state in TaskState:
        assert task_state_from_proto(task_pb2.TaskState.Value(f"TASK_STATE_{state.value}")) is state
    assert task_kind_from_proto(task_pb2.TASK_KIND_UNSPECIFIED) is None
    with pytest.raises(InvalidArgument):
        task_state_from_proto(99)


@given(
    st.datetimes(
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=8)), timezone(-timedelta(hours=5))])
    )
)
def test_timestamps_match_protobufs_own_conversion(value: datetime) -> None:
    expected = Timestamp()
    expected.FromDatetime(value)
    assert timestamp(value) == expected
    assert timestamp(value.replace(tzinfo=None)) == Timestamp(
        seconds=calendar.timegm(value.replace(tzinfo=None).timetuple()), nanos=value.microsecond * 1000
    )
    assert timestamp(None) is None


@pytest.mark.parametrize(
    ("revoked", "uninstalled", "state"),
    [
        (False, False, "INSTALLATION_STATE_INSTALLED"),
        (True, False, "INSTALLATION_STATE_NEEDS_REINSTALL"),
        (True, True, "INSTALLATION_STATE_UNINSTALLED"),
    ],
)
def test_an_uninstalled_app_shows_as_uninstalled(revoked: bool, uninstalled: bool, state: str) -> None:
    app = App.install(AppId("a1"), "open001", NOW)
    if uninstalled:
        app.uninstall(NOW + timedelta(hours=1))
    message = app_view_to_proto(AppView(app, NOW + timedelta(hours=10), revoked))
    assert message.installation_state == app_pb2.InstallationState.Value(state)


def test_the_automatic_price_sync_setting_crosses_the_edge_both_ways() -> None:
    assert price_rule_to_proto(PriceRule("USD", auto_sync=True)).auto_sync
    assert not price_rule_to_proto(PriceRule("USD")).auto_sync
    changes = price_rule_changes_from_proto(common_pb2.PriceRule(auto_sync=True), ["auto_sync"])
    assert changes.auto_sync
