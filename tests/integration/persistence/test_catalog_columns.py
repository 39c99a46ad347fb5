"""The catalog's columns on existing tables (store currency, shop price rule) and migration 0003."""

from __future__ import annotations

from decimal import Decimal

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect

from adapters.persistence.migrator import MIGRATIONS_DIR, upgrade_to_head
from domain.ids import ShopId
from domain.pricing import ExchangeRate, PriceRounding, PriceRule
from tests.integration.persistence.builders import APP, SHOP, at, seed


async def test_store_currency_and_the_shops_own_price_rule_read_back(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    rule = PriceRule(
        "GBP",
        markup=Decimal("0.125"),
        fixed=Decimal("-0.50"),
        exchange_rate=ExchangeRate("SGD", "GBP", Decimal("0.5812345678")),
        rounding=PriceRounding.HALF_EVEN,
        enabled=False,
        auto_sync=True,
    )
    async with backend.new_uow() as uow:
        app = await uow.apps.get(APP)
        assert app.store_currency is None
        assert app.record_store_currency("SGD")
        await uow.apps.update(app)
        shop = await uow.shops.get(SHOP)
        assert shop.price_rule is None and shop.price_rule_updated_at is None
        shop.change_price_rule(rule, at(7))
        await uow.shops.update(shop)
        await uow.commit()
    async with backend.new_uow() as uow:
        app = await uow.apps.get(APP)
        shop = await uow.shops.get(ShopId(SHOP))
    assert app.store_currency == "SGD"
    assert (shop.price_rule, shop.price_rule_updated_at) == (rule, at(7))


async def test_downgrade_of_0003_drops_the_catalog_schema_and_upgrade_restores_it(engine) -> None:  # type: ignore[no-untyped-def]
    def downgrade(sync):  # type: ignore[no-untyped-def]
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.attributes["connection"] = sync
        command.downgrade(config, "0002_channel_data")
        inspector = inspect(sync)
        return (
            set(inspector.get_table_names()),
            {c["name"] for c in inspector.get_columns("apps")},
            {c["name"] for c in inspector.get_columns("shops")},
        )

    async with engine.begin() as conn:
        tables, app_columns, shop_columns = await conn.run_sync(downgrade)
    assert "shopline_variants" not in tables
    assert "store_currency" not in app_columns and "price_rule" not in shop_columns
    await upgrade_to_head(engine)
