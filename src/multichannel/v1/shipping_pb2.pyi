import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class FulfillmentState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FULFILLMENT_STATE_UNSPECIFIED: _ClassVar[FulfillmentState]
    FULFILLMENT_STATE_UNFULFILLED: _ClassVar[FulfillmentState]
    FULFILLMENT_STATE_PARTIALLY_SHIPPED: _ClassVar[FulfillmentState]
    FULFILLMENT_STATE_SHIPPED: _ClassVar[FulfillmentState]
    FULFILLMENT_STATE_DELIVERED: _ClassVar[FulfillmentState]
    FULFILLMENT_STATE_FULFILLMENT_BLOCKED: _ClassVar[FulfillmentState]

class ShippingType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SHIPPING_TYPE_UNSPECIFIED: _ClassVar[ShippingType]
    SHIPPING_TYPE_TIKTOK: _ClassVar[ShippingType]
    SHIPPING_TYPE_SELLER: _ClassVar[ShippingType]
FULFILLMENT_STATE_UNSPECIFIED: FulfillmentState
FULFILLMENT_STATE_UNFULFILLED: FulfillmentState
FULFILLMENT_STATE_PARTIALLY_SHIPPED: FulfillmentState
FULFILLMENT_STATE_SHIPPED: FulfillmentState
FULFILLMENT_STATE_DELIVERED: FulfillmentState
FULFILLMENT_STATE_FULFILLMENT_BLOCKED: FulfillmentState
SHIPPING_TYPE_UNSPECIFIED: ShippingType
SHIPPING_TYPE_TIKTOK: ShippingType
SHIPPING_TYPE_SELLER: ShippingType

class OrderFulfillment(_message.Message):
    __slots__ = ("state", "blocked_reason", "carrier_name", "packages", "shipping_type", "delivery_option_id", "delivery_option_name")
    STATE_FIELD_NUMBER: _ClassVar[int]
    BLOCKED_REASON_FIELD_NUMBER: _ClassVar[int]
    CARRIER_NAME_FIELD_NUMBER: _ClassVar[int]
    PACKAGES_FIELD_NUMBER: _ClassVar[int]
    SHIPPING_TYPE_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_OPTION_ID_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_OPTION_NAME_FIELD_NUMBER: _ClassVar[int]
    state: FulfillmentState
    blocked_reason: str
    carrier_name: str
    packages: _containers.RepeatedCompositeFieldContainer[OrderPackage]
    shipping_type: ShippingType
    delivery_option_id: str
    delivery_option_name: str
    def __init__(self, state: _Optional[_Union[FulfillmentState, str]] = ..., blocked_reason: _Optional[str] = ..., carrier_name: _Optional[str] = ..., packages: _Optional[_Iterable[_Union[OrderPackage, _Mapping]]] = ..., shipping_type: _Optional[_Union[ShippingType, str]] = ..., delivery_option_id: _Optional[str] = ..., delivery_option_name: _Optional[str] = ...) -> None: ...

class OrderPackage(_message.Message):
    __slots__ = ("package_id", "status", "tracking_number", "shipping_provider_name", "line_item_ids", "tracking_update_error")
    PACKAGE_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TRACKING_NUMBER_FIELD_NUMBER: _ClassVar[int]
    SHIPPING_PROVIDER_NAME_FIELD_NUMBER: _ClassVar[int]
    LINE_ITEM_IDS_FIELD_NUMBER: _ClassVar[int]
    TRACKING_UPDATE_ERROR_FIELD_NUMBER: _ClassVar[int]
    package_id: str
    status: str
    tracking_number: str
    shipping_provider_name: str
    line_item_ids: _containers.RepeatedScalarFieldContainer[str]
    tracking_update_error: str
    def __init__(self, package_id: _Optional[str] = ..., status: _Optional[str] = ..., tracking_number: _Optional[str] = ..., shipping_provider_name: _Optional[str] = ..., line_item_ids: _Optional[_Iterable[str]] = ..., tracking_update_error: _Optional[str] = ...) -> None: ...

class CarrierMapping(_message.Message):
    __slots__ = ("name", "carrier_name", "shipping_provider_id", "shipping_provider_name", "update_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    CARRIER_NAME_FIELD_NUMBER: _ClassVar[int]
    SHIPPING_PROVIDER_ID_FIELD_NUMBER: _ClassVar[int]
    SHIPPING_PROVIDER_NAME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    carrier_name: str
    shipping_provider_id: str
    shipping_provider_name: str
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., carrier_name: _Optional[str] = ..., shipping_provider_id: _Optional[str] = ..., shipping_provider_name: _Optional[str] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class DeliveryOptionProviders(_message.Message):
    __slots__ = ("delivery_option_id", "delivery_option_name", "fulfilled_by_tiktok", "shipping_providers", "fetch_time")
    DELIVERY_OPTION_ID_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_OPTION_NAME_FIELD_NUMBER: _ClassVar[int]
    FULFILLED_BY_TIKTOK_FIELD_NUMBER: _ClassVar[int]
    SHIPPING_PROVIDERS_FIELD_NUMBER: _ClassVar[int]
    FETCH_TIME_FIELD_NUMBER: _ClassVar[int]
    delivery_option_id: str
    delivery_option_name: str
    fulfilled_by_tiktok: bool
    shipping_providers: _containers.RepeatedCompositeFieldContainer[ShippingProvider]
    fetch_time: _timestamp_pb2.Timestamp
    def __init__(self, delivery_option_id: _Optional[str] = ..., delivery_option_name: _Optional[str] = ..., fulfilled_by_tiktok: _Optional[bool] = ..., shipping_providers: _Optional[_Iterable[_Union[ShippingProvider, _Mapping]]] = ..., fetch_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ShippingProvider(_message.Message):
    __slots__ = ("shipping_provider_id", "name")
    SHIPPING_PROVIDER_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    shipping_provider_id: str
    name: str
    def __init__(self, shipping_provider_id: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...
