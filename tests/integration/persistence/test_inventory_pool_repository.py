"""Inventory pool repository contract: the fake, SQLite and PostgreSQL behave alike."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain.errors import PoolAlreadyExists, PoolNotFound, StaleWrite
from domain.events import PoolAvailabilityChanged, PoolLinksChanged
from domain.ids import AppId, ChannelProductId, ChannelSkuId, OrderId, PoolId, ShopId, ShoplineVariantId
from domain.inventory_pool import InventoryPool, OnHandObservation, ReservationKey
from domain.ports import PoolFilter
from domain.stock_push import PushResult
from tests.integration.persistence.builders import APP, OTHER_APP, OTHER_SHOP, SHOP, at, pool, seed, state_of

POOL = PoolId("pool-1")
SHOPS = ((SHOP, APP), (OTHER_SHOP, APP))


async def test_added_pool_reads_back_with_every_field(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    async with backend.new_uow() as uow:
        await uow.inventory_pools.add(pool())
        await uow.commit()
    async with backend.new_uow() as uow:
        loaded = await uow.inventory_pools.get(POOL)
        by_variant = await uow.inventory_pools.find_by_variant(APP, ShoplineVariantId("var-1"))
        by_sku = await uow.inventory_pools.find_by_channel_sku(ChannelSkuId("pool-1-sku-b"))
    assert state_of(loaded) == state_of(pool())
    assert by_variant is not None and by_variant.id == POOL
    assert by_sku is not None and by_sku.id == POOL


async def test_missing_pool_is_not_found(backend) -> None:  # type: ignore[no-untyped-def]
    async with backend.new_uow() as uow:
        with pytest.raises(PoolNotFound):
            await uow.inventory_pools.get(PoolId("nope"))
        with pytest.raises(PoolNotFound):
            await uow.inventory_pools.delete(PoolId("nope"))
        with pytest.raises(PoolNotFound):
            await uow.inventory_pools.update(pool("nope"))
        assert await uow.inventory_pools.find_by_variant(APP, ShoplineVariantId("nope")) is None
        assert await uow.inventory_pools.find_by_channel_sku(ChannelSkuId("nope")) is None


async def test_one_pool_per_variant_and_app(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, apps=(APP, OTHER_APP))
    async with backend.new_uow() as uow:
        await uow.inventory_pools.add(pool())
        await uow.commit()
    async with backend.new_uow() as uow:
        with pytest.raises(PoolAlreadyExists):
            await uow.inventory_pools.add(pool("pool-2", APP, "var-1"))
    async with backend.new_uow() as uow:
        with pytest.raises(PoolAlreadyExists):
            await uow.inventory_pools.add(pool(POOL, APP, "var-9"))
    async with backend.new_uow() as uow:
        await uow.inventory_pools.add(pool("pool-3", OTHER_APP, "var-1"))  # another app: its own pool
        await uow.commit()


async def test_reservations_and_links_change_with_the_pool(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, shops=SHOPS)
    async with backend.new_uow() as uow:
        await uow.inventory_pools.add(pool())
        await uow.commit()
    async with backend.new_uow() as uow:
        loaded = await uow.inventory_pools.get(POOL)
        held = ReservationKey(SHOP, OrderId("o-1"), ChannelSkuId("pool-1-sku-a"))
        loaded.commit(held, OnHandObservation(37, at(20)))
        loaded.reserve(ReservationKey(OTHER_SHOP, OrderId("o-9"), ChannelSkuId("sku-x")), 4, at(21))
        loaded.link_sku(ChannelSkuId("sku-x"), OTHER_SHOP, cap=None)
        loaded.set_cap(ChannelSkuId("pool-1-sku-a"), 1)
        loaded.unlink_sku(ChannelSkuId("pool-1-sku-b"))
        loaded.set_safety_stock(0)
        await uow.inventory_pools.update(loaded)
        await uow.commit()
    async with backend.new_uow() as uow:
        again = await uow.inventory_pools.get(POOL)
        assert await uow.inventory_pools.find_by_channel_sku(ChannelSkuId("pool-1-sku-b")) is None
    assert state_of(again) == state_of(loaded)
    published = backend.publisher.published
    assert all(isinstance(e, PoolAvailabilityChanged | PoolLinksChanged) for e in published)
    assert any(isinstance(e, PoolAvailabilityChanged) for e in published)


async def test_forgetting_a_shop_removes_its_reservations_and_links(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, shops=SHOPS)
    async with backend.new_uow() as uow:
        await uow.inventory_pools.add(pool())
        await uow.commit()
    async with backend.new_uow() as uow:
        loaded = await uow.inventory_pools.get(POOL)
        loaded.forget_shop(ShopId(SHOP))
        await uow.inventory_pools.update(loaded)
        await uow.commit()
    async with backend.new_uow() as uow:
        again = await uow.inventory_pools.get(POOL)
    assert again.reservations == {} and again.linked_skus == {}


async def test_list_pages_by_keyset_within_the_app(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, apps=(APP, OTHER_APP))
    ids = [f"pool-{i}" for i in range(5)]
    async with backend.new_uow() as uow:
        for i, pool_id in enumerate(ids):
            await uow.inventory_pools.add(pool(pool_id, APP, f"var-{i}"))
        await uow.inventory_pools.add(pool("pool-other", OTHER_APP, "var-0"))
        await uow.commit()
    collected: list[str] = []
    after = None
    async with backend.new_uow() as uow:
        while True:
            page = await uow.inventory_pools.list(AppId(APP), page_size=2, after=after)
            collected += [p.id for p in page.items]
            if page.next_cursor is None:
                break
            after = page.next_cursor
    assert collected == ids
    assert [state_of(p) for p in page.items] == [state_of(pool("pool-4", APP, "var-4"))]


async def test_delete_removes_the_pool(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    async with backend.new_uow() as uow:
        await uow.inventory_pools.add(pool())
        await uow.commit()
    async with backend.new_uow() as uow:
        await uow.inventory_pools.delete(POOL)
        await uow.commit()
    async with backend.new_uow() as uow:
        assert await uow.inventory_pools.find_by_channel_sku(ChannelSkuId("pool-1-sku-a")) is None


async def test_concurrent_update_is_a_stale_write(sql_backend) -> None:  # type: ignore[no-untyped-def]
    await seed(sql_backend)
    async with sql_backend.new_uow() as uow:
        await uow.inventory_pools.add(pool())
        await uow.commit()
    async with sql_backend.new_uow() as first:
        mine = await first.inventory_pools.get(POOL)
        async with sql_backend.new_uow() as second:
            theirs = await second.inventory_pools.get(POOL)
            theirs.observe_on_hand(OnHandObservation(10, at(50)))
            await second.inventory_pools.update(theirs)
            await second.commit()
        mine.reserve(ReservationKey(SHOP, OrderId("o-7"), ChannelSkuId("pool-1-sku-a")), 1, at(51))
        with pytest.raises(StaleWrite):
            await first.inventory_pools.update(mine)


# --- lookups, locks, filters ----------------------------------------------------------------


async def test_lookups_by_sku_order_and_shop(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, shops=SHOPS)
    async with backend.new_uow() as uow:
        await uow.inventory_pools.add(pool())
        await uow.inventory_pools.add(pool("pool-2", APP, "var-2", shop_id=OTHER_SHOP))
        await uow.inventory_pools.add(
            InventoryPool.open(PoolId("pool-3"), AppId(APP), ShoplineVariantId("var-3"))
        )
        await uow.commit()
    async with backend.new_uow() as uow:
        pools = uow.inventory_pools
        skus = [ChannelSkuId("pool-1-sku-a"), ChannelSkuId("pool-2-sku-b"), ChannelSkuId("nope")]
        assert await pools.pool_ids_for_skus(ShopId(SHOP), skus) == {ChannelSkuId("pool-1-sku-a"): POOL}
        assert await pools.pool_ids_for_skus(ShopId(OTHER_SHOP), skus) == {
            ChannelSkuId("pool-2-sku-b"): PoolId("pool-2")
        }
        assert await pools.pool_ids_for_order(ShopId(SHOP), OrderId("o-2")) == [POOL]
        assert await pools.pool_ids_for_order(ShopId(SHOP), OrderId("o-404")) == []
        first = await pools.list_for_shop(ShopId(OTHER_SHOP), page_size=1, after=None)
        assert [p.id for p in first.items] == ["pool-2"] and first.next_cursor is None
        mine = await pools.list_for_shop(ShopId(SHOP), page_size=5, after=None)
        assert [p.id for p in mine.items] == ["pool-1"]
        locked = await pools.lock(POOL)
        assert state_of(locked) == state_of(pool())
        with pytest.raises(PoolNotFound):
            await pools.lock(PoolId("nope"))


async def test_list_filtered_by_variant_with_each_filter(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, shops=SHOPS)
    oversold = InventoryPool.open(PoolId("p-a"), AppId(APP), ShoplineVariantId("var-c"))
    oversold.link_sku(ChannelSkuId("s-1"), ShopId(SHOP))
    oversold.reserve(ReservationKey(ShopId(SHOP), OrderId("o-1"), ChannelSkuId("s-1")), 2, at(1))
    plenty = InventoryPool.open(PoolId("p-b"), AppId(APP), ShoplineVariantId("var-a"))
    plenty.observe_on_hand(OnHandObservation(50, at(1)))
    plenty.link_sku(ChannelSkuId("s-2"), ShopId(SHOP))
    low = InventoryPool.open(PoolId("p-c"), AppId(APP), ShoplineVariantId("var-b"))
    low.observe_on_hand(OnHandObservation(3, at(1)))
    async with backend.new_uow() as uow:
        for p in (oversold, plenty, low):
            await uow.inventory_pools.add(p)
        await uow.commit()

    async def variants(pool_filter: PoolFilter, page_size: int = 10) -> list[str]:
        collected: list[str] = []
        after = None
        async with backend.new_uow() as uow:
            while True:
                page = await uow.inventory_pools.list_filtered(
                    AppId(APP), pool_filter, page_size=page_size, after=after
                )
                collected += [p.variant_id for p in page.items]
                if page.next_cursor is None:
                    return collected
                after = page.next_cursor

    assert await variants(PoolFilter(), page_size=1) == ["var-a", "var-b", "var-c"]
    assert await variants(PoolFilter(oversold_only=True)) == ["var-c"]
    assert await variants(PoolFilter(low_stock_threshold=3)) == ["var-b", "var-c"]
    assert await variants(PoolFilter(unlinked_only=True)) == ["var-b"]
    assert await variants(PoolFilter(low_stock_threshold=5, unlinked_only=True, oversold_only=True)) == []


# --- push rows written with the pool --------------------------------------------------------


async def test_every_linked_sku_gets_a_push_row_that_follows_the_pool(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, shops=SHOPS)
    async with backend.new_uow() as uow:
        await uow.inventory_pools.add(pool())  # on hand 40, held 3, safety 2: available 35
        await uow.commit()
    async with backend.new_uow() as uow:
        rows = {s.sku_id: s for s in await uow.push_states.for_pool(POOL)}
    a, b = ChannelSkuId("pool-1-sku-a"), ChannelSkuId("pool-1-sku-b")
    assert {k: (s.desired, s.desired_seq, s.result, s.shop_id) for k, s in rows.items()} == {
        a: (5, 1, PushResult.PENDING, SHOP),
        b: (35, 1, PushResult.PENDING, SHOP),
    }
    assert rows[a].product_id == ChannelProductId("pool-1-product") and rows[b].product_id is None

    async with backend.new_uow() as uow:  # a push of b's 35 is in flight while an order holds 5
        due = await uow.push_states.due(at(10), limit=10)
        assert [s.sku_id for s in due] == [a, b]
        loaded = await uow.inventory_pools.lock(POOL)
        loaded.reserve(ReservationKey(ShopId(SHOP), OrderId("o-9"), a), 5, at(10))
        await uow.inventory_pools.update(loaded)
        await uow.commit()
    async with backend.new_uow() as uow:
        await uow.push_states.record(due[1].succeeded(1, 35, at(11)), 1)
        # An outcome without a product id keeps the one the row holds.
        await uow.push_states.record(replace(due[0], product_id=None).succeeded(1, 5, at(11)), 1)
        await uow.commit()
    async with backend.new_uow() as uow:
        rows = {s.sku_id: s for s in await uow.push_states.for_pool(POOL)}
        assert (rows[b].desired, rows[b].desired_seq, rows[b].pushed, rows[b].result) == (
            30,
            2,
            35,
            PushResult.PENDING,
        )
        assert (rows[a].desired, rows[a].pushed, rows[a].result) == (5, 5, PushResult.SUCCEEDED)
        assert rows[a].product_id == ChannelProductId("pool-1-product")
        assert [s.sku_id for s in await uow.push_states.due(at(12), limit=10)] == [b]

        failed = rows[b].failed("TikTok is down", at(12))
        await uow.push_states.record(failed, rows[b].desired_seq)
        await uow.commit()
    async with backend.new_uow() as uow:
        row = await uow.push_states.find(POOL, b)
        assert row is not None
        assert (row.result, row.error, row.failures, row.next_attempt_at) == (
            PushResult.FAILED,
            "TikTok is down",
            1,
            failed.next_attempt_at,
        )
        assert await uow.push_states.due(at(12), limit=10) == []
        await uow.push_states.request(POOL, b)
        await uow.commit()
    async with backend.new_uow() as uow:
        assert [s.sku_id for s in await uow.push_states.due(at(12), limit=10)] == [b]
        loaded = await uow.inventory_pools.get(POOL)
        loaded.unlink_sku(b)
        await uow.inventory_pools.update(loaded)
        await uow.commit()
    async with backend.new_uow() as uow:
        assert [s.sku_id for s in await uow.push_states.for_pool(POOL)] == [a]
        page = await uow.push_states.list_for_app(AppId(APP), page_size=5, after=None)
        assert [s.key for s in page.items] == [(POOL, a)] and page.next_cursor is None


async def test_a_pool_locked_for_some_reservations_keeps_the_others_and_its_figures(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    async with backend.new_uow() as uow:
        await uow.inventory_pools.add(pool())  # o-1 holds 3, o-2 committed, o-3 released
        await uow.commit()
    full = state_of(pool())
    o2 = ReservationKey(ShopId(SHOP), OrderId("o-2"), ChannelSkuId("pool-1-sku-a"))
    new = ReservationKey(ShopId(SHOP), OrderId("o-9"), ChannelSkuId("pool-1-sku-b"))
    async with backend.new_uow() as uow:
        partial = await uow.inventory_pools.lock(POOL, [o2, new])
        if backend.name != "fake":  # the fake always hands out the whole pool
            assert list(partial.reservations) == [o2] and not partial.complete
        assert (partial.held, partial.available, partial.oversold) == (full["held"], full["available"], 0)
        partial.reserve(new, 4, at(30))
        await uow.inventory_pools.update(partial)
        await uow.commit()
    async with backend.new_uow() as uow:
        whole = await uow.inventory_pools.lock(POOL)
    assert whole.complete and len(whole.reservations) == 4
    assert (whole.held, whole.available) == (full["held"] + 4, full["available"] - 4)


async def test_a_push_row_is_leased_to_one_pusher_at_a_time(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    async with backend.new_uow() as uow:
        await uow.inventory_pools.add(pool())
        await uow.commit()
    a, b = (POOL, ChannelSkuId("pool-1-sku-a")), (POOL, ChannelSkuId("pool-1-sku-b"))
    async with backend.new_uow() as uow:
        assert await uow.push_states.claim([a, b], "one", at(10), at(11)) == {a, b}
        await uow.commit()
    async with backend.new_uow() as uow:
        assert await uow.push_states.claim([a, b], "two", at(10), at(11)) == set()
        assert await uow.push_states.due(at(10), limit=10) == []  # in flight elsewhere
        row = await uow.push_states.find(*a)
        assert row is not None and (row.lease_owner, row.lease_until) == ("one", at(11))
        await uow.push_states.record(row.succeeded(row.desired_seq, row.desired, at(10)), row.desired_seq)
        await uow.commit()
    async with backend.new_uow() as uow:
        row = await uow.push_states.find(*a)
        assert row is not None and (row.lease_owner, row.result) == (None, PushResult.SUCCEEDED)
        # A pusher that died leaves a lease that runs out.
        assert await uow.push_states.claim([a, b], "two", at(11), at(12)) == {a, b}
        await uow.commit()
