"""Deleting a shop leaves none of its rows in any shop-owned table; the import ledger stays."""

from __future__ import annotations

from sqlalchemy import func, select

from adapters.persistence.tables import SHOP_OWNED_TABLES, import_ledger, metadata, shop_links, shops
from domain.authorization_state import PendingAuthorization
from domain.errors import ShopNotFound, TokenNotFound
from domain.fulfillment import CachedProviders, CarrierMapping, SellerShipment, ShipmentKey, ShipmentSource
from domain.ids import AppId, ChannelSkuId, OrderId, PoolId, ShopId, ShoplineOrderId
from domain.inventory_pool import ReservationKey
from domain.logistics import ShippingProvider
from domain.returns import OrderReturn
from domain.shop import Region
from tests.integration.persistence.builders import (
    APP,
    OTHER_SHOP,
    SHOP,
    at,
    order,
    pool,
    product,
    seed,
    task,
    tiktok_token,
)
from tests.unit.return_builders import return_data

SHOPS = ((SHOP, APP), (OTHER_SHOP, APP))
SHARED_POOL = PoolId(f"pool-{OTHER_SHOP}")


async def _claim(backend, uow, shop) -> None:  # type: ignore[no-untyped-def]
    await uow.shop_registry.claim(shop.tiktok_shop_id, shop.app_id)


async def _fill(backend) -> None:  # type: ignore[no-untyped-def]
    """Every kind of shop-owned record for both shops, and a pool both shops share."""
    await seed(backend, shops=SHOPS)
    async with backend.new_uow() as uow:
        for shop_id in (SHOP, OTHER_SHOP):
            await _claim(backend, uow, await uow.shops.get(shop_id))
            await uow.tokens.save_tiktok(tiktok_token(shop_id))
            await uow.inventory_pools.add(pool(f"pool-{shop_id}", APP, f"var-{shop_id}", shop_id))
            for i in range(3):
                placed = order(f"o-{i}", shop_id)
                await uow.orders.add(placed)
                await uow.import_ledger.record(placed.import_key, ShoplineOrderId(f"sl-{shop_id}-{i}"), at(i))
            await uow.channel_products.add(product(f"p-{shop_id}", shop_id))
            report = return_data(return_id=f"4035{shop_id[-1]}", order_id=OrderId("o-0"))
            await uow.order_returns.add(OrderReturn.first_seen(AppId(APP), ShopId(shop_id), report, at(0)))
            await uow.tasks.add(task(f"task-{shop_id}", APP, shop_id))
            await uow.authorization_states.put(f"hash-{shop_id}", _pending_reauthorization(shop_id))
            await _fill_shipping(uow, ShopId(shop_id))
        shared = await uow.inventory_pools.get(SHARED_POOL)
        shared.link_sku(ChannelSkuId("sku-of-shop-1"), ShopId(SHOP))
        shared.reserve(ReservationKey(ShopId(SHOP), OrderId("o-1"), ChannelSkuId("sku-of-shop-1")), 1, at(9))
        await uow.inventory_pools.update(shared)
        await uow.commit()


async def _fill_shipping(uow, shop_id: ShopId) -> None:  # type: ignore[no-untyped-def]
    key = ShipmentKey.of(shop_id, OrderId("o-1"), ["li-1"], "RM1")
    shipped = SellerShipment.record(
        f"s-{shop_id}", AppId(APP), key, "Royal Mail", ShipmentSource.OPERATOR, at(1)
    )
    await uow.shipments.add(shipped)
    await uow.carrier_mappings.put(shop_id, CarrierMapping("default", "", "p1", "DPD", at(1)))
    await uow.shipping_providers.put(
        CachedProviders(shop_id, "opt-1", (ShippingProvider("p1", "DPD"),), at(1))
    )


def _pending_reauthorization(shop_id: str) -> PendingAuthorization:
    return PendingAuthorization(AppId(APP), Region.GB, None, ShopId(shop_id), at(0), at(30))


async def _delete_shop(backend, shop_id: ShopId) -> None:  # type: ignore[no-untyped-def]
    """What deleting a shop does, through the ports only."""
    async with backend.new_uow() as uow:
        doomed = await uow.shops.get(shop_id)
        assert await uow.order_returns.delete_for_shop(shop_id) == 1
        assert await uow.orders.delete_for_shop(shop_id) == 3
        assert await uow.channel_products.delete_for_shop(shop_id) == 1
        assert await uow.tasks.delete_for_shop(shop_id) == 1
        after = None
        while True:
            page = await uow.inventory_pools.list(doomed.app_id, page_size=1, after=after)
            for each in page.items:
                each.forget_shop(shop_id)
                await uow.inventory_pools.update(each)
            if page.next_cursor is None:
                break
            after = page.next_cursor
        await uow.tokens.delete_tiktok(shop_id)
        await uow.shops.delete(shop_id)
        await uow.shop_registry.release(doomed.tiktok_shop_id, doomed.app_id)
        await uow.commit()


async def test_deleting_a_shop_purges_its_records_and_keeps_the_ledger(backend) -> None:  # type: ignore[no-untyped-def]
    await _fill(backend)
    tiktok_shop_id = f"tt-{SHOP}"
    await _delete_shop(backend, ShopId(SHOP))

    async with backend.new_uow() as uow:
        try:
            await uow.shops.get(SHOP)
            raise AssertionError("the shop survived")
        except ShopNotFound:
            pass
        try:
            await uow.tokens.get_tiktok(SHOP)
            raise AssertionError("the token survived")
        except TokenNotFound:
            pass
        assert (await uow.orders.list(SHOP, page_size=10, after=None)).items == []
        assert await uow.order_returns.of_order(ShopId(SHOP), OrderId("o-0")) == []
        assert len(await uow.order_returns.of_order(ShopId(OTHER_SHOP), OrderId("o-0"))) == 1
        assert (await uow.channel_products.list(SHOP, page_size=10, after=None)).items == []
        remaining_tasks = (await uow.tasks.list(AppId(APP), page_size=10, after=None)).items
        assert [t.shop_id for t in remaining_tasks] == [OTHER_SHOP]
        shared = await uow.inventory_pools.get(SHARED_POOL)
        assert {key.shop_id for key in shared.reservations} == {OTHER_SHOP}
        assert {link.shop_id for link in shared.linked_skus.values()} == {OTHER_SHOP}
        assert len((await uow.orders.list(OTHER_SHOP, page_size=10, after=None)).items) == 3
        # The ledger outlives the shop: a re-authorized seller's orders are not imported twice.
        for i in range(3):
            assert await uow.import_ledger.find(order(f"o-{i}", SHOP).import_key) == f"sl-{SHOP}-{i}"
    registry_owner = await backend.registry(lambda r: r.owner(tiktok_shop_id))
    assert registry_owner is None

    if backend.engine is not None:
        assert await _rows_of(backend.engine, SHOP) == dict.fromkeys(_owned_table_names(), 0)
        assert await _count(backend.engine, shop_links, shop_links.c.tiktok_shop_id == tiktok_shop_id) == 0
        assert (
            await _count(backend.engine, import_ledger, import_ledger.c.tiktok_shop_id == tiktok_shop_id) == 3
        )
        assert all(count > 0 for count in (await _rows_of(backend.engine, OTHER_SHOP)).values())


async def test_deleting_the_shop_row_alone_cascades_to_every_owned_row(sql_backend) -> None:  # type: ignore[no-untyped-def]
    await _fill(sql_backend)
    async with sql_backend.new_uow() as uow:
        await uow.shops.delete(SHOP)
        await uow.commit()
    assert await _rows_of(sql_backend.engine, SHOP) == dict.fromkeys(_owned_table_names(), 0)
    assert (
        await _count(sql_backend.engine, import_ledger, import_ledger.c.tiktok_shop_id == f"tt-{SHOP}") == 3
    )


def test_every_table_with_a_shop_id_is_known_as_shop_owned() -> None:
    with_shop_id = {table.name for table in metadata.tables.values() if "shop_id" in table.c}
    assert with_shop_id == {table.name for table in SHOP_OWNED_TABLES}


def _owned_table_names() -> list[str]:
    return ["shops", *(table.name for table in SHOP_OWNED_TABLES)]


async def _rows_of(engine, shop_id: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    counts = {"shops": await _count(engine, shops, shops.c.id == shop_id)}
    for table in SHOP_OWNED_TABLES:
        counts[table.name] = await _count(engine, table, table.c.shop_id == shop_id)
    return counts


async def _count(engine, table, where) -> int:  # type: ignore[no-untyped-def]
    async with engine.connect() as conn:
        return (await conn.execute(select(func.count()).select_from(table).where(where))).scalar_one()
