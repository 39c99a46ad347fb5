import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PriceRounding(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PRICE_ROUNDING_UNSPECIFIED: _ClassVar[PriceRounding]
    PRICE_ROUNDING_HALF_UP: _ClassVar[PriceRounding]
    PRICE_ROUNDING_HALF_EVEN: _ClassVar[PriceRounding]
    PRICE_ROUNDING_UP: _ClassVar[PriceRounding]
    PRICE_ROUNDING_DOWN: _ClassVar[PriceRounding]
PRICE_ROUNDING_UNSPECIFIED: PriceRounding
PRICE_ROUNDING_HALF_UP: PriceRounding
PRICE_ROUNDING_HALF_EVEN: PriceRounding
PRICE_ROUNDING_UP: PriceRounding
PRICE_ROUNDING_DOWN: PriceRounding

class Money(_message.Message):
    __slots__ = ("currency_code", "amount")
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    currency_code: str
    amount: str
    def __init__(self, currency_code: _Optional[str] = ..., amount: _Optional[str] = ...) -> None: ...

class PriceRule(_message.Message):
    __slots__ = ("name", "enabled", "markup", "fixed_amount", "exchange_rate", "target_currency_code", "rounding", "update_time", "auto_sync")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    MARKUP_FIELD_NUMBER: _ClassVar[int]
    FIXED_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    EXCHANGE_RATE_FIELD_NUMBER: _ClassVar[int]
    TARGET_CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    ROUNDING_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    AUTO_SYNC_FIELD_NUMBER: _ClassVar[int]
    name: str
    enabled: bool
    markup: str
    fixed_amount: Money
    exchange_rate: str
    target_currency_code: str
    rounding: PriceRounding
    update_time: _timestamp_pb2.Timestamp
    auto_sync: bool
    def __init__(self, name: _Optional[str] = ..., enabled: _Optional[bool] = ..., markup: _Optional[str] = ..., fixed_amount: _Optional[_Union[Money, _Mapping]] = ..., exchange_rate: _Optional[str] = ..., target_currency_code: _Optional[str] = ..., rounding: _Optional[_Union[PriceRounding, str]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., auto_sync: _Optional[bool] = ...) -> None: ...

class WebhookHealth(_message.Message):
    __slots__ = ("subscribed", "last_event_time", "events_last_hour", "last_signature_failure_time")
    SUBSCRIBED_FIELD_NUMBER: _ClassVar[int]
    LAST_EVENT_TIME_FIELD_NUMBER: _ClassVar[int]
    EVENTS_LAST_HOUR_FIELD_NUMBER: _ClassVar[int]
    LAST_SIGNATURE_FAILURE_TIME_FIELD_NUMBER: _ClassVar[int]
    subscribed: bool
    last_event_time: _timestamp_pb2.Timestamp
    events_last_hour: int
    last_signature_failure_time: _timestamp_pb2.Timestamp
    def __init__(self, subscribed: _Optional[bool] = ..., last_event_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., events_last_hour: _Optional[int] = ..., last_signature_failure_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
