"""A world of fakes for the catalog use cases: one app on a SHOPLINE store, one GB shop on TikTok."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from domain.app import App, AppSettings
from domain.catalog import ChannelProduct
from domain.channel import ChannelProductData, ChannelSkuData, ShoplineVariant
from domain.ids import ChannelProductId, ChannelSkuId, ShoplineVariantId, TaskId
from domain.inventory_pool import InventoryPool
from domain.money import Money
from domain.task import TaskKind
from domain.tokens import ShoplineToken
from services.catalog.auto_link import AutoLinkHandler
from services.catalog.links import PoolLinks
from services.catalog.price_sync import PriceSyncHandler
from services.catalog.product_refresh import ProductRefresh
from services.catalog.products import CatalogQueries, ManualLinks, PriceRules
from services.catalog.tasks import CatalogTasks
from services.catalog.variants import VariantRefresh
from services.tasks.jobs import RunOutcome, TaskWorker
from tests.fakes import FakeIdGenerator, FakeShoplineApi
from tests.services.support_tasks import APP, CIPHER, FAST_RETRY, NOW, SHOP, World

HANDLE = "maomao-store"
SAFETY_STOCK = 3


def variant(n: int, sku: str | None = None, price: str = "10.00", minutes: int = 0) -> ShoplineVariant:
    return ShoplineVariant(
        variant_id=ShoplineVariantId(f"var-{n}"),
        product_id=f"sl-prod-{n}",
        sku=f"CODE-{n}" if sku is None else sku,
        title=f"Variant {n}",
        price=Money(Decimal(price), "GBP"),
        inventory_item_id=f"item-{n}",
        updated_at=NOW - timedelta(days=10) + timedelta(minutes=minutes),
    )


def product(
    n: int, *codes: str, status: str = "ACTIVATE", minutes: int = 0, price: str = "9.90"
) -> ChannelProductData:
    return ChannelProductData(
        product_id=ChannelProductId(f"prod-{n:03d}"),
        title=f"Product {n}",
        status=status,
        update_time=NOW - timedelta(days=5) + timedelta(minutes=minutes),
        skus=tuple(
            ChannelSkuData(ChannelSkuId(f"sku-{n:03d}-{k}"), code, Money(Decimal(price), "GBP"))
            for k, code in enumerate(codes)
        ),
    )


@dataclass
class CatalogWorld(World):
    shopline: FakeShoplineApi = field(init=False)
    pool_ids: FakeIdGenerator = field(default_factory=lambda: FakeIdGenerator("pool"))

    def __post_init__(self) -> None:
        super().__post_init__()
        self.shopline = FakeShoplineApi(self.clock)

    async def install(self, currency: str = "GBP") -> None:
        self.shopline.add_authorization_code(HANDLE, "sl-code")
        self.shopline.store(HANDLE).currency = currency
        grant = await self.shopline.create_token(HANDLE, "sl-code")
        settings = AppSettings(default_safety_stock=SAFETY_STOCK)
        async with self.uow() as uow:
            await uow.apps.add(App.install(APP, HANDLE, self.clock.now(), settings))
            await uow.tokens.save_shopline(ShoplineToken.issue(APP, grant, self.clock.now()))
            await uow.commit()
        await self.add_shop()

    async def store_products(self, *products: ChannelProductData) -> None:
        """Products as the history import leaves them, also on the fake TikTok."""
        data = self.tiktok.shop(CIPHER)
        async with self.uow() as uow:
            for item in products:
                data.products[item.product_id] = item
                await uow.channel_products.add(ChannelProduct.synced(APP, SHOP, item))
            shop = await uow.shops.get(SHOP)
            shop.advance_products_watermark(self.clock.now())
            await uow.shops.update(shop)
            await uow.commit()

    def add_variants(self, *variants: ShoplineVariant) -> None:
        for item in variants:
            self.shopline.add_variant(HANDLE, item)

    # --- use cases --------------------------------------------------------------------------

    @property
    def variants(self) -> VariantRefresh:
        return VariantRefresh(self.uow, self.shopline, self.clock)

    @property
    def pool_links(self) -> PoolLinks:
        return PoolLinks(self.pool_ids, self.clock)

    @property
    def queries(self) -> CatalogQueries:
        return CatalogQueries(self.uow)

    @property
    def links(self) -> ManualLinks:
        return ManualLinks(self.uow, self.clock, self.pool_links, self.variants)

    @property
    def price_rules(self) -> PriceRules:
        return PriceRules(self.uow, self.clock, self.variants)

    @property
    def tasks(self) -> CatalogTasks:
        return CatalogTasks(self.uow, self.clock, self.ids, self.jobs)

    @property
    def product_refresh(self) -> ProductRefresh:
        return ProductRefresh(self.uow, self.clock, self.tiktok, self.pool_links, page_size=2)

    def catalog_worker(self, *, page_size: int = 2) -> TaskWorker:
        handlers = {
            TaskKind.AUTO_LINK: AutoLinkHandler(
                self.uow, self.clock, self.variants, self.pool_links, page_size=page_size, retry=FAST_RETRY
            ),
            TaskKind.PRICE_SYNC: PriceSyncHandler(
                self.uow, self.clock, self.variants, self.tiktok, page_size=page_size, retry=FAST_RETRY
            ),
        }
        return TaskWorker(self.uow, self.clock, handlers, owner="worker-1")

    async def run_task(self, task_id: TaskId, *, page_size: int = 2) -> RunOutcome:
        worker = self.catalog_worker(page_size=page_size)
        run = await worker.claim(task_id)
        assert run is not None
        return await worker.execute(run)

    # --- reading ----------------------------------------------------------------------------

    def stored_product(self, n: int) -> ChannelProduct:
        return self.database.state.products[(SHOP, ChannelProductId(f"prod-{n:03d}"))]

    def pools(self) -> dict[str, InventoryPool]:
        return {pool.variant_id: pool for pool in self.database.state.pools.values()}
