import datetime

from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from multichannel.v1 import app_pb2 as _app_pb2
from multichannel.v1 import catalog_pb2 as _catalog_pb2
from multichannel.v1 import common_pb2 as _common_pb2
from multichannel.v1 import shipping_pb2 as _shipping_pb2
from multichannel.v1 import task_pb2 as _task_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class FulfillmentType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FULFILLMENT_TYPE_UNSPECIFIED: _ClassVar[FulfillmentType]
    FULFILLMENT_TYPE_BY_SELLER: _ClassVar[FulfillmentType]
    FULFILLMENT_TYPE_BY_TIKTOK: _ClassVar[FulfillmentType]
    FULFILLMENT_TYPE_BY_DILAYANI_TOKOPEDIA: _ClassVar[FulfillmentType]

class CancellationState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CANCELLATION_STATE_UNSPECIFIED: _ClassVar[CancellationState]
    CANCELLATION_STATE_NONE: _ClassVar[CancellationState]
    CANCELLATION_STATE_REQUESTED_BY_BUYER: _ClassVar[CancellationState]
    CANCELLATION_STATE_APPROVED: _ClassVar[CancellationState]
    CANCELLATION_STATE_REJECTED: _ClassVar[CancellationState]
    CANCELLATION_STATE_CANCELLED_BY_SELLER: _ClassVar[CancellationState]

class ImportState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    IMPORT_STATE_UNSPECIFIED: _ClassVar[ImportState]
    IMPORT_STATE_NOT_IMPORTED: _ClassVar[ImportState]
    IMPORT_STATE_IMPORTED: _ClassVar[ImportState]
    IMPORT_STATE_FAILED: _ClassVar[ImportState]

class OrderStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ORDER_STATUS_UNSPECIFIED: _ClassVar[OrderStatus]
    ORDER_STATUS_UNPAID: _ClassVar[OrderStatus]
    ORDER_STATUS_ON_HOLD: _ClassVar[OrderStatus]
    ORDER_STATUS_AWAITING_SHIPMENT: _ClassVar[OrderStatus]
    ORDER_STATUS_PARTIALLY_SHIPPING: _ClassVar[OrderStatus]
    ORDER_STATUS_AWAITING_COLLECTION: _ClassVar[OrderStatus]
    ORDER_STATUS_IN_TRANSIT: _ClassVar[OrderStatus]
    ORDER_STATUS_DELIVERED: _ClassVar[OrderStatus]
    ORDER_STATUS_COMPLETED: _ClassVar[OrderStatus]
    ORDER_STATUS_CANCELLED: _ClassVar[OrderStatus]

class ShoplineCancellationState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SHOPLINE_CANCELLATION_STATE_UNSPECIFIED: _ClassVar[ShoplineCancellationState]
    SHOPLINE_CANCELLATION_STATE_NONE: _ClassVar[ShoplineCancellationState]
    SHOPLINE_CANCELLATION_STATE_PENDING: _ClassVar[ShoplineCancellationState]
    SHOPLINE_CANCELLATION_STATE_CANCELLED_ON_TIKTOK: _ClassVar[ShoplineCancellationState]
    SHOPLINE_CANCELLATION_STATE_NOT_CANCELLABLE: _ClassVar[ShoplineCancellationState]
    SHOPLINE_CANCELLATION_STATE_REFUSED: _ClassVar[ShoplineCancellationState]

class HandoverMethod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    HANDOVER_METHOD_UNSPECIFIED: _ClassVar[HandoverMethod]
    HANDOVER_METHOD_PICKUP: _ClassVar[HandoverMethod]
    HANDOVER_METHOD_DROP_OFF: _ClassVar[HandoverMethod]

class WeightUnit(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    WEIGHT_UNIT_UNSPECIFIED: _ClassVar[WeightUnit]
    WEIGHT_UNIT_GRAM: _ClassVar[WeightUnit]
    WEIGHT_UNIT_POUND: _ClassVar[WeightUnit]

class DimensionUnit(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DIMENSION_UNIT_UNSPECIFIED: _ClassVar[DimensionUnit]
    DIMENSION_UNIT_CM: _ClassVar[DimensionUnit]
    DIMENSION_UNIT_INCH: _ClassVar[DimensionUnit]

class ShippingDocumentType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SHIPPING_DOCUMENT_TYPE_UNSPECIFIED: _ClassVar[ShippingDocumentType]
    SHIPPING_DOCUMENT_TYPE_SHIPPING_LABEL: _ClassVar[ShippingDocumentType]
    SHIPPING_DOCUMENT_TYPE_PACKING_SLIP: _ClassVar[ShippingDocumentType]
    SHIPPING_DOCUMENT_TYPE_SHIPPING_LABEL_AND_PACKING_SLIP: _ClassVar[ShippingDocumentType]
    SHIPPING_DOCUMENT_TYPE_SHIPPING_LABEL_PICTURE: _ClassVar[ShippingDocumentType]

class ShoplineRefundState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SHOPLINE_REFUND_STATE_UNSPECIFIED: _ClassVar[ShoplineRefundState]
    SHOPLINE_REFUND_STATE_NOT_DUE: _ClassVar[ShoplineRefundState]
    SHOPLINE_REFUND_STATE_DUE: _ClassVar[ShoplineRefundState]
    SHOPLINE_REFUND_STATE_REFUNDED: _ClassVar[ShoplineRefundState]
    SHOPLINE_REFUND_STATE_ORDER_NOT_IMPORTED: _ClassVar[ShoplineRefundState]

class ReturnType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RETURN_TYPE_UNSPECIFIED: _ClassVar[ReturnType]
    RETURN_TYPE_REFUND: _ClassVar[ReturnType]
    RETURN_TYPE_RETURN_AND_REFUND: _ClassVar[ReturnType]
    RETURN_TYPE_REPLACEMENT: _ClassVar[ReturnType]
    RETURN_TYPE_EXCHANGE: _ClassVar[ReturnType]

class ReturnRole(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RETURN_ROLE_UNSPECIFIED: _ClassVar[ReturnRole]
    RETURN_ROLE_BUYER: _ClassVar[ReturnRole]
    RETURN_ROLE_SELLER: _ClassVar[ReturnRole]
    RETURN_ROLE_SYSTEM: _ClassVar[ReturnRole]
    RETURN_ROLE_OPERATOR: _ClassVar[ReturnRole]

class ReturnStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RETURN_STATUS_UNSPECIFIED: _ClassVar[ReturnStatus]
    RETURN_STATUS_RETURN_OR_REFUND_REQUEST_PENDING: _ClassVar[ReturnStatus]
    RETURN_STATUS_REFUND_OR_RETURN_REQUEST_REJECT: _ClassVar[ReturnStatus]
    RETURN_STATUS_AWAITING_BUYER_SHIP: _ClassVar[ReturnStatus]
    RETURN_STATUS_BUYER_SHIPPED_ITEM: _ClassVar[ReturnStatus]
    RETURN_STATUS_REJECT_RECEIVE_PACKAGE: _ClassVar[ReturnStatus]
    RETURN_STATUS_RETURN_OR_REFUND_REQUEST_SUCCESS: _ClassVar[ReturnStatus]
    RETURN_STATUS_RETURN_OR_REFUND_REQUEST_CANCEL: _ClassVar[ReturnStatus]
    RETURN_STATUS_RETURN_OR_REFUND_REQUEST_COMPLETE: _ClassVar[ReturnStatus]
    RETURN_STATUS_REPLACEMENT_REQUEST_PENDING: _ClassVar[ReturnStatus]
    RETURN_STATUS_REPLACEMENT_REQUEST_REJECT: _ClassVar[ReturnStatus]
    RETURN_STATUS_REPLACEMENT_REQUEST_REFUND_SUCCESS: _ClassVar[ReturnStatus]
    RETURN_STATUS_REPLACEMENT_REQUEST_CANCEL: _ClassVar[ReturnStatus]
    RETURN_STATUS_REPLACEMENT_REQUEST_COMPLETE: _ClassVar[ReturnStatus]
    RETURN_STATUS_AWAITING_BUYER_RESPONSE: _ClassVar[ReturnStatus]
    RETURN_STATUS_EXCHANGE_REQUEST_PENDING: _ClassVar[ReturnStatus]
    RETURN_STATUS_EXCHANGE_REQUEST_REFUND_SUCCESS: _ClassVar[ReturnStatus]
    RETURN_STATUS_EXCHANGE_REQUEST_CANCEL: _ClassVar[ReturnStatus]
    RETURN_STATUS_EXCHANGE_REQUEST_COMPLETE: _ClassVar[ReturnStatus]
FULFILLMENT_TYPE_UNSPECIFIED: FulfillmentType
FULFILLMENT_TYPE_BY_SELLER: FulfillmentType
FULFILLMENT_TYPE_BY_TIKTOK: FulfillmentType
FULFILLMENT_TYPE_BY_DILAYANI_TOKOPEDIA: FulfillmentType
CANCELLATION_STATE_UNSPECIFIED: CancellationState
CANCELLATION_STATE_NONE: CancellationState
CANCELLATION_STATE_REQUESTED_BY_BUYER: CancellationState
CANCELLATION_STATE_APPROVED: CancellationState
CANCELLATION_STATE_REJECTED: CancellationState
CANCELLATION_STATE_CANCELLED_BY_SELLER: CancellationState
IMPORT_STATE_UNSPECIFIED: ImportState
IMPORT_STATE_NOT_IMPORTED: ImportState
IMPORT_STATE_IMPORTED: ImportState
IMPORT_STATE_FAILED: ImportState
ORDER_STATUS_UNSPECIFIED: OrderStatus
ORDER_STATUS_UNPAID: OrderStatus
ORDER_STATUS_ON_HOLD: OrderStatus
ORDER_STATUS_AWAITING_SHIPMENT: OrderStatus
ORDER_STATUS_PARTIALLY_SHIPPING: OrderStatus
ORDER_STATUS_AWAITING_COLLECTION: OrderStatus
ORDER_STATUS_IN_TRANSIT: OrderStatus
ORDER_STATUS_DELIVERED: OrderStatus
ORDER_STATUS_COMPLETED: OrderStatus
ORDER_STATUS_CANCELLED: OrderStatus
SHOPLINE_CANCELLATION_STATE_UNSPECIFIED: ShoplineCancellationState
SHOPLINE_CANCELLATION_STATE_NONE: ShoplineCancellationState
SHOPLINE_CANCELLATION_STATE_PENDING: ShoplineCancellationState
SHOPLINE_CANCELLATION_STATE_CANCELLED_ON_TIKTOK: ShoplineCancellationState
SHOPLINE_CANCELLATION_STATE_NOT_CANCELLABLE: ShoplineCancellationState
SHOPLINE_CANCELLATION_STATE_REFUSED: ShoplineCancellationState
HANDOVER_METHOD_UNSPECIFIED: HandoverMethod
HANDOVER_METHOD_PICKUP: HandoverMethod
HANDOVER_METHOD_DROP_OFF: HandoverMethod
WEIGHT_UNIT_UNSPECIFIED: WeightUnit
WEIGHT_UNIT_GRAM: WeightUnit
WEIGHT_UNIT_POUND: WeightUnit
DIMENSION_UNIT_UNSPECIFIED: DimensionUnit
DIMENSION_UNIT_CM: DimensionUnit
DIMENSION_UNIT_INCH: DimensionUnit
SHIPPING_DOCUMENT_TYPE_UNSPECIFIED: ShippingDocumentType
SHIPPING_DOCUMENT_TYPE_SHIPPING_LABEL: ShippingDocumentType
SHIPPING_DOCUMENT_TYPE_PACKING_SLIP: ShippingDocumentType
SHIPPING_DOCUMENT_TYPE_SHIPPING_LABEL_AND_PACKING_SLIP: ShippingDocumentType
SHIPPING_DOCUMENT_TYPE_SHIPPING_LABEL_PICTURE: ShippingDocumentType
SHOPLINE_REFUND_STATE_UNSPECIFIED: ShoplineRefundState
SHOPLINE_REFUND_STATE_NOT_DUE: ShoplineRefundState
SHOPLINE_REFUND_STATE_DUE: ShoplineRefundState
SHOPLINE_REFUND_STATE_REFUNDED: ShoplineRefundState
SHOPLINE_REFUND_STATE_ORDER_NOT_IMPORTED: ShoplineRefundState
RETURN_TYPE_UNSPECIFIED: ReturnType
RETURN_TYPE_REFUND: ReturnType
RETURN_TYPE_RETURN_AND_REFUND: ReturnType
RETURN_TYPE_REPLACEMENT: ReturnType
RETURN_TYPE_EXCHANGE: ReturnType
RETURN_ROLE_UNSPECIFIED: ReturnRole
RETURN_ROLE_BUYER: ReturnRole
RETURN_ROLE_SELLER: ReturnRole
RETURN_ROLE_SYSTEM: ReturnRole
RETURN_ROLE_OPERATOR: ReturnRole
RETURN_STATUS_UNSPECIFIED: ReturnStatus
RETURN_STATUS_RETURN_OR_REFUND_REQUEST_PENDING: ReturnStatus
RETURN_STATUS_REFUND_OR_RETURN_REQUEST_REJECT: ReturnStatus
RETURN_STATUS_AWAITING_BUYER_SHIP: ReturnStatus
RETURN_STATUS_BUYER_SHIPPED_ITEM: ReturnStatus
RETURN_STATUS_REJECT_RECEIVE_PACKAGE: ReturnStatus
RETURN_STATUS_RETURN_OR_REFUND_REQUEST_SUCCESS: ReturnStatus
RETURN_STATUS_RETURN_OR_REFUND_REQUEST_CANCEL: ReturnStatus
RETURN_STATUS_RETURN_OR_REFUND_REQUEST_COMPLETE: ReturnStatus
RETURN_STATUS_REPLACEMENT_REQUEST_PENDING: ReturnStatus
RETURN_STATUS_REPLACEMENT_REQUEST_REJECT: ReturnStatus
RETURN_STATUS_REPLACEMENT_REQUEST_REFUND_SUCCESS: ReturnStatus
RETURN_STATUS_REPLACEMENT_REQUEST_CANCEL: ReturnStatus
RETURN_STATUS_REPLACEMENT_REQUEST_COMPLETE: ReturnStatus
RETURN_STATUS_AWAITING_BUYER_RESPONSE: ReturnStatus
RETURN_STATUS_EXCHANGE_REQUEST_PENDING: ReturnStatus
RETURN_STATUS_EXCHANGE_REQUEST_REFUND_SUCCESS: ReturnStatus
RETURN_STATUS_EXCHANGE_REQUEST_CANCEL: ReturnStatus
RETURN_STATUS_EXCHANGE_REQUEST_COMPLETE: ReturnStatus

class Order(_message.Message):
    __slots__ = ("name", "tiktok_order_id", "shop", "status", "lines", "subtotal", "discount", "shipping_fee", "tax", "total", "buyer", "create_time", "update_time", "paid_time", "cancellation", "shopline_import", "sync_time", "shopline_cancellation", "fulfillment_type", "fulfillment")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TIKTOK_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    SHOP_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    SUBTOTAL_FIELD_NUMBER: _ClassVar[int]
    DISCOUNT_FIELD_NUMBER: _ClassVar[int]
    SHIPPING_FEE_FIELD_NUMBER: _ClassVar[int]
    TAX_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    BUYER_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    PAID_TIME_FIELD_NUMBER: _ClassVar[int]
    CANCELLATION_FIELD_NUMBER: _ClassVar[int]
    SHOPLINE_IMPORT_FIELD_NUMBER: _ClassVar[int]
    SYNC_TIME_FIELD_NUMBER: _ClassVar[int]
    SHOPLINE_CANCELLATION_FIELD_NUMBER: _ClassVar[int]
    FULFILLMENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    FULFILLMENT_FIELD_NUMBER: _ClassVar[int]
    name: str
    tiktok_order_id: str
    shop: str
    status: OrderStatus
    lines: _containers.RepeatedCompositeFieldContainer[OrderLine]
    subtotal: _common_pb2.Money
    discount: _common_pb2.Money
    shipping_fee: _common_pb2.Money
    tax: _common_pb2.Money
    total: _common_pb2.Money
    buyer: Buyer
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    paid_time: _timestamp_pb2.Timestamp
    cancellation: OrderCancellation
    shopline_import: OrderImport
    sync_time: _timestamp_pb2.Timestamp
    shopline_cancellation: ShoplineCancellation
    fulfillment_type: FulfillmentType
    fulfillment: _shipping_pb2.OrderFulfillment
    def __init__(self, name: _Optional[str] = ..., tiktok_order_id: _Optional[str] = ..., shop: _Optional[str] = ..., status: _Optional[_Union[OrderStatus, str]] = ..., lines: _Optional[_Iterable[_Union[OrderLine, _Mapping]]] = ..., subtotal: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., discount: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., shipping_fee: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., tax: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., total: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., buyer: _Optional[_Union[Buyer, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., paid_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., cancellation: _Optional[_Union[OrderCancellation, _Mapping]] = ..., shopline_import: _Optional[_Union[OrderImport, _Mapping]] = ..., sync_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., shopline_cancellation: _Optional[_Union[ShoplineCancellation, _Mapping]] = ..., fulfillment_type: _Optional[_Union[FulfillmentType, str]] = ..., fulfillment: _Optional[_Union[_shipping_pb2.OrderFulfillment, _Mapping]] = ...) -> None: ...

class OrderLine(_message.Message):
    __slots__ = ("sku", "tiktok_product_id", "tiktok_sku_id", "seller_sku", "product_title", "sku_title", "quantity", "cancelled_quantity", "unit_price", "sale_price", "line_total", "link_state", "shopline_variant_id", "oversold_quantity")
    SKU_FIELD_NUMBER: _ClassVar[int]
    TIKTOK_PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    TIKTOK_SKU_ID_FIELD_NUMBER: _ClassVar[int]
    SELLER_SKU_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_TITLE_FIELD_NUMBER: _ClassVar[int]
    SKU_TITLE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    CANCELLED_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    UNIT_PRICE_FIELD_NUMBER: _ClassVar[int]
    SALE_PRICE_FIELD_NUMBER: _ClassVar[int]
    LINE_TOTAL_FIELD_NUMBER: _ClassVar[int]
    LINK_STATE_FIELD_NUMBER: _ClassVar[int]
    SHOPLINE_VARIANT_ID_FIELD_NUMBER: _ClassVar[int]
    OVERSOLD_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    sku: str
    tiktok_product_id: str
    tiktok_sku_id: str
    seller_sku: str
    product_title: str
    sku_title: str
    quantity: int
    cancelled_quantity: int
    unit_price: _common_pb2.Money
    sale_price: _common_pb2.Money
    line_total: _common_pb2.Money
    link_state: _catalog_pb2.LinkState
    shopline_variant_id: str
    oversold_quantity: int
    def __init__(self, sku: _Optional[str] = ..., tiktok_product_id: _Optional[str] = ..., tiktok_sku_id: _Optional[str] = ..., seller_sku: _Optional[str] = ..., product_title: _Optional[str] = ..., sku_title: _Optional[str] = ..., quantity: _Optional[int] = ..., cancelled_quantity: _Optional[int] = ..., unit_price: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., sale_price: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., line_total: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., link_state: _Optional[_Union[_catalog_pb2.LinkState, str]] = ..., shopline_variant_id: _Optional[str] = ..., oversold_quantity: _Optional[int] = ...) -> None: ...

class Buyer(_message.Message):
    __slots__ = ("buyer_key", "masked_name", "masked_email", "masked_phone", "region_code")
    BUYER_KEY_FIELD_NUMBER: _ClassVar[int]
    MASKED_NAME_FIELD_NUMBER: _ClassVar[int]
    MASKED_EMAIL_FIELD_NUMBER: _ClassVar[int]
    MASKED_PHONE_FIELD_NUMBER: _ClassVar[int]
    REGION_CODE_FIELD_NUMBER: _ClassVar[int]
    buyer_key: str
    masked_name: str
    masked_email: str
    masked_phone: str
    region_code: str
    def __init__(self, buyer_key: _Optional[str] = ..., masked_name: _Optional[str] = ..., masked_email: _Optional[str] = ..., masked_phone: _Optional[str] = ..., region_code: _Optional[str] = ...) -> None: ...

class OrderCancellation(_message.Message):
    __slots__ = ("state", "reason", "response_deadline_time", "request_time", "resolve_time")
    STATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_DEADLINE_TIME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_TIME_FIELD_NUMBER: _ClassVar[int]
    RESOLVE_TIME_FIELD_NUMBER: _ClassVar[int]
    state: CancellationState
    reason: str
    response_deadline_time: _timestamp_pb2.Timestamp
    request_time: _timestamp_pb2.Timestamp
    resolve_time: _timestamp_pb2.Timestamp
    def __init__(self, state: _Optional[_Union[CancellationState, str]] = ..., reason: _Optional[str] = ..., response_deadline_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., request_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., resolve_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class OrderImport(_message.Message):
    __slots__ = ("state", "shopline_order_id", "import_time", "reason", "attempt_count", "last_attempt_time")
    STATE_FIELD_NUMBER: _ClassVar[int]
    SHOPLINE_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    IMPORT_TIME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_COUNT_FIELD_NUMBER: _ClassVar[int]
    LAST_ATTEMPT_TIME_FIELD_NUMBER: _ClassVar[int]
    state: ImportState
    shopline_order_id: str
    import_time: _timestamp_pb2.Timestamp
    reason: str
    attempt_count: int
    last_attempt_time: _timestamp_pb2.Timestamp
    def __init__(self, state: _Optional[_Union[ImportState, str]] = ..., shopline_order_id: _Optional[str] = ..., import_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reason: _Optional[str] = ..., attempt_count: _Optional[int] = ..., last_attempt_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListOrdersRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token", "statuses", "import_state", "cancellation_state", "create_start_time", "create_end_time")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    IMPORT_STATE_FIELD_NUMBER: _ClassVar[int]
    CANCELLATION_STATE_FIELD_NUMBER: _ClassVar[int]
    CREATE_START_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATE_END_TIME_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    statuses: _containers.RepeatedScalarFieldContainer[OrderStatus]
    import_state: ImportState
    cancellation_state: CancellationState
    create_start_time: _timestamp_pb2.Timestamp
    create_end_time: _timestamp_pb2.Timestamp
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., statuses: _Optional[_Iterable[_Union[OrderStatus, str]]] = ..., import_state: _Optional[_Union[ImportState, str]] = ..., cancellation_state: _Optional[_Union[CancellationState, str]] = ..., create_start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListOrdersResponse(_message.Message):
    __slots__ = ("orders", "next_page_token")
    ORDERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    orders: _containers.RepeatedCompositeFieldContainer[Order]
    next_page_token: str
    def __init__(self, orders: _Optional[_Iterable[_Union[Order, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetOrderRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetOrderResponse(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: Order
    def __init__(self, order: _Optional[_Union[Order, _Mapping]] = ...) -> None: ...

class ImportOrderRequest(_message.Message):
    __slots__ = ("name", "request_id", "import_scope")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    IMPORT_SCOPE_FIELD_NUMBER: _ClassVar[int]
    name: str
    request_id: str
    import_scope: _app_pb2.OrderImportScope
    def __init__(self, name: _Optional[str] = ..., request_id: _Optional[str] = ..., import_scope: _Optional[_Union[_app_pb2.OrderImportScope, str]] = ...) -> None: ...

class ImportOrderResponse(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: Order
    def __init__(self, order: _Optional[_Union[Order, _Mapping]] = ...) -> None: ...

class CancelOrderRequest(_message.Message):
    __slots__ = ("name", "reason", "request_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    reason: str
    request_id: str
    def __init__(self, name: _Optional[str] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class CancelOrderResponse(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: Order
    def __init__(self, order: _Optional[_Union[Order, _Mapping]] = ...) -> None: ...

class ApproveCancellationRequest(_message.Message):
    __slots__ = ("name", "request_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    request_id: str
    def __init__(self, name: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class ApproveCancellationResponse(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: Order
    def __init__(self, order: _Optional[_Union[Order, _Mapping]] = ...) -> None: ...

class RejectCancellationRequest(_message.Message):
    __slots__ = ("name", "reason", "comment", "request_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    reason: str
    comment: str
    request_id: str
    def __init__(self, name: _Optional[str] = ..., reason: _Optional[str] = ..., comment: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class RejectCancellationResponse(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: Order
    def __init__(self, order: _Optional[_Union[Order, _Mapping]] = ...) -> None: ...

class SyncOrdersRequest(_message.Message):
    __slots__ = ("parent", "request_id")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    parent: str
    request_id: str
    def __init__(self, parent: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class SyncOrdersResponse(_message.Message):
    __slots__ = ("task",)
    TASK_FIELD_NUMBER: _ClassVar[int]
    task: _task_pb2.Task
    def __init__(self, task: _Optional[_Union[_task_pb2.Task, _Mapping]] = ...) -> None: ...

class ShoplineCancellation(_message.Message):
    __slots__ = ("state", "cancel_time", "reason", "tiktok_code", "tiktok_message", "tiktok_cancel_id", "resolve_time")
    STATE_FIELD_NUMBER: _ClassVar[int]
    CANCEL_TIME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    TIKTOK_CODE_FIELD_NUMBER: _ClassVar[int]
    TIKTOK_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    TIKTOK_CANCEL_ID_FIELD_NUMBER: _ClassVar[int]
    RESOLVE_TIME_FIELD_NUMBER: _ClassVar[int]
    state: ShoplineCancellationState
    cancel_time: _timestamp_pb2.Timestamp
    reason: str
    tiktok_code: str
    tiktok_message: str
    tiktok_cancel_id: str
    resolve_time: _timestamp_pb2.Timestamp
    def __init__(self, state: _Optional[_Union[ShoplineCancellationState, str]] = ..., cancel_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reason: _Optional[str] = ..., tiktok_code: _Optional[str] = ..., tiktok_message: _Optional[str] = ..., tiktok_cancel_id: _Optional[str] = ..., resolve_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ShipOrderRequest(_message.Message):
    __slots__ = ("name", "tracking_number", "carrier_name", "shipping_provider_id", "line_item_ids", "request_id", "tiktok_shipment")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TRACKING_NUMBER_FIELD_NUMBER: _ClassVar[int]
    CARRIER_NAME_FIELD_NUMBER: _ClassVar[int]
    SHIPPING_PROVIDER_ID_FIELD_NUMBER: _ClassVar[int]
    LINE_ITEM_IDS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    TIKTOK_SHIPMENT_FIELD_NUMBER: _ClassVar[int]
    name: str
    tracking_number: str
    carrier_name: str
    shipping_provider_id: str
    line_item_ids: _containers.RepeatedScalarFieldContainer[str]
    request_id: str
    tiktok_shipment: TikTokShipment
    def __init__(self, name: _Optional[str] = ..., tracking_number: _Optional[str] = ..., carrier_name: _Optional[str] = ..., shipping_provider_id: _Optional[str] = ..., line_item_ids: _Optional[_Iterable[str]] = ..., request_id: _Optional[str] = ..., tiktok_shipment: _Optional[_Union[TikTokShipment, _Mapping]] = ...) -> None: ...

class TikTokShipment(_message.Message):
    __slots__ = ("handover_method", "pickup_start_time", "pickup_end_time", "parcel", "shipping_service_id")
    HANDOVER_METHOD_FIELD_NUMBER: _ClassVar[int]
    PICKUP_START_TIME_FIELD_NUMBER: _ClassVar[int]
    PICKUP_END_TIME_FIELD_NUMBER: _ClassVar[int]
    PARCEL_FIELD_NUMBER: _ClassVar[int]
    SHIPPING_SERVICE_ID_FIELD_NUMBER: _ClassVar[int]
    handover_method: HandoverMethod
    pickup_start_time: _timestamp_pb2.Timestamp
    pickup_end_time: _timestamp_pb2.Timestamp
    parcel: Parcel
    shipping_service_id: str
    def __init__(self, handover_method: _Optional[_Union[HandoverMethod, str]] = ..., pickup_start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., pickup_end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., parcel: _Optional[_Union[Parcel, _Mapping]] = ..., shipping_service_id: _Optional[str] = ...) -> None: ...

class Parcel(_message.Message):
    __slots__ = ("weight", "weight_unit", "length", "width", "height", "dimension_unit")
    WEIGHT_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_UNIT_FIELD_NUMBER: _ClassVar[int]
    LENGTH_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    DIMENSION_UNIT_FIELD_NUMBER: _ClassVar[int]
    weight: str
    weight_unit: WeightUnit
    length: str
    width: str
    height: str
    dimension_unit: DimensionUnit
    def __init__(self, weight: _Optional[str] = ..., weight_unit: _Optional[_Union[WeightUnit, str]] = ..., length: _Optional[str] = ..., width: _Optional[str] = ..., height: _Optional[str] = ..., dimension_unit: _Optional[_Union[DimensionUnit, str]] = ...) -> None: ...

class GetShippingLabelRequest(_message.Message):
    __slots__ = ("name", "package_id", "document_type")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PACKAGE_ID_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    name: str
    package_id: str
    document_type: ShippingDocumentType
    def __init__(self, name: _Optional[str] = ..., package_id: _Optional[str] = ..., document_type: _Optional[_Union[ShippingDocumentType, str]] = ...) -> None: ...

class GetShippingLabelResponse(_message.Message):
    __slots__ = ("url", "tracking_number")
    URL_FIELD_NUMBER: _ClassVar[int]
    TRACKING_NUMBER_FIELD_NUMBER: _ClassVar[int]
    url: str
    tracking_number: str
    def __init__(self, url: _Optional[str] = ..., tracking_number: _Optional[str] = ...) -> None: ...

class ShipOrderResponse(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: Order
    def __init__(self, order: _Optional[_Union[Order, _Mapping]] = ...) -> None: ...

class ListShippingProvidersRequest(_message.Message):
    __slots__ = ("parent", "delivery_option_id", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_OPTION_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    delivery_option_id: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., delivery_option_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListShippingProvidersResponse(_message.Message):
    __slots__ = ("delivery_options", "next_page_token")
    DELIVERY_OPTIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    delivery_options: _containers.RepeatedCompositeFieldContainer[_shipping_pb2.DeliveryOptionProviders]
    next_page_token: str
    def __init__(self, delivery_options: _Optional[_Iterable[_Union[_shipping_pb2.DeliveryOptionProviders, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListCarrierMappingsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListCarrierMappingsResponse(_message.Message):
    __slots__ = ("carrier_mappings", "next_page_token")
    CARRIER_MAPPINGS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    carrier_mappings: _containers.RepeatedCompositeFieldContainer[_shipping_pb2.CarrierMapping]
    next_page_token: str
    def __init__(self, carrier_mappings: _Optional[_Iterable[_Union[_shipping_pb2.CarrierMapping, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateCarrierMappingRequest(_message.Message):
    __slots__ = ("carrier_mapping", "update_mask", "allow_missing", "request_id")
    CARRIER_MAPPING_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    ALLOW_MISSING_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    carrier_mapping: _shipping_pb2.CarrierMapping
    update_mask: _field_mask_pb2.FieldMask
    allow_missing: bool
    request_id: str
    def __init__(self, carrier_mapping: _Optional[_Union[_shipping_pb2.CarrierMapping, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., allow_missing: _Optional[bool] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateCarrierMappingResponse(_message.Message):
    __slots__ = ("carrier_mapping",)
    CARRIER_MAPPING_FIELD_NUMBER: _ClassVar[int]
    carrier_mapping: _shipping_pb2.CarrierMapping
    def __init__(self, carrier_mapping: _Optional[_Union[_shipping_pb2.CarrierMapping, _Mapping]] = ...) -> None: ...

class OrderReturn(_message.Message):
    __slots__ = ("name", "tiktok_return_id", "order", "type", "status", "role", "lines", "refund_amount", "reason", "create_time", "update_time", "awaiting_seller_decision", "shopline_refund")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TIKTOK_RETURN_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    REFUND_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    AWAITING_SELLER_DECISION_FIELD_NUMBER: _ClassVar[int]
    SHOPLINE_REFUND_FIELD_NUMBER: _ClassVar[int]
    name: str
    tiktok_return_id: str
    order: str
    type: ReturnType
    status: ReturnStatus
    role: ReturnRole
    lines: _containers.RepeatedCompositeFieldContainer[ReturnLine]
    refund_amount: ReturnRefundAmount
    reason: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    awaiting_seller_decision: bool
    shopline_refund: ShoplineRefund
    def __init__(self, name: _Optional[str] = ..., tiktok_return_id: _Optional[str] = ..., order: _Optional[str] = ..., type: _Optional[_Union[ReturnType, str]] = ..., status: _Optional[_Union[ReturnStatus, str]] = ..., role: _Optional[_Union[ReturnRole, str]] = ..., lines: _Optional[_Iterable[_Union[ReturnLine, _Mapping]]] = ..., refund_amount: _Optional[_Union[ReturnRefundAmount, _Mapping]] = ..., reason: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., awaiting_seller_decision: _Optional[bool] = ..., shopline_refund: _Optional[_Union[ShoplineRefund, _Mapping]] = ...) -> None: ...

class ReturnLine(_message.Message):
    __slots__ = ("tiktok_sku_id", "seller_sku", "quantity", "refund_total")
    TIKTOK_SKU_ID_FIELD_NUMBER: _ClassVar[int]
    SELLER_SKU_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    REFUND_TOTAL_FIELD_NUMBER: _ClassVar[int]
    tiktok_sku_id: str
    seller_sku: str
    quantity: int
    refund_total: _common_pb2.Money
    def __init__(self, tiktok_sku_id: _Optional[str] = ..., seller_sku: _Optional[str] = ..., quantity: _Optional[int] = ..., refund_total: _Optional[_Union[_common_pb2.Money, _Mapping]] = ...) -> None: ...

class ReturnRefundAmount(_message.Message):
    __slots__ = ("total", "subtotal", "shipping_fee", "tax")
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    SUBTOTAL_FIELD_NUMBER: _ClassVar[int]
    SHIPPING_FEE_FIELD_NUMBER: _ClassVar[int]
    TAX_FIELD_NUMBER: _ClassVar[int]
    total: _common_pb2.Money
    subtotal: _common_pb2.Money
    shipping_fee: _common_pb2.Money
    tax: _common_pb2.Money
    def __init__(self, total: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., subtotal: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., shipping_fee: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., tax: _Optional[_Union[_common_pb2.Money, _Mapping]] = ...) -> None: ...

class ShoplineRefund(_message.Message):
    __slots__ = ("state", "shopline_refund_id", "restocked", "refund_time")
    STATE_FIELD_NUMBER: _ClassVar[int]
    SHOPLINE_REFUND_ID_FIELD_NUMBER: _ClassVar[int]
    RESTOCKED_FIELD_NUMBER: _ClassVar[int]
    REFUND_TIME_FIELD_NUMBER: _ClassVar[int]
    state: ShoplineRefundState
    shopline_refund_id: str
    restocked: bool
    refund_time: _timestamp_pb2.Timestamp
    def __init__(self, state: _Optional[_Union[ShoplineRefundState, str]] = ..., shopline_refund_id: _Optional[str] = ..., restocked: _Optional[bool] = ..., refund_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListReturnsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token", "statuses")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    statuses: _containers.RepeatedScalarFieldContainer[ReturnStatus]
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., statuses: _Optional[_Iterable[_Union[ReturnStatus, str]]] = ...) -> None: ...

class ListReturnsResponse(_message.Message):
    __slots__ = ("returns", "next_page_token")
    RETURNS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    returns: _containers.RepeatedCompositeFieldContainer[OrderReturn]
    next_page_token: str
    def __init__(self, returns: _Optional[_Iterable[_Union[OrderReturn, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ApproveReturnRequest(_message.Message):
    __slots__ = ("name", "request_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    request_id: str
    def __init__(self, name: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class ApproveReturnResponse(_message.Message):
    __slots__ = ("order_return",)
    ORDER_RETURN_FIELD_NUMBER: _ClassVar[int]
    order_return: OrderReturn
    def __init__(self, order_return: _Optional[_Union[OrderReturn, _Mapping]] = ...) -> None: ...

class RejectReturnRequest(_message.Message):
    __slots__ = ("name", "reason", "comment", "request_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    reason: str
    comment: str
    request_id: str
    def __init__(self, name: _Optional[str] = ..., reason: _Optional[str] = ..., comment: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class RejectReturnResponse(_message.Message):
    __slots__ = ("order_return",)
    ORDER_RETURN_FIELD_NUMBER: _ClassVar[int]
    order_return: OrderReturn
    def __init__(self, order_return: _Optional[_Union[OrderReturn, _Mapping]] = ...) -> None: ...
