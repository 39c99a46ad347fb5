"""InventoryPools (list, get, update, push task) and the INVENTORY_PUSH handler over the fakes."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from domain.channel import ShoplineLocation, ShoplineVariant, WarehouseQuantity
from domain.errors import AppNotFound, InvalidArgument, PoolNotFound
from domain.events import PoolLinksChanged
from domain.ids import AppId, ChannelSkuId, OrderId, PoolId, ShopId, ShoplineVariantId
from domain.inventory_pool import InventoryPool, OnHandObservation, ReservationKey
from domain.money import Money
from domain.ports import PoolFilter
from domain.stock_push import PushResult
from domain.task import TaskKind, TaskState
from services.inventory.on_hand import OnHandReader
from services.inventory.pools import CapChange, InventoryPools, PushCheckpoint
from services.inventory.push import StockPusher
from services.inventory.push_task import InventoryPushHandler
from services.inventory.upkeep import LinkedPoolObserver, OnHandRefresh
from services.tasks.jobs import TaskWorker
from tests.fakes import FakeJobQueue
from tests.services.support_auth import Harness, product_data, tiktok_shop

SKU_A, SKU_B = ChannelSkuId("sku-a"), ChannelSkuId("sku-b")


class World:
    def __init__(self) -> None:
        self.h = Harness()
        self.jobs = FakeJobQueue()
        self.pools = InventoryPools(self.h.uow, self.h.clock, self.h.ids, self.jobs)
        self.pusher = StockPusher(self.h.uow, self.h.tiktok, self.h.clock)
        self.app_id = AppId("")
        self.shop_id = ShopId("")
        self.cipher = ""

    async def setup(self) -> World:
        self.app_id = await self.h.installed_app()
        shop = (await self.h.authorize(self.app_id, tiktok_shop(1))).linked[0].view.shop
        self.shop_id, self.cipher = shop.id, shop.cipher
        product = product_data("prod-1", SKU_A, SKU_B)
        skus = tuple(replace(s, inventory=(WarehouseQuantity("wh-1", 0),)) for s in product.skus)
        self.h.tiktok.shop(shop.cipher).products[product.product_id] = replace(product, skus=skus)
        await self.pool("v-1", 10, SKU_A, SKU_B)
        await self.pool("v-2", 3)
        oversold = await self.pool("v-3", 1)
        async with self.h.uow() as uow:
            locked = await uow.inventory_pools.lock(oversold)
            locked.reserve(ReservationKey(self.shop_id, OrderId("o-1"), SKU_A), 2, self.h.clock.now())
            await uow.inventory_pools.update(locked)
            await uow.commit()
        return self

    async def pool(self, variant: str, on_hand: int, *skus: ChannelSkuId) -> PoolId:
        pool = InventoryPool.open(PoolId(f"pool-{variant}"), self.app_id, ShoplineVariantId(variant))
        pool.observe_on_hand(OnHandObservation(on_hand, self.h.clock.now()))
        for sku in skus:
            pool.link_sku(sku, self.shop_id, product_id=product_data("prod-1").product_id)
        async with self.h.uow() as uow:
            await uow.inventory_pools.add(pool)
            await uow.commit()
        return pool.id


async def _world() -> World:
    return await World().setup()


async def test_list_filters_by_variant_and_get_shows_the_push_rows() -> None:
    w = await _world()

    async def variants(pool_filter: PoolFilter) -> list[str]:
        page = await w.pools.list_pools(w.app_id, pool_filter, page_size=10, after=None)
        return [view.pool.variant_id for view in page.items]

    assert await variants(PoolFilter()) == ["v-1", "v-2", "v-3"]
    assert await variants(PoolFilter(oversold_only=True)) == ["v-3"]
    assert await variants(PoolFilter(low_stock_threshold=3)) == ["v-2", "v-3"]
    assert await variants(PoolFilter(unlinked_only=True)) == ["v-2", "v-3"]
    view = await w.pools.get_pool(w.app_id, ShoplineVariantId("v-1"))
    assert {sku: (s.desired, s.result) for sku, s in view.pushes.items()} == {
        SKU_A: (10, PushResult.PENDING),
        SKU_B: (10, PushResult.PENDING),
    }
    with pytest.raises(PoolNotFound):
        await w.pools.get_pool(w.app_id, ShoplineVariantId("v-404"))
    with pytest.raises(AppNotFound):
        await w.pools.list_pools(AppId("nope"), PoolFilter(), page_size=10, after=None)


async def test_update_sets_safety_stock_and_caps_and_names_bad_fields() -> None:
    w = await _world()
    view = await w.pools.update_pool(
        w.app_id,
        ShoplineVariantId("v-1"),
        safety_stock=4,
        caps=[CapChange(SKU_A, 2, "inventory_pool.channel_skus[0]")],
        update_mask=["safety_stock", "channel_skus"],
    )
    assert (view.pool.safety_stock, view.pool.available) == (4, 6)
    assert {sku: s.desired for sku, s in view.pushes.items()} == {SKU_A: 2, SKU_B: 6}

    async def field_of(**changes) -> str:  # type: ignore[no-untyped-def]
        arguments = {"safety_stock": 0, "caps": [], "update_mask": ["safety_stock"], **changes}
        with pytest.raises(InvalidArgument) as caught:
            await w.pools.update_pool(w.app_id, ShoplineVariantId("v-1"), **arguments)
        return caught.value.field

    assert await field_of(safety_stock=-1) == "inventory_pool.safety_stock"
    assert await field_of(safety_stock=1_000_001) == "inventory_pool.safety_stock"
    assert await field_of(update_mask=[]) == "update_mask"
    assert await field_of(update_mask=["on_hand"]) == "update_mask"
    unlinked = [CapChange(ChannelSkuId("sku-x"), 1, "inventory_pool.channel_skus[0]")]
    assert await field_of(caps=unlinked, update_mask=["channel_skus"]) == "inventory_pool.channel_skus[0].sku"
    negative = [CapChange(SKU_A, -1, "inventory_pool.channel_skus[0]")]
    assert await field_of(caps=negative, update_mask=["channel_skus"]) == "inventory_pool.channel_skus[0].cap"
    assert w.h.database.state.pools[PoolId("pool-v-1")].safety_stock == 4  # nothing half-written


async def test_push_task_pushes_every_linked_sku_and_a_request_id_starts_it_once() -> None:
    w = await _world()
    first = await w.pools.start_push(w.app_id, None, "req-1")
    again = await w.pools.start_push(w.app_id, None, "req-1")
    assert first.id == again.id and len(w.jobs.jobs) == 1
    one_pool = await w.pools.start_push(w.app_id, ShoplineVariantId("v-1"), None)
    assert PushCheckpoint.decode(one_pool.checkpoint) == PushCheckpoint(PoolId("pool-v-1"), None)

    refresh = OnHandRefresh(w.h.uow, OnHandReader(w.h.uow, w.h.shopline, w.h.clock), w.h.clock)
    handler = InventoryPushHandler(w.h.uow, w.h.clock, w.pusher, refresh, page_size=1)
    worker = TaskWorker(w.h.uow, w.h.clock, {TaskKind.INVENTORY_PUSH: handler}, owner="worker-1")
    run = await worker.claim(first.id)
    assert run is not None
    await worker.execute(run)
    task = w.h.database.state.tasks[first.id]
    assert (task.state, task.done, task.counts.updated, task.counts.failed) == (TaskState.SUCCEEDED, 2, 2, 0)
    assert w.h.tiktok.shop(w.cipher).pushed_inventory == {SKU_A: (10,), SKU_B: (10,)}
    states = w.h.database.state.push_states
    assert {k[1]: (s.pushed, s.result) for k, s in states.items()} == {
        SKU_A: (10, PushResult.SUCCEEDED),
        SKU_B: (10, PushResult.SUCCEEDED),
    }


async def test_a_pool_pushes_nothing_until_its_on_hand_is_read_right_after_it_gets_linked_skus() -> None:
    h = Harness()
    app_id = await h.installed_app("linkstore")
    now = h.clock.now()
    mug = ShoplineVariant(
        ShoplineVariantId("v-9"), "prod-9", "MUG-9", "Mug", Money(Decimal("9.50"), "GBP"), "item-9", now
    )
    h.shopline.store("linkstore").locations = [ShoplineLocation("loc-main", "Main", True, True)]
    h.shopline.add_variant("linkstore", mug, {"loc-main": 7})
    pool = InventoryPool.open(PoolId("pool-9"), app_id, mug.variant_id)
    pool.link_sku(SKU_A, ShopId("shop-9"), product_id=product_data("prod-1").product_id)
    async with h.uow() as uow:
        await uow.shopline_variants.upsert_many(app_id, [mug])
        await uow.inventory_pools.add(pool)
        await uow.commit()
    assert h.database.state.push_states == {}  # stock unknown: not even a 0 is pushed
    observer = LinkedPoolObserver()
    observer.attach(OnHandRefresh(h.uow, OnHandReader(h.uow, h.shopline, h.clock), h.clock))

    await observer.links_changed([e for e in h.publisher.published if isinstance(e, PoolLinksChanged)])
    await observer.idle()

    assert h.database.state.pools[PoolId("pool-9")].on_hand == 7
    (state,) = h.database.state.push_states.values()
    assert (state.sku_id, state.desired) == (SKU_A, 7)
