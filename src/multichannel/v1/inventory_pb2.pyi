import datetime

from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from multichannel.v1 import task_pb2 as _task_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PushResult(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PUSH_RESULT_UNSPECIFIED: _ClassVar[PushResult]
    PUSH_RESULT_PENDING: _ClassVar[PushResult]
    PUSH_RESULT_SUCCEEDED: _ClassVar[PushResult]
    PUSH_RESULT_FAILED: _ClassVar[PushResult]
PUSH_RESULT_UNSPECIFIED: PushResult
PUSH_RESULT_PENDING: PushResult
PUSH_RESULT_SUCCEEDED: PushResult
PUSH_RESULT_FAILED: PushResult

class InventoryPool(_message.Message):
    __slots__ = ("name", "shopline_variant_id", "shopline_sku", "title", "on_hand", "held", "committed", "safety_stock", "available", "oversold", "oversold_quantity", "on_hand_version_time", "channel_skus", "update_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    SHOPLINE_VARIANT_ID_FIELD_NUMBER: _ClassVar[int]
    SHOPLINE_SKU_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    ON_HAND_FIELD_NUMBER: _ClassVar[int]
    HELD_FIELD_NUMBER: _ClassVar[int]
    COMMITTED_FIELD_NUMBER: _ClassVar[int]
    SAFETY_STOCK_FIELD_NUMBER: _ClassVar[int]
    AVAILABLE_FIELD_NUMBER: _ClassVar[int]
    OVERSOLD_FIELD_NUMBER: _ClassVar[int]
    OVERSOLD_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    ON_HAND_VERSION_TIME_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_SKUS_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    shopline_variant_id: str
    shopline_sku: str
    title: str
    on_hand: int
    held: int
    committed: int
    safety_stock: int
    available: int
    oversold: bool
    oversold_quantity: int
    on_hand_version_time: _timestamp_pb2.Timestamp
    channel_skus: _containers.RepeatedCompositeFieldContainer[ChannelSkuStock]
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., shopline_variant_id: _Optional[str] = ..., shopline_sku: _Optional[str] = ..., title: _Optional[str] = ..., on_hand: _Optional[int] = ..., held: _Optional[int] = ..., committed: _Optional[int] = ..., safety_stock: _Optional[int] = ..., available: _Optional[int] = ..., oversold: _Optional[bool] = ..., oversold_quantity: _Optional[int] = ..., on_hand_version_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., channel_skus: _Optional[_Iterable[_Union[ChannelSkuStock, _Mapping]]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ChannelSkuStock(_message.Message):
    __slots__ = ("sku", "shop", "tiktok_product_id", "tiktok_sku_id", "cap", "pushed_quantity", "last_push_time", "last_push_result", "last_push_error")
    SKU_FIELD_NUMBER: _ClassVar[int]
    SHOP_FIELD_NUMBER: _ClassVar[int]
    TIKTOK_PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    TIKTOK_SKU_ID_FIELD_NUMBER: _ClassVar[int]
    CAP_FIELD_NUMBER: _ClassVar[int]
    PUSHED_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    LAST_PUSH_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_PUSH_RESULT_FIELD_NUMBER: _ClassVar[int]
    LAST_PUSH_ERROR_FIELD_NUMBER: _ClassVar[int]
    sku: str
    shop: str
    tiktok_product_id: str
    tiktok_sku_id: str
    cap: int
    pushed_quantity: int
    last_push_time: _timestamp_pb2.Timestamp
    last_push_result: PushResult
    last_push_error: str
    def __init__(self, sku: _Optional[str] = ..., shop: _Optional[str] = ..., tiktok_product_id: _Optional[str] = ..., tiktok_sku_id: _Optional[str] = ..., cap: _Optional[int] = ..., pushed_quantity: _Optional[int] = ..., last_push_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_push_result: _Optional[_Union[PushResult, str]] = ..., last_push_error: _Optional[str] = ...) -> None: ...

class ListInventoryPoolsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token", "oversold_only", "low_stock_threshold", "unlinked_only")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    OVERSOLD_ONLY_FIELD_NUMBER: _ClassVar[int]
    LOW_STOCK_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    UNLINKED_ONLY_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    oversold_only: bool
    low_stock_threshold: int
    unlinked_only: bool
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., oversold_only: _Optional[bool] = ..., low_stock_threshold: _Optional[int] = ..., unlinked_only: _Optional[bool] = ...) -> None: ...

class ListInventoryPoolsResponse(_message.Message):
    __slots__ = ("inventory_pools", "next_page_token")
    INVENTORY_POOLS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    inventory_pools: _containers.RepeatedCompositeFieldContainer[InventoryPool]
    next_page_token: str
    def __init__(self, inventory_pools: _Optional[_Iterable[_Union[InventoryPool, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetInventoryPoolRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetInventoryPoolResponse(_message.Message):
    __slots__ = ("inventory_pool",)
    INVENTORY_POOL_FIELD_NUMBER: _ClassVar[int]
    inventory_pool: InventoryPool
    def __init__(self, inventory_pool: _Optional[_Union[InventoryPool, _Mapping]] = ...) -> None: ...

class UpdateInventoryPoolRequest(_message.Message):
    __slots__ = ("inventory_pool", "update_mask", "request_id")
    INVENTORY_POOL_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    inventory_pool: InventoryPool
    update_mask: _field_mask_pb2.FieldMask
    request_id: str
    def __init__(self, inventory_pool: _Optional[_Union[InventoryPool, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateInventoryPoolResponse(_message.Message):
    __slots__ = ("inventory_pool",)
    INVENTORY_POOL_FIELD_NUMBER: _ClassVar[int]
    inventory_pool: InventoryPool
    def __init__(self, inventory_pool: _Optional[_Union[InventoryPool, _Mapping]] = ...) -> None: ...

class PushInventoryRequest(_message.Message):
    __slots__ = ("parent", "request_id")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    parent: str
    request_id: str
    def __init__(self, parent: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class PushInventoryResponse(_message.Message):
    __slots__ = ("task",)
    TASK_FIELD_NUMBER: _ClassVar[int]
    task: _task_pb2.Task
    def __init__(self, task: _Optional[_Union[_task_pb2.Task, _Mapping]] = ...) -> None: ...
