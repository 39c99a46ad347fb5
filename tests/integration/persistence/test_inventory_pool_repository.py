"""Inventory pool repository contract: the fake, SQLite and PostgreSQL behave alike."""

from __future__ import annotations

import pytest

from domain.errors import PoolAlreadyExists, PoolNotFound, StaleWrite
from domain.events import PoolAvailabilityChanged
from domain.ids import AppId, ChannelSkuId, OrderId, PoolId, ShopId, ShoplineVariantId
from domain.inventory_pool import OnHandObservation, ReservationKey
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
    assert all(isinstance(e, PoolAvailabilityChanged) for e in backend.publisher.published)
    assert backend.publisher.published


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
