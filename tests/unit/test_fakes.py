"""The fakes behave like the real adapters: same errors, transactions, paging and partner rules."""

from __future__ import annotations

import inspect
from datetime import timedelta
from decimal import Decimal

import pytest

from domain import ports
from domain.app import App
from domain.channel import (
    AuthorizedShop,
    ChannelProductData,
    ChannelSkuData,
    InventoryUpdate,
    NewShoplineOrder,
    PriceUpdate,
    ShopCredentials,
    ShoplineCredentials,
    ShoplineOrderLine,
    ShoplineVariant,
    TimeWindow,
    WarehouseQuantity,
)
from domain.errors import (
    AlreadyExists,
    AppAlreadyExists,
    AppNotFound,
    ChannelProductNotFound,
    NotFound,
    OrderAlreadyImported,
    OrderNotFound,
    PartnerAuthExpired,
    PartnerRejected,
    PartnerTokenRevoked,
    PartnerUnavailable,
    PoolNotFound,
    ShopAlreadyExists,
    ShopLinkedToAnotherApp,
    ShopNotFound,
    TaskNotFound,
    TokenNotFound,
)
from domain.events import ShopAuthorized, ShopRenamed
from domain.ids import (
    AppId,
    ChannelProductId,
    ChannelSkuId,
    OrderId,
    PoolId,
    ShopId,
    ShoplineOrderId,
    ShoplineVariantId,
    TaskId,
)
from domain.money import Money
from domain.order import Order
from domain.ports import Job
from domain.secret import Secret
from domain.shop import DisplayName, Shop
from domain.task import Task, TaskKind
from tests import fakes
from tests.unit.builders import APP_A, APP_B, SHOP, T0, TIKTOK_SHOP, identity, order_data

CLOCK = fakes.FakeClock()
FAKE_FOR_PORT = {
    ports.AppRepository: fakes.FakeAppRepository(),
    ports.ShopRepository: fakes.FakeShopRepository(),
    ports.TokenRepository: fakes.FakeTokenRepository(),
    ports.InventoryPoolRepository: fakes.FakeInventoryPoolRepository(),
    ports.PushStateRepository: fakes.FakePushStateRepository(),
    ports.OrderRepository: fakes.FakeOrderRepository(),
    ports.ChannelProductRepository: fakes.FakeChannelProductRepository(),
    ports.ShoplineVariantRepository: fakes.FakeShoplineVariantRepository(),
    ports.TaskRepository: fakes.FakeTaskRepository(),
    ports.StoreOrderRepository: fakes.FakeStoreOrderRepository(),
    ports.SalesReports: fakes.FakeSalesReports(fakes.FakeDatabase()),
    ports.ImportLedger: fakes.FakeImportLedger(),
    ports.ShopRegistry: fakes.FakeShopRegistry(),
    ports.ShopOverviews: fakes.FakeShopOverviews(),
    ports.CompletedRequests: fakes.FakeCompletedRequests(),
    ports.CustomerLinkRepository: fakes.FakeCustomerLinks(),
    ports.WebhookInbox: fakes.FakeWebhookInbox(),
    ports.UnitOfWork: fakes.FakeUnitOfWork(),
    ports.EventPublisher: fakes.FakeEventPublisher(),
    ports.Clock: CLOCK,
    ports.IdGenerator: fakes.FakeIdGenerator(),
    ports.JobQueue: fakes.FakeJobQueue(),
    ports.TikTokChannelApi: fakes.FakeTikTokChannelApi(CLOCK),
    ports.TikTokTokenRefresh: fakes.FakeTikTokChannelApi(CLOCK),
    ports.AccessTokenRefresher: fakes.FakeAccessTokenRefresher(),
    ports.ShoplineApi: fakes.FakeShoplineApi(CLOCK),
    ports.TikTokFulfillmentApi: fakes.FakeTikTokFulfillmentApi(CLOCK),
    ports.ShoplineFulfillmentApi: fakes.FakeShoplineFulfillmentApi(CLOCK),
    ports.ShoplineCustomers: fakes.FakeShoplineApi(CLOCK),
    ports.ShipmentRepository: fakes.FakeShipmentRepository(),
    ports.CarrierMappingRepository: fakes.FakeCarrierMappingRepository(),
    ports.ShippingProviderCache: fakes.FakeShippingProviderCache(),
    ports.OwnShoplineFulfillments: fakes.FakeOwnShoplineFulfillments(),
    ports.TaskChangeFeed: fakes.FakeTaskChangeFeed(),
    ports.TaskChangeSubscription: fakes.FakeTaskChangeFeed().subscribe(TaskId("x")),
    ports.ReturnRepository: fakes.FakeReturnRepository(),
    ports.TikTokReturnsApi: fakes.FakeTikTokReturnsApi(CLOCK),
    ports.ShoplineRefundsApi: fakes.FakeShoplineRefundsApi(fakes.FakeShoplineApi(CLOCK)),
}


def test_every_port_has_a_fake_that_fits_it() -> None:
    protocols = {
        value
        for value in vars(ports).values()
        if inspect.isclass(value)
        and getattr(value, "_is_protocol", False)
        and value.__module__.startswith(f"{ports.__name__}.")
    }
    assert protocols == set(FAKE_FOR_PORT)
    for protocol, fake in FAKE_FOR_PORT.items():
        assert isinstance(fake, protocol), protocol.__name__


# --- repositories ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lookup", "error"),
    [
        (lambda: fakes.FakeAppRepository().get(AppId("x")), AppNotFound),
        (lambda: fakes.FakeShopRepository().get(ShopId("x")), ShopNotFound),
        (lambda: fakes.FakeTokenRepository().get_tiktok(ShopId("x")), TokenNotFound),
        (lambda: fakes.FakeTokenRepository().get_shopline(AppId("x")), TokenNotFound),
        (lambda: fakes.FakeInventoryPoolRepository().get(PoolId("x")), PoolNotFound),
        (lambda: fakes.FakeOrderRepository().get(ShopId("s"), OrderId("x")), OrderNotFound),
        (
            lambda: fakes.FakeChannelProductRepository().get(ShopId("s"), ChannelProductId("x")),
            ChannelProductNotFound,
        ),
        (lambda: fakes.FakeTaskRepository().get(TaskId("x")), TaskNotFound),
    ],
)
async def test_getting_a_missing_aggregate_raises_its_not_found(lookup, error) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error) as raised:
        await lookup()
    assert isinstance(raised.value, NotFound)
    assert raised.value.resource_name


async def test_adding_twice_raises_already_exists_and_missing_updates_raise_not_found() -> None:
    repository = fakes.FakeAppRepository()
    app = App.install(APP_A, "open001", T0)
    await repository.add(app)
    with pytest.raises(AlreadyExists):
        await repository.add(app)
    with pytest.raises(AppAlreadyExists):
        await repository.add(App.install(APP_B, "open001", T0))  # one app per store
    with pytest.raises(AppNotFound):
        await repository.update(App.install(APP_B, "open002", T0))
    with pytest.raises(AppNotFound):
        await repository.delete(APP_B)


async def test_a_tiktok_shop_id_is_unique_across_apps_in_the_shop_table() -> None:
    repository = fakes.FakeShopRepository()
    await repository.add(Shop.authorize(SHOP, APP_A, identity(), T0))
    with pytest.raises(ShopAlreadyExists):
        await repository.add(Shop.authorize(ShopId("other"), APP_B, identity(), T0))
    found = await repository.find_by_tiktok_shop_id(TIKTOK_SHOP)
    assert found is not None and found.id == SHOP


async def test_repositories_hand_out_copies() -> None:
    repository = fakes.FakeShopRepository()
    await repository.add(Shop.authorize(SHOP, APP_A, identity(), T0))
    shop = await repository.get(SHOP)
    shop.rename(DisplayName.parse("changed"))
    assert (await repository.get(SHOP)).display_name.value != "changed"
    await repository.update(shop)
    assert (await repository.get(SHOP)).display_name.value == "changed"


async def test_list_pages_by_keyset_until_the_last_page() -> None:
    repository = fakes.FakeTaskRepository()
    for i in range(7):
        await repository.add(Task.create(TaskId(f"t{i}"), APP_A, TaskKind.AUTO_LINK, T0))
    await repository.add(Task.create(TaskId("other"), APP_B, TaskKind.AUTO_LINK, T0))
    seen: list[str] = []
    after: str | None = None
    while True:
        page = await repository.list(APP_A, page_size=3, after=after)
        seen.extend(task.id for task in page.items)
        if page.next_cursor is None:
            break
        after = page.next_cursor
    assert seen == [f"t{i}" for i in range(7)]


async def test_orders_are_deleted_with_their_shop() -> None:
    repository = fakes.FakeOrderRepository()
    await repository.add(Order.first_seen(APP_A, SHOP, TIKTOK_SHOP, order_data(order_id="1"), T0))
    await repository.add(Order.first_seen(APP_A, ShopId("s2"), TIKTOK_SHOP, order_data(order_id="2"), T0))
    assert await repository.delete_for_shop(SHOP) == 1
    assert await repository.find(SHOP, OrderId("1")) is None
    assert await repository.find(ShopId("s2"), OrderId("2")) is not None


async def test_the_import_ledger_records_once() -> None:
    ledger = fakes.FakeImportLedger()
    order = Order.first_seen(APP_A, SHOP, TIKTOK_SHOP, order_data(), T0)
    await ledger.record(order.import_key, ShoplineOrderId("sl-1"), T0)
    await ledger.record(order.import_key, ShoplineOrderId("sl-1"), T0)
    with pytest.raises(OrderAlreadyImported):
        await ledger.record(order.import_key, ShoplineOrderId("sl-2"), T0)
    assert await ledger.find(order.import_key) == "sl-1"


# --- unit of work ---------------------------------------------------------------------------


async def test_commit_keeps_changes_and_publishes_events_afterwards() -> None:
    database, publisher = fakes.FakeDatabase(), fakes.FakeEventPublisher()
    async with fakes.FakeUnitOfWork(database, publisher) as uow:
        await uow.shops.add(Shop.authorize(SHOP, APP_A, identity(), T0))
        assert publisher.published == []
        await uow.commit()
    assert publisher.published == [ShopAuthorized(SHOP, APP_A, TIKTOK_SHOP, T0)]
    async with fakes.FakeUnitOfWork(database, publisher) as uow:
        assert (await uow.shops.get(SHOP)).id == SHOP


async def test_leaving_without_commit_rolls_back_and_publishes_nothing() -> None:
    database, publisher = fakes.FakeDatabase(), fakes.FakeEventPublisher()
    async with fakes.FakeUnitOfWork(database, publisher) as uow:
        await uow.shops.add(Shop.authorize(SHOP, APP_A, identity(), T0))
        await uow.commit()
    publisher.published.clear()
    async with fakes.FakeUnitOfWork(database, publisher) as uow:
        shop = await uow.shops.get(SHOP)
        shop.rename(DisplayName.parse("renamed"))
        await uow.shops.update(shop)
    with pytest.raises(RuntimeError):
        async with fakes.FakeUnitOfWork(database, publisher) as uow:
            await uow.shops.delete(SHOP)
            raise RuntimeError("boom")
    async with fakes.FakeUnitOfWork(database, publisher) as uow:
        assert (await uow.shops.get(SHOP)).display_name.value != "renamed"
    assert publisher.published == []


async def test_events_of_loaded_aggregates_are_published_on_commit() -> None:
    database, publisher = fakes.FakeDatabase(), fakes.FakeEventPublisher()
    async with fakes.FakeUnitOfWork(database, publisher) as uow:
        await uow.shops.add(Shop.authorize(SHOP, APP_A, identity(), T0))
        await uow.commit()
        shop = await uow.shops.get(SHOP)
        shop.rename(DisplayName.parse("renamed"))
        await uow.shops.update(shop)
        await uow.commit()
    assert publisher.published[-1] == ShopRenamed(SHOP, APP_A, "renamed")


# --- registry -------------------------------------------------------------------------------


async def test_the_registry_refuses_a_second_app_and_frees_on_release() -> None:
    registry = fakes.FakeShopRegistry()
    await registry.claim(TIKTOK_SHOP, APP_A)
    await registry.claim(TIKTOK_SHOP, APP_A)
    with pytest.raises(ShopLinkedToAnotherApp) as raised:
        await registry.claim(TIKTOK_SHOP, APP_B)
    assert APP_A not in str(raised.value)
    await registry.release(TIKTOK_SHOP, APP_B)  # not the owner: nothing happens
    assert await registry.owner(TIKTOK_SHOP) == APP_A
    await registry.release(TIKTOK_SHOP, APP_A)
    await registry.claim(TIKTOK_SHOP, APP_B)
    assert await registry.owner(TIKTOK_SHOP) == APP_B


# --- time, ids, jobs ------------------------------------------------------------------------


def test_clock_ids_and_jobs() -> None:
    clock = fakes.FakeClock(T0)
    clock.advance(timedelta(hours=1))
    assert clock.now() == T0 + timedelta(hours=1)
    assert clock.now().tzinfo is not None
    ids = fakes.FakeIdGenerator("shop")
    assert len({ids.new_id() for _ in range(100)}) == 100


async def test_job_queue_deduplicates_by_key() -> None:
    queue = fakes.FakeJobQueue()
    await queue.enqueue(Job("sync_orders", {"shop": "s1"}, dedupe_key="sync:s1"))
    await queue.enqueue(Job("sync_orders", {"shop": "s1"}, dedupe_key="sync:s1"))
    await queue.enqueue(Job("push", {"pool": "p1"}))
    assert [job.name for job in queue.take_all()] == ["sync_orders", "push"]


# --- TikTok ---------------------------------------------------------------------------------

SHOP_INFO = AuthorizedShop(TIKTOK_SHOP, "GCP_1", "GB", "LOCAL", "Maomao")


async def _tiktok() -> tuple[fakes.FakeClock, fakes.FakeTikTokChannelApi, ShopCredentials, Secret]:
    clock = fakes.FakeClock(T0)
    api = fakes.FakeTikTokChannelApi(clock)
    api.add_authorization_code("code-1", [SHOP_INFO])
    grant = await api.exchange_code("code-1")
    return clock, api, ShopCredentials("GCP_1", grant.access_token), grant.refresh_token


async def test_tiktok_codes_are_single_use() -> None:
    _, api, credentials, _ = await _tiktok()
    with pytest.raises(PartnerRejected) as raised:
        await api.exchange_code("code-1")
    assert raised.value.code == "36004004"
    assert await api.authorized_shops(credentials.access_token) == [SHOP_INFO]


async def test_tiktok_refresh_rotates_both_tokens() -> None:
    _, api, credentials, refresh_token = await _tiktok()
    renewed = await api.refresh(refresh_token)
    assert renewed.access_token != credentials.access_token
    with pytest.raises(PartnerTokenRevoked):
        await api.refresh(refresh_token)
    with pytest.raises(PartnerTokenRevoked):
        await api.warehouses(credentials)


async def test_tiktok_expired_access_token_and_foreign_cipher() -> None:
    clock, api, credentials, _ = await _tiktok()
    with pytest.raises(PartnerRejected):
        await api.warehouses(ShopCredentials("ROW_other", credentials.access_token))
    clock.advance(timedelta(days=7))
    with pytest.raises(PartnerAuthExpired) as raised:
        await api.warehouses(credentials)
    assert raised.value.code == "105002"


async def test_tiktok_revoked_grant_cannot_refresh() -> None:
    _, api, _, refresh_token = await _tiktok()
    api.revoke_all_grants()
    with pytest.raises(PartnerTokenRevoked):
        await api.refresh(refresh_token)


async def test_tiktok_order_search_pages_and_detail_limits() -> None:
    _, api, credentials, _ = await _tiktok()
    for i in range(5):
        data = order_data(order_id=str(i), update=T0 + timedelta(minutes=i))
        api.shop("GCP_1").orders[data.order_id] = data
    window = TimeWindow(T0 + timedelta(minutes=1), T0 + timedelta(minutes=4))
    pages = [page async for page in api.search_orders(credentials, window, page_size=2)]
    assert [[o.order_id for o in page.items] for page in pages] == [["1", "2"], ["3"]]
    assert pages[0].total_count == 3
    with pytest.raises(PartnerRejected):
        await api.get_orders(credentials, [OrderId(str(i)) for i in range(51)])
    assert [o.order_id for o in await api.get_orders(credentials, [OrderId("4")])] == ["4"]


async def test_tiktok_product_updates() -> None:
    _, api, credentials, _ = await _tiktok()
    product = ChannelProductData(
        ChannelProductId("p1"), "Socks", "ACTIVATE", T0, (ChannelSkuData(ChannelSkuId("k1"), "RED", None),)
    )
    api.shop("GCP_1").products[product.product_id] = product
    with pytest.raises(PartnerRejected):
        await api.get_product(credentials, ChannelProductId("missing"))
    failures = await api.update_inventory(
        credentials,
        product.product_id,
        [
            InventoryUpdate(ChannelSkuId("k1"), (WarehouseQuantity("w1", 5),)),
            InventoryUpdate(ChannelSkuId("nope"), (WarehouseQuantity("w1", 5),)),
        ],
    )
    assert [f.item_ref for f in failures] == ["nope"]
    assert api.shop("GCP_1").pushed_inventory == {"k1": (5,)}
    await api.update_prices(
        credentials, product.product_id, [PriceUpdate(ChannelSkuId("k1"), Money.of("9.90", "GBP"))]
    )
    assert (await api.get_product(credentials, product.product_id)).skus[0].price == Money.of("9.90", "GBP")


async def test_partner_faults_can_be_injected() -> None:
    _, api, credentials, _ = await _tiktok()
    api.fail_next(PartnerUnavailable("tiktok", "36009003", "Internal error", "req-1"))
    with pytest.raises(PartnerUnavailable):
        await api.warehouses(credentials)
    assert await api.warehouses(credentials) == []


# --- SHOPLINE -------------------------------------------------------------------------------


async def _shopline() -> tuple[fakes.FakeClock, fakes.FakeShoplineApi, ShoplineCredentials]:
    clock = fakes.FakeClock(T0)
    api = fakes.FakeShoplineApi(clock)
    api.add_authorization_code("open001", "code")
    grant = await api.create_token("open001", "code")
    variant = ShoplineVariant(
        ShoplineVariantId("v1"), "p1", "RED", "Red", Money.of("10", "USD"), "item-1", T0
    )
    api.add_variant("open001", variant, {"loc-1": 10})
    return clock, api, ShoplineCredentials("open001", grant.access_token)


async def test_shopline_token_lifetime_and_uninstall() -> None:
    clock, api, credentials = await _shopline()
    with pytest.raises(PartnerRejected):
        await api.create_token("open001", "code")
    clock.advance(timedelta(hours=10))
    with pytest.raises(PartnerAuthExpired):
        await api.locations(credentials)
    renewed = await api.refresh_token("open001")
    await api.locations(ShoplineCredentials("open001", renewed.access_token))
    api.uninstall("open001")
    with pytest.raises(PartnerTokenRevoked):
        await api.refresh_token("open001")


async def test_shopline_orders_decrement_and_restock() -> None:
    clock, api, credentials = await _shopline()
    order = NewShoplineOrder(
        channel_marker="TIKTOK_SHOP:1:2",
        name="TT-2",
        currency="USD",
        lines=(
            ShoplineOrderLine(ShoplineVariantId("v1"), "Red", 3, Money.of("10", "USD"), "loc-1"),
            ShoplineOrderLine(None, "Custom", 1, Money.of("5", "USD")),
        ),
        total=Money(Decimal("35"), "USD"),
    )
    clock.advance(timedelta(minutes=1))
    ref = await api.create_order(credentials, order)
    levels = await api.inventory_levels(credentials, ["item-1"], ["loc-1"])
    assert levels[0].available == 7
    assert await api.find_order_by_channel_marker(credentials, "TIKTOK_SHOP:1:2") == ref
    await api.cancel_order(credentials, ref.order_id, restock=True, reason="buyer cancelled")
    assert (await api.inventory_levels(credentials, ["item-1"], []))[0].available == 10
    with pytest.raises(PartnerRejected):
        await api.cancel_order(credentials, ShoplineOrderId("missing"), restock=True, reason="x")


async def test_tiktok_webhook_subscriptions_follow_the_event_api() -> None:
    _clock, api, credentials, _refresh = await _tiktok()
    await api.subscribe_webhook(credentials, "ORDER_STATUS_CHANGE", "https://a.example/h")
    await api.subscribe_webhook(credentials, "ORDER_STATUS_CHANGE", "https://b.example/h")
    assert [s.address for s in await api.webhook_subscriptions(credentials)] == ["https://b.example/h"]
    with pytest.raises(PartnerRejected):
        await api.subscribe_webhook(credentials, "INVENTORY_STATUS_CHANGE", "https://a.example/h")
    await api.unsubscribe_webhook(credentials, "PRODUCT_CREATION")
    await api.unsubscribe_webhook(credentials, "ORDER_STATUS_CHANGE")
    assert await api.webhook_subscriptions(credentials) == []


async def test_shopline_webhook_subscriptions_have_ids() -> None:
    _clock, api, credentials = await _shopline()
    created = await api.subscribe_webhook(credentials, "products/update", "https://a.example/h", "v20251201")
    await api.update_webhook_address(credentials, created.subscription_id, "https://b.example/h")
    assert [s.address for s in await api.webhook_subscriptions(credentials)] == ["https://b.example/h"]
    with pytest.raises(PartnerRejected):
        await api.subscribe_webhook(credentials, "products/update", "x" * 256, "v20251201")
    await api.delete_webhook(credentials, created.subscription_id)
    with pytest.raises(PartnerRejected):
        await api.delete_webhook(credentials, created.subscription_id)
