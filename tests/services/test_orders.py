"""Order sync, exactly-once import into SHOPLINE and cancellation handling over the stateful fakes."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domain.app import App, AppSettings, ImportScope
from domain.catalog import ChannelProduct
from domain.channel import (
    AuthorizedShop,
    BuyerInfo,
    CancellationStatus,
    ChannelProductData,
    ChannelSkuData,
    NewShoplineOrder,
    ShoplineCredentials,
    ShoplineLocation,
    ShoplineOrderRef,
    ShoplineVariant,
    TikTokCancellation,
    TikTokLineItem,
    TikTokOrderData,
)
from domain.errors import (
    CancellationNotPending,
    InvalidArgument,
    NotFound,
    OrderNotFound,
    OrderNotImportable,
    PartnerRejected,
    PartnerUnavailable,
    RequestIdReused,
    ShopNotFound,
    TokenNotFound,
)
from domain.ids import (
    AppId,
    ChannelProductId,
    ChannelSkuId,
    OrderId,
    PoolId,
    ShopId,
    ShoplineVariantId,
    TaskId,
    TikTokShopId,
)
from domain.inventory_pool import InventoryPool, OnHandObservation
from domain.money import Money
from domain.order import CancellationState, ImportState, Order, OrderFilter, OrderStatus
from domain.shop import Region, SellerType, Shop, ShopIdentity
from domain.task import Task, TaskKind, TaskState
from domain.tokens import ShoplineToken, TikTokToken
from services.inventory.on_hand import OnHandReader
from services.inventory.stock_effects import StockEffects
from services.orders.handling import OrderCommands, OrderQueries, OrderRef
from services.orders.intake import OrderIntake
from services.orders.shopline_import import OrderImporter
from services.orders.sync import OVERLAP, OrderSyncHandler, OrderSyncs
from services.shops.history_import import HistoryImportHandler
from services.tasks.jobs import RetryPolicy, TaskWorker
from tests.fakes import (
    FakeClock,
    FakeDatabase,
    FakeEventPublisher,
    FakeIdGenerator,
    FakeJobQueue,
    FakeShoplineApi,
    FakeTikTokChannelApi,
    FakeUnitOfWork,
)

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
APP = AppId("app-1")
SHOP = ShopId("shop-1")
TIKTOK_SHOP = TikTokShopId("7000714532876273420")
CIPHER = "GCP_cipher_1"
HANDLE = "open001"
FAST = RetryPolicy(attempts=3, first_delay=timedelta(milliseconds=1), max_delay=timedelta(milliseconds=1))


def tiktok_order(
    order_id: str = "576461413038785752",
    status: str = "AWAITING_SHIPMENT",
    update: datetime = NOW - timedelta(minutes=30),
    units: int = 2,
) -> TikTokOrderData:
    items = tuple(
        TikTokLineItem(
            line_item_id=f"li-{order_id}-{n}",
            sku_id=ChannelSkuId("sku-1"),
            product_id=ChannelProductId("prod-1"),
            seller_sku="SELLER-1",
            product_name="Mug",
            sku_name="Red",
            sale_price=Money(Decimal("9.00"), "GBP"),
            original_price=Money(Decimal("10.00"), "GBP"),
        )
        for n in range(units)
    )
    return TikTokOrderData(
        order_id=OrderId(order_id),
        status=status,
        create_time=NOW - timedelta(hours=2),
        update_time=update,
        currency="GBP",
        total=Money(Decimal("9.00") * units + Decimal("2.50"), "GBP"),
        line_items=items,
        buyer=BuyerInfo(user_id="buyer-1"),
        subtotal=Money(Decimal("10.00") * units, "GBP"),
        seller_discount=Money(Decimal(units), "GBP"),
        platform_discount=Money(Decimal(0), "GBP"),
        shipping_fee=Money(Decimal("2.50"), "GBP"),
        paid_time=NOW - timedelta(hours=2),
    )


@dataclass
class World:
    clock: FakeClock = field(default_factory=lambda: FakeClock(NOW))
    database: FakeDatabase = field(default_factory=FakeDatabase)
    publisher: FakeEventPublisher = field(default_factory=FakeEventPublisher)
    jobs: FakeJobQueue = field(default_factory=FakeJobQueue)
    ids: FakeIdGenerator = field(default_factory=lambda: FakeIdGenerator("task"))

    def __post_init__(self) -> None:
        self.tiktok = FakeTikTokChannelApi(self.clock)
        self.shopline = FakeShoplineApi(self.clock)

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.database, self.publisher)

    @property
    def importer(self) -> OrderImporter:
        effects = StockEffects(self.clock, self.ids)
        return OrderImporter(
            self.uow, self.shopline, self.clock, effects, OnHandReader(self.uow, self.shopline, self.clock)
        )

    @property
    def intake(self) -> OrderIntake:
        return OrderIntake(self.uow, self.clock, StockEffects(self.clock, self.ids), self.importer)

    @property
    def syncs(self) -> OrderSyncs:
        return OrderSyncs(self.uow, self.clock, self.ids, self.jobs)

    @property
    def commands(self) -> OrderCommands:
        return OrderCommands(self.uow, self.clock, self.tiktok, self.importer, self.syncs)

    @property
    def queries(self) -> OrderQueries:
        return OrderQueries(self.uow)

    def tiktok_orders(self) -> dict[OrderId, TikTokOrderData]:
        return self.tiktok.shop(CIPHER).orders

    def publish(self, data: TikTokOrderData) -> None:
        self.tiktok_orders()[data.order_id] = data

    def shopline_orders(self) -> list[tuple[NewShoplineOrder, ShoplineOrderRef]]:
        return list(self.shopline.store(HANDLE).orders.values())

    # --- set-up -----------------------------------------------------------------------------

    async def install(self, *, auto_import: bool = True, scope: ImportScope = ImportScope.ALL_ORDERS) -> None:
        settings = AppSettings(auto_import_orders=auto_import, import_scope=scope)
        app = App.install(APP, HANDLE, self.clock.now(), settings)
        self.shopline.add_authorization_code(HANDLE, "code")
        grant = await self.shopline.create_token(HANDLE, "code")
        async with self.uow() as uow:
            await uow.apps.add(app)
            await uow.tokens.save_shopline(ShoplineToken.issue(APP, grant, self.clock.now()))
            await uow.commit()

    async def authorize(
        self,
        shop_id: ShopId = SHOP,
        watermark: datetime | None = NOW - timedelta(hours=1),
        tiktok_shop_id: TikTokShopId = TIKTOK_SHOP,
        cipher: str = CIPHER,
    ) -> None:
        code = f"code-{shop_id}"
        self.tiktok.add_authorization_code(
            code, [AuthorizedShop(tiktok_shop_id, cipher, "GB", "LOCAL", "Maomao")]
        )
        grant = await self.tiktok.exchange_code(code)
        identity = ShopIdentity(tiktok_shop_id, cipher, Region.GB, SellerType.LOCAL, "Maomao")
        shop = Shop.authorize(shop_id, APP, identity, self.clock.now())
        if watermark is not None:
            shop.advance_orders_watermark(watermark)
        async with self.uow() as uow:
            await uow.shops.add(shop)
            await uow.tokens.save_tiktok(TikTokToken.issue(shop_id, grant, self.clock.now()))
            await uow.commit()

    # --- running ----------------------------------------------------------------------------

    async def sync(self, shop_id: ShopId = SHOP) -> TaskState:
        task = await self.syncs.start(APP, shop_id)
        handler = OrderSyncHandler(self.uow, self.clock, self.tiktok, self.intake, self.importer, retry=FAST)
        worker = TaskWorker(self.uow, self.clock, {TaskKind.ORDER_SYNC: handler}, owner="worker-1")
        run = await worker.claim(task.id)
        assert run is not None
        await worker.execute(run)
        async with self.uow() as uow:
            finished = await uow.tasks.get(task.id)
        self.last_task = finished
        return finished.state

    async def order(self, order_id: str = "576461413038785752", shop_id: ShopId = SHOP) -> Order:
        async with self.uow() as uow:
            return await uow.orders.get(shop_id, OrderId(order_id))

    async def shop(self, shop_id: ShopId = SHOP) -> Shop:
        async with self.uow() as uow:
            return await uow.shops.get(shop_id)


def ref(order_id: str = "576461413038785752", shop_id: ShopId = SHOP) -> OrderRef:
    return OrderRef(APP, shop_id, OrderId(order_id))


async def world(**options: object) -> World:
    w = World()
    await w.install(**options)  # type: ignore[arg-type]
    await w.authorize()
    return w


# --- sync -----------------------------------------------------------------------------------


async def test_poll_repoll_and_an_older_update_leave_one_order_in_its_latest_state() -> None:
    w = await world(auto_import=False)
    w.publish(tiktok_order(status="AWAITING_SHIPMENT", update=NOW - timedelta(minutes=5)))
    assert await w.sync() is TaskState.SUCCEEDED
    assert w.last_task.counts.created == 1
    w.clock.advance(timedelta(minutes=5))
    assert await w.sync() is TaskState.SUCCEEDED  # the overlapping window sees it again
    assert w.last_task.counts.skipped == 1
    w.publish(tiktok_order(status="IN_TRANSIT", update=NOW + timedelta(minutes=1)))
    w.clock.advance(timedelta(minutes=5))
    await w.sync()
    w.publish(tiktok_order(status="AWAITING_SHIPMENT", update=NOW + timedelta(seconds=30)))
    w.clock.advance(timedelta(minutes=1))
    await w.sync()
    assert w.last_task.counts.skipped == 1  # older than what is held
    assert len(w.database.state.orders) == 1
    order = await w.order()
    assert order.status is OrderStatus.IN_TRANSIT
    assert order.update_time == NOW + timedelta(minutes=1)
    assert order.amounts.subtotal == Money(Decimal("20.00"), "GBP")
    assert order.amounts.discount == Money(Decimal("2"), "GBP")
    assert order.amounts.net == Money(Decimal("18.00"), "GBP")
    assert order.unit_count == 2


async def test_the_window_starts_ten_minutes_before_the_watermark_which_moves_to_the_sync_time() -> None:
    w = await world(auto_import=False)
    watermark = NOW - timedelta(hours=1)
    w.publish(tiktok_order(order_id="1", update=watermark - OVERLAP))
    w.publish(tiktok_order(order_id="2", update=watermark - OVERLAP - timedelta(seconds=1)))
    await w.sync()
    assert set(key[1] for key in w.database.state.orders) == {"1"}
    assert (await w.shop()).orders_synced_until == NOW


async def test_a_failed_sync_keeps_the_watermark() -> None:
    w = await world(auto_import=False)
    w.publish(tiktok_order())
    w.tiktok.fail_next(*[PartnerUnavailable("tiktok", "36009003", "Internal error")] * 3)
    assert await w.sync() is TaskState.FAILED
    assert (await w.shop()).orders_synced_until == NOW - timedelta(hours=1)
    assert w.database.state.orders == {}


async def test_details_are_asked_for_in_groups_of_fifty() -> None:
    w = await world(auto_import=False)
    for n in range(120):
        w.publish(tiktok_order(order_id=f"9{n:05d}", update=NOW - timedelta(minutes=30, seconds=n)))
    await w.sync()
    assert len(w.database.state.orders) == 120
    assert w.tiktok.calls.count("get_orders") == 3  # 100-order page → 50 + 50, then 20


# --- import ---------------------------------------------------------------------------------


async def test_auto_import_creates_one_paid_shopline_order_marked_with_the_channel_order() -> None:
    w = await world()
    w.publish(tiktok_order())
    await w.sync()
    [(created, ref_)] = w.shopline_orders()
    marker = f"TIKTOK_SHOP:{TIKTOK_SHOP}:576461413038785752"
    assert created.channel_marker == marker
    assert created.name == marker
    assert created.paid is True
    assert [(line.quantity, line.unit_price.amount) for line in created.lines] == [(2, Decimal("9.00"))]
    order = await w.order()
    assert order.import_status.state is ImportState.IMPORTED
    assert order.import_status.shopline_order_id == ref_.order_id
    assert order.import_status.attempt_count == 1
    assert w.database.state.ledger[order.import_key] == ref_.order_id
    w.clock.advance(timedelta(minutes=1))
    w.publish(tiktok_order(status="IN_TRANSIT", update=NOW))
    await w.sync()
    assert len(w.shopline_orders()) == 1


async def test_unpaid_orders_wait_and_only_linked_scope_skips_unlinked_orders() -> None:
    w = await world(scope=ImportScope.ONLY_LINKED)
    w.publish(tiktok_order(order_id="1", status="UNPAID"))
    w.publish(tiktok_order(order_id="2"))
    await w.sync()
    assert w.shopline_orders() == []
    waiting = [(await w.queries.get(ref(n))).waiting_reason for n in ("1", "2")]
    assert waiting == [
        "orders are imported from AWAITING_SHIPMENT on, not UNPAID",
        "1 SKU(s) are not linked to SHOPLINE variants and the import scope is only fully linked orders",
    ]
    with pytest.raises(OrderNotImportable) as raised:
        await w.commands.import_order(ref("2"), None)
    assert raised.value.why == "UNLINKED_SKUS"
    imported = await w.commands.import_order(ref("2"), ImportScope.ALL_ORDERS)
    assert imported.import_status.state is ImportState.IMPORTED
    again = await w.commands.import_order(ref("2"), ImportScope.ALL_ORDERS)
    assert again.import_status.shopline_order_id == imported.import_status.shopline_order_id
    assert len(w.shopline_orders()) == 1


async def test_importing_names_what_is_missing_in_full() -> None:
    w = await world(auto_import=False, scope=ImportScope.ALL_ORDERS)
    w.publish(tiktok_order(order_id="2"))
    await w.sync()

    with pytest.raises(OrderNotFound) as no_order:
        await w.commands.import_order(ref("3"), None)
    with pytest.raises(ShopNotFound) as no_shop:
        await w.commands.import_order(ref("2", shop_id=ShopId("shop-9")), None)
    del w.database.state.shopline_tokens[APP]  # the store's grant is gone
    with pytest.raises(NotFound) as no_token:
        await w.commands.import_order(ref("2"), None)

    assert no_order.value.resource_name == f"apps/{APP}/shops/{SHOP}/orders/3"
    assert no_shop.value.resource_name == f"apps/{APP}/shops/shop-9"
    # What is missing is the SHOPLINE grant, not a shop.
    assert isinstance(no_token.value, TokenNotFound)
    assert no_token.value.resource_name == f"apps/{APP}/token"
    assert w.shopline_orders() == []


async def test_a_lost_create_reply_is_found_by_its_marker_and_not_created_again() -> None:
    w = await world(auto_import=False)
    w.publish(tiktok_order())
    await w.sync()
    create = w.shopline.create_order

    async def created_but_lost(credentials: ShoplineCredentials, order: NewShoplineOrder) -> ShoplineOrderRef:
        await create(credentials, order)
        raise PartnerUnavailable("shopline", "timeout", "the reply was lost")

    w.shopline.create_order = created_but_lost  # type: ignore[method-assign]
    order = await w.commands.import_order(ref(), None)
    [(_, ref_)] = w.shopline_orders()
    assert order.import_status.shopline_order_id == ref_.order_id


async def test_a_refused_create_marks_the_import_failed_and_a_retry_imports_once() -> None:
    w = await world(auto_import=False)
    w.publish(tiktok_order())
    await w.sync()
    create = w.shopline.create_order
    refusals = [PartnerRejected("shopline", "422", "line_items is invalid")]

    async def refused_once(credentials: ShoplineCredentials, order: NewShoplineOrder) -> ShoplineOrderRef:
        if refusals:
            raise refusals.pop()
        return await create(credentials, order)

    w.shopline.create_order = refused_once  # type: ignore[method-assign]
    with pytest.raises(PartnerRejected):
        await w.commands.import_order(ref(), None)
    failed = await w.order()
    assert failed.import_status.state is ImportState.FAILED
    assert failed.import_status.failure_reason == "shopline error 422: line_items is invalid"
    assert failed.import_status.attempt_count == 1
    done = await w.commands.import_order(ref(), None)
    assert done.import_status.attempt_count == 2
    assert len(w.shopline_orders()) == 1


async def test_after_delete_and_reauthorization_a_resync_imports_nothing_twice() -> None:
    w = await world()
    w.publish(tiktok_order())
    await w.sync()
    [(_, first)] = w.shopline_orders()
    async with w.uow() as uow:  # the shop's purge: its orders go, the ledger stays
        await uow.orders.delete_for_shop(SHOP)
        await uow.shops.delete(SHOP)
        await uow.commit()
    await w.authorize(ShopId("shop-2"), watermark=None)
    w.clock.advance(timedelta(minutes=1))
    await w.sync(ShopId("shop-2"))
    assert len(w.shopline_orders()) == 1
    again = await w.order(shop_id=ShopId("shop-2"))
    assert again.import_status.shopline_order_id == first.order_id


async def test_an_imported_order_cancelled_on_tiktok_is_cancelled_in_shopline_with_restock() -> None:
    w = await world()
    w.publish(tiktok_order())
    await w.sync()
    w.clock.advance(timedelta(minutes=1))
    w.publish(tiktok_order(status="CANCELLED", update=NOW))
    await w.sync()
    [(_, shopline_order)] = w.shopline_orders()
    assert shopline_order.status == "cancelled"
    assert w.shopline.calls.count("cancel_order") == 1
    assert (await w.order()).shopline_cancel_pending is False


async def test_a_failed_shopline_cancel_is_retried_by_the_next_sync() -> None:
    w = await world()
    w.publish(tiktok_order())
    await w.sync()
    w.clock.advance(timedelta(minutes=1))
    w.publish(tiktok_order(status="CANCELLED", update=NOW))
    cancel = w.shopline.cancel_order
    outages = [PartnerUnavailable("shopline", "503", "unavailable")]

    async def unavailable_once(*args: object, **options: object) -> None:
        if outages:
            raise outages.pop()
        await cancel(*args, **options)  # type: ignore[arg-type]

    w.shopline.cancel_order = unavailable_once  # type: ignore[method-assign]
    await w.sync()
    assert w.last_task.counts.failed == 1
    assert (await w.order()).shopline_cancel_pending is True
    [(_, still_open)] = w.shopline_orders()
    assert still_open.status == "open"
    w.clock.advance(timedelta(hours=1))  # long after the cancellation left the sync window
    await w.sync()
    [(_, shopline_order)] = w.shopline_orders()
    assert shopline_order.status == "cancelled"
    assert (await w.order()).shopline_cancel_pending is False


# --- cancellations --------------------------------------------------------------------------


def buyer_request(
    order_id: str = "576461413038785752", deadline: datetime | None = None
) -> TikTokCancellation:
    return TikTokCancellation(
        cancel_id="4035318504086604100",
        order_id=OrderId(order_id),
        cancel_type="BUYER_CANCEL",
        status=CancellationStatus.PENDING,
        role="BUYER",
        reason="ecom_order_to_ship_canceled_reason_created_by_mistakes",
        create_time=NOW - timedelta(minutes=20),
        update_time=NOW - timedelta(minutes=20),
        response_deadline=deadline or NOW + timedelta(days=1),
    )


async def requested(w: World) -> None:
    w.publish(tiktok_order())
    w.tiktok.shop(CIPHER).cancellations["4035318504086604100"] = buyer_request()
    await w.sync()


async def test_a_buyer_request_is_picked_up_and_approved_on_tiktok() -> None:
    w = await world(auto_import=False)
    await requested(w)
    order = await w.order()
    assert order.cancellation.state is CancellationState.REQUESTED
    assert order.cancellation.request_time == NOW - timedelta(minutes=20)
    approved = await w.commands.approve_cancellation(ref())
    assert approved.cancellation.state is CancellationState.APPROVED
    assert approved.cancellation.resolve_time == NOW
    assert w.tiktok.shop(CIPHER).cancellations["4035318504086604100"].status is CancellationStatus.SUCCESS
    with pytest.raises(CancellationNotPending):
        await w.commands.approve_cancellation(ref())


async def test_an_answer_repeating_its_request_id_returns_the_order_and_the_id_is_not_reusable() -> None:
    w = await world(auto_import=False)
    await requested(w)
    request_id = "5b7e2c10-9a4d-4f3b-8e21-6c0d1f2a3b49"
    approved = await w.commands.approve_cancellation(ref(), request_id=request_id)

    again = await w.commands.approve_cancellation(ref(), request_id=request_id)

    assert again.cancellation == approved.cancellation
    with pytest.raises(RequestIdReused):
        await w.commands.reject_cancellation(
            ref(), "seller_reject_apply_product_has_been_packed", request_id=request_id
        )
    with pytest.raises(CancellationNotPending):
        await w.commands.approve_cancellation(ref(), request_id="0c9f5e1d-2b3a-4c5d-8e6f-7a8b9c0d1e2f")


async def test_a_pending_request_older_than_the_sync_window_is_found() -> None:
    w = await world(auto_import=False)
    w.publish(tiktok_order())
    old = replace(buyer_request(), create_time=NOW - timedelta(days=3), update_time=NOW - timedelta(days=3))
    w.tiktok.shop(CIPHER).cancellations[old.cancel_id] = old
    await w.sync()
    assert (await w.order()).cancellation.state is CancellationState.REQUESTED


async def test_a_buyer_request_is_rejected_with_the_reason() -> None:
    w = await world(auto_import=False)
    await requested(w)
    rejected = await w.commands.reject_cancellation(ref(), "seller_reject_apply_product_has_been_packed")
    assert rejected.cancellation.state is CancellationState.REJECTED
    assert w.tiktok.shop(CIPHER).cancellations["4035318504086604100"].status is CancellationStatus.CANCELLED


async def test_a_refused_answer_changes_nothing() -> None:
    w = await world(auto_import=False)
    await requested(w)
    w.tiktok.fail_next(PartnerRejected("tiktok", "253003", "cannot be answered"))
    with pytest.raises(PartnerRejected):
        await w.commands.approve_cancellation(ref())
    assert (await w.order()).cancellation.state is CancellationState.REQUESTED


async def test_seller_cancel_takes_only_a_reason_tiktok_offers() -> None:
    w = await world(auto_import=False)
    w.publish(tiktok_order())
    await w.sync()
    with pytest.raises(InvalidArgument) as raised:
        await w.commands.cancel(ref(), "because")
    assert raised.value.field == "reason"
    assert "seller_cancel_reason_out_of_stock" in raised.value.message
    assert w.tiktok.shop(CIPHER).seller_cancellations == []
    cancelled = await w.commands.cancel(ref(), "seller_cancel_reason_out_of_stock")
    assert cancelled.cancellation.state is CancellationState.SELLER_CANCELLED
    assert cancelled.cancellation.reason == "seller_cancel_reason_out_of_stock"
    assert w.tiktok.shop(CIPHER).seller_cancellations == [
        (OrderId("576461413038785752"), "seller_cancel_reason_out_of_stock")
    ]


# --- listing --------------------------------------------------------------------------------


async def test_listing_is_newest_first_filtered_and_paged() -> None:
    w = await world(auto_import=False)
    for n in range(5):
        w.publish(replace(tiktok_order(order_id=f"10{n}"), create_time=NOW - timedelta(hours=5 - n)))
    w.publish(replace(tiktok_order(order_id="200", status="UNPAID"), create_time=NOW - timedelta(hours=9)))
    await w.sync()
    first = await w.queries.list(OrderFilter(APP), page_size=4, after=None)
    assert [v.order.id for v in first.items] == ["104", "103", "102", "101"]
    rest = await w.queries.list(OrderFilter(APP), page_size=4, after=first.next_cursor)
    assert [v.order.id for v in rest.items] == ["100", "200"]
    assert rest.next_cursor is None
    unpaid = await w.queries.list(
        OrderFilter(APP, SHOP, statuses=frozenset({OrderStatus.UNPAID})), page_size=10, after=None
    )
    assert [v.order.id for v in unpaid.items] == ["200"]
    assert [v.waiting_reason for v in first.items] == [
        "automatic import is off for this app; use ImportOrder"
    ] * 4
    window = OrderFilter(APP, created_from=NOW - timedelta(hours=4), created_before=NOW - timedelta(hours=2))
    assert [v.order.id for v in (await w.queries.list(window, page_size=10, after=None)).items] == [
        "102",
        "101",
    ]


# --- claims, stock, periodic sync -----------------------------------------------------------


async def test_a_second_import_while_one_is_creating_the_order_is_refused() -> None:
    w = await world(auto_import=False)
    w.publish(tiktok_order())
    await w.sync()
    create = w.shopline.create_order
    racing: list[OrderNotImportable] = []

    async def slow_create(credentials: ShoplineCredentials, order: NewShoplineOrder) -> ShoplineOrderRef:
        with pytest.raises(OrderNotImportable) as raised:
            await w.commands.import_order(ref(), None)  # a second caller meanwhile
        racing.append(raised.value)
        return await create(credentials, order)

    w.shopline.create_order = slow_create  # type: ignore[method-assign]
    await w.commands.import_order(ref(), None)
    assert [error.why for error in racing] == ["IMPORT_IN_PROGRESS"]
    assert len(w.shopline_orders()) == 1


async def test_after_a_crash_mid_import_the_claim_runs_out_and_the_order_is_found_not_recreated() -> None:
    w = await world(auto_import=False)
    w.publish(tiktok_order())
    await w.sync()
    create = w.shopline.create_order

    async def created_then_crashed(
        credentials: ShoplineCredentials, order: NewShoplineOrder
    ) -> ShoplineOrderRef:
        await create(credentials, order)
        raise SystemExit  # the process dies before anything is recorded

    w.shopline.create_order = created_then_crashed  # type: ignore[method-assign]
    with pytest.raises(SystemExit):
        await w.commands.import_order(ref(), None)
    w.shopline.create_order = create  # type: ignore[method-assign]
    with pytest.raises(OrderNotImportable):
        await w.commands.import_order(ref(), None)
    w.clock.advance(timedelta(minutes=11))
    imported = await w.commands.import_order(ref(), None)
    [(_, only)] = w.shopline_orders()
    assert imported.import_status.shopline_order_id == only.order_id


async def linked_pool(w: World) -> ShoplineVariant:
    """Variant v-1 with 10 on hand in SHOPLINE, its pool, and TikTok sku-1 linked to it."""
    variant = ShoplineVariant(
        ShoplineVariantId("v-1"), "sp-1", "SELLER-1", "Mug", Money(Decimal("10.00"), "GBP"), "inv-1", NOW
    )
    w.shopline.store(HANDLE).locations = [ShoplineLocation("loc-1", "Main", True, True)]
    w.shopline.add_variant(HANDLE, variant, {"loc-1": 10})
    product = ChannelProduct.synced(
        APP,
        SHOP,
        ChannelProductData(
            ChannelProductId("prod-1"),
            "Mug",
            "ACTIVATE",
            NOW,
            (ChannelSkuData(ChannelSkuId("sku-1"), "SELLER-1", Money(Decimal("10.00"), "GBP")),),
        ),
    )
    product.link_sku(ChannelSkuId("sku-1"), variant.variant_id, NOW)
    pool = InventoryPool.open(PoolId("pool-1"), APP, variant.variant_id)
    pool.observe_on_hand(OnHandObservation(10, NOW - timedelta(hours=1)))
    pool.link_sku(ChannelSkuId("sku-1"), SHOP, product_id=ChannelProductId("prod-1"))
    async with w.uow() as uow:
        await uow.channel_products.add(product)
        await uow.shopline_variants.upsert_many(APP, [variant])
        await uow.inventory_pools.add(pool)
        await uow.commit()
    return variant


async def test_stock_is_reserved_on_sync_and_committed_with_the_on_hand_after_import() -> None:
    w = await world(scope=ImportScope.ONLY_LINKED)
    variant = await linked_pool(w)
    w.publish(tiktok_order(status="ON_HOLD"))
    await w.sync()
    async with w.uow() as uow:
        held = await uow.inventory_pools.get(PoolId("pool-1"))
    assert (held.on_hand, held.held) == (10, 2)

    w.clock.advance(timedelta(minutes=1))
    w.publish(tiktok_order(status="AWAITING_SHIPMENT", update=NOW))
    await w.sync()
    [(created, _)] = w.shopline_orders()
    assert [(line.variant_id, line.quantity) for line in created.lines] == [(variant.variant_id, 2)]
    async with w.uow() as uow:
        committed = await uow.inventory_pools.get(PoolId("pool-1"))
    assert (committed.on_hand, committed.held) == (8, 0)


async def test_the_periodic_sync_starts_one_task_per_active_shop() -> None:
    w = await world(auto_import=False)
    await w.authorize(ShopId("shop-2"), tiktok_shop_id=TikTokShopId("7000714532876270002"), cipher="GCP_2")
    async with w.uow() as uow:
        inactive = await uow.shops.get(ShopId("shop-2"))
        inactive.mark_needs_reauthorization(NOW)
        await uow.shops.update(inactive)
        await uow.commit()
    await w.authorize(
        ShopId("shop-3"), watermark=None, tiktok_shop_id=TikTokShopId("7000714532876270003"), cipher="GCP_3"
    )  # its history import has not finished: it sets the first watermark
    assert await w.syncs.start_for_active_shops() == 1
    assert await w.syncs.start_for_active_shops() == 1  # the pending one is reused
    tasks = list(w.database.state.tasks.values())
    assert [(t.kind, t.shop_id, t.state) for t in tasks] == [(TaskKind.ORDER_SYNC, SHOP, TaskState.PENDING)]


async def test_the_periodic_sync_leaves_the_shops_of_an_uninstalled_app_alone() -> None:
    w = await world(auto_import=False)
    async with w.uow() as uow:
        app = await uow.apps.get(APP)
        app.uninstall(NOW)
        await uow.apps.update(app)
        await uow.commit()
    assert await w.syncs.start_for_active_shops() == 0
    assert w.database.state.tasks == {}


async def test_the_history_import_reserves_stock_for_orders_still_in_the_warehouse() -> None:
    w = await world(auto_import=False)
    await linked_pool(w)
    w.publish(tiktok_order(order_id="1", status="AWAITING_SHIPMENT"))
    w.publish(tiktok_order(order_id="2", status="IN_TRANSIT"))
    task = Task.create(TaskId("import-1"), APP, TaskKind.HISTORY_IMPORT, NOW, SHOP)
    async with w.uow() as uow:
        await uow.tasks.add(task)
        await uow.commit()
    handler = HistoryImportHandler(w.uow, w.clock, w.tiktok, w.intake, retry=FAST)
    worker = TaskWorker(w.uow, w.clock, {TaskKind.HISTORY_IMPORT: handler}, owner="worker-1")
    run = await worker.claim(task.id)
    assert run is not None
    await worker.execute(run)
    async with w.uow() as uow:
        pool = await uow.inventory_pools.get(PoolId("pool-1"))
    assert (pool.on_hand, pool.held) == (10, 2)
