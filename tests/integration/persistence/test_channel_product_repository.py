"""Channel product repository contract (the fake, SQLite, PostgreSQL) and batch saves (SQLAlchemy)."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from domain.channel import ChannelProductData, ChannelSkuData
from domain.errors import ChannelProductAlreadyExists, ChannelProductNotFound, StaleWrite
from domain.events import SkuLinked, SkuUnlinked
from domain.ids import ChannelProductId, ChannelSkuId, ShopId, ShoplineVariantId
from domain.ports import CatalogCounts
from tests.integration.persistence.builders import APP, OTHER_SHOP, SHOP, at, order, product, seed, state_of

SHOPS = ((SHOP, APP), (OTHER_SHOP, APP))
PRODUCT = ChannelProductId("1729592969712207008")


async def test_added_product_reads_back_with_every_field(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    async with backend.new_uow() as uow:
        await uow.channel_products.add(product())
        await uow.commit()
    async with backend.new_uow() as uow:
        loaded = await uow.channel_products.get(SHOP, PRODUCT)
        by_sku = await uow.channel_products.find_by_sku(SHOP, ChannelSkuId(f"{PRODUCT}-c"))
    assert state_of(loaded) == state_of(product())
    assert by_sku is not None and by_sku.id == PRODUCT


async def test_missing_and_duplicate_products(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, shops=SHOPS)
    async with backend.new_uow() as uow:
        with pytest.raises(ChannelProductNotFound):
            await uow.channel_products.get(SHOP, ChannelProductId("nope"))
        assert await uow.channel_products.find(SHOP, ChannelProductId("nope")) is None
        assert await uow.channel_products.find_by_sku(SHOP, ChannelSkuId("nope")) is None
        with pytest.raises(ChannelProductNotFound):
            await uow.channel_products.delete(SHOP, ChannelProductId("nope"))
        with pytest.raises(ChannelProductNotFound):
            await uow.channel_products.update(product("nope"))
        await uow.channel_products.add(product())
        await uow.commit()
    async with backend.new_uow() as uow:
        assert await uow.channel_products.find_by_sku(OTHER_SHOP, ChannelSkuId(f"{PRODUCT}-a")) is None
        with pytest.raises(ChannelProductAlreadyExists):
            await uow.channel_products.add(product())


async def test_sync_and_links_are_kept(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    async with backend.new_uow() as uow:
        await uow.channel_products.add(product())
        await uow.commit()
    async with backend.new_uow() as uow:
        loaded = await uow.channel_products.get(SHOP, PRODUCT)
        loaded.link_sku(ChannelSkuId(f"{PRODUCT}-b"), ShoplineVariantId("var-b"), at(30))
        loaded.unlink_sku(ChannelSkuId(f"{PRODUCT}-a"))
        kept = [
            ChannelSkuData(sku.sku_id, sku.seller_sku, sku.price, sku.inventory)
            for sku in loaded.skus
            if not sku.sku_id.endswith("-c")
        ]
        added = ChannelSkuData(ChannelSkuId("new-sku"), "NEW", None)
        loaded.apply_sync(ChannelProductData(PRODUCT, "Renamed mug", "ACTIVATE", at(31), (*kept, added)))
        await uow.channel_products.update(loaded)
        await uow.commit()
    async with backend.new_uow() as uow:
        again = await uow.channel_products.get(SHOP, PRODUCT)
        assert await uow.channel_products.find_by_sku(SHOP, ChannelSkuId(f"{PRODUCT}-c")) is None
    assert state_of(again) == state_of(loaded)
    kinds = [type(e) for e in backend.publisher.published]
    assert kinds.count(SkuLinked) == 1 and kinds.count(SkuUnlinked) == 2


async def test_list_pages_by_keyset_within_the_shop(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, shops=SHOPS)
    ids = [f"17295929697122070{i:02d}" for i in range(5)]
    async with backend.new_uow() as uow:
        for product_id in ids:
            await uow.channel_products.add(product(product_id))
        await uow.channel_products.add(product("1", OTHER_SHOP))
        await uow.commit()
    collected: list[str] = []
    after = None
    async with backend.new_uow() as uow:
        while True:
            page = await uow.channel_products.list(SHOP, page_size=2, after=after)
            collected += [p.id for p in page.items]
            if page.next_cursor is None:
                break
            after = page.next_cursor
    assert collected == ids


async def test_delete_and_delete_for_shop(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, shops=SHOPS)
    async with backend.new_uow() as uow:
        for i in range(3):
            await uow.channel_products.add(product(f"p-{i}", SHOP))
        await uow.channel_products.add(product("p-0", OTHER_SHOP))
        await uow.commit()
    async with backend.new_uow() as uow:
        await uow.channel_products.delete(SHOP, ChannelProductId("p-0"))
        assert await uow.channel_products.delete_for_shop(SHOP) == 2
        await uow.commit()
    async with backend.new_uow() as uow:
        assert (await uow.channel_products.list(SHOP, page_size=10, after=None)).items == []
        assert await uow.channel_products.find(OTHER_SHOP, ChannelProductId("p-0")) is not None


async def test_count_for_shop(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, shops=SHOPS)
    async with backend.new_uow() as uow:
        await uow.channel_products.save_many([product("p-1", SHOP), product("p-2", SHOP)])
        await uow.channel_products.add(product("p-3", OTHER_SHOP))
        await uow.commit()
    async with backend.new_uow() as uow:
        assert await uow.channel_products.count_for_shop(SHOP) == CatalogCounts(
            products=2, skus=6, linked_skus=4
        )
        assert await uow.channel_products.count_for_shop(ShopId("none")) == CatalogCounts()


async def test_find_many_returns_only_stored_products(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    async with backend.new_uow() as uow:
        await uow.channel_products.save_many([product("p-1"), product("p-2")])
        await uow.commit()
    async with backend.new_uow() as uow:
        found = await uow.channel_products.find_many(SHOP, [ChannelProductId("p-2"), ChannelProductId("p-9")])
    assert list(found) == ["p-2"] and state_of(found[ChannelProductId("p-2")]) == state_of(product("p-2"))


async def test_sku_links_name_only_linked_skus_of_the_shop(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, shops=SHOPS)
    linked = product("p-1")
    linked.unlink_sku(ChannelSkuId("p-1-a"))
    linked.link_sku(ChannelSkuId("p-1-b"), ShoplineVariantId("var-b"), at(30))
    async with backend.new_uow() as uow:
        await uow.channel_products.save_many([linked, product("p-1", shop_id=OTHER_SHOP)])
        await uow.commit()
    wanted = [ChannelSkuId(f"p-1-{letter}") for letter in "abcz"]
    async with backend.new_uow() as uow:
        links = await uow.channel_products.sku_links(SHOP, wanted)
        assert await uow.channel_products.sku_links(SHOP, []) == {}
    assert links == {sku: linked.sku(sku).link for sku in (ChannelSkuId("p-1-b"), ChannelSkuId("p-1-c"))}


# --- SQLAlchemy only ------------------------------------------------------------------------


class StatementCounter:
    """Counts the statements of the writes; the statistics upkeep on a connection aside is left out."""

    def __init__(self, engine) -> None:  # type: ignore[no-untyped-def]
        self.count = 0
        self._engine = engine.sync_engine
        event.listen(self._engine, "before_cursor_execute", self._seen)

    def _seen(self, _connection: object, _cursor: object, statement: str, *_: object) -> None:
        if not statement.startswith("ANALYZE") and "pg_class" not in statement:
            self.count += 1

    def close(self) -> None:
        event.remove(self._engine, "before_cursor_execute", self._seen)


async def test_save_many_writes_a_batch_in_a_few_statements(sql_backend) -> None:  # type: ignore[no-untyped-def]
    await seed(sql_backend)
    batch = [product(f"p-{i:04d}") for i in range(500)]
    counter = StatementCounter(sql_backend.engine)
    try:
        async with sql_backend.new_uow() as uow:
            await uow.channel_products.save_many(batch)
            await uow.orders.save_many([order(f"o-{i:04d}") for i in range(500)])
            await uow.commit()
        inserts = counter.count
        async with sql_backend.new_uow() as uow:
            counter.count = 0
            stored = await uow.channel_products.find_many(SHOP, [p.id for p in batch])
            assert counter.count <= 3
            for item in stored.values():
                item.link_sku(ChannelSkuId(f"{item.id}-b"), ShoplineVariantId("var-z"), at(60))
            counter.count = 0
            await uow.channel_products.save_many(list(stored.values()))
            updates = counter.count
            await uow.commit()
    finally:
        counter.close()
    assert inserts <= 6, inserts  # 500 products, 1500 SKU rows, 500 orders
    assert updates <= 4, updates
    async with sql_backend.new_uow() as uow:
        page = await uow.channel_products.list(SHOP, page_size=1000, after=None)
    assert len(page.items) == 500
    assert page.items[7].sku(ChannelSkuId("p-0007-b")).link is not None
    assert state_of(page.items[3]) == state_of(stored[page.items[3].id])


async def test_save_many_refuses_products_changed_meanwhile(sql_backend) -> None:  # type: ignore[no-untyped-def]
    await seed(sql_backend)
    async with sql_backend.new_uow() as uow:
        await uow.channel_products.save_many([product("p-1"), product("p-2")])
        await uow.commit()
    async with sql_backend.new_uow() as first:
        mine = await first.channel_products.find_many(
            SHOP, [ChannelProductId("p-1"), ChannelProductId("p-2")]
        )
        async with sql_backend.new_uow() as second:
            theirs = await second.channel_products.get(SHOP, ChannelProductId("p-2"))
            theirs.unlink_sku(ChannelSkuId("p-2-a"))
            await second.channel_products.update(theirs)
            await second.commit()
        with pytest.raises(StaleWrite):
            await first.channel_products.save_many(list(mine.values()))
