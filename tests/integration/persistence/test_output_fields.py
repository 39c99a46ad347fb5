"""Install time, SKU sales attributes and the buyer's masked phone read back, and migration 0008
keeps the rows written before it valid."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import update

from adapters.persistence.migrator import MIGRATIONS_DIR, upgrade_to_head
from adapters.persistence.repositories.orders import order_to_row
from adapters.persistence.tables import orders
from domain.catalog import ChannelProduct
from domain.channel import ChannelProductData, ChannelSkuData, SalesAttribute
from domain.ids import ChannelProductId, ChannelSkuId
from tests.integration.persistence.builders import APP, NOW, SHOP, at, order, product, seed

PRODUCT = ChannelProductId("1729592969712207008")


async def test_a_reinstall_time_is_kept_apart_from_the_creation_time(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    async with backend.new_uow() as uow:
        stored = await uow.apps.get(APP)
        assert (stored.created_at, stored.installed_at) == (NOW, at(3))
        stored.reinstall(at(90))
        await uow.apps.update(stored)
        await uow.commit()
    async with backend.new_uow() as uow:
        loaded = await uow.apps.get(APP)
    assert (loaded.created_at, loaded.installed_at) == (NOW, at(90))


async def test_an_uninstall_time_reads_back_and_a_reinstall_clears_it(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    async with backend.new_uow() as uow:
        stored = await uow.apps.get(APP)
        assert stored.uninstalled_at is None
        stored.uninstall(at(50))
        await uow.apps.update(stored)
        await uow.commit()
    async with backend.new_uow() as uow:
        loaded = await uow.apps.get(APP)
        assert loaded.uninstalled_at == at(50)
        loaded.reinstall(at(60))
        await uow.apps.update(loaded)
        await uow.commit()
    async with backend.new_uow() as uow:
        again = await uow.apps.get(APP)
    assert (again.uninstalled_at, again.installed_at) == (None, at(60))


async def test_sales_attributes_read_back_known_empty_and_unknown_apart(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    async with backend.new_uow() as uow:
        await uow.channel_products.add(product())
        await uow.commit()
    async with backend.new_uow() as uow:
        loaded = await uow.channel_products.get(SHOP, PRODUCT)
        lacking = await uow.channel_products.lacking_attributes(SHOP, limit=10)
    assert [sku.attributes for sku in loaded.skus] == [
        (SalesAttribute("Colour", "Crème"), SalesAttribute("Size", "350 ml")),
        (),
        None,
    ]
    assert list(lacking) == [PRODUCT]


async def test_recorded_attributes_take_a_product_off_the_lacking_list(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    async with backend.new_uow() as uow:
        for product_id in ("p-1", "p-2", "p-3"):
            await uow.channel_products.add(product(product_id))
        await uow.commit()
    async with backend.new_uow() as uow:
        assert list(await uow.channel_products.lacking_attributes(SHOP, limit=2)) == ["p-1", "p-2"]
        done = await uow.channel_products.get(SHOP, ChannelProductId("p-2"))
        done.record_attributes(_detail(done))
        await uow.channel_products.update(done)
        await uow.commit()
    async with backend.new_uow() as uow:
        assert list(await uow.channel_products.lacking_attributes(SHOP, limit=5)) == ["p-1", "p-3"]
        reread = await uow.channel_products.get(SHOP, ChannelProductId("p-2"))
    assert reread.sku(ChannelSkuId("p-2-c")).attributes == (SalesAttribute("Color", "Red"),)


def _detail(held: ChannelProduct) -> ChannelProductData:
    """A Get Product answer for ``held``: every SKU is red."""
    skus = tuple(
        ChannelSkuData(sku.sku_id, sku.seller_sku, sku.price, attributes=(SalesAttribute("Color", "Red"),))
        for sku in held.skus
    )
    return ChannelProductData(held.id, held.title, held.status, held.update_time, skus)


async def test_the_masked_phone_and_line_names_read_back(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    async with backend.new_uow() as uow:
        await uow.orders.add(order())
        await uow.commit()
    async with backend.new_uow() as uow:
        loaded = await uow.orders.get(SHOP, order().id)
    assert loaded.buyer.phone == "(+44)771*****34"
    assert [(line.product_name, line.sku_name) for line in loaded.lines] == [("Mug", "Red"), ("Plate", "")]


async def test_rows_written_before_0008_read_back_with_the_new_fields_defaulted(sql_backend) -> None:  # type: ignore[no-untyped-def]
    await seed(sql_backend)
    async with sql_backend.new_uow() as uow:
        await uow.orders.add(order())
        await uow.channel_products.add(product())
        await uow.commit()

    def downgrade(sync):  # type: ignore[no-untyped-def]
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.attributes["connection"] = sync
        command.downgrade(config, "0007_completed_requests")

    async with sql_backend.engine.begin() as conn:
        await conn.run_sync(downgrade)
        # Lines as 0007 wrote them: only the combined title.
        lines = [
            {k: v for k, v in line.items() if k not in ("product_name", "sku_name")}
            for line in order_to_row(order())["lines"]
        ]
        await conn.execute(update(orders).values(lines=lines))
    await upgrade_to_head(sql_backend.engine)
    async with sql_backend.new_uow() as uow:
        loaded_app = await uow.apps.get(APP)
        loaded_order = await uow.orders.get(SHOP, order().id)
        loaded_product = await uow.channel_products.get(SHOP, PRODUCT)
    assert loaded_app.installed_at == loaded_app.created_at == NOW
    assert loaded_order.buyer.phone == ""
    assert [(line.product_name, line.sku_name, line.title) for line in loaded_order.lines] == [
        ("", "", "Mug - Red"),
        ("", "", "Plate"),
    ]
    assert [sku.attributes for sku in loaded_product.skus] == [None, None, None]
