"""A small world of fakes for the task center, the history import and the worker tests."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from domain.app import App
from domain.catalog import ChannelProduct
from domain.channel import (
    AuthorizedShop,
    BuyerInfo,
    ChannelProductData,
    ChannelSkuData,
    TikTokLineItem,
    TikTokOrderData,
)
from domain.errors import AppNotFound
from domain.ids import AppId, ChannelProductId, ChannelSkuId, OrderId, ShopId, TaskId, TikTokShopId
from domain.money import Money
from domain.order import Order
from domain.shop import Region, SellerType, Shop, ShopIdentity
from domain.task import Task, TaskKind
from domain.tokens import TikTokToken
from services.inventory.on_hand import OnHandReader
from services.inventory.stock_effects import StockEffects
from services.orders.intake import OrderIntake
from services.orders.shopline_import import OrderImporter
from services.shops.history_import import HistoryImportHandler
from services.tasks.jobs import RetryPolicy, TaskHandler, TaskWorker
from tests.fakes import (
    FakeClock,
    FakeDatabase,
    FakeIdGenerator,
    FakeJobQueue,
    FakeShoplineApi,
    FakeState,
    FakeTaskChangeFeed,
    FakeTikTokChannelApi,
    FakeUnitOfWork,
)

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
APP = AppId("app-1")
OTHER_APP = AppId("app-2")
SHOP = ShopId("shop-1")
TIKTOK_SHOP = TikTokShopId("7000714532876273420")
CIPHER = "GCP_cipher_1"
FAST_RETRY = RetryPolicy(
    attempts=4, first_delay=timedelta(milliseconds=1), max_delay=timedelta(milliseconds=2)
)


class SimulatedCrash(BaseException):
    """The process dies: nothing in the service may catch this."""


class RecordingUnitOfWork(FakeUnitOfWork):
    """Counts the order and product rows each commit writes, and can die in a given commit."""

    def __init__(self, world: World) -> None:
        # The base class deep-copies the whole database up front; start from an empty one instead
        # and take the cheap snapshot below (thousands of rows per test would cost seconds).
        committed, world.database.state = world.database.state, FakeState()
        try:
            super().__init__(world.database, world.feed)
        finally:
            world.database.state = committed
        self._world = world
        self._begin()
        self._rows = 0
        for repository in (self.orders, self.channel_products):
            repository.save_many = self._counting(repository.save_many)  # type: ignore[method-assign]

    def _counting(
        self, save_many: Callable[[Sequence[Any]], Awaitable[None]]
    ) -> Callable[..., Awaitable[None]]:
        async def counted(batch: Sequence[Any]) -> None:
            self._rows += len(batch)
            await save_many(batch)

        return counted

    async def commit(self) -> None:
        world = self._world
        if self._rows and world.crash_at_row_commit == len(world.row_commits) + 1:
            raise SimulatedCrash
        rows, self._rows = self._rows, 0
        await super().commit()
        world.commits += 1
        if rows:
            world.row_commits.append(rows)
        if world.in_hook:
            return  # a hook's own writes do not run the hooks again
        world.in_hook = True
        try:
            for hook in list(world.after_commit):
                await hook(world)
        finally:
            world.in_hook = False

    async def rollback(self) -> None:
        self._rows = 0
        await super().rollback()

    def _begin(self) -> None:
        # Rows are copied on every read and write (copy-in, copy-out), so a transaction only needs
        # its own tables, not its own rows.
        state = self.database.state
        self._working = FakeState(**{f.name: dict(getattr(state, f.name)) for f in fields(FakeState)})
        self._seen.clear()


@dataclass
class World:
    clock: FakeClock = field(default_factory=lambda: FakeClock(NOW))
    database: FakeDatabase = field(default_factory=FakeDatabase)
    feed: FakeTaskChangeFeed = field(default_factory=FakeTaskChangeFeed)
    jobs: FakeJobQueue = field(default_factory=FakeJobQueue)
    ids: FakeIdGenerator = field(default_factory=lambda: FakeIdGenerator("task"))
    commits: int = 0
    row_commits: list[int] = field(default_factory=list)
    crash_at_row_commit: int | None = None
    after_commit: list[Callable[[World], Awaitable[None]]] = field(default_factory=list)
    in_hook: bool = False
    tiktok: FakeTikTokChannelApi = field(init=False)
    shopline: FakeShoplineApi = field(init=False)

    def __post_init__(self) -> None:
        self.tiktok = FakeTikTokChannelApi(self.clock)
        self.shopline = FakeShoplineApi(self.clock)

    @property
    def intake(self) -> OrderIntake:
        effects = StockEffects(self.clock, self.ids)
        on_hand = OnHandReader(self.uow, self.shopline, self.clock)
        importer = OrderImporter(self.uow, self.shopline, self.clock, effects, on_hand)
        return OrderIntake(self.uow, self.clock, effects, importer)

    def uow(self) -> RecordingUnitOfWork:
        return RecordingUnitOfWork(self)

    # --- seeding ----------------------------------------------------------------------------

    async def add_shop(self, shop_id: ShopId = SHOP, app_id: AppId = APP, cipher: str = CIPHER) -> None:
        authorized = AuthorizedShop(TIKTOK_SHOP, cipher, "GB", "LOCAL", "Maomao")
        code = f"code-{shop_id}"
        self.tiktok.add_authorization_code(code, [authorized])
        grant = await self.tiktok.exchange_code(code)
        identity = ShopIdentity(TIKTOK_SHOP, cipher, Region.GB, SellerType.LOCAL, "Maomao")
        async with self.uow() as uow:
            try:
                await uow.apps.get(app_id)
            except AppNotFound:
                await uow.apps.add(App.install(app_id, f"store-{app_id}", self.clock.now()))
            await uow.shops.add(Shop.authorize(shop_id, app_id, identity, self.clock.now()))
            await uow.tokens.save_tiktok(TikTokToken.issue(shop_id, grant, self.clock.now()))
            await uow.commit()

    async def add_task(
        self,
        task_id: str,
        *,
        app_id: AppId = APP,
        shop_id: ShopId | None = SHOP,
        kind: TaskKind = TaskKind.HISTORY_IMPORT,
        created_at: datetime | None = None,
    ) -> Task:
        task = Task.create(TaskId(task_id), app_id, kind, created_at or self.clock.now(), shop_id)
        async with self.uow() as uow:
            await uow.tasks.add(task)
            await uow.commit()
        return task

    async def task(self, task_id: TaskId | str) -> Task:
        async with self.uow() as uow:
            return await uow.tasks.get(TaskId(task_id))

    def seed_catalog(self, products: int, orders: int, *, cipher: str = CIPHER) -> None:
        data = self.tiktok.shop(cipher)
        for n in range(products):
            product = product_data(n)
            data.products[product.product_id] = product
        for n in range(orders):
            order = order_data(n)
            data.orders[order.order_id] = order

    # --- running ----------------------------------------------------------------------------

    def handler(self, **options: Any) -> HistoryImportHandler:
        options.setdefault("retry", FAST_RETRY)
        return HistoryImportHandler(self.uow, self.clock, self.tiktok, self.intake, **options)

    def worker(
        self,
        owner: str = "worker-1",
        handler: TaskHandler | None = None,
        lease_for: timedelta = timedelta(seconds=60),
    ) -> TaskWorker:
        handlers = {TaskKind.HISTORY_IMPORT: handler or self.handler()}
        return TaskWorker(self.uow, self.clock, handlers, owner=owner, lease_for=lease_for)

    # --- reading ----------------------------------------------------------------------------

    def stored_products(self) -> dict[ChannelProductId, tuple[object, ...]]:
        return {key[1]: product_view(p) for key, p in self.database.state.products.items()}

    def stored_orders(self) -> dict[OrderId, tuple[object, ...]]:
        return {key[1]: order_view(o) for key, o in self.database.state.orders.items()}


def product_view(product: ChannelProduct) -> tuple[object, ...]:
    return (product.id, product.title, product.status, product.update_time, product.skus)


def order_view(order: Order) -> tuple[object, ...]:
    """Everything but when we first saw it."""
    return (
        order.id,
        order.status,
        order.total,
        order.lines,
        order.buyer,
        order.create_time,
        order.update_time,
        order.stock_state,
        order.import_status,
        order.cancellation,
    )


def product_data(n: int) -> ChannelProductData:
    return ChannelProductData(
        product_id=ChannelProductId(f"17295929697{n:08d}"),
        title=f"Product {n}",
        status="ACTIVATE",
        update_time=NOW - timedelta(days=400) + timedelta(minutes=7 * n),
        skus=(
            ChannelSkuData(ChannelSkuId(f"sku-{n}-a"), f"SELLER-{n}-A", Money(Decimal("9.90"), "GBP")),
            ChannelSkuData(ChannelSkuId(f"sku-{n}-b"), f"SELLER-{n}-B", Money(Decimal("12.50"), "GBP")),
        ),
    )


ORDER_STATUSES = ("AWAITING_SHIPMENT", "COMPLETED", "IN_TRANSIT", "UNPAID", "CANCELLED")


def order_data(n: int, *, line_items: int = 2, currency: str = "GBP") -> TikTokOrderData:
    """Orders spread over the last 36 days (some created before the 30 days), updated hours later."""
    created = NOW - timedelta(days=36) + timedelta(minutes=n * 7919 % (36 * 24 * 60))
    items = tuple(
        TikTokLineItem(
            line_item_id=f"li-{n}-{k}",
            sku_id=ChannelSkuId(f"sku-{n % 50}-a"),
            product_id=ChannelProductId(f"17295929697{n % 50:08d}"),
            seller_sku=f"SELLER-{n % 50}-A",
            product_name=f"Product {n % 50}",
            sku_name="Red",
            sale_price=Money(Decimal("9.90"), "GBP"),
        )
        for k in range(line_items)
    )
    return TikTokOrderData(
        order_id=OrderId(f"5764614130{n:08d}"),
        status=ORDER_STATUSES[n % len(ORDER_STATUSES)],
        create_time=created,
        update_time=min(created + timedelta(hours=1 + n % 5), NOW - timedelta(minutes=1)),
        currency=currency,
        total=Money(Decimal("9.90") * line_items, currency),
        line_items=items,
        buyer=BuyerInfo(user_id=f"buyer-{n}"),
    )


async def until(condition: Callable[[], bool | Awaitable[bool]], *, within: float = 5.0) -> None:
    """Waits for a state that background work reaches without an event the test could wait on."""
    async with asyncio.timeout(within):
        while True:
            holds = condition()
            if await holds if inspect.isawaitable(holds) else holds:
                return
            await asyncio.sleep(0.001)
