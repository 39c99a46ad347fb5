import datetime

from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from multichannel.v1 import common_pb2 as _common_pb2
from multichannel.v1 import task_pb2 as _task_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ProductStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PRODUCT_STATUS_UNSPECIFIED: _ClassVar[ProductStatus]
    PRODUCT_STATUS_DRAFT: _ClassVar[ProductStatus]
    PRODUCT_STATUS_PENDING: _ClassVar[ProductStatus]
    PRODUCT_STATUS_FAILED: _ClassVar[ProductStatus]
    PRODUCT_STATUS_ACTIVATE: _ClassVar[ProductStatus]
    PRODUCT_STATUS_SELLER_DEACTIVATED: _ClassVar[ProductStatus]
    PRODUCT_STATUS_PLATFORM_DEACTIVATED: _ClassVar[ProductStatus]
    PRODUCT_STATUS_FREEZE: _ClassVar[ProductStatus]
    PRODUCT_STATUS_DELETED: _ClassVar[ProductStatus]

class SkuStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SKU_STATUS_UNSPECIFIED: _ClassVar[SkuStatus]
    SKU_STATUS_NORMAL: _ClassVar[SkuStatus]
    SKU_STATUS_DEACTIVATED: _ClassVar[SkuStatus]

class LinkState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LINK_STATE_UNSPECIFIED: _ClassVar[LinkState]
    LINK_STATE_UNLINKED: _ClassVar[LinkState]
    LINK_STATE_LINKED_MANUAL: _ClassVar[LinkState]
    LINK_STATE_LINKED_AUTO: _ClassVar[LinkState]
PRODUCT_STATUS_UNSPECIFIED: ProductStatus
PRODUCT_STATUS_DRAFT: ProductStatus
PRODUCT_STATUS_PENDING: ProductStatus
PRODUCT_STATUS_FAILED: ProductStatus
PRODUCT_STATUS_ACTIVATE: ProductStatus
PRODUCT_STATUS_SELLER_DEACTIVATED: ProductStatus
PRODUCT_STATUS_PLATFORM_DEACTIVATED: ProductStatus
PRODUCT_STATUS_FREEZE: ProductStatus
PRODUCT_STATUS_DELETED: ProductStatus
SKU_STATUS_UNSPECIFIED: SkuStatus
SKU_STATUS_NORMAL: SkuStatus
SKU_STATUS_DEACTIVATED: SkuStatus
LINK_STATE_UNSPECIFIED: LinkState
LINK_STATE_UNLINKED: LinkState
LINK_STATE_LINKED_MANUAL: LinkState
LINK_STATE_LINKED_AUTO: LinkState

class Product(_message.Message):
    __slots__ = ("name", "tiktok_product_id", "title", "status", "skus", "create_time", "update_time", "sync_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TIKTOK_PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SKUS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    SYNC_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    tiktok_product_id: str
    title: str
    status: ProductStatus
    skus: _containers.RepeatedCompositeFieldContainer[Sku]
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    sync_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., tiktok_product_id: _Optional[str] = ..., title: _Optional[str] = ..., status: _Optional[_Union[ProductStatus, str]] = ..., skus: _Optional[_Iterable[_Union[Sku, _Mapping]]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., sync_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Sku(_message.Message):
    __slots__ = ("name", "tiktok_sku_id", "seller_sku", "attributes", "price", "status", "link_state", "shopline_variant_id", "inventory_pool", "link_time", "target_price")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TIKTOK_SKU_ID_FIELD_NUMBER: _ClassVar[int]
    SELLER_SKU_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    LINK_STATE_FIELD_NUMBER: _ClassVar[int]
    SHOPLINE_VARIANT_ID_FIELD_NUMBER: _ClassVar[int]
    INVENTORY_POOL_FIELD_NUMBER: _ClassVar[int]
    LINK_TIME_FIELD_NUMBER: _ClassVar[int]
    TARGET_PRICE_FIELD_NUMBER: _ClassVar[int]
    name: str
    tiktok_sku_id: str
    seller_sku: str
    attributes: _containers.RepeatedScalarFieldContainer[str]
    price: _common_pb2.Money
    status: SkuStatus
    link_state: LinkState
    shopline_variant_id: str
    inventory_pool: str
    link_time: _timestamp_pb2.Timestamp
    target_price: _common_pb2.Money
    def __init__(self, name: _Optional[str] = ..., tiktok_sku_id: _Optional[str] = ..., seller_sku: _Optional[str] = ..., attributes: _Optional[_Iterable[str]] = ..., price: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., status: _Optional[_Union[SkuStatus, str]] = ..., link_state: _Optional[_Union[LinkState, str]] = ..., shopline_variant_id: _Optional[str] = ..., inventory_pool: _Optional[str] = ..., link_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., target_price: _Optional[_Union[_common_pb2.Money, _Mapping]] = ...) -> None: ...

class ListProductsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token", "status", "link_state", "seller_sku")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    LINK_STATE_FIELD_NUMBER: _ClassVar[int]
    SELLER_SKU_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    status: ProductStatus
    link_state: LinkState
    seller_sku: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., status: _Optional[_Union[ProductStatus, str]] = ..., link_state: _Optional[_Union[LinkState, str]] = ..., seller_sku: _Optional[str] = ...) -> None: ...

class ListProductsResponse(_message.Message):
    __slots__ = ("products", "next_page_token")
    PRODUCTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    products: _containers.RepeatedCompositeFieldContainer[Product]
    next_page_token: str
    def __init__(self, products: _Optional[_Iterable[_Union[Product, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetProductRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetProductResponse(_message.Message):
    __slots__ = ("product",)
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    product: Product
    def __init__(self, product: _Optional[_Union[Product, _Mapping]] = ...) -> None: ...

class LinkSkuRequest(_message.Message):
    __slots__ = ("sku", "product", "sku_id", "shopline_variant_id", "request_id")
    SKU_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    SKU_ID_FIELD_NUMBER: _ClassVar[int]
    SHOPLINE_VARIANT_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    sku: str
    product: str
    sku_id: str
    shopline_variant_id: str
    request_id: str
    def __init__(self, sku: _Optional[str] = ..., product: _Optional[str] = ..., sku_id: _Optional[str] = ..., shopline_variant_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class LinkSkuResponse(_message.Message):
    __slots__ = ("sku",)
    SKU_FIELD_NUMBER: _ClassVar[int]
    sku: Sku
    def __init__(self, sku: _Optional[_Union[Sku, _Mapping]] = ...) -> None: ...

class UnlinkSkuRequest(_message.Message):
    __slots__ = ("sku", "product", "sku_id", "request_id")
    SKU_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    SKU_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    sku: str
    product: str
    sku_id: str
    request_id: str
    def __init__(self, sku: _Optional[str] = ..., product: _Optional[str] = ..., sku_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class UnlinkSkuResponse(_message.Message):
    __slots__ = ("sku",)
    SKU_FIELD_NUMBER: _ClassVar[int]
    sku: Sku
    def __init__(self, sku: _Optional[_Union[Sku, _Mapping]] = ...) -> None: ...

class AutoLinkSkusRequest(_message.Message):
    __slots__ = ("parent", "request_id")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    parent: str
    request_id: str
    def __init__(self, parent: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class AutoLinkSkusResponse(_message.Message):
    __slots__ = ("task",)
    TASK_FIELD_NUMBER: _ClassVar[int]
    task: _task_pb2.Task
    def __init__(self, task: _Optional[_Union[_task_pb2.Task, _Mapping]] = ...) -> None: ...

class SyncPricesRequest(_message.Message):
    __slots__ = ("parent", "request_id")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    parent: str
    request_id: str
    def __init__(self, parent: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class SyncPricesResponse(_message.Message):
    __slots__ = ("task",)
    TASK_FIELD_NUMBER: _ClassVar[int]
    task: _task_pb2.Task
    def __init__(self, task: _Optional[_Union[_task_pb2.Task, _Mapping]] = ...) -> None: ...

class GetPriceRuleRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetPriceRuleResponse(_message.Message):
    __slots__ = ("price_rule",)
    PRICE_RULE_FIELD_NUMBER: _ClassVar[int]
    price_rule: _common_pb2.PriceRule
    def __init__(self, price_rule: _Optional[_Union[_common_pb2.PriceRule, _Mapping]] = ...) -> None: ...

class UpdatePriceRuleRequest(_message.Message):
    __slots__ = ("price_rule", "update_mask", "request_id")
    PRICE_RULE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    price_rule: _common_pb2.PriceRule
    update_mask: _field_mask_pb2.FieldMask
    request_id: str
    def __init__(self, price_rule: _Optional[_Union[_common_pb2.PriceRule, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdatePriceRuleResponse(_message.Message):
    __slots__ = ("price_rule",)
    PRICE_RULE_FIELD_NUMBER: _ClassVar[int]
    price_rule: _common_pb2.PriceRule
    def __init__(self, price_rule: _Optional[_Union[_common_pb2.PriceRule, _Mapping]] = ...) -> None: ...
