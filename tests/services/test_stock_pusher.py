"""StockPusher over the fakes: latest value wins, bursts coalesce, failures back off and recover."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from domain.channel import TIKTOK, WarehouseQuantity
from domain.errors import PartnerUnavailable
from domain.ids import ChannelProductId, ChannelSkuId, PoolId, ShoplineVariantId
from domain.inventory_pool import InventoryPool, OnHandObservation
from domain.stock_push import CLOSED_PRODUCT_RETRY_DELAY, PushResult
from services.inventory.push import StockPusher
from tests.services.support_auth import Harness, product_data, tiktok_shop

SKU = ChannelSkuId("sku-1")
POOL = PoolId("pool-1")


async def _world() -> tuple[Harness, StockPusher, str]:
    h = Harness()
    app_id = await h.installed_app()
    outcome = await h.authorize(app_id, tiktok_shop(1))
    shop = outcome.linked[0].view.shop
    data = h.tiktok.shop(shop.cipher)
    product = product_data("prod-1", SKU)
    sku = replace(product.skus[0], inventory=(WarehouseQuantity("wh-1", 5), WarehouseQuantity("wh-2", 5)))
    data.products[product.product_id] = replace(product, skus=(sku,))
    pool = InventoryPool.open(POOL, app_id, ShoplineVariantId("v-1"))
    pool.observe_on_hand(OnHandObservation(10, h.clock.now()))
    pool.link_sku(SKU, shop.id, product_id=product.product_id)
    async with h.uow() as uow:
        await uow.inventory_pools.add(pool)
        await uow.commit()
    return h, StockPusher(h.uow, h.tiktok, h.clock), shop.cipher


async def _set_on_hand(h: Harness, quantity: int, minutes: int) -> None:
    async with h.uow() as uow:
        pool = await uow.inventory_pools.lock(POOL)
        pool.observe_on_hand(OnHandObservation(quantity, h.clock.now() + timedelta(minutes=minutes)))
        await uow.inventory_pools.update(pool)
        await uow.commit()


async def test_a_burst_of_changes_is_one_push_of_the_last_value_on_every_warehouse() -> None:
    h, pusher, cipher = await _world()
    for minute, quantity in enumerate((9, 8, 7, 3), start=1):
        await _set_on_hand(h, quantity, minute)
    assert await pusher.drain() == 1
    assert h.tiktok.calls.count("update_inventory") == 1
    assert h.tiktok.shop(cipher).pushed_inventory[SKU] == (3, 0)  # all of it on one warehouse
    state = h.database.state.push_states[(POOL, SKU)]
    assert (state.desired, state.pushed, state.result, state.pushed_at) == (
        3,
        3,
        PushResult.SUCCEEDED,
        h.clock.now(),
    )
    assert await pusher.drain() == 0


async def test_a_failed_push_is_recorded_retried_after_back_off_and_recovers() -> None:
    h, pusher, cipher = await _world()
    assert await pusher.drain() == 1
    await _set_on_hand(h, 6, 1)
    h.tiktok.fail_next(PartnerUnavailable(TIKTOK, "503", "busy"))
    await pusher.drain()
    state = h.database.state.push_states[(POOL, SKU)]
    assert (state.result, state.failures, state.pushed, state.desired) == (PushResult.FAILED, 1, 10, 6)
    assert "busy" in state.error
    assert await pusher.drain() == 0  # backing off
    h.clock.advance(timedelta(seconds=2))
    assert await pusher.drain() == 1
    state = h.database.state.push_states[(POOL, SKU)]
    assert (state.result, state.failures, state.pushed, state.error) == (PushResult.SUCCEEDED, 0, 6, "")
    assert h.tiktok.shop(cipher).pushed_inventory[SKU] == (6, 0)


async def test_a_product_tiktok_has_closed_is_tried_again_only_after_the_long_delay() -> None:
    h, pusher, cipher = await _world()
    data = h.tiktok.shop(cipher)
    product = data.products[ChannelProductId("prod-1")]
    data.products[product.product_id] = replace(product, status="FREEZE")

    await pusher.drain()

    state = h.database.state.push_states[(POOL, SKU)]
    assert (state.result, state.failures, state.pushed) == (PushResult.FAILED, 1, None)
    assert state.next_attempt_at == h.clock.now() + CLOSED_PRODUCT_RETRY_DELAY
    assert "product status is invalid" in state.error
    h.clock.advance(CLOSED_PRODUCT_RETRY_DELAY - timedelta(seconds=1))
    assert await pusher.drain() == 0  # no back-off of seconds for a frozen product
    assert h.tiktok.calls.count("update_inventory") == 1
    data.products[product.product_id] = product  # active again
    h.clock.advance(timedelta(seconds=1))
    assert await pusher.drain() == 1
    assert h.database.state.push_states[(POOL, SKU)].result is PushResult.SUCCEEDED
    assert data.pushed_inventory[SKU] == (10, 0)


async def test_a_change_during_a_push_leaves_the_row_pending_for_the_new_value() -> None:
    h, pusher, cipher = await _world()
    async with h.uow() as uow:
        [due] = await uow.push_states.due(h.clock.now(), limit=5)
    await _set_on_hand(h, 4, 1)  # arrives while the push of 10 is in flight
    async with h.uow() as uow:
        await uow.push_states.record(due.succeeded(due.desired_seq, 10, h.clock.now()), due.desired_seq)
        await uow.commit()
    assert h.database.state.push_states[(POOL, SKU)].result is PushResult.PENDING
    assert await pusher.drain() == 1
    assert h.tiktok.shop(cipher).pushed_inventory[SKU] == (4, 0)


async def test_the_skus_of_one_product_go_in_one_call() -> None:
    h, pusher, cipher = await _world()
    shop_id = next(iter(h.database.state.shops))
    data = h.tiktok.shop(cipher)
    product = data.products[next(iter(data.products))]
    second = replace(product.skus[0], sku_id=ChannelSkuId("sku-2"))
    data.products[product.product_id] = replace(product, skus=(*product.skus, second))
    async with h.uow() as uow:
        pool = await uow.inventory_pools.lock(POOL)
        pool.link_sku(second.sku_id, shop_id, cap=4, product_id=product.product_id)
        await uow.inventory_pools.update(pool)
        await uow.commit()
    assert await pusher.drain() == 2
    assert h.tiktok.calls.count("update_inventory") == 1
    assert data.pushed_inventory == {SKU: (10, 0), second.sku_id: (4, 0)}


async def test_a_sku_another_pusher_holds_is_left_to_it_until_its_lease_runs_out() -> None:
    h, pusher, cipher = await _world()
    async with h.uow() as uow:
        now = h.clock.now()
        assert await uow.push_states.claim([(POOL, SKU)], "other-process", now, now + timedelta(seconds=60))
        await uow.commit()
    assert await pusher.drain() == 0
    assert await pusher.push_one(POOL, SKU, force=True) is not None
    assert SKU not in h.tiktok.shop(cipher).pushed_inventory
    h.clock.advance(timedelta(seconds=61))  # that process died
    assert await pusher.drain() == 1
    assert h.tiktok.shop(cipher).pushed_inventory[SKU] == (10, 0)
