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

class ReturnRestock(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RETURN_RESTOCK_UNSPECIFIED: _ClassVar[ReturnRestock]
    RETURN_RESTOCK_ON_RETURN_RECEIVED: _ClassVar[ReturnRestock]
    RETURN_RESTOCK_NEVER: _ClassVar[ReturnRestock]

class OrderImportScope(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ORDER_IMPORT_SCOPE_UNSPECIFIED: _ClassVar[OrderImportScope]
    ORDER_IMPORT_SCOPE_ONLY_FULLY_LINKED: _ClassVar[OrderImportScope]
    ORDER_IMPORT_SCOPE_ALL_WITH_CUSTOM_ITEMS: _ClassVar[OrderImportScope]

class InstallationState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INSTALLATION_STATE_UNSPECIFIED: _ClassVar[InstallationState]
    INSTALLATION_STATE_INSTALLED: _ClassVar[InstallationState]
    INSTALLATION_STATE_NEEDS_REINSTALL: _ClassVar[InstallationState]
    INSTALLATION_STATE_UNINSTALLED: _ClassVar[InstallationState]
RETURN_RESTOCK_UNSPECIFIED: ReturnRestock
RETURN_RESTOCK_ON_RETURN_RECEIVED: ReturnRestock
RETURN_RESTOCK_NEVER: ReturnRestock
ORDER_IMPORT_SCOPE_UNSPECIFIED: OrderImportScope
ORDER_IMPORT_SCOPE_ONLY_FULLY_LINKED: OrderImportScope
ORDER_IMPORT_SCOPE_ALL_WITH_CUSTOM_ITEMS: OrderImportScope
INSTALLATION_STATE_UNSPECIFIED: InstallationState
INSTALLATION_STATE_INSTALLED: InstallationState
INSTALLATION_STATE_NEEDS_REINSTALL: InstallationState
INSTALLATION_STATE_UNINSTALLED: InstallationState

class App(_message.Message):
    __slots__ = ("name", "store_handle", "create_time", "update_time", "settings", "installation_state", "token_expire_time", "install_time", "granted_scopes", "webhook_health")
    NAME_FIELD_NUMBER: _ClassVar[int]
    STORE_HANDLE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    INSTALLATION_STATE_FIELD_NUMBER: _ClassVar[int]
    TOKEN_EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    INSTALL_TIME_FIELD_NUMBER: _ClassVar[int]
    GRANTED_SCOPES_FIELD_NUMBER: _ClassVar[int]
    WEBHOOK_HEALTH_FIELD_NUMBER: _ClassVar[int]
    name: str
    store_handle: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    settings: AppSettings
    installation_state: InstallationState
    token_expire_time: _timestamp_pb2.Timestamp
    install_time: _timestamp_pb2.Timestamp
    granted_scopes: _containers.RepeatedScalarFieldContainer[str]
    webhook_health: _common_pb2.WebhookHealth
    def __init__(self, name: _Optional[str] = ..., store_handle: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., settings: _Optional[_Union[AppSettings, _Mapping]] = ..., installation_state: _Optional[_Union[InstallationState, str]] = ..., token_expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., install_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., granted_scopes: _Optional[_Iterable[str]] = ..., webhook_health: _Optional[_Union[_common_pb2.WebhookHealth, _Mapping]] = ...) -> None: ...

class AppSettings(_message.Message):
    __slots__ = ("auto_import_orders", "order_import_scope", "default_safety_stock", "shopline_location_ids", "default_price_rule", "default_email", "sync_customers", "return_restock")
    AUTO_IMPORT_ORDERS_FIELD_NUMBER: _ClassVar[int]
    ORDER_IMPORT_SCOPE_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_SAFETY_STOCK_FIELD_NUMBER: _ClassVar[int]
    SHOPLINE_LOCATION_IDS_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_PRICE_RULE_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_EMAIL_FIELD_NUMBER: _ClassVar[int]
    SYNC_CUSTOMERS_FIELD_NUMBER: _ClassVar[int]
    RETURN_RESTOCK_FIELD_NUMBER: _ClassVar[int]
    auto_import_orders: bool
    order_import_scope: OrderImportScope
    default_safety_stock: int
    shopline_location_ids: _containers.RepeatedScalarFieldContainer[str]
    default_price_rule: _common_pb2.PriceRule
    default_email: str
    sync_customers: bool
    return_restock: ReturnRestock
    def __init__(self, auto_import_orders: _Optional[bool] = ..., order_import_scope: _Optional[_Union[OrderImportScope, str]] = ..., default_safety_stock: _Optional[int] = ..., shopline_location_ids: _Optional[_Iterable[str]] = ..., default_price_rule: _Optional[_Union[_common_pb2.PriceRule, _Mapping]] = ..., default_email: _Optional[str] = ..., sync_customers: _Optional[bool] = ..., return_restock: _Optional[_Union[ReturnRestock, str]] = ...) -> None: ...

class StartInstallationRequest(_message.Message):
    __slots__ = ("store_handle", "redirect_uri")
    STORE_HANDLE_FIELD_NUMBER: _ClassVar[int]
    REDIRECT_URI_FIELD_NUMBER: _ClassVar[int]
    store_handle: str
    redirect_uri: str
    def __init__(self, store_handle: _Optional[str] = ..., redirect_uri: _Optional[str] = ...) -> None: ...

class StartInstallationResponse(_message.Message):
    __slots__ = ("authorization_url", "state", "expire_time")
    AUTHORIZATION_URL_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    authorization_url: str
    state: str
    expire_time: _timestamp_pb2.Timestamp
    def __init__(self, authorization_url: _Optional[str] = ..., state: _Optional[str] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CompleteInstallationRequest(_message.Message):
    __slots__ = ("app_key", "code", "handle", "timestamp", "sign", "state", "lang", "other_parameters")
    class OtherParametersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    APP_KEY_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    HANDLE_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    SIGN_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    LANG_FIELD_NUMBER: _ClassVar[int]
    OTHER_PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    app_key: str
    code: str
    handle: str
    timestamp: str
    sign: str
    state: str
    lang: str
    other_parameters: _containers.ScalarMap[str, str]
    def __init__(self, app_key: _Optional[str] = ..., code: _Optional[str] = ..., handle: _Optional[str] = ..., timestamp: _Optional[str] = ..., sign: _Optional[str] = ..., state: _Optional[str] = ..., lang: _Optional[str] = ..., other_parameters: _Optional[_Mapping[str, str]] = ...) -> None: ...

class CompleteInstallationResponse(_message.Message):
    __slots__ = ("app", "created")
    APP_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    app: App
    created: bool
    def __init__(self, app: _Optional[_Union[App, _Mapping]] = ..., created: _Optional[bool] = ...) -> None: ...

class GetAppRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetAppResponse(_message.Message):
    __slots__ = ("app",)
    APP_FIELD_NUMBER: _ClassVar[int]
    app: App
    def __init__(self, app: _Optional[_Union[App, _Mapping]] = ...) -> None: ...

class ListAppsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "store_handle")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STORE_HANDLE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    store_handle: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., store_handle: _Optional[str] = ...) -> None: ...

class ListAppsResponse(_message.Message):
    __slots__ = ("apps", "next_page_token")
    APPS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    apps: _containers.RepeatedCompositeFieldContainer[App]
    next_page_token: str
    def __init__(self, apps: _Optional[_Iterable[_Union[App, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateAppRequest(_message.Message):
    __slots__ = ("app", "update_mask", "request_id")
    APP_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    app: App
    update_mask: _field_mask_pb2.FieldMask
    request_id: str
    def __init__(self, app: _Optional[_Union[App, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateAppResponse(_message.Message):
    __slots__ = ("app",)
    APP_FIELD_NUMBER: _ClassVar[int]
    app: App
    def __init__(self, app: _Optional[_Union[App, _Mapping]] = ...) -> None: ...
