import datetime

from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from multichannel.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Region(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REGION_UNSPECIFIED: _ClassVar[Region]
    REGION_SG: _ClassVar[Region]
    REGION_MY: _ClassVar[Region]
    REGION_JP: _ClassVar[Region]
    REGION_GB: _ClassVar[Region]
    REGION_US: _ClassVar[Region]

class SellerType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SELLER_TYPE_UNSPECIFIED: _ClassVar[SellerType]
    SELLER_TYPE_LOCAL: _ClassVar[SellerType]
    SELLER_TYPE_CROSS_BORDER: _ClassVar[SellerType]

class ShopStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SHOP_STATUS_UNSPECIFIED: _ClassVar[ShopStatus]
    SHOP_STATUS_ACTIVE: _ClassVar[ShopStatus]
    SHOP_STATUS_NEEDS_REAUTHORIZATION: _ClassVar[ShopStatus]
    SHOP_STATUS_DEAUTHORIZED: _ClassVar[ShopStatus]

class SkippedShopReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SKIPPED_SHOP_REASON_UNSPECIFIED: _ClassVar[SkippedShopReason]
    SKIPPED_SHOP_REASON_UNSUPPORTED_REGION: _ClassVar[SkippedShopReason]
    SKIPPED_SHOP_REASON_LINKED_TO_ANOTHER_APP: _ClassVar[SkippedShopReason]
    SKIPPED_SHOP_REASON_NOT_THE_REAUTHORIZED_SHOP: _ClassVar[SkippedShopReason]
REGION_UNSPECIFIED: Region
REGION_SG: Region
REGION_MY: Region
REGION_JP: Region
REGION_GB: Region
REGION_US: Region
SELLER_TYPE_UNSPECIFIED: SellerType
SELLER_TYPE_LOCAL: SellerType
SELLER_TYPE_CROSS_BORDER: SellerType
SHOP_STATUS_UNSPECIFIED: ShopStatus
SHOP_STATUS_ACTIVE: ShopStatus
SHOP_STATUS_NEEDS_REAUTHORIZATION: ShopStatus
SHOP_STATUS_DEAUTHORIZED: ShopStatus
SKIPPED_SHOP_REASON_UNSPECIFIED: SkippedShopReason
SKIPPED_SHOP_REASON_UNSUPPORTED_REGION: SkippedShopReason
SKIPPED_SHOP_REASON_LINKED_TO_ANOTHER_APP: SkippedShopReason
SKIPPED_SHOP_REASON_NOT_THE_REAUTHORIZED_SHOP: SkippedShopReason

class Shop(_message.Message):
    __slots__ = ("name", "tiktok_shop_id", "display_name", "tiktok_shop_name", "region", "seller_type", "currency_code", "status", "status_reason", "access_token_expire_time", "grant_expire_time", "expiring_soon", "authorize_time", "reauthorize_time", "last_product_sync_time", "last_order_sync_time", "product_count", "order_count", "linked_sku_count", "sku_count", "update_time", "webhook_health")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TIKTOK_SHOP_ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    TIKTOK_SHOP_NAME_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    SELLER_TYPE_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STATUS_REASON_FIELD_NUMBER: _ClassVar[int]
    ACCESS_TOKEN_EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    GRANT_EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    EXPIRING_SOON_FIELD_NUMBER: _ClassVar[int]
    AUTHORIZE_TIME_FIELD_NUMBER: _ClassVar[int]
    REAUTHORIZE_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_PRODUCT_SYNC_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_ORDER_SYNC_TIME_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_COUNT_FIELD_NUMBER: _ClassVar[int]
    ORDER_COUNT_FIELD_NUMBER: _ClassVar[int]
    LINKED_SKU_COUNT_FIELD_NUMBER: _ClassVar[int]
    SKU_COUNT_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    WEBHOOK_HEALTH_FIELD_NUMBER: _ClassVar[int]
    name: str
    tiktok_shop_id: str
    display_name: str
    tiktok_shop_name: str
    region: Region
    seller_type: SellerType
    currency_code: str
    status: ShopStatus
    status_reason: str
    access_token_expire_time: _timestamp_pb2.Timestamp
    grant_expire_time: _timestamp_pb2.Timestamp
    expiring_soon: bool
    authorize_time: _timestamp_pb2.Timestamp
    reauthorize_time: _timestamp_pb2.Timestamp
    last_product_sync_time: _timestamp_pb2.Timestamp
    last_order_sync_time: _timestamp_pb2.Timestamp
    product_count: int
    order_count: int
    linked_sku_count: int
    sku_count: int
    update_time: _timestamp_pb2.Timestamp
    webhook_health: _common_pb2.WebhookHealth
    def __init__(self, name: _Optional[str] = ..., tiktok_shop_id: _Optional[str] = ..., display_name: _Optional[str] = ..., tiktok_shop_name: _Optional[str] = ..., region: _Optional[_Union[Region, str]] = ..., seller_type: _Optional[_Union[SellerType, str]] = ..., currency_code: _Optional[str] = ..., status: _Optional[_Union[ShopStatus, str]] = ..., status_reason: _Optional[str] = ..., access_token_expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., grant_expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expiring_soon: _Optional[bool] = ..., authorize_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reauthorize_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_product_sync_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_order_sync_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., product_count: _Optional[int] = ..., order_count: _Optional[int] = ..., linked_sku_count: _Optional[int] = ..., sku_count: _Optional[int] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., webhook_health: _Optional[_Union[_common_pb2.WebhookHealth, _Mapping]] = ...) -> None: ...

class SkippedShop(_message.Message):
    __slots__ = ("tiktok_shop_id", "tiktok_shop_name", "region_code", "reason", "message")
    TIKTOK_SHOP_ID_FIELD_NUMBER: _ClassVar[int]
    TIKTOK_SHOP_NAME_FIELD_NUMBER: _ClassVar[int]
    REGION_CODE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    tiktok_shop_id: str
    tiktok_shop_name: str
    region_code: str
    reason: SkippedShopReason
    message: str
    def __init__(self, tiktok_shop_id: _Optional[str] = ..., tiktok_shop_name: _Optional[str] = ..., region_code: _Optional[str] = ..., reason: _Optional[_Union[SkippedShopReason, str]] = ..., message: _Optional[str] = ...) -> None: ...

class StartAuthorizationRequest(_message.Message):
    __slots__ = ("parent", "region_code", "display_name", "shop")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    REGION_CODE_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    SHOP_FIELD_NUMBER: _ClassVar[int]
    parent: str
    region_code: str
    display_name: str
    shop: str
    def __init__(self, parent: _Optional[str] = ..., region_code: _Optional[str] = ..., display_name: _Optional[str] = ..., shop: _Optional[str] = ...) -> None: ...

class StartAuthorizationResponse(_message.Message):
    __slots__ = ("authorization_url", "state", "expire_time")
    AUTHORIZATION_URL_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    authorization_url: str
    state: str
    expire_time: _timestamp_pb2.Timestamp
    def __init__(self, authorization_url: _Optional[str] = ..., state: _Optional[str] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CompleteAuthorizationRequest(_message.Message):
    __slots__ = ("parent", "state", "code")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    parent: str
    state: str
    code: str
    def __init__(self, parent: _Optional[str] = ..., state: _Optional[str] = ..., code: _Optional[str] = ...) -> None: ...

class CompleteAuthorizationResponse(_message.Message):
    __slots__ = ("shops", "skipped_shops", "history_import_tasks")
    SHOPS_FIELD_NUMBER: _ClassVar[int]
    SKIPPED_SHOPS_FIELD_NUMBER: _ClassVar[int]
    HISTORY_IMPORT_TASKS_FIELD_NUMBER: _ClassVar[int]
    shops: _containers.RepeatedCompositeFieldContainer[Shop]
    skipped_shops: _containers.RepeatedCompositeFieldContainer[SkippedShop]
    history_import_tasks: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, shops: _Optional[_Iterable[_Union[Shop, _Mapping]]] = ..., skipped_shops: _Optional[_Iterable[_Union[SkippedShop, _Mapping]]] = ..., history_import_tasks: _Optional[_Iterable[str]] = ...) -> None: ...

class ListShopsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token", "status")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    status: ShopStatus
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., status: _Optional[_Union[ShopStatus, str]] = ...) -> None: ...

class ListShopsResponse(_message.Message):
    __slots__ = ("shops", "next_page_token")
    SHOPS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    shops: _containers.RepeatedCompositeFieldContainer[Shop]
    next_page_token: str
    def __init__(self, shops: _Optional[_Iterable[_Union[Shop, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetShopRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetShopResponse(_message.Message):
    __slots__ = ("shop",)
    SHOP_FIELD_NUMBER: _ClassVar[int]
    shop: Shop
    def __init__(self, shop: _Optional[_Union[Shop, _Mapping]] = ...) -> None: ...

class UpdateShopRequest(_message.Message):
    __slots__ = ("shop", "update_mask", "request_id")
    SHOP_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    shop: Shop
    update_mask: _field_mask_pb2.FieldMask
    request_id: str
    def __init__(self, shop: _Optional[_Union[Shop, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateShopResponse(_message.Message):
    __slots__ = ("shop",)
    SHOP_FIELD_NUMBER: _ClassVar[int]
    shop: Shop
    def __init__(self, shop: _Optional[_Union[Shop, _Mapping]] = ...) -> None: ...

class DeleteShopRequest(_message.Message):
    __slots__ = ("name", "request_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    request_id: str
    def __init__(self, name: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class DeleteShopResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
