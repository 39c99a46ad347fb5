"""Stateful fakes of every port in ``domain.ports``.

They hold state and raise the same domain errors as the real adapters, so tests assert outcomes
rather than calls. Repositories hand out copies: a change is only kept after ``update``/``add``
and a commit, as with the database adapter. Every fake is importable from here; the modules
group them by port family.
"""

from tests.fakes.fulfillment import FakeShoplineFulfillmentApi, FakeTikTokFulfillmentApi, FakeTikTokOrder
from tests.fakes.repositories import (
    FakeAppRepository,
    FakeOrderRepository,
    FakeShopRepository,
    FakeStoreOrderRepository,
    FakeTaskRepository,
    FakeTokenRepository,
)
from tests.fakes.returns import FakeReturnRepository, FakeShoplineRefundsApi, FakeTikTokReturnsApi
from tests.fakes.runtime import (
    EPOCH,
    FakeClock,
    FakeEventPublisher,
    FakeIdGenerator,
    FakeJobQueue,
    FakeSecureRandom,
    FakeTaskChangeFeed,
)
from tests.fakes.sales_reports import FakeSalesReports
from tests.fakes.shipping import (
    FakeCarrierMappingRepository,
    FakeOwnShoplineFulfillments,
    FakeShipmentRepository,
    FakeShippingProviderCache,
)
from tests.fakes.shopline import FakeShoplineApi
from tests.fakes.stock import (
    FakeChannelProductRepository,
    FakeInventoryPoolRepository,
    FakePushStateRepository,
    FakeShoplineVariantRepository,
)
from tests.fakes.tables import FakeState
from tests.fakes.tiktok import FakeAccessTokenRefresher, FakeTikTokChannelApi, TikTokShopData
from tests.fakes.unit_of_work import (
    FakeAuthorizationStateStore,
    FakeCompletedRequests,
    FakeCustomerLinks,
    FakeDatabase,
    FakeImportLedger,
    FakeShopOverviews,
    FakeShopRegistry,
    FakeUnitOfWork,
    FakeWebhookInbox,
)

__all__ = [
    "EPOCH",
    "FakeAccessTokenRefresher",
    "FakeAppRepository",
    "FakeAuthorizationStateStore",
    "FakeCarrierMappingRepository",
    "FakeChannelProductRepository",
    "FakeClock",
    "FakeCompletedRequests",
    "FakeCustomerLinks",
    "FakeDatabase",
    "FakeEventPublisher",
    "FakeIdGenerator",
    "FakeImportLedger",
    "FakeInventoryPoolRepository",
    "FakeJobQueue",
    "FakeOrderRepository",
    "FakeOwnShoplineFulfillments",
    "FakePushStateRepository",
    "FakeReturnRepository",
    "FakeSalesReports",
    "FakeSecureRandom",
    "FakeShipmentRepository",
    "FakeShippingProviderCache",
    "FakeShopOverviews",
    "FakeShopRegistry",
    "FakeShopRepository",
    "FakeShoplineApi",
    "FakeShoplineFulfillmentApi",
    "FakeShoplineRefundsApi",
    "FakeShoplineVariantRepository",
    "FakeState",
    "FakeStoreOrderRepository",
    "FakeTaskChangeFeed",
    "FakeTaskRepository",
    "FakeTikTokChannelApi",
    "FakeTikTokFulfillmentApi",
    "FakeTikTokOrder",
    "FakeTikTokReturnsApi",
    "FakeTokenRepository",
    "FakeUnitOfWork",
    "FakeWebhookInbox",
    "TikTokShopData",
]
