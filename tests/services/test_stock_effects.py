"""StockEffects and OnHandReader over the stateful fakes."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from domain.app import App, AppSettings
from domain.channel import ShoplineCredentials, ShoplineLocation, ShoplineVariant
from domain.events import LineQuantity, OrderImported, OrderLinesReserved, OrderReleased, ShopRenamed
from domain.ids import (
    AppId,
    ChannelProductId,
    ChannelSkuId,
    OrderId,
    PoolId,
    ShopId,
    ShoplineOrderId,
    ShoplineVariantId,
)
from domain.inventory_pool import InventoryPool, OnHandObservation, ReservationKey, ReservationState
from domain.money import Money
from domain.stock_push import PushResult
from services.inventory.on_hand import OnHandReader
from services.inventory.stock_effects import StockEffects
from tests.fakes import EPOCH, FakeClock, FakeDatabase, FakeIdGenerator, FakeShoplineApi, FakeUnitOfWork

APP = AppId("app-1")
SHOP = ShopId("shop-1")
OTHER_SHOP = ShopId("shop-2")
VARIANT = ShoplineVariantId("v-1")
SKU_A = ChannelSkuId("sku-a")
SKU_B = ChannelSkuId("sku-b")
UNLINKED = ChannelSkuId("sku-unlinked")


class World:
    def __init__(self) -> None:
        self.clock = FakeClock()
        self.database = FakeDatabase()
        self.effects = StockEffects(self.clock, FakeIdGenerator())

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.database)

    async def pool(
        self, on_hand: int, *skus: ChannelSkuId, pool_id: str = "pool-1", variant: str = "v-1"
    ) -> None:
        pool = InventoryPool.open(PoolId(pool_id), APP, ShoplineVariantId(variant))
        pool.observe_on_hand(OnHandObservation(on_hand, EPOCH))
        for sku in skus:
            pool.link_sku(sku, SHOP, product_id=ChannelProductId(f"p-{sku}"))
        async with self.uow() as uow:
            await uow.inventory_pools.add(pool)
            await uow.commit()

    async def apply(self, *events: object) -> None:
        async with self.uow() as uow:
            await self.effects.apply(uow, events)  # type: ignore[arg-type]
            await uow.commit()

    def stored(self, pool_id: str = "pool-1") -> InventoryPool:
        return self.database.state.pools[PoolId(pool_id)]

    def desired(self, pool_id: str = "pool-1") -> dict[str, tuple[int, PushResult]]:
        return {
            sku: (state.desired, state.result)
            for (pool, sku), state in self.database.state.push_states.items()
            if pool == pool_id
        }


def reserved(order: str, *lines: tuple[ChannelSkuId, int], shop: ShopId = SHOP) -> OrderLinesReserved:
    return OrderLinesReserved(APP, shop, OrderId(order), tuple(LineQuantity(s, q) for s, q in lines))


def released(order: str, *lines: tuple[ChannelSkuId, int]) -> OrderReleased:
    return OrderReleased(APP, SHOP, OrderId(order), tuple(LineQuantity(s, q) for s, q in lines))


def imported(order: str, *lines: tuple[ChannelSkuId, int], had_reservations: bool = True) -> OrderImported:
    return OrderImported(
        APP,
        SHOP,
        OrderId(order),
        ShoplineOrderId(f"sl-{order}"),
        tuple(LineQuantity(s, q) for s, q in lines),
        had_reservations,
    )


async def test_reserving_holds_stock_on_the_linked_pool_and_skips_unlinked_lines() -> None:
    w = World()
    await w.pool(10, SKU_A)
    await w.apply(reserved("o-1", (SKU_A, 3), (UNLINKED, 5)), ShopRenamed(SHOP, APP, "x"))
    pool = w.stored()
    assert (pool.held, pool.available, pool.oversold) == (3, 7, 0)
    assert list(pool.reservations) == [ReservationKey(SHOP, OrderId("o-1"), SKU_A)]
    assert w.desired() == {SKU_A: (7, PushResult.PENDING)}


async def test_two_skus_of_one_pool_reserve_both_lines_and_replays_change_nothing() -> None:
    w = World()
    await w.pool(10, SKU_A, SKU_B)
    event = reserved("o-1", (SKU_A, 2), (SKU_B, 1))
    await w.apply(event)
    await w.apply(event)
    assert (w.stored().held, w.stored().available) == (3, 7)
    assert w.desired() == {SKU_A: (7, PushResult.PENDING), SKU_B: (7, PushResult.PENDING)}
    assert w.database.state.push_states[(PoolId("pool-1"), SKU_A)].desired_seq == 2


async def test_a_line_of_another_shop_does_not_reserve_on_a_sku_linked_for_this_shop() -> None:
    w = World()
    await w.pool(10, SKU_A)
    await w.apply(reserved("o-1", (SKU_A, 2), shop=OTHER_SHOP))
    assert w.stored().held == 0


async def test_reservations_beyond_stock_are_recorded_as_oversold() -> None:
    w = World()
    await w.pool(2, SKU_A)
    for n in range(5):
        await w.apply(reserved(f"o-{n}", (SKU_A, 1)))
    pool = w.stored()
    assert (pool.held, pool.available, pool.oversold) == (5, 0, 3)
    assert w.desired() == {SKU_A: (0, PushResult.PENDING)}


async def test_release_returns_stock_and_is_idempotent() -> None:
    w = World()
    await w.pool(10, SKU_A)
    await w.apply(reserved("o-1", (SKU_A, 4)))
    await w.apply(released("o-1", (SKU_A, 4)))
    await w.apply(released("o-1", (SKU_A, 4)))
    pool = w.stored()
    assert (pool.held, pool.available) == (0, 10)
    state = pool.reservations[ReservationKey(SHOP, OrderId("o-1"), SKU_A)]
    assert (state.state, state.finished_at) == (ReservationState.RELEASED, EPOCH)


async def test_release_finds_the_pool_holding_the_reservation_after_a_relink() -> None:
    w = World()
    await w.pool(10, SKU_A)
    await w.pool(10, pool_id="pool-2", variant="v-2")
    await w.apply(reserved("o-1", (SKU_A, 4)))
    async with w.uow() as uow:  # the SKU moves to another variant while the order is open
        old, new = (
            await uow.inventory_pools.get(PoolId("pool-1")),
            await uow.inventory_pools.get(PoolId("pool-2")),
        )
        old.unlink_sku(SKU_A)
        new.link_sku(SKU_A, SHOP)
        await uow.inventory_pools.update(old)
        await uow.inventory_pools.update(new)
        await uow.commit()
    await w.apply(released("o-1", (SKU_A, 4)))
    assert (w.stored().held, w.stored("pool-2").held) == (0, 0)
    assert w.desired("pool-1") == {}
    assert w.desired("pool-2") == {SKU_A: (10, PushResult.PENDING)}


async def test_commit_imported_takes_the_observation_that_includes_shoplines_decrement() -> None:
    w = World()
    await w.pool(10, SKU_A)
    await w.apply(reserved("o-1", (SKU_A, 3)))
    w.clock.advance(timedelta(minutes=5))
    async with w.uow() as uow:
        observed = {VARIANT: OnHandObservation(7, EPOCH + timedelta(minutes=4))}
        await w.effects.commit_imported(uow, imported("o-1", (SKU_A, 3)), observed)
        await uow.commit()
    pool = w.stored()
    assert (pool.on_hand, pool.held, pool.committed, pool.available) == (7, 0, 3, 7)
    reservation = pool.reservations[ReservationKey(SHOP, OrderId("o-1"), SKU_A)]
    assert (reservation.state, reservation.finished_at) == (
        ReservationState.COMMITTED,
        EPOCH + timedelta(minutes=5),
    )


async def test_commit_without_an_observation_takes_the_units_off_the_on_hand_held() -> None:
    w = World()
    await w.pool(10, SKU_A)
    await w.apply(reserved("o-1", (SKU_A, 3)))
    async with w.uow() as uow:
        await w.effects.commit_imported(uow, imported("o-1", (SKU_A, 3)), {})
        await uow.commit()
    pool = w.stored()
    assert (pool.on_hand, pool.held, pool.committed, pool.available) == (7, 0, 3, 7)


async def test_an_import_without_reservations_still_brings_the_new_on_hand() -> None:
    w = World()
    await w.pool(10, SKU_A)
    async with w.uow() as uow:
        observed = {VARIANT: OnHandObservation(8, EPOCH + timedelta(minutes=1))}
        await w.effects.commit_imported(uow, imported("o-9", (SKU_A, 2), had_reservations=False), observed)
        await uow.commit()
    assert (w.stored().on_hand, w.stored().committed) == (8, 0)


async def test_finished_reservations_are_pruned_after_the_retention() -> None:
    w = World()
    await w.pool(10, SKU_A)
    await w.apply(reserved("o-1", (SKU_A, 1)))
    await w.apply(released("o-1", (SKU_A, 1)))
    w.clock.advance(timedelta(days=3, seconds=1))
    await w.apply(reserved("o-2", (SKU_A, 2)))
    assert list(w.stored().reservations) == [ReservationKey(SHOP, OrderId("o-2"), SKU_A)]


async def test_nothing_is_written_when_the_transaction_rolls_back() -> None:
    w = World()
    await w.pool(10, SKU_A)
    async with w.uow() as uow:
        await w.effects.apply(uow, [reserved("o-1", (SKU_A, 3))])
    assert w.stored().held == 0
    assert w.desired() == {SKU_A: (10, PushResult.PENDING)}


# --- OnHandReader ---------------------------------------------------------------------------


def _variant(n: int) -> ShoplineVariant:
    return ShoplineVariant(
        ShoplineVariantId(f"v-{n}"),
        "prod",
        f"SKU-{n}",
        "Socks",
        Money(Decimal("5"), "USD"),
        f"item-{n}",
        EPOCH,
    )


async def _reader_world(
    location_ids: tuple[str, ...] = (),
) -> tuple[OnHandReader, FakeShoplineApi, App, ShoplineCredentials, FakeClock]:
    clock = FakeClock()
    database = FakeDatabase()
    shopline = FakeShoplineApi(clock)
    shopline.add_authorization_code("store", "code")
    grant = await shopline.create_token("store", "code")
    store = shopline.store("store")
    store.locations = [
        ShoplineLocation("loc-main", "Main", True, True),
        ShoplineLocation("loc-2", "Second", True, False),
    ]
    for n in (1, 2):
        shopline.add_variant("store", _variant(n), {"loc-main": 4 * n, "loc-2": 10})
    async with FakeUnitOfWork(database) as uow:
        await uow.shopline_variants.upsert_many(APP, [_variant(1), _variant(2)])
        await uow.commit()
    app = App.install(APP, "store", EPOCH, AppSettings(location_ids=location_ids))
    reader = OnHandReader(lambda: FakeUnitOfWork(database), shopline, clock)
    return reader, shopline, app, ShoplineCredentials("store", grant.access_token), clock


async def test_on_hand_defaults_to_the_default_location() -> None:
    reader, _, app, credentials, _ = await _reader_world()
    found = await reader.read(app, credentials, [ShoplineVariantId("v-1"), ShoplineVariantId("v-2")])
    assert found == {
        ShoplineVariantId("v-1"): OnHandObservation(4, EPOCH),
        ShoplineVariantId("v-2"): OnHandObservation(8, EPOCH),
    }


async def test_on_hand_sums_the_mapped_locations_versioned_by_the_newest_level() -> None:
    reader, shopline, app, credentials, clock = await _reader_world(("loc-main", "loc-2"))
    clock.advance(timedelta(minutes=3))
    await shopline.set_inventory_level(credentials, "item-1", "loc-2", 1)
    found = await reader.read(app, credentials, [ShoplineVariantId("v-1"), ShoplineVariantId("v-404")])
    assert found == {ShoplineVariantId("v-1"): OnHandObservation(5, EPOCH + timedelta(minutes=3))}


async def test_on_hand_of_nothing_asks_nothing() -> None:
    reader, shopline, app, credentials, _ = await _reader_world()
    assert await reader.read(app, credentials, []) == {}
    assert "inventory_levels" not in shopline.calls


async def test_a_batch_reserving_and_releasing_one_order_leaves_nothing_held() -> None:
    w = World()
    await w.pool(10, SKU_A)
    await w.pool(10, SKU_B, pool_id="pool-2", variant="v-2")
    await w.apply(
        reserved("o-1", (SKU_A, 2), (SKU_B, 1)),
        reserved("o-2", (SKU_A, 3)),
        released("o-1", (SKU_A, 2), (SKU_B, 1)),
    )
    assert (w.stored().held, w.stored("pool-2").held) == (3, 0)
    assert w.desired() == {SKU_A: (7, PushResult.PENDING)}
