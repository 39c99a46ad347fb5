"""A harness for the authorization, shop, installation and token use cases over the stateful fakes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from domain.app import App
from domain.channel import AuthorizedShop, ChannelProductData, ChannelSkuData
from domain.ids import AppId, ChannelProductId, ChannelSkuId, ShopId, TikTokShopId
from domain.money import Money
from domain.shop import Shop
from domain.tokens import ShoplineGrant, ShoplineToken
from services.apps.installation import Installation
from services.apps.settings import AppSettingsUpdates
from services.shops.authorization import AuthorizationOutcome, ShopAuthorization
from services.shops.management import ShopManagement
from services.shops.token_upkeep import TokenUpkeep
from tests.fakes import (
    FakeClock,
    FakeDatabase,
    FakeEventPublisher,
    FakeIdGenerator,
    FakeJobQueue,
    FakeSecureRandom,
    FakeShoplineApi,
    FakeTikTokChannelApi,
    FakeUnitOfWork,
)

SCOPES = ("read_products", "write_inventory", "read_orders", "write_orders")
REDIRECT_URI = "https://connect.example.com/shopline/callback"


def tiktok_shop(number: int, region: str = "GB", name: str | None = None) -> AuthorizedShop:
    return AuthorizedShop(
        tiktok_shop_id=TikTokShopId(f"70007145328764{number:05d}"),
        cipher=f"GCP_cipher_{number}",
        region=region,
        seller_type="LOCAL",
        name=name or f"TikTok shop {number}",
    )


def product_data(product: str, *skus: str) -> ChannelProductData:
    return ChannelProductData(
        product_id=ChannelProductId(product),
        title=f"Product {product}",
        status="ACTIVATE",
        update_time=datetime(2026, 1, 1),
        skus=tuple(
            ChannelSkuData(ChannelSkuId(sku), f"SELLER-{sku}", Money(Decimal("9.90"), "GBP")) for sku in skus
        ),
    )


@dataclass
class Harness:
    clock: FakeClock = field(default_factory=FakeClock)
    database: FakeDatabase = field(default_factory=FakeDatabase)
    publisher: FakeEventPublisher = field(default_factory=FakeEventPublisher)
    jobs: FakeJobQueue = field(default_factory=FakeJobQueue)
    ids: FakeIdGenerator = field(default_factory=FakeIdGenerator)
    random: FakeSecureRandom = field(default_factory=FakeSecureRandom)
    codes: int = 0

    def __post_init__(self) -> None:
        self.tiktok = FakeTikTokChannelApi(self.clock)
        self.shopline = FakeShoplineApi(self.clock)

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.database, self.publisher)

    # --- use cases --------------------------------------------------------------------------

    @property
    def authorization(self) -> ShopAuthorization:
        return ShopAuthorization(self.uow, self.tiktok, self.jobs, self.clock, self.ids, self.random)

    @property
    def shops(self) -> ShopManagement:
        return ShopManagement(self.uow, self.clock)

    @property
    def installation(self) -> Installation:
        return Installation(
            self.uow,
            self.shopline,
            self.clock,
            self.ids,
            self.random,
            scopes=SCOPES,
            default_redirect_uri=REDIRECT_URI,
        )

    @property
    def app_settings(self) -> AppSettingsUpdates:
        return AppSettingsUpdates(self.uow, self.clock)

    @property
    def upkeep(self) -> TokenUpkeep:
        return TokenUpkeep(self.uow, self.tiktok, self.shopline, self.clock)

    # --- set-up -----------------------------------------------------------------------------

    async def installed_app(self, handle: str = "open001") -> AppId:
        """An installed app with a fresh SHOPLINE token, written straight into the database."""
        app = App.install(AppId(f"app-{handle}"), handle, self.clock.now())
        self.shopline.add_authorization_code(handle, f"code-{handle}")
        grant: ShoplineGrant = await self.shopline.create_token(handle, f"code-{handle}")
        async with self.uow() as uow:
            await uow.apps.add(app)
            await uow.tokens.save_shopline(ShoplineToken.issue(app.id, grant, self.clock.now()))
            await uow.commit()
        return app.id

    async def authorize(
        self,
        app_id: AppId,
        *granted: AuthorizedShop,
        display_name: str | None = None,
        reauthorize: ShopId | None = None,
        region: str = "GB",
    ) -> AuthorizationOutcome:
        """The whole round trip: start, the seller consents on TikTok, the callback completes."""
        start = await self.authorization.start(app_id, region, display_name, reauthorize)
        self.codes += 1
        code = f"TTP_code_{self.codes}"
        self.tiktok.add_authorization_code(code, granted)
        return await self.authorization.complete(start.state, code)

    def shop_rows(self) -> list[Shop]:
        return list(self.database.state.shops.values())

    def shop_by_tiktok_id(self, tiktok_shop_id: str) -> Shop:
        return next(s for s in self.database.state.shops.values() if s.tiktok_shop_id == tiktok_shop_id)
