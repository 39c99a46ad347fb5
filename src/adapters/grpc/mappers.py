"""Conversions between domain values and protobuf messages. No logic beyond the mapping."""

from __future__ import annotations

from datetime import datetime

from google.protobuf.timestamp_pb2 import Timestamp

from adapters.grpc.names import app_name
from domain.app import App, AppSettings, ImportScope
from domain.pricing import PriceRule
from multichannel.v1 import app_pb2, common_pb2

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
