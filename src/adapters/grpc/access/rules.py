"""The one table from full gRPC method name to what the caller needs.

A method missing here is refused (PERMISSION_DENIED) even though it is served: new methods fail
closed until they are given a rule. Health and reflection are public so probes and ``grpcurl
list`` work without a key.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.api_key import Role


@dataclass(frozen=True)
class Rule:
    role: Role | None
    """None: public, no credential needed."""
    every_app: bool = False
    """Only a key for every app may call it (it creates apps or manages keys across apps)."""
    mutates: bool = False
    """Changes state: written to the audit log."""


PUBLIC = Rule(None)
READ = Rule(Role.READER)
OPERATE = Rule(Role.OPERATOR, mutates=True)
ADMINISTER = Rule(Role.ADMIN, mutates=True)
ADMINISTER_ALL = Rule(Role.ADMIN, every_app=True, mutates=True)
READ_KEYS = Rule(Role.ADMIN, every_app=True)

_PUBLIC_METHODS = {
    "/grpc.health.v1.Health/Check": PUBLIC,
    "/grpc.health.v1.Health/Watch": PUBLIC,
    "/grpc.health.v1.Health/List": PUBLIC,
    "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo": PUBLIC,
}

_API_METHODS = {
    "AppService": {
        "StartInstallation": ADMINISTER_ALL,
        "CompleteInstallation": ADMINISTER_ALL,
        "GetApp": READ,
        "ListApps": READ,
        "UpdateApp": OPERATE,
    },
    "ShopService": {
        "StartAuthorization": OPERATE,
        "CompleteAuthorization": OPERATE,
        "ListShops": READ,
        "GetShop": READ,
        "UpdateShop": OPERATE,
        "DeleteShop": ADMINISTER,
    },
    "CatalogService": {
        "ListProducts": READ,
        "GetProduct": READ,
        "LinkSku": OPERATE,
        "UnlinkSku": OPERATE,
        "AutoLinkSkus": OPERATE,
        "SyncPrices": OPERATE,
        "GetPriceRule": READ,
        "UpdatePriceRule": OPERATE,
    },
    "InventoryService": {
        "ListInventoryPools": READ,
        "GetInventoryPool": READ,
        "UpdateInventoryPool": OPERATE,
        "PushInventory": OPERATE,
    },
    "OrderService": {
        "ListOrders": READ,
        "GetOrder": READ,
        "ImportOrder": OPERATE,
        "CancelOrder": OPERATE,
        "ApproveCancellation": OPERATE,
        "RejectCancellation": OPERATE,
        "SyncOrders": OPERATE,
        "ShipOrder": OPERATE,
        "GetShippingLabel": READ,
        "ListShippingProviders": READ,
        "ListCarrierMappings": READ,
        "UpdateCarrierMapping": OPERATE,
        "ListReturns": READ,
        "ApproveReturn": OPERATE,
        "RejectReturn": OPERATE,
    },
    "TaskService": {
        "ListTasks": READ,
        "GetTask": READ,
        "WatchTask": READ,
        "CancelTask": OPERATE,
        "RetryTask": OPERATE,
    },
    "AnalyticsService": {
        "GetSalesSummary": READ,
        "ListTopProducts": READ,
        "GetCustomerSummary": READ,
    },
    "ApiKeyService": {
        "CreateApiKey": ADMINISTER_ALL,
        "ListApiKeys": READ_KEYS,
        "GetApiKey": READ_KEYS,
        "RevokeApiKey": ADMINISTER_ALL,
    },
}

METHOD_RULES: dict[str, Rule] = {
    **_PUBLIC_METHODS,
    **{
        f"/multichannel.v1.{service}/{method}": rule
        for service, methods in _API_METHODS.items()
        for method, rule in methods.items()
    },
}


def rule_for(method: str) -> Rule | None:
    """None: no rule, so the call is refused."""
    return METHOD_RULES.get(method)
