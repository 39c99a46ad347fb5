"""Ports: what the domain and the use cases need from the outside world.

I/O ports are ``async``; ``Clock`` and ``IdGenerator`` are synchronous. Every port is importable
from here; the modules group them by family (repositories, the unit of work, read models,
partners, runtime).
"""

from domain.ports.aftersale_partners import (
    ShoplineFulfillmentApi,
    ShoplineRefundsApi,
    TikTokFulfillmentApi,
    TikTokReturnsApi,
)
from domain.ports.partners import (
    AccessTokenRefresher,
    ShoplineApi,
    ShoplineCustomers,
    TikTokChannelApi,
    TikTokTokenRefresh,
)
from domain.ports.read_models import CatalogCounts, SalesReports, ShopCounts, ShopOverview, ShopOverviews
from domain.ports.repositories import (
    AppRepository,
    ChannelProductRepository,
    CustomerLinkRepository,
    InventoryPoolRepository,
    OrderRepository,
    PoolFilter,
    PushStateRepository,
    ReturnRepository,
    ShoplineVariantRepository,
    ShopRepository,
    StoreOrderRepository,
    TaskRepository,
    TokenRepository,
)
from domain.ports.runtime import (
    Clock,
    EventPublisher,
    IdGenerator,
    Job,
    JobQueue,
    TaskChangeFeed,
    TaskChangeSubscription,
)
from domain.ports.shipping import (
    CarrierMappingRepository,
    OwnShoplineFulfillments,
    ShipmentRepository,
    ShippingProviderCache,
)
from domain.ports.unit_of_work import (
    CompletedRequest,
    CompletedRequests,
    ImportLedger,
    ShopRegistry,
    UnitOfWork,
    WebhookInbox,
)

__all__ = [
    "AccessTokenRefresher",
    "AppRepository",
    "CarrierMappingRepository",
    "CatalogCounts",
    "ChannelProductRepository",
    "Clock",
    "CompletedRequest",
    "CompletedRequests",
    "CustomerLinkRepository",
    "EventPublisher",
    "IdGenerator",
    "ImportLedger",
    "InventoryPoolRepository",
    "Job",
    "JobQueue",
    "OrderRepository",
    "OwnShoplineFulfillments",
    "PoolFilter",
    "PushStateRepository",
    "ReturnRepository",
    "SalesReports",
    "ShipmentRepository",
    "ShippingProviderCache",
    "ShopCounts",
    "ShopOverview",
    "ShopOverviews",
    "ShopRegistry",
    "ShopRepository",
    "ShoplineApi",
    "ShoplineCustomers",
    "ShoplineFulfillmentApi",
    "ShoplineRefundsApi",
    "ShoplineVariantRepository",
    "StoreOrderRepository",
    "TaskChangeFeed",
    "TaskChangeSubscription",
    "TaskRepository",
    "TikTokChannelApi",
    "TikTokFulfillmentApi",
    "TikTokReturnsApi",
    "TikTokTokenRefresh",
    "TokenRepository",
    "UnitOfWork",
    "WebhookInbox",
]
