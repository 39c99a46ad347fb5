import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from multichannel.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SalesChannel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SALES_CHANNEL_UNSPECIFIED: _ClassVar[SalesChannel]
    SALES_CHANNEL_TIKTOK_SHOP: _ClassVar[SalesChannel]
    SALES_CHANNEL_SHOPLINE_STORE: _ClassVar[SalesChannel]

class SalesGroupBy(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SALES_GROUP_BY_UNSPECIFIED: _ClassVar[SalesGroupBy]
    SALES_GROUP_BY_DAY: _ClassVar[SalesGroupBy]
    SALES_GROUP_BY_SHOP: _ClassVar[SalesGroupBy]
    SALES_GROUP_BY_CHANNEL: _ClassVar[SalesGroupBy]

class TopProductsOrderBy(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TOP_PRODUCTS_ORDER_BY_UNSPECIFIED: _ClassVar[TopProductsOrderBy]
    TOP_PRODUCTS_ORDER_BY_UNITS: _ClassVar[TopProductsOrderBy]
    TOP_PRODUCTS_ORDER_BY_SALES: _ClassVar[TopProductsOrderBy]
SALES_CHANNEL_UNSPECIFIED: SalesChannel
SALES_CHANNEL_TIKTOK_SHOP: SalesChannel
SALES_CHANNEL_SHOPLINE_STORE: SalesChannel
SALES_GROUP_BY_UNSPECIFIED: SalesGroupBy
SALES_GROUP_BY_DAY: SalesGroupBy
SALES_GROUP_BY_SHOP: SalesGroupBy
SALES_GROUP_BY_CHANNEL: SalesGroupBy
TOP_PRODUCTS_ORDER_BY_UNSPECIFIED: TopProductsOrderBy
TOP_PRODUCTS_ORDER_BY_UNITS: TopProductsOrderBy
TOP_PRODUCTS_ORDER_BY_SALES: TopProductsOrderBy

class SalesSummaryRow(_message.Message):
    __slots__ = ("date", "shop", "channel", "currency_code", "order_count", "unit_count", "gross_sales", "discounts", "net_sales", "cancelled_order_count", "cancellation_rate", "average_order_value", "unique_buyer_count")
    DATE_FIELD_NUMBER: _ClassVar[int]
    SHOP_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    ORDER_COUNT_FIELD_NUMBER: _ClassVar[int]
    UNIT_COUNT_FIELD_NUMBER: _ClassVar[int]
    GROSS_SALES_FIELD_NUMBER: _ClassVar[int]
    DISCOUNTS_FIELD_NUMBER: _ClassVar[int]
    NET_SALES_FIELD_NUMBER: _ClassVar[int]
    CANCELLED_ORDER_COUNT_FIELD_NUMBER: _ClassVar[int]
    CANCELLATION_RATE_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_ORDER_VALUE_FIELD_NUMBER: _ClassVar[int]
    UNIQUE_BUYER_COUNT_FIELD_NUMBER: _ClassVar[int]
    date: str
    shop: str
    channel: SalesChannel
    currency_code: str
    order_count: int
    unit_count: int
    gross_sales: _common_pb2.Money
    discounts: _common_pb2.Money
    net_sales: _common_pb2.Money
    cancelled_order_count: int
    cancellation_rate: str
    average_order_value: _common_pb2.Money
    unique_buyer_count: int
    def __init__(self, date: _Optional[str] = ..., shop: _Optional[str] = ..., channel: _Optional[_Union[SalesChannel, str]] = ..., currency_code: _Optional[str] = ..., order_count: _Optional[int] = ..., unit_count: _Optional[int] = ..., gross_sales: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., discounts: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., net_sales: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., cancelled_order_count: _Optional[int] = ..., cancellation_rate: _Optional[str] = ..., average_order_value: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., unique_buyer_count: _Optional[int] = ...) -> None: ...

class GetSalesSummaryRequest(_message.Message):
    __slots__ = ("parent", "start_time", "end_time", "group_by", "time_zone")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    GROUP_BY_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    parent: str
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    group_by: SalesGroupBy
    time_zone: str
    def __init__(self, parent: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., group_by: _Optional[_Union[SalesGroupBy, str]] = ..., time_zone: _Optional[str] = ...) -> None: ...

class GetSalesSummaryResponse(_message.Message):
    __slots__ = ("rows",)
    ROWS_FIELD_NUMBER: _ClassVar[int]
    rows: _containers.RepeatedCompositeFieldContainer[SalesSummaryRow]
    def __init__(self, rows: _Optional[_Iterable[_Union[SalesSummaryRow, _Mapping]]] = ...) -> None: ...

class TopProduct(_message.Message):
    __slots__ = ("shopline_variant_id", "inventory_pool", "skus", "title", "sku_code", "unit_count", "order_count", "net_sales")
    SHOPLINE_VARIANT_ID_FIELD_NUMBER: _ClassVar[int]
    INVENTORY_POOL_FIELD_NUMBER: _ClassVar[int]
    SKUS_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SKU_CODE_FIELD_NUMBER: _ClassVar[int]
    UNIT_COUNT_FIELD_NUMBER: _ClassVar[int]
    ORDER_COUNT_FIELD_NUMBER: _ClassVar[int]
    NET_SALES_FIELD_NUMBER: _ClassVar[int]
    shopline_variant_id: str
    inventory_pool: str
    skus: _containers.RepeatedScalarFieldContainer[str]
    title: str
    sku_code: str
    unit_count: int
    order_count: int
    net_sales: _containers.RepeatedCompositeFieldContainer[_common_pb2.Money]
    def __init__(self, shopline_variant_id: _Optional[str] = ..., inventory_pool: _Optional[str] = ..., skus: _Optional[_Iterable[str]] = ..., title: _Optional[str] = ..., sku_code: _Optional[str] = ..., unit_count: _Optional[int] = ..., order_count: _Optional[int] = ..., net_sales: _Optional[_Iterable[_Union[_common_pb2.Money, _Mapping]]] = ...) -> None: ...

class ListTopProductsRequest(_message.Message):
    __slots__ = ("parent", "start_time", "end_time", "order_by", "currency_code", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    order_by: TopProductsOrderBy
    currency_code: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., order_by: _Optional[_Union[TopProductsOrderBy, str]] = ..., currency_code: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListTopProductsResponse(_message.Message):
    __slots__ = ("top_products", "next_page_token")
    TOP_PRODUCTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    top_products: _containers.RepeatedCompositeFieldContainer[TopProduct]
    next_page_token: str
    def __init__(self, top_products: _Optional[_Iterable[_Union[TopProduct, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CustomerSummaryRow(_message.Message):
    __slots__ = ("channel", "shop", "unique_buyer_count", "repeat_buyer_count", "new_buyer_count", "returning_buyer_count", "cross_channel_buyer_count")
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    SHOP_FIELD_NUMBER: _ClassVar[int]
    UNIQUE_BUYER_COUNT_FIELD_NUMBER: _ClassVar[int]
    REPEAT_BUYER_COUNT_FIELD_NUMBER: _ClassVar[int]
    NEW_BUYER_COUNT_FIELD_NUMBER: _ClassVar[int]
    RETURNING_BUYER_COUNT_FIELD_NUMBER: _ClassVar[int]
    CROSS_CHANNEL_BUYER_COUNT_FIELD_NUMBER: _ClassVar[int]
    channel: SalesChannel
    shop: str
    unique_buyer_count: int
    repeat_buyer_count: int
    new_buyer_count: int
    returning_buyer_count: int
    cross_channel_buyer_count: int
    def __init__(self, channel: _Optional[_Union[SalesChannel, str]] = ..., shop: _Optional[str] = ..., unique_buyer_count: _Optional[int] = ..., repeat_buyer_count: _Optional[int] = ..., new_buyer_count: _Optional[int] = ..., returning_buyer_count: _Optional[int] = ..., cross_channel_buyer_count: _Optional[int] = ...) -> None: ...

class GetCustomerSummaryRequest(_message.Message):
    __slots__ = ("parent", "start_time", "end_time")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    parent: str
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    def __init__(self, parent: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetCustomerSummaryResponse(_message.Message):
    __slots__ = ("rows",)
    ROWS_FIELD_NUMBER: _ClassVar[int]
    rows: _containers.RepeatedCompositeFieldContainer[CustomerSummaryRow]
    def __init__(self, rows: _Optional[_Iterable[_Union[CustomerSummaryRow, _Mapping]]] = ...) -> None: ...
