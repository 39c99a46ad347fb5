"""Conversions between domain values and protobuf messages. No logic beyond the mapping."""

from __future__ import annotations

from datetime import datetime

from google.protobuf.timestamp_pb2 import Timestamp

from adapters.grpc.names import app_name, shop_name, task_name
from domain.app import App, AppSettings, ImportScope
from domain.errors import InvalidArgument
from domain.pricing import PriceRule
from domain.task import Task, TaskKind, TaskState
from multichannel.v1 import app_pb2, common_pb2, task_pb2

_IMPORT_SCOPE_TO_PROTO = {
    ImportScope.ONLY_LINKED: app_pb2.ORDER_IMPORT_SCOPE_ONLY_FULLY_LINKED,
    ImportScope.ALL_ORDERS: app_pb2.ORDER_IMPORT_SCOPE_ALL_WITH_CUSTOM_ITEMS,
}


def timestamp(value: datetime | None) -> Timestamp | None:
    if value is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(value)
    return stamp


def app_to_proto(app: App) -> app_pb2.App:
    return app_pb2.App(
        name=app_name(app.id),
        store_handle=app.store_handle,
        create_time=timestamp(app.created_at),
        settings=app_settings_to_proto(app.settings),
    )


def app_settings_to_proto(settings: AppSettings) -> app_pb2.AppSettings:
    message = app_pb2.AppSettings(
        auto_import_orders=settings.auto_import_orders,
        order_import_scope=_IMPORT_SCOPE_TO_PROTO[settings.import_scope],
        default_safety_stock=settings.default_safety_stock,
        shopline_location_ids=list(settings.location_ids),
    )
    if settings.default_price_rule is not None:
        message.default_price_rule.CopyFrom(price_rule_to_proto(settings.default_price_rule))
    return message


def price_rule_to_proto(rule: PriceRule) -> common_pb2.PriceRule:
    message = common_pb2.PriceRule(
        enabled=True,
        markup=str(rule.markup),
        fixed_amount=common_pb2.Money(currency_code=rule.target_currency, amount=str(rule.fixed)),
        target_currency_code=rule.target_currency,
    )
    if rule.exchange_rate is not None:
        message.exchange_rate = str(rule.exchange_rate.rate)
    return message


_TASK_KIND_TO_PROTO = {kind: task_pb2.TaskKind.Value(f"TASK_KIND_{kind.value}") for kind in TaskKind}
_TASK_KIND_FROM_PROTO = {value: kind for kind, value in _TASK_KIND_TO_PROTO.items()}
_TASK_STATE_TO_PROTO = {state: task_pb2.TaskState.Value(f"TASK_STATE_{state.value}") for state in TaskState}
_TASK_STATE_FROM_PROTO = {value: state for state, value in _TASK_STATE_TO_PROTO.items()}


def task_to_proto(task: Task) -> task_pb2.Task:
    counts = task.counts
    return task_pb2.Task(
        name=task_name(task.app_id, task.id),
        kind=_TASK_KIND_TO_PROTO[task.kind],
        state=_TASK_STATE_TO_PROTO[task.state],
        shop=shop_name(task.app_id, task.shop_id) if task.shop_id else "",
        done_count=task.done,
        total_count=task.total or 0,
        created_count=counts.created,
        updated_count=counts.updated,
        skipped_count=counts.skipped,
        failed_count=counts.failed,
        recent_errors=[
            task_pb2.TaskError(item=error.item_ref, reason=error.reason, time=timestamp(error.at))
            for error in task.last_errors
        ],
        failure_reason=task.failure_reason or "",
        create_time=timestamp(task.created_at),
        start_time=timestamp(task.started_at),
        end_time=timestamp(task.finished_at),
        attempt_count=task.attempts,
    )


def task_kind_from_proto(value: int) -> TaskKind | None:
    """``None`` for the unspecified value (no filter); unknown numbers are bad input."""
    if value == task_pb2.TASK_KIND_UNSPECIFIED:
        return None
    if value not in _TASK_KIND_FROM_PROTO:
        raise InvalidArgument("kind", f"{value} is not a task kind")
    return _TASK_KIND_FROM_PROTO[value]


def task_state_from_proto(value: int) -> TaskState | None:
    if value == task_pb2.TASK_STATE_UNSPECIFIED:
        return None
    if value not in _TASK_STATE_FROM_PROTO:
        raise InvalidArgument("state", f"{value} is not a task state")
    return _TASK_STATE_FROM_PROTO[value]
